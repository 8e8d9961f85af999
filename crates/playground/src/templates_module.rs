//! Reading and writing templates in the site's build: a wasm module of its own
//! (`stepwise_templates_bg.wasm`, crates/templates-wasm) holding the template reader
//! (`stepwise_templates::read`: ASL in JSON or YAML, SAM and CloudFormation templates) and the
//! exporter (`stepwise_export`, with its YAML writer). They are about 65 KiB of the playground's
//! gzipped download and serve only Import of a file that is not a workspace and Export to AWS,
//! so the module is fetched when one of those is first used, and nobody else pays for it
//! (issue 19). Built with the `template-module` feature; without it (the tests) both are linked
//! in and answer at once.

use stepwise_export::wire::Rendered;
use stepwise_templates::{Machine, ReadError};

/// Reads files chosen together (name and text each; a template and the definition files it
/// names, or one file) and hands the machines they declare to `then`. A module that cannot be
/// loaded is a [`ReadError`] saying so; the next Import tries again.
pub fn read(
    files: &[(String, String)],
    then: impl FnOnce(Result<Vec<Machine>, ReadError>) + 'static,
) {
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    // Errors about the whole choice name its files.
    let label = files.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    #[cfg(all(feature = "template-module", target_arch = "wasm32"))]
    {
        let request = stepwise_templates::wire::files_request(&files);
        with_module(move |module| {
            then(match module {
                Ok(module) => call(&module, "read", &request)
                    .map_err(|why| ReadError {
                        file: label.clone(),
                        message: format!("the template reader failed ({why})"),
                        pos: None,
                    })
                    .and_then(|answer| stepwise_templates::wire::decode(&label, &answer)),
                Err(why) => Err(ReadError {
                    file: label,
                    message: format!(
                        "the template reader could not be loaded ({why}); check the connection \
                         and import it again"
                    ),
                    pos: None,
                }),
            })
        });
    }
    #[cfg(not(all(feature = "template-module", target_arch = "wasm32")))]
    {
        let _ = label;
        then(stepwise_templates::read_files(
            &files,
            &stepwise_templates::Options::default(),
        ));
    }
}

/// How an export that could not reach the exporter starts.
pub const EXPORTER_NOT_LOADED: &str = "Cannot export: the exporter could not be loaded";

/// Renders a `stepwise_export::wire::request` and hands the template (or a message fit to show
/// the user) to `then`.
pub fn export(request: String, then: impl FnOnce(Result<Rendered, String>) + 'static) {
    #[cfg(all(feature = "template-module", target_arch = "wasm32"))]
    with_module(move |module| {
        then(match module {
            Ok(module) => call(&module, "exportTemplate", &request)
                .map_err(|why| format!("Cannot export: the exporter failed ({why})."))
                .and_then(|answer| stepwise_export::wire::answer(&answer)),
            Err(why) => Err(format!(
                "{EXPORTER_NOT_LOADED} ({why}). Check the connection: it is tried again when \
                 a definition or a choice here changes, or when this dialog opens again."
            )),
        })
    });
    #[cfg(not(all(feature = "template-module", target_arch = "wasm32")))]
    then(stepwise_export::wire::answer(
        &stepwise_export::wire::serve(&request),
    ));
}

/// Starts fetching the module (Import was pressed: the file dialog gives it time to arrive).
/// Linked in, nothing to fetch.
pub fn prepare() {
    #[cfg(all(feature = "template-module", target_arch = "wasm32"))]
    // Nothing waits for this load: a failure is met, and reported, by what uses the module.
    with_module(|_| ());
}

/// The module's bindings, relative to the page.
#[cfg(all(feature = "template-module", target_arch = "wasm32"))]
const MODULE: &str = "stepwise_templates.js";

/// Hands the module's exports to `then` once loaded, or why it could not be.
#[cfg(all(feature = "template-module", target_arch = "wasm32"))]
fn with_module(then: impl FnOnce(Result<wasm_bindgen::JsValue, String>) + 'static) {
    use wasm_bindgen::prelude::*;

    // One of the two callbacks runs; either may hand the outcome over.
    let then = std::rc::Rc::new(std::cell::RefCell::new(Some(then)));
    let answer = move |outcome| {
        if let Some(then) = then.borrow_mut().take() {
            then(outcome);
        }
    };
    let on_ready = {
        let answer = answer.clone();
        Closure::once_into_js(move |module: JsValue| answer(Ok(module)))
    };
    let on_failure = Closure::once_into_js(move |why: String| answer(Err(why)));
    crate::lazy_module::load(
        MODULE,
        true,
        on_ready.unchecked_ref(),
        on_failure.unchecked_ref(),
    );
}

/// Calls the module's function `name` with one text argument; its answer is text.
#[cfg(all(feature = "template-module", target_arch = "wasm32"))]
fn call(module: &wasm_bindgen::JsValue, name: &str, argument: &str) -> Result<String, String> {
    use wasm_bindgen::{JsCast, JsValue};

    let function = js_sys::Reflect::get(module, &JsValue::from_str(name))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or_else(|| format!("it has no function {name}"))?;
    function
        .call1(&JsValue::NULL, &argument.into())
        .map_err(|e| {
            // Whatever threw (a trap, most likely) is not used again.
            crate::lazy_module::forget(MODULE);
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "an exception".into())
        })?
        .as_string()
        .ok_or_else(|| "its answer is not text".into())
}
