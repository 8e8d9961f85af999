//! `stepwise run` on definitions whose expressions would crash, hang or exhaust memory without
//! the evaluation budget: each execution fails cleanly, with AWS's error for its kind and a
//! cause that names the limit it hit.

mod common;

use serde_json::{json, Value};

/// Runs `definition` with `flags` and returns the CLI's JSON summary of the execution.
fn run(name: &str, definition: Value, input: Value, flags: &[&str]) -> Value {
    let path = common::write(
        "evaluation_budget",
        &format!("{name}.json"),
        &definition.to_string(),
    );
    let input = input.to_string();
    let mut args = vec!["run", path.to_str().unwrap(), "--input", &input];
    args.extend(flags);
    let out = common::stepwise(&args);
    assert!(out.ok, "{name}: {}", out.stderr);
    assert!(out.json.is_object(), "{name}: {}", out.stdout);
    out.json
}

fn jsonata_pass(expression: &str) -> Value {
    json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Output": format!("{{% {expression} %}}"), "End": true}
    }})
}

fn assert_fails(summary: &Value, error: &str, cause_has: &str) {
    assert_eq!(summary["status"], "FAILED", "{summary}");
    assert_eq!(summary["error"], error, "{summary}");
    let cause = summary["cause"].as_str().unwrap_or_default();
    assert!(
        cause.contains(cause_has),
        "cause {cause:?} lacks {cause_has:?}"
    );
}

#[test]
fn a_value_nested_fifty_thousand_deep_fails_the_state() {
    // Built in one evaluation: refused there, at the budget's depth (state output and
    // variables are refused deeper than 200 levels, after the evaluation).
    let deep = "$reduce([1..50000], function($acc, $i){ {'a': $acc} }, {})";
    let summary = run("deep_output", jsonata_pass(deep), json!({}), &[]);
    assert_fails(
        &summary,
        "States.QueryEvaluationError",
        "nested deeper than 500 levels",
    );
    // The same built for a variable.
    let assign = json!({"QueryLanguage": "JSONata", "StartAt": "P", "States": {
        "P": {"Type": "Pass", "Assign": {"x": format!("{{% {deep} %}}")}, "End": true}
    }});
    let summary = run("deep_assign", assign, json!({}), &[]);
    assert_fails(
        &summary,
        "States.QueryEvaluationError",
        "nested deeper than 500 levels",
    );
}

#[test]
fn a_variable_wrapped_in_itself_on_every_loop_stops_growing() {
    for (name, definition) in [
        (
            "wrap_jsonata",
            json!({"QueryLanguage": "JSONata", "StartAt": "Init", "States": {
                "Init": {"Type": "Pass", "Assign": {"x": {}, "n": 0}, "Next": "Wrap"},
                "Wrap": {"Type": "Pass", "Assign": {"x": {"a": "{% $x %}"}, "n": "{% $n + 1 %}"}, "Next": "Loop"},
                "Loop": {"Type": "Choice", "Choices": [{"Condition": "{% $n < 5000 %}", "Next": "Wrap"}], "Default": "Done"},
                "Done": {"Type": "Succeed"}
            }}),
        ),
        (
            "wrap_jsonpath",
            json!({"StartAt": "Init", "States": {
                "Init": {"Type": "Pass", "Assign": {"x": {}, "n": 0}, "Next": "Wrap"},
                "Wrap": {"Type": "Pass", "Assign": {"x": {"a.$": "$x"}, "n.$": "States.MathAdd($n, 1)"}, "Next": "Loop"},
                "Loop": {"Type": "Choice", "Choices": [{"Variable": "$n", "NumericLessThan": 5000, "Next": "Wrap"}], "Default": "Done"},
                "Done": {"Type": "Succeed"}
            }}),
        ),
    ] {
        let summary = run(name, definition, json!({}), &[]);
        assert_fails(
            &summary,
            "States.Runtime",
            "assigned to the variable 'x' is nested deeper than 200 levels.",
        );
    }
}

#[test]
fn runaway_text_and_loops_stop_at_the_budget() {
    let summary = run(
        "pad",
        jsonata_pass("$length($pad('x', 2000000000))"),
        json!({}),
        &[],
    );
    assert_fails(&summary, "States.QueryEvaluationError", "268435456 bytes");
    // Smaller budgets from the command line, so that a debug build stops as soon.
    let doubling =
        "($f := function($s, $n){ $n = 0 ? $length($s) : $f($s & $s, $n - 1) }; $f('x', 31))";
    let flags = ["--max-evaluation-bytes", "1000000"];
    let summary = run("doubling", jsonata_pass(doubling), json!({}), &flags);
    assert_fails(&summary, "States.QueryEvaluationError", "1000000 bytes");
    let sums = "($a := [1..100000]; $sum([1..100000].$sum($a)))";
    let flags = ["--max-evaluation-steps", "100000"];
    let summary = run("sums", jsonata_pass(sums), json!({}), &flags);
    assert_fails(&summary, "States.QueryEvaluationError", "100000 steps");
    let flags = ["--max-value-depth", "3"];
    let summary = run("depth", jsonata_pass("[[[[1]]]]"), json!({}), &flags);
    assert_fails(
        &summary,
        "States.QueryEvaluationError",
        "nested deeper than 3 levels",
    );
    // Within the budget, the same flags change nothing.
    let summary = run("fine", jsonata_pass("[[[1]]]"), json!({}), &flags);
    assert_eq!(summary["status"], "SUCCEEDED", "{summary}");
}

#[test]
fn intrinsics_that_repeat_a_large_input_stop_before_writing_it() {
    let mut call = "States.Array($.s, $.s, $.s, $.s)".to_owned();
    for _ in 0..6 {
        call = format!("States.Array({call}, {call}, {call}, {call})");
    }
    // 4^7 copies of 100 KB: 1.6 GB written out, from a value of a few kilobytes.
    let input = json!({"s": "x".repeat(100_000)});
    for (name, field) in [
        ("fanout_text", format!("States.JsonToString({call})")),
        ("fanout_value", call.clone()),
    ] {
        let definition = json!({"StartAt": "P", "States": {
            "P": {"Type": "Pass", "Parameters": {"x.$": field}, "End": true}
        }});
        let summary = run(name, definition, input.clone(), &[]);
        assert_fails(&summary, "States.DataLimitExceeded", "268435456 bytes");
    }
}

#[test]
fn jsonpath_descendant_segments_stop_at_the_node_limit() {
    // Each `..*` reaches every descendant of every node reached so far: over a document 100
    // deep, five of them would select billions of nodes (minutes and gigabytes before the limit).
    let mut deep = json!("x");
    for _ in 0..100 {
        deep = json!({"a": deep, "b": [1, 2]});
    }
    let pass = |path: &str| {
        json!({"StartAt": "P", "States": {
            "P": {"Type": "Pass", "Parameters": {"n.$": path}, "End": true}
        }})
    };
    let summary = run("descendants", pass("$..*..*..*..*..*"), deep.clone(), &[]);
    assert_fails(&summary, "States.DataLimitExceeded", "visits more than");
    // The same as InputPath, and inside a filter; a single descendant segment still works.
    let input_path = json!({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "InputPath": "$..*..*..*..*..*", "End": true}
    }});
    let summary = run("descendants_input_path", input_path, deep.clone(), &[]);
    assert_fails(&summary, "States.DataLimitExceeded", "visits more than");
    let filter = pass("$..[?(@..*..*..*..*)]");
    let summary = run("descendants_filter", filter, deep.clone(), &[]);
    assert_fails(&summary, "States.DataLimitExceeded", "visits more than");
    let one = run("one_descendant", pass("$..b"), deep, &[]);
    assert_eq!(one["status"], "SUCCEEDED", "{one}");
    assert_eq!(one["output"]["n"].as_array().map(Vec::len), Some(100));
}
