//! Payload templates of JSONPath-mode states (`Parameters`, `ItemSelector`, `ResultSelector`,
//! Catch/Retry-free): fields whose name ends in `.$` are evaluated as a path, a context path, a
//! variable or an intrinsic function; everything else is copied.
//!
//! OWNER: path/intrinsics/payload helper. Signatures below are the contract the engine relies on.

use crate::{error::StatesError, scope::{Random, Scope}};
use serde_json::Value;

/// Evaluates `template` in `scope`. Errors carry AWS's error names and cause texts
/// (a missing path is `States.Runtime`, a failing intrinsic `States.IntrinsicFailure`, ...).
pub fn evaluate(template: &Value, scope: &Scope, rng: &mut dyn Random) -> Result<Value, StatesError> {
    let _ = (template, scope, rng);
    todo!()
}
