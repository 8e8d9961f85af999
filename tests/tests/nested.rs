//! Step Functions starting Step Functions: the four integration patterns, errors, timeouts,
//! stop propagation, the parent link and the recursion guard.

use stepwise_engine::{ExecutionStatus, Idle};
use stepwise_json::{json, Value};
use stepwise_tests::*;

fn hello_world() -> Value {
    json!({"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": {"greeting": "Hello World"}, "End": true}}})
}

fn parent(resource: &str, input: Value) -> Value {
    json!({"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": resource,
        "Parameters": {"StateMachineArn": machine_arn("HelloWorld"), "Input": input},
        "End": true}}})
}

#[test]
fn sync_returns_the_child_description_with_json_text() {
    let mut e = engine_with(&[
        ("HelloWorld", hello_world()),
        (
            "Parent",
            parent(
                "arn:aws:states:::states:startExecution.sync",
                json!({"Comment": "hi"}),
            ),
        ),
    ]);
    let id = start(&mut e, "Parent", json!({}));
    let run = e.execution(id);
    assert_eq!(run.status, ExecutionStatus::Succeeded);
    let out = run.output.clone().unwrap();
    assert_eq!(out["Status"], "SUCCEEDED");
    assert_eq!(out["Output"], json!("{\"greeting\":\"Hello World\"}"));
    assert_eq!(out["Input"], json!("{\"Comment\":\"hi\"}"));
    assert_eq!(
        event_types(&e, id),
        [
            EventType::ExecutionStarted,
            EventType::TaskStateEntered,
            EventType::TaskScheduled,
            EventType::TaskStarted,
            EventType::TaskSubmitted,
            EventType::TaskSucceeded,
            EventType::TaskStateExited,
            EventType::ExecutionSucceeded
        ]
    );
    let children = e.children(id);
    assert_eq!(children.len(), 1);
    assert_eq!(
        e.execution(children[0])
            .parent
            .as_ref()
            .unwrap()
            .state_name
            .as_deref(),
        Some("Start")
    );
}

#[test]
fn sync2_returns_json_values() {
    let mut e = engine_with(&[
        ("HelloWorld", hello_world()),
        (
            "Parent",
            parent(
                "arn:aws:states:::states:startExecution.sync:2",
                json!({"n": 1}),
            ),
        ),
    ]);
    let id = start(&mut e, "Parent", json!({}));
    let out = e.execution(id).output.clone().unwrap();
    assert_eq!(out["Output"], json!({"greeting": "Hello World"}));
    assert_eq!(out["Input"], json!({"n": 1}));
}

#[test]
fn fire_and_forget_succeeds_at_once_without_task_submitted() {
    let mut e = engine_with(&[
        ("HelloWorld", hello_world()),
        (
            "Parent",
            parent("arn:aws:states:::states:startExecution", json!({})),
        ),
    ]);
    let id = start(&mut e, "Parent", json!({}));
    let out = e.execution(id).output.clone().unwrap();
    assert!(out["ExecutionArn"]
        .as_str()
        .unwrap()
        .contains(":execution:HelloWorld:"));
    assert!(out.get("SdkHttpMetadata").is_some());
    assert!(!event_types(&e, id).contains(&EventType::TaskSubmitted));
}

#[test]
fn wait_for_task_token_completes_by_hand_and_token_errors_are_aws_errors() {
    let child = json!({"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": true}}});
    let p = json!({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
        "Parameters": {"StateMachineArn": machine_arn("Approver"), "Input": {"token.$": "$$.Task.Token"}},
        "End": true}}});
    let mut e = engine_with(&[("Approver", child), ("Parent", p)]);
    let id = start(&mut e, "Parent", json!({}));
    assert_eq!(settle(&mut e), Idle::WaitingForOutside);
    let pending = e.pending_tasks();
    assert_eq!(pending.len(), 1);
    let token = pending[0].token.clone();
    // The child received the token in its input.
    let child_id = e.children(id)[0];
    assert_eq!(e.execution(child_id).input["token"], json!(token));
    assert_eq!(
        e.send_task_success("not-a-token", "{}").unwrap_err().name,
        "InvalidToken"
    );
    assert_eq!(
        e.send_task_success(&token, "{not json").unwrap_err().name,
        "InvalidOutput"
    );
    e.send_task_success(&token, r#"{"approved": true}"#)
        .unwrap();
    settle(&mut e);
    assert_eq!(e.execution(id).output, Some(json!({"approved": true})));
    assert_eq!(
        e.send_task_success(&token, "{}").unwrap_err().name,
        "TaskDoesNotExist"
    );
}

#[test]
fn failed_child_fails_the_task_and_the_parent_can_catch_it() {
    let child = json!({"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Oops", "Cause": "child failed"}}});
    let p = json!({"StartAt": "Start", "States": {
        "Start": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
            "Parameters": {"StateMachineArn": machine_arn("Child")},
            "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Handled"}], "End": true},
        "Handled": {"Type": "Pass", "End": true}}});
    let mut e = engine_with(&[("Child", child), ("Parent", p)]);
    let id = start(&mut e, "Parent", json!({}));
    let out = e.execution(id).output.clone().unwrap();
    assert_eq!(out["error"]["Error"], "States.TaskFailed");
    let cause: Value = serde_json::from_str(out["error"]["Cause"].as_str().unwrap()).unwrap();
    assert_eq!(cause["Error"], "Oops");
    assert_eq!(cause["Status"], "FAILED");
}

#[test]
fn missing_machine_is_a_step_functions_exception() {
    let mut e = engine_with(&[(
        "Parent",
        parent("arn:aws:states:::states:startExecution.sync", json!({})),
    )]);
    let id = start(&mut e, "Parent", json!({}));
    let run = e.execution(id);
    assert_eq!(
        run.error.as_deref(),
        Some("StepFunctions.StateMachineDoesNotExistException")
    );
    assert!(run
        .cause
        .as_deref()
        .unwrap()
        .starts_with("State Machine Does Not Exist"));
}

#[test]
fn task_timeout_stops_the_sync_child() {
    let slow = json!({"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}});
    let p = json!({"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "TimeoutSeconds": 60,
        "Parameters": {"StateMachineArn": machine_arn("Slow")}, "End": true}}});
    let mut e = engine_with(&[("Slow", slow), ("Parent", p)]);
    let id = start(&mut e, "Parent", json!({}));
    assert_eq!(e.execution(id).error.as_deref(), Some("States.Timeout"));
    assert!(event_types(&e, id).contains(&EventType::TaskTimedOut));
    let child = e.children(id)[0];
    assert_eq!(e.execution(child).status, ExecutionStatus::Aborted);
    // One virtual minute passed, not an hour.
    assert_eq!(e.now_millis() - e.execution(id).start_millis, 60_000);
}

#[test]
fn stopping_the_parent_aborts_its_sync_children() {
    let slow = json!({"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}});
    let p = json!({"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
        "Parameters": {"StateMachineArn": machine_arn("Slow")}, "End": true}}});
    let mut e = engine_with(&[("Slow", slow), ("Parent", p)]);
    let id = e
        .start_execution(&machine_arn("Parent"), Some("p"), None)
        .unwrap();
    e.run_until_idle(1000);
    let arn = e.execution(id).arn.clone();
    e.stop_execution(&arn, Some("Stopped"), Some("by test"))
        .unwrap();
    assert_eq!(e.execution(id).status, ExecutionStatus::Aborted);
    assert_eq!(
        e.execution(e.children(id)[0]).status,
        ExecutionStatus::Aborted
    );
}

#[test]
fn heartbeat_timeout_ends_the_task_with_states_timeout() {
    let p = json!({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 10, "TimeoutSeconds": 100,
        "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}});
    let mut e = engine_with(&[("Parent", p)]);
    let id = e
        .start_execution(&machine_arn("Parent"), None, None)
        .unwrap();
    e.run_until_idle(1000);
    let token = e.pending_tasks()[0].token.clone();
    // A heartbeat at 5 s moves the deadline from 10 s to 15 s: at 14 s the task is alive.
    e.advance_clock(5_000);
    e.send_task_heartbeat(&token).unwrap();
    e.advance_clock(9_000);
    e.run_until_idle(1000);
    assert!(e.execution(id).is_running());
    settle(&mut e);
    assert_eq!(e.execution(id).error.as_deref(), Some("States.Timeout"));
    assert!(event_types(&e, id).contains(&EventType::TaskTimedOut));
    assert_eq!(e.now_millis() - e.execution(id).start_millis, 15_000);
}

#[test]
fn parent_link_from_started_by_field() {
    let p = json!({"StartAt": "Start", "States": {"Start": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
        "Parameters": {"StateMachineArn": machine_arn("HelloWorld"), "Input": {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
        "End": true}}});
    let mut e = engine_with(&[("HelloWorld", hello_world()), ("Parent", p)]);
    let id = start(&mut e, "Parent", json!({}));
    let child = e.children(id)[0];
    assert_eq!(
        e.execution(child).input["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"],
        json!(e.execution(id).arn)
    );
    let described = e
        .describe_execution(&e.execution(child).arn.clone())
        .unwrap();
    assert_eq!(described["parentExecutionArn"], json!(e.execution(id).arn));
}

#[test]
fn duplicate_names_follow_aws_rules() {
    let mut e = engine_with(&[(
        "HelloWorld",
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "End": true}}}),
    )]);
    let arn = machine_arn("HelloWorld");
    let a = e
        .start_execution(&arn, Some("same"), Some(r#"{"x":1}"#))
        .unwrap();
    // Same name, same input, still running: the same execution.
    assert_eq!(
        e.start_execution(&arn, Some("same"), Some(r#"{"x":1}"#))
            .unwrap(),
        a
    );
    assert_eq!(
        e.start_execution(&arn, Some("same"), Some(r#"{"x":2}"#))
            .unwrap_err()
            .name,
        "ExecutionAlreadyExists"
    );
    assert_eq!(
        e.start_execution(&arn, Some("bad name"), None)
            .unwrap_err()
            .name,
        "InvalidName"
    );
    assert_eq!(
        e.start_execution(&machine_arn("Nope"), None, None)
            .unwrap_err()
            .name,
        "StateMachineDoesNotExist"
    );
    assert_eq!(
        e.start_execution(&arn, None, Some("{oops"))
            .unwrap_err()
            .name,
        "InvalidExecutionInput"
    );
}

#[test]
fn a_machine_starting_itself_is_stopped_by_the_depth_limit() {
    let me = json!({"StartAt": "Again", "States": {"Again": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
        "Parameters": {"StateMachineArn": machine_arn("Loop")}, "End": true}}});
    let mut e = engine_with(&[("Loop", me)]);
    let id = start(&mut e, "Loop", json!({}));
    let run = e.execution(id);
    assert_eq!(run.status, ExecutionStatus::Failed);
    assert!(
        e.executions().len() <= 40,
        "recursion must be bounded, got {}",
        e.executions().len()
    );
}

#[test]
fn map_fans_out_to_children_with_sync2() {
    let p = json!({"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 5,
        "ItemProcessor": {"StartAt": "Child", "States": {"Child": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": machine_arn("HelloWorld"), "Input": {"i.$": "$"}},
            "OutputSelector": null, "ResultSelector": {"out.$": "$.Output"}, "End": true}}},
        "End": true}}});
    let mut p = p;
    p["States"]["Fan"]["ItemProcessor"]["States"]["Child"]
        .as_object_mut()
        .unwrap()
        .remove("OutputSelector");
    let mut e = engine_with(&[("HelloWorld", hello_world()), ("Parent", p)]);
    let items: Vec<u32> = (0..20).collect();
    let id = start(&mut e, "Parent", json!({ "items": items }));
    let out = e.execution(id).output.clone().unwrap();
    assert_eq!(out.as_array().unwrap().len(), 20);
    assert_eq!(out[3], json!({"out": {"greeting": "Hello World"}}));
    assert_eq!(e.children(id).len(), 20);
}

#[test]
fn a_failing_iteration_aborts_its_running_siblings_and_their_children() {
    let slow = json!({"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}});
    let p = json!({"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "ItemsPath": "$.items",
        "ItemProcessor": {"StartAt": "Pick", "States": {
            "Pick": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "Boom"}], "Default": "Child"},
            "Boom": {"Type": "Fail", "Error": "Boom"},
            "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
                      "Parameters": {"StateMachineArn": machine_arn("Slow")}, "End": true}}},
        "End": true}}});
    let mut e = engine_with(&[("Slow", slow), ("Parent", p)]);
    let id = start(&mut e, "Parent", json!({"items": [1, 2, 0]}));
    assert_eq!(e.execution(id).error.as_deref(), Some("Boom"));
    let types = event_types(&e, id);
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == EventType::MapIterationAborted)
            .count(),
        2,
        "{types:?}"
    );
    assert!(types.contains(&EventType::MapStateFailed));
    for child in e.children(id) {
        assert_eq!(e.execution(child).status, ExecutionStatus::Aborted);
    }
}

#[test]
fn an_execution_keeps_the_definition_it_started_with() {
    let mut e = engine_with(&[("HelloWorld", hello_world())]);
    let first = start(&mut e, "HelloWorld", json!({}));
    let changed = json!({"StartAt": "Bye", "States": {"Bye": {"Type": "Succeed"}}});
    e.update_state_machine(&machine_arn("HelloWorld"), &changed.to_string())
        .unwrap();
    let run = e.execution(first);
    assert_eq!(
        serde_json::from_str::<Value>(&run.definition_text).unwrap(),
        hello_world()
    );
    let described = e
        .describe_state_machine(&machine_arn("HelloWorld"))
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(described["definition"].as_str().unwrap()).unwrap(),
        changed
    );
}
