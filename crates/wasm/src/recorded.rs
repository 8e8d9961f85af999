//! `importExecution` and `replayExecution`: recorded executions (crates/recording) for JS.

use std::collections::BTreeMap;

use crate::convert::{import_sources, ImportSource, Kind, Request};
use serde_json::{json, Value};
use stepwise_recording::{
    import, replay as replay_recording, CompareOptions, Import, ImportError, Source, TestCase,
};
use wasm_bindgen::JsValue;

/// The `name` of the error thrown for input that cannot be imported.
pub const INVALID_RECORDING: &str = "InvalidRecording";
/// The `name` of the error thrown for a recording that cannot be replayed.
pub const NOT_REPLAYABLE: &str = "NotReplayable";

fn error(name: &str, message: &str, problems: Option<&[ImportError]>) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    if let Some(list) = problems {
        if let Ok(js) = crate::convert::to_js(list) {
            // Setting a field on a fresh Error cannot fail; a failure would only lose details.
            let _ = js_sys::Reflect::set(&e, &JsValue::from_str("problems"), &js);
        }
    }
    e.into()
}

pub fn read(sources: &[ImportSource]) -> Result<Import, JsValue> {
    let names: Vec<String> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| s.name.clone().unwrap_or_else(|| format!("text {}", i + 1)))
        .collect();
    let list: Vec<Source> = sources
        .iter()
        .zip(&names)
        .map(|(s, name)| Source {
            name,
            text: &s.text,
        })
        .collect();
    import(&list).map_err(|problems| {
        let message = problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        error(INVALID_RECORDING, &message, Some(&problems))
    })
}

pub fn replay(req: &Request) -> Result<Value, JsValue> {
    let sources = import_sources(req)?;
    // Which imported execution: its index in `importExecution`'s list or its ARN (the first
    // execution without a recorded parent when absent).
    let execution = req.value("execution")?;
    // Definitions to use instead of the recorded ones, by machine name (to try a fix); one given
    // as a value rather than JSON text is encoded.
    let mut edits = BTreeMap::new();
    let definitions = req.value("definitions")?;
    if let Some(Value::Object(map)) =
        req.typed("definitions", definitions.as_ref(), Kind::Object)?
    {
        for (name, definition) in map {
            let text = match definition {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            edits.insert(name.clone(), text);
        }
    }
    let imported = read(&sources)?;
    if imported.executions.is_empty() {
        return Err(error(NOT_REPLAYABLE, "no history was given", None));
    }
    let index = match &execution {
        None | Some(Value::Null) => (0..imported.executions.len())
            .find(|i| {
                imported.executions[*i]
                    .parent
                    .as_ref()
                    .is_none_or(|p| p.execution.is_none())
            })
            .unwrap_or(0),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(|n| n as usize)
            .filter(|n| *n < imported.executions.len())
            .ok_or_else(|| error(NOT_REPLAYABLE, &format!("no imported execution {n}"), None))?,
        Some(Value::String(arn)) => imported
            .executions
            .iter()
            .position(|e| e.identity.as_ref().is_some_and(|i| &i.arn == arn))
            .ok_or_else(|| {
                error(
                    NOT_REPLAYABLE,
                    &format!("no imported execution has the ARN {arn}"),
                    None,
                )
            })?,
        Some(other) => {
            return Err(error(
                NOT_REPLAYABLE,
                &format!("`execution` is an index or an ARN, not {other}"),
                None,
            ))
        }
    };
    let r = replay_recording(&imported, index, &edits, &CompareOptions::default())
        .map_err(|w| error(NOT_REPLAYABLE, &w.0, None))?;
    let local = r.local.engine.execution(r.local.root);
    let history: Vec<Value> = local
        .history
        .iter()
        .map(|e| Value::from(e.to_aws_json(true)))
        .collect();
    let mut out = serde_json::to_value(&r).unwrap_or(Value::Null);
    out["localHistory"] = Value::Array(history);
    out["localExecutionArn"] = json!(local.arn);
    if let Ok(mut case) = TestCase::from_recording(&imported, index) {
        case.scenario.state_machines.extend(edits_of(&r.scenario));
        out["testCase"] = serde_json::to_value(&case).unwrap_or(Value::Null);
    }
    Ok(out)
}

/// The definitions the replay ran (the recorded ones, or the edits that replaced them).
fn edits_of(s: &stepwise_recording::Scenario) -> Vec<(String, String)> {
    s.state_machines
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
