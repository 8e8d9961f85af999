//! Reading a TestState request: AWS's request types and the checks made before anything runs
//! (the state picked out of the definition, its mock, input and variables).

use super::shapes::FieldValidationMode;
use super::{context_object, join, shapes};
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
    /// How a Task's mocked `result` is checked against its API's response shape (`shapes.rs`).
    pub field_validation_mode: FieldValidationMode,
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
    /// Nothing here is hidden (no EventBridge connection adds headers); as AWS, refused
    /// with a mock (and every Task, Map and Parallel here needs one).
    pub reveal_secrets: bool,
    /// The workflow variables the state sees, as a JSON object.
    pub variables: Option<String>,
    pub state_name: Option<String>,
    pub mock: Option<MockInput>,
    /// `stateConfiguration.retrierRetryCount`: retries already made by the matching retrier.
    pub retrier_retry_count: Option<u32>,
    /// `stateConfiguration.mapIterationFailureCount`: how many of a Map's iterations failed.
    pub map_iteration_failure_count: Option<u32>,
    /// The context object the state sees, as a JSON object (`context_object.rs`); only with a
    /// mock.
    pub context: Option<String>,
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
            // Any state of the machine, nested ones too (AWS tests those of a Map's processor).
            let state = find_state(&doc, name, 0)
                .cloned()
                .ok_or_else(|| invalid(names::VALIDATION, "State not found in definition"))?;
            Ok((state, name.clone(), obj.get("QueryLanguage").cloned()))
        }
        None if whole && !obj.contains_key("Type") => Err(invalid(
            names::INVALID_DEFINITION,
            "a whole state machine: give stateName to say which state to test",
        )),
        None => Ok((doc.clone(), LONE_STATE_NAME.to_owned(), None)),
    }
}

/// The `Type` of the state `name` of a machine's definition text, nested ones too: what the
/// playground asks before offering a test (a mock for a Task, Map or Parallel).
pub fn state_type(definition: &str, name: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(definition).ok()?;
    let ty = find_state(&doc, name, 0)?.get("Type")?.as_str()?;
    Some(ty.to_owned())
}

/// Depth-first through Parallel branches and Map processors, bounded like the definitions the
/// engine accepts.
fn find_state<'a>(scope: &'a Value, name: &str, depth: usize) -> Option<&'a Value> {
    let states = scope.get("States")?.as_object().filter(|_| depth <= 64)?;
    if let Some(s) = states.get(name) {
        return Some(s);
    }
    states.values().find_map(|s| {
        let branches = s.get("Branches").and_then(Value::as_array);
        let processor = s.get("ItemProcessor").or_else(|| s.get("Iterator"));
        let scopes = branches.into_iter().flat_map(|b| b.iter()).chain(processor);
        scopes
            .into_iter()
            .find_map(|b| find_state(b, name, depth + 1))
    })
}

/// A request that passed every check: what the run needs.
pub(super) struct Checked {
    /// The tested state's JSON and the name it runs under.
    pub state: Value,
    pub name: String,
    /// The machine-level `QueryLanguage` (when the state came from a whole machine).
    pub query_language: Option<Value>,
    /// The mocked answer of a Task, Map or Parallel.
    pub mock: Option<TaskOutcome>,
    /// The whole machine, when the state came from one (validated whole, as AWS does).
    pub machine: Option<String>,
    pub input: Value,
    pub variables: Map,
    /// The context object the request gave, used as `$$` as it is.
    pub context: Option<Map>,
}

/// Checks a request before anything runs; the first problem found (role, definition, state
/// type, mock, context, input, variables, in that order) is the one reported.
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
    let type_name = state_json.get("Type").and_then(Value::as_str).unwrap_or("");
    let outcome = match (&req.mock, type_name) {
        (None, "Map" | "Parallel") => {
            return Err(invalid(
                names::INVALID_DEFINITION,
                "TestState API does not support Map or Parallel states. Supported state types \
                 include: [Task, Wait, Pass, Succeed, Fail, Choice]",
            ))
        }
        (None, "Task") => {
            return Err(invalid(
                names::VALIDATION,
                "a Task needs a mock: no service is called here",
            ))
        }
        (None, _) => None,
        (Some(m), "Task" | "Map" | "Parallel") => {
            if req.reveal_secrets {
                return Err(invalid(
                    names::VALIDATION,
                    "TestState does not support RevealSecrets when a mock is specified.",
                ));
            }
            let answer = mock_outcome(m)?;
            let result = match &answer {
                TaskOutcome::Succeeded(v) => Some(v),
                _ => None,
            };
            if type_name != "Task" {
                join::check_mocked_result(&state_json, result)?;
            } else if let Some(result) = result {
                let resource = state_json.get("Resource").and_then(Value::as_str);
                shapes::check(resource.unwrap_or(""), result, m.field_validation_mode)?;
            }
            Some(answer)
        }
        (Some(_), other) => {
            return Err(invalid(
                names::VALIDATION,
                format!("State type '{other}' is not supported when a mock is specified"),
            ))
        }
    };
    let context = context_object::read(req.context.as_deref(), &state_json, req.mock.is_some())?;
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
        machine: req.state_name.as_ref().map(|_| req.definition.clone()),
        input,
        variables,
        context,
    })
}

fn mock_outcome(m: &MockInput) -> Result<TaskOutcome, ApiError> {
    match (&m.result, &m.error_output) {
        (Some(_), Some(_)) => Err(invalid(
            names::VALIDATION,
            "A test mock should have only one of the following fields: [result, errorOutput].",
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
