//! AWS's limits as a page using the JS API meets them: workflow variables, the virtual clock
//! (retry back-off, waits, timeouts, the one-year maximum run time) and huge mock configs.

use super::*;
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

/// Runs until the executions end, moving the clock to each timer (as a page's "run" does).
fn settle(sw: &mut Stepwise) {
    for _ in 0..10_000 {
        match run(sw)["idle"].as_str() {
            Some("WaitingForTimer") => assert!(sw.advance_to_next_timer()),
            Some("BudgetSpent") => {}
            _ => return,
        }
    }
    panic!("the engine did not settle");
}

fn failing_task(retrier: Value) -> Value {
    json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "Retry": [retrier], "End": true}}})
}

fn always_failing(sw: &mut Stepwise) {
    let config = json!({"StateMachines": {"Flaky": {"TestCases": {"T": {"Call": "Fail"}}}},
        "MockedResponses": {"Fail": {"0-99999999": {"Throw": {"Error": "Flaky", "Cause": "again"}}}}});
    sw.set_mock_config(js(config)).unwrap();
}

#[wasm_bindgen_test]
fn a_variable_over_256_kib_fails_with_data_limit_exceeded() {
    let mut sw = engine();
    let m = machine(
        &mut sw,
        "Vars",
        json!({"QueryLanguage": "JSONata", "StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"big": "{% $pad('', 300000, 'x') %}"}, "Output": {}, "End": true}}}),
    );
    let e = start(&mut sw, &m, json!({}));
    settle(&mut sw);
    let d = describe_execution(&sw, &e);
    assert_eq!(d["status"], "FAILED");
    assert_eq!(d["error"], "States.DataLimitExceeded");
    assert!(
        d["cause"]
            .as_str()
            .unwrap()
            .contains("262144 bytes for one variable"),
        "{d}"
    );
}

#[wasm_bindgen_test]
fn doubling_back_off_ends_at_the_one_year_maximum_and_the_clock_still_moves() {
    let mut sw = engine();
    always_failing(&mut sw);
    let m = machine(
        &mut sw,
        "Flaky",
        failing_task(
            json!({"ErrorEquals": ["States.ALL"], "MaxAttempts": 99999999, "BackoffRate": 2}),
        ),
    );
    let e = start(&mut sw, &m, json!({}));
    settle(&mut sw);
    let d = describe_execution(&sw, &e);
    assert_eq!(d["status"], "TIMED_OUT", "{d}");
    assert_eq!(d["error"], "States.Timeout");
    // A year later, as a JS Date shows it, and the clock can be moved on.
    assert_eq!(sw.now(), "2026-01-01T00:00:00.000Z");
    let stop = js_sys::Date::parse(d["stopDate"].as_str().unwrap_or(&sw.now()));
    assert!(!stop.is_nan(), "{d}");
    sw.advance_clock(1000.0).unwrap();
    assert_eq!(sw.now(), "2026-01-01T00:00:01.000Z");
}

#[wasm_bindgen_test]
fn a_huge_backoff_rate_does_not_retry_at_once() {
    let mut sw = engine();
    always_failing(&mut sw);
    let m = machine(
        &mut sw,
        "Flaky",
        failing_task(
            json!({"ErrorEquals": ["States.ALL"], "MaxAttempts": 5, "BackoffRate": 1e300}),
        ),
    );
    let e = start(&mut sw, &m, json!({}));
    settle(&mut sw);
    assert_eq!(describe_execution(&sw, &e)["status"], "TIMED_OUT");
    let scheduled = event_types(&sw, &e)
        .iter()
        .filter(|t| *t == "TaskScheduled")
        .count();
    assert_eq!(scheduled, 2);
}

#[wasm_bindgen_test]
fn out_of_range_seconds_and_timeouts_from_paths_fail_with_states_runtime() {
    let mut sw = engine();
    let wait = machine(
        &mut sw,
        "Wait",
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}),
    );
    let task = machine(
        &mut sw,
        "Task",
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "TimeoutSecondsPath": "$.t", "End": true}}}),
    );
    for (m, input) in [
        (&wait, json!({"s": 1e300})),
        (&wait, json!({"s": 100000000})),
        (&task, json!({"t": 1e300})),
    ] {
        let e = start(&mut sw, m, input.clone());
        settle(&mut sw);
        let d = describe_execution(&sw, &e);
        assert_eq!(d["status"], "FAILED", "{input}: {d}");
        assert_eq!(d["error"], "States.Runtime", "{input}: {d}");
    }
}

#[wasm_bindgen_test]
fn wide_mock_ranges_load_at_once_and_too_large_a_config_throws() {
    let mut sw = engine();
    let mut ranges = serde_json::Map::new();
    for i in 0..5000u64 {
        let from = i * 100_000_000;
        ranges.insert(
            format!("{from}-{}", from + 99_999_999),
            json!({"Return": i}),
        );
    }
    let config = json!({"StateMachines": {"M": {"TestCases": {"T": {"Call": "R"}}}}, "MockedResponses": {"R": ranges}});
    sw.set_mock_config(js(config)).unwrap();

    let mut many = serde_json::Map::new();
    for i in 0..20_000 {
        many.insert(i.to_string(), json!({"Return": i}));
    }
    let config = json!({"StateMachines": {"M": {"TestCases": {"T": {"Call": "R"}}}}, "MockedResponses": {"R": many}});
    let e = thrown(sw.set_mock_config(js(config)));
    assert_eq!(String::from(e.name()), "ValidationException");
    assert!(String::from(e.message()).contains("too large"));
}
