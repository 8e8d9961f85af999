//! The typed definition: what the engine runs. The validator builds it as its last check, so
//! anything refused here is also a diagnostic (with its location), and a definition that
//! validates can always be created; the validator's own checks come first and explain problems
//! to people in AWS's words.
//!
//! Paths and intrinsics are compiled here once per machine, so running a state never re-parses.

use crate::intrinsics::{looks_like_intrinsic, Intrinsic};
use crate::path::{JsonPath, Root};
use crate::payload::CompiledTemplate;
use std::collections::BTreeMap;
use stepwise_json::{Map, Value};

/// Why a definition cannot be built, and where: `pointer` is a JSON pointer into the definition
/// (`/States/A/Retry/0/Comment`; empty for the whole definition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    pub pointer: String,
    pub message: String,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl BuildError {
    fn new(message: impl Into<String>) -> Self {
        BuildError {
            pointer: String::new(),
            message: message.into(),
        }
    }

    /// The error of a member `key` of the value this one was found in.
    fn under(mut self, key: &str) -> Self {
        let escaped = key.replace('~', "~0").replace('/', "~1");
        self.pointer = format!("/{escaped}{}", self.pointer);
        self
    }
}

type Built<T> = Result<T, BuildError>;

/// Locates the errors of a member's build.
trait Under {
    fn under(self, key: &str) -> Self;
}

impl<T> Under for Built<T> {
    fn under(self, key: &str) -> Self {
        self.map_err(|e| e.under(key))
    }
}

/// An error at member `key`.
fn at<T>(key: &str, message: impl Into<String>) -> Built<T> {
    Err(BuildError::new(message).under(key))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    fn parse(v: Option<&Value>, inherited: QueryLanguage) -> Built<Self> {
        match v {
            None => Ok(inherited),
            Some(Value::String(s)) if s == "JSONPath" => Ok(QueryLanguage::JsonPath),
            Some(Value::String(s)) if s == "JSONata" => Ok(QueryLanguage::Jsonata),
            Some(other) => at("QueryLanguage", format!("unknown QueryLanguage {other}")),
        }
    }
}

/// A whole state machine definition.
#[derive(Clone, Debug)]
pub struct Definition {
    pub comment: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub query_language: QueryLanguage,
    pub states: States,
}

/// One scope of states: the top level, a Parallel branch or a Map's item processor.
#[derive(Clone, Debug)]
pub struct States {
    pub start_at: usize,
    pub list: Vec<State>,
    pub by_name: BTreeMap<String, usize>,
}

impl States {
    pub fn get(&self, name: &str) -> Option<&State> {
        self.by_name.get(name).map(|i| &self.list[*i])
    }
    pub fn start(&self) -> &State {
        &self.list[self.start_at]
    }
}

/// How a state leaves: to another state of its scope, or by ending the scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    Next(String),
    End,
}

/// A payload template as written, plus its compiled form in JSONPath mode (JSONata
/// expressions are compiled and cached by the query layer).
#[derive(Clone, Debug)]
pub struct Template {
    pub raw: Value,
    pub compiled: Option<CompiledTemplate>,
    /// Whether evaluating it can read the context object: the engine builds `$$` only then.
    pub reads_context: bool,
}

impl Template {
    fn new(raw: &Value, ql: QueryLanguage) -> Built<Self> {
        let compiled = match ql {
            QueryLanguage::JsonPath => {
                Some(CompiledTemplate::compile(raw).map_err(BuildError::new)?)
            }
            QueryLanguage::Jsonata => None,
        };
        let reads_context = ContextFields::of_text(&raw.to_string()) != ContextFields::NONE;
        Ok(Template {
            raw: raw.clone(),
            compiled,
            reads_context,
        })
    }
}

fn template(o: &Map, key: &str, ql: QueryLanguage) -> Built<Option<Template>> {
    o.get(key)
        .map(|v| Template::new(v, ql))
        .transpose()
        .under(key)
}

/// `InputPath`/`OutputPath`: absent means `$`; `null` means "discard" (`{}`).
#[derive(Clone, Debug)]
pub enum PathField {
    Default,
    Null,
    Path(JsonPath),
}

#[derive(Clone, Debug)]
pub enum ResultPathField {
    Default,
    Null,
    Path(JsonPath),
}

#[derive(Clone, Debug)]
pub struct Retrier {
    pub error_equals: Vec<String>,
    pub interval_seconds: f64,
    pub max_attempts: u32,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub jitter_full: bool,
    pub comment: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Catcher {
    pub error_equals: Vec<String>,
    pub next: String,
    pub result_path: ResultPathField,
    pub output: Option<Value>,
    pub assign: Option<Template>,
}

/// Fields every state may carry (each state type allows a subset; validation enforces which).
#[derive(Clone, Debug)]
pub struct Common {
    pub comment: Option<String>,
    pub query_language: QueryLanguage,
    pub input_path: PathField,
    pub output_path: PathField,
    pub result_path: ResultPathField,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub arguments: Option<Value>,
    pub output: Option<Value>,
    pub assign: Option<Template>,
    pub transition: Option<Transition>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
}

#[derive(Clone, Debug)]
pub struct State {
    pub name: std::sync::Arc<str>,
    pub kind: Kind,
    pub common: Common,
    /// Which parts of the context object it can read: the engine builds only those (copying a
    /// large execution input into every context made Maps of child executions quadratic, and
    /// building all of `$$` for a `$$.Task.Token` was a good part of a task's cost).
    pub context_fields: ContextFields,
}

/// A leaf of the context object (`$$`) that a state can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextField {
    ExecutionId,
    ExecutionInput,
    ExecutionStartTime,
    ExecutionName,
    ExecutionRoleArn,
    ExecutionRedriveCount,
    /// Present only once the execution was redriven.
    ExecutionRedriveTime,
    StateMachineId,
    StateMachineName,
    StateName,
    StateEnteredTime,
    StateRetryCount,
    TaskToken,
    MapItem,
}

/// A set of context leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContextFields(u32);

impl ContextFields {
    pub const NONE: ContextFields = ContextFields(0);
    pub const ALL: ContextFields = ContextFields(u32::MAX);

    pub fn has(self, f: ContextField) -> bool {
        self.0 & (1 << f as u32) != 0
    }

    fn with(self, f: ContextField) -> ContextFields {
        ContextFields(self.0 | (1 << f as u32))
    }

    /// Reads every reference to the context in a state's JSON text (`$$...` in JSONPath,
    /// `$states.context...` in JSONata). Conservative: a reference that is not one of the
    /// known leaves (`$$`, `$$.Execution`, `$$['Task']`, a key merely named "context", ...)
    /// means everything.
    pub fn of_text(text: &str) -> ContextFields {
        use ContextField::*;
        const LEAVES: [(&str, ContextField); 14] = [
            (".Execution.Id", ExecutionId),
            (".Execution.Input", ExecutionInput),
            (".Execution.StartTime", ExecutionStartTime),
            (".Execution.Name", ExecutionName),
            (".Execution.RoleArn", ExecutionRoleArn),
            (".Execution.RedriveCount", ExecutionRedriveCount),
            (".Execution.RedriveTime", ExecutionRedriveTime),
            (".StateMachine.Id", StateMachineId),
            (".StateMachine.Name", StateMachineName),
            (".State.Name", StateName),
            (".State.EnteredTime", StateEnteredTime),
            (".State.RetryCount", StateRetryCount),
            (".Task.Token", TaskToken),
            (".Map.Item", MapItem),
        ];
        let mut fields = ContextFields::NONE;
        for marker in ["$$", "context"] {
            let mut rest = text;
            while let Some(i) = rest.find(marker) {
                let after = &rest[i + marker.len()..];
                match LEAVES.iter().find(|(path, _)| after.starts_with(path)) {
                    Some((_, leaf)) => fields = fields.with(*leaf),
                    None => return ContextFields::ALL,
                }
                rest = after;
            }
        }
        fields
    }
}

impl State {
    /// Whether anything in the state can read the context object (`$$`, `$states.context`):
    /// the engine builds it only for such states.
    pub fn uses_context(&self) -> bool {
        self.context_fields != ContextFields::NONE
    }

    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Pass { .. } => "Pass",
            Kind::Task(_) => "Task",
            Kind::Choice(_) => "Choice",
            Kind::Wait(_) => "Wait",
            Kind::Succeed => "Succeed",
            Kind::Fail(_) => "Fail",
            Kind::Parallel(_) => "Parallel",
            Kind::Map(_) => "Map",
        }
    }
    pub fn is_jsonata(&self) -> bool {
        self.common.query_language == QueryLanguage::Jsonata
    }
}

#[derive(Clone, Debug)]
pub enum Kind {
    Pass { result: Option<Value> },
    Task(Task),
    Choice(Choice),
    Wait(Wait),
    Succeed,
    Fail(Fail),
    Parallel(Parallel),
    Map(Box<MapState>),
}

/// A value given literally, by a path (`…Path`), by an intrinsic function call (a Fail state's
/// `ErrorPath`/`CausePath`) or by a JSONata expression.
#[derive(Clone, Debug)]
pub enum Dynamic {
    Literal(Value),
    Path(JsonPath),
    Intrinsic(Intrinsic),
    Expression(String),
}

#[derive(Clone, Debug)]
pub struct Task {
    pub resource: String,
    pub timeout: Option<Dynamic>,
    pub heartbeat: Option<Dynamic>,
    pub credentials: Option<Value>,
}

#[derive(Clone, Debug)]
pub struct ChoiceBranch {
    /// JSONPath rule, or a JSONata `Condition`.
    pub rule: ChoiceCondition,
    pub next: String,
    pub output: Option<Value>,
    pub assign: Option<Template>,
}

#[derive(Clone, Debug)]
pub enum ChoiceCondition {
    Rule(crate::choice::ChoiceRule),
    Jsonata(Value),
}

#[derive(Clone, Debug)]
pub struct Choice {
    pub choices: Vec<ChoiceBranch>,
    pub default: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Wait {
    Seconds(Dynamic),
    Timestamp(Dynamic),
}

#[derive(Clone, Debug)]
pub struct Fail {
    pub error: Option<Dynamic>,
    pub cause: Option<Dynamic>,
}

#[derive(Clone, Debug)]
pub struct Parallel {
    pub branches: Vec<States>,
}

#[derive(Clone, Debug)]
pub struct MapState {
    pub processor: States,
    pub items_path: PathField,
    pub items: Option<Value>,
    pub item_selector: Option<Template>,
    pub max_concurrency: Option<Dynamic>,
    pub tolerated_failure_count: Option<Dynamic>,
    pub tolerated_failure_percentage: Option<Dynamic>,
    pub item_batcher: Option<Value>,
    pub item_reader: Option<Value>,
    pub result_writer: Option<Value>,
    pub label: Option<String>,
    pub distributed: bool,
}

fn obj<'a>(v: &'a Value, what: &str) -> Built<&'a Map> {
    v.as_object()
        .ok_or_else(|| BuildError::new(format!("{what} must be a JSON object")))
}

fn opt_str(o: &Map, key: &str) -> Built<Option<String>> {
    match o.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => at(key, format!("{key} must be a string")),
    }
}

fn required_str(o: &Map, key: &str, what: &str) -> Built<String> {
    opt_str(o, key)?.ok_or_else(|| BuildError::new(format!("{what} needs {key}")))
}

fn path(text: &str) -> Built<JsonPath> {
    JsonPath::parse(text).map_err(|e| BuildError::new(format!("invalid JSONPath '{text}': {e}")))
}

fn path_field(o: &Map, key: &str) -> Built<PathField> {
    match o.get(key) {
        None => Ok(PathField::Default),
        Some(Value::Null) => Ok(PathField::Null),
        Some(Value::String(s)) => Ok(PathField::Path(path(s).under(key)?)),
        Some(_) => at(key, format!("{key} must be a string or null")),
    }
}

/// `ResultPath` writes into the state's input: a reference path from `$`.
fn result_path_field(o: &Map) -> Built<ResultPathField> {
    const KEY: &str = "ResultPath";
    match o.get(KEY) {
        None => Ok(ResultPathField::Default),
        Some(Value::Null) => Ok(ResultPathField::Null),
        Some(Value::String(s)) => {
            let p = path(s).under(KEY)?;
            if *p.root() != Root::Input || !p.is_reference_path() {
                return at(
                    KEY,
                    format!("ResultPath '{s}' must be a reference path from '$'"),
                );
            }
            Ok(ResultPathField::Path(p))
        }
        Some(_) => at(KEY, "ResultPath must be a string or null"),
    }
}

/// A literal field, its `…Path` variant, or (JSONata) a `{% %}` string.
fn dynamic(o: &Map, key: &str) -> Built<Option<Dynamic>> {
    let path_key = format!("{key}Path");
    if let Some(v) = o.get(&path_key) {
        let Some(s) = v.as_str() else {
            return at(&path_key, format!("{path_key} must be a string"));
        };
        return Ok(Some(Dynamic::Path(path(s).under(&path_key)?)));
    }
    Ok(match o.get(key) {
        None => None,
        Some(Value::String(s)) if crate::query::is_expression(s) => {
            Some(Dynamic::Expression(s.clone()))
        }
        Some(v) => Some(Dynamic::Literal(v.clone())),
    })
}

/// As [`dynamic`], where the `…Path` variant may also be an intrinsic function call.
fn dynamic_or_intrinsic(o: &Map, key: &str) -> Built<Option<Dynamic>> {
    let path_key = format!("{key}Path");
    match o.get(&path_key).and_then(Value::as_str) {
        Some(s) if looks_like_intrinsic(s) => {
            let call = Intrinsic::parse(s)
                .map_err(BuildError::new)
                .under(&path_key)?;
            Ok(Some(Dynamic::Intrinsic(call)))
        }
        _ => dynamic(o, key),
    }
}

fn error_list(o: &Map) -> Built<Vec<String>> {
    const KEY: &str = "ErrorEquals";
    let Some(arr) = o.get(KEY).and_then(Value::as_array) else {
        return at(KEY, "ErrorEquals must be a non-empty array");
    };
    arr.iter()
        .map(|e| {
            e.as_str()
                .map(str::to_owned)
                .ok_or_else(|| BuildError::new("ErrorEquals holds strings").under(KEY))
        })
        .collect()
}

/// Builds each element of the array at `key` (absent: none), locating errors at their index.
fn each<T>(o: &Map, key: &str, build: impl Fn(&Value) -> Built<T>) -> Built<Vec<T>> {
    let Some(list) = o.get(key) else {
        return Ok(Vec::new());
    };
    let Some(list) = list.as_array() else {
        return at(key, format!("{key} must be an array"));
    };
    list.iter()
        .enumerate()
        .map(|(i, v)| build(v).under(&i.to_string()).under(key))
        .collect()
}

fn retriers(o: &Map) -> Built<Vec<Retrier>> {
    each(o, "Retry", |r| {
        let r = obj(r, "a Retrier")?;
        let num = |k: &str, d: f64| r.get(k).and_then(Value::as_f64).unwrap_or(d);
        Ok(Retrier {
            error_equals: error_list(r)?,
            interval_seconds: num("IntervalSeconds", 1.0),
            max_attempts: r.get("MaxAttempts").and_then(Value::as_u64).unwrap_or(3) as u32,
            backoff_rate: num("BackoffRate", 2.0),
            max_delay_seconds: r.get("MaxDelaySeconds").and_then(Value::as_f64),
            jitter_full: r.get("JitterStrategy").and_then(Value::as_str) == Some("FULL"),
            comment: opt_str(r, "Comment")?,
        })
    })
}

fn catchers(o: &Map, ql: QueryLanguage) -> Built<Vec<Catcher>> {
    each(o, "Catch", |c| {
        let c = obj(c, "a Catcher")?;
        Ok(Catcher {
            error_equals: error_list(c)?,
            next: required_str(c, "Next", "a Catcher")?,
            result_path: result_path_field(c)?,
            output: c.get("Output").cloned(),
            assign: template(c, "Assign", ql)?,
        })
    })
}

impl Definition {
    /// Builds the typed model from definition JSON.
    pub fn from_value(v: &Value) -> Result<Self, BuildError> {
        let o = obj(v, "the definition")?;
        let ql = QueryLanguage::parse(o.get("QueryLanguage"), QueryLanguage::JsonPath)?;
        Ok(Definition {
            comment: opt_str(o, "Comment")?,
            timeout_seconds: o.get("TimeoutSeconds").and_then(Value::as_u64),
            query_language: ql,
            states: States::from_object(o, ql)?,
        })
    }

    pub fn parse_text(text: &str) -> Result<Self, BuildError> {
        let v: Value = serde_json::from_str(text).map_err(|e| BuildError::new(e.to_string()))?;
        Self::from_value(&v)
    }
}

impl States {
    fn from_object(o: &Map, ql: QueryLanguage) -> Built<Self> {
        let start = opt_str(o, "StartAt")?.ok_or_else(|| BuildError::new("StartAt is required"))?;
        let Some(states) = o.get("States").and_then(Value::as_object) else {
            return at("States", "States must be an object");
        };
        let mut list = Vec::with_capacity(states.len());
        let mut by_name = BTreeMap::new();
        for (name, sv) in states {
            by_name.insert(name.to_string(), list.len());
            list.push(
                State::from_value(name, sv, ql)
                    .under(name)
                    .under("States")?,
            );
        }
        let Some(&start_at) = by_name.get(&start) else {
            return at("StartAt", format!("StartAt '{start}' is not a state"));
        };
        Ok(States {
            start_at,
            list,
            by_name,
        })
    }
}

impl State {
    fn from_value(name: &str, v: &Value, inherited: QueryLanguage) -> Built<Self> {
        let o = obj(v, "a state")?;
        let ql = QueryLanguage::parse(o.get("QueryLanguage"), inherited)?;
        let transition = if o.get("End").and_then(Value::as_bool) == Some(true) {
            Some(Transition::End)
        } else {
            opt_str(o, "Next")?.map(Transition::Next)
        };
        let common = Common {
            comment: opt_str(o, "Comment")?,
            query_language: ql,
            input_path: path_field(o, "InputPath")?,
            output_path: path_field(o, "OutputPath")?,
            result_path: result_path_field(o)?,
            // A Map's `Parameters` is the legacy ItemSelector, compiled there instead.
            parameters: if o.get("Type").and_then(Value::as_str) == Some("Map") {
                None
            } else {
                template(o, "Parameters", ql)?
            },
            result_selector: template(o, "ResultSelector", ql)?,
            arguments: o.get("Arguments").cloned(),
            output: o.get("Output").cloned(),
            assign: template(o, "Assign", ql)?,
            transition,
            retry: retriers(o)?,
            catch: catchers(o, ql)?,
        };
        let Some(ty) = o.get("Type").and_then(Value::as_str) else {
            return at("Type", "Type is required");
        };
        let kind = match ty {
            "Pass" => Kind::Pass {
                result: o.get("Result").cloned(),
            },
            "Task" => Kind::Task(Task {
                resource: required_str(o, "Resource", "a Task")?,
                timeout: dynamic(o, "TimeoutSeconds")?,
                heartbeat: dynamic(o, "HeartbeatSeconds")?,
                credentials: o.get("Credentials").cloned(),
            }),
            "Choice" => {
                if !o.get("Choices").is_some_and(Value::is_array) {
                    return at("Choices", "Choices must be an array");
                }
                let choices = each(o, "Choices", |c| {
                    let co = obj(c, "a Choice rule")?;
                    let rule = match co.get("Condition") {
                        Some(cond) => ChoiceCondition::Jsonata(cond.clone()),
                        None => ChoiceCondition::Rule(
                            crate::choice::ChoiceRule::parse_detailed(c).map_err(|e| {
                                BuildError {
                                    pointer: e.pointer.clone(),
                                    message: e.to_string(),
                                }
                            })?,
                        ),
                    };
                    Ok(ChoiceBranch {
                        rule,
                        next: required_str(co, "Next", "a Choice rule")?,
                        output: co.get("Output").cloned(),
                        assign: template(co, "Assign", ql)?,
                    })
                })?;
                Kind::Choice(Choice {
                    choices,
                    default: opt_str(o, "Default")?,
                })
            }
            "Wait" => {
                if let Some(d) = dynamic(o, "Seconds")? {
                    Kind::Wait(Wait::Seconds(d))
                } else if let Some(d) = dynamic(o, "Timestamp")? {
                    Kind::Wait(Wait::Timestamp(d))
                } else {
                    return Err(BuildError::new(
                        "a Wait state needs Seconds, Timestamp, SecondsPath or TimestampPath",
                    ));
                }
            }
            "Succeed" => Kind::Succeed,
            "Fail" => Kind::Fail(Fail {
                error: dynamic_or_intrinsic(o, "Error")?,
                cause: dynamic_or_intrinsic(o, "Cause")?,
            }),
            "Parallel" => {
                if !o.get("Branches").is_some_and(Value::is_array) {
                    return at("Branches", "Branches must be an array");
                }
                let branches = each(o, "Branches", |b| {
                    States::from_object(obj(b, "a branch")?, ql)
                })?;
                Kind::Parallel(Parallel { branches })
            }
            "Map" => {
                let field = if o.contains_key("ItemProcessor") {
                    "ItemProcessor"
                } else {
                    "Iterator"
                };
                let Some(proc_v) = o.get(field) else {
                    return Err(BuildError::new("a Map needs ItemProcessor"));
                };
                let po = obj(proc_v, field).under(field)?;
                let distributed = po
                    .get("ProcessorConfig")
                    .and_then(|c| c.get("Mode"))
                    .and_then(Value::as_str)
                    == Some("DISTRIBUTED");
                Kind::Map(Box::new(MapState {
                    processor: States::from_object(po, ql).under(field)?,
                    items_path: path_field(o, "ItemsPath")?,
                    items: o.get("Items").cloned(),
                    item_selector: match template(o, "ItemSelector", ql)? {
                        Some(t) => Some(t),
                        None => template(o, "Parameters", ql)?,
                    },
                    max_concurrency: dynamic(o, "MaxConcurrency")?,
                    tolerated_failure_count: dynamic(o, "ToleratedFailureCount")?,
                    tolerated_failure_percentage: dynamic(o, "ToleratedFailurePercentage")?,
                    item_batcher: o.get("ItemBatcher").cloned(),
                    item_reader: o.get("ItemReader").cloned(),
                    result_writer: o.get("ResultWriter").cloned(),
                    label: opt_str(o, "Label")?,
                    distributed,
                }))
            }
            other => return at("Type", format!("unknown state type '{other}'")),
        };
        let text = v.to_string();
        let context_fields = ContextFields::of_text(&text);
        Ok(State {
            name: name.into(),
            kind,
            common,
            context_fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_json::json;

    #[test]
    fn parses_every_state_type() {
        let def = json!({
            "StartAt": "P",
            "States": {
                "P": {"Type": "Pass", "Result": 1, "Next": "T"},
                "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 5,
                      "Retry": [{"ErrorEquals": ["States.ALL"]}], "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "Next": "C"},
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "W"}], "Default": "S"},
                "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "Par"},
                "Par": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}], "Next": "M"},
                "M": {"Type": "Map", "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "Parameters": {"a.$": "$"}, "End": true},
                "S": {"Type": "Succeed"},
                "F": {"Type": "Fail", "Error": "E", "Cause": "C"}
            }
        });
        let d = Definition::from_value(&def).unwrap();
        assert_eq!(&*d.states.start().name, "P");
        assert_eq!(d.states.list.len(), 8);
        let t = d.states.get("T").unwrap();
        assert_eq!(t.common.retry[0].max_attempts, 3);
        assert_eq!(t.common.catch[0].next, "F");
        let m = d.states.get("M").unwrap();
        match &m.kind {
            Kind::Map(m) => assert!(m.item_selector.is_some()),
            _ => panic!("expected a Map"),
        }
        assert!(m.common.parameters.is_none());
    }

    #[test]
    fn knows_which_parts_of_the_context_a_state_reads() {
        use ContextField::*;
        let f = ContextFields::of_text(r#"{"id.$":"$$.Execution.Id","t.$":"$$.Task.Token"}"#);
        assert!(f.has(ExecutionId) && f.has(TaskToken));
        assert!(!f.has(ExecutionInput) && !f.has(StateName) && !f.has(MapItem));
        assert!(
            ContextFields::of_text(r#"{"in.$":"$$.Execution.Input.order"}"#).has(ExecutionInput)
        );
        let f = ContextFields::of_text(r#"{"x":"{% $states.context.State.Name %}"}"#);
        assert!(f.has(StateName) && !f.has(ExecutionInput));
        assert!(ContextFields::of_text(r#"{"i.$":"$$.Map.Item.Value.id"}"#).has(MapItem));
        for everything in [
            r#"{"all.$":"$$"}"#,
            r#"{"e.$":"$$.Execution"}"#,
            r#"{"e.$":"$$['Execution']['Id']"}"#,
            r#"{"x":"{% $states.context %}"}"#,
            r#"{"contextual":1,"id.$":"$$.Execution.Id"}"#,
        ] {
            assert_eq!(
                ContextFields::of_text(everything),
                ContextFields::ALL,
                "{everything}"
            );
        }
    }

    #[test]
    fn structural_errors_are_messages_not_panics() {
        for bad in [
            json!(1),
            json!({}),
            json!({"StartAt": "X", "States": {}}),
            json!({"StartAt": "A", "States": {"A": {"Type": "Nope"}}}),
        ] {
            assert!(Definition::from_value(&bad).is_err());
        }
    }
}
