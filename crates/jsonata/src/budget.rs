//! The evaluation budget (counted work, never time) and where a host sets it.
//!
//! Every evaluation runs under a [`Budget`]: steps, bytes of values produced, and how deeply a
//! produced value may nest (see `jsonata_core::budget` for what counts). A host that evaluates
//! on behalf of several configurations (an engine per tab, each with its own limits) sets the
//! budget around the work it does with [`scoped`]; without it, [`Budget::default`] applies.

use std::cell::Cell;

pub use jsonata_core::budget::{Budget, SLOT_BYTES};

/// Steps one evaluation may take: JSONata's largest range (`[1..10000000] ~> $count()`) takes
/// about 40 million; a state's expression usually a few hundred. A release build spends a few
/// seconds at most using them all up.
pub const DEFAULT_MAX_STEPS: u64 = 100_000_000;

/// Bytes of values one evaluation may produce: the text of the strings it builds, and
/// `SLOT_BYTES` per item or entry of the arrays and objects it holds at once. Enough for
/// JSONata's largest range (`[1..10000000]`, 240 MB counted) and little more: a runaway
/// evaluation stops before the process holds half a gigabyte.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// How deeply a value an expression produces may nest, so that every recursive walk over values
/// stays shallow on the browser's stack. Above the 200 levels the engine allows state output and
/// variables, which report a value too deep in their own words; this catches what is built and
/// walked inside one evaluation (a value nested 50,000 deep by `$reduce`).
pub const DEFAULT_MAX_VALUE_DEPTH: u32 = 500;

/// The defaults above.
pub const DEFAULT_BUDGET: Budget = Budget {
    max_steps: DEFAULT_MAX_STEPS,
    max_bytes: DEFAULT_MAX_BYTES,
    max_value_depth: DEFAULT_MAX_VALUE_DEPTH,
};

thread_local! {
    static CURRENT: Cell<Budget> = const { Cell::new(DEFAULT_BUDGET) };
}

/// The budget evaluations on this thread run under now.
pub fn current() -> Budget {
    CURRENT.with(Cell::get)
}

/// Runs `f` with `budget` for every evaluation it makes, then restores the one before.
pub fn scoped<R>(budget: Budget, f: impl FnOnce() -> R) -> R {
    struct Restore(Budget);
    impl Drop for Restore {
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CURRENT.with(|c| c.replace(budget)));
    f()
}

/// For a host function about to make a value of about `bytes` (`SLOT_BYTES` per item or entry, text by
/// its length): fails, as the budget would, if the evaluation in progress cannot afford it.
pub fn ensure_bytes(bytes: u64) -> Result<(), crate::Error> {
    jsonata_core::budget::ensure_bytes(bytes).map_err(crate::evaluation_error)
}
