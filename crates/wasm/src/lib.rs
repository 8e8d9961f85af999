//! JS API: written by the wasm helper.
