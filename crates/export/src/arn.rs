//! The CloudFormation side of ARNs and names: policy ARNs built from the stack's pseudo
//! parameters, definition text kept literal inside `Fn::Sub`, and logical ids derived from
//! machine names. Reading ARNs and the naming rules themselves are `stepwise_asl::arn`'s, shared
//! with the engine, so the exporter accepts exactly the names the playground does.

use serde_json::{json, Value};

pub use stepwise_asl::arn::{find_arns, parse_arn, state_machine_name, Arn};

/// Checks a state machine name against the AWS naming rules, so that a template never fails at
/// deploy time over a name the playground accepted.
pub fn check_machine_name(name: &str) -> Result<(), String> {
    stepwise_asl::arn::check_name(name).map_err(|e| e.to_string())
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
