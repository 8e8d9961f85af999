//! `importExecution` and `replayExecution`: executions AWS recorded, as the AWS CLI prints them
//! (the recording crate's fixtures: conformance-corpus recordings in the CLI's shape), imported,
//! replayed and edited from JS.

use super::*;
use serde_json::json;
use stepwise_wasm::{import_execution, replay_execution};
use wasm_bindgen_test::wasm_bindgen_test;

const PARENT_HISTORY: &str =
    include_str!("../../../recording/tests/fixtures/sync-child/history.json");
const PARENT_EXECUTION: &str =
    include_str!("../../../recording/tests/fixtures/sync-child/execution.json");
const PARENT_MACHINE: &str =
    include_str!("../../../recording/tests/fixtures/sync-child/machine.json");
const CHILD_HISTORY: &str =
    include_str!("../../../recording/tests/fixtures/sync-child/child-history.json");
const CHILD_EXECUTION: &str =
    include_str!("../../../recording/tests/fixtures/sync-child/child-execution.json");
const CHILD_MACHINE: &str =
    include_str!("../../../recording/tests/fixtures/sync-child/child-machine.json");

fn sources() -> Value {
    json!([
        {"name": "history.json", "text": PARENT_HISTORY},
        {"name": "execution.json", "text": PARENT_EXECUTION},
        {"name": "machine.json", "text": PARENT_MACHINE},
        // A child's documents pasted as one text.
        {"name": "child", "text": format!("{CHILD_HISTORY}{CHILD_EXECUTION}{CHILD_MACHINE}")},
    ])
}

#[wasm_bindgen_test]
fn a_parent_and_its_child_import_linked_with_aws_events_verbatim() {
    let out = ok(import_execution(js(json!({ "sources": sources() }))));
    let execs = out["executions"].as_array().unwrap();
    assert_eq!(execs.len(), 2);
    let (parent, child) = (&execs[0], &execs[1]);
    assert_eq!(parent["machine"]["name"], "main");
    assert_eq!(parent["status"], "SUCCEEDED");
    assert_eq!(parent["children"], json!([1]));
    assert_eq!(child["parent"]["execution"], 0);
    assert_eq!(child["parent"]["stateName"], "StartExecution");
    let submitted = parent["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["eventType"] == "TaskSubmitted")
        .unwrap();
    assert_eq!(child["parent"]["eventId"], submitted["id"]);
    // `raw` is the event exactly as the CLI printed it.
    let printed: Value =
        serde_json::from_str(&PARENT_HISTORY[..PARENT_HISTORY.find("\n}\n").unwrap() + 2]).unwrap();
    assert_eq!(parent["events"][0]["raw"], printed["events"][0]);
    assert_eq!(out["warnings"], json!([]));
}

#[wasm_bindgen_test]
fn a_replay_agrees_and_an_edited_child_diverges_where_it_changed() {
    let out = ok(replay_execution(js(json!({ "sources": sources() }))));
    assert_eq!(out["divergence"], Value::Null);
    assert_eq!(out["localStatus"], "SUCCEEDED");
    assert_eq!(out["compared"].as_array().unwrap().len(), 2);
    let imported = ok(import_execution(js(json!({ "sources": sources() }))));
    let types = |events: &Value, key: &str| -> Vec<Value> {
        events
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[key].clone())
            .collect()
    };
    assert_eq!(
        types(&out["localHistory"], "type"),
        types(&imported["executions"][0]["events"], "eventType")
    );
    assert!(out["testCase"]["mockConfig"]["StateMachines"].is_object());

    let recorded_child: Value = serde_json::from_str(
        imported["executions"][1]["machine"]["definition"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let mut edited = recorded_child.clone();
    edited["States"]["State_1"]["Result"] = json!({"Arg1": "a fix"});
    let out = ok(replay_execution(js(json!({
        "sources": sources(),
        "execution": "arn:aws:states:us-east-1:123456789012:execution:main:conformance",
        "definitions": {"child": edited},
    }))));
    let d = &out["divergence"];
    assert_eq!(d["recorded"]["type"], "PassStateExited");
    assert_eq!(d["local"]["type"], "PassStateExited");
    assert_eq!(d["recorded"]["stateName"], "State_1");
    assert!(
        d["what"].as_str().unwrap().contains("output/Arg1 differs"),
        "{d}"
    );
}

#[wasm_bindgen_test]
fn unreadable_or_unreplayable_recordings_throw_named_errors() {
    let cut = &PARENT_HISTORY[..PARENT_HISTORY.len() / 2];
    let r = import_execution(js(json!({"sources": [{"name": "h.json", "text": cut}]})));
    let e = thrown(r);
    assert_eq!(String::from(e.name()), "InvalidRecording");
    assert!(String::from(e.message()).starts_with("h.json:"));
    let problems = plain(&js_sys::Reflect::get(&e, &"problems".into()).unwrap());
    assert_eq!(problems[0]["location"]["source"], "h.json");
    assert!(problems[0]["message"]
        .as_str()
        .unwrap()
        .contains("cut short"));
    // An event type AWS's API does not list: imported (kept), not replayed.
    let odd = PARENT_HISTORY.replacen("\"TaskStarted\"", "\"TaskTeleported\"", 1);
    let texts = json!([{"text": odd}, {"text": PARENT_EXECUTION}, {"text": PARENT_MACHINE}, {"text": CHILD_MACHINE}]);
    let out = ok(import_execution(js(json!({ "sources": texts }))));
    assert!(out["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("TaskTeleported"));
    assert_eq!(
        err_name(replay_execution(js(json!({ "sources": texts })))),
        "NotReplayable"
    );
    assert_eq!(
        err_name(replay_execution(js(
            json!({"sources": sources(), "execution": 7})
        ))),
        "NotReplayable"
    );
    assert_eq!(
        err_name(import_execution(js(json!({"sources": 3})))),
        "ValidationException"
    );
}
