//! `mock.fieldValidationMode`: a Task's mocked result checked against the response shape of the
//! API its integration calls, as AWS's TestState does.
//!
//! AWS's rules (its documentation and its recorded answers): `STRICT` (the default) wants every
//! required field and every present field of the right type; `PRESENT` checks only the fields
//! present; `NONE` checks nothing. Fields the API does not define are let through (AWS does, so
//! that a newer field never breaks a test), names are Step Functions' (first letter capitalized:
//! `ExecutionArn`, not the API's `executionArn`), a timestamp or a blob must be a string (AWS
//! refuses `StartDate: 1764103483`, although a real execution's `.sync` answer carries
//! milliseconds), and a message names the innermost field (`Field 'EventId' must be a string`).
//!
//! Shapes are kept here for the integrations the engine itself answers or that users mock most
//! (`states:startExecution` in its three patterns, `lambda:invoke`, `events:putEvents`,
//! `sqs:sendMessage`, `sns:publish`, and their `aws-sdk:` forms). Any other integration is not
//! checked: nothing here knows its shape, and refusing a result on a guess would be worse. Neither
//! is a `.waitForTaskToken` task (its result is whatever the callback sends, not the API's
//! response) nor a Lambda function named by its ARN (its result is the function's own output).

use crate::api::{names, ApiError};
use stepwise_asl::arn::{Integration, Pattern};
use stepwise_json::Value;

/// How strictly a mocked result is checked (AWS's `MockResponseValidationMode`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidationMode {
    #[default]
    Strict,
    Present,
    None,
}

impl FieldValidationMode {
    pub const ALL: [FieldValidationMode; 3] = [Self::Strict, Self::Present, Self::None];

    /// AWS's name, and what `parse` reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "STRICT",
            Self::Present => "PRESENT",
            Self::None => "NONE",
        }
    }

    /// Reads AWS's name; anything else is AWS's enum refusal.
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                ApiError::new(
                    names::VALIDATION,
                    format!(
                        "1 validation error detected: Value '{s}' at 'mock.fieldValidationMode' \
                     failed to satisfy constraint: Member must satisfy enum value set: \
                     [STRICT, PRESENT, NONE]"
                    ),
                )
            })
    }
}

/// A piece of an API's response shape.
enum Shape {
    String,
    /// A timestamp or a blob: AWS wants text.
    Text,
    Integer,
    Boolean,
    /// DescribeExecution's `Input` and `Output`: JSON text, or (`.sync:2`) any JSON.
    Data,
    Enum(&'static [&'static str]),
    List(&'static Shape),
    Structure(&'static [Member]),
}

struct Member {
    name: &'static str,
    shape: &'static Shape,
    required: bool,
}

const fn opt(name: &'static str, shape: &'static Shape) -> Member {
    Member {
        name,
        shape,
        required: false,
    }
}

const fn req(name: &'static str, shape: &'static Shape) -> Member {
    Member {
        name,
        shape,
        required: true,
    }
}

const S: &Shape = &Shape::String;
const T: &Shape = &Shape::Text;

static START_EXECUTION: Shape = Shape::Structure(&[req("ExecutionArn", S), req("StartDate", T)]);

/// DescribeExecution's output, as `.sync` and `.sync:2` return it.
static DESCRIBE_EXECUTION: Shape = Shape::Structure(&[
    req("ExecutionArn", S),
    req("StateMachineArn", S),
    opt("Name", S),
    req(
        "Status",
        &Shape::Enum(&[
            "RUNNING",
            "SUCCEEDED",
            "FAILED",
            "TIMED_OUT",
            "ABORTED",
            "PENDING_REDRIVE",
        ]),
    ),
    req("StartDate", T),
    opt("StopDate", T),
    opt("Input", &Shape::Data),
    opt("InputDetails", DATA_DETAILS),
    opt("Output", &Shape::Data),
    opt("OutputDetails", DATA_DETAILS),
    opt("TraceHeader", S),
    opt("MapRunArn", S),
    opt("Error", S),
    opt("Cause", S),
    opt("StateMachineVersionArn", S),
    opt("StateMachineAliasArn", S),
    opt("RedriveCount", &Shape::Integer),
    opt("RedriveDate", T),
    opt(
        "RedriveStatus",
        &Shape::Enum(&["REDRIVABLE", "NOT_REDRIVABLE", "REDRIVABLE_BY_MAP_RUN"]),
    ),
    opt("RedriveStatusReason", S),
]);

const DATA_DETAILS: &Shape = &Shape::Structure(&[opt("Included", &Shape::Boolean)]);

static LAMBDA_INVOKE: Shape = Shape::Structure(&[
    opt("StatusCode", &Shape::Integer),
    opt("FunctionError", S),
    opt("LogResult", S),
    opt("Payload", T),
    opt("ExecutedVersion", S),
]);

static PUT_EVENTS: Shape = Shape::Structure(&[
    opt("FailedEntryCount", &Shape::Integer),
    opt(
        "Entries",
        &Shape::List(&Shape::Structure(&[
            opt("EventId", S),
            opt("ErrorCode", S),
            opt("ErrorMessage", S),
        ])),
    ),
]);

static SEND_MESSAGE: Shape = Shape::Structure(&[
    opt("MD5OfMessageBody", S),
    opt("MD5OfMessageAttributes", S),
    opt("MD5OfMessageSystemAttributes", S),
    opt("MessageId", S),
    opt("SequenceNumber", S),
]);

static PUBLISH: Shape = Shape::Structure(&[opt("MessageId", S), opt("SequenceNumber", S)]);

/// The response shape of the API a Task `resource` calls, when known, and whether its
/// execution data comes parsed (`.sync:2`).
fn shape_of(resource: &str) -> Option<(&'static Shape, bool)> {
    let integration = Integration::parse(resource)?;
    let name = integration.name;
    let shape = match integration.pattern {
        Pattern::WaitForTaskToken => None,
        Pattern::Sync | Pattern::Sync2 => {
            (name == "states:startExecution").then_some(&DESCRIBE_EXECUTION)
        }
        Pattern::RequestResponse => match name {
            "states:startExecution" | "aws-sdk:sfn:startExecution" => Some(&START_EXECUTION),
            "aws-sdk:sfn:describeExecution" => Some(&DESCRIBE_EXECUTION),
            "lambda:invoke" | "aws-sdk:lambda:invoke" => Some(&LAMBDA_INVOKE),
            "events:putEvents" | "aws-sdk:eventbridge:putEvents" => Some(&PUT_EVENTS),
            "sqs:sendMessage" | "aws-sdk:sqs:sendMessage" => Some(&SEND_MESSAGE),
            "sns:publish" | "aws-sdk:sns:publish" => Some(&PUBLISH),
            _ => None,
        },
    };
    shape.map(|s| (s, integration.pattern == Pattern::Sync2))
}

/// How a result is walked: `strict` wants the required fields, `parsed` takes any JSON as
/// execution data.
#[derive(Clone, Copy)]
struct Rules {
    strict: bool,
    parsed: bool,
}

/// Checks a Task's mocked `result` against the response shape of its `resource`'s API.
pub(super) fn check(
    resource: &str,
    result: &Value,
    mode: FieldValidationMode,
) -> Result<(), ApiError> {
    if mode == FieldValidationMode::None {
        return Ok(());
    }
    let Some((shape, parsed)) = shape_of(resource) else {
        return Ok(());
    };
    let refuse = |why: String| {
        ApiError::new(
            names::VALIDATION,
            format!("Mock result schema validation error: {why}"),
        )
    };
    // AWS's message for a result that is not an object is not recorded; this one says what is
    // wrong in AWS's words.
    if !matches!(result, Value::Object(_)) {
        return Err(refuse("The mocked result must be a JSON object".into()));
    }
    let strict = mode == FieldValidationMode::Strict;
    walk(result, shape, "", Rules { strict, parsed }).map_err(refuse)
}

/// One value against its shape; `field` is the innermost field's name (a list's items are named
/// by the list). Recursion follows the shape, which is a few levels deep, never the value.
fn walk(value: &Value, shape: &Shape, field: &str, rules: Rules) -> Result<(), String> {
    let wrong = |what: &str| Err(format!("Field '{field}' must be {what}"));
    match shape {
        Shape::Data if rules.parsed => Ok(()),
        Shape::String | Shape::Text | Shape::Data => match value {
            Value::String(_) => Ok(()),
            _ => wrong("a string"),
        },
        Shape::Enum(allowed) => match value {
            Value::String(s) if allowed.contains(&s.as_str()) => Ok(()),
            Value::String(_) => Err(format!("Field '{field}' is not an expected value")),
            _ => wrong("a string"),
        },
        Shape::Integer => match value {
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
            _ => wrong("a number"),
        },
        Shape::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => wrong("a boolean"),
        },
        Shape::List(item) => match value {
            Value::Array(items) => items.iter().try_for_each(|v| walk(v, item, field, rules)),
            _ => wrong("an array"),
        },
        Shape::Structure(members) => {
            let Value::Object(o) = value else {
                return wrong("an object");
            };
            if rules.strict {
                if let Some(m) = members
                    .iter()
                    .find(|m| m.required && !o.contains_key(m.name))
                {
                    return Err(format!("Required field '{}' is missing", m.name));
                }
            }
            // In the order the result lists them, as AWS reports the first it meets.
            for (key, v) in o.iter() {
                if let Some(m) = members.iter().find(|m| m.name == key.as_str()) {
                    walk(v, m.shape, m.name, rules)?;
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_json::json;

    const START: &str = "arn:aws:states:::states:startExecution";
    const LAMBDA: &str = "arn:aws:states:::lambda:invoke";
    const EVENTS: &str = "arn:aws:states:::events:putEvents";

    fn message(resource: &str, result: Value, mode: FieldValidationMode) -> Option<String> {
        check(resource, &result, mode).err().map(|e| e.message)
    }

    fn strict(resource: &str, result: Value) -> Option<String> {
        message(resource, result, FieldValidationMode::Strict)
    }

    fn present(resource: &str, result: Value) -> Option<String> {
        message(resource, result, FieldValidationMode::Present)
    }

    const PREFIX: &str = "Mock result schema validation error: ";

    // The cases and messages below are AWS's recorded answers.
    #[test]
    fn strict_wants_required_fields_in_step_functions_case() {
        let missing = format!("{PREFIX}Required field 'ExecutionArn' is missing");
        assert_eq!(strict(START, json!({})), Some(missing.clone()));
        let api_case = json!({"executionArn": "a", "startDate": "d"});
        assert_eq!(strict(START, api_case.clone()), Some(missing));
        assert_eq!(present(START, json!({})), None);
        assert_eq!(present(START, api_case), None, "unknown fields pass");
        assert_eq!(
            strict(START, json!({"ExecutionArn": "a", "StartDate": "d"})),
            None
        );
    }

    #[test]
    fn timestamps_must_be_text() {
        let msg = Some(format!("{PREFIX}Field 'StartDate' must be a string"));
        for date in [json!(true), json!(1764103483)] {
            let r = json!({"ExecutionArn": "a", "StartDate": date});
            assert_eq!(strict(START, r.clone()), msg);
            assert_eq!(message(START, r, FieldValidationMode::None), None);
        }
        // PRESENT: the missing ExecutionArn is no error, the present StartDate is.
        assert_eq!(present(START, json!({"StartDate": true})), msg);
        assert_eq!(
            present(START, json!({"ExecutionArn": 1764103483})),
            Some(format!("{PREFIX}Field 'ExecutionArn' must be a string"))
        );
    }

    #[test]
    fn nested_fields_are_named_by_their_own_name() {
        assert_eq!(
            strict(EVENTS, json!({"Entries": "not a list"})),
            Some(format!("{PREFIX}Field 'Entries' must be an array"))
        );
        let nested = Some(format!("{PREFIX}Field 'EventId' must be a string"));
        assert_eq!(
            strict(EVENTS, json!({"Entries": [{"EventId": ["x"]}]})),
            nested
        );
        let second = json!({"Entries": [{"EventId": "ok"}, {"EventId": ["no"]}]});
        assert_eq!(present(EVENTS, second), nested);
        assert_eq!(strict(EVENTS, json!({"random": "json"})), None);
        assert_eq!(strict(EVENTS, json!({})), None);
    }

    #[test]
    fn lambda_status_code_is_a_number_and_payload_text() {
        assert_eq!(
            strict(LAMBDA, json!({"StatusCode": "200"})),
            Some(format!("{PREFIX}Field 'StatusCode' must be a number"))
        );
        assert_eq!(
            strict(LAMBDA, json!({"StatusCode": 200, "Payload": "out"})),
            None
        );
        // Lambda's API gives the payload as a blob: AWS wants text there (NONE lets JSON in).
        let parsed = json!({"Payload": {"total": 3}});
        assert_eq!(
            strict(LAMBDA, parsed.clone()),
            Some(format!("{PREFIX}Field 'Payload' must be a string"))
        );
        assert_eq!(message(LAMBDA, parsed, FieldValidationMode::None), None);
    }

    #[test]
    fn sync_patterns_check_describe_execution() {
        let sync = "arn:aws:states:::states:startExecution.sync";
        let sync2 = "arn:aws:states:::states:startExecution.sync:2";
        let done = |output: Value| {
            json!({"ExecutionArn": "e", "StateMachineArn": "m", "Status": "SUCCEEDED",
                   "StartDate": "d", "Output": output})
        };
        assert_eq!(strict(sync, done(json!("{\"a\":1}"))), None);
        assert_eq!(
            strict(sync, done(json!({"a": 1}))),
            Some(format!("{PREFIX}Field 'Output' must be a string"))
        );
        assert_eq!(strict(sync2, done(json!({"a": 1}))), None);
        let mut odd = done(json!("{}"));
        if let Value::Object(o) = &mut odd {
            o.insert("Status".into(), json!("DONE"));
        }
        assert_eq!(
            strict(sync, odd),
            Some(format!("{PREFIX}Field 'Status' is not an expected value"))
        );
        assert_eq!(
            strict(sync, json!({"ExecutionArn": "e"})),
            Some(format!(
                "{PREFIX}Required field 'StateMachineArn' is missing"
            ))
        );
    }

    #[test]
    fn unchecked_resources_and_non_objects() {
        for resource in [
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "arn:aws:states:::glue:startJobRun.sync",
            "arn:aws:states:::dynamodb:getItem",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            "not an arn",
        ] {
            assert_eq!(
                strict(resource, json!({"StatusCode": "x"})),
                None,
                "{resource}"
            );
        }
        assert_eq!(
            strict(LAMBDA, json!([1, 2])),
            Some(format!("{PREFIX}The mocked result must be a JSON object"))
        );
        assert_eq!(message(LAMBDA, json!(5), FieldValidationMode::None), None);
    }

    #[test]
    fn modes_parse_as_aws_names_them() {
        for m in FieldValidationMode::ALL {
            assert_eq!(FieldValidationMode::parse(m.as_str()).unwrap(), m);
        }
        let e = FieldValidationMode::parse("LENIENT").unwrap_err();
        assert_eq!(e.name, names::VALIDATION);
        assert_eq!(
            e.message,
            "1 validation error detected: Value 'LENIENT' at 'mock.fieldValidationMode' failed \
             to satisfy constraint: Member must satisfy enum value set: [STRICT, PRESENT, NONE]"
        );
        assert!(
            FieldValidationMode::parse("strict").is_err(),
            "names are case-sensitive"
        );
    }
}
