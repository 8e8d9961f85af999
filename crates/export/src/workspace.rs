//! The workspace file: what the playground saves and loads, and what `stepwise export` reads.
//!
//! ```json
//! {
//!   "version": 1,
//!   "machines": [
//!     { "name": "Parent", "definition": { "StartAt": "Call", "States": { } } },
//!     { "name": "HelloWorld", "definition": "{\"StartAt\": \"Hi\", ... }" }
//!   ],
//!   "input": { "any": "JSON" },
//!   "mocks": { }
//! }
//! ```
//!
//! * `version` — always `1` for this shape; anything else is refused so that a newer file is
//!   not silently misread.
//! * `machines[].name` — the state machine name. Machines call each other through the ARN
//!   `arn:aws:states:<region>:<account>:stateMachine:<name>`; the playground uses region
//!   `us-east-1` and account `123456789012`.
//! * `machines[].definition` — the ASL document, either as a JSON object or as the text typed
//!   in the editor (a JSON string holding JSON). Text is kept as text so that a half-typed
//!   definition can still be saved; it is parsed only when needed.
//! * `input` — execution input: JSON, or the raw editor text as a string. Optional.
//! * `mocks` — the playground's mocked service responses; opaque to the exporter. Optional.
//! * `machines[].versions`, `machines[].aliases` — the playground's published versions
//!   (`{number, definition, type?, description?}`) and aliases (`{name, description?, routing:
//!   [{version, weight}]}`); the exporter ignores them and derives the versions and aliases it
//!   emits from the ARNs the machines call. Optional.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ExportError;

/// The only workspace format version this crate reads and writes.
pub const WORKSPACE_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    pub version: u32,
    pub machines: Vec<Machine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mocks: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub name: String,
    pub definition: Value,
}

impl Workspace {
    /// A version-1 workspace holding the given machines and no input or mocks.
    pub fn new(machines: Vec<Machine>) -> Self {
        Workspace {
            version: WORKSPACE_VERSION,
            machines,
            input: None,
            mocks: None,
        }
    }

    /// Parses workspace JSON text and checks its version.
    pub fn from_json(text: &str) -> Result<Self, ExportError> {
        let ws: Workspace = serde_json::from_str(text)
            .map_err(|e| ExportError::InvalidWorkspace(format!("not a workspace file: {e}")))?;
        if ws.version != WORKSPACE_VERSION {
            return Err(ExportError::InvalidWorkspace(format!(
                "unsupported workspace version {} (this build reads version {WORKSPACE_VERSION})",
                ws.version
            )));
        }
        Ok(ws)
    }

    /// Pretty JSON text of the workspace, as the playground's "Save" writes it.
    pub fn to_json_pretty(&self) -> String {
        // Serializing plain serde_json values and strings cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn machine(&self, name: &str) -> Option<&Machine> {
        self.machines.iter().find(|m| m.name == name)
    }
}

impl Machine {
    pub fn new(name: impl Into<String>, definition: Value) -> Self {
        Machine {
            name: name.into(),
            definition,
        }
    }

    /// The definition as a JSON object, parsing it first when it was stored as editor text.
    pub fn definition_object(&self) -> Result<Value, ExportError> {
        let value = match &self.definition {
            Value::String(text) => {
                serde_json::from_str::<Value>(text).map_err(|e| ExportError::InvalidDefinition {
                    machine: self.name.clone(),
                    reason: format!("definition text is not valid JSON: {e}"),
                })?
            }
            other => other.clone(),
        };
        if !value.is_object() {
            return Err(ExportError::InvalidDefinition {
                machine: self.name.clone(),
                reason: "definition must be a JSON object".into(),
            });
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_object_and_text_definitions() {
        let text = r#"{"version":1,"machines":[
            {"name":"A","definition":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}},
            {"name":"B","definition":"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Succeed\"}}}"}
        ],"input":"raw text"}"#;
        let ws = Workspace::from_json(text).unwrap();
        assert_eq!(ws.machines.len(), 2);
        assert_eq!(ws.input, Some(json!("raw text")));
        assert_eq!(ws.mocks, None);
        let b = ws.machine("B").unwrap().definition_object().unwrap();
        assert_eq!(b["States"]["P"]["Type"], "Succeed");
    }

    #[test]
    fn round_trips_through_json() {
        let mut ws = Workspace::new(vec![Machine::new(
            "A",
            json!({"StartAt": "X", "States": {}}),
        )]);
        ws.mocks = Some(json!({"X": {"0": {"Return": 1}}}));
        let back = Workspace::from_json(&ws.to_json_pretty()).unwrap();
        assert_eq!(back, ws);
    }

    #[test]
    fn refuses_bad_files() {
        let cases = [
            ("{}", "not a workspace file"),
            (
                r#"{"version":2,"machines":[]}"#,
                "unsupported workspace version 2",
            ),
            ("[1,2]", "not a workspace file"),
        ];
        for (text, want) in cases {
            let err = Workspace::from_json(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text}: {err}");
        }
    }

    #[test]
    fn refuses_bad_definitions() {
        for def in [json!("{not json"), json!([1]), json!("42"), json!(null)] {
            let err = Machine::new("M", def.clone())
                .definition_object()
                .unwrap_err();
            assert!(err.to_string().contains("M"), "{def}: {err}");
        }
    }
}
