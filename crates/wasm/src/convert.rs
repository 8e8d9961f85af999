//! Moving values across the JS boundary: request objects in, AWS-shaped answers out, and
//! `ApiError`s thrown as JS `Error`s named as AWS names its exceptions.
//!
//! Everything leaves through serde-wasm-bindgen's JSON-compatible serializer, so maps arrive as
//! plain objects and a missing value is `null`, never a `Map` or `undefined`.

use crate::from_js;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use stepwise_engine::api::names;
use stepwise_engine::clock::{iso8601, parse_iso8601};
use stepwise_engine::{
    ApiError, Diagnostic, Engine, EngineConfig, Idle, PendingTask, Severity, StepReport,
};
use wasm_bindgen::JsValue;

/// `runUntilIdle()` without a budget: enough for any sane demo, small enough that a machine
/// looping forever hands control back to the page within a frame or two.
pub const DEFAULT_BUDGET: u32 = 10_000;
/// The most steps one `runUntilIdle` call may take: a thousand times the default. A larger
/// number is a mistake more often than a wish (`-1` used to become 4,294,967,295 steps and
/// freeze the page); call it again to go on.
pub const MAX_BUDGET: u32 = 10_000_000;

/// Reads `runUntilIdle`'s step budget: a whole number from 0 to [`MAX_BUDGET`], or AWS's
/// `ValidationException` in AWS's wording.
pub fn step_budget(budget: f64) -> Result<usize, JsValue> {
    if budget.is_finite()
        && budget.fract() == 0.0
        && (0.0..=f64::from(MAX_BUDGET)).contains(&budget)
    {
        return Ok(budget as usize);
    }
    let why = if !budget.is_finite() || budget.fract() != 0.0 {
        "Member must be a whole number".to_string()
    } else if budget < 0.0 {
        "Member must have value greater than or equal to 0".to_string()
    } else {
        format!("Member must have value less than or equal to {MAX_BUDGET}")
    };
    Err(invalid_argument(format!(
        "1 validation error detected: Value '{budget}' at 'maxSteps' failed to satisfy constraint: {why}"
    )))
}

// ---- requests ---------------------------------------------------------------------------

/// Reads a request object; a missing or malformed one is AWS's `ValidationException`, an unusable
/// definition, input or output the operation's own exception (see `from_js`).
pub fn request<T: for<'de> Deserialize<'de>>(
    value: JsValue,
    operation: &str,
) -> Result<T, JsValue> {
    let fields = from_js::request_fields::<T>(&value, operation).map_err(|e| api_error(&e))?;
    serde_json::from_value(Value::Object(fields)).map_err(|e| {
        api_error(&ApiError::new(
            names::VALIDATION,
            format!("{operation}: invalid request: {e}"),
        ))
    })
}

/// Definitions, inputs and outputs are JSON text in AWS's API. A JS string is taken as that text;
/// any other value (an object, an array, a number) is encoded by `JSON.stringify` on the way in,
/// so here it is always a string.
#[derive(Deserialize)]
#[serde(transparent)]
pub struct JsonText(Value);

impl JsonText {
    pub fn into_text(self) -> String {
        match self.0 {
            Value::String(s) => s,
            other => other.to_string(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Options {
    pub seed: Option<u64>,
    /// Milliseconds since the Unix epoch or ISO-8601 text (a `Date` is turned into millis first).
    pub epoch: Option<Value>,
    pub region: Option<String>,
    pub account: Option<String>,
    pub max_history_events: Option<usize>,
    pub limits: Option<LimitOptions>,
}

/// `limits`: the evaluation budget of every JSONata expression, intrinsic and payload template.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct LimitOptions {
    pub max_evaluation_steps: Option<u64>,
    pub max_evaluation_bytes: Option<u64>,
    pub max_value_depth: Option<u32>,
}

/// The engine's configuration from the constructor's options (all optional).
pub fn config(options: JsValue) -> Result<EngineConfig, JsValue> {
    let mut config = EngineConfig::default();
    if options.is_null() || options.is_undefined() {
        return Ok(config);
    }
    // A `Date` arrives as its `toJSON` text; an invalid one as `null`, told apart from a `null`
    // given on purpose by what the field held.
    let epoch_was_object =
        js_sys::Reflect::get(&options, &JsValue::from_str("epoch")).is_ok_and(|v| v.is_object());
    let options: Options = request(options, "new Stepwise")?;
    let invalid = |m: String| {
        api_error(&ApiError::new(
            names::VALIDATION,
            format!("new Stepwise: {m}"),
        ))
    };
    let epoch = match (epoch_was_object, options.epoch) {
        (true, None | Some(Value::Null)) => return Err(invalid("epoch is an invalid Date".into())),
        (_, None | Some(Value::Null)) => None,
        (_, Some(Value::Number(n))) => {
            Some(n.as_f64().and_then(whole_millis).ok_or_else(|| {
                invalid(format!("epoch {n} is not a whole number of milliseconds"))
            })?)
        }
        (_, Some(Value::String(s))) => Some(parse_iso8601(&s).ok_or_else(|| {
            invalid(format!(
                "epoch '{s}' is not an ISO-8601 timestamp with a zone"
            ))
        })?),
        (_, Some(other)) => {
            return Err(invalid(format!(
                "epoch must be milliseconds, ISO-8601 text or a Date, not {other}"
            )))
        }
    };
    if let Some(e) = epoch {
        config.epoch_millis = e;
    }
    if let Some(seed) = options.seed {
        config.seed = seed;
    }
    if let Some(region) = options.region {
        config.region = region;
    }
    if let Some(account) = options.account {
        config.role_arn = format!("arn:aws:iam::{account}:role/StepwiseExecutionRole");
        config.account = account;
    }
    if let Some(max) = options.max_history_events {
        config.limits.max_history_events = max;
    }
    let limits = options.limits.unwrap_or_default();
    if let Some(steps) = limits.max_evaluation_steps {
        config.limits.max_evaluation_steps = steps;
    }
    if let Some(bytes) = limits.max_evaluation_bytes {
        config.limits.max_evaluation_bytes = bytes;
    }
    if let Some(depth) = limits.max_value_depth {
        config.limits.max_value_depth = depth;
    }
    Ok(config)
}

/// A JS number of milliseconds as whole milliseconds, when it is one.
pub fn whole_millis(ms: f64) -> Option<i64> {
    // 8.64e15 ms is the range of a JS Date; beyond it no timestamp can be printed.
    (ms.is_finite() && ms.fract() == 0.0 && ms.abs() <= 8.64e15).then_some(ms as i64)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateStateMachine {
    pub name: String,
    pub definition: JsonText,
    /// AWS's `publish`: also publish version 1.
    #[serde(default)]
    pub publish: bool,
    pub version_description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateStateMachine {
    pub state_machine_arn: String,
    pub definition: JsonText,
    /// AWS's `publish`: also publish a version of the new revision.
    #[serde(default)]
    pub publish: bool,
    pub version_description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateMachineRef {
    pub state_machine_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartExecution {
    pub state_machine_arn: String,
    pub name: Option<String>,
    pub input: Option<JsonText>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopExecution {
    pub execution_arn: String,
    pub error: Option<String>,
    pub cause: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionRef {
    pub execution_arn: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ListExecutions {
    pub state_machine_arn: Option<String>,
    pub status_filter: Option<String>,
    pub redrive_filter: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetExecutionHistory {
    pub execution_arn: String,
    #[serde(default)]
    pub reverse_order: bool,
    /// AWS's default is to include inputs and outputs.
    pub include_execution_data: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskSuccess {
    pub task_token: String,
    pub output: JsonText,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendTaskFailure {
    pub task_token: String,
    pub error: Option<String>,
    pub cause: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRef {
    pub task_token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidateDefinition {
    pub definition: JsonText,
}

/// A JSON-text field that may also be given as a value (encoded here, as `JSON.stringify` would).
fn json_field(o: &Value, key: &str) -> Option<String> {
    match o.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A text field; other values count as absent.
fn str_field(o: &Value, key: &str) -> Option<String> {
    o.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// AWS's TestState request, read by hand from the request's fields (derived readers cost the
/// module more than they save). Of `stateConfiguration`, `retrierRetryCount` and
/// `mapIterationFailureCount` are read (nothing reads an ItemReader's source here);
/// `mock.fieldValidationMode` is accepted and changes nothing yet (no API shapes here).
pub fn test_state(
    request: &Value,
) -> Result<stepwise_engine::teststate::TestStateRequest, ApiError> {
    use stepwise_engine::teststate::{
        InspectionLevel, MockErrorOutput, MockInput, TestStateRequest,
    };
    let invalid = |m: &str| ApiError::new(names::VALIDATION, format!("testState: {m}"));
    let definition =
        str_field(request, "definition").ok_or_else(|| invalid("definition is required"))?;
    let inspection_level = match request.get("inspectionLevel").and_then(Value::as_str) {
        None => InspectionLevel::Info,
        Some(l) => InspectionLevel::parse(l)?,
    };
    let mock = match request.get("mock") {
        None | Some(Value::Null) => None,
        Some(m) if m.is_object() => Some(MockInput {
            result: json_field(m, "result"),
            error_output: m
                .get("errorOutput")
                .filter(|e| e.is_object())
                .map(|e| MockErrorOutput {
                    error: str_field(e, "error"),
                    cause: str_field(e, "cause"),
                }),
        }),
        Some(_) => return Err(invalid("mock must be an object")),
    };
    let configuration = request.get("stateConfiguration");
    let count = |name: &str| match configuration.and_then(|c| c.get(name)) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| invalid("stateConfiguration counts must be whole numbers")),
    };
    Ok(TestStateRequest {
        definition,
        role_arn: str_field(request, "roleArn"),
        input: str_field(request, "input"),
        inspection_level,
        reveal_secrets: request
            .get("revealSecrets")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        variables: json_field(request, "variables"),
        state_name: str_field(request, "stateName"),
        mock,
        retrier_retry_count: count("retrierRetryCount")?,
        map_iteration_failure_count: count("mapIterationFailureCount")?,
    })
}

/// One text to import: what the AWS CLI printed (a file's content, or pasted text).
#[derive(Deserialize)]
pub struct ImportSource {
    #[serde(default)]
    pub name: Option<String>,
    pub text: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportExecution {
    pub sources: Vec<ImportSource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayExecution {
    pub sources: Vec<ImportSource>,
    /// Which imported execution: its index in `importExecution`'s list or its ARN (the first
    /// execution without a recorded parent when absent).
    #[serde(default)]
    pub execution: Option<Value>,
    /// Definitions to use instead of the recorded ones, by machine name (to try a fix).
    #[serde(default)]
    pub definitions: std::collections::BTreeMap<String, JsonText>,
}

// ---- answers ----------------------------------------------------------------------------

/// Any serializable answer as a plain JS value.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| {
            api_error(&ApiError::new(
                "SerializationException",
                format!("cannot pass a value to JavaScript: {e}"),
            ))
        })
}

/// `{}`, the answer of AWS calls that return nothing.
pub fn empty() -> JsValue {
    js_sys::Object::new().into()
}

pub fn idle(idle: &Idle) -> Value {
    idle.to_json()
}

/// What one step appended, with each event's type and state so a UI can animate without
/// fetching the history.
pub fn step_report(engine: &Engine, report: &StepReport) -> Value {
    let events: Vec<Value> = report
        .events
        .iter()
        .map(|&(exec, id)| {
            let execution = engine.execution(exec);
            let mut o = Map::new();
            o.insert("executionArn".into(), json!(execution.arn));
            o.insert("id".into(), json!(id));
            // Event ids are 1-based positions in the history.
            let event = usize::try_from(id)
                .ok()
                .and_then(|i| execution.history.get(i.checked_sub(1)?));
            if let Some(event) = event {
                o.insert("type".into(), json!(event.event_type.as_str()));
                if let Some(state) = &event.state_name {
                    o.insert("stateName".into(), Value::String(state.to_string()));
                }
            }
            Value::Object(o)
        })
        .collect();
    json!({"executionArn": engine.execution(report.execution).arn, "events": events})
}

pub fn pending_tasks(tasks: &[PendingTask]) -> Value {
    let list: Vec<Value> = tasks.iter().map(PendingTask::to_json).collect();
    json!({ "tasks": list })
}

/// Executions as a forest: roots in start order, each with the executions it started.
///
/// Built as JS objects without recursion: an execution started by the API is linked to the one
/// its input names (`AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`), so a page can chain thousands,
/// and walking or serializing such a chain recursively would overflow the module's stack.
pub fn execution_tree(engine: &Engine) -> Result<JsValue, JsValue> {
    let executions = engine.executions();
    let mut nodes = Vec::with_capacity(executions.len());
    let mut kids = Vec::with_capacity(executions.len());
    for e in executions {
        let mut o = Map::new();
        o.insert("executionArn".into(), json!(e.arn));
        o.insert("name".into(), json!(e.name));
        o.insert("stateMachineArn".into(), json!(e.machine_arn));
        o.insert("status".into(), json!(e.status.as_str()));
        o.insert("startDate".into(), json!(iso8601(e.start_millis)));
        if let Some(s) = e.stop_millis {
            o.insert("stopDate".into(), json!(iso8601(s)));
        }
        if let Some(state) = e.parent.as_ref().and_then(|p| p.state_name.as_ref()) {
            o.insert("startedByState".into(), json!(state));
        }
        let node = to_js(&Value::Object(o))?;
        let children = js_sys::Array::new();
        // A fresh plain object: setting a field on it cannot fail.
        let _ = js_sys::Reflect::set(&node, &JsValue::from_str("children"), &children);
        nodes.push(node);
        kids.push(children);
    }
    // Executions are in start order and a parent starts before its children, so pushing in this
    // order keeps every list in start order.
    let roots = js_sys::Array::new();
    for (e, node) in executions.iter().zip(&nodes) {
        match e
            .parent
            .as_ref()
            .and_then(|p| kids.get(p.execution.0 as usize))
        {
            Some(siblings) => siblings.push(node),
            None => roots.push(node),
        };
    }
    let tree = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&tree, &JsValue::from_str("executions"), &roots);
    Ok(tree.into())
}

/// AWS's ValidateStateMachineDefinition answer: `FAIL` when any diagnostic is an error.
pub fn validation(diagnostics: &[Diagnostic]) -> Value {
    let ok = diagnostics.iter().all(|d| d.severity != Severity::Error);
    json!({
        "result": if ok { "OK" } else { "FAIL" },
        "diagnostics": diagnostics.iter().map(diagnostic).collect::<Vec<_>>(),
        "truncated": false,
    })
}

fn diagnostic(d: &Diagnostic) -> Value {
    let mut o = Map::new();
    o.insert(
        "severity".into(),
        json!(match d.severity {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
        }),
    );
    o.insert("code".into(), json!(d.code));
    o.insert("message".into(), json!(d.message));
    // Optional fields are left out rather than null, as the AWS SDK does.
    if let Some(l) = &d.location {
        o.insert("location".into(), json!(l));
    }
    if let Some(l) = d.line {
        o.insert("line".into(), json!(l));
    }
    if let Some(c) = d.column {
        o.insert("column".into(), json!(c));
    }
    Value::Object(o)
}

// ---- errors -----------------------------------------------------------------------------

/// An `ApiError` as a JS `Error` whose `name` is AWS's exception name; `InvalidDefinition`
/// also carries the validator's `diagnostics`.
pub fn api_error(e: &ApiError) -> JsValue {
    let error = js_sys::Error::new(&e.message);
    error.set_name(&e.name);
    if e.name == names::INVALID_DEFINITION {
        let list = Value::Array(e.diagnostics.iter().map(diagnostic).collect());
        // Setting a field on a fresh Error cannot fail; a failure would only lose the details.
        if let Ok(js) = list.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str("diagnostics"), &js);
        }
    }
    error.into()
}

/// A bad argument that is not a request object (a clock offset, a budget).
pub fn invalid_argument(message: String) -> JsValue {
    api_error(&ApiError::new(names::VALIDATION, message))
}
