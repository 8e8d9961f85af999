//! `testState`: AWS's request and response shape over JS objects (definitions and inputs as
//! text or as objects), each status, inspection levels, and the exceptions it throws.

use super::*;
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

#[wasm_bindgen_test]
fn a_task_with_a_mocked_result_shows_every_stage_at_debug() {
    let sw = engine();
    let out = ok(sw.test_state(js(json!({
        "definition": {
            "Type": "Task", "Resource": LAMBDA,
            "InputPath": "$.order",
            "Parameters": {"FunctionName": "price", "Payload.$": "$"},
            "ResultSelector": {"price.$": "$.Payload.price"},
            "ResultPath": "$.quote",
            "Next": "Charge"
        },
        "roleArn": "arn:aws:iam::123456789012:role/Tester",
        "input": "{\"order\": {\"sku\": \"A1\"}}",
        "inspectionLevel": "DEBUG",
        "mock": {"result": "{\"Payload\": {\"price\": 12}}"}
    }))));
    assert_eq!(
        out,
        json!({
            "output": "{\"order\":{\"sku\":\"A1\"},\"quote\":{\"price\":12}}",
            "inspectionData": {
                "input": "{\"order\":{\"sku\":\"A1\"}}",
                "afterInputPath": "{\"sku\":\"A1\"}",
                "afterParameters": "{\"FunctionName\":\"price\",\"Payload\":{\"sku\":\"A1\"}}",
                "result": "{\"Payload\":{\"price\":12}}",
                "afterResultSelector": "{\"price\":12}",
                "afterResultPath": "{\"order\":{\"sku\":\"A1\"},\"quote\":{\"price\":12}}"
            },
            "nextState": "Charge",
            "status": "SUCCEEDED"
        })
    );
}

#[wasm_bindgen_test]
fn info_is_the_default_and_shows_no_inspection_data() {
    let sw = engine();
    let out = ok(sw.test_state(js(json!({
        "definition": "{\"Type\": \"Pass\", \"Result\": {\"x\": 1}, \"End\": true}"
    }))));
    assert_eq!(out, json!({"output": "{\"x\":1}", "status": "SUCCEEDED"}));
}

#[wasm_bindgen_test]
fn mocked_errors_are_retriable_caught_or_failed() {
    let sw = engine();
    let def = json!({
        "Type": "Task", "Resource": LAMBDA,
        "Retry": [{"ErrorEquals": ["Busy"], "IntervalSeconds": 3, "MaxAttempts": 1}],
        "Catch": [{"ErrorEquals": ["Busy"], "ResultPath": "$.error", "Next": "Later"}],
        "End": true
    });
    let request = |error: &str, retries: u32| {
        js(json!({
            "definition": def, "input": {"id": 1}, "inspectionLevel": "DEBUG",
            "mock": {"errorOutput": {"error": error, "cause": "try later"}},
            "stateConfiguration": {"retrierRetryCount": retries}
        }))
    };
    let out = ok(sw.test_state(request("Busy", 0)));
    assert_eq!(out["status"], "RETRIABLE");
    assert_eq!(out["error"], "Busy");
    assert_eq!(out["cause"], "try later");
    assert_eq!(
        out["inspectionData"]["errorDetails"],
        json!({"retryIndex": 0, "retryBackoffIntervalSeconds": 3})
    );

    let out = ok(sw.test_state(request("Busy", 1)));
    assert_eq!(out["status"], "CAUGHT_ERROR");
    assert_eq!(out["nextState"], "Later");
    assert_eq!(
        out["output"],
        "{\"id\":1,\"error\":{\"Error\":\"Busy\",\"Cause\":\"try later\"}}"
    );
    assert_eq!(
        out["inspectionData"]["errorDetails"],
        json!({"catchIndex": 0})
    );

    let out = ok(sw.test_state(request("Broken", 0)));
    assert_eq!(out["status"], "FAILED");
    assert_eq!(out["error"], "Broken");
    assert!(
        out.get("output").is_none() && out.get("nextState").is_none(),
        "{out}"
    );
}

#[wasm_bindgen_test]
fn jsonata_states_report_arguments_and_variables() {
    let sw = engine();
    let out = ok(sw.test_state(js(json!({
        "definition": {
            "Type": "Task", "QueryLanguage": "JSONata", "Resource": LAMBDA,
            "Arguments": {"Payload": "{% $states.input.n * $factor %}"},
            "Assign": {"got": "{% $states.result %}"},
            "Output": "{% $states.result + 1 %}",
            "End": true
        },
        "input": {"n": 4},
        "variables": {"factor": 10},
        "inspectionLevel": "TRACE",
        "mock": {"result": "40", "fieldValidationMode": "NONE"}
    }))));
    assert_eq!(out["status"], "SUCCEEDED");
    assert_eq!(out["output"], "41");
    let data = &out["inspectionData"];
    assert_eq!(data["afterArguments"], "{\"Payload\":40}");
    assert!(
        data.get("afterParameters").is_none() && data.get("request").is_none(),
        "{data}"
    );
    assert_eq!(data["variables"], "{\"factor\":10,\"got\":40}");
}

#[wasm_bindgen_test]
fn bad_requests_throw_aws_exceptions() {
    let sw = engine();
    let pass = json!({"Type": "Pass", "End": true});
    let cases = [
        (json!({"definition": "{\"Type\": "}), "InvalidDefinition"),
        (json!({"definition": {"Type": "Pass"}}), "InvalidDefinition"),
        (
            json!({"definition": pass, "input": "{nope"}),
            "InvalidExecutionInput",
        ),
        (
            json!({"definition": pass, "inspectionLevel": "VERBOSE"}),
            "ValidationException",
        ),
        (
            json!({"definition": pass, "mock": {"result": "1"}}),
            "ValidationException",
        ),
        (json!({"definition": pass, "roleArn": "role"}), "InvalidArn"),
        (
            json!({"definition": {"Type": "Task", "Resource": LAMBDA, "End": true}}),
            "ValidationException",
        ),
        (
            json!({"definition": {"Type": "Task", "Resource": LAMBDA, "End": true}, "mock": {"result": "1"}, "stateConfiguration": {"retrierRetryCount": -1}}),
            "ValidationException",
        ),
        (json!({"input": "{}"}), "ValidationException"),
    ];
    for (request, name) in cases {
        assert_eq!(
            err_name(sw.test_state(js(request.clone()))),
            name,
            "{request}"
        );
    }
    assert_eq!(
        err_name(sw.test_state(JsValue::from_str("Pass"))),
        "ValidationException"
    );
    // Nothing was created or started.
    let listed = ok(sw.list_state_machines(None));
    assert_eq!(listed["stateMachines"], json!([]));
}
