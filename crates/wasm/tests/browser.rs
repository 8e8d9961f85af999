//! The JS API tests in headless Chromium (run by `wasm-bindgen-test-runner` with chromedriver).

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
