//! One event of a recorded history, kept as AWS printed it.

use serde::Serialize;
use serde_json::Value;
use stepwise_engine::history::EventType;

/// An event of `get-execution-history`, verbatim (`raw`), with the few facts the importer and
/// the replay read from it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedEvent {
    pub id: u64,
    pub previous_event_id: u64,
    /// AWS's event type as printed; see [`is_known_event_type`] (an unknown one is kept).
    pub event_type: String,
    /// The timestamp in milliseconds since the Unix epoch, when it could be read (the CLI prints
    /// ISO 8601 in v2 and epoch seconds in v1).
    pub timestamp_millis: Option<i64>,
    /// The state the event belongs to: the `name` of its details, or that of the event it
    /// follows (`previousEventId`), as the console shows it. `None` for execution-level events.
    pub state_name: Option<String>,
    /// The whole event as printed (every field AWS gave, unknown ones included).
    pub raw: Value,
}

impl RecordedEvent {
    /// The `<kind>EventDetails` object and its key, if the event has one.
    pub fn details(&self) -> Option<(&str, &serde_json::Map<String, Value>)> {
        self.raw.as_object()?.iter().find_map(|(k, v)| {
            if k.ends_with("EventDetails") {
                v.as_object().map(|o| (k.as_str(), o))
            } else {
                None
            }
        })
    }

    /// A details field as text (`name`, `error`, `resource`...), or a payload's JSON text.
    pub fn detail_str(&self, field: &str) -> Option<&str> {
        self.details()?.1.get(field)?.as_str()
    }

    /// A payload of the details (`input`, `output`, `parameters`), decoded from its JSON text.
    /// `None` when absent or not JSON text.
    pub fn payload(&self, field: &str) -> Option<Value> {
        serde_json::from_str(self.detail_str(field)?).ok()
    }

    pub fn is_known(&self) -> bool {
        is_known_event_type(&self.event_type)
    }

    /// The event's type, when AWS's API lists it.
    pub fn kind(&self) -> Option<EventType> {
        event_type(&self.event_type)
    }

    /// Whether the event is of type `t` (a text comparison: no parse).
    pub fn is(&self, t: EventType) -> bool {
        self.event_type == t.as_str()
    }

    /// Whether the event is of one of `types`.
    pub fn is_any(&self, types: &[EventType]) -> bool {
        types.iter().any(|t| self.is(*t))
    }
}

/// The event's type as the engine knows it: one of AWS's `HistoryEventType` values. An event of
/// another type is kept and shown; the replay reports it rather than guessing what it means.
pub fn event_type(t: &str) -> Option<EventType> {
    EventType::parse(t)
}

pub fn is_known_event_type(t: &str) -> bool {
    event_type(t).is_some()
}

/// The event that ends an execution (a redrive may start it again).
pub fn is_terminal(t: &str) -> bool {
    event_type(t).is_some_and(EventType::ends_execution)
}

/// The status an execution has after its terminal event.
pub fn status_of_terminal(t: &str) -> Option<&'static str> {
    Some(match event_type(t)? {
        EventType::ExecutionSucceeded => "SUCCEEDED",
        EventType::ExecutionFailed => "FAILED",
        EventType::ExecutionTimedOut => "TIMED_OUT",
        EventType::ExecutionAborted => "ABORTED",
        _ => return None,
    })
}

/// Reads a timestamp as the AWS CLI prints it: ISO 8601 (`2024-05-14T09:30:00.123000+02:00`,
/// CLI v2) or epoch seconds with a fraction (`1715679000.123`, CLI v1).
pub fn timestamp_millis(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => stepwise_engine::clock::parse_iso8601(s),
        Value::Number(n) => {
            let secs = n.as_f64()?;
            (secs.is_finite() && secs.abs() < 1e13).then(|| (secs * 1000.0).round() as i64)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_both_cli_timestamp_forms() {
        let iso = timestamp_millis(&json!("2024-05-14T09:30:00.123000+00:00")).unwrap();
        let epoch = timestamp_millis(&json!(1715679000.123)).unwrap();
        assert_eq!(iso, epoch);
        assert_eq!(
            timestamp_millis(&json!("2024-05-14T11:30:00.123+02:00")),
            Some(iso)
        );
        assert_eq!(timestamp_millis(&json!("yesterday")), None);
        assert_eq!(timestamp_millis(&json!(true)), None);
    }

    #[test]
    fn known_types_and_terminal_events() {
        assert!(is_known_event_type("TaskSubmitted"));
        assert!(!is_known_event_type("TaskSubmited"));
        assert_eq!(status_of_terminal("ExecutionTimedOut"), Some("TIMED_OUT"));
        assert!(!is_terminal("ExecutionStarted"));
    }
}
