//! Redrive through the JS API: `redriveExecution`, the redrive fields of `describeExecution` and
//! `listExecutions`, AWS's error names.

use super::*;
use serde_json::json;
use stepwise_wasm::Stepwise;
use wasm_bindgen_test::wasm_bindgen_test;

/// A machine whose Task fails on its first call and succeeds on the next (a mock per execution).
fn failing_once(sw: &mut Stepwise) -> String {
    let m = machine(
        sw,
        "Flaky",
        json!({"StartAt": "Prep", "States": {
            "Prep": {"Type": "Pass", "Result": {"n": 1}, "Next": "Call"},
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Parameters": {"FunctionName": "f", "Payload.$": "$"},
                     "ResultSelector": {"p.$": "$.Payload", "redrives.$": "$$.Execution.RedriveCount"},
                     "End": true}}}),
    );
    sw.set_mock_config(js(json!({
        "StateMachines": {"Flaky": {"TestCases": {"Default": {"Call": "Flaky"}}}},
        "MockedResponses": {"Flaky": {
            "0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "down"}},
            "1": {"Return": {"Payload": "up"}}}}})))
        .unwrap();
    m
}

#[wasm_bindgen_test]
fn a_failed_execution_is_redriven_from_its_failed_state() {
    let mut sw = engine();
    let m = failing_once(&mut sw);
    let arn = start(&mut sw, &m, json!({}));
    run(&mut sw);
    let d = describe_execution(&sw, &arn);
    assert_eq!(d["status"], json!("FAILED"));
    assert_eq!(
        (&d["redriveCount"], &d["redriveStatus"]),
        (&json!(0), &json!("REDRIVABLE"))
    );
    sw.advance_clock(60_000.0).unwrap();
    let answer = ok(sw.redrive_execution(js(json!({"executionArn": arn}))));
    assert_eq!(answer, json!({"redriveDate": "2025-01-01T00:01:00.000Z"}));
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
    assert_eq!(output(&sw, &arn), json!({"p": "up", "redrives": 1}));
    let types = event_types(&sw, &arn);
    let at = types.iter().position(|t| t == "ExecutionRedriven").unwrap();
    assert_eq!(
        &types[at..],
        [
            "ExecutionRedriven",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(types.iter().filter(|t| *t == "PassStateEntered").count(), 1);
    let h = ok(sw.get_execution_history(js(json!({"executionArn": arn}))));
    assert_eq!(
        h["events"][at]["executionRedrivenEventDetails"],
        json!({"redriveCount": 1})
    );
    let d = describe_execution(&sw, &arn);
    assert_eq!(d["redriveCount"], json!(1));
    assert_eq!(d["redriveDate"], json!("2025-01-01T00:01:00.000Z"));
    assert_eq!(d["redriveStatus"], json!("NOT_REDRIVABLE"));
    assert_eq!(
        d["redriveStatusReason"],
        json!("Execution is SUCCEEDED and cannot be redriven")
    );
    let listed = ok(sw.list_executions(obj(json!({"redriveFilter": "REDRIVEN"}))));
    assert_eq!(listed["executions"][0]["executionArn"], json!(arn));
    assert_eq!(listed["executions"][0]["redriveCount"], json!(1));
    let listed = ok(sw.list_executions(obj(json!({"redriveFilter": "NOT_REDRIVEN"}))));
    assert_eq!(listed, json!({"executions": []}));
}

#[wasm_bindgen_test]
fn redrive_errors_have_aws_names() {
    let mut sw = engine();
    let m = failing_once(&mut sw);
    let arn = start(&mut sw, &m, json!({}));
    let e = thrown(sw.redrive_execution(js(json!({"executionArn": arn}))));
    assert_eq!(String::from(e.name()), "ExecutionNotRedrivable");
    assert_eq!(
        String::from(e.message()),
        "Execution is RUNNING and cannot be redriven"
    );
    run(&mut sw);
    // Past the 14-day redrivable period.
    sw.advance_clock(14.0 * 86_400_000.0 + 1.0).unwrap();
    let e = thrown(sw.redrive_execution(js(json!({"executionArn": arn}))));
    assert_eq!(String::from(e.name()), "ExecutionNotRedrivable");
    assert_eq!(
        String::from(e.message()),
        "Execution redrivable period exceeded"
    );
    assert_eq!(
        err_name(sw.redrive_execution(js(json!({"executionArn": format!("{arn}-nope")})))),
        "ExecutionDoesNotExist"
    );
    assert_eq!(
        err_name(sw.redrive_execution(js(json!({"executionArn": m})))),
        "InvalidArn"
    );
    assert_eq!(
        err_name(sw.redrive_execution(js(json!({"executionArn": arn, "clientToken": ""})))),
        "ValidationException"
    );
    assert_eq!(
        err_name(sw.redrive_execution(js(json!({})))),
        "ValidationException"
    );
    assert_eq!(
        err_name(sw.list_executions(obj(json!({"redriveFilter": "SOMETIMES"})))),
        "ValidationException"
    );
}

#[wasm_bindgen_test]
fn a_client_token_makes_a_redrive_idempotent() {
    let mut sw = engine();
    let m = machine(
        &mut sw,
        "Fails",
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}),
    );
    let arn = start(&mut sw, &m, json!({}));
    run(&mut sw);
    let req = json!({"executionArn": arn, "clientToken": "retry-1"});
    let first = ok(sw.redrive_execution(js(req.clone())));
    run(&mut sw);
    sw.advance_clock(1000.0).unwrap();
    assert_eq!(ok(sw.redrive_execution(js(req))), first);
    assert_eq!(describe_execution(&sw, &arn)["redriveCount"], json!(1));
}

#[wasm_bindgen_test]
fn a_redriven_parent_starts_a_new_child_and_the_tree_shows_both() {
    let mut sw = engine();
    let child = failing_once(&mut sw);
    let parent = machine(
        &mut sw,
        "Parent",
        json!({"StartAt": "CallChild", "States": {"CallChild": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": child, "Input": {
                "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
            "OutputPath": "$.Output", "End": true}}}),
    );
    let p = start(&mut sw, &parent, json!({}));
    run(&mut sw);
    assert_eq!(describe_execution(&sw, &p)["status"], json!("FAILED"));
    ok(sw.redrive_execution(js(json!({"executionArn": p}))));
    run(&mut sw);
    // The mock counts per execution: the new child's first call fails again...
    assert_eq!(describe_execution(&sw, &p)["status"], json!("FAILED"));
    let tree = ok(sw.execution_tree());
    let kids = tree["executions"][0]["children"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(kids.len(), 2, "{tree}");
    // ...while the first child, redriven on its own, makes its second call and succeeds.
    let first = kids[0]["executionArn"].as_str().unwrap().to_owned();
    ok(sw.redrive_execution(js(json!({"executionArn": first}))));
    run(&mut sw);
    assert_eq!(output(&sw, &first), json!({"p": "up", "redrives": 1}));
    assert_eq!(
        describe_execution(&sw, &first)["parentExecutionArn"],
        json!(p)
    );
    assert_eq!(describe_execution(&sw, &p)["status"], json!("FAILED"));
}
