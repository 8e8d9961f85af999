//! The template reader (`stepwise_templates::read`: ASL in JSON or YAML, SAM and CloudFormation
//! templates) in the site's build: a wasm module of its own (`stepwise_templates_bg.wasm`,
//! crates/templates-wasm), fetched on the first Import of a file that is not a workspace.
//! Reading YAML and templates is about 40 KiB of the playground's gzipped download and serves
//! only Import, so nobody who never imports a template pays for it (issue 19). Built with the
//! `template-module` feature; without it (the tests) the reader is linked in and answers at once.

use stepwise_templates::{Machine, ReadError};

/// The module's bindings, relative to the page.
#[cfg(all(feature = "template-module", target_arch = "wasm32"))]
const MODULE: &str = "stepwise_templates.js";

/// Reads `file` (named `file_name`) and hands the machines it declares to `then`: at once when the
/// reader is linked in, else once the module has arrived. A module that cannot be loaded is a
/// [`ReadError`] saying so; the next Import tries again.
pub fn read(
    file_name: &str,
    text: &str,
    then: impl FnOnce(Result<Vec<Machine>, ReadError>) + 'static,
) {
    #[cfg(all(feature = "template-module", target_arch = "wasm32"))]
    {
        use wasm_bindgen::prelude::*;

        let (file, text) = (file_name.to_owned(), text.to_owned());
        // One of the two callbacks runs; both may hand the outcome over.
        let then = std::rc::Rc::new(std::cell::RefCell::new(Some(then)));
        let answer = move |outcome| {
            if let Some(then) = then.borrow_mut().take() {
                then(outcome);
            }
        };
        let on_ready = {
            let (file, answer) = (file.clone(), answer.clone());
            Closure::once_into_js(move |module: JsValue| answer(call(&module, &file, &text)))
        };
        let on_failure = Closure::once_into_js(move |why: String| {
            answer(Err(ReadError {
                file,
                message: format!(
                    "the template reader could not be loaded ({why}); check the connection and import it again"
                ),
                pos: None,
            }))
        });
        crate::lazy_module::load(
            MODULE,
            true,
            on_ready.unchecked_ref(),
            on_failure.unchecked_ref(),
        );
    }
    #[cfg(not(all(feature = "template-module", target_arch = "wasm32")))]
    then(stepwise_templates::read(
        file_name,
        text,
        &stepwise_templates::Options::default(),
    ));
}

/// Starts fetching the module (the Import button was pressed: the file dialog gives it time to
/// arrive). Linked in, nothing to fetch.
pub fn prepare() {
    #[cfg(all(feature = "template-module", target_arch = "wasm32"))]
    {
        use wasm_bindgen::prelude::*;
        // Nothing waits for this load: a failure is met, and reported, by the Import itself.
        let ignore = Closure::once_into_js(|_: JsValue| ());
        crate::lazy_module::load(MODULE, true, ignore.unchecked_ref(), ignore.unchecked_ref());
    }
}

/// Calls the module's `read`, whose answer is `stepwise_templates::wire`'s text.
#[cfg(all(feature = "template-module", target_arch = "wasm32"))]
fn call(module: &wasm_bindgen::JsValue, file: &str, text: &str) -> Result<Vec<Machine>, ReadError> {
    use wasm_bindgen::{JsCast, JsValue};

    let answer = js_sys::Reflect::get(module, &JsValue::from_str("read"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call2(&JsValue::NULL, &file.into(), &text.into()).ok())
        .and_then(|a| a.as_string())
        .unwrap_or_default();
    stepwise_templates::wire::decode(file, &answer)
}
