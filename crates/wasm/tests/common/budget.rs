//! The evaluation budget as a page using the JS API meets it: expressions that would crash the
//! module, hang the tab or exhaust its memory fail their state instead, the engine stays usable,
//! and `new Stepwise({ limits })` sets the budget.

use super::*;
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

fn pass_output(expression: &str) -> Value {
    json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": format!("{{% {expression} %}}"), "End": true}}})
}

/// Runs `expression` in a Pass state's Output and returns the execution's description.
fn outcome(sw: &mut Stepwise, expression: &str) -> Value {
    let m = machine(sw, "Budget", pass_output(expression));
    let e = start(sw, &m, json!({}));
    assert_eq!(run(sw), json!({"idle": "Finished"}));
    let d = describe_execution(sw, &e);
    ok(sw.delete_state_machine(js(json!({"stateMachineArn": m}))));
    d
}

fn assert_failed(d: &Value, error: &str, cause_has: &str) {
    assert_eq!(d["status"], "FAILED", "{d}");
    assert_eq!(d["error"], error, "{d}");
    assert!(
        d["cause"].as_str().unwrap_or_default().contains(cause_has),
        "{d}"
    );
}

#[wasm_bindgen_test]
fn a_value_nested_fifty_thousand_deep_fails_and_the_engine_goes_on() {
    let mut sw = engine();
    let d = outcome(
        &mut sw,
        "$reduce([1..50000], function($acc, $i){ {'a': $acc} }, {})",
    );
    assert_failed(
        &d,
        "States.QueryEvaluationError",
        "nested deeper than 500 levels",
    );
    // The same engine, and a new one, still work.
    let d = outcome(&mut sw, "1 + 1");
    assert_eq!(d["output"], "2", "{d}");
    let mut fresh = engine();
    assert_eq!(outcome(&mut fresh, "'ok'")["output"], "\"ok\"");
}

#[wasm_bindgen_test]
fn values_just_within_the_depth_limit_are_walked_without_trouble() {
    // Written out, compared and converted at 490 levels: every walk over a value stays within
    // the browser's stack up to the limit (state output itself may nest only 200 deep).
    let mut sw = engine();
    let deep = "$reduce([1..490], function($acc, $i){ {'a': $acc} }, {})";
    let d = outcome(
        &mut sw,
        &format!("($x := {deep}; [$length($string($x)), $x = $x, $count($keys($x))])"),
    );
    assert_eq!(d["output"], "[2942,true,1]", "{d}");
}

#[wasm_bindgen_test]
fn the_limits_option_sets_the_budget() {
    let mut sw = Stepwise::new(obj(json!({"limits": {
        "maxEvaluationSteps": 10000, "maxEvaluationBytes": 100000, "maxValueDepth": 3}})))
    .unwrap();
    let d = outcome(&mut sw, "($a := [1..1000]; $sum([1..1000].$sum($a)))");
    assert_failed(&d, "States.QueryEvaluationError", "10000 steps");
    let d = outcome(
        &mut sw,
        "($f := function($s, $n){ $n = 0 ? $length($s) : $f($s & $s, $n - 1) }; $f('x', 31))",
    );
    assert_failed(&d, "States.QueryEvaluationError", "100000 bytes");
    let d = outcome(&mut sw, "[[[[1]]]]");
    assert_failed(
        &d,
        "States.QueryEvaluationError",
        "nested deeper than 3 levels",
    );
    assert_eq!(outcome(&mut sw, "[[[1]]]")["output"], "[[[1]]]");
}
