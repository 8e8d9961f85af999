//! Test support: the conformance corpus' recorded histories written as the AWS CLI prints them.
//!
//! A corpus case keeps AWS's events with payloads decoded where they were objects and with
//! `"timestamp"` for every time; the CLI prints `{"events": [...]}` with payloads as JSON text,
//! ISO 8601 timestamps (CLI v2) and 4-space indentation, and `describe-execution` /
//! `describe-state-machine-for-execution` beside it. Values the recording masked (`<uuid:1>`,
//! `start-date`) stay as they are: a replay compares them with the corpus' placeholder rule.
//! The few events whose ids the corpus masked (Parallel branches) are numbered by position.

#![allow(dead_code)]

use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
/// When the first recorded event happened (2024-05-14T09:30:00Z); each later one 25 ms after.
pub const START_MILLIS: i64 = 1_715_679_000_000;

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/conformance/cases")
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every corpus case, by name, sorted.
pub fn corpus_cases() -> Vec<Value> {
    let mut files = Vec::new();
    for group in std::fs::read_dir(corpus_dir()).unwrap() {
        for f in std::fs::read_dir(group.unwrap().path()).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    files
        .iter()
        .map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect()
}

pub fn case(name: &str) -> Value {
    let p = corpus_dir().join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()
}

/// The CLI v2 form of a timestamp: `2024-05-14T09:30:00.025000+00:00`.
pub fn cli_time(millis: i64) -> String {
    let iso = stepwise_engine::clock::iso8601(millis);
    format!("{}000+00:00", iso.trim_end_matches('Z'))
}

/// JSON text as AWS gives it in a payload field (compact). The corpus keeps a payload that was
/// not an object or array as AWS's text already.
fn payload_text(v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(s.clone()),
        other => Value::String(other.to_string()),
    }
}

/// One corpus event as the CLI prints it.
fn cli_event(e: &Value, position: usize) -> Value {
    let id = e["id"].as_u64().unwrap_or(position as u64 + 1);
    let prev = if e["id"].is_u64() {
        e["previousEventId"].as_u64().unwrap_or(0)
    } else {
        position as u64
    };
    let mut o = Map::new();
    o.insert(
        "timestamp".into(),
        json!(cli_time(START_MILLIS + 25 * position as i64)),
    );
    o.insert("type".into(), e["type"].clone());
    o.insert("id".into(), json!(id));
    o.insert("previousEventId".into(), json!(prev));
    for (k, v) in e.as_object().unwrap() {
        if !k.ends_with("EventDetails") {
            continue;
        }
        let mut d = Map::new();
        for (f, fv) in v.as_object().unwrap() {
            let fv = match f.as_str() {
                "input" | "output" | "parameters" | "cause" => payload_text(fv),
                "assignedVariables" => Value::Object(
                    fv.as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), payload_text(v)))
                        .collect(),
                ),
                _ => fv.clone(),
            };
            d.insert(f.clone(), fv);
        }
        o.insert(k.clone(), Value::Object(d));
    }
    Value::Object(o)
}

pub fn pretty(v: &Value) -> String {
    let mut out = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
    serde::Serialize::serialize(v, &mut ser).unwrap();
    String::from_utf8(out).unwrap() + "\n"
}

pub fn execution_arn(machine: &str, name: &str) -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:execution:{machine}:{name}")
}

pub fn machine_arn(machine: &str) -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{machine}")
}

/// What the CLI printed for one corpus case's execution (machine `main`, execution
/// `conformance`), in pages of `page_size` events (`NextToken` between pages, as
/// `--max-items` prints it).
pub struct CliTexts {
    pub history: String,
    pub describe_execution: String,
    pub describe_machine: String,
    /// `describe-state-machine` of each other machine the case starts.
    pub other_machines: Vec<(String, String)>,
}

pub fn cli_texts(case: &Value, page_size: usize) -> CliTexts {
    let mut events: Vec<Value> = case["expected_history"]
        .as_array()
        .expect("a case with a history")
        .iter()
        .enumerate()
        .map(|(i, e)| cli_event(e, i))
        .collect();
    // Some recordings masked the execution input itself (a date becomes `"date"`); the case
    // keeps the input AWS was given.
    if !case["input"].is_string() {
        events[0]["executionStartedEventDetails"]["input"] =
            Value::String(case["input"].to_string());
    }
    let pages: Vec<&[Value]> = events.chunks(page_size.max(1)).collect();
    let mut history = String::new();
    for (i, page) in pages.iter().enumerate() {
        let mut doc = json!({"events": page});
        if i + 1 < pages.len() {
            doc["NextToken"] = json!(format!(
                "eyJuZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiB7fQ{i}"
            ));
        }
        history.push_str(&pretty(&doc));
    }
    let first = &events[0];
    let last = events.last().unwrap();
    let status = match last["type"].as_str().unwrap() {
        "ExecutionSucceeded" => "SUCCEEDED",
        "ExecutionFailed" => "FAILED",
        "ExecutionTimedOut" => "TIMED_OUT",
        "ExecutionAborted" => "ABORTED",
        _ => "RUNNING",
    };
    let mut d = Map::new();
    d.insert(
        "executionArn".into(),
        json!(execution_arn("main", "conformance")),
    );
    d.insert("stateMachineArn".into(), json!(machine_arn("main")));
    d.insert("name".into(), json!("conformance"));
    d.insert("status".into(), json!(status));
    d.insert("startDate".into(), first["timestamp"].clone());
    if status != "RUNNING" {
        d.insert("stopDate".into(), last["timestamp"].clone());
    }
    d.insert(
        "input".into(),
        first["executionStartedEventDetails"]["input"].clone(),
    );
    d.insert("inputDetails".into(), json!({"included": true}));
    let end = last
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, _)| k.ends_with("EventDetails"))
        .map(|(_, v)| v.clone())
        .unwrap_or(json!({}));
    if status == "SUCCEEDED" {
        d.insert("output".into(), end["output"].clone());
        d.insert("outputDetails".into(), json!({"included": true}));
    }
    for k in ["error", "cause"] {
        if let Some(v) = end.get(k) {
            d.insert(k.into(), v.clone());
        }
    }
    d.insert("redriveCount".into(), json!(0));
    d.insert("redriveStatus".into(), json!("NOT_REDRIVABLE"));
    let describe_execution = pretty(&Value::Object(d));
    let machine = |name: &str, definition: &Value| {
        pretty(&json!({
            "stateMachineArn": machine_arn(name),
            "name": name,
            "definition": serde_json::to_string_pretty(definition).unwrap(),
            "roleArn": format!("arn:aws:iam::{ACCOUNT}:role/StepFunctions-{name}-role"),
            "updateDate": cli_time(START_MILLIS - 86_400_000),
            "loggingConfiguration": {"level": "OFF", "includeExecutionData": false},
            "tracingConfiguration": {"enabled": false}
        }))
    };
    let describe_machine = machine("main", &case["definition"]);
    let other_machines = case
        .get("state_machines")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(n, d)| (n.clone(), machine(n, d))).collect())
        .unwrap_or_default();
    CliTexts {
        history,
        describe_execution,
        describe_machine,
        other_machines,
    }
}

/// The corpus' wildcard strings for a case (values that differ from run to run).
pub fn wildcards(case: &Value) -> Vec<String> {
    case["wildcards"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The keys a case's `skip_paths` name anywhere (`$..Key`): the corpus ignores them.
pub fn skipped_keys(case: &Value) -> Vec<String> {
    case["skip_paths"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str()?.strip_prefix("$.."))
                .filter(|k| !k.contains('.'))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The fixtures: a corpus case, written by [`cli_texts`] in pages of the given size.
pub const FIXTURES: &[(&str, &str, usize)] = &[
    (
        "sync-child",
        "credentials/credentials_base__cross_account_states_start_sync_execution__SFN_START_EXECUTION_SYNC_ROLE_ARN_PATH",
        5,
    ),
    ("retry", "scenarios/base_scenarios__lambda_invoke_with_retry_base", 10),
    ("callback", "callback/callback__sqs_wait_for_task_token", 100),
    ("heartbeat-timeout", "timeouts/heartbeats__heartbeat_timeout", 100),
    (
        "map-catch",
        "states_variables/error_output__map_catch_error__MAP_CATCH_ERROR_OUTPUT",
        20,
    ),
];

/// Every file of one fixture folder: name and text.
pub fn fixture_files(case_name: &str, page_size: usize) -> Vec<(String, String)> {
    let c = case(case_name);
    let t = cli_texts(&c, page_size);
    let mut files = vec![
        ("history.json".to_owned(), t.history.clone()),
        ("execution.json".to_owned(), t.describe_execution.clone()),
        ("machine.json".to_owned(), t.describe_machine.clone()),
    ];
    for (name, text) in &t.other_machines {
        files.push((format!("{name}-machine.json"), text.clone()));
    }
    files.extend(derived_children(&t));
    files
}

/// The corpus has only the parent's history. A child's history and describe-execution are
/// written from Stepwise's own run of the child (its events as the CLI would print them), so
/// that linking and replaying a parent with its child can be tested: derived, not recorded.
fn derived_children(t: &CliTexts) -> Vec<(String, String)> {
    if t.other_machines.is_empty() {
        return Vec::new();
    }
    let mut sources = vec![
        stepwise_recording::Source {
            name: "history.json",
            text: &t.history,
        },
        stepwise_recording::Source {
            name: "execution.json",
            text: &t.describe_execution,
        },
        stepwise_recording::Source {
            name: "machine.json",
            text: &t.describe_machine,
        },
    ];
    for (n, text) in &t.other_machines {
        sources.push(stepwise_recording::Source { name: n, text });
    }
    let imp = stepwise_recording::import(&sources).unwrap();
    let s = stepwise_recording::scenario(&imp, 0).unwrap();
    let local = stepwise_recording::run(&s).unwrap();
    let mut out = Vec::new();
    for child in local.engine.children(local.root) {
        let e = local.engine.execution(child);
        let events: Vec<Value> = e
            .history
            .iter()
            .map(|ev| {
                let mut v = Value::from(ev.to_aws_json(true));
                v["timestamp"] = json!(cli_time(ev.timestamp_millis));
                let mut o = Map::new();
                for k in ["timestamp", "type", "id", "previousEventId"] {
                    o.insert(k.into(), v[k].clone());
                }
                for (k, x) in v.as_object().unwrap() {
                    if !o.contains_key(k) {
                        o.insert(k.clone(), x.clone());
                    }
                }
                Value::Object(o)
            })
            .collect();
        let mut d = Value::from(local.engine.describe_execution(&e.arn).unwrap());
        for k in ["startDate", "stopDate"] {
            if let Some(ms) = d[k]
                .as_str()
                .and_then(stepwise_engine::clock::parse_iso8601)
            {
                d[k] = json!(cli_time(ms));
            }
        }
        out.push((
            format!("{}-history.json", e.machine_name),
            pretty(&json!({ "events": events })),
        ));
        out.push((format!("{}-execution.json", e.machine_name), pretty(&d)));
    }
    out
}
