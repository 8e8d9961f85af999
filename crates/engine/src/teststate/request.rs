//! Reading a TestState request: AWS's request types and the checks made before anything runs
//! (the state picked out of the definition, its mock, input and variables).

use crate::api::{names, ApiError};
use crate::execution::TaskOutcome;
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

/// What `inspectionData` holds: `INFO` none of it, `DEBUG` the data-flow stages, `TRACE` also
/// an HTTP Task's request and response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InspectionLevel {
    #[default]
    Info,
    Debug,
    Trace,
}

impl InspectionLevel {
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        match s {
            "INFO" => Ok(Self::Info),
            "DEBUG" => Ok(Self::Debug),
            "TRACE" => Ok(Self::Trace),
            _ => Err(ApiError::new(
                names::VALIDATION,
                "inspectionLevel must be INFO, DEBUG or TRACE",
            )),
        }
    }
}

/// A Task's mocked answer (AWS's `MockInput`): a result as JSON text, or an error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MockInput {
    pub result: Option<String>,
    pub error_output: Option<MockErrorOutput>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MockErrorOutput {
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// A TestState request, as AWS's API takes it (texts are JSON texts).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TestStateRequest {
    /// One state's definition, or a whole machine's when `state_name` says which state.
    pub definition: String,
    pub role_arn: Option<String>,
    pub input: Option<String>,
    pub inspection_level: InspectionLevel,
    /// Accepted as AWS takes it; nothing here is hidden (no EventBridge connection adds
    /// headers), so it changes nothing.
    pub reveal_secrets: bool,
    /// The workflow variables the state sees, as a JSON object.
    pub variables: Option<String>,
    pub state_name: Option<String>,
    pub mock: Option<MockInput>,
    /// `stateConfiguration.retrierRetryCount`: retries already made by the matching retrier.
    pub retrier_retry_count: Option<u32>,
}
/// The name a lone state runs under (AWS's requests carry none).
const LONE_STATE_NAME: &str = "TestState";

pub(super) fn invalid(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(code, message.into())
}

fn parse_json(text: &str, what: &str, code: &str) -> Result<Value, ApiError> {
    serde_json::from_str::<Value>(text).map_err(|e| invalid(code, format!("Invalid {what}: {e}")))
}

/// The state to test as JSON, its name and the machine-level `QueryLanguage`, if any.
fn pick_state(req: &TestStateRequest) -> Result<(Value, String, Option<Value>), ApiError> {
    if req.definition.trim().is_empty() {
        return Err(invalid(names::VALIDATION, "definition must not be empty"));
    }
    let doc = parse_json(
        &req.definition,
        "State Machine Definition",
        names::INVALID_DEFINITION,
    )?;
    let Some(obj) = doc.as_object() else {
        return Err(invalid(
            names::INVALID_DEFINITION,
            "a state definition must be a JSON object",
        ));
    };
    let whole = obj.contains_key("States");
    match &req.state_name {
        Some(name) => {
            if !whole {
                return Err(invalid(
                    names::VALIDATION,
                    "with stateName, definition must be a whole state machine",
                ));
            }
            let state = obj
                .get("States")
                .and_then(|s| s.get(name.as_str()))
                .cloned()
                .ok_or_else(|| {
                    invalid(
                        names::VALIDATION,
                        format!("no top-level state '{name}' in the definition"),
                    )
                })?;
            Ok((state, name.clone(), obj.get("QueryLanguage").cloned()))
        }
        None if whole && !obj.contains_key("Type") => Err(invalid(
            names::INVALID_DEFINITION,
            "a whole state machine: give stateName to say which state to test",
        )),
        None => Ok((doc.clone(), LONE_STATE_NAME.to_owned(), None)),
    }
}

/// A request that passed every check: what the run needs.
pub(super) struct Checked {
    /// The tested state's JSON and the name it runs under.
    pub state: Value,
    pub name: String,
    /// The machine-level `QueryLanguage` (when the state came from a whole machine).
    pub query_language: Option<Value>,
    /// A Task's mocked answer.
    pub mock: Option<TaskOutcome>,
    pub input: Value,
    pub variables: Map,
}

/// Checks a request before anything runs; the first problem found (role, definition, state
/// type, mock, input, variables, in that order) is the one reported.
pub(super) fn check(req: &TestStateRequest) -> Result<Checked, ApiError> {
    if let Some(role) = &req.role_arn {
        if !role.starts_with("arn:") || !role.contains(":iam::") || !role.contains(":role/") {
            return Err(invalid(
                names::INVALID_ARN,
                format!("Invalid Arn: 'Resource type not valid in this context: {role}'"),
            ));
        }
    }
    let (state_json, name, query_language) = pick_state(req)?;
    // Of a whole machine (stateName), the tested state is checked with the states it may go
    // to, not the rest of the machine.
    let type_name = state_json.get("Type").and_then(Value::as_str).unwrap_or("");
    let is_task = type_name == "Task";
    if matches!(type_name, "Map" | "Parallel") {
        return Err(invalid(
            names::VALIDATION,
            format!("{type_name} states cannot be tested here"),
        ));
    }
    let outcome = match (&req.mock, is_task) {
        (Some(_), false) => {
            return Err(invalid(
                names::VALIDATION,
                format!("no mock for a {type_name} state"),
            ))
        }
        (None, true) => {
            return Err(invalid(
                names::VALIDATION,
                "a Task needs a mock: no service is called here",
            ))
        }
        (Some(m), true) => Some(mock_outcome(m)?),
        (None, false) => None,
    };
    let input = match req.input.as_deref().map(str::trim) {
        None | Some("") => Value::Object(Map::new()),
        Some(t) => parse_json(t, "input", names::INVALID_EXECUTION_INPUT)?,
    };
    let variables = match req.variables.as_deref().map(str::trim) {
        None | Some("") => Map::new(),
        Some(t) => match parse_json(t, "variables", names::VALIDATION)? {
            Value::Object(m) => m,
            _ => {
                return Err(invalid(
                    names::VALIDATION,
                    "variables must be a JSON object",
                ))
            }
        },
    };
    Ok(Checked {
        state: state_json,
        name,
        query_language,
        mock: outcome,
        input,
        variables,
    })
}

fn mock_outcome(m: &MockInput) -> Result<TaskOutcome, ApiError> {
    match (&m.result, &m.error_output) {
        (Some(_), Some(_)) => Err(invalid(
            names::VALIDATION,
            "A mock has either a result or an errorOutput, not both",
        )),
        (None, None) => Err(invalid(
            names::VALIDATION,
            "A mock needs a result or an errorOutput",
        )),
        (Some(r), None) => Ok(TaskOutcome::Succeeded(parse_json(
            r,
            "mock result",
            names::VALIDATION,
        )?)),
        (None, Some(e)) => Ok(TaskOutcome::Failed(StatesError {
            error: e.error.clone().unwrap_or_default(),
            cause: e.cause.clone(),
        })),
    }
}
