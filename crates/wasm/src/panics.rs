//! What a bug in Stepwise does to the page that embeds it.
//!
//! The module is built with `panic = "abort"` (wasm32 has no stable unwinding), so a panic ends in
//! a trap that leaves the instance in an undefined state: the stack pointer and the borrow flag of
//! the engine being called stay as they were mid-call, and every later call into the same instance
//! may fail, `new Stepwise()` included. The hook installed here therefore
//!
//! 1. asks wasm-bindgen to replace the instance with a fresh one before the next call into the
//!    module (`schedule_reinit`), so that new engines work again, and
//! 2. throws a JS `Error` named [`INTERNAL_ERROR`] carrying the panic message, instead of letting
//!    the trap surface as a bare `RuntimeError: unreachable`.
//!
//! Engines created before the panic lived in the old instance's memory, which nothing can vouch
//! for after a trap: they are gone, and wasm-bindgen refuses calls on them with "Invalid stale
//! object from previous Wasm instance". Only a bug can get here: every input is checked before it
//! reaches code that could panic, overflow the stack or exhaust memory.
//!
//! Traps that are not panics (a stack overflow, an allocation failure) run no Rust code, so they
//! cannot schedule the reset: the package's entry point (`js/stepwise_wasm.js`) catches them and
//! resets the instance itself. Keeping them impossible is the job of the input checks and the
//! engine's counted budgets.

use wasm_bindgen::JsValue;

/// The `name` of the `Error` a panic is thrown as.
pub const INTERNAL_ERROR: &str = "InternalError";

/// Installs the hook; called once, when the module is instantiated.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        #[cfg(feature = "console_error_panic_hook")]
        console_error_panic_hook::hook(info);
        wasm_bindgen::handler::schedule_reinit();
        let error = js_sys::Error::new(&format!(
            "Stepwise hit a bug and reset itself: {info}. Engines created before this error are \
             gone; new ones work. Please report the call that caused it."
        ));
        error.set_name(INTERNAL_ERROR);
        // Thrown from inside the hook, the error unwinds past every Rust frame of the call: that
        // is what the trap would have done, but the caller sees an Error that says what happened.
        wasm_bindgen::throw_val(JsValue::from(error));
    }));
}
