//! JSONPath as Step Functions uses it: reference paths (ResultPath and `*Path` fields), full
//! paths with wildcards, slices, recursive descent and filters, the context object (`$$`) and
//! variables (`$name`).
//!
//! OWNER: path/intrinsics/payload helper. Signatures below are the contract the engine relies on.

use crate::scope::Scope;
use serde_json::Value;

/// A JSONPath compiled once (per state, per machine) and evaluated many times.
#[derive(Clone, Debug)]
pub struct JsonPath {
    text: String,
}

impl JsonPath {
    /// Parses `text` (`$`, `$.a.b[0]`, `$$.Execution.Id`, `$var.field`, `$..x`, `$.a[?(@.p > 1)]`).
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(Self { text: text.to_owned() })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// True for a path that names at most one node and no wildcards/filters (what ResultPath accepts).
    pub fn is_reference_path(&self) -> bool {
        todo!()
    }

    /// Evaluates against the right root of `scope`: the input for `$...`, the context object for
    /// `$$...`, a variable for `$name...`. `None` when a definite path matches nothing; an
    /// indefinite path (wildcards, filters, slices, `..`) gives an array, possibly empty.
    pub fn select(&self, scope: &Scope) -> Option<Value> {
        let _ = scope;
        todo!()
    }

    /// Evaluates against `root`, whatever the path's own root is.
    pub fn select_in(&self, root: &Value) -> Option<Value> {
        let _ = root;
        todo!()
    }

    /// Writes `value` at this reference path inside `target` (ResultPath semantics): `$` replaces
    /// the whole value; missing objects on the way are created. Errors when the path cannot be
    /// written (an intermediate value is not an object); the message is AWS's cause text.
    pub fn assign(&self, target: Value, value: Value) -> Result<Value, String> {
        let _ = (target, value);
        todo!()
    }
}
