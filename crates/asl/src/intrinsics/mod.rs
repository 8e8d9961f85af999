//! Intrinsic functions (`States.Format(...)`, `States.Array(...)`, ...).
//!
//! OWNER: path/intrinsics/payload helper. Signatures below are the contract the engine relies on.

use crate::{error::StatesError, scope::{Random, Scope}};
use serde_json::Value;

/// A parsed intrinsic function call, compiled once and evaluated many times.
#[derive(Clone, Debug)]
pub struct Intrinsic {
    text: String,
}

impl Intrinsic {
    /// Parses a call such as `States.Format('{} {}', $.a, States.Array(1, 2))`.
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(Self { text: text.to_owned() })
    }

    pub fn evaluate(&self, scope: &Scope, rng: &mut dyn Random) -> Result<Value, StatesError> {
        let _ = (scope, rng, &self.text);
        todo!()
    }
}

/// True when a `.$` field's value is an intrinsic call rather than a path.
pub fn looks_like_intrinsic(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}
