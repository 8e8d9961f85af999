//! Browser tests of the core crates live in `tests/`; they run with
//! `cargo xtask test --only wasm` (wasm32 in headless Chromium through `wasm-bindgen-test-runner`).
//!
//! The crate exists apart from `stepwise-tests` so that the native test run can exclude it: its
//! tests are `#[wasm_bindgen_test]` functions, which mean nothing natively.

#![forbid(unsafe_code)]
