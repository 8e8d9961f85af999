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
        // A parsed Payload, as executions record it: AWS's default STRICT check wants Lambda's
        // blob as text, so this mock skips the check.
        "mock": {"result": "{\"Payload\": {\"price\": 12}}", "fieldValidationMode": "NONE"}
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

#[wasm_bindgen_test]
fn a_map_runs_with_a_mocked_result_and_reports_its_own_stages() {
    let sw = engine();
    let request = |failures: u32| {
        js(json!({
            "definition": {
                "Type": "Map", "ItemsPath": "$.xs", "MaxConcurrency": 3, "ToleratedFailureCount": 0,
                "ItemSelector": {"x.$": "$$.Map.Item.Value", "by.$": "$$.Execution.Name"},
                "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}],
                "Next": "Sum"
            },
            "input": {"xs": [1, 2]},
            "inspectionLevel": "DEBUG",
            "mock": {"result": [10, 20]},
            "stateConfiguration": {"mapIterationFailureCount": failures}
        }))
    };
    let out = ok(sw.test_state(request(0)));
    assert_eq!(out["status"], "SUCCEEDED", "{out}");
    assert_eq!(
        (out["output"].clone(), out["nextState"].clone()),
        (json!("[10,20]"), json!("Sum"))
    );
    let data = &out["inspectionData"];
    assert_eq!(data["afterItemsPath"], "[1,2]");
    assert_eq!(
        data["afterItemSelector"],
        "[{\"x\":1,\"by\":\"test-state\"},{\"x\":2,\"by\":\"test-state\"}]"
    );
    assert_eq!(
        (
            data["maxConcurrency"].clone(),
            data["toleratedFailureCount"].clone()
        ),
        (json!(3), json!(0))
    );
    let out = ok(sw.test_state(request(1)));
    assert_eq!(out["status"], "CAUGHT_ERROR");
    assert_eq!(out["error"], "States.ExceedToleratedFailureThreshold");
    assert_eq!(out["nextState"], "Recover");
}

#[wasm_bindgen_test]
fn parallel_states_and_refusals_use_aws_words() {
    let sw = engine();
    let branch = |n: &str| json!({"StartAt": n, "States": {n: {"Type": "Pass", "End": true}}});
    let parallel = json!({"Type": "Parallel", "Branches": [branch("A"), branch("B")], "End": true});
    let out = ok(sw.test_state(js(
        json!({"definition": parallel, "mock": {"result": "[1, 2]"}}),
    )));
    assert_eq!(out, json!({"output": "[1,2]", "status": "SUCCEEDED"}));
    let cases = [
        (
            json!({"definition": parallel}),
            "InvalidDefinition",
            "TestState API does not support Map or Parallel states",
        ),
        (
            json!({"definition": parallel, "mock": {"result": "[1]"}}),
            "ValidationException",
            "Mocked result must contain the same number of items",
        ),
        (
            json!({"definition": {"Type": "Pass", "End": true}, "mock": {"result": "{}"}}),
            "ValidationException",
            "State type 'Pass' is not supported when a mock is specified",
        ),
    ];
    for (request, name, message) in cases {
        let e = thrown(sw.test_state(js(request.clone())));
        let text = String::from(e.message());
        assert_eq!(String::from(e.name()), name, "{request}");
        assert!(text.contains(message), "{request}: {text}");
    }
}

#[wasm_bindgen_test]
fn the_context_is_what_the_state_sees_as_given() {
    let sw = engine();
    let context = json!({
        "Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:M:run-7",
                      "Name": "run-7", "Input": {"tier": "gold"}},
        "State": {"Name": "Quote", "RetryCount": 2}
    });
    let def = json!({
        "Type": "Task", "Resource": LAMBDA,
        "Parameters": {"FunctionName": "price", "Payload": {"run.$": "$$.Execution.Name"}},
        "ResultSelector": {"ctx.$": "$$", "attempt.$": "$$.State.RetryCount"},
        "End": true
    });
    // As an object (encoded for the caller) and as JSON text: the same answer.
    for given in [context.clone(), json!(context.to_string())] {
        let out = ok(sw.test_state(js(json!({
            "definition": def, "inspectionLevel": "DEBUG", "context": given,
            "mock": {"result": "{\"StatusCode\": 200}"}
        }))));
        assert_eq!(out["status"], "SUCCEEDED");
        let output: serde_json::Value =
            serde_json::from_str(out["output"].as_str().unwrap()).unwrap();
        assert_eq!(output, json!({"ctx": context, "attempt": 2}));
        assert_eq!(
            out["inspectionData"]["afterParameters"],
            "{\"FunctionName\":\"price\",\"Payload\":{\"run\":\"run-7\"}}"
        );
    }
    // Refusals, in AWS's words where AWS recorded them.
    for (context, message) in [
        (json!({"Map": {}}), "Invalid Context object provided: 'Map' field is not supported when mocking a Context object"),
        (json!({"Execution": {"Id": 1}}), "Invalid Context object provided: Execution.Id must be a string"),
        (json!({"Pokedex": {}}), "Invalid Context object provided: Field 'Pokedex' is not allowed"),
        (json!("{not json"), "Invalid Context object provided: "),
        (json!([1, 2]), "Invalid Context object provided: the context object must be a JSON object"),
    ] {
        let e = thrown(sw.test_state(js(json!({
            "definition": def, "context": context, "mock": {"result": "{}"}
        }))));
        assert_eq!(String::from(e.name()), "ValidationException", "{context}");
        assert!(String::from(e.message()).starts_with(message), "{context}: {}", String::from(e.message()));
    }
    let e = thrown(sw.test_state(js(json!({
        "definition": {"Type": "Pass", "End": true}, "context": {}
    }))));
    assert!(String::from(e.message()).contains("only when a mock is specified"));
}

#[wasm_bindgen_test]
fn field_validation_modes_check_the_mocked_result() {
    let sw = engine();
    let def = json!({
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child"},
        "End": true
    });
    let request = |result: serde_json::Value, mode: Option<&str>| {
        let mut mock = json!({"result": result.to_string()});
        if let Some(m) = mode {
            mock["fieldValidationMode"] = json!(m);
        }
        js(json!({"definition": def, "mock": mock}))
    };
    let message = |r| String::from(thrown(r).message());
    assert_eq!(
        message(sw.test_state(request(json!({}), None))),
        "Mock result schema validation error: Required field 'ExecutionArn' is missing"
    );
    let out = ok(sw.test_state(request(json!({}), Some("PRESENT"))));
    assert_eq!(out["status"], "SUCCEEDED");
    let number_date = json!({"ExecutionArn": "arn:x", "StartDate": 1764103483});
    assert_eq!(
        message(sw.test_state(request(number_date.clone(), Some("PRESENT")))),
        "Mock result schema validation error: Field 'StartDate' must be a string"
    );
    let out = ok(sw.test_state(request(number_date, Some("NONE"))));
    assert_eq!(
        out["output"],
        "{\"ExecutionArn\":\"arn:x\",\"StartDate\":1764103483}"
    );
    for bad in [json!("LENIENT"), json!(3)] {
        let e = thrown(sw.test_state(js(json!({
            "definition": def, "mock": {"result": "{}", "fieldValidationMode": bad}
        }))));
        assert_eq!(String::from(e.name()), "ValidationException");
        assert!(
            String::from(e.message()).ends_with(
                "at 'mock.fieldValidationMode' failed to satisfy constraint: Member must satisfy \
                 enum value set: [STRICT, PRESENT, NONE]"
            ),
            "{bad}"
        );
    }
}
