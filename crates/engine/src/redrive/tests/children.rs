//! Map, Parallel and child executions on redrive: only the children that did not succeed run
//! again, each from where it stopped.

use super::*;

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
