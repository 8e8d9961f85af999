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
    assert_eq!(
        run.history.last().unwrap().event_type,
        EventType::ExecutionTimedOut
    );
}

#[test]
fn jsonata_now_and_millis_are_the_executions_virtual_time() {
    // Every way an expression can ask for the time gives the engine's clock at the state, not the
    // machine's: `$now()`, `$millis()`, and a `$toMillis` picture that takes its date from the
    // current instant. (`$eval`, which could name `$now` without mentioning it, is withdrawn.)
    let epoch = 1_700_000_000_123; // 2023-11-14T22:13:20.123Z
    let clock = json!({
        "now": "{% $now() %}",
        "millis": "{% $millis() %}",
        "halfPastTen": "{% $toMillis('10:30', '[H01]:[m01]') %}"
    });
    let machine = json!({"QueryLanguage": "JSONata", "StartAt": "First", "States": {
        "First": {"Type": "Pass", "Output": {"first": clock}, "Next": "Later"},
        "Later": {"Type": "Wait", "Seconds": 90000, "Next": "Second"},
        "Second": {"Type": "Pass", "Output": {"first": "{% $states.input.first %}", "second": clock}, "End": true}
    }});
    let mut e = Engine::new(EngineConfig {
        epoch_millis: epoch,
        ..EngineConfig::default()
    });
    e.create_state_machine("Clock", &machine.to_string())
        .unwrap();
    let id = start(&mut e, "Clock", json!({}));
    let run = e.execution(id);
    assert_eq!(
        run.status,
        ExecutionStatus::Succeeded,
        "{:?} {:?}",
        run.error,
        run.cause
    );
    let later = epoch + 90_000_000; // 2023-11-15T23:13:20.123Z
    assert_eq!(
        run.output,
        Some(json!({
            "first": {
                "now": "2023-11-14T22:13:20.123Z",
                "millis": epoch,
                "halfPastTen": 1_699_957_800_000_i64
            },
            "second": {
                "now": iso8601(later),
                "millis": later,
                "halfPastTen": 1_699_957_800_000_i64 + 86_400_000
            }
        }))
    );
    assert_eq!(iso8601(later), "2023-11-15T23:13:20.123Z");
}
