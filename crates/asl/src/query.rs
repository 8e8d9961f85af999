//! JSONata mode (`"QueryLanguage": "JSONata"`): `{% ... %}` expressions in `Arguments`, `Output`,
//! `Assign`, `Condition`, `Items`, `TimeoutSeconds`, ... with the `$states` variable.
//!
//! OWNER: JSONata helper. Signatures below are the contract the engine relies on.

use crate::{error::StatesError, scope::Random};
use serde_json::{Map, Value};

/// What JSONata may read from the engine: the virtual clock and the seeded generator.
pub struct QueryEnv<'a> {
    /// Milliseconds since the Unix epoch on the engine's virtual clock (`$now()`, `$millis()`).
    pub now_millis: i64,
    pub rng: &'a mut dyn Random,
}

/// True for a string of the form `{% ... %}`.
pub fn is_expression(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("{%") && t.ends_with("%}") && t.len() >= 4
}

/// Evaluates a JSONata template: every string of the form `{% expr %}` (at any depth inside
/// objects and arrays) is replaced by its value; everything else is literal. `states` is the value
/// of `$states` (`input`, `result`, `errorOutput`, `context`); `vars` are the variables in scope.
/// An expression that yields nothing (undefined) drops its object field, as AWS does.
pub fn evaluate_template(
    template: &Value,
    states: &Value,
    vars: &Map<String, Value>,
    env: &mut QueryEnv,
) -> Result<Value, StatesError> {
    let _ = (template, states, vars, env);
    todo!()
}

/// Evaluates a single `{% expr %}` string (Condition, Items, TimeoutSeconds, ...).
/// `Ok(None)` means the expression yielded nothing.
pub fn evaluate_expression(
    text: &str,
    states: &Value,
    vars: &Map<String, Value>,
    env: &mut QueryEnv,
) -> Result<Option<Value>, StatesError> {
    let _ = (text, states, vars, env);
    todo!()
}
