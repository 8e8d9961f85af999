//! The JSONata evaluator as a wasm module of its own (`stepwise_jsonata_bg.wasm`).
//!
//! The main modules (the JS API, the playground, the embed) are built without the evaluator
//! (`stepwise-asl`'s `jsonata-module` feature) and send each evaluation here through the page
//! (`attachJsonata`), synchronously: requests and answers are `stepwise_jsonata::wire`'s bytes.
//! Keeping the evaluator apart makes the main modules about a third smaller; the JS API's
//! `init()` loads both, the playground loads this one after its first paint.

#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The host's random source: a function returning a float in `[0, 1)` (NaN when the host
    /// has no evaluation in progress).
    pub type Draw;

    #[wasm_bindgen(method, js_name = call)]
    fn call(this: &Draw, this_arg: &JsValue) -> f64;
}

/// Evaluates a request (`stepwise_jsonata::wire::evaluation_request`) and answers its outcome;
/// `draw` is called for each random number the evaluation needs.
#[wasm_bindgen]
pub fn evaluate(request: &[u8], draw: &Draw) -> Vec<u8> {
    stepwise_jsonata::wire::serve_evaluate(request, &mut || draw.call(&JsValue::UNDEFINED))
}

/// Checks the syntax of an expression (a validator's check); answers as `wire::read_check` reads.
#[wasm_bindgen]
pub fn check(text: &str) -> Vec<u8> {
    stepwise_jsonata::wire::serve_check(text)
}
