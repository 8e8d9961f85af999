//! History events, kept compact while an execution runs and shown as AWS's
//! GetExecutionHistory JSON only when someone reads them.
//!
//! Recording is on the hot path of every transition, so an event holds its details as a short
//! list of typed fields: names and payload texts are shared (`Arc<str>`) with the engine instead
//! of copied, and no JSON map is built until `to_aws_json`.

mod event_type;

pub use event_type::{EventType, Stage, StateType, Subject};
use std::borrow::Cow;
use std::sync::Arc;
use stepwise_json::{json, Map, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEvent {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp_millis: i64,
    /// AWS's event type (`PassStateEntered`, `TaskScheduled`, ...).
    pub event_type: EventType,
    pub details: Details,
    /// The state the event belongs to, for UIs (AWS puts it only in some details).
    pub state_name: Option<Arc<str>>,
    /// Which Map iteration / Parallel branch the event happened in, outermost first
    /// (`[index]` per level); empty at the top level. UIs use it to colour nested graphs.
    pub scope: Arc<[u32]>,
}

impl HistoryEvent {
    /// The event as AWS's JSON API shows it (details with JSON-text payloads).
    pub fn to_aws_json(&self, include_data: bool) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("previousEventId".into(), json!(self.previous_event_id));
        o.insert(
            "timestamp".into(),
            json!(crate::clock::iso8601(self.timestamp_millis)),
        );
        o.insert("type".into(), json!(self.event_type.as_str()));
        if !self.details.is_empty() {
            o.insert(self.details.key.into(), self.details.body(include_data));
        }
        Value::Object(o)
    }
}

/// One `<kind>EventDetails` object: AWS's key for it and its fields in AWS's order. An event
/// without details has an empty key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Details {
    key: &'static str,
    fields: Vec<(&'static str, Field)>,
}

/// A detail field's value, as the engine had it when the event happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    Text(Arc<str>),
    Int(i64),
    /// A payload (`input`, `output`, `parameters`). AWS pairs it with a `<name>Details`
    /// object, and leaves it out when execution data is not included.
    Payload(Payload),
    /// A payload AWS shows without a `<name>Details` sibling (TaskScheduled's `parameters`).
    BarePayload(Arc<str>),
    /// `assignedVariables`: each variable with its value as JSON text.
    Variables(Box<[(String, String)]>),
    /// Boxed to keep every field small: detail lists are allocated for every event.
    Json(Box<Value>),
}

impl Field {
    pub fn text(s: impl Into<Arc<str>>) -> Field {
        Field::Text(s.into())
    }
}

/// A payload as an event keeps it.
#[derive(Clone, Debug)]
pub enum Payload {
    /// Its JSON text, shared with the engine (or with a value's remembered text).
    Text(Arc<str>),
    /// A payload only history shows and no size limit applies to, kept as the few facts it is
    /// made of and written out when the event is read (a StartExecution response: hundreds of
    /// bytes of SDK metadata per child execution, from an ARN, a request id and two dates).
    Deferred(Arc<dyn DeferredJson>),
}

/// What a [`Payload::Deferred`] is made from: writes its compact JSON text.
pub trait DeferredJson: std::fmt::Debug + Send + Sync {
    fn json_text(&self) -> String;
}

impl Payload {
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Payload::Text(t) => Cow::Borrowed(t),
            Payload::Deferred(d) => Cow::Owned(d.json_text()),
        }
    }
}

impl From<Arc<str>> for Payload {
    fn from(text: Arc<str>) -> Self {
        Payload::Text(text)
    }
}

impl PartialEq for Payload {
    fn eq(&self, other: &Payload) -> bool {
        self.text() == other.text()
    }
}

impl Details {
    pub fn none() -> Self {
        Details::default()
    }

    /// Starts the details object `key` (`stateEnteredEventDetails`, ...).
    pub fn new(key: &'static str) -> Self {
        Details {
            key,
            fields: Vec::with_capacity(2),
        }
    }

    pub fn text(self, name: &'static str, value: impl Into<Arc<str>>) -> Self {
        self.field(name, Field::text(value))
    }

    pub fn int(self, name: &'static str, value: i64) -> Self {
        self.field(name, Field::Int(value))
    }

    pub fn payload(self, name: &'static str, payload: impl Into<Payload>) -> Self {
        self.field(name, Field::Payload(payload.into()))
    }

    pub fn field(mut self, name: &'static str, value: Field) -> Self {
        self.fields.push((name, value));
        self
    }

    /// Adds a field only when there is a value for it.
    pub fn maybe(self, name: &'static str, value: Option<Field>) -> Self {
        match value {
            Some(v) => self.field(name, v),
            None => self,
        }
    }

    /// AWS's key for this object; empty when the event has no details.
    pub fn key(&self) -> &'static str {
        self.key
    }

    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// A text field (`name`, `error`, `resource`, ...).
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.get(name)? {
            Field::Text(s) => Some(s),
            _ => None,
        }
    }

    /// A payload field's JSON text (`input`, `output`, `parameters`).
    pub fn json_text(&self, name: &str) -> Option<Cow<'_, str>> {
        match self.get(name)? {
            Field::BarePayload(s) => Some(Cow::Borrowed(s)),
            Field::Payload(p) => Some(p.text()),
            _ => None,
        }
    }

    /// The object's body as AWS shows it.
    pub fn body(&self, include_data: bool) -> Value {
        let mut o = Map::new();
        for (name, value) in &self.fields {
            match value {
                Field::Text(s) => {
                    o.insert((*name).into(), Value::String(s.to_string()));
                }
                Field::Int(i) => {
                    o.insert((*name).into(), json!(i));
                }
                Field::Payload(payload) => {
                    // `includeExecutionData: false` removes inputs and outputs, as AWS does.
                    if include_data {
                        o.insert((*name).into(), Value::String(payload.text().into_owned()));
                    }
                    o.insert(format!("{name}Details").into(), json!({"truncated": false}));
                }
                Field::BarePayload(text) => {
                    if include_data {
                        o.insert((*name).into(), Value::String(text.to_string()));
                    }
                }
                Field::Variables(vars) => {
                    let shown: Map = vars
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect();
                    o.insert((*name).into(), Value::Object(shown));
                    o.insert(format!("{name}Details").into(), json!({"truncated": false}));
                }
                Field::Json(v) => {
                    o.insert((*name).into(), Value::clone(v));
                }
            }
        }
        Value::Object(o)
    }
}

/// A payload as history records it: its compact JSON text (shared with the value's own
/// remembered text when it is large, see `stepwise_json`).
pub fn payload_text(v: &Value) -> Arc<str> {
    v.to_json_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(details: Details) -> HistoryEvent {
        HistoryEvent {
            id: 2,
            previous_event_id: 1,
            timestamp_millis: 0,
            event_type: EventType::PassStateExited,
            details,
            state_name: Some("A".into()),
            scope: Arc::from([]),
        }
    }

    #[test]
    fn renders_payloads_with_their_details_and_strips_them_without_data() {
        let d = Details::new("stateExitedEventDetails")
            .field(
                "assignedVariables",
                Field::Variables(Box::new([("x".into(), "1".into())])),
            )
            .text("name", "A")
            .payload("output", Arc::from(r#"{"a":1}"#));
        let full = event(d).to_aws_json(true);
        assert_eq!(
            full["stateExitedEventDetails"],
            json!({
                "assignedVariables": {"x": "1"}, "assignedVariablesDetails": {"truncated": false},
                "name": "A", "output": "{\"a\":1}", "outputDetails": {"truncated": false}
            })
        );
        let keys: Vec<&str> = full["stateExitedEventDetails"]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            [
                "assignedVariables",
                "assignedVariablesDetails",
                "name",
                "output",
                "outputDetails"
            ]
        );
        let bare = event(
            Details::new("stateExitedEventDetails")
                .text("name", "A")
                .payload("output", Arc::from("1")),
        )
        .to_aws_json(false);
        assert_eq!(
            bare["stateExitedEventDetails"],
            json!({"name": "A", "outputDetails": {"truncated": false}})
        );
    }

    #[test]
    fn an_event_without_details_has_only_the_common_fields() {
        let v = event(Details::none()).to_aws_json(true);
        assert_eq!(
            v.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["id", "previousEventId", "timestamp", "type"]
        );
    }

    #[test]
    fn fields_read_back_by_name() {
        let d = Details::new("taskScheduledEventDetails")
            .payload("parameters", Arc::from("{}"))
            .int("timeoutInSeconds", 5);
        assert_eq!(d.json_text("parameters").as_deref(), Some("{}"));
        assert_eq!(d.get("timeoutInSeconds"), Some(&Field::Int(5)));
        assert_eq!(d.str("missing"), None);
        assert_eq!(d.key(), "taskScheduledEventDetails");
    }
}
