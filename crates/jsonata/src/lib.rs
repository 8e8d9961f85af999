//! JSONata for Step Functions behind a small interface of our own: compile once, evaluate with
//! bindings and an environment that supplies the clock and randomness.
//!
//! OWNER: JSONata helper. Signatures below are the contract the rest of the workspace relies on.

use serde_json::{Map, Value};

/// A JSONata error with its code (`S0201`, `T2001`, `D3030`, `U1001`, ...) kept apart from the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: String,
    pub message: String,
    pub position: Option<usize>,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// What an evaluation may read from the host: never the wall clock, never OS randomness.
pub struct Env<'a> {
    /// Milliseconds since the Unix epoch (`$now()`, `$millis()`).
    pub now_millis: i64,
    /// Uniform floats in `[0, 1)` (`$random()`), and the source of `$uuid()`.
    pub random: &'a mut dyn FnMut() -> f64,
}

/// A compiled expression.
pub struct Expression {
    text: String,
}

impl Expression {
    pub fn compile(text: &str) -> Result<Self, Error> {
        Ok(Self { text: text.to_owned() })
    }

    /// Evaluates against `input` (`None`: no input at all, JavaScript's `undefined`) with `bindings`
    /// as `$name` variables. `Ok(None)` means the result is undefined.
    pub fn evaluate(
        &self,
        input: Option<&Value>,
        bindings: &Map<String, Value>,
        env: &mut Env,
    ) -> Result<Option<Value>, Error> {
        let _ = (input, bindings, env, &self.text);
        todo!()
    }
}
