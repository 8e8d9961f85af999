//! ARNs and names as Step Functions reads them: parsing an ARN, the ARNs of state machines and
//! executions, and the rules a state machine or execution name must follow. The engine (which
//! creates machines and starts executions) and the exporter (which deploys them and scopes their
//! roles) both read them here, so a name the playground accepts is one AWS deploys.

/// Characters AWS refuses in a state machine or execution name (besides whitespace and
/// control characters).
const FORBIDDEN_NAME_CHARS: &str = "<>{}[]?*\"#%\\^|~`$&,;:/";

/// AWS's maximum length of a state machine or execution name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Why a name is not a valid state machine or execution name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameError {
    Empty,
    TooLong { chars: usize },
    Forbidden(char),
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameError::Empty => f.write_str("the name is empty"),
            NameError::TooLong { chars } => {
                write!(
                    f,
                    "the name has {chars} characters; AWS allows at most {MAX_NAME_CHARS}"
                )
            }
            NameError::Forbidden(c) => {
                write!(f, "the name contains {c:?}, which AWS does not allow")
            }
        }
    }
}

/// AWS's rules for state machine and execution names: 1 to 80 characters, none of them
/// whitespace, a control character (U+0000–U+001F, U+007F–U+009F), a bracket, a wildcard or
/// one of `"#%\^|~`$&,;:/`.
pub fn check_name(name: &str) -> Result<(), NameError> {
    let chars = name.chars().count();
    if chars == 0 {
        return Err(NameError::Empty);
    }
    if chars > MAX_NAME_CHARS {
        return Err(NameError::TooLong { chars });
    }
    match name
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || FORBIDDEN_NAME_CHARS.contains(*c))
    {
        Some(c) => Err(NameError::Forbidden(c)),
        None => Ok(()),
    }
}

/// A parsed ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

/// Reads an ARN; partition and service must be present, region and account may be empty (as
/// in the service-integration ARNs `arn:aws:states:::lambda:invoke`).
pub fn parse_arn(text: &str) -> Option<Arn<'_>> {
    let mut parts = text.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let arn = Arn {
        partition: parts.next()?,
        service: parts.next()?,
        region: parts.next()?,
        account: parts.next()?,
        resource: parts.next()?,
    };
    if arn.partition.is_empty() || arn.service.is_empty() {
        return None;
    }
    Some(arn)
}

/// How a Task waits on a service integration: the suffix of its Resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    RequestResponse,
    Sync,
    Sync2,
    WaitForTaskToken,
}

impl Pattern {
    /// The suffix as written after the integration's name (`.sync:2`, ...; empty for
    /// request-response).
    pub fn suffix(self) -> &'static str {
        match self {
            Pattern::RequestResponse => "",
            Pattern::Sync => ".sync",
            Pattern::Sync2 => ".sync:2",
            Pattern::WaitForTaskToken => ".waitForTaskToken",
        }
    }
}

/// A service-integration Resource: `arn:<partition>:states:::<name>[.sync|.sync:2|.waitForTaskToken]`,
/// where `name` is `<service>:<action>` (`sqs:sendMessage`) or `aws-sdk:<service>:<action>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Integration<'a> {
    pub partition: &'a str,
    /// Everything between `states:::` and the pattern suffix.
    pub name: &'a str,
    pub pattern: Pattern,
}

impl<'a> Integration<'a> {
    /// The integration a Task's Resource names; `None` for any other ARN (a Lambda function
    /// or an activity ARN, which carry a region and an account).
    pub fn parse(resource: &'a str) -> Option<Self> {
        let arn = parse_arn(resource)?;
        if arn.service != "states" || !arn.region.is_empty() || !arn.account.is_empty() {
            return None;
        }
        let (name, pattern) = [Pattern::Sync2, Pattern::Sync, Pattern::WaitForTaskToken]
            .into_iter()
            .find_map(|p| arn.resource.strip_suffix(p.suffix()).map(|n| (n, p)))
            .unwrap_or((arn.resource, Pattern::RequestResponse));
        Some(Integration {
            partition: arn.partition,
            name,
            pattern,
        })
    }

    /// The first part of the name: `lambda`, `states`, `aws-sdk`.
    pub fn service(&self) -> &'a str {
        self.name.split_once(':').map_or(self.name, |(s, _)| s)
    }

    /// What follows the service: `invoke`, `startExecution`, `s3:getObject` (under `aws-sdk`).
    pub fn action(&self) -> &'a str {
        self.name.split_once(':').map_or("", |(_, a)| a)
    }

    /// The name split at its last `:`, as history events name it (`resourceType` `aws-sdk:s3`,
    /// `resource` `getObject`).
    pub fn resource_type_and_action(&self) -> (&'a str, &'a str) {
        self.name.rsplit_once(':').unwrap_or((self.name, ""))
    }
}

/// Splits a resource `stateMachine:<name>[:qualifier | /label]` into the name and what follows
/// it. `:` and `/` cannot occur in a name, so they end it; what they enclose must be a valid name.
pub fn state_machine_name(resource: &str) -> Option<(&str, &str)> {
    let rest = resource.strip_prefix("stateMachine:")?;
    let end = rest.find([':', '/']).unwrap_or(rest.len());
    let name = &rest[..end];
    check_name(name).ok()?;
    Some((name, &rest[end..]))
}

/// Whether `text` is a Step Functions ARN of resource type `kind` (`stateMachine`,
/// `execution`, ...) with every part after the type filled in: the API answers `InvalidArn` to
/// anything else, and `…DoesNotExist` to a well-formed ARN that names nothing.
pub fn is_states_arn_of(text: &str, kind: &str) -> bool {
    let parts: Vec<&str> = text.split(':').collect();
    parts.len() >= 7
        && parts[0] == "arn"
        && parts[2] == "states"
        && parts[5] == kind
        && parts[6..].iter().all(|p| !p.is_empty())
}

/// The ARN of state machine `name` in `region`/`account`.
pub fn state_machine_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:states:{region}:{account}:stateMachine:{name}")
}

/// The ARN of a Standard execution `name` of `machine`.
pub fn execution_arn(region: &str, account: &str, machine: &str, name: &str) -> String {
    format!("arn:aws:states:{region}:{account}:execution:{machine}:{name}")
}

/// The ARN of an Express execution: Express executions may share a name, `run` tells them apart.
pub fn express_execution_arn(
    region: &str,
    account: &str,
    machine: &str,
    name: &str,
    run: &str,
) -> String {
    format!("arn:aws:states:{region}:{account}:express:{machine}:{name}:{run}")
}

/// Characters that can continue an ARN once `arn:` has been seen inside a longer string
/// (a JSONata expression, a States.Format template...). Commas, quotes, brackets and spaces end it.
fn arn_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_:/.*+=@".contains(c)
}

/// Byte ranges of everything that looks like an ARN inside `text`.
pub fn find_arns(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find("arn:") {
        let start = from + pos;
        let preceded_by_word = text[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let len = text[start..]
            .find(|c: char| !arn_char(c))
            .unwrap_or(text.len() - start);
        let end = start + len;
        if !preceded_by_word && parse_arn(&text[start..end]).is_some() {
            found.push((start, end));
            from = end;
        } else {
            from = start + 4;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aws_rules() {
        for ok in [
            "HelloWorld",
            "order-processor_v2",
            "HelloWorld-1_a.b",
            "a",
            "ünï",
            &"x".repeat(80),
        ] {
            assert_eq!(check_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_name(""), Err(NameError::Empty));
        assert_eq!(
            check_name(&"x".repeat(81)),
            Err(NameError::TooLong { chars: 81 })
        );
        for (bad, c) in [
            ("has space", ' '),
            ("a:b", ':'),
            ("a/b", '/'),
            ("x{y}", '{'),
            ("tab\tname", '\t'),
            ("x*", '*'),
            ("c1\u{85}", '\u{85}'),
        ] {
            assert_eq!(check_name(bad), Err(NameError::Forbidden(c)), "{bad:?}");
        }
    }

    #[test]
    fn parses_arns() {
        let a = parse_arn("arn:aws:states:us-east-1:123456789012:stateMachine:Hello:prod").unwrap();
        assert_eq!(
            (a.partition, a.service, a.region, a.account, a.resource),
            (
                "aws",
                "states",
                "us-east-1",
                "123456789012",
                "stateMachine:Hello:prod"
            )
        );
        let a = parse_arn("arn:aws:states:::lambda:invoke.waitForTaskToken").unwrap();
        assert_eq!(
            (a.region, a.account, a.resource),
            ("", "", "lambda:invoke.waitForTaskToken")
        );
        for bad in ["arn:aws:states", "urn:x:y:z:w:v", "arn::states:a:b:c"] {
            assert_eq!(parse_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn state_machine_names_in_resources() {
        let cases = [
            ("stateMachine:Child", Some(("Child", ""))),
            ("stateMachine:Child:live", Some(("Child", ":live"))),
            ("stateMachine:Child/mapLabel", Some(("Child", "/mapLabel"))),
            ("stateMachine:v1.2", Some(("v1.2", ""))),
            ("stateMachine:", None),
            ("stateMachine:*", None),
            ("stateMachine:pay?:live", None),
            ("execution:Child:abc", None),
        ];
        for (res, want) in cases {
            assert_eq!(state_machine_name(res), want, "{res}");
        }
    }

    #[test]
    fn integrations_and_their_patterns() {
        let cases = [
            (
                "arn:aws:states:::states:startExecution.sync:2",
                "states",
                "startExecution",
                Pattern::Sync2,
            ),
            (
                "arn:aws:states:::states:startExecution.sync",
                "states",
                "startExecution",
                Pattern::Sync,
            ),
            (
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "sqs",
                "sendMessage",
                Pattern::WaitForTaskToken,
            ),
            (
                "arn:aws:states:::lambda:invoke",
                "lambda",
                "invoke",
                Pattern::RequestResponse,
            ),
            (
                "arn:aws-cn:states:::aws-sdk:s3:getObject",
                "aws-sdk",
                "s3:getObject",
                Pattern::RequestResponse,
            ),
            (
                "arn:aws:states:::glue",
                "glue",
                "",
                Pattern::RequestResponse,
            ),
        ];
        for (arn, service, action, pattern) in cases {
            let i = Integration::parse(arn).unwrap();
            assert_eq!(
                (i.service(), i.action(), i.pattern),
                (service, action, pattern),
                "{arn}"
            );
            assert!(
                arn.ends_with(&format!("{}{}", i.name, i.pattern.suffix())),
                "{arn}"
            );
        }
        let sdk =
            Integration::parse("arn:aws:states:::aws-sdk:s3:getObject.waitForTaskToken").unwrap();
        assert_eq!(sdk.resource_type_and_action(), ("aws-sdk:s3", "getObject"));
        for other in [
            "arn:aws:lambda:us-east-1:1:function:f",
            "arn:aws:states:us-east-1:1:activity:a",
            "arn:aws:sns:::x",
            "states:::lambda:invoke",
        ] {
            assert_eq!(Integration::parse(other), None, "{other}");
        }
    }

    #[test]
    fn states_arns_by_kind() {
        let machine = state_machine_arn("us-east-1", "123456789012", "M");
        assert_eq!(
            machine,
            "arn:aws:states:us-east-1:123456789012:stateMachine:M"
        );
        assert!(is_states_arn_of(&machine, "stateMachine"));
        assert!(!is_states_arn_of(&machine, "execution"));
        let exec = execution_arn("us-east-1", "123456789012", "M", "run-1");
        assert_eq!(
            exec,
            "arn:aws:states:us-east-1:123456789012:execution:M:run-1"
        );
        assert!(is_states_arn_of(&exec, "execution"));
        assert_eq!(
            express_execution_arn("r", "a", "M", "n", "id"),
            "arn:aws:states:r:a:express:M:n:id"
        );
        for bad in [
            "arn:aws:states:r:a:stateMachine:",
            "arn:aws:lambda:r:a:stateMachine:M",
            "M",
            "arn:aws:states:r:a:stateMachine",
        ] {
            assert!(!is_states_arn_of(bad, "stateMachine"), "{bad}");
        }
    }

    #[test]
    fn finds_arns_in_longer_strings() {
        let s = "{% $states.input.x & 'arn:aws:states:us-east-1:1:stateMachine:A' %}";
        let hits = find_arns(s);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            &s[hits[0].0..hits[0].1],
            "arn:aws:states:us-east-1:1:stateMachine:A"
        );
        assert!(find_arns("learn:aws:x:y:z:w").is_empty());
        assert_eq!(find_arns("arn:aws:sns:r:a:t1,arn:aws:sns:r:a:t2").len(), 2);
    }
}
