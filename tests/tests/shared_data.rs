//! Execution data is shared between states and history rather than copied (`stepwise_json`):
//! a document that several states select, change in place and select again must still be
//! recorded, state by state, exactly as a copying implementation records it.

use stepwise_engine::ExecutionStatus;
use stepwise_json::{json, Value};
use stepwise_tests::*;

/// Large enough (> 1 KiB) that its JSON text is remembered once it is shared.
fn document() -> serde_json::Value {
    let records: Vec<serde_json::Value> = (0..40)
        .map(|i| serde_json::json!({"name": format!("user{i}"), "tags": ["a", "b\"c"], "score": i as f64 / 4.0}))
        .collect();
    serde_json::json!({"records": records, "meta": {"n": 40}})
}

fn machine() -> Value {
    json!({"StartAt": "Share", "States": {
        "Share": {"Type": "Pass", "Parameters": {"doc.$": "$.doc", "again.$": "$.doc", "first.$": "$.doc.records[0]"},
                  "ResultPath": "$.copies", "Next": "Rename"},
        "Rename": {"Type": "Pass", "Result": "renamed", "ResultPath": "$.doc.records[0].name", "Next": "Tag"},
        "Tag": {"Type": "Pass", "Result": {"added": true}, "ResultPath": "$.copies.again.meta", "Next": "Keep"},
        "Keep": {"Type": "Pass", "InputPath": "$.copies", "Parameters": {"old.$": "$.doc", "tagged.$": "$.again", "first.$": "$.first"},
                 "End": true}
    }})
}

/// The same steps on serde_json values, each state's output written out from scratch.
fn expected_outputs() -> Vec<String> {
    let doc = document();
    let mut out = serde_json::json!({"doc": doc});
    out["copies"] = serde_json::json!({"doc": doc, "again": doc, "first": doc["records"][0]});
    let share = out.to_string();
    out["doc"]["records"][0]["name"] = serde_json::json!("renamed");
    let rename = out.to_string();
    out["copies"]["again"]["meta"] = serde_json::json!({"added": true});
    let tag = out.to_string();
    let keep = serde_json::json!({"old": out["copies"]["doc"], "tagged": out["copies"]["again"], "first": out["copies"]["first"]});
    vec![share, rename, tag, keep.to_string()]
}

#[test]
fn shared_documents_are_recorded_as_copies_would_be() {
    let mut engine = engine_with(&[("Shared", machine())]);
    let input = Value::from(serde_json::json!({"doc": document()}));
    let id = start(&mut engine, "Shared", input);
    let run = engine.execution(id);
    assert_eq!(run.status, ExecutionStatus::Succeeded);

    let exited: Vec<String> = run
        .history
        .iter()
        .filter(|e| e.event_type == EventType::PassStateExited)
        .map(|e| {
            e.details
                .json_text("output")
                .expect("an output")
                .into_owned()
        })
        .collect();
    let expected = expected_outputs();
    assert_eq!(exited.len(), expected.len());
    for (i, (got, want)) in exited.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "output of state {i}");
    }
    // Each state's input is the previous state's output, whatever was remembered in between.
    let entered: Vec<String> = run
        .history
        .iter()
        .filter(|e| e.event_type == EventType::PassStateEntered)
        .map(|e| e.details.json_text("input").expect("an input").into_owned())
        .collect();
    assert_eq!(entered[1..], expected[..3]);
    assert_eq!(
        run.output.as_ref().map(Value::to_json_string),
        expected.last().cloned()
    );
    // The execution's input was not changed by the states that changed their copies of it.
    assert_eq!(run.input, serde_json::json!({"doc": document()}));
}
