//! The engine in headless Chromium: the AWS-recorded corpus and the determinism golden file
//! must give the same answers here as natively.

use stepwise_engine::conformance;
use stepwise_json::Value;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const CORPUS: &str = include_str!(concat!(env!("OUT_DIR"), "/corpus.json"));

/// The same floor as the native conformance run (xtask): the browser must not do worse.
const FLOOR: usize = 790;

#[wasm_bindgen_test]
fn conformance_corpus_passes_in_the_browser() {
    let cases: Vec<Value> = serde_json::from_str(CORPUS).expect("corpus bundle");
    if cases.is_empty() {
        wasm_bindgen_test::console_log!(
            "conformance corpus not found next to the repository: skipped"
        );
        return;
    }
    let results: Vec<_> = cases.iter().map(conformance::run_case).collect();
    let passed = results.iter().filter(|r| r.pass).count();
    wasm_bindgen_test::console_log!(
        "conformance in the browser: {passed} passed, {} failed",
        results.len() - passed
    );
    assert!(
        passed >= FLOOR,
        "{passed} cases passed, below the floor of {FLOOR}"
    );
}

#[wasm_bindgen_test]
fn determinism_golden_history_matches_native() {
    let golden = include_str!("../../golden/determinism.json");
    assert_eq!(stepwise_tests_golden::render(), golden.trim_end());
}

/// The scenario behind `tests/golden/determinism.json`, kept in one place for both runs.
#[path = "../../golden/scenario.rs"]
mod stepwise_tests_golden;
