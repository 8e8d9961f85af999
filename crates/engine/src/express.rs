//! What an Express execution leaves behind. AWS keeps no history for Express workflows
//! (GetExecutionHistory is not supported for them); their events go to CloudWatch Logs, one log
//! record per event, with snake_case fields, ids and times as strings and the event's details
//! under `details`.

use crate::execution::Execution;
use crate::history::HistoryEvent;
use stepwise_json::{json, Map, Value};

/// One event as the CloudWatch Logs record an Express execution writes (log level ALL, execution
/// data included when `include_data`).
pub fn log_record(execution_arn: &str, event: &HistoryEvent, include_data: bool) -> Value {
    let details = if event.details.is_empty() {
        Value::Object(Map::new())
    } else {
        event.details.body(include_data)
    };
    json!({
        "id": event.id.to_string(),
        "type": event.event_type.as_str(),
        "details": details,
        "previous_event_id": event.previous_event_id.to_string(),
        "event_timestamp": event.timestamp_millis.to_string(),
        "execution_arn": execution_arn,
    })
}

/// Every event of an execution as log records, in order.
pub fn log_records(execution: &Execution, include_data: bool) -> Vec<Value> {
    execution
        .history
        .iter()
        .map(|e| log_record(&execution.arn, e, include_data))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{Engine, EngineConfig, MachineType};

    const WAIT: &str =
        r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}"#;

    #[test]
    fn express_executions_have_their_own_arns_and_five_minutes() {
        let mut engine = Engine::new(EngineConfig::default());
        let arn = engine
            .create_state_machine_of_type("Quick", WAIT, MachineType::Express)
            .unwrap();
        let a = engine.start_execution(&arn, Some("same"), None).unwrap();
        let b = engine.start_execution(&arn, Some("same"), None).unwrap();
        assert_ne!(a, b, "Express names may repeat");
        let arn_a = engine.execution(a).arn.clone();
        assert!(
            arn_a.starts_with("arn:aws:states:us-east-1:123456789012:express:Quick:same:"),
            "{arn_a}"
        );
        engine.settle(1000);
        let e = engine.execution(a);
        assert_eq!(e.status.as_str(), "TIMED_OUT");
        assert_eq!(e.error.as_deref(), Some("States.Timeout"));
        assert_eq!(e.stop_millis.unwrap() - e.start_millis, 300_000);
        let records = super::log_records(e, true);
        assert_eq!(
            records.last().unwrap()["type"],
            crate::history::EventType::ExecutionTimedOut.as_str()
        );
        assert_eq!(records[0]["id"], "1");
        assert_eq!(records[0]["execution_arn"], arn_a.as_str());
        assert_eq!(records[0]["details"]["input"], "{}");
        assert_eq!(
            engine.describe_state_machine(&arn).unwrap()["type"],
            "EXPRESS"
        );

        // AWS keeps no history of it: GetExecutionHistory refuses the Express ARN.
        let refused = engine
            .get_execution_history(&arn_a, false, true)
            .unwrap_err();
        assert_eq!(refused.name, "InvalidArn");
        assert!(refused.message.contains("express"), "{}", refused.message);

        // The same wait in a Standard machine simply ends.
        let std_arn = engine.create_state_machine("Slow", WAIT).unwrap();
        let s = engine.start_execution(&std_arn, None, None).unwrap();
        engine.settle(1000);
        assert_eq!(engine.execution(s).status.as_str(), "SUCCEEDED");
    }

    #[test]
    fn express_machines_refuse_sync_and_callbacks_when_created() {
        let mut engine = Engine::new(EngineConfig::default());
        let def = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true,
            "Parameters": {"QueueUrl": "q", "MessageBody": {"t.$": "$$.Task.Token"}}}}}"#;
        let e = engine
            .create_state_machine_of_type("Cb", def, MachineType::Express)
            .unwrap_err();
        assert_eq!(e.name, "InvalidDefinition");
        assert!(
            e.message
                .contains("Express state machine does not support '.waitForTaskToken'"),
            "{}",
            e.message
        );
        assert!(engine.create_state_machine("Cb", def).is_ok());
    }
}
