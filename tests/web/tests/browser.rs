//! The core crates running inside headless Chromium: what the playground relies on must behave
//! there exactly as it does natively.

use serde_json::{json, Value};
use stepwise_asl::scope::{uuid_v4, Random, SplitMix64};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// First outputs of SplitMix64 seeded with 0, as published with the algorithm: if wasm32's
/// arithmetic differed from the native one, seeded runs would not replay the same in the browser.
#[wasm_bindgen_test]
fn splitmix64_matches_the_reference_sequence() {
    let mut rng = SplitMix64(0);
    let got: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
    assert_eq!(
        got,
        [
            0xe220_a839_7b1d_cdaf,
            0x6e78_9e6a_a1b9_65f4,
            0x06c4_5d18_8009_454f
        ]
    );
}

#[wasm_bindgen_test]
fn uuid_v4_is_deterministic_and_well_formed() {
    let first: Vec<String> = {
        let mut rng = SplitMix64(42);
        (0..16).map(|_| uuid_v4(&mut rng)).collect()
    };
    let again: Vec<String> = {
        let mut rng = SplitMix64(42);
        (0..16).map(|_| uuid_v4(&mut rng)).collect()
    };
    assert_eq!(first, again, "the same seed must give the same UUIDs");

    for id in &first {
        let groups: Vec<&str> = id.split('-').collect();
        let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        assert_eq!(lens, [8, 4, 4, 4, 12], "{id}");
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)),
            "{id}"
        );
        assert!(groups[2].starts_with('4'), "version nibble of {id}");
        assert!(
            matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
            "variant of {id}"
        );
    }
    let mut distinct = first.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), first.len(), "UUIDs repeat: {first:?}");

    let mut other = SplitMix64(43);
    assert_ne!(
        uuid_v4(&mut other),
        first[0],
        "a different seed must give different UUIDs"
    );
}

/// Numbers are where JSON and wasm32 can disagree (f64 formatting, u64/i64 beyond 2^53), and key
/// order is what the history bytes depend on.
#[wasm_bindgen_test]
fn serde_json_round_trips_numbers_and_key_order() {
    let text = r#"{"z":1,"a":[0.1,1e-7,-0.0,1.7976931348623157e308,18446744073709551615,-9223372036854775808],"m":{"b":null,"a":"\u00e9\ud83d\ude00"}}"#;
    let value: Value = serde_json::from_str(text).unwrap();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["z", "a", "m"], "insertion order must be kept");
    assert_eq!(value["a"][0].as_f64(), Some(0.1));
    assert_eq!(value["a"][4].as_u64(), Some(u64::MAX));
    assert_eq!(value["a"][5].as_i64(), Some(i64::MIN));
    assert_eq!(value["m"]["a"], json!("é😀"));

    // The same text as a native build prints (checked there): exponents get a sign, `-0.0` stays.
    let printed = serde_json::to_string(&value).unwrap();
    assert_eq!(
        printed,
        r#"{"z":1,"a":[0.1,1e-7,-0.0,1.7976931348623157e+308,18446744073709551615,-9223372036854775808],"m":{"b":null,"a":"é😀"}}"#
    );
    let back: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(back, value);
}
