//! Moving values across the JS boundary: request objects in, AWS-shaped answers out, and
//! `ApiError`s thrown as JS `Error`s named as AWS names its exceptions.
//!
//! Everything leaves through serde-wasm-bindgen's JSON-compatible serializer, so maps arrive as
//! plain objects and a missing value is `null`, never a `Map` or `undefined`.

use crate::from_js;
use serde::Serialize;
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

/// A request object, its fields read one by one as an operation asks for them (see `from_js`):
/// a missing or malformed field is AWS's `ValidationException`, an unusable definition, input
/// or output the operation's own exception. One reader for every operation, rather than a
/// derived deserializer per request type: those cost the module far more than they save.
pub struct Request {
    js: JsValue,
    operation: &'static str,
}

/// Reads `value` as `operation`'s request object.
pub fn request(value: JsValue, operation: &'static str) -> Result<Request, JsValue> {
    from_js::request_object(&value, operation).map_err(|e| api_error(&e))?;
    Ok(Request {
        js: value,
        operation,
    })
}

impl Request {
    /// A field's JSON value; `None` when absent or `null`.
    pub fn value(&self, key: &str) -> Result<Option<Value>, JsValue> {
        from_js::request_field(&self.js, self.operation, key)
            .map(|v| v.filter(|v| !v.is_null()))
            .map_err(|e| api_error(&e))
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, JsValue> {
        let value = self.value(key)?;
        self.typed(key, value.as_ref(), Kind::String)
            .map(|v| v.and_then(|v| v.as_str().map(str::to_owned)))
    }

    /// A string the operation cannot do without.
    pub fn required(&self, key: &str) -> Result<String, JsValue> {
        self.string(key)?.ok_or_else(|| self.missing(key))
    }

    pub fn missing(&self, what: &str) -> JsValue {
        self.invalid(format!("missing field `{what}`"))
    }

    pub fn count(&self, key: &str) -> Result<Option<u64>, JsValue> {
        let value = self.value(key)?;
        Ok(self
            .typed(key, value.as_ref(), Kind::Count)?
            .and_then(Value::as_u64))
    }

    /// A count that must also fit `T` (a `u32`, a `usize`).
    pub fn fitting<T: TryFrom<u64>>(
        &self,
        what: &str,
        n: Option<u64>,
    ) -> Result<Option<T>, JsValue> {
        n.map(|n| T::try_from(n).map_err(|_| self.invalid(format!("{what} is too large: {n}"))))
            .transpose()
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, JsValue> {
        let value = self.value(key)?;
        Ok(self
            .typed(key, value.as_ref(), Kind::Bool)?
            .and_then(Value::as_bool))
    }

    /// `key` of a nested object (`limits`, a route, a source), named `context.key` in messages.
    pub fn member<'v>(
        &self,
        object: &'v Value,
        context: &str,
        key: &str,
        kind: Kind,
    ) -> Result<Option<&'v Value>, JsValue> {
        let value = object.get(key).filter(|v| !v.is_null());
        self.typed(&format!("{context}.{key}"), value, kind)
    }

    /// A list of objects (`routingConfiguration`, `sources`).
    pub fn objects(&self, key: &str) -> Result<Option<Vec<Value>>, JsValue> {
        let Some(value) = self.value(key)? else {
            return Ok(None);
        };
        match value {
            Value::Array(items) if items.iter().all(Value::is_object) => Ok(Some(items)),
            other => Err(self.wrong(key, "a list of objects", &other)),
        }
    }

    /// `value` when it is of `kind` (or absent), else a `ValidationException` naming `what`.
    pub fn typed<'v>(
        &self,
        what: &str,
        value: Option<&'v Value>,
        kind: Kind,
    ) -> Result<Option<&'v Value>, JsValue> {
        match value {
            Some(v) if !kind.holds(v) => Err(self.wrong(what, kind.name(), v)),
            v => Ok(v),
        }
    }

    fn wrong(&self, what: &str, wanted: &str, found: &Value) -> JsValue {
        let found = match found {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        self.invalid(format!("{what} must be {wanted}, not {found}"))
    }

    fn invalid(&self, message: String) -> JsValue {
        api_error(&ApiError::new(
            names::VALIDATION,
            format!("{}: invalid request: {message}", self.operation),
        ))
    }
}

/// What a request field must hold.
#[derive(Clone, Copy)]
pub enum Kind {
    String,
    Bool,
    /// A whole number from 0 to `u64::MAX`.
    Count,
    /// A whole number, negative or not.
    Integer,
    Object,
}

impl Kind {
    fn holds(self, v: &Value) -> bool {
        match self {
            Kind::String => v.is_string(),
            Kind::Bool => v.is_boolean(),
            Kind::Count => v.is_u64(),
            Kind::Integer => v.is_i64(),
            Kind::Object => v.is_object(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Bool => "a boolean",
            Kind::Count => "a whole number, 0 or more",
            Kind::Integer => "a whole number",
            Kind::Object => "an object",
        }
    }
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
    let options = request(options, "new Stepwise")?;
    let invalid = |m: String| {
        api_error(&ApiError::new(
            names::VALIDATION,
            format!("new Stepwise: {m}"),
        ))
    };
    let epoch = match (epoch_was_object, options.value("epoch")?) {
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
    if let Some(seed) = options.count("seed")? {
        config.seed = seed;
    }
    if let Some(region) = options.string("region")? {
        config.region = region;
    }
    if let Some(account) = options.string("account")? {
        config.role_arn = format!("arn:aws:iam::{account}:role/StepwiseExecutionRole");
        config.account = account;
    }
    let max_events = options.count("maxHistoryEvents")?;
    if let Some(max) = options.fitting("maxHistoryEvents", max_events)? {
        config.limits.max_history_events = max;
    }
    // `limits`: the evaluation budget of every JSONata expression, intrinsic and payload template.
    if let Some(limits) = options.value("limits")? {
        options.typed("limits", Some(&limits), Kind::Object)?;
        let count = |key: &str| -> Result<Option<u64>, JsValue> {
            Ok(options
                .member(&limits, "limits", key, Kind::Count)?
                .and_then(Value::as_u64))
        };
        if let Some(steps) = count("maxEvaluationSteps")? {
            config.limits.max_evaluation_steps = steps;
        }
        if let Some(bytes) = count("maxEvaluationBytes")? {
            config.limits.max_evaluation_bytes = bytes;
        }
        let depth = count("maxValueDepth")?;
        if let Some(depth) = options.fitting("limits.maxValueDepth", depth)? {
            config.limits.max_value_depth = depth;
        }
    }
    Ok(config)
}

/// A JS number of milliseconds as whole milliseconds, when it is one.
pub fn whole_millis(ms: f64) -> Option<i64> {
    // 8.64e15 ms is the range of a JS Date; beyond it no timestamp can be printed.
    (ms.is_finite() && ms.fract() == 0.0 && ms.abs() <= 8.64e15).then_some(ms as i64)
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
/// `mapIterationFailureCount` are read (nothing reads an ItemReader's source here).
/// `context` is JSON text or an object (encoded here); `mock.fieldValidationMode` one of AWS's
/// names, anything else refused with AWS's enum message.
pub fn test_state(
    request: &Value,
) -> Result<stepwise_engine::teststate::TestStateRequest, ApiError> {
    use stepwise_engine::teststate::{
        FieldValidationMode, InspectionLevel, MockErrorOutput, MockInput, TestStateRequest,
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
            field_validation_mode: match m.get("fieldValidationMode") {
                None | Some(Value::Null) => FieldValidationMode::default(),
                Some(Value::String(mode)) => FieldValidationMode::parse(mode)?,
                Some(other) => FieldValidationMode::parse(&other.to_string())?,
            },
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
        context: json_field(request, "context"),
    })
}

/// One text to import: what the AWS CLI printed (a file's content, or pasted text).
pub struct ImportSource {
    pub name: Option<String>,
    pub text: String,
}

/// The `sources` of `importExecution` and `replayExecution`: a list of `{ name?, text }`.
pub fn import_sources(req: &Request) -> Result<Vec<ImportSource>, JsValue> {
    let list = req
        .objects("sources")?
        .ok_or_else(|| req.missing("sources"))?;
    let mut sources = Vec::with_capacity(list.len());
    for (i, source) in list.iter().enumerate() {
        let at = format!("sources[{i}]");
        let text = |key: &str| -> Result<Option<String>, JsValue> {
            Ok(req
                .member(source, &at, key, Kind::String)?
                .and_then(Value::as_str)
                .map(str::to_owned))
        };
        sources.push(ImportSource {
            name: text("name")?,
            text: text("text")?.ok_or_else(|| req.missing(&format!("{at}.text")))?,
        });
    }
    Ok(sources)
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
