//! A state's data flow, stage by stage: InputPath → Parameters/Arguments → (work) →
//! ResultSelector → ResultPath → OutputPath, or in JSONata mode Arguments → Output, plus Assign.
//! Each stage is a plain function; [`Pipeline`] is what one run of a state made of each stage,
//! recorded by the engine per state run (`Execution::pipeline`) and read by the inspector and by
//! TestState (`crate::teststate`).

use stepwise_asl::error::names;
use stepwise_asl::model::{PathField, ResultPathField, Template};
use stepwise_asl::query::{self, QueryEnv};
use stepwise_asl::scope::{Random, Scope};
use stepwise_asl::{payload, StatesError};
use stepwise_json::{Map, Value};

/// Each data-flow stage's value in one run of a state, in the order the stages run: what AWS's
/// TestState reports as `inspectionData`. A stage the state does not have, or did not reach
/// (an error stopped it), stays `None`. Values share their contents with the engine's (`Value`
/// containers are reference counted), so recording a stage copies no document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pipeline {
    /// The id of the state's `…StateEntered` event: which run of the state this is.
    pub entered_event: u64,
    /// The raw state input.
    pub input: Value,
    /// After `InputPath` (JSONPath states only).
    pub after_input_path: Option<Value>,
    /// After `Parameters` (JSONPath) or `Arguments` (JSONata): what a Task sends.
    pub after_parameters: Option<Value>,
    /// The state's own result: a Task's answer, a Pass state's `Result` (or its parameters).
    pub result: Option<Value>,
    /// After `ResultSelector` (JSONPath Task, Map, Parallel).
    pub after_result_selector: Option<Value>,
    /// After `ResultPath` (JSONPath): the result placed in the raw input.
    pub after_result_path: Option<Value>,
    /// After `OutputPath` (JSONPath) or `Output` (JSONata), or what a Catcher handed on.
    pub output: Option<Value>,
    /// What `Assign` (the state's or its Catcher's) evaluated to.
    pub assigned: Option<Map>,
    /// The latest error the state ran into (a retried attempt's, a caught or an uncaught one).
    pub error: Option<StatesError>,
    /// Whether the JSONata stage names apply (`Arguments`, `Output`).
    pub jsonata: bool,
}

impl Pipeline {
    /// A run of a state that was just entered with `input`.
    pub fn entered(entered_event: u64, input: Value, jsonata: bool) -> Self {
        Pipeline {
            entered_event,
            input,
            jsonata,
            ..Pipeline::default()
        }
    }

    /// The stages in order as `(AWS's inspectionData name, value)`, only those the run reached.
    pub fn stages(&self) -> Vec<(&'static str, &Value)> {
        let params = if self.jsonata {
            "afterArguments"
        } else {
            "afterParameters"
        };
        let list = [
            ("input", Some(&self.input)),
            ("afterInputPath", self.after_input_path.as_ref()),
            (params, self.after_parameters.as_ref()),
            ("result", self.result.as_ref()),
            ("afterResultSelector", self.after_result_selector.as_ref()),
            ("afterResultPath", self.after_result_path.as_ref()),
            ("output", self.output.as_ref()),
        ];
        list.into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .collect()
    }
}

/// InputPath / OutputPath.
pub fn select(field: &PathField, scope: &Scope) -> Result<Value, StatesError> {
    match field {
        PathField::Default => Ok(scope.input.clone()),
        PathField::Null => Ok(Value::Object(Map::new())),
        PathField::Path(p) => p
            .try_select_cow(scope)?
            .map(std::borrow::Cow::into_owned)
            .ok_or_else(|| StatesError::runtime(p.invalid_path_cause(scope))),
    }
}

/// ResultPath: where the result goes inside the state's raw input.
pub fn apply_result_path(
    field: &ResultPathField,
    raw_input: Value,
    result: Value,
) -> Result<Value, StatesError> {
    match field {
        ResultPathField::Default => Ok(result),
        ResultPathField::Null => Ok(raw_input),
        ResultPathField::Path(p) => p.assign(raw_input, result).map_err(StatesError::runtime),
    }
}

/// `InputPath`/`OutputPath` absent or `$`: the value passes unchanged (and need not be copied).
pub fn is_identity(field: &PathField) -> bool {
    match field {
        PathField::Default => true,
        PathField::Path(p) => p.text() == "$",
        PathField::Null => false,
    }
}

/// A JSONPath payload template, compiled with the machine.
pub fn template(tpl: &Template, scope: &Scope, rng: &mut dyn Random) -> Result<Value, StatesError> {
    match &tpl.compiled {
        Some(c) => c.evaluate(scope, rng),
        None => payload::evaluate(&tpl.raw, scope, rng),
    }
}

/// A template that is not part of the model (e.g. ItemBatcher's BatchInput).
pub fn template_value(
    tpl: &Value,
    scope: &Scope,
    rng: &mut dyn Random,
) -> Result<Value, StatesError> {
    payload::evaluate(tpl, scope, rng)
}

/// JSONPath-mode Assign: a payload template whose top-level keys are variable names.
pub fn assign_jsonpath(
    tpl: &Template,
    scope: &Scope,
    rng: &mut dyn Random,
) -> Result<Map, StatesError> {
    match template(tpl, scope, rng)? {
        Value::Object(m) => Ok(m),
        _ => Err(StatesError::runtime("Assign must be a JSON object")),
    }
}

pub struct Jsonata<'a> {
    pub states: &'a Value,
    pub vars: &'a Map,
    pub now_millis: i64,
}

impl Jsonata<'_> {
    /// A template for the state field `field` (`Output`, `Arguments`, ...), which causes name.
    pub fn template(
        &self,
        tpl: &Value,
        field: &str,
        rng: &mut dyn Random,
    ) -> Result<Value, StatesError> {
        let mut env = QueryEnv {
            now_millis: self.now_millis,
            rng,
        };
        query::evaluate_template_at(tpl, field, self.states, self.vars, &mut env)
    }

    /// A field that must produce a value (Items, TimeoutSeconds, Condition, ...).
    pub fn value(
        &self,
        v: &Value,
        field: &str,
        rng: &mut dyn Random,
    ) -> Result<Value, StatesError> {
        match v {
            Value::String(s) if query::is_expression(s) => {
                let mut env = QueryEnv {
                    now_millis: self.now_millis,
                    rng,
                };
                query::evaluate_expression_at(s, field, self.states, self.vars, &mut env)?
                    .ok_or_else(|| query::returned_nothing(s, field))
            }
            other => self.template(other, field, rng),
        }
    }

    pub fn assign(&self, tpl: &Template, rng: &mut dyn Random) -> Result<Map, StatesError> {
        match self.template(&tpl.raw, "Assign", rng)? {
            Value::Object(m) => Ok(m),
            _ => Err(StatesError::new(
                names::QUERY_EVALUATION_ERROR,
                "Assign must be a JSON object",
            )),
        }
    }
}

/// The `$states` variable of JSONata mode.
pub fn states_value(
    input: Value,
    context: Value,
    result: Option<&Value>,
    error_output: Option<&Value>,
) -> Value {
    let mut m = Map::new();
    m.insert("input".into(), input);
    m.insert("context".into(), context);
    if let Some(r) = result {
        m.insert("result".into(), r.clone());
    }
    if let Some(e) = error_output {
        m.insert("errorOutput".into(), e.clone());
    }
    Value::Object(m)
}
