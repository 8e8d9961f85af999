//! `validateStateMachineDefinition` and `createStateMachine` are one checker: on definitions
//! where they used to disagree (a retrier's non-string `Comment`, `ResultPath: "$$.x"`, an
//! intrinsic as a Fail's `ErrorPath`) and on what AWS refuses or accepts (issue 17), both give the
//! same verdict, and a machine that is created runs.

use super::*;
use serde_json::json;
use stepwise_wasm::validate_state_machine_definition;
use wasm_bindgen_test::wasm_bindgen_test;

fn machine_of(states: Value) -> Value {
    json!({"StartAt": "A", "States": states})
}

/// (what, definition, whether AWS creates it)
fn table() -> Vec<(&'static str, Value, bool)> {
    let lambda = "arn:aws:states:::lambda:invoke";
    vec![
        (
            "retrier Comment not a string",
            machine_of(
                json!({"A": {"Type": "Task", "Resource": lambda, "Retry": [{"ErrorEquals": ["States.ALL"], "Comment": 7}], "End": true}}),
            ),
            false,
        ),
        (
            "ResultPath into the context object",
            machine_of(json!({"A": {"Type": "Pass", "ResultPath": "$$.x", "End": true}})),
            false,
        ),
        (
            "ResultPath into a variable",
            machine_of(json!({"A": {"Type": "Pass", "ResultPath": "$v", "End": true}})),
            false,
        ),
        (
            "Resource left from a template",
            machine_of(json!({"A": {"Type": "Task", "Resource": "${lambdaArn", "End": true}})),
            false,
        ),
        (
            "Map with Parameters and ItemSelector",
            machine_of(
                json!({"A": {"Type": "Map", "Parameters": {}, "ItemSelector": {},
                "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, "End": true}}),
            ),
            false,
        ),
        (
            "Parameters that are a string",
            machine_of(json!({"A": {"Type": "Pass", "Parameters": "as written", "End": true}})),
            true,
        ),
        (
            "intrinsic as ErrorPath",
            machine_of(
                json!({"A": {"Type": "Fail", "ErrorPath": "States.Format('E{}', $.code)", "Cause": "c"}}),
            ),
            true,
        ),
        (
            "filter with an unquoted word",
            machine_of(
                json!({"A": {"Type": "Pass", "InputPath": "$.t[?(@.lang==es)]", "End": true}}),
            ),
            true,
        ),
    ]
}

#[wasm_bindgen_test]
fn validate_and_create_give_the_same_verdict() {
    let mut sw = engine();
    for (i, (what, def, creatable)) in table().into_iter().enumerate() {
        let answer = ok(validate_state_machine_definition(js(
            json!({"definition": def.to_string()}),
        )));
        let validates = answer["result"] == "OK";
        assert_eq!(validates, creatable, "{what}: {answer}");
        let created = sw.create_state_machine(js(
            json!({"name": format!("M{i}"), "definition": def.to_string()}),
        ));
        match created {
            Ok(_) => assert!(validates, "{what}: created, but validation said {answer}"),
            Err(e) => {
                assert!(!validates, "{what}: validation said OK, creation refused");
                assert_eq!(err_name(Err::<(), _>(e)), "InvalidDefinition", "{what}");
            }
        }
    }
}

#[wasm_bindgen_test]
fn a_fail_state_formats_its_error_with_an_intrinsic() {
    let mut sw = engine();
    let def = machine_of(
        json!({"A": {"Type": "Fail", "ErrorPath": "States.Format('Order{}Failed', $.id)",
        "CausePath": "States.Format('{} in {}', $.why, $$.State.Name)"}}),
    );
    let m = machine(&mut sw, "Formats", def);
    let e = start(&mut sw, &m, json!({"id": 42, "why": "out of stock"}));
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
    let d = describe_execution(&sw, &e);
    assert_eq!(
        (
            d["status"].as_str(),
            d["error"].as_str(),
            d["cause"].as_str()
        ),
        (
            Some("FAILED"),
            Some("Order42Failed"),
            Some("out of stock in A")
        )
    );
}
