//! What RedriveExecution refuses, and what it answers without redriving: eligibility, the
//! history quota, client tokens and the redrive status DescribeExecution reports.

use super::*;

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
