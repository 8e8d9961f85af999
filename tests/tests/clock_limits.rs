//! The virtual clock never leaves the range a JS `Date` can show, however far a host moves it
//! or wherever it starts; and the one-year maximum run time is a backstop, not a timer of its own.

use stepwise_engine::clock::{iso8601, MAX_EXECUTION_MILLIS, MAX_MILLIS};
use stepwise_engine::{Engine, EngineConfig, ExecutionStatus, Idle};
use stepwise_json::json;
use stepwise_tests::*;

#[test]
fn advancing_the_clock_stops_at_the_last_instant_a_js_date_shows() {
    let mut e = Engine::new(EngineConfig::default());
    e.advance_clock(i64::MAX);
    assert_eq!(e.now_millis(), MAX_MILLIS);
    e.advance_clock(i64::MAX);
    assert_eq!(e.now_millis(), MAX_MILLIS);
    assert_eq!(iso8601(e.now_millis()), "275760-09-13T00:00:00.000Z");
}

#[test]
fn timers_near_the_end_of_time_stay_showable() {
    let config = EngineConfig {
        epoch_millis: MAX_MILLIS - 1000,
        ..EngineConfig::default()
    };
    let mut e = Engine::new(config);
    let wait = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 99999999, "End": true}}});
    e.create_state_machine("Late", &wait.to_string()).unwrap();
    let id = start(&mut e, "Late", json!({}));
    let run = e.execution(id);
    assert_eq!(run.status, ExecutionStatus::TimedOut);
    assert!(run.history.iter().all(|h| h.timestamp_millis <= MAX_MILLIS));
}

#[test]
fn the_maximum_run_time_fires_only_when_time_passes_it() {
    let machine = json!({"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "f", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}});
    let mut e = engine_with(&[("Ask", machine)]);
    let id = start(&mut e, "Ask", json!({}));
    // Waiting for an answer: nothing to jump to.
    assert_eq!(e.idle(), Idle::WaitingForOutside);
    assert_eq!(e.execution(id).status, ExecutionStatus::Running);
    // A host that lets a year pass sees the execution time out.
    e.advance_clock(MAX_EXECUTION_MILLIS);
    settle(&mut e);
    let run = e.execution(id);
    assert_eq!(run.status, ExecutionStatus::TimedOut);
    assert_eq!(run.error.as_deref(), Some("States.Timeout"));
    assert_eq!(run.history.last().unwrap().event_type, "ExecutionTimedOut");
}
