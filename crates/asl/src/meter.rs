//! The byte budget of JSONPath-mode evaluation (payload templates and intrinsic functions).
//!
//! Their values share containers (selecting `$.items` costs a reference count), but text is
//! copied each time a path selects it, and `States.JsonToString` or `States.Format` write text
//! out: a template or a nest of intrinsics that names one large string many times can make
//! gigabytes from a small input. So one evaluation (a whole template, or an intrinsic evaluated
//! on its own) counts the text it copies or writes against the budget's bytes, and fails with
//! `States.DataLimitExceeded` past it. The count is of work done, the same on every platform.

use crate::error::{names, StatesError};
use std::cell::Cell;

thread_local! {
    /// Bytes used by the evaluation in progress, and how many metered calls are open.
    static USED: Cell<u64> = const { Cell::new(0) };
    static OPEN: Cell<u32> = const { Cell::new(0) };
    /// Whether the evaluation put a selected array or object into its result: only then can
    /// the result's text be larger than the text it copied.
    static SHARED: Cell<bool> = const { Cell::new(false) };
}

/// Runs one evaluation under the meter: the outermost call starts the count from zero, nested
/// ones (an intrinsic inside a template) add to it.
pub(crate) fn metered<R>(f: impl FnOnce() -> R) -> R {
    struct Close;
    impl Drop for Close {
        fn drop(&mut self) {
            OPEN.with(|o| o.set(o.get() - 1));
        }
    }
    if OPEN.with(|o| o.replace(o.get() + 1)) == 0 {
        USED.with(|u| u.set(0));
        SHARED.with(|s| s.set(false));
    }
    let _close = Close;
    f()
}

/// Counts a selected value the result will hold: its text if it is a string (copied), else a
/// note that the result shares a container (whose text is counted when the result is checked).
pub(crate) fn charge_selected(value: &stepwise_json::Value, what: &str) -> Result<(), String> {
    match value {
        stepwise_json::Value::String(text) => charge(text.len(), what),
        stepwise_json::Value::Array(_) | stepwise_json::Value::Object(_) => {
            SHARED.with(|s| s.set(true));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether the evaluation so far put a selected container into its result.
pub(crate) fn shares_containers() -> bool {
    SHARED.with(Cell::get)
}

/// The evaluation's byte budget.
pub(crate) fn max_bytes() -> u64 {
    crate::budget::current().max_bytes
}

/// Counts `bytes` of text copied or written; past the budget, the cause for `States.DataLimitExceeded`
/// (naming `what` went over).
pub(crate) fn charge(bytes: usize, what: &str) -> Result<(), String> {
    let max = max_bytes();
    let used = USED.with(|u| {
        let used = u.get().saturating_add(bytes as u64);
        u.set(used);
        used
    });
    if used > max {
        return Err(cause(what, max));
    }
    Ok(())
}

/// The cause of `States.DataLimitExceeded` for `what` passing the budget's `max` bytes.
pub(crate) fn cause(what: &str, max: u64) -> String {
    format!("{what} exceeds the evaluation budget of {max} bytes.")
}

pub(crate) fn data_limit(cause: String) -> StatesError {
    StatesError::new(names::DATA_LIMIT_EXCEEDED, cause)
}
