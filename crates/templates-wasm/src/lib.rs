//! Reading and writing templates as a wasm module of its own (`stepwise_templates_bg.wasm`).
//!
//! The YAML parser, the template reader, the exporter and its YAML writer are about 65 KiB of
//! the playground's gzipped download and serve only Import and Export to AWS, so the site's
//! playground is built without them (its `template-module` feature) and loads this module when
//! one of those is first used. Requests and answers cross as JSON text
//! (`stepwise_templates::wire`, `stepwise_export::wire`).

#![forbid(unsafe_code)]

use wasm_bindgen::prelude::*;

/// Reads definition and template files chosen together (a `stepwise_templates::wire::files_request`)
/// the way `stepwise_templates::read_files` does (AWS's default account and region), answering
/// `stepwise_templates::wire::encode`'s text.
#[wasm_bindgen]
pub fn read(files: &str) -> String {
    stepwise_templates::wire::serve_files(files, &stepwise_templates::Options::default())
}

/// Renders a `stepwise_export::wire::request` into a CloudFormation or SAM template and its
/// deploy command, answering as `stepwise_export::wire::answer` reads. (`export` is a word
/// JavaScript keeps for itself.)
#[wasm_bindgen(js_name = exportTemplate)]
pub fn export_template(request: &str) -> String {
    stepwise_export::wire::serve(request)
}
