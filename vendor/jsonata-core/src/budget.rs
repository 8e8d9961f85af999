//! Stepwise: a counted budget for one evaluation (see VENDORED.md, change 14).
//!
//! A host that evaluates untrusted expressions needs every evaluation to end, and to end small,
//! without a wall-clock timeout (which would make results depend on machine speed). The budget
//! counts work instead:
//! - **steps**: evaluation levels, plus the items and text a builtin call is handed (the work
//!   it does in a loop without coming back through the evaluator);
//! - **bytes**: the size of the values an evaluation produces: a fixed [`SLOT_BYTES`] per array
//!   item or object entry (and the text of object keys) of every container alive, counted when
//!   it is first measured and given back when it is freed; and the text of every string a
//!   builtin or `&` builds (not given back: strings are not tracked once made);
//! - **value depth**: how deeply a produced array or object nests.
//!
//! The counters live in thread-locals so that free functions (builtins, the compiled path)
//! can charge them without an evaluator at hand; [`Evaluator::evaluate`] installs a budget for
//! the duration of one evaluation when its options carry one and restores the previous state
//! afterwards. Without an installed budget, counting runs against an unlimited allowance.
//!
//! [`Evaluator::evaluate`]: crate::evaluator::Evaluator::evaluate

use crate::evaluator::EvaluatorError;
use crate::value::{JArray, JValue};
use std::cell::Cell;

/// The limits of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub max_steps: u64,
    pub max_bytes: u64,
    pub max_value_depth: u32,
}

/// Bytes charged for each array item or object entry: a fixed figure (the size of a value in a
/// 64-bit build), not the size of the machine's value type, so that a 32-bit (wasm) and a 64-bit
/// build stop at the same point.
pub const SLOT_BYTES: u64 = 24;

thread_local! {
    static STEPS_LEFT: Cell<u64> = const { Cell::new(u64::MAX) };
    static BYTES_LEFT: Cell<u64> = const { Cell::new(u64::MAX) };
    static LIMITS: Cell<Option<Budget>> = const { Cell::new(None) };
    /// Set when a walk that cannot fail ran out of steps (see `tick`).
    static STOPPED_WALK: Cell<bool> = const { Cell::new(false) };
}

/// Restores the budget that was in force before [`install`] when dropped.
pub(crate) struct Installed {
    steps: u64,
    bytes: u64,
    limits: Option<Budget>,
    stopped_walk: bool,
}

impl Drop for Installed {
    fn drop(&mut self) {
        STEPS_LEFT.with(|c| c.set(self.steps));
        BYTES_LEFT.with(|c| c.set(self.bytes));
        LIMITS.with(|c| c.set(self.limits));
        STOPPED_WALK.with(|c| c.set(self.stopped_walk));
    }
}

/// Starts counting against `budget` until the returned guard is dropped.
pub(crate) fn install(budget: Budget) -> Installed {
    let saved = Installed {
        steps: STEPS_LEFT.with(Cell::get),
        bytes: BYTES_LEFT.with(Cell::get),
        limits: LIMITS.with(Cell::get),
        stopped_walk: STOPPED_WALK.with(|c| c.replace(false)),
    };
    STEPS_LEFT.with(|c| c.set(budget.max_steps));
    BYTES_LEFT.with(|c| c.set(budget.max_bytes));
    LIMITS.with(|c| c.set(Some(budget)));
    saved
}

fn limits() -> Option<Budget> {
    LIMITS.with(Cell::get)
}

fn steps_error() -> EvaluatorError {
    let max = limits().map_or(u64::MAX, |b| b.max_steps);
    EvaluatorError::EvaluationError(format!(
        "U1004: Evaluation exceeded its budget of {max} steps. Check for an infinite loop or \
         work that grows with the size of a large input"
    ))
}

fn bytes_error() -> EvaluatorError {
    let max = limits().map_or(u64::MAX, |b| b.max_bytes);
    EvaluatorError::EvaluationError(format!(
        "U1005: Evaluation exceeded its budget of {max} bytes of values produced"
    ))
}

fn depth_error() -> EvaluatorError {
    let max = limits().map_or(u32::MAX, |b| b.max_value_depth);
    EvaluatorError::EvaluationError(format!(
        "U1006: Evaluation produced a value nested deeper than {max} levels"
    ))
}

/// Charges `n` steps.
#[inline]
pub fn charge_steps(n: u64) -> Result<(), EvaluatorError> {
    STEPS_LEFT.with(|c| {
        let left = c.get();
        if n <= left {
            c.set(left - n);
            Ok(())
        } else {
            c.set(0);
            Err(steps_error())
        }
    })
}

/// Takes one step for a walk that cannot fail (deep equality): `false` once the steps are
/// spent, so the walk can stop at once; the evaluation then fails at its next step.
#[inline]
pub(crate) fn tick() -> bool {
    STEPS_LEFT.with(|c| {
        let left = c.get();
        c.set(left.saturating_sub(1));
        if left == 0 {
            STOPPED_WALK.with(|s| s.set(true));
        }
        left > 0
    })
}

/// Fails if a walk stopped for want of steps: its answer (a `false` from equality) was cut
/// short, so the evaluation must not end with it.
#[inline]
pub(crate) fn ensure_walks_finished() -> Result<(), EvaluatorError> {
    if STOPPED_WALK.with(Cell::get) {
        return Err(steps_error());
    }
    Ok(())
}

/// Charges `n` bytes of values produced.
#[inline]
pub fn charge_bytes(n: u64) -> Result<(), EvaluatorError> {
    BYTES_LEFT.with(|c| {
        let left = c.get();
        if n <= left {
            c.set(left - n);
            Ok(())
        } else {
            c.set(0);
            Err(bytes_error())
        }
    })
}

/// Gives back `n` bytes of containers that were counted and are now freed (or changed, to be
/// counted again), never raising the allowance above the budget's own.
#[inline]
pub(crate) fn refund_bytes(n: u64) {
    let max = limits().map_or(u64::MAX, |b| b.max_bytes);
    BYTES_LEFT.with(|c| c.set(c.get().saturating_add(n).min(max)));
}

/// Fails, without charging, if producing `n` more bytes would exceed the budget: for a caller
/// about to allocate that much, which charges once the value exists.
#[inline]
pub fn ensure_bytes(n: u64) -> Result<(), EvaluatorError> {
    if n <= BYTES_LEFT.with(Cell::get) {
        Ok(())
    } else {
        Err(bytes_error())
    }
}

/// `left & right` for two strings, charged before anything is copied (the operands are not
/// copied first, as for other values): `None` when either is not a string.
#[inline]
pub(crate) fn join_text(left: &JValue, right: &JValue) -> Result<Option<JValue>, EvaluatorError> {
    let (JValue::String(l), JValue::String(r)) = (left, right) else {
        return Ok(None);
    };
    charge_bytes((l.len() + r.len()) as u64)?;
    let mut joined = String::with_capacity(l.len() + r.len());
    joined.push_str(l);
    joined.push_str(r);
    Ok(Some(JValue::string(joined)))
}

/// Bytes still available to the evaluation in progress (`u64::MAX` without a budget).
#[inline]
pub fn bytes_left() -> u64 {
    BYTES_LEFT.with(Cell::get)
}

/// Checks a value an evaluation step produced: a container seen for the first time is
/// measured (its bytes charged, its depth cached on it), and one nested deeper than the
/// budget allows fails the evaluation.
#[inline]
pub(crate) fn check_value(value: &JValue) -> Result<(), EvaluatorError> {
    if !matches!(value, JValue::Array(_) | JValue::Object(_)) {
        return Ok(());
    }
    let mut charged = 0u64;
    let depth = value.measure(&mut |bytes| charged = charged.saturating_add(bytes));
    if charged > 0 {
        // Whatever made a new container did work in proportion to its size: charged here, as
        // every new container is measured once, so copying loops are counted wherever they are.
        charge_steps(charged / SLOT_BYTES)?;
        charge_bytes(charged)?;
    }
    match limits() {
        Some(b) if depth > b.max_value_depth => Err(depth_error()),
        _ => Ok(()),
    }
}

/// Appends the items of `array` to `items` (an array constructor flattening an array into the
/// one it builds): the copy is charged as steps, and the array being built must fit in the
/// bytes left. An array that is the first thing added and is not shared elsewhere is taken over
/// instead of copied, so `[1..10000000]` does not hold its ten million items twice.
pub(crate) fn absorb_items(items: &mut Vec<JValue>, array: JArray) -> Result<(), EvaluatorError> {
    charge_steps(array.len() as u64)?;
    if items.is_empty() {
        *items = array.into_vec();
        return ensure_bytes(SLOT_BYTES.saturating_mul(items.len() as u64));
    }
    ensure_bytes(SLOT_BYTES.saturating_mul((items.len() + array.len()) as u64))?;
    items.extend(array.iter().cloned());
    Ok(())
}

/// Charges the work a builtin is about to do over its arguments: one step, one more per array
/// item and per 64 bytes of text it is handed.
#[inline]
pub(crate) fn charge_builtin_args(args: &[JValue]) -> Result<(), EvaluatorError> {
    let mut steps = 1u64;
    for arg in args {
        match arg {
            JValue::Array(items) => steps = steps.saturating_add(items.len() as u64),
            JValue::String(s) => steps = steps.saturating_add((s.len() / 64) as u64),
            _ => {}
        }
    }
    charge_steps(steps)
}

/// The size of `value` written out in full (shared parts counted as often as they occur, as a
/// serializer writes them), or `None` as soon as it passes `cap`. Iterative, so neither depth
/// nor a value that shares one part many times (`[$a, $a]` nested 40 times) can make it
/// overflow the stack or run for long.
pub fn expanded_size_within(value: &JValue, cap: u64) -> Option<u64> {
    let mut total = 0u64;
    let mut stack: Vec<&JValue> = vec![value];
    while let Some(v) = stack.pop() {
        let size = match v {
            JValue::String(s) => s.len() as u64 + 2,
            JValue::Array(items) => {
                stack.extend(items.iter());
                SLOT_BYTES
            }
            JValue::Object(map) => {
                for (k, v) in map.iter() {
                    total = total.saturating_add(k.len() as u64);
                    stack.push(v);
                }
                SLOT_BYTES
            }
            _ => 8,
        };
        total = total.saturating_add(size);
        if total > cap {
            return None;
        }
    }
    Some(total)
}

/// Fails if writing `value` out (as `$string` does) would produce more than the bytes left.
pub fn ensure_expanded(value: &JValue) -> Result<(), EvaluatorError> {
    match expanded_size_within(value, bytes_left()) {
        Some(_) => Ok(()),
        None => Err(bytes_error()),
    }
}
