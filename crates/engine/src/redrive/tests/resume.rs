//! Where a redriven execution resumes: the failed state with its input and variables, the
//! execution timeout started again, a second redrive after a second failure.

use super::*;

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
