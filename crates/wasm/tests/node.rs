//! The JS API tests under Node: without `wasm_bindgen_test_configure!`, the runner uses Node.

mod common;
