//! Choice rules of JSONPath-mode Choice states: comparison operators, `And`/`Or`/`Not`, type tests.
//!
//! OWNER: choice helper. Signatures below are the contract the engine relies on.

use crate::{error::StatesError, scope::Scope};
use serde_json::Value;

/// A Choice rule compiled from its JSON (the `Next`, `Comment`, `Assign` and `Output` fields of a
/// top-level rule are ignored here: the engine reads them).
#[derive(Clone, Debug)]
pub struct ChoiceRule {
    raw: Value,
}

impl ChoiceRule {
    pub fn parse(rule: &Value) -> Result<Self, String> {
        Ok(Self { raw: rule.clone() })
    }

    /// Whether the rule matches. Errors (e.g. an invalid path in `Variable`) use AWS's names.
    pub fn evaluate(&self, scope: &Scope) -> Result<bool, StatesError> {
        let _ = (scope, &self.raw);
        todo!()
    }
}
