//! History events as AWS's GetExecutionHistory returns them.

use serde_json::{json, Map, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp_millis: i64,
    /// AWS's event type (`PassStateEntered`, `TaskScheduled`, ...).
    pub event_type: &'static str,
    /// The `<kind>EventDetails` object keyed by its AWS name, or `Value::Null` for events without one.
    pub details: Value,
    /// The state the event belongs to, for UIs (AWS puts it only in some details).
    pub state_name: Option<String>,
    /// Which Map iteration / Parallel branch the event happened in, outermost first
    /// (`[index]` per level); empty at the top level. UIs use it to colour nested graphs.
    pub scope: Vec<u32>,
}

impl HistoryEvent {
    /// The event as AWS's JSON API shows it (details with JSON-text payloads).
    pub fn to_aws_json(&self, include_data: bool) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("previousEventId".into(), json!(self.previous_event_id));
        o.insert("timestamp".into(), json!(crate::clock::iso8601(self.timestamp_millis)));
        o.insert("type".into(), json!(self.event_type));
        if let Value::Object(d) = &self.details {
            for (k, v) in d {
                let mut v = v.clone();
                if !include_data {
                    strip_data(&mut v);
                }
                o.insert(k.clone(), v);
            }
        }
        Value::Object(o)
    }

    /// The detail object's body (without its `<kind>EventDetails` key).
    pub fn detail_body(&self) -> Option<&Map<String, Value>> {
        self.details.as_object()?.values().next()?.as_object()
    }
}

/// `includeExecutionData: false` removes inputs and outputs, as AWS does.
fn strip_data(v: &mut Value) {
    if let Value::Object(o) = v {
        for k in ["input", "output", "parameters"] {
            o.remove(k);
        }
    }
}

/// Payloads in history details are JSON text, as in AWS.
pub fn payload_text(v: &Value) -> Value {
    Value::String(v.to_string())
}

pub fn truncated_false() -> Value {
    json!({"truncated": false})
}
