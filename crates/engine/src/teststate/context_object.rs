//! TestState's `context`: the context object (`$$`, JSONata's `$states.context`) the tested state
//! sees, given as JSON text.
//!
//! What AWS does, from its documentation and recorded answers: the field is accepted only with
//! a mock; the object is used as given, never merged with or completed by values of AWS's own
//! (`{}` makes `$$` an empty object, `{"Execution": {}}` one with an empty `Execution`); its
//! fields are those of a real context object, `Execution` (`Id`, `Input`, `Name`, `RoleArn`,
//! `StartTime`), `State` (`EnteredTime`, `Name`, `RetryCount`), `StateMachine` (`Id`, `Name`) and
//! `Task` (`Token`), each of its type; `Map` is refused (the Map state's own iteration supplies
//! `$$.Map.Item`), and so is `Task` unless the state is a Task whose integration has a token
//! (`.sync`, `.waitForTaskToken`). The refusals are ValidationExceptions worded as AWS's.
//!
//! Where AWS's answer is not recorded, this module chooses, and says so: `Execution.RedriveCount`
//! and `Execution.RedriveTime` are accepted (a real context object has them once an execution is
//! redriven); `null` is accepted for any field (AWS's schema marks every field optional); text
//! that is not JSON, or JSON that is not an object, is refused with the parser's reason; an empty
//! text counts as no context, as for `input` and `variables`.

use crate::api::{names, ApiError};
use stepwise_asl::arn::{Integration, Pattern};
use stepwise_json::{Map, Value};

/// What a field of the context object must hold.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Integer,
    Any,
}

const EXECUTION: &[(&str, Kind)] = &[
    ("Id", Kind::Text),
    ("Input", Kind::Any),
    ("Name", Kind::Text),
    ("RoleArn", Kind::Text),
    ("StartTime", Kind::Text),
    ("RedriveCount", Kind::Integer),
    ("RedriveTime", Kind::Text),
];
const STATE: &[(&str, Kind)] = &[
    ("EnteredTime", Kind::Text),
    ("Name", Kind::Text),
    ("RetryCount", Kind::Integer),
];
const STATE_MACHINE: &[(&str, Kind)] = &[("Id", Kind::Text), ("Name", Kind::Text)];
const TASK: &[(&str, Kind)] = &[("Token", Kind::Text)];

fn refuse(why: &str) -> ApiError {
    ApiError::new(
        names::VALIDATION,
        format!("Invalid Context object provided: {why}"),
    )
}

/// Reads and checks the request's `context` for the tested `state` (its JSON); `mocked` says
/// whether the request has a mock. `None` when there is no context.
pub(super) fn read(
    text: Option<&str>,
    state: &Value,
    mocked: bool,
) -> Result<Option<Map>, ApiError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if !mocked {
        // AWS's rule ("may only be specified if a mock is specified"); its wording is not
        // recorded.
        return Err(ApiError::new(
            names::VALIDATION,
            "TestState supports a context only when a mock is specified.",
        ));
    }
    let parsed: Value = serde_json::from_str(text).map_err(|e| refuse(&e.to_string()))?;
    let Value::Object(ctx) = parsed else {
        return Err(refuse("the context object must be a JSON object"));
    };
    for (key, value) in ctx.iter() {
        let fields = match key.as_str() {
            "Execution" => EXECUTION,
            "State" => STATE,
            "StateMachine" => STATE_MACHINE,
            "Task" => TASK,
            "Map" => {
                return Err(refuse(
                    "'Map' field is not supported when mocking a Context object",
                ))
            }
            other => return Err(refuse(&format!("Field '{other}' is not allowed"))),
        };
        check_part(key.as_str(), value, fields)?;
    }
    if ctx.contains_key("Task") && !has_token(state) {
        return Err(refuse(
            "Context object contains 'Task' when state is not a Task state with a '.sync' or \
             '.waitForTaskToken' service integration pattern",
        ));
    }
    Ok(Some(ctx))
}

/// One part (`Execution`, ...): an object of known fields, each of its kind.
fn check_part(part: &str, value: &Value, fields: &[(&str, Kind)]) -> Result<(), ApiError> {
    let o = match value {
        Value::Null => return Ok(()),
        Value::Object(o) => o,
        _ => return Err(refuse(&format!("{part} must be an object"))),
    };
    for (key, v) in o.iter() {
        let Some((_, kind)) = fields.iter().find(|(name, _)| *name == key.as_str()) else {
            return Err(refuse(&format!("Field '{key}' is not allowed")));
        };
        let fits = match (kind, v) {
            (_, Value::Null) | (Kind::Any, _) | (Kind::Text, Value::String(_)) => true,
            (Kind::Integer, Value::Number(n)) => n.is_i64() || n.is_u64(),
            _ => false,
        };
        if !fits {
            let what = match kind {
                Kind::Integer => "an integer",
                _ => "a string",
            };
            return Err(refuse(&format!("{part}.{key} must be {what}")));
        }
    }
    Ok(())
}

/// Whether the state is a Task whose integration pattern gives it a task token.
fn has_token(state: &Value) -> bool {
    let resource = state.get("Resource").and_then(Value::as_str).unwrap_or("");
    state.get("Type").and_then(Value::as_str) == Some("Task")
        && Integration::parse(resource).is_some_and(|i| {
            matches!(
                i.pattern,
                Pattern::Sync | Pattern::Sync2 | Pattern::WaitForTaskToken
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_json::json;

    fn lambda() -> Value {
        json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true})
    }

    fn error(text: &str, state: &Value) -> String {
        read(Some(text), state, true).unwrap_err().message
    }

    // The refusals whose wording AWS recorded.
    #[test]
    fn refusals_in_aws_words() {
        let s = lambda();
        assert_eq!(
            error(r#"{"Execution": {"Id": 1}}"#, &s),
            "Invalid Context object provided: Execution.Id must be a string"
        );
        assert_eq!(
            error(r#"{"Map": {}}"#, &s),
            "Invalid Context object provided: 'Map' field is not supported when mocking a \
             Context object"
        );
        assert_eq!(
            error(r#"{"Execution": {"pokemon": "squirtle"}}"#, &s),
            "Invalid Context object provided: Field 'pokemon' is not allowed"
        );
        assert_eq!(
            error(r#"{"Pokedex": {}}"#, &s),
            "Invalid Context object provided: Field 'Pokedex' is not allowed"
        );
        assert_eq!(
            error(r#"{"Task": {"Token": "abcd123"}}"#, &s),
            "Invalid Context object provided: Context object contains 'Task' when state is not \
             a Task state with a '.sync' or '.waitForTaskToken' service integration pattern"
        );
    }

    #[test]
    fn kept_as_given() {
        let s = lambda();
        for text in [
            "{}",
            r#"{"Execution": {}, "State": {}, "StateMachine": {}}"#,
            r#"{"Execution": {"Input": [1, {"deep": [null]}], "RedriveCount": 2}, "State": {"RetryCount": 0}}"#,
        ] {
            let ctx = read(Some(text), &s, true).unwrap().unwrap();
            let want: Value = serde_json::from_str(text).unwrap();
            assert_eq!(Value::Object(ctx), want, "{text}");
        }
        let wait = json!({"Type": "Task", "End": true,
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken"});
        let ctx = read(Some(r#"{"Task": {"Token": "t"}}"#), &wait, true).unwrap();
        assert_eq!(ctx.unwrap().get("Task"), Some(&json!({"Token": "t"})));
        assert_eq!(
            read(Some("  "), &s, false).unwrap(),
            None,
            "blank is no context"
        );
        assert_eq!(read(None, &s, true).unwrap(), None);
    }

    #[test]
    fn bad_text_and_types_are_refused_plainly() {
        let s = lambda();
        assert!(error("{not json", &s).starts_with("Invalid Context object provided: "));
        for (text, why) in [
            ("[1]", "the context object must be a JSON object"),
            ("\"text\"", "the context object must be a JSON object"),
            (r#"{"State": 3}"#, "State must be an object"),
            (
                r#"{"State": {"RetryCount": "1"}}"#,
                "State.RetryCount must be an integer",
            ),
            (
                r#"{"State": {"RetryCount": 1.5}}"#,
                "State.RetryCount must be an integer",
            ),
            (r#"{"Task": {"Token": 7}}"#, "Task.Token must be a string"),
        ] {
            assert_eq!(
                error(text, &s),
                format!("Invalid Context object provided: {why}"),
                "{text}"
            );
        }
        // Nested past serde_json's limit: refused, no overflow.
        let deep = format!(
            r#"{{"Execution": {{"Input": {}{}}}}}"#,
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert!(error(&deep, &s).contains("recursion limit"));
        let e = read(Some("{}"), &s, false).unwrap_err();
        assert_eq!(e.name, names::VALIDATION);
        assert!(e.message.contains("only when a mock is specified"));
    }
}
