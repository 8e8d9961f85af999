//! A state's data flow, stage by stage: InputPath → Parameters/Arguments → (work) →
//! ResultSelector → ResultPath → OutputPath, or in JSONata mode Arguments → Output, plus Assign.
//! Each stage is a plain function so the engine and the UI (inspector) share them.

use stepwise_asl::error::names;
use stepwise_asl::model::{PathField, ResultPathField, Template};
use stepwise_asl::query::{self, QueryEnv};
use stepwise_asl::scope::{Random, Scope};
use stepwise_asl::{payload, StatesError};
use stepwise_json::{Map, Value};

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
