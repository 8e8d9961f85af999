//! Importing what the AWS CLI printed: the fixtures (corpus recordings in the CLI's shape),
//! bad input with located errors, children linked to parents, and replays that diverge.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use stepwise_recording::{import, replay, CompareOptions, Import, ImportError, Source};

fn read(dir: &str, file: &str) -> String {
    std::fs::read_to_string(fixtures_dir().join(dir).join(file)).unwrap()
}

fn load(dir: &str, files: &[&str]) -> Result<Import, Vec<ImportError>> {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.to_string(), read(dir, f)))
        .collect();
    let sources: Vec<Source> = texts
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect();
    import(&sources)
}

fn load_texts(texts: &[(&str, &str)]) -> Result<Import, Vec<ImportError>> {
    let sources: Vec<Source> = texts
        .iter()
        .map(|(n, t)| Source { name: n, text: t })
        .collect();
    import(&sources)
}

fn first_error(r: Result<Import, Vec<ImportError>>) -> String {
    match r {
        Ok(_) => panic!("imported"),
        Err(e) => e[0].to_string(),
    }
}

const ALL: &[&str] = &["history.json", "execution.json", "machine.json"];

#[test]
fn a_paged_history_imports_with_its_identity_definition_and_verbatim_events() {
    let imp = load("retry", ALL).unwrap();
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    let [rec] = imp.executions.as_slice() else {
        panic!("one execution")
    };
    let id = rec.identity.as_ref().unwrap();
    assert_eq!(
        id.arn,
        "arn:aws:states:us-east-1:123456789012:execution:main:conformance"
    );
    assert_eq!(rec.machine.name, "main");
    assert_eq!(rec.status, "SUCCEEDED");
    // 18 events from two pages of 10 and 8.
    assert_eq!(rec.events.len(), 18);
    assert_eq!(
        rec.events.iter().map(|e| e.id).collect::<Vec<_>>(),
        (1..=18).collect::<Vec<_>>()
    );
    // Kept as printed: the raw event is the CLI's object.
    assert_eq!(rec.events[2].raw["type"], rec.events[2].event_type.as_str());
    // Task events carry the state they belong to.
    let scheduled = rec
        .events
        .iter()
        .find(|e| e.event_type == "LambdaFunctionScheduled" || e.event_type == "TaskScheduled")
        .unwrap();
    assert!(scheduled.state_name.is_some());
    assert!(scheduled.timestamp_millis.is_some());
}

#[test]
fn documents_may_come_in_any_order_and_in_one_text() {
    let all = format!(
        "{}{}{}",
        read("callback", "machine.json"),
        read("callback", "history.json"),
        read("callback", "execution.json")
    );
    let imp = load_texts(&[("pasted", &all)]).unwrap();
    assert_eq!(imp.executions.len(), 1);
    assert!(imp.executions[0].identity.is_some());
}

fn pages(dir: &str) -> Vec<String> {
    let h = read(dir, "history.json");
    let docs: Vec<Value> = serde_json::Deserializer::from_str(&h)
        .into_iter::<Value>()
        .map(Result::unwrap)
        .collect();
    docs.iter().map(pretty).collect()
}

#[test]
fn pages_out_of_order_given_twice_cut_short_or_missing_are_located_errors() {
    let p = pages("retry");
    assert_eq!(p.len(), 2);
    let m = read("retry", "machine.json");
    // The first page only: it names a next page nobody gave.
    let e = first_error(load_texts(&[("h.json", &p[0]), ("m", &m)]));
    assert!(e.starts_with("h.json:1:1:"), "{e}");
    assert!(
        e.contains("incomplete") && e.contains("--starting-token"),
        "{e}"
    );
    let swapped = format!("{}{}", p[1], p[0]);
    let e = first_error(load_texts(&[("h.json", &swapped), ("m", &m)]));
    assert!(e.starts_with("h.json:1:1:"), "{e}");
    assert!(
        e.contains("starts at event id 11") && e.contains("out of order"),
        "{e}"
    );
    let twice = format!("{}{}{}", p[0], p[1], p[1]);
    let e = first_error(load_texts(&[("h.json", &twice), ("m", &m)]));
    assert!(e.contains("given twice"), "{e}");
    let cut = &p[0][..p[0].len() / 2];
    let e = first_error(load_texts(&[("h.json", cut), ("m", &m)]));
    assert!(e.contains("cut short"), "{e}");
}

fn events_of(dir: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for p in pages(dir) {
        let v: Value = serde_json::from_str(&p).unwrap();
        all.extend(v["events"].as_array().unwrap().iter().cloned());
    }
    all
}

#[test]
fn events_out_of_order_duplicated_or_of_another_execution_are_refused() {
    let m = read("retry", "machine.json");
    let text = |events: &[Value]| pretty(&json!({ "events": events }));
    let mut ev = events_of("retry");
    ev.swap(3, 4);
    let e = first_error(load_texts(&[("h", &text(&ev)), ("m", &m)]));
    assert!(e.contains("out of order"), "{e}");
    let mut ev = events_of("retry");
    let dup = ev[5].clone();
    ev.insert(6, dup);
    let e = first_error(load_texts(&[("h", &text(&ev)), ("m", &m)]));
    assert!(e.contains("id 6 comes after id 6"), "{e}");
    // Another execution's events inside this one's page.
    let mut ev = events_of("retry");
    ev.splice(4..4, events_of("callback").into_iter().take(3));
    let e = first_error(load_texts(&[("h", &text(&ev)), ("m", &m)]));
    assert!(
        e.contains("a second execution starts inside this history"),
        "{e}"
    );
    // Events after the end of the execution.
    let mut ev = events_of("retry");
    let mut extra = ev[3].clone();
    extra["id"] = json!(19);
    extra["previousEventId"] = json!(18);
    ev.push(extra);
    let e = first_error(load_texts(&[("h", &text(&ev)), ("m", &m)]));
    assert!(e.contains("follows the end of the execution"), "{e}");
    // A describe-execution of another execution.
    let e = first_error(load_texts(&[
        ("h", &read("retry", "history.json")),
        ("x", &read("callback", "execution.json")),
        ("m", &m),
    ]));
    assert!(e.starts_with("x:1:1: no history given belongs to"), "{e}");
    assert!(e.contains("input differs"), "{e}");
}

#[test]
fn a_history_without_its_definition_is_refused() {
    let e = first_error(load("retry", &["history.json", "execution.json"]));
    assert!(
        e.contains("no definition") && e.contains("describe-state-machine-for-execution"),
        "{e}"
    );
}

#[test]
fn an_unknown_event_type_is_kept_shown_and_stops_the_replay() {
    let mut ev = events_of("retry");
    ev[4]["type"] = json!("TaskQuantumLeaped");
    let h = pretty(&json!({ "events": ev }));
    let imp = load_texts(&[
        ("h", &h),
        ("e", &read("retry", "execution.json")),
        ("m", &read("retry", "machine.json")),
    ])
    .unwrap();
    let rec = &imp.executions[0];
    assert_eq!(rec.events.len(), 18);
    let unknown: Vec<_> = rec.unknown_events().map(|e| e.id).collect();
    assert_eq!(unknown, [5]);
    assert!(imp
        .warnings
        .iter()
        .any(|w| w.message.contains("TaskQuantumLeaped")));
    let why = replay(&imp, 0, &BTreeMap::new(), &CompareOptions::default())
        .err()
        .unwrap();
    assert!(why.0.contains("TaskQuantumLeaped"), "{why}");
}

#[test]
fn a_sync_child_links_to_its_parent_and_both_replay_without_divergence() {
    let imp = load(
        "sync-child",
        &[
            "child-history.json",
            "history.json",
            "child-machine.json",
            "execution.json",
            "child-execution.json",
            "machine.json",
        ],
    )
    .unwrap();
    assert_eq!(imp.executions.len(), 2);
    let child = &imp.executions[0];
    let parent = &imp.executions[1];
    assert_eq!(child.machine.name, "child");
    let link = child.parent.as_ref().unwrap();
    assert_eq!(link.execution, Some(1));
    assert_eq!(link.arn, parent.identity.as_ref().unwrap().arn);
    let submitted = parent
        .events
        .iter()
        .find(|e| e.event_type == "TaskSubmitted")
        .unwrap();
    assert_eq!(link.event_id, Some(submitted.id));
    assert_eq!(link.state_name.as_deref(), Some("StartExecution"));
    assert_eq!(parent.children, [0]);
    let r = replay(&imp, 1, &BTreeMap::new(), &CompareOptions::default()).unwrap();
    assert_eq!(r.divergence, None);
    assert_eq!(r.compared.len(), 2, "{:?}", r.compared);
    assert_eq!(
        (r.recorded_status.as_str(), r.local_status.as_str()),
        ("SUCCEEDED", "SUCCEEDED")
    );
    // Edit the child: its Pass state's result changes, and the replay says where.
    let mut def: Value = serde_json::from_str(&child.machine.definition).unwrap();
    def["States"]["State_1"]["Result"] = json!({"Arg1": "edited"});
    let edits = BTreeMap::from([("child".to_owned(), def.to_string())]);
    let r = replay(&imp, 1, &edits, &CompareOptions::default()).unwrap();
    let d = r.divergence.unwrap();
    assert_eq!(d.execution, child.identity.as_ref().unwrap().arn);
    let (rec, local) = (d.recorded.unwrap(), d.local.unwrap());
    assert_eq!(rec.event_type, "PassStateExited");
    assert_eq!(local.event_type, "PassStateExited");
    assert_eq!(rec.state_name.as_deref(), Some("State_1"));
    assert!(d.what.contains("output/Arg1 differs"), "{}", d.what);
}

#[test]
fn the_started_by_field_links_a_child_without_the_parents_task_output() {
    let mut ev: Vec<Value> =
        serde_json::from_str::<Value>(&read("sync-child", "child-history.json")).unwrap()["events"]
            .as_array()
            .unwrap()
            .clone();
    let parent_arn = "arn:aws:states:us-east-1:123456789012:execution:main:conformance";
    let input =
        json!({"x": 1, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": parent_arn}).to_string();
    ev[0]["executionStartedEventDetails"]["input"] = json!(input);
    let h = pretty(&json!({ "events": ev }));
    let imp = load_texts(&[
        ("parent", &read("sync-child", "history.json")),
        ("pe", &read("sync-child", "execution.json")),
        ("pm", &read("sync-child", "machine.json")),
        ("child", &h),
        ("cm", &read("sync-child", "child-machine.json")),
    ])
    .unwrap();
    let link = imp.executions[1].parent.as_ref().unwrap();
    assert_eq!((link.arn.as_str(), link.execution), (parent_arn, Some(0)));
    assert_eq!(imp.executions[0].children, [1]);
}

#[test]
fn fixtures_replay_without_divergence_and_an_edit_diverges_where_expected() {
    for dir in ["retry", "callback", "heartbeat-timeout", "map-catch"] {
        let imp = load(dir, ALL).unwrap();
        let r = replay(&imp, 0, &BTreeMap::new(), &CompareOptions::default()).unwrap();
        assert_eq!(r.divergence, None, "{dir}");
    }
    // The retrying Lambda task: with no Retry, the first failure is caught (or fails the
    // execution) where AWS retried.
    let imp = load("retry", ALL).unwrap();
    let mut def: Value = serde_json::from_str(&imp.executions[0].machine.definition).unwrap();
    let states = def["States"].as_object_mut().unwrap();
    let (name, task) = states
        .iter_mut()
        .find(|(_, s)| s.get("Retry").is_some())
        .unwrap();
    let name = name.clone();
    task.as_object_mut().unwrap().remove("Retry");
    let edits = BTreeMap::from([("main".to_owned(), def.to_string())]);
    let r = replay(&imp, 0, &edits, &CompareOptions::default()).unwrap();
    let d = r.divergence.unwrap();
    let rec = d.recorded.unwrap();
    // AWS scheduled the task again after its first failure; the edited machine does not.
    assert!(rec.event_type.ends_with("Scheduled"), "{rec:?}");
    assert_eq!(rec.state_name.as_deref(), Some(name.as_str()));
    assert_eq!(rec.id, 6, "{rec:?}");
}

#[test]
fn any_prefix_or_corruption_of_the_texts_is_an_error_or_an_import_never_a_panic() {
    let texts: Vec<String> = ["history.json", "execution.json", "machine.json"]
        .iter()
        .map(|f| read("map-catch", f))
        .collect();
    let all = texts.concat();
    let mut refused = 0;
    for cut in (0..all.len()).step_by(53) {
        if !all.is_char_boundary(cut) {
            continue;
        }
        if load_texts(&[("t", &all[..cut])]).is_err() {
            refused += 1;
        }
    }
    assert!(refused > 0);
    // Bytes replaced by characters that keep the text JSON more often than not.
    for (i, at) in (0..all.len()).step_by(211).enumerate() {
        if !all.is_char_boundary(at) || !all.is_char_boundary(at + 1) {
            continue;
        }
        let with = ["0", "9", "\"", "}", "]", ","][i % 6];
        let changed = format!("{}{with}{}", &all[..at], &all[at + 1..]);
        if let Ok(imp) = load_texts(&[("t", &changed)]) {
            for i in 0..imp.executions.len() {
                let _ = replay(&imp, i, &BTreeMap::new(), &CompareOptions::default());
            }
        }
    }
}

/// A Map's iterations run concurrently: AWS may record their events interleaved otherwise than
/// Stepwise runs them. A recording whose iterations interleave differently still agrees; one
/// whose events inside an iteration are reordered does not.
#[test]
fn concurrent_iterations_may_interleave_otherwise_but_each_keeps_its_order() {
    interleaved_iterations(4);
    // A hundred iterations, the last started first: about 500 events to look ahead.
    interleaved_iterations(100);
}

fn interleaved_iterations(n: u32) {
    use stepwise_engine::{Engine, EngineConfig};
    let definition = json!({
        "StartAt": "Each",
        "States": {"Each": {"Type": "Map", "ItemsPath": "$.items", "ItemProcessor": {
            "StartAt": "Double", "States": {
                "Double": {"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "Next": "Done"},
                "Done": {"Type": "Pass", "End": true}}}, "End": true}}
    })
    .to_string();
    let mut engine = Engine::new(EngineConfig::default());
    let arn = engine.create_state_machine("Fan", &definition).unwrap();
    let id = engine
        .start_execution(
            &arn,
            Some("r1"),
            Some(&format!(
                "{{\"items\": {:?}}}",
                (1..=n).collect::<Vec<u32>>()
            )),
        )
        .unwrap();
    engine.run_until_idle(10_000);
    let history = &engine.execution(id).history;
    // Iterations' events (MapIterationStarted included), reordered: the last iteration first,
    // each keeping its own order.
    let iteration = |i: usize| -> Option<u64> {
        let e = &history[i];
        match e.scope.first() {
            Some(n) => Some(u64::from(*n)),
            None => Value::from(e.to_aws_json(true))["mapIterationStartedEventDetails"]["index"]
                .as_u64(),
        }
    };
    let mut region: Vec<usize> = (0..history.len())
        .filter(|i| iteration(*i).is_some())
        .collect();
    let slots = region.clone();
    region.sort_by_key(|i| std::cmp::Reverse(iteration(*i)));
    let mut order: Vec<usize> = (0..history.len()).collect();
    for (slot, from) in slots.iter().zip(&region) {
        order[*slot] = *from;
    }
    let text = |order: &[usize]| {
        let new_id: BTreeMap<u64, u64> = order
            .iter()
            .enumerate()
            .map(|(n, i)| (history[*i].id, n as u64 + 1))
            .collect();
        let events: Vec<Value> = order
            .iter()
            .map(|i| {
                let mut v = Value::from(history[*i].to_aws_json(true));
                v["id"] = json!(new_id[&history[*i].id]);
                let prev = history[*i].previous_event_id;
                let me = new_id[&history[*i].id];
                // The engine chains MapIterationStarted events to one another; reordered, an
                // iteration's start follows the Map's start instead.
                let prev = match new_id.get(&prev) {
                    None => 0,
                    Some(p) if *p < me => *p,
                    Some(_) => 3,
                };
                v["previousEventId"] = json!(prev);
                v
            })
            .collect();
        pretty(&json!({ "events": events }))
    };
    let machine = pretty(&json!({"stateMachineArn": arn, "name": "Fan", "definition": definition}));
    assert_ne!(order, (0..history.len()).collect::<Vec<_>>());
    let imp = load_texts(&[("h", &text(&order)), ("m", &machine)]).unwrap();
    let r = replay(&imp, 0, &BTreeMap::new(), &CompareOptions::default()).unwrap();
    assert_eq!(r.divergence, None);
    // Inside one iteration, order matters: its two Pass states swapped is a divergence.
    let first_iteration: Vec<usize> = (0..order.len())
        .filter(|n| {
            history[order[*n]].scope.first() == Some(&0)
                && history[order[*n]].to_aws_json(true)["type"] == "PassStateEntered"
        })
        .collect();
    let mut swapped = order.clone();
    swapped.swap(first_iteration[0], first_iteration[1]);
    let t = text(&swapped);
    let imp = load_texts(&[("h", &t), ("m", &machine)]).unwrap();
    let r = replay(&imp, 0, &BTreeMap::new(), &CompareOptions::default()).unwrap();
    let d = r.divergence.expect("a divergence");
    let (rec, local) = (d.recorded.unwrap(), d.local.unwrap());
    assert_eq!(rec.state_name.as_deref(), Some("Done"));
    assert_eq!(local.state_name.as_deref(), Some("Double"));
}

/// A run of Pass states that never ends: `n` events from `from` on, as one page.
fn pass_events(from: u64, n: u64) -> Vec<Value> {
    (from..from + n)
        .map(|id| {
            if id == 1 {
                json!({"id": 1, "previousEventId": 0, "type": "ExecutionStarted",
                       "executionStartedEventDetails": {"input": "{}"}})
            } else {
                json!({"id": id, "previousEventId": id - 1, "type": "PassStateEntered",
                       "stateEnteredEventDetails": {"name": "Loop", "input": "{}"}})
            }
        })
        .collect()
}

#[test]
fn a_history_longer_than_aws_quota_is_refused_with_its_location() {
    // One page over the quota: refused before its events are read.
    let page = serde_json::to_string(&json!({ "events": pass_events(1, 25_001) })).unwrap();
    let e = first_error(load_texts(&[("big.json", &page)]));
    assert!(e.contains("big.json"), "{e}");
    assert!(e.contains("25001 events"), "{e}");
    assert!(e.contains("25000"), "{e}");

    // Pages each under the quota that join to more than it.
    let first =
        serde_json::to_string(&json!({ "events": pass_events(1, 20_000), "nextToken": "t" }))
            .unwrap();
    let second = serde_json::to_string(&json!({ "events": pass_events(20_001, 5_001) })).unwrap();
    let e = first_error(load_texts(&[("p1.json", &first), ("p2.json", &second)]));
    assert!(e.contains("p2.json"), "{e}");
    assert!(e.contains("25001 events"), "{e}");

    // Exactly the quota is what AWS can give: no quota error.
    let at_cap = serde_json::to_string(&json!({ "events": pass_events(1, 25_000) })).unwrap();
    if let Err(errors) = load_texts(&[("cap.json", &at_cap)]) {
        assert!(
            errors.iter().all(|e| !e.to_string().contains("quota")),
            "{errors:?}"
        );
    }
}
