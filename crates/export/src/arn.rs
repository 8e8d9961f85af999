//! ARNs inside definitions, and the CloudFormation names derived from machine names.

use serde_json::{json, Value};

/// Characters AWS refuses in a state machine name (besides whitespace and control characters).
const FORBIDDEN_NAME_CHARS: &str = "<>{}[]?*\"#%\\^|~`$&,;:/";

/// Checks a state machine name against the AWS naming rules, so that a template never fails at
/// deploy time over a name the playground accepted.
pub fn check_machine_name(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if len == 0 {
        return Err("the name is empty".into());
    }
    if len > 80 {
        return Err(format!(
            "the name has {len} characters; AWS allows at most 80"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || FORBIDDEN_NAME_CHARS.contains(*c))
    {
        return Err(format!("the name contains {c:?}, which AWS does not allow"));
    }
    Ok(())
}

/// A readable logical-id stem: ASCII letters and digits only, each run of other characters
/// starting a new capitalised word (`order-processor_v2` → `OrderProcessorV2`).
pub fn logical_stem(name: &str) -> String {
    let mut out = String::new();
    let mut upper_next = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper_next {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper_next = false;
        } else {
            upper_next = true;
        }
    }
    if out.is_empty() {
        out.push_str("Machine");
    }
    out
}

/// Stems made unique by appending 2, 3, ... in workspace order.
pub fn unique_stems(names: &[&str]) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    for name in names {
        let base = logical_stem(name);
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        taken.push(candidate);
    }
    taken
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

/// Splits `stateMachine:<name>[:qualifier | /label]` into the name and what follows it.
pub fn state_machine_name(resource: &str) -> Option<(&str, &str)> {
    let rest = resource.strip_prefix("stateMachine:")?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    if end == 0 {
        return None;
    }
    Some((&rest[..end], &rest[end..]))
}

/// Where a region or account in a policy ARN comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    /// The stack's own region/account (`${AWS::Region}` / `${AWS::AccountId}`).
    Stack,
    /// Written out as is.
    Literal(&'a str),
}

/// A policy `Resource` value for an ARN: a plain string when every part is literal, otherwise
/// `Fn::Sub` with the stack's pseudo parameters, so the template deploys in any account/region.
pub fn policy_arn(service: &str, region: Part<'_>, account: Part<'_>, resource: &str) -> Value {
    if let (Part::Literal(r), Part::Literal(a)) = (region, account) {
        return Value::String(format!("arn:aws:{service}:{r}:{a}:{resource}"));
    }
    let region = match region {
        Part::Stack => "${AWS::Region}".into(),
        Part::Literal(r) => sub_literal(r),
    };
    let account = match account {
        Part::Stack => "${AWS::AccountId}".into(),
        Part::Literal(a) => sub_literal(a),
    };
    let (service, resource) = (sub_literal(service), sub_literal(resource));
    json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:{service}:{region}:{account}:{resource}") })
}

/// Text from a definition, made literal inside an `Fn::Sub` string: CloudFormation would read
/// `${Name}` as a variable (and refuse the template when no such parameter exists), while
/// `${!Name}` stands for the literal `${Name}`.
pub fn sub_literal(text: &str) -> String {
    text.replace("${", "${!")
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
    fn machine_names() {
        let ok = ["HelloWorld", "order-processor_v2", "a", &"x".repeat(80)];
        for n in ok {
            assert_eq!(check_machine_name(n), Ok(()), "{n}");
        }
        let bad = [
            "",
            "has space",
            "a:b",
            "a/b",
            "x{y}",
            "tab\tname",
            &"x".repeat(81),
        ];
        for n in bad {
            assert!(check_machine_name(n).is_err(), "{n:?} should be refused");
        }
    }

    #[test]
    fn stems_are_alphanumeric_and_unique() {
        let cases: [(&[&str], &[&str]); 4] = [
            (&["HelloWorld"], &["HelloWorld"]),
            (&["order-processor_v2"], &["OrderProcessorV2"]),
            (&["a-b", "a_b", "AB"], &["AB", "AB2", "AB3"]),
            (&["---", "9lives"], &["Machine", "9lives"]),
        ];
        for (names, want) in cases {
            assert_eq!(unique_stems(names), want.to_vec(), "{names:?}");
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
            ("stateMachine:", None),
            ("execution:Child:abc", None),
        ];
        for (res, want) in cases {
            assert_eq!(state_machine_name(res), want, "{res}");
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

    #[test]
    fn policy_arns_use_pseudo_parameters_only_when_needed() {
        assert_eq!(
            policy_arn("sqs", Part::Literal("eu-west-1"), Part::Literal("1"), "q"),
            json!("arn:aws:sqs:eu-west-1:1:q")
        );
        assert_eq!(
            policy_arn("sqs", Part::Stack, Part::Stack, "q"),
            json!({"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"})
        );
        assert_eq!(
            policy_arn("sqs", Part::Literal("eu-west-1"), Part::Stack, "q"),
            json!({"Fn::Sub": "arn:${AWS::Partition}:sqs:eu-west-1:${AWS::AccountId}:q"})
        );
    }

    #[test]
    fn definition_text_stays_literal_in_fn_sub() {
        assert_eq!(sub_literal("function:${Evil.Arn}"), "function:${!Evil.Arn}");
        assert_eq!(sub_literal("plain$text{}"), "plain$text{}");
        assert_eq!(
            policy_arn(
                "lambda",
                Part::Stack,
                Part::Literal("${Acct}"),
                "function:${X}"
            ),
            json!({"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${!Acct}:function:${!X}"})
        );
        // Without Fn::Sub the text is literal already.
        assert_eq!(
            policy_arn(
                "lambda",
                Part::Literal("r"),
                Part::Literal("a"),
                "function:${X}"
            ),
            json!("arn:aws:lambda:r:a:function:${X}")
        );
    }
}
