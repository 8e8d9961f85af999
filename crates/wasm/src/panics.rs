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
//! for after a trap: on their own, wasm-bindgen's bindings refuse calls on them ("Invalid stale
//! object from previous Wasm instance"). The package's entry point (`js/stepwise_wasm.js`) does
//! better: it resets the instance at once and rebuilds every engine by replaying its calls. It
//! also catches the traps that are not panics (a stack overflow, an allocation failure), which run
//! no Rust code and so cannot schedule the reset. Only a bug can get here: every input is checked
//! before it reaches code that could panic, and the engine's work is bounded by counted budgets.

use wasm_bindgen::JsValue;

/// The `name` of the `Error` a panic is thrown as.
pub const INTERNAL_ERROR: &str = "InternalError";

/// Installs the hook; called once, when the module is instantiated.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        #[cfg(feature = "console_error_panic_hook")]
        console_error_panic_hook::hook(info);
        wasm_bindgen::handler::schedule_reinit();
        let error = js_sys::Error::new(&format!("Stepwise hit a bug: {info}"));
        error.set_name(INTERNAL_ERROR);
        // Thrown from inside the hook, the error unwinds past every Rust frame of the call: that
        // is what the trap would have done, but the caller sees an Error that says what happened.
        wasm_bindgen::throw_val(JsValue::from(error));
    }));
}
