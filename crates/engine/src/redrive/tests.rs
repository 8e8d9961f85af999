use super::*;
use crate::{EngineConfig, Idle};

const DAY: i64 = 86_400_000;

fn engine() -> Engine {
    Engine::new(EngineConfig::default())
}

/// Creates machine `name` and answers its Task states from `mocks` (answers in invocation order).
fn machine(e: &mut Engine, name: &str, definition: Value, mocks: Value) -> String {
    let arn = e
        .create_state_machine(name, &definition.to_string())
        .unwrap();
    e.set_state_mocks(name, &mocks).unwrap();
    arn
}

fn run(e: &mut Engine, arn: &str, input: &str) -> ExecutionId {
    let id = e.start_execution(arn, None, Some(input)).unwrap();
    e.run_until_idle(10_000);
    id
}

fn types_after_redrive(e: &Engine, id: ExecutionId) -> Vec<&'static str> {
    let h = &e.execution(id).history;
    let at = h
        .iter()
        .rposition(|ev| ev.event_type == EventType::ExecutionRedriven)
        .expect("an ExecutionRedriven event");
    h[at..].iter().map(|ev| ev.event_type.as_str()).collect()
}

fn count(e: &Engine, id: ExecutionId, ty: EventType, state: &str) -> usize {
    e.execution(id)
        .history
        .iter()
        .filter(|ev| ev.event_type == ty && ev.state_name.as_deref() == Some(state))
        .count()
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

fn failing_then_passing() -> Value {
    json!([{"Throw": {"Error": "Boom", "Cause": "down"}}, {"Return": {"ok": true}}])
}

#[test]
fn a_failed_task_is_redriven_from_that_task_with_its_input() {
    let mut e = engine();
    let def = json!({"StartAt": "Prep", "States": {
        "Prep": {"Type": "Pass", "Result": {"n": 1}, "Next": "Call"},
        "Call": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "ResultPath": "$.r", "Next": "After"},
        "After": {"Type": "Pass", "Parameters": {
            "r.$": "$.r", "count.$": "$$.Execution.RedriveCount", "time.$": "$$.Execution.RedriveTime"
        }, "End": true}
    }});
    let m = machine(&mut e, "M", def, json!({"Call": failing_then_passing()}));
    let id = run(&mut e, &m, "{}");
    let arn = e.execution(id).arn.clone();
    assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    let d = e.describe_execution(&arn).unwrap();
    assert_eq!(d["redriveStatus"], json!("REDRIVABLE"));
    assert!(d.get("redriveStatusReason").is_none());
    assert_eq!(d["redriveCount"], json!(0));
    let before = e.execution(id).history.len();

    e.advance_clock(60_000);
    let answer = e.redrive_execution(&arn, None).unwrap();
    assert_eq!(answer, json!({"redriveDate": iso8601(e.now_millis())}));
    assert_eq!(e.execution(id).status, ExecutionStatus::Running);
    let d = e.describe_execution(&arn).unwrap();
    assert_eq!(d["status"], json!("RUNNING"));
    assert!(d.get("stopDate").is_none() && d.get("error").is_none());
    assert_eq!(
        d["redriveStatusReason"],
        json!("Execution is RUNNING and cannot be redriven")
    );
    assert_eq!(e.run_until_idle(1000), Idle::Finished);

    assert_eq!(e.execution(id).status, ExecutionStatus::Succeeded);
    assert_eq!(
        types_after_redrive(&e, id),
        [
            "ExecutionRedriven",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    let h = &e.execution(id).history;
    let redriven = &h[before];
    assert_eq!(redriven.previous_event_id, before as u64);
    assert_eq!(
        redriven.to_aws_json(true)["executionRedrivenEventDetails"],
        json!({"redriveCount": 1})
    );
    // The Task runs again with the input it had; the Pass before it does not run again.
    let entered: Vec<_> = h
        .iter()
        .filter(|ev| ev.event_type == EventType::TaskStateEntered)
        .map(|ev| ev.details.json_text("input").unwrap().into_owned())
        .collect();
    assert_eq!(entered, [r#"{"n":1}"#, r#"{"n":1}"#]);
    assert_eq!(count(&e, id, EventType::PassStateEntered, "Prep"), 1);
    let redrive_date = iso8601(e.execution(id).redrive_millis.unwrap());
    assert_eq!(
        e.execution(id).output,
        Some(json!({"r": {"ok": true}, "count": 1, "time": redrive_date}))
    );
    let d = e.describe_execution(&arn).unwrap();
    assert_eq!(d["redriveCount"], json!(1));
    assert_eq!(d["redriveDate"], json!(redrive_date));
    assert_eq!(d["redriveStatus"], json!("NOT_REDRIVABLE"));
    assert_eq!(
        d["redriveStatusReason"],
        json!("Execution is SUCCEEDED and cannot be redriven")
    );
    let err = e.redrive_execution(&arn, None).unwrap_err();
    assert_eq!(err.name, names::EXECUTION_NOT_REDRIVABLE);
    assert_eq!(err.message, "Execution is SUCCEEDED and cannot be redriven");
}

#[test]
fn a_map_redrives_only_the_iterations_that_did_not_succeed() {
    let mut e = engine();
    let def = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "End": true}}
        }, "End": true}
    }});
    let mocks = json!({"Work": [
        {"Return": "a"}, {"Throw": {"Error": "Boom"}}, {"Return": "b"}, {"Return": "c"}
    ]});
    let m = machine(&mut e, "M", def, mocks);
    let id = run(&mut e, &m, "[1, 2, 3]");
    assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    let arn = e.execution(id).arn.clone();
    e.redrive_execution(&arn, None).unwrap();
    assert_eq!(e.run_until_idle(1000), Idle::Finished);
    assert_eq!(e.execution(id).status, ExecutionStatus::Succeeded);
    assert_eq!(e.execution(id).output, Some(json!(["a", "b", "c"])));
    // The second item runs again and the third for the first time; the first keeps its result.
    let after = types_after_redrive(&e, id);
    assert_eq!(
        after
            .iter()
            .filter(|t| **t == "MapIterationStarted")
            .count(),
        2
    );
    assert_eq!(count(&e, id, EventType::TaskScheduled, "Work"), 4);
    let started: Vec<i64> = e
        .execution(id)
        .history
        .iter()
        .filter(|ev| ev.event_type == EventType::MapIterationStarted)
        .map(|ev| match ev.details.get("index") {
            Some(crate::history::Field::Int(i)) => *i,
            _ => -1,
        })
        .collect();
    assert_eq!(started, [0, 1, 1, 2]);
    assert_eq!(
        &after[..3],
        ["ExecutionRedriven", "MapStateEntered", "MapStateStarted"]
    );
}

#[test]
fn a_parallel_redrives_only_its_failed_branch_from_its_failed_state() {
    let mut e = engine();
    let def = json!({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Branches": [
            {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": "L", "End": true}}},
            {"StartAt": "First", "States": {
                "First": {"Type": "Pass", "Result": {"x": 1}, "Next": "Work"},
                "Work": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "End": true}
            }}
        ], "End": true}
    }});
    let m = machine(&mut e, "M", def, json!({"Work": failing_then_passing()}));
    let id = run(&mut e, &m, "{}");
    assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    let arn = e.execution(id).arn.clone();
    e.redrive_execution(&arn, None).unwrap();
    assert_eq!(e.run_until_idle(1000), Idle::Finished);
    assert_eq!(e.execution(id).status, ExecutionStatus::Succeeded);
    assert_eq!(e.execution(id).output, Some(json!(["L", {"ok": true}])));
    assert_eq!(count(&e, id, EventType::PassStateEntered, "Left"), 1);
    assert_eq!(count(&e, id, EventType::PassStateEntered, "First"), 1);
    assert_eq!(count(&e, id, EventType::TaskStateEntered, "Work"), 2);
}

#[test]
fn a_timed_out_execution_is_redriven_with_its_timeout_started_again() {
    let mut e = engine();
    let def = json!({"TimeoutSeconds": 10, "StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, "End": true}
    }});
    let m = e.create_state_machine("M", &def.to_string()).unwrap();
    let id = e.start_execution(&m, None, None).unwrap();
    assert!(matches!(
        e.settle(1000),
        Idle::WaitingForOutside | Idle::Finished
    ));
    assert_eq!(e.execution(id).status, ExecutionStatus::TimedOut);
    let arn = e.execution(id).arn.clone();
    e.redrive_execution(&arn, None).unwrap();
    e.run_until_idle(100);
    // A new timeout of 10 s from the redrive.
    e.advance_clock(9_000);
    e.run_until_idle(100);
    assert_eq!(e.execution(id).status, ExecutionStatus::Running);
    let token = e.pending_tasks()[0].token.clone();
    e.send_task_success(&token, r#""done""#).unwrap();
    assert_eq!(e.run_until_idle(100), Idle::Finished);
    assert_eq!(e.execution(id).status, ExecutionStatus::Succeeded);
    assert_eq!(e.execution(id).output, Some(json!("done")));
}

#[test]
fn an_aborted_execution_ignores_the_timeout_of_its_first_attempt() {
    let mut e = engine();
    let def = json!({"TimeoutSeconds": 10, "StartAt": "Ask", "States": {
        "Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}, "End": true}
    }});
    let m = e.create_state_machine("M", &def.to_string()).unwrap();
    let id = e.start_execution(&m, None, None).unwrap();
    e.run_until_idle(100);
    e.advance_clock(2_000);
    let arn = e.execution(id).arn.clone();
    e.stop_execution(&arn, Some("Stop"), None).unwrap();
    assert_eq!(e.execution(id).status, ExecutionStatus::Aborted);
    e.advance_clock(1_000);
    e.redrive_execution(&arn, None).unwrap();
    e.run_until_idle(100);
    // The first attempt's timeout (at 10 s) does not end the redriven one (due at 13 s).
    e.advance_clock(8_000);
    e.run_until_idle(100);
    assert_eq!(e.execution(id).status, ExecutionStatus::Running);
    e.advance_clock(2_000);
    e.run_until_idle(100);
    assert_eq!(e.execution(id).status, ExecutionStatus::TimedOut);
    assert_eq!(e.execution(id).redrive_count, 1);
}

#[test]
fn what_cannot_be_redriven_says_why() {
    let mut e = engine();
    let fail = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}});
    let m = e.create_state_machine("M", &fail.to_string()).unwrap();
    let id = run(&mut e, &m, "{}");
    let arn = e.execution(id).arn.clone();
    // Exactly 14 days after the stop it still can be; a moment later it cannot.
    e.advance_clock(14 * DAY);
    assert_eq!(e.redrive_status(id), (RedriveStatus::Redrivable, None));
    e.advance_clock(1);
    let err = e.redrive_execution(&arn, None).unwrap_err();
    assert_eq!(err.name, names::EXECUTION_NOT_REDRIVABLE);
    assert_eq!(err.message, "Execution redrivable period exceeded");

    let missing = format!("{}x", arn);
    assert_eq!(
        e.redrive_execution(&missing, None).unwrap_err().name,
        names::EXECUTION_DOES_NOT_EXIST
    );
    assert_eq!(
        e.redrive_execution("arn:aws:states:us-east-1:1:stateMachine:M", None)
            .unwrap_err()
            .name,
        names::INVALID_ARN
    );
    for bad in ["", "has space", &"x".repeat(65)] {
        assert_eq!(
            e.redrive_execution(&arn, Some(bad)).unwrap_err().name,
            names::VALIDATION
        );
    }

    // A Fail state fails again when redriven.
    let id = run(&mut e, &m, "{}");
    let arn = e.execution(id).arn.clone();
    e.redrive_execution(&arn, None).unwrap();
    e.run_until_idle(100);
    assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    assert_eq!(count(&e, id, EventType::FailStateEntered, "F"), 2);
    assert_eq!(e.execution(id).redrive_count, 1);

    // Express executions cannot be redriven.
    let x = e
        .create_state_machine_of_type("X", &fail.to_string(), crate::MachineType::Express)
        .unwrap();
    let id = run(&mut e, &x, "{}");
    assert_eq!(e.redrive_status(id).0, RedriveStatus::NotRedrivable);
}

#[test]
fn an_execution_started_before_redrive_existed_cannot_be_redriven() {
    let mut e = Engine::new(EngineConfig {
        epoch_millis: REDRIVE_LAUNCH_MILLIS - 1,
        ..EngineConfig::default()
    });
    let fail = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}});
    let m = e.create_state_machine("M", &fail.to_string()).unwrap();
    let id = run(&mut e, &m, "{}");
    assert_eq!(
        e.redrive_status(id),
        (
            RedriveStatus::NotRedrivable,
            Some("Execution was started before the launch of RedriveExecution".into())
        )
    );
}

#[test]
fn a_history_near_its_quota_cannot_be_redriven() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "F"},
        "F": {"Type": "Fail", "Error": "E"}
    }});
    for (limit, redrivable) in [(8, false), (9, true)] {
        let mut config = EngineConfig::default();
        config.limits.max_history_events = limit;
        let mut e = Engine::new(config);
        let m = e.create_state_machine("M", &def.to_string()).unwrap();
        let id = run(&mut e, &m, "{}");
        // Started, 2 × (Entered, Exited), FailStateEntered, ExecutionFailed.
        assert_eq!(e.execution(id).history.len(), 7);
        let (status, reason) = e.redrive_status(id);
        assert_eq!(
            status == RedriveStatus::Redrivable,
            redrivable,
            "{reason:?}"
        );
        if !redrivable {
            assert_eq!(
                reason.as_deref(),
                Some("Execution history event limit exceeded")
            );
        }
    }
}

#[test]
fn a_client_token_answers_its_redrive_again_for_15_minutes() {
    let mut e = engine();
    let fail = json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}});
    let m = e.create_state_machine("M", &fail.to_string()).unwrap();
    let id = run(&mut e, &m, "{}");
    let arn = e.execution(id).arn.clone();
    let first = e.redrive_execution(&arn, Some("tok-1")).unwrap();
    e.run_until_idle(100);
    e.advance_clock(60_000);
    // Failed again: the same token answers the first redrive instead of redriving.
    assert_eq!(e.redrive_execution(&arn, Some("tok-1")).unwrap(), first);
    assert_eq!(e.execution(id).redrive_count, 1);
    e.advance_clock(CLIENT_TOKEN_MILLIS);
    let again = e.redrive_execution(&arn, Some("tok-1")).unwrap();
    assert_ne!(again, first);
    assert_eq!(e.execution(id).redrive_count, 2);

    let listed = e
        .list_executions_filtered(None, None, Some("REDRIVEN"))
        .unwrap();
    assert_eq!(listed["executions"].as_array().unwrap().len(), 1);
    assert_eq!(listed["executions"][0]["redriveCount"], json!(2));
    let other = run(&mut e, &m, "{}");
    let listed = e
        .list_executions_filtered(None, None, Some("NOT_REDRIVEN"))
        .unwrap();
    assert_eq!(
        listed["executions"][0]["executionArn"],
        json!(e.execution(other).arn)
    );
    assert_eq!(
        e.list_executions_filtered(None, None, Some("NOPE"))
            .unwrap_err()
            .name,
        names::VALIDATION
    );
}

#[test]
fn a_redriven_parent_starts_a_new_child_and_the_failed_child_can_be_redriven_too() {
    let mut e = engine();
    let child_def = json!({"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "End": true}
    }});
    let child = machine(
        &mut e,
        "Child",
        child_def,
        json!({"Work": [{"Throw": {"Error": "Boom"}}, {"Return": "new"}, {"Return": "old"}]}),
    );
    let parent_def = json!({"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                 "Parameters": {"StateMachineArn": child, "Input": {"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
                 "OutputPath": "$.Output", "End": true}
    }});
    let parent = e
        .create_state_machine("Parent", &parent_def.to_string())
        .unwrap();
    let p = run(&mut e, &parent, "{}");
    assert_eq!(e.execution(p).status, ExecutionStatus::Failed);
    let first_child = e.children(p)[0];
    assert_eq!(e.execution(first_child).status, ExecutionStatus::Failed);
    // The parent's TaskFailed cause is the child's description; as in AWS's recordings, a
    // failed child's has no redrive fields.
    let cause = e.execution(p).cause.clone().unwrap();
    let described: Value = serde_json::from_str(&cause).unwrap();
    assert_eq!(described["Status"], json!("FAILED"));
    assert!(described.get("RedriveStatus").is_none());

    let parent_arn = e.execution(p).arn.clone();
    e.redrive_execution(&parent_arn, None).unwrap();
    assert_eq!(e.run_until_idle(1000), Idle::Finished);
    assert_eq!(e.execution(p).status, ExecutionStatus::Succeeded);
    assert_eq!(e.execution(p).output, Some(json!("new")));
    let kids = e.children(p);
    assert_eq!(kids.len(), 2, "both children are linked to the parent");
    assert_ne!(e.execution(kids[1]).arn, e.execution(first_child).arn);
    assert_eq!(e.execution(kids[1]).parent.as_ref().unwrap().execution, p);

    // The first child, redriven on its own, succeeds without touching its parent.
    let parent_events = e.execution(p).history.len();
    let child_arn = e.execution(first_child).arn.clone();
    e.redrive_execution(&child_arn, None).unwrap();
    assert_eq!(e.run_until_idle(1000), Idle::Finished);
    assert_eq!(e.execution(first_child).status, ExecutionStatus::Succeeded);
    assert_eq!(e.execution(first_child).output, Some(json!("old")));
    assert_eq!(e.execution(p).history.len(), parent_events);
    let d = e.describe_execution(&child_arn).unwrap();
    assert_eq!(d["redriveCount"], json!(1));
    assert_eq!(d["parentExecutionArn"], json!(parent_arn));
}

#[test]
fn an_execution_without_redrive_describes_its_redrive_status() {
    let mut e = engine();
    let pass = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}});
    let m = e.create_state_machine("M", &pass.to_string()).unwrap();
    let id = run(&mut e, &m, "{}");
    let d = e.describe_execution(&e.execution(id).arn.clone()).unwrap();
    assert_eq!(d["redriveCount"], json!(0));
    assert!(d.get("redriveDate").is_none());
    assert_eq!(d["redriveStatus"], json!("NOT_REDRIVABLE"));
    let listed = e.list_executions(None, None).unwrap();
    assert!(listed["executions"][0].get("redriveCount").is_none());
}

#[test]
fn a_distributed_map_redrives_its_map_run() {
    let mut e = engine();
    let def = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": LAMBDA, "End": true}}
        }, "End": true}
    }});
    let mocks = json!({"Work": [{"Return": "a"}, {"Throw": {"Error": "Boom"}}, {"Return": "b"}]});
    let m = machine(&mut e, "M", def, mocks);
    let id = run(&mut e, &m, "[1, 2]");
    assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    let arn = e.execution(id).arn.clone();
    e.redrive_execution(&arn, None).unwrap();
    assert_eq!(e.run_until_idle(1000), Idle::Finished);
    assert_eq!(e.execution(id).output, Some(json!(["a", "b"])));
    let h = &e.execution(id).history;
    let run_arn = |ty: EventType, key: &str| {
        let ev = h.iter().find(|ev| ev.event_type == ty).unwrap();
        ev.to_aws_json(true)[key].clone()
    };
    let started = run_arn(EventType::MapRunStarted, "mapRunStartedEventDetails");
    let redriven = run_arn(EventType::MapRunRedriven, "mapRunRedrivenEventDetails");
    assert_eq!(redriven["mapRunArn"], started["mapRunArn"]);
    assert_eq!(redriven["redriveCount"], json!(1));
    assert_eq!(
        types_after_redrive(&e, id),
        [
            "ExecutionRedriven",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunRedriven",
            "MapRunSucceeded",
            "MapStateSucceeded",
            "MapStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn variables_assigned_before_the_failure_are_there_after_the_redrive() {
    let mut e = engine();
    let def = json!({"StartAt": "Keep", "States": {
        "Keep": {"Type": "Pass", "Assign": {"kept": "yes"}, "Next": "Call"},
        "Call": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "Next": "Use"},
        "Use": {"Type": "Pass", "Parameters": {"kept.$": "$kept"}, "End": true}
    }});
    let m = machine(&mut e, "M", def, json!({"Call": failing_then_passing()}));
    let id = run(&mut e, &m, "{}");
    let arn = e.execution(id).arn.clone();
    e.redrive_execution(&arn, None).unwrap();
    e.run_until_idle(1000);
    assert_eq!(e.execution(id).output, Some(json!({"kept": "yes"})));
}

#[test]
fn iterations_aborted_by_a_failing_sibling_resume_where_they_were() {
    let mut e = engine();
    // Item 1 fails at once; items 0 and 2 are waiting when the Map gives up on them.
    let def = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Which", "States": {
                "Which": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "Work"}], "Default": "Nap"},
                "Nap": {"Type": "Wait", "Seconds": 10, "Next": "Done"},
                "Done": {"Type": "Pass", "Result": "slept", "End": true},
                "Work": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "End": true}
            }
        }, "End": true}
    }});
    let m = machine(&mut e, "M", def, json!({"Work": failing_then_passing()}));
    let id = e.start_execution(&m, None, Some("[0, 1, 2]")).unwrap();
    e.run_until_idle(1000);
    assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    assert_eq!(count(&e, id, EventType::WaitStateEntered, "Nap"), 2);
    let arn = e.execution(id).arn.clone();
    e.redrive_execution(&arn, None).unwrap();
    assert_eq!(e.settle(10_000), Idle::Finished);
    assert_eq!(e.execution(id).status, ExecutionStatus::Succeeded);
    assert_eq!(
        e.execution(id).output,
        Some(json!(["slept", {"ok": true}, "slept"]))
    );
    // The aborted iterations go on at their Wait; their Choice does not run again.
    assert_eq!(count(&e, id, EventType::ChoiceStateEntered, "Which"), 3);
    assert_eq!(count(&e, id, EventType::WaitStateEntered, "Nap"), 4);
}

#[test]
fn an_execution_stopped_mid_map_resumes_its_running_and_unstarted_iterations() {
    let mut e = engine();
    let def = json!({"StartAt": "Each", "States": {
        "Each": {"Type": "Map", "MaxConcurrency": 2, "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Nap", "States": {
                "Nap": {"Type": "Wait", "Seconds": 5, "Next": "Done"},
                "Done": {"Type": "Pass", "End": true}
            }
        }, "End": true}
    }});
    let m = e.create_state_machine("M", &def.to_string()).unwrap();
    let id = e.start_execution(&m, None, Some("[1, 2, 3, 4]")).unwrap();
    e.run_until_idle(1000);
    e.advance_clock(5_000);
    e.run_until_idle(1000);
    // Items 1 and 2 are done; 3 and 4 wait.
    let arn = e.execution(id).arn.clone();
    e.stop_execution(&arn, None, None).unwrap();
    assert_eq!(e.execution(id).status, ExecutionStatus::Aborted);
    e.redrive_execution(&arn, None).unwrap();
    assert_eq!(e.settle(10_000), Idle::Finished);
    assert_eq!(e.execution(id).output, Some(json!([1, 2, 3, 4])));
    assert_eq!(count(&e, id, EventType::PassStateEntered, "Done"), 4);
}

#[test]
fn an_execution_can_be_redriven_again_after_failing_again() {
    let mut e = engine();
    let def = json!({"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": LAMBDA, "Parameters": {"FunctionName": "f"}, "End": true}
    }});
    let answers =
        json!({"Call": [{"Throw": {"Error": "A"}}, {"Throw": {"Error": "B"}}, {"Return": 3}]});
    let m = machine(&mut e, "M", def, answers);
    let id = run(&mut e, &m, "{}");
    let arn = e.execution(id).arn.clone();
    e.redrive_execution(&arn, None).unwrap();
    e.run_until_idle(100);
    assert_eq!(e.execution(id).error.as_deref(), Some("B"));
    e.advance_clock(1000);
    e.redrive_execution(&arn, None).unwrap();
    e.run_until_idle(100);
    assert_eq!(e.execution(id).status, ExecutionStatus::Succeeded);
    assert_eq!(e.execution(id).redrive_count, 2);
    let counts: Vec<Value> = e
        .execution(id)
        .history
        .iter()
        .filter(|ev| ev.event_type == EventType::ExecutionRedriven)
        .map(|ev| ev.to_aws_json(true)["executionRedrivenEventDetails"]["redriveCount"].clone())
        .collect();
    assert_eq!(counts, [json!(1), json!(2)]);
}

#[test]
fn a_failure_deep_inside_a_parallel_and_a_map_reruns_only_that_iteration() {
    let mut e = engine();
    let def = json!({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Branches": [
            {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": "L", "End": true}}},
            {"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 1,
                "ItemsPath": "$.items", "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Work", "States": {"Work": {"Type": "Task", "Resource": LAMBDA,
                    "Parameters": {"FunctionName": "f", "item.$": "$"}, "End": true}}
            }, "End": true}}}
        ], "End": true}
    }});
    let answers = json!({"Work": [{"Return": "a"}, {"Throw": {"Error": "Boom"}}, {"Return": "b"}]});
    let m = machine(&mut e, "M", def, answers);
    let id = run(&mut e, &m, r#"{"items": [1, 2]}"#);
    assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    let arn = e.execution(id).arn.clone();
    e.redrive_execution(&arn, None).unwrap();
    e.run_until_idle(1000);
    assert_eq!(e.execution(id).status, ExecutionStatus::Succeeded);
    assert_eq!(e.execution(id).output, Some(json!(["L", ["a", "b"]])));
    assert_eq!(count(&e, id, EventType::TaskScheduled, "Work"), 3);
    assert_eq!(count(&e, id, EventType::PassStateEntered, "Left"), 1);
    // The redriven iteration's events carry its place in the tree.
    let last_work = e
        .execution(id)
        .history
        .iter()
        .rfind(|ev| ev.event_type == EventType::TaskScheduled)
        .unwrap();
    assert_eq!(&*last_work.scope, &[1, 1]);
}
