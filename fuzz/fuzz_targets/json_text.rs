//! The JSON text parser behind every value a host hands in. In the JS API (crates/wasm) a JS
//! value is turned into text by `JSON.stringify` and then parsed by this same serde_json path
//! into `stepwise_json::Value`; the JS side only runs in wasm, so this target covers the Rust
//! side natively: any text either parses or is refused, and what parses writes back as text
//! that parses to the same value.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use stepwise_json::Value;

fuzz_target!(|data: &[u8]| {
    let text = match stepwise_fuzz::as_text(data) {
        Some(text) => text.to_owned(),
        None => match std::str::from_utf8(data) {
            Ok(raw) if data.len() % 2 == 0 => raw.to_owned(),
            _ => match stepwise_fuzz::values::json(&mut Unstructured::new(data)) {
                Ok(text) => text,
                Err(_) => return,
            },
        },
    };
    let Ok(value) = serde_json::from_str::<Value>(&text) else {
        return;
    };
    let written = value.to_json_string();
    let again: Value = serde_json::from_str(&written).expect("written JSON must parse again");
    assert_eq!(value, again, "JSON text must round-trip");
});
