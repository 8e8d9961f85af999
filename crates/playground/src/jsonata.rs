//! JSONata's evaluator in the site's build: a second wasm module (`pkg/stepwise_jsonata_bg.wasm`,
//! crates/jsonata-wasm) that the playground loads itself, which keeps the evaluator (about a
//! quarter of the code) out of the first download (issue 19). Built with the `jsonata-module`
//! feature; without it (the tests) the evaluator is linked and always ready.
//!
//! Until the module has arrived nothing that needs it may run: validation would refuse every
//! `{% %}` expression (JSONATA_NOT_LOADED) and a deployment would leave such a machine out. So
//! - a workspace opened at start-up that uses JSONata is put on screen only once it has arrived
//!   (`lib.rs`'s `start`), so that nobody sees it judged without its evaluator;
//! - JSONata met before then (typed, or opened from a file) is shown as waiting for it
//!   ([`playground_diagnostic`]) and re-checked when it arrives ([`use_jsonata_settled`]), and
//!   whatever would run it says to try again ([`check_loaded`]); nothing typed is touched.

use std::cell::RefCell;

use stepwise_asl::validate::codes::JSONATA_NOT_LOADED as NOT_LOADED;
use stepwise_asl::validate::{Diagnostic, Severity};
use yew::prelude::*;

thread_local! {
    /// Run once the module has arrived or failed to.
    static WAITING: RefCell<Vec<Box<dyn FnOnce()>>> = RefCell::new(Vec::new());
    /// Why the module could not be loaded, once that is known.
    static FAILURE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Whether JSONata can be evaluated now.
pub fn ready() -> bool {
    stepwise_asl::query::evaluator_ready()
}

/// Why the evaluator could not be loaded, if it could not.
pub fn failure() -> Option<String> {
    FAILURE.with(|f| f.borrow().clone())
}

/// Whether waiting is over: the evaluator is there, or will not come.
pub fn settled() -> bool {
    ready() || failure().is_some()
}

/// Runs `then` once the evaluator is there or has failed to load (at once if that is so).
pub fn when_settled(then: impl FnOnce() + 'static) {
    if settled() {
        then();
    } else {
        WAITING.with(|w| w.borrow_mut().push(Box::new(then)));
    }
}

/// Runs what waited (the loader calls it; linked in, nothing ever waits).
#[cfg_attr(
    not(all(feature = "jsonata-module", target_arch = "wasm32")),
    allow(dead_code)
)]
fn settle() {
    let waiting = WAITING.with(|w| std::mem::take(&mut *w.borrow_mut()));
    for then in waiting {
        then();
    }
}

/// Whether a text may hold a JSONata expression (`{%`, as every one starts): a workspace, a
/// definition. Meant to err on the side of waiting.
pub fn mentions(text: &str) -> bool {
    text.contains("{%")
}

/// What to say when something needs the evaluator and it is not there.
fn unavailable() -> String {
    match failure() {
        Some(why) => format!(
            "JSONata's evaluator could not be loaded ({why}): reload the page to check and run \
             JSONata expressions."
        ),
        None => "JSONata's evaluator is still loading (a second download): try again in a \
                 moment."
            .into(),
    }
}

/// `Err` with the reason when one of `texts` uses JSONata and the evaluator is not there: what
/// would run them (Start, Redrive, TestState, a replay) asks this first.
pub fn check_loaded<'a>(texts: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
    if ready() || !texts.into_iter().any(mentions) {
        return Ok(());
    }
    Err(unavailable())
}

/// A validator's diagnostic as the playground shows it: an expression that could not be checked
/// for want of the evaluator says it waits for it (a warning while it loads), not the JS API's
/// advice to await `init()`.
pub fn playground_diagnostic(mut d: Diagnostic) -> Diagnostic {
    if d.code == NOT_LOADED {
        if failure().is_none() {
            d.severity = Severity::Warning;
        }
        d.message = match failure() {
            Some(_) => unavailable(),
            None => "JSONata's evaluator is still loading: this expression is checked once it \
                     has arrived."
                .into(),
        };
    }
    d
}

/// Whether waiting for the evaluator is over; the component re-renders when it ends, so that
/// what was checked without it is checked again.
#[hook]
pub fn use_jsonata_settled() -> bool {
    let state = use_state(settled);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            if !*state {
                when_settled(move || state.set(true));
            }
        });
    }
    *state
}

/// Starts loading the evaluator: at once (`soon`) when the workspace being opened needs it,
/// else after the first paint.
#[cfg(all(feature = "jsonata-module", target_arch = "wasm32"))]
pub fn load(soon: bool) {
    use wasm_bindgen::prelude::*;

    let on_ready = Closure::once_into_js(|module: JsValue| {
        stepwise_asl::query::attach_jsonata(module);
        settle();
    });
    let on_failure = Closure::once_into_js(|why: String| {
        FAILURE.with(|f| *f.borrow_mut() = Some(why));
        settle();
    });
    crate::lazy_module::load(
        "pkg/stepwise_jsonata.js",
        soon,
        on_ready.unchecked_ref(),
        on_failure.unchecked_ref(),
    );
}

/// Linked in: nothing to load.
#[cfg(not(all(feature = "jsonata-module", target_arch = "wasm32")))]
pub fn load(_soon: bool) {}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn linked_in_nothing_waits() {
        assert!(ready() && settled());
        assert_eq!(check_loaded(["{\"Output\": \"{% 1 %}\"}"]), Ok(()));
        let ran = std::rc::Rc::new(std::cell::Cell::new(false));
        let flag = std::rc::Rc::clone(&ran);
        when_settled(move || flag.set(true));
        assert!(ran.get(), "run at once when the evaluator is there");
    }

    #[test]
    fn an_expression_not_checked_for_want_of_the_evaluator_says_it_waits() {
        let d = Diagnostic {
            severity: Severity::Error,
            code: NOT_LOADED.into(),
            message: "... await init() ...".into(),
            location: Some("/States/A/Output".into()),
            line: Some(3),
            column: Some(7),
        };
        let shown = playground_diagnostic(d.clone());
        assert_eq!(shown.severity, Severity::Warning);
        assert!(shown.message.contains("still loading"), "{}", shown.message);
        assert_eq!(
            (&shown.location, shown.line, shown.column),
            (&d.location, d.line, d.column)
        );
        // Others pass unchanged.
        let other = Diagnostic {
            code: "INVALID_JSONATA_EXPRESSION".into(),
            ..d
        };
        assert_eq!(playground_diagnostic(other.clone()), other);
    }

    #[test]
    fn what_may_use_jsonata() {
        assert!(mentions("{\"Output\": \"{% $states.input %}\"}"));
        assert!(!mentions("{\"Comment\": \"100% {sure}\"}"));
    }
}
