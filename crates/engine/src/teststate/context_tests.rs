//! TestState's `context` and `mock.fieldValidationMode` through a whole run: the cases AWS
//! recorded (the context used as given, `$$` and `$states.context`, a Map's items read from it,
//! a token task's token) and the refusals.

use super::*;
use crate::EngineConfig;
use stepwise_json::json;

fn run(req: &TestStateRequest) -> Result<TestStateResponse, ApiError> {
    Engine::new(EngineConfig::default()).test_state(req)
}

fn request(definition: Value, input: Value, result: Value, context: &str) -> TestStateRequest {
    TestStateRequest {
        definition: definition.to_json_text().to_string(),
        input: Some(input.to_json_text().to_string()),
        inspection_level: InspectionLevel::Debug,
        mock: Some(MockInput {
            result: Some(result.to_json_text().to_string()),
            ..MockInput::default()
        }),
        context: Some(context.into()),
        ..TestStateRequest::default()
    }
}

fn output(r: &TestStateResponse) -> serde_json::Value {
    serde_json::from_str(r.output.as_deref().expect("an output")).expect("JSON")
}

/// AWS's recorded context: the object comes back exactly as given in `$$`.
const FULL: &str = r#"{"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:M:e-1",
    "Input": {"values": ["charizard", "pikachu"]}, "Name": "e-1",
    "RoleArn": "arn:aws:iam::123456789012:role/R", "StartTime": "2025-01-15T10:30:00.000Z"},
  "State": {"EnteredTime": "2025-01-15T10:30:01.500Z", "Name": "MyTaskState", "RetryCount": 0},
  "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:M", "Name": "M"}}"#;

fn reads_context(path: &str) -> Value {
    json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName.$": "$.FunctionName", "Payload": {"Input.$": "$"}},
        "ResultSelector": {"ContextObjectValue.$": path, "LambdaOutput.$": "$"},
        "End": true
    })
}

#[test]
fn the_given_context_is_the_states_context_object_as_it_is() {
    let input = json!({"FunctionName": "f"});
    let result = json!({"pokemon": ["charizard"]});
    for (path, context, want) in [
        ("$$", FULL, serde_json::from_str(FULL).unwrap()),
        (
            "$$.Execution.Input.values",
            FULL,
            serde_json::json!(["charizard", "pikachu"]),
        ),
        ("$$", "{}", serde_json::json!({})),
        (
            "$$",
            r#"{"Execution": {}, "State": {}, "StateMachine": {}}"#,
            serde_json::json!({"Execution": {}, "State": {}, "StateMachine": {}}),
        ),
    ] {
        let req = request(reads_context(path), input.clone(), result.clone(), context);
        let r = run(&req).unwrap();
        assert_eq!(r.status, TestStatus::Succeeded, "{path} {context}");
        assert_eq!(
            output(&r),
            serde_json::json!({"ContextObjectValue": want, "LambdaOutput": {"pokemon": ["charizard"]}}),
            "{path} {context}"
        );
    }
}

#[test]
fn jsonata_reads_it_as_states_context() {
    let def = json!({
        "Type": "Task",
        "QueryLanguage": "JSONata",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f", "Payload": "{% $states.context.Execution.Name %}"},
        "Output": "{% $states.context.State.RetryCount & ':' & $states.result.StatusCode %}",
        "End": true
    });
    let req = request(def, json!({}), json!({"StatusCode": 200}), FULL);
    let r = run(&req).unwrap();
    assert_eq!(output(&r), serde_json::json!("0:200"));
    let args = r.inspection_data.unwrap().after_arguments.unwrap();
    assert_eq!(args, r#"{"FunctionName":"f","Payload":"e-1"}"#);
}

#[test]
fn a_map_reads_its_items_from_the_context_and_still_numbers_them() {
    let def = json!({
        "Type": "Map",
        "ItemsPath": "$$.Execution.Input.values",
        "ItemSelector": {"at.$": "$$.Map.Item.Index", "name.$": "$$.Map.Item.Value",
                          "run.$": "$$.Execution.Name"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true
    });
    let req = request(def, json!(["fire", "grass"]), json!(["A", "B"]), FULL);
    let r = run(&req).unwrap();
    assert_eq!(r.status, TestStatus::Succeeded);
    let map = r.inspection_data.unwrap().map.unwrap();
    assert_eq!(
        map.after_items_path.unwrap(),
        json!(["charizard", "pikachu"])
    );
    assert_eq!(
        map.after_item_selector.unwrap(),
        json!([{"at": 0, "name": "charizard", "run": "e-1"},
               {"at": 1, "name": "pikachu", "run": "e-1"}])
    );
}

#[test]
fn a_token_task_sees_the_given_token() {
    let def = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"TaskToken.$": "$$.Task.Token"}},
        "ResultPath": null,
        "Next": "Done"
    });
    let req = request(
        def,
        json!({}),
        json!({"ok": true}),
        r#"{"Task": {"Token": "abcd123"}}"#,
    );
    let r = run(&req).unwrap();
    assert_eq!(r.next_state.as_deref(), Some("Done"));
    let params = r.inspection_data.unwrap().after_parameters.unwrap();
    assert_eq!(
        params,
        r#"{"QueueUrl":"q","MessageBody":{"TaskToken":"abcd123"}}"#
    );
}

#[test]
fn refusals_come_before_anything_runs() {
    let lambda = reads_context("$$");
    let input = json!({"FunctionName": "f"});
    let refused = |req: &TestStateRequest| run(req).unwrap_err();
    let e = refused(&request(lambda.clone(), input.clone(), json!({}), "{nope"));
    assert_eq!(e.name, names::VALIDATION);
    assert!(e.message.starts_with("Invalid Context object provided: "));
    let mut unmocked = request(
        json!({"Type": "Pass", "End": true}),
        json!({}),
        json!({}),
        "{}",
    );
    unmocked.mock = None;
    assert!(refused(&unmocked).message.contains("only when a mock"));
    // A Pass refuses the mock first, as AWS's recorded answer does.
    let mut pass = unmocked.clone();
    pass.mock = request(lambda.clone(), json!({}), json!({}), "{}").mock;
    assert_eq!(
        refused(&pass).message,
        "State type 'Pass' is not supported when a mock is specified"
    );
    let e = refused(&request(lambda, input, json!({}), r#"{"Map": {}}"#));
    assert!(e.message.contains("'Map' field is not supported"));
}

#[test]
fn field_validation_modes_through_a_run() {
    let def = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::states:startExecution",
        "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:T"},
        "ResultPath": "$.started",
        "End": true
    });
    let mut req = request(def, json!({}), json!({}), "");
    let e = run(&req).unwrap_err();
    assert_eq!(e.name, names::VALIDATION);
    assert_eq!(
        e.message,
        "Mock result schema validation error: Required field 'ExecutionArn' is missing"
    );
    req.mock.as_mut().unwrap().field_validation_mode = FieldValidationMode::Present;
    assert_eq!(
        output(&run(&req).unwrap()),
        serde_json::json!({"started": {}})
    );
    req.mock.as_mut().unwrap().result = Some(r#"{"ExecutionArn": "e", "StartDate": true}"#.into());
    assert_eq!(
        run(&req).unwrap_err().message,
        "Mock result schema validation error: Field 'StartDate' must be a string"
    );
    req.mock.as_mut().unwrap().field_validation_mode = FieldValidationMode::None;
    assert_eq!(
        output(&run(&req).unwrap()),
        serde_json::json!({"started": {"ExecutionArn": "e", "StartDate": true}})
    );
    // An error mock has no result to check; the mode does not matter.
    let m = req.mock.as_mut().unwrap();
    m.result = None;
    m.field_validation_mode = FieldValidationMode::Strict;
    m.error_output = Some(MockErrorOutput {
        error: Some("States.TaskFailed".into()),
        cause: None,
    });
    assert_eq!(run(&req).unwrap().status, TestStatus::Failed);
}
