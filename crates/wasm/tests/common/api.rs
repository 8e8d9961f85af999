//! Every call of the JS API, its error names, and a nested `.sync` run driven only through it.

use super::*;
use serde_json::json;
use stepwise_wasm::{validate_state_machine_definition, Stepwise};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

fn pass(result: Value) -> Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": result, "End": true}}})
}

fn waiting(seconds: u32) -> Value {
    json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": seconds, "Next": "Done"},
        "Done": {"Type": "Pass", "Result": "woke", "End": true}}})
}

fn approval(heartbeat_seconds: Option<u32>) -> Value {
    let mut ask = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
                       "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"}},
        "End": true});
    if let Some(h) = heartbeat_seconds {
        ask["HeartbeatSeconds"] = json!(h);
    }
    json!({"StartAt": "Ask", "States": {"Ask": ask}})
}

/// Passes through A and B until the input says stop: valid, since the Choice can end it.
fn looping() -> Value {
    json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "Done"}], "Default": "A"},
        "Done": {"Type": "Succeed"}}})
}

// ---- constructor and clock ----------------------------------------------------------------

#[wasm_bindgen_test]
fn defaults_start_the_clock_in_2025_in_us_east_1() {
    let mut sw = engine();
    assert_eq!(sw.now(), "2025-01-01T00:00:00.000Z");
    assert_eq!(
        machine(&mut sw, "M", pass(json!(1))),
        "arn:aws:states:us-east-1:123456789012:stateMachine:M"
    );
}

#[wasm_bindgen_test]
fn options_set_epoch_region_account_and_seed() {
    let date = js_sys::Date::new(&JsValue::from_f64(1_700_000_000_000.0));
    let options = js(json!({"region": "eu-west-1", "account": "111122223333", "seed": 7}));
    js_sys::Reflect::set(&options, &"epoch".into(), &date).unwrap();
    let mut sw = Stepwise::new(Some(options.unchecked_into())).unwrap();
    assert_eq!(sw.now(), "2023-11-14T22:13:20.000Z");
    let arn = machine(&mut sw, "M", pass(json!(1)));
    assert_eq!(arn, "arn:aws:states:eu-west-1:111122223333:stateMachine:M");

    // A BigInt seed is taken as well as a number.
    let big = js(json!({}));
    js_sys::Reflect::set(&big, &"seed".into(), &js_sys::BigInt::from(7u64).into()).unwrap();
    let mut by_bigint = Stepwise::new(Some(big.unchecked_into())).unwrap();
    let mut by_number = Stepwise::new(obj(json!({"seed": 7}))).unwrap();
    let (m1, m2) = (
        machine(&mut by_bigint, "M", pass(json!(1))),
        machine(&mut by_number, "M", pass(json!(1))),
    );
    let names = [(&mut by_bigint, m1), (&mut by_number, m2)].map(|(sw, m)| {
        ok(sw.start_execution(js(json!({"stateMachineArn": m}))))["executionArn"].clone()
    });
    assert_eq!(names[0], names[1]);

    for epoch in [json!("2024-02-29T12:00:00Z"), json!(1_709_208_000_000_i64)] {
        let sw = Stepwise::new(obj(json!({"epoch": epoch}))).unwrap();
        assert_eq!(sw.now(), "2024-02-29T12:00:00.000Z", "{epoch}");
    }
    for bad in [
        json!({"epoch": "yesterday"}),
        json!({"epoch": 1.5}),
        json!({"epoch": true}),
        json!({"seed": -1}),
    ] {
        assert_eq!(
            err_name(Stepwise::new(obj(bad.clone())).map(|_| ())),
            "ValidationException",
            "{bad}"
        );
    }
}

#[wasm_bindgen_test]
fn the_seed_decides_generated_names() {
    let name = |seed: u64| {
        let mut sw = Stepwise::new(obj(json!({"seed": seed}))).unwrap();
        let m = machine(&mut sw, "M", pass(json!(1)));
        ok(sw.start_execution(js(json!({"stateMachineArn": m}))))["executionArn"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(name(1), name(1));
    assert_ne!(name(1), name(2));
}

#[wasm_bindgen_test]
fn timers_wait_for_the_clock() {
    let mut sw = engine();
    let m = machine(&mut sw, "Sleepy", waiting(90));
    let e = start(&mut sw, &m, json!({}));
    assert_eq!(
        run(&mut sw),
        json!({"idle": "WaitingForTimer", "until": "2025-01-01T00:01:30.000Z"})
    );
    sw.advance_clock(30_000.0).unwrap();
    assert_eq!(sw.now(), "2025-01-01T00:00:30.000Z");
    assert_eq!(run(&mut sw)["idle"], "WaitingForTimer");
    assert!(sw.advance_to_next_timer());
    assert_eq!(sw.now(), "2025-01-01T00:01:30.000Z");
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
    assert_eq!(output(&sw, &e), json!("woke"));
    assert!(!sw.advance_to_next_timer(), "no timer is left");
    for bad in [-1.0, 0.5, f64::NAN, f64::INFINITY, 8.64e15] {
        assert_eq!(
            err_name(sw.advance_clock(bad)),
            "ValidationException",
            "{bad}"
        );
    }
}

#[wasm_bindgen_test]
fn step_reports_each_event_and_null_when_idle() {
    let mut sw = engine();
    let m = machine(&mut sw, "M", pass(json!("x")));
    let e = start(&mut sw, &m, json!({}));
    let first = ok(sw.step());
    assert_eq!(first["executionArn"], json!(e));
    assert_eq!(
        first["events"],
        json!([{"executionArn": e, "id": 2, "type": "PassStateEntered", "stateName": "P"}])
    );
    let mut steps = 1;
    while !sw.step().unwrap().is_null() {
        steps += 1;
    }
    assert_eq!(steps, 3, "entered, exited, succeeded");
    assert!(sw.step().unwrap().is_null());
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
}

#[wasm_bindgen_test]
fn a_budget_that_is_not_a_whole_number_of_steps_in_range_is_refused() {
    let mut sw = engine();
    let m = machine(&mut sw, "Loop", looping());
    let e = start(&mut sw, &m, json!({"stop": false}));
    for (bad, why) in [
        (-1.0, "greater than or equal to 0"),
        (f64::NAN, "whole number"),
        (f64::INFINITY, "whole number"),
        (2.5, "whole number"),
        (4_294_967_295.0, "less than or equal to 10000000"),
        (1e300, "less than or equal to 10000000"),
    ] {
        let error = thrown(sw.run_until_idle(Some(bad)));
        assert_eq!(String::from(error.name()), "ValidationException", "{bad}");
        let message = String::from(error.message());
        assert!(
            message.contains("at 'maxSteps' failed to satisfy constraint") && message.contains(why),
            "{bad}: {message}"
        );
    }
    assert_eq!(event_types(&sw, &e).len(), 1, "no step was taken");
    assert_eq!(
        ok(sw.run_until_idle(Some(0.0))),
        json!({"idle": "BudgetSpent"})
    );
    ok(sw.stop_execution(js(json!({"executionArn": e}))));
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
}

#[wasm_bindgen_test]
fn a_budget_bounds_run_until_idle() {
    let mut sw = engine();
    let m = machine(&mut sw, "Loop", looping());
    let e = start(&mut sw, &m, json!({"stop": false}));
    assert_eq!(
        ok(sw.run_until_idle(Some(5.0))),
        json!({"idle": "BudgetSpent"})
    );
    assert_eq!(
        event_types(&sw, &e).len(),
        6,
        "ExecutionStarted plus five steps"
    );
    ok(sw.stop_execution(js(json!({"executionArn": e}))));
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
}

#[wasm_bindgen_test]
fn max_history_events_fails_a_long_execution() {
    let mut sw = Stepwise::new(obj(json!({"maxHistoryEvents": 10}))).unwrap();
    let m = machine(&mut sw, "Loop", looping());
    let e = start(&mut sw, &m, json!({"stop": false}));
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
    let d = describe_execution(&sw, &e);
    assert_eq!(
        (d["status"].as_str(), d["error"].as_str()),
        (Some("FAILED"), Some("States.Runtime")),
        "{d}"
    );
}

// ---- state machines -----------------------------------------------------------------------

#[wasm_bindgen_test]
fn state_machines_are_created_described_listed_updated_and_deleted() {
    let mut sw = engine();
    // A definition may be given as an object as well as JSON text.
    let created = ok(sw.create_state_machine(js(json!({"name": "Hello", "definition": pass(json!("hi")),
                                                       "roleArn": "arn:aws:iam::123456789012:role/x"}))));
    let arn = "arn:aws:states:us-east-1:123456789012:stateMachine:Hello";
    assert_eq!(
        created,
        json!({"stateMachineArn": arn, "creationDate": "2025-01-01T00:00:00.000Z"})
    );

    let d = ok(sw.describe_state_machine(js(json!({"stateMachineArn": arn}))));
    assert_eq!(
        (d["name"].as_str(), d["status"].as_str(), d["type"].as_str()),
        (Some("Hello"), Some("ACTIVE"), Some("STANDARD"))
    );
    let text = d["definition"].as_str().expect("definition text");
    assert_eq!(
        serde_json::from_str::<Value>(text).unwrap(),
        pass(json!("hi"))
    );

    machine(&mut sw, "Other", pass(json!(2)));
    let names: Vec<_> = ok(sw.list_state_machines(None))["stateMachines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].clone())
        .collect();
    assert_eq!(names, [json!("Hello"), json!("Other")]);

    sw.advance_clock(1000.0).unwrap();
    let updated = ok(sw.update_state_machine(js(
        json!({"stateMachineArn": arn, "definition": pass(json!("bye")).to_string()}),
    )));
    // AWS answers the new revision's id with the date.
    let revision = updated["revisionId"]
        .as_str()
        .expect("a revision id")
        .to_owned();
    assert_eq!(
        updated,
        json!({"updateDate": "2025-01-01T00:00:01.000Z", "revisionId": revision})
    );
    let e = start(&mut sw, arn, json!({}));
    run(&mut sw);
    assert_eq!(output(&sw, &e), json!("bye"));

    assert_eq!(
        ok(sw.delete_state_machine(js(json!({"stateMachineArn": arn})))),
        json!({})
    );
    assert_eq!(
        err_name(sw.describe_state_machine(js(json!({"stateMachineArn": arn})))),
        "StateMachineDoesNotExist"
    );
    assert_eq!(
        err_name(sw.delete_state_machine(js(json!({"stateMachineArn": arn})))),
        "StateMachineDoesNotExist"
    );
    assert_eq!(
        ok(sw.list_state_machines(None))["stateMachines"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[wasm_bindgen_test]
fn state_machine_errors_carry_aws_names() {
    let mut sw = engine();
    machine(&mut sw, "Hello", pass(json!(1)));
    // The same name and definition again is idempotent; another definition is refused.
    machine(&mut sw, "Hello", pass(json!(1)));
    let again = sw.create_state_machine(js(json!({"name": "Hello", "definition": pass(json!(2))})));
    assert_eq!(err_name(again), "StateMachineAlreadyExists");
    let bad_name = sw.create_state_machine(js(
        json!({"name": "no spaces", "definition": pass(json!(1))}),
    ));
    assert_eq!(err_name(bad_name), "InvalidName");
    let missing = "arn:aws:states:us-east-1:123456789012:stateMachine:Nope";
    let update = sw.update_state_machine(js(
        json!({"stateMachineArn": missing, "definition": pass(json!(1))}),
    ));
    assert_eq!(err_name(update), "StateMachineDoesNotExist");
    // A request without its required field never reaches the engine.
    assert_eq!(
        err_name(sw.create_state_machine(js(json!({"name": "X"})))),
        "ValidationException"
    );
    assert_eq!(
        err_name(sw.create_state_machine(JsValue::UNDEFINED)),
        "ValidationException"
    );
}

#[wasm_bindgen_test]
fn an_invalid_definition_throws_with_diagnostics() {
    let mut sw = engine();
    let broken = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}});
    let e = thrown(sw.create_state_machine(js(json!({"name": "Broken", "definition": broken}))));
    assert_eq!(String::from(e.name()), "InvalidDefinition");
    assert!(
        String::from(e.message()).contains("MISSING_TRANSITION_TARGET"),
        "{}",
        String::from(e.message())
    );
    let diagnostics = plain(&js_sys::Reflect::get(&e, &"diagnostics".into()).unwrap());
    let first = &diagnostics[0];
    assert_eq!(
        (first["severity"].as_str(), first["code"].as_str()),
        (Some("ERROR"), Some("MISSING_TRANSITION_TARGET")),
        "{diagnostics}"
    );
    assert_eq!(first["location"], "/States/A/Next");
    let not_json =
        thrown(sw.create_state_machine(js(json!({"name": "Broken", "definition": "{oops"}))));
    assert_eq!(String::from(not_json.name()), "InvalidDefinition");
}

#[wasm_bindgen_test]
fn validation_answers_ok_or_fail_with_diagnostics() {
    let good = ok(validate_state_machine_definition(js(
        json!({"definition": pass(json!(1)).to_string()}),
    )));
    assert_eq!(
        good,
        json!({"result": "OK", "diagnostics": [], "truncated": false})
    );
    let bad = ok(validate_state_machine_definition(js(
        json!({"definition": {"StartAt": "Missing", "States": {}}}),
    )));
    assert_eq!(bad["result"], "FAIL");
    let d = &bad["diagnostics"][0];
    assert_eq!(d["severity"], "ERROR");
    assert!(d["code"].is_string() && d["message"].is_string(), "{bad}");
    let text = ok(validate_state_machine_definition(js(
        json!({"definition": "{\n  \"StartAt\": "}),
    )));
    assert_eq!(
        (
            text["result"].as_str(),
            text["diagnostics"][0]["code"].as_str()
        ),
        (Some("FAIL"), Some("INVALID_JSON_DESCRIPTION"))
    );
    assert!(text["diagnostics"][0]["line"].is_number(), "{text}");
    assert_eq!(
        err_name(validate_state_machine_definition(js(json!({})))),
        "ValidationException"
    );
}

// ---- executions -----------------------------------------------------------------------------

#[wasm_bindgen_test]
fn an_execution_runs_and_is_described_listed_and_its_history_read() {
    let mut sw = engine();
    let m = machine(
        &mut sw,
        "Echo",
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "ResultPath": "$.seen", "Result": true, "End": true}}}),
    );
    // Input may be JSON text or an object.
    let started = ok(sw.start_execution(js(
        json!({"stateMachineArn": m, "name": "run-1", "input": {"n": 1}}),
    )));
    let e = "arn:aws:states:us-east-1:123456789012:execution:Echo:run-1";
    assert_eq!(
        started,
        json!({"executionArn": e, "startDate": "2025-01-01T00:00:00.000Z"})
    );
    assert_eq!(describe_execution(&sw, e)["status"], "RUNNING");
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));

    let d = describe_execution(&sw, e);
    assert_eq!(
        (
            d["status"].as_str(),
            d["name"].as_str(),
            d["stateMachineArn"].as_str()
        ),
        (Some("SUCCEEDED"), Some("run-1"), Some(m.as_str()))
    );
    assert_eq!(d["input"], json!("{\"n\":1}"));
    assert_eq!(
        serde_json::from_str::<Value>(d["output"].as_str().unwrap()).unwrap(),
        json!({"n": 1, "seen": true})
    );
    assert!(d["stopDate"].is_string());

    assert_eq!(
        event_types(&sw, e),
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    let history =
        ok(sw.get_execution_history(js(json!({"executionArn": e, "reverseOrder": true}))));
    let first = &history["events"][0];
    assert_eq!(
        (
            first["type"].as_str(),
            first["id"].as_u64(),
            first["previousEventId"].as_u64()
        ),
        (Some("ExecutionSucceeded"), Some(4), Some(3))
    );
    assert_eq!(
        first["executionSucceededEventDetails"]["output"],
        json!("{\"n\":1,\"seen\":true}")
    );
    let bare = ok(sw.get_execution_history(js(
        json!({"executionArn": e, "includeExecutionData": false}),
    )));
    assert!(
        bare["events"][0]["executionStartedEventDetails"]
            .get("input")
            .is_none(),
        "{bare}"
    );

    let other = start(&mut sw, &m, json!({}));
    let all = ok(sw.list_executions(None));
    let arns: Vec<_> = all["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["executionArn"].clone())
        .collect();
    assert_eq!(arns, [json!(other), json!(e)], "newest first");
    let running = ok(sw.list_executions(obj(
        json!({"stateMachineArn": m, "statusFilter": "RUNNING"}),
    )));
    assert_eq!(running["executions"].as_array().unwrap().len(), 1);
    assert_eq!(running["executions"][0]["executionArn"], json!(other));
}

#[wasm_bindgen_test]
fn execution_errors_carry_aws_names() {
    let mut sw = engine();
    let m = machine(&mut sw, "M", waiting(10));
    let nope = "arn:aws:states:us-east-1:123456789012:execution:M:nope";
    assert_eq!(
        err_name(sw.describe_execution(js(json!({"executionArn": nope})))),
        "ExecutionDoesNotExist"
    );
    assert_eq!(
        err_name(sw.get_execution_history(js(json!({"executionArn": nope})))),
        "ExecutionDoesNotExist"
    );
    assert_eq!(
        err_name(sw.stop_execution(js(json!({"executionArn": nope})))),
        "ExecutionDoesNotExist"
    );
    let no_machine = sw.start_execution(js(
        json!({"stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Nope"}),
    ));
    assert_eq!(err_name(no_machine), "StateMachineDoesNotExist");
    let bad_input = sw.start_execution(js(json!({"stateMachineArn": m, "input": "{not json"})));
    assert_eq!(err_name(bad_input), "InvalidExecutionInput");
    let bad_name = sw.start_execution(js(json!({"stateMachineArn": m, "name": "a/b"})));
    assert_eq!(err_name(bad_name), "InvalidName");
    ok(sw.start_execution(js(
        json!({"stateMachineArn": m, "name": "once", "input": {"a": 1}}),
    )));
    let twice = sw.start_execution(js(
        json!({"stateMachineArn": m, "name": "once", "input": {"a": 2}}),
    ));
    assert_eq!(err_name(twice), "ExecutionAlreadyExists");
    let bad_filter = sw.list_executions(obj(json!({"statusFilter": "SLEEPING"})));
    assert_eq!(err_name(bad_filter), "ValidationException");
    assert_eq!(
        err_name(sw.start_execution(js(json!({"input": "{}"})))),
        "ValidationException"
    );
    assert_eq!(
        err_name(sw.describe_execution(js(json!("just a string")))),
        "ValidationException"
    );
}

#[wasm_bindgen_test]
fn stop_execution_aborts_with_error_and_cause() {
    let mut sw = engine();
    let m = machine(&mut sw, "M", waiting(60));
    let e = start(&mut sw, &m, json!({}));
    run(&mut sw);
    sw.advance_clock(5000.0).unwrap();
    let stopped = ok(sw.stop_execution(js(
        json!({"executionArn": e, "error": "Operator", "cause": "enough"}),
    )));
    assert_eq!(stopped, json!({"stopDate": "2025-01-01T00:00:05.000Z"}));
    let d = describe_execution(&sw, &e);
    assert_eq!(
        (
            d["status"].as_str(),
            d["error"].as_str(),
            d["cause"].as_str()
        ),
        (Some("ABORTED"), Some("Operator"), Some("enough"))
    );
    assert_eq!(
        event_types(&sw, &e).last().map(String::as_str),
        Some("ExecutionAborted")
    );
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
}

// ---- task tokens ----------------------------------------------------------------------------

/// Starts the approval machine, runs it to its callback and returns (execution, pending task).
fn awaiting_approval(sw: &mut Stepwise, heartbeat_seconds: Option<u32>) -> (String, Value) {
    let m = machine(sw, "Approval", approval(heartbeat_seconds));
    let e = start(sw, &m, json!({"order": 7}));
    let idle = run(sw);
    match heartbeat_seconds {
        // The heartbeat is a timer of its own: the engine says when it would fire.
        Some(_) => assert_eq!(idle["idle"], "WaitingForTimer"),
        None => assert_eq!(idle, json!({"idle": "WaitingForOutside"})),
    }
    let tasks = ok(sw.list_pending_tasks());
    assert_eq!(tasks["tasks"].as_array().map(Vec::len), Some(1), "{tasks}");
    (e, tasks["tasks"][0].clone())
}

#[wasm_bindgen_test]
fn a_task_token_is_listed_and_completed_with_success() {
    let mut sw = engine();
    let (e, task) = awaiting_approval(&mut sw, Some(3600));
    assert_eq!(task["executionArn"], json!(e));
    assert_eq!(
        (task["stateName"].as_str(), task["kind"].as_str()),
        (Some("Ask"), Some("Callback"))
    );
    assert_eq!(
        task["resource"],
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    );
    assert_eq!(task["heartbeatDeadline"], "2025-01-01T01:00:00.000Z");
    let token = task["taskToken"].as_str().unwrap().to_owned();
    let sent: Value = serde_json::from_str(task["input"].as_str().expect("JSON text")).unwrap();
    assert_eq!(sent["MessageBody"], json!({"token": token, "order": 7}));

    sw.advance_clock(1000.0).unwrap();
    assert_eq!(
        ok(sw.send_task_heartbeat(js(json!({"taskToken": token})))),
        json!({})
    );
    assert_eq!(
        ok(sw.list_pending_tasks())["tasks"][0]["heartbeatDeadline"],
        "2025-01-01T01:00:01.000Z"
    );

    assert_eq!(
        ok(sw.send_task_success(js(
            json!({"taskToken": token, "output": {"approved": true}})
        ))),
        json!({})
    );
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
    assert_eq!(output(&sw, &e), json!({"approved": true}));
    assert_eq!(ok(sw.list_pending_tasks()), json!({"tasks": []}));
    let late = sw.send_task_success(js(json!({"taskToken": token, "output": "{}"})));
    assert_eq!(err_name(late), "TaskDoesNotExist");
}

#[wasm_bindgen_test]
fn a_task_token_is_completed_with_failure() {
    let mut sw = engine();
    let (e, task) = awaiting_approval(&mut sw, None);
    let token = task["taskToken"].as_str().unwrap();
    ok(sw.send_task_failure(js(
        json!({"taskToken": token, "error": "Rejected", "cause": "too expensive"}),
    )));
    run(&mut sw);
    let d = describe_execution(&sw, &e);
    assert_eq!(
        (
            d["status"].as_str(),
            d["error"].as_str(),
            d["cause"].as_str()
        ),
        (Some("FAILED"), Some("Rejected"), Some("too expensive"))
    );
    assert_eq!(
        err_name(sw.send_task_heartbeat(js(json!({"taskToken": token})))),
        "TaskDoesNotExist"
    );
}

#[wasm_bindgen_test]
fn token_errors_carry_aws_names() {
    let mut sw = engine();
    let (_, task) = awaiting_approval(&mut sw, None);
    let token = task["taskToken"].as_str().unwrap();
    assert_eq!(
        err_name(sw.send_task_success(js(json!({"taskToken": "x", "output": "{}"})))),
        "InvalidToken"
    );
    assert_eq!(
        err_name(sw.send_task_success(js(json!({"taskToken": "a".repeat(40), "output": "{}"})))),
        "InvalidToken"
    );
    // Shaped like the engine's tokens, but issued to no task.
    let unknown = format!("AQB{}", "0".repeat(96));
    assert_eq!(
        err_name(sw.send_task_success(js(json!({"taskToken": unknown, "output": "{}"})))),
        "TaskDoesNotExist"
    );
    assert_eq!(
        err_name(sw.send_task_success(js(json!({"taskToken": token, "output": "{broken"})))),
        "InvalidOutput"
    );
    assert_eq!(
        err_name(sw.send_task_failure(js(json!({"taskToken": "x"})))),
        "InvalidToken"
    );
    assert_eq!(
        err_name(sw.send_task_success(js(json!({"taskToken": token})))),
        "ValidationException"
    );
    // The failed attempts left the task waiting.
    assert_eq!(
        ok(sw.list_pending_tasks())["tasks"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[wasm_bindgen_test]
fn mocks_answer_tasks_and_unmocked_tasks_wait_for_a_hand() {
    let mut sw = engine();
    let def = json!({"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "OutputPath": "$.Payload", "End": true}}});
    let m = machine(&mut sw, "Lambda", def);
    let by_hand = start(&mut sw, &m, json!({"x": 1}));
    assert_eq!(run(&mut sw), json!({"idle": "WaitingForOutside"}));
    let task = ok(sw.list_pending_tasks())["tasks"][0].clone();
    assert_eq!(
        (task["kind"].as_str(), task["stateName"].as_str()),
        (Some("Manual"), Some("Call")),
        "{task}"
    );
    ok(sw.send_task_success(js(
        json!({"taskToken": task["taskToken"], "output": {"Payload": "by hand"}}),
    )));
    run(&mut sw);
    assert_eq!(output(&sw, &by_hand), json!("by hand"));

    let config = json!({
        "StateMachines": {"Lambda": {"TestCases": {"Happy": {"Call": "Ok"}}}},
        "MockedResponses": {"Ok": {"0": {"Return": {"Payload": {"mocked": true}}}}}});
    // The config may be an object or its JSON text.
    sw.set_mock_config(JsValue::from_str(&config.to_string()))
        .unwrap();
    sw.set_mock_config(js(config)).unwrap();
    let mocked = start(&mut sw, &m, json!({}));
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
    assert_eq!(output(&sw, &mocked), json!({"mocked": true}));
    assert_eq!(
        err_name(sw.set_mock_config(js(json!({"MockedResponses": {}})))),
        "ValidationException"
    );
    assert_eq!(
        err_name(sw.set_mock_config(JsValue::from_str("{nope"))),
        "ValidationException"
    );
}

// ---- nested executions ----------------------------------------------------------------------

#[wasm_bindgen_test]
fn a_sync_parent_runs_its_child_through_the_api_only() {
    let mut sw = engine();
    let child = machine(
        &mut sw,
        "HelloWorld",
        json!({"StartAt": "Greet", "States": {"Greet": {
        "Type": "Pass", "Parameters": {"greeting.$": "States.Format('Hello, {}!', $.who)"}, "End": true}}}),
    );
    assert_eq!(
        child,
        "arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld"
    );
    let parent = machine(
        &mut sw,
        "Parent",
        json!({"StartAt": "CallChild", "States": {
        "CallChild": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
            "Parameters": {"StateMachineArn": child, "Input": {"who.$": "$.who",
                           "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
            "ResultSelector": {"childOutput.$": "States.StringToJson($.Output)", "childStatus.$": "$.Status"},
            "End": true}}}),
    );
    let p = start(&mut sw, &parent, json!({"who": "Ada"}));
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));

    assert_eq!(
        output(&sw, &p),
        json!({"childOutput": {"greeting": "Hello, Ada!"}, "childStatus": "SUCCEEDED"})
    );
    let tree = ok(sw.execution_tree());
    let roots = tree["executions"].as_array().unwrap();
    assert_eq!(roots.len(), 1, "{tree}");
    assert_eq!(
        (
            roots[0]["executionArn"].as_str(),
            roots[0]["status"].as_str()
        ),
        (Some(p.as_str()), Some("SUCCEEDED"))
    );
    let kids = roots[0]["children"].as_array().unwrap();
    assert_eq!(kids.len(), 1, "{tree}");
    let c = kids[0]["executionArn"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            kids[0]["status"].as_str(),
            kids[0]["startedByState"].as_str()
        ),
        (Some("SUCCEEDED"), Some("CallChild"))
    );
    assert!(
        c.starts_with("arn:aws:states:us-east-1:123456789012:execution:HelloWorld:"),
        "{c}"
    );

    let cd = describe_execution(&sw, &c);
    assert_eq!(cd["parentExecutionArn"], json!(p));
    assert_eq!(output(&sw, &c), json!({"greeting": "Hello, Ada!"}));
    let types = event_types(&sw, &p);
    for t in [
        "TaskScheduled",
        "TaskStarted",
        "TaskSubmitted",
        "TaskSucceeded",
        "ExecutionSucceeded",
    ] {
        assert!(types.iter().any(|x| x == t), "{t} missing from {types:?}");
    }
    let children = ok(sw.list_executions(obj(json!({"stateMachineArn": child}))));
    assert_eq!(children["executions"][0]["executionArn"], json!(c));
}

#[wasm_bindgen_test]
fn engines_are_independent() {
    let mut a = engine();
    let b = engine();
    let ma = machine(&mut a, "M", waiting(5));
    let ea = start(&mut a, &ma, json!({}));
    run(&mut a);
    a.advance_clock(60_000.0).unwrap();
    assert_eq!(b.now(), "2025-01-01T00:00:00.000Z");
    assert_eq!(
        ok(b.list_state_machines(None)),
        json!({"stateMachines": []})
    );
    assert_eq!(
        err_name(b.describe_execution(js(json!({"executionArn": ea})))),
        "ExecutionDoesNotExist"
    );
    assert_eq!(run(&mut a), json!({"idle": "Finished"}));
    assert_eq!(ok(b.execution_tree()), json!({"executions": []}));
}
