//! The site's extra wasm modules (JSONata's evaluator, the template reader), fetched by the page
//! only when the playground needs them (`js/lazy_module.js`). Only in the site's build: the
//! tests link both in.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/lazy_module.js")]
extern "C" {
    /// Imports `path` (relative to the page) and initialises it, then calls `on_ready` with the
    /// module's exports, or `on_failure` with why it could not be loaded. `soon`: at once, else
    /// after the first paint.
    #[wasm_bindgen(js_name = loadModule)]
    pub fn load(path: &str, soon: bool, on_ready: &js_sys::Function, on_failure: &js_sys::Function);

    /// Drops `path`'s module (it failed to load, or a call into it threw: a trap can leave the
    /// instance mid-call), so that the next [`load`] imports a fresh instance.
    #[wasm_bindgen(js_name = forgetModule)]
    pub fn forget(path: &str);
}
