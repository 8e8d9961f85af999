//! One scenario whose full history is kept as a golden file: seeded randomness (MathRandom,
//! UUID, execution names, task tokens), a Map with waits, a nested `.sync` child and a retry.
//! Both the native tests and the browser tests render it and compare with the file.

use serde_json::json;
use stepwise_engine::{Engine, EngineConfig, Idle};

pub fn render() -> String {
    let mut e = Engine::new(EngineConfig::default());
    let child = json!({"StartAt": "Flaky", "States": {"Flaky": {"Type": "Pass", "Parameters": {"id.$": "States.UUID()"}, "End": true}}});
    let parent = json!({"StartAt": "R", "States": {
        "R": {"Type": "Pass", "Parameters": {"r.$": "States.MathRandom(1, 1000)", "u.$": "States.UUID()"}, "ResultPath": "$.random", "Next": "M"},
        "M": {"Type": "Map", "ItemsPath": "$.xs", "ResultPath": "$.m",
              "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}, "Next": "C"},
        "C": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
              "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Child", "Input.$": "$"},
              "ResultSelector": {"child.$": "$.Output"}, "End": true}}});
    e.create_state_machine("Child", &child.to_string())
        .expect("child");
    let arn = e
        .create_state_machine("Parent", &parent.to_string())
        .expect("parent");
    let id = e
        .start_execution(&arn, None, Some(r#"{"xs": [1, 2, 3]}"#))
        .expect("start");
    for _ in 0..1000 {
        match e.run_until_idle(10_000) {
            Idle::WaitingForTimer(_) => {
                e.advance_to_next_timer();
            }
            Idle::BudgetSpent => {}
            _ => break,
        }
    }
    let mut all = Vec::new();
    for x in e.executions() {
        all.push(
            e.get_execution_history(&x.arn, false, true)
                .expect("history"),
        );
    }
    let _ = id;
    // An engine fault would also fail an execution, but say which one it was.
    assert!(
        e.internal_errors().is_empty(),
        "engine faults: {:?}",
        e.internal_errors()
    );
    serde_json::to_string_pretty(&all).expect("json")
}
