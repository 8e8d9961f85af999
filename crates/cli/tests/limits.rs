//! AWS's limits as a user of `stepwise run` and `stepwise export` meets them: workflow
//! variables, the virtual clock (retry back-off, waits, timeouts, the one-year maximum run time),
//! mock configs that describe huge invocation ranges, and wildcard grants in exported IAM policies.

mod common;

use common::{stepwise, Outcome};
use serde_json::{json, Value};
use std::path::PathBuf;

/// Writes `value` as JSON to a file of its own for this test.
fn file(name: &str, value: &Value) -> PathBuf {
    common::write("limits", &format!("{name}.json"), &value.to_string())
}

/// `stepwise run NAME.json --history [--mocks MOCKS.json] [--input INPUT]`, the definition
/// written to a file named after the test (the machine's name is the file's stem).
fn run(name: &str, definition: Value, mocks: Option<Value>, input: Value) -> Outcome {
    let def = file(name, &definition);
    let input = input.to_string();
    let mut args = vec!["run", def.to_str().unwrap(), "--history", "--input", &input];
    let mocks_path = mocks.map(|m| file(&format!("{name}-mocks"), &m));
    if let Some(p) = &mocks_path {
        args.extend(["--mocks", p.to_str().unwrap()]);
    }
    stepwise(&args)
}

fn millis(ts: &Value) -> i64 {
    let s = ts
        .as_str()
        .unwrap_or_else(|| panic!("timestamp expected, got {ts}"));
    stepwise_engine::clock::parse_iso8601(s).unwrap_or_else(|| panic!("bad timestamp {s}"))
}

fn last_event(o: &Outcome) -> &Value {
    o.json["history"]
        .as_array()
        .and_then(|h| h.last())
        .expect("history")
}

const YEAR_MILLIS: i64 = 365 * 86_400_000;

// ---- variables ------------------------------------------------------------------------

fn assign_machine(assign: Value) -> Value {
    json!({"QueryLanguage": "JSONata", "StartAt": "Set", "States": {"Set": {"Type": "Pass", "Assign": assign, "Output": {}, "End": true}}})
}

#[test]
fn a_variable_over_256_kib_fails_with_data_limit_exceeded() {
    let o = run(
        "var-one",
        assign_machine(json!({"big": "{% $pad('', 300000, 'x') %}"})),
        None,
        json!({}),
    );
    assert!(o.ok, "{}", o.stderr);
    assert_eq!(o.json["status"], "FAILED", "{}", o.json);
    assert_eq!(o.json["error"], "States.DataLimitExceeded");
    let cause = o.json["cause"].as_str().unwrap();
    assert!(
        cause.contains("'big'") && cause.contains("262144 bytes for one variable"),
        "{cause}"
    );
    // Just under the limit is fine.
    let o = run(
        "var-one-ok",
        assign_machine(json!({"big": "{% $pad('', 250000, 'x') %}"})),
        None,
        json!({}),
    );
    assert_eq!(o.json["status"], "SUCCEEDED", "{}", o.json);
}

#[test]
fn one_assign_over_256_kib_in_all_fails() {
    let mut assign = serde_json::Map::new();
    for i in 0..48 {
        assign.insert(format!("v{i}"), json!("{% $pad('', 250000, 'x') %}"));
    }
    let o = run(
        "var-assign",
        assign_machine(Value::Object(assign)),
        None,
        json!({}),
    );
    assert_eq!(o.json["error"], "States.DataLimitExceeded", "{}", o.json);
    assert!(
        o.json["cause"]
            .as_str()
            .unwrap()
            .contains("262144 bytes for one Assign"),
        "{}",
        o.json["cause"]
    );
}

#[test]
fn the_variables_of_an_execution_total_at_most_10_mib() {
    // 45 states each store another 240 KB variable: 10.8 MB in all.
    let mut states = serde_json::Map::new();
    for i in 0..45 {
        let mut st = json!({"Type": "Pass", "Assign": {format!("v{i}"): "{% $pad('', 240000, 'x') %}"}, "Output": {}});
        if i < 44 {
            st["Next"] = json!(format!("S{}", i + 1));
        } else {
            st["End"] = json!(true);
        }
        states.insert(format!("S{i}"), st);
    }
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "S0", "States": states});
    let o = run("var-total", def, None, json!({}));
    assert_eq!(
        o.json["error"], "States.DataLimitExceeded",
        "{}",
        o.json["cause"]
    );
    assert!(
        o.json["cause"]
            .as_str()
            .unwrap()
            .contains("10485760 bytes per execution"),
        "{}",
        o.json["cause"]
    );
    // The failing state is the one that crossed the limit: 43 variables fit, the 44th does not.
    assert!(
        o.json["cause"].as_str().unwrap().contains("'S43'"),
        "{}",
        o.json["cause"]
    );
}

#[test]
fn map_iterations_count_towards_the_execution_total() {
    // Each iteration stores one 240 KB variable of its own and holds it for a minute: fine
    // alone, 10.8 MB together. (What finished iterations stored is stored no more.)
    let iteration = json!({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"v": "{% $pad('', 240000, 'x') %}"}, "Output": 0, "Next": "Hold"},
        "Hold": {"Type": "Wait", "Seconds": 60, "End": true}}});
    let def = |n: usize| {
        json!({"QueryLanguage": "JSONata", "StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Items": format!("{{% [1..{n}] %}}"),
            "ItemProcessor": iteration.clone(), "End": true}}})
    };
    let o = run("var-map", def(45), None, json!({}));
    assert_eq!(
        o.json["error"], "States.DataLimitExceeded",
        "{}",
        o.json["cause"]
    );
    assert!(
        o.json["cause"]
            .as_str()
            .unwrap()
            .contains("10485760 bytes per execution"),
        "{}",
        o.json["cause"]
    );
    let o = run("var-map-ok", def(40), None, json!({}));
    assert_eq!(o.json["status"], "SUCCEEDED", "{}", o.json["cause"]);
}

#[test]
fn a_variable_nested_too_deep_fails_like_deep_output() {
    let def = assign_machine(
        json!({"deep": "{% $reduce([1..250], function($acc, $i) { {'a': $acc} }, 0) %}"}),
    );
    let o = run("var-deep", def, None, json!({}));
    assert_eq!(o.json["status"], "FAILED", "{}", o.json);
    assert_eq!(o.json["error"], "States.Runtime");
    assert!(
        o.json["cause"]
            .as_str()
            .unwrap()
            .contains("nested deeper than 200 levels"),
        "{}",
        o.json["cause"]
    );
}

#[test]
fn a_catcher_whose_assign_is_too_large_fails_instead_of_catching_for_ever() {
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "Boom", "States": {
        "Boom": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "f"},
            "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"big": "{% $pad('', 300000, 'x') %}"}, "Next": "Done"}], "End": true},
        "Done": {"Type": "Succeed"}}});
    let mocks = json!({"StateMachines": {"catch-loop": {"TestCases": {"T": {"Boom": "Fail"}}}},
        "MockedResponses": {"Fail": {"0": {"Throw": {"Error": "Oops", "Cause": "x"}}}}});
    let o = run("catch-loop", def, Some(mocks), json!({}));
    assert_eq!(o.json["status"], "FAILED", "{}", o.json);
    assert_eq!(o.json["error"], "States.DataLimitExceeded");
}

// ---- the virtual clock ------------------------------------------------------------------

fn retrying(retrier: Value) -> Value {
    json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "Retry": [retrier], "End": true}}})
}

fn always_failing(machine: &str) -> Value {
    json!({"StateMachines": {machine: {"TestCases": {"T": {"Call": "Fail"}}}},
        "MockedResponses": {"Fail": {"0-99999999": {"Throw": {"Error": "Flaky", "Cause": "again"}}}}})
}

/// Every timestamp of the run lies within a year of its start and within what a JS Date shows.
fn assert_timed_out_after_a_year(o: &Outcome) {
    assert_eq!(o.json["status"], "TIMED_OUT", "{}", o.json["error"]);
    assert_eq!(o.json["error"], "States.Timeout");
    let history = o.json["history"].as_array().unwrap();
    let start = millis(&history[0]["timestamp"]);
    for e in history {
        let t = millis(&e["timestamp"]);
        assert!((start..=start + YEAR_MILLIS).contains(&t), "{e}");
    }
    let last = last_event(o);
    assert_eq!(last["type"], "ExecutionTimedOut");
    assert_eq!(millis(&last["timestamp"]), start + YEAR_MILLIS);
    assert!(
        last["executionTimedOutEventDetails"]["cause"]
            .as_str()
            .unwrap()
            .contains("maximum execution time of 1 year"),
        "{last}"
    );
}

#[test]
fn doubling_back_off_without_max_delay_ends_at_the_one_year_maximum() {
    let def = retrying(
        json!({"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 99999999, "BackoffRate": 2}),
    );
    let o = run(
        "retry-double",
        def,
        Some(always_failing("retry-double")),
        json!({}),
    );
    assert!(o.ok, "{}", o.stderr);
    assert_timed_out_after_a_year(&o);
}

#[test]
fn a_huge_backoff_rate_waits_the_longest_back_off_not_zero() {
    let def = retrying(
        json!({"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 1e300}),
    );
    let o = run(
        "retry-huge",
        def,
        Some(always_failing("retry-huge")),
        json!({}),
    );
    assert_timed_out_after_a_year(&o);
    // The first retry came after one second, the second never within the year.
    let scheduled: Vec<i64> = o.json["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "TaskScheduled")
        .map(|e| millis(&e["timestamp"]))
        .collect();
    assert_eq!(scheduled.len(), 2, "{scheduled:?}");
    assert_eq!(scheduled[1] - scheduled[0], 1000);
}

#[test]
fn wait_paths_out_of_range_fail_with_states_runtime() {
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}});
    for (s, says) in [
        (json!(1e300), "cannot be parsed as a long value"),
        (json!(100000000), "greater than the maximum of 99999999"),
    ] {
        let o = run("wait-path", def.clone(), None, json!({"s": s}));
        assert_eq!(o.json["status"], "FAILED", "{s}: {}", o.json);
        assert_eq!(o.json["error"], "States.Runtime");
        assert!(
            o.json["cause"].as_str().unwrap().contains(says),
            "{s}: {}",
            o.json["cause"]
        );
    }
    let jsonata = json!({"QueryLanguage": "JSONata", "StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "{% 1e300 %}", "End": true}}});
    let o = run("wait-expr", jsonata, None, json!({}));
    assert_eq!(o.json["error"], "States.QueryEvaluationError", "{}", o.json);
}

#[test]
fn the_longest_wait_ends_the_execution_at_the_one_year_maximum() {
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": true}}});
    let o = run("wait-long", def, None, json!({}));
    assert_timed_out_after_a_year(&o);
}

#[test]
fn timeout_paths_out_of_range_fail_instead_of_timing_out_at_once() {
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "TimeoutSecondsPath": "$.t", "End": true}}});
    let o = run("timeout-path", def, None, json!({"t": 1e300}));
    assert_eq!(o.json["status"], "FAILED", "{}", o.json);
    assert_eq!(o.json["error"], "States.Runtime");
    assert!(
        o.json["cause"]
            .as_str()
            .unwrap()
            .contains("at most 99999999 seconds"),
        "{}",
        o.json["cause"]
    );
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "f", "Payload": {"token.$": "$$.Task.Token"}}, "HeartbeatSecondsPath": "$.h", "End": true}}});
    let o = run("heartbeat-path", def, None, json!({"h": 100000000}));
    assert_eq!(o.json["error"], "States.Runtime", "{}", o.json);
    assert!(
        o.json["cause"]
            .as_str()
            .unwrap()
            .contains("HeartbeatSeconds field must be at most"),
        "{}",
        o.json["cause"]
    );
}

#[test]
fn a_task_waiting_for_an_answer_is_not_timed_out_by_jumping_a_year_ahead() {
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "End": true}}});
    let o = run("outside", def, None, json!({}));
    assert_eq!(o.json["status"], "RUNNING", "{}", o.json);
    assert!(
        o.stderr.contains("waiting for the outside world"),
        "{}",
        o.stderr
    );
}

// ---- mocks ------------------------------------------------------------------------------

#[test]
fn wide_and_shared_mock_ranges_load_without_expanding() {
    // Thousands of ranges, each a hundred million invocations wide, named by a thousand states:
    // once this expanded every invocation (3 GB and more); now it is read as written.
    let mut ranges = serde_json::Map::new();
    for i in 0..5000u64 {
        let from = i * 100_000_000;
        ranges.insert(
            format!("{from}-{}", from + 99_999_999),
            json!({"Return": {"range": i}}),
        );
    }
    let mut case = serde_json::Map::new();
    for i in 0..1000 {
        case.insert(format!("Unused{i}"), json!("Wide"));
    }
    case.insert("Call".into(), json!("Wide"));
    let mocks = json!({"StateMachines": {"mock-wide": {"TestCases": {"T": case}}}, "MockedResponses": {"Wide": ranges}});
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f"}, "End": true}}});
    let started = std::time::Instant::now();
    let o = run("mock-wide", def, Some(mocks), json!({}));
    assert_eq!(o.json["status"], "SUCCEEDED", "{} {}", o.json, o.stderr);
    assert_eq!(o.json["output"], json!({"range": 0}));
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn too_large_a_mock_config_is_refused_with_a_clear_error() {
    let mut ranges = serde_json::Map::new();
    for i in 0..20_000 {
        ranges.insert(i.to_string(), json!({"Return": i}));
    }
    let mocks = json!({"StateMachines": {"mock-big": {"TestCases": {"T": {"Call": "R"}}}}, "MockedResponses": {"R": ranges}});
    let def = json!({"StartAt": "Call", "States": {"Call": {"Type": "Pass", "End": true}}});
    let o = run("mock-big", def, Some(mocks), json!({}));
    assert!(!o.ok);
    assert!(
        o.stderr.contains("the mock config is too large"),
        "{}",
        o.stderr
    );
}

// ---- export -----------------------------------------------------------------------------

fn export(name: &str, states: Value) -> (Value, String) {
    let def = json!({"StartAt": "A", "States": states});
    let ws = file(
        name,
        &json!({"version": 1, "machines": [{"name": "Wild", "definition": def.to_string()}]}),
    );
    let out = stepwise(&["export", "--json", ws.to_str().unwrap()]);
    assert!(out.ok, "{}", out.stderr);
    assert!(out.json.is_object(), "template JSON: {}", out.stdout);
    (out.json, out.stderr)
}

fn statements(template: &Value) -> Vec<Value> {
    template["Resources"]["WildRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn task(resource: &str, params: Value) -> Value {
    json!({"Type": "Task", "Resource": resource, "Parameters": params, "End": true})
}

#[test]
fn export_never_grants_a_wildcard_from_a_definition_value_silently() {
    let cases = [
        (
            "lambda",
            task(
                "arn:aws:states:::lambda:invoke",
                json!({"FunctionName": "*"}),
            ),
            "FunctionName",
        ),
        (
            "sqs",
            task(
                "arn:aws:states:::sqs:sendMessage",
                json!({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/*", "MessageBody": "x"}),
            ),
            "QueueUrl",
        ),
        (
            "sns",
            task(
                "arn:aws:states:::sns:publish",
                json!({"TopicArn": "arn:aws:sns:us-east-1:123456789012:*", "Message": "x"}),
            ),
            "TopicArn",
        ),
        (
            "dynamodb",
            task(
                "arn:aws:states:::dynamodb:getItem",
                json!({"TableName": "*", "Key": {}}),
            ),
            "TableName",
        ),
        (
            "s3",
            task(
                "arn:aws:states:::aws-sdk:s3:getObject",
                json!({"Bucket": "*", "Key": "*"}),
            ),
            "Bucket",
        ),
        (
            "role",
            {
                let mut t = task(
                    "arn:aws:states:::lambda:invoke",
                    json!({"FunctionName": "f"}),
                );
                t["Credentials"] = json!({"RoleArn": "*"});
                t
            },
            "Credentials.RoleArn",
        ),
    ];
    for (name, state, field) in cases {
        let (template, stderr) = export(&format!("export-{name}"), json!({"A": state}));
        assert!(
            stderr.contains("IAM wildcard") && stderr.contains(field),
            "{name}: {stderr}"
        );
        for st in statements(&template) {
            let text = st.to_string();
            // A grant whose resource is a wildcard is always a marked one.
            if text.contains("\"*\"") || text.contains(":*\"") || text.contains("/*\"") {
                assert!(
                    st["Sid"]
                        .as_str()
                        .is_some_and(|s| s.starts_with("TodoReviewPermissions")),
                    "{name}: unmarked {st}"
                );
            }
        }
    }
}

#[test]
fn export_refuses_an_sdk_wildcard_integration() {
    let (template, stderr) = export(
        "export-sdk",
        json!({"A": task("arn:aws:states:::aws-sdk:*:*", json!({}))}),
    );
    assert!(stderr.contains("IAM wildcard"), "{stderr}");
    for st in statements(&template) {
        assert!(!st["Action"].to_string().contains("*:*"), "{st}");
    }
}

#[test]
fn dollar_braces_from_a_definition_stay_literal_in_fn_sub() {
    let (template, _) = export(
        "export-sub",
        json!({"A": task("arn:aws:states:::lambda:invoke", json!({"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:${Evil.Arn}"}))}),
    );
    let subs: Vec<String> = statements(&template)
        .iter()
        .flat_map(|st| st["Resource"].as_array().cloned().unwrap_or_default())
        .filter_map(|r| r["Fn::Sub"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        subs,
        ["arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${!Evil.Arn}"]
    );
}
