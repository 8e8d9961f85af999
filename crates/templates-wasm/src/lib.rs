//! The template reader as a wasm module of its own (`stepwise_templates_bg.wasm`).
//!
//! The YAML parser and the template reader are about 40 KiB of the playground's gzipped download
//! and serve only Import, so the site's playground is built without them (its `template-module` feature) and
//! loads this module on the first Import of a file that is not a workspace. The answer crosses as
//! `stepwise_templates::wire`'s JSON text.

#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;

/// Reads a definition or template file the way `stepwise_templates::read` does (AWS's default
/// account and region, no substitutions), answering `stepwise_templates::wire::encode`'s text.
#[wasm_bindgen]
pub fn read(file: &str, text: &str) -> String {
    let options = stepwise_templates::Options::default();
    stepwise_templates::wire::encode(&stepwise_templates::read(file, text, &options))
}
