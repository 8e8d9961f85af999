//! Event-by-event comparison of a recorded history with a local one.
//!
//! Two events agree when their type, state and details agree, modulo what legitimately differs
//! between two runs: timestamps and event ids, dates inside service answers (`StartDate`...),
//! AWS SDK metadata (request ids, HTTP headers), and identifiers each run makes up for itself
//! (task tokens, child execution and Map Run ARNs), which are mapped one to one: the first time
//! a local identifier meets a recorded one they are paired, and must stay paired.
//!
//! Concurrent branches (Parallel branches, Map iterations) interleave differently from run to
//! run, so a local event may be matched ahead of earlier unmatched ones when those belong to
//! another branch or iteration; within one branch, the order must be the same.

use crate::event::RecordedEvent;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use stepwise_engine::conformance::{is_placeholder, placeholder_match};
use stepwise_engine::{EventType, HistoryEvent};

/// Keys whose values describe the call rather than its result: never compared.
const IGNORED_KEYS: &[&str] = &["SdkHttpMetadata", "SdkResponseMetadata"];
/// Keys holding a date: any date matches (the local clock is not AWS's).
const DATE_KEYS: &[&str] = &[
    "StartDate",
    "StopDate",
    "startDate",
    "stopDate",
    "RedriveDate",
    "redriveDate",
];
/// How many local events one recorded event is looked for among, ahead of the first unmatched.
pub const MAX_LOOKAHEAD: usize = 4096;

/// Detail fields holding JSON text: compared as JSON values.
const JSON_TEXT_FIELDS: &[&str] = &["input", "output", "parameters", "cause"];
/// The detail fields compared: what a state got and gave, how it failed, what it assigned, and
/// which iteration it is. Others (`resource`, `region`, timeouts, `location`, `roleArn`,
/// `mapRunArn`...) are shown side by side but describe the setup rather than the data.
const COMPARED_FIELDS: &[&str] = &[
    "input",
    "output",
    "parameters",
    "error",
    "cause",
    "assignedVariables",
    "name",
    "index",
    "length",
];

/// One side of a divergence.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventView {
    /// Position in its history (0-based) and the event's id there.
    pub index: usize,
    pub id: u64,
    #[serde(rename = "type")]
    pub event_type: String,
    pub state_name: Option<String>,
    /// The event as AWS's API shows it.
    pub event: Value,
}

/// The first place where a local run and a recording differ.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Divergence {
    /// The execution (recorded ARN or label) whose histories differ.
    pub execution: String,
    pub recorded: Option<EventView>,
    pub local: Option<EventView>,
    /// What differs, in a sentence (`output differs at /total: recorded 3, local 4`).
    pub what: String,
}

/// How strings compare beyond equality.
#[derive(Clone, Debug, Default)]
pub struct CompareOptions {
    /// Recorded strings may hold `<...>` placeholders (matching any run of characters) and
    /// wildcard values matching anything: the conformance corpus masks run-specific values so.
    pub placeholders: bool,
    pub wildcards: Vec<String>,
    /// Keys never compared, wherever they are, on top of the SDK metadata.
    pub ignored_keys: Vec<String>,
}

/// Identifiers the local run made up, and the recorded ones they stand for.
#[derive(Clone, Debug, Default)]
pub struct Mapping {
    /// Shared: a mapping is copied for every candidate event tried.
    local_ids: std::sync::Arc<std::collections::BTreeSet<String>>,
    to_recorded: BTreeMap<String, String>,
    to_local: BTreeMap<String, String>,
}

impl Mapping {
    /// A mapping over these local identifiers (tokens, ARNs and names of child executions and
    /// Map Runs).
    pub fn new(local_ids: Vec<String>) -> Self {
        Mapping {
            local_ids: std::sync::Arc::new(local_ids.into_iter().collect()),
            ..Mapping::default()
        }
    }

    /// The recorded identifier a local one was paired with.
    pub fn recorded(&self, local: &str) -> Option<&str> {
        self.to_recorded.get(local).map(String::as_str)
    }

    fn pair(&mut self, recorded: &str, local: &str) -> bool {
        match (self.to_recorded.get(local), self.to_local.get(recorded)) {
            (Some(r), _) => r == recorded,
            (None, Some(_)) => false,
            (None, None) => {
                self.to_recorded
                    .insert(local.to_owned(), recorded.to_owned());
                self.to_local.insert(recorded.to_owned(), local.to_owned());
                true
            }
        }
    }
}

/// Compares `recorded` with `local`; `None` when they agree.
pub fn compare(
    label: &str,
    recorded: &[RecordedEvent],
    recorded_running: bool,
    local: &[HistoryEvent],
    mapping: &mut Mapping,
    opts: &CompareOptions,
) -> Option<Divergence> {
    let local_json: Vec<Value> = local
        .iter()
        .map(|e| serde_json::Value::from(e.to_aws_json(true)))
        .collect();
    let scopes: Vec<Vec<u32>> = local.iter().map(thread_of).collect();
    let mut matched = vec![false; local.len()];
    let view_local = |i: usize| EventView {
        index: i,
        id: local[i].id,
        event_type: type_name(&local[i]),
        state_name: local[i].state_name.as_deref().map(str::to_owned),
        event: local_json[i].clone(),
    };
    let view_recorded = |i: usize| EventView {
        index: i,
        id: recorded[i].id,
        event_type: recorded[i].event_type.clone(),
        state_name: recorded[i].state_name.clone(),
        event: recorded[i].raw.clone(),
    };
    let diverge = |r: Option<usize>, l: Option<usize>, what: String| {
        Some(Divergence {
            execution: label.to_owned(),
            recorded: r.map(view_recorded),
            local: l.map(view_local),
            what,
        })
    };
    // Every local event before this one is matched (a cursor, so the scan stays linear).
    let mut cursor = 0;
    for (ri, r) in recorded.iter().enumerate() {
        while cursor < matched.len() && matched[cursor] {
            cursor += 1;
        }
        let first = (cursor < matched.len()).then_some(cursor);
        if !r.is_known() {
            return diverge(
                Some(ri),
                first,
                format!(
                    "the recording has an event of a type Stepwise does not know ({})",
                    r.event_type
                ),
            );
        }
        let Some(first) = first else {
            return diverge(
                Some(ri),
                None,
                "the local run has no more events (its execution ended, or waits)".into(),
            );
        };
        // Local events this recorded event may be: the first unmatched one, or a later one
        // from another concurrent branch than every unmatched event before it. The scan stops
        // once an unmatched top-level event is passed (nothing after it may be taken first), or
        // after MAX_LOOKAHEAD events: the work per recorded event is bounded.
        let mut candidates = Vec::new();
        let looked_far = local.len() - first > MAX_LOOKAHEAD;
        let mut passed: std::collections::BTreeSet<&[u32]> = std::collections::BTreeSet::new();
        for j in (first..local.len()).take(MAX_LOOKAHEAD) {
            if matched[j] {
                continue;
            }
            let scope: &[u32] = &scopes[j];
            if j == first || (!scope.is_empty() && !passed.contains(&scope)) {
                candidates.push(j);
            }
            if scope.is_empty() && j != first {
                break;
            }
            passed.insert(scope);
            if j == first && scope.is_empty() {
                break;
            }
        }
        let mut near: Option<(usize, String)> = None;
        let mut found = None;
        for j in candidates {
            if r.event_type != type_name(&local[j]) || !same_state(r, &local[j]) {
                continue;
            }
            let mut trial = mapping.clone();
            match details_differ(r, &local_json[j], &mut trial, opts) {
                None => {
                    *mapping = trial;
                    found = Some(j);
                    break;
                }
                Some(why) => {
                    near.get_or_insert((j, why));
                }
            }
        }
        match (found, near) {
            (Some(j), _) => matched[j] = true,
            (None, Some((j, why))) => return diverge(Some(ri), Some(j), why),
            (None, None) => {
                let what = format!(
                    "recorded {}{}, local {}{}{}",
                    r.event_type,
                    in_state(r.state_name.as_deref()),
                    local[first].event_type,
                    in_state(local[first].state_name.as_deref()),
                    if looked_far {
                        format!(" (the recorded event was looked for among the next {MAX_LOOKAHEAD} local events only)")
                    } else {
                        String::new()
                    }
                );
                return diverge(Some(ri), Some(first), what);
            }
        }
    }
    match matched.iter().position(|m| !m) {
        Some(extra) if !recorded_running => diverge(
            None,
            Some(extra),
            format!(
                "the local run goes on where the recording ends: {}{}",
                local[extra].event_type,
                in_state(local[extra].state_name.as_deref())
            ),
        ),
        _ => None,
    }
}

/// Why a recorded value (an execution's output, a cause) and a local one differ, if they do:
/// by the rules and the identifier pairing of the history comparison. `what` names the value.
pub fn value_difference(
    what: &str,
    recorded: &Value,
    local: &Value,
    json_text: bool,
    mapping: &mut Mapping,
    opts: &CompareOptions,
) -> Option<String> {
    value_differs(
        recorded,
        local,
        json_text,
        &mut what.to_owned(),
        mapping,
        opts,
    )
}

/// A local event's type as AWS names it (through `Display`, whatever type the engine keeps it as).
fn type_name(e: &HistoryEvent) -> String {
    e.event_type.to_string()
}

/// Which thread of control an event belongs to: its branch or iteration path. A Map's
/// `MapIterationStarted` is written by the Map state itself, but it begins the iteration: it
/// counts as the iteration's, so iterations may start in any order.
fn thread_of(e: &HistoryEvent) -> Vec<u32> {
    let mut scope = e.scope.to_vec();
    if e.event_type == EventType::MapIterationStarted {
        if let Some(stepwise_engine::history::Field::Int(i)) = e.details.get("index") {
            scope.push(u32::try_from(*i).unwrap_or(u32::MAX));
        }
    }
    scope
}

fn in_state(name: Option<&str>) -> String {
    name.map(|n| format!(" ({n})")).unwrap_or_default()
}

fn same_state(r: &RecordedEvent, l: &HistoryEvent) -> bool {
    if r.event_type.starts_with("Execution") {
        return true;
    }
    match (&r.state_name, &l.state_name) {
        (Some(a), Some(b)) => a.as_str() == &**b,
        _ => true,
    }
}

/// Why the details of `r` and the local event `l` differ, if they do.
fn details_differ(
    r: &RecordedEvent,
    l: &Value,
    mapping: &mut Mapping,
    opts: &CompareOptions,
) -> Option<String> {
    let lk = l.as_object().and_then(|o| {
        o.iter()
            .find(|(k, v)| k.ends_with("EventDetails") && v.is_object())
            .map(|(k, v)| (k.as_str(), v.as_object().expect("checked")))
    });
    let (rd, ld) = match (r.details(), lk) {
        (None, None) => return None,
        (Some((rk, rd)), Some((lk, ld))) if rk == lk => (rd, ld),
        (r, l) => {
            return Some(format!(
                "details differ: recorded {}, local {}",
                r.map_or("none", |d| d.0),
                l.map_or("none", |d| d.0)
            ))
        }
    };
    let mut keys: Vec<&String> = rd.keys().chain(ld.keys()).collect();
    // Equal keys are alike: an unstable sort (less code than a stable one) orders them the same.
    keys.sort_unstable();
    keys.dedup();
    for key in keys {
        if !COMPARED_FIELDS.contains(&key.as_str()) || opts.ignored_keys.contains(key) {
            continue;
        }
        let (a, b) = match (rd.get(key), ld.get(key)) {
            (Some(a), Some(b)) => (a, b),
            (a, _) => {
                return Some(format!(
                    "{key} is only in the {} event",
                    if a.is_some() { "recorded" } else { "local" }
                ))
            }
        };
        let json_text = JSON_TEXT_FIELDS.contains(&key.as_str()) || key == "assignedVariables";
        let mut path = key.clone();
        if let Some(why) = value_differs(a, b, json_text, &mut path, mapping, opts) {
            return Some(why);
        }
    }
    None
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

fn value_differs(
    a: &Value,
    b: &Value,
    json_text: bool,
    path: &mut String,
    mapping: &mut Mapping,
    opts: &CompareOptions,
) -> Option<String> {
    if json_text {
        if let (Value::String(x), Value::String(y)) = (a, b) {
            if let (Ok(xa), Ok(yb)) = (
                serde_json::from_str::<Value>(x),
                serde_json::from_str::<Value>(y),
            ) {
                return value_differs(&xa, &yb, false, path, mapping, opts);
            }
        }
    }
    let differ = |path: &str| {
        Some(format!(
            "{path} differs: recorded {}, local {}",
            short(a),
            short(b)
        ))
    };
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let wanted =
                |k: &&String| !IGNORED_KEYS.contains(&k.as_str()) && !opts.ignored_keys.contains(k);
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).filter(wanted).collect();
            keys.sort_unstable();
            keys.dedup();
            for k in keys {
                let len = path.len();
                path.push('/');
                path.push_str(k);
                let r = match (x.get(k), y.get(k)) {
                    (Some(_), Some(_)) if DATE_KEYS.contains(&k.as_str()) => None,
                    // Values of variables are JSON text too.
                    (Some(p), Some(q)) => {
                        value_differs(p, q, json_text_child(path), path, mapping, opts)
                    }
                    (p, _) => Some(format!(
                        "{path} is only in the {} event",
                        if p.is_some() { "recorded" } else { "local" }
                    )),
                };
                if r.is_some() {
                    return r;
                }
                path.truncate(len);
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!(
                    "{path} differs: recorded {} items, local {}",
                    x.len(),
                    y.len()
                ));
            }
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                if let Some(w) = value_differs(p, q, false, path, mapping, opts) {
                    return Some(w);
                }
                path.truncate(len);
            }
            None
        }
        (Value::Number(x), Value::Number(y)) => (x.as_f64() != y.as_f64()).then(|| differ(path))?,
        (Value::String(x), Value::String(y)) => {
            (!strings_agree(x, y, mapping, opts)).then(|| differ(path))?
        }
        (Value::String(x), _) if opts.placeholders && opts.wildcards.contains(x) => None,
        (Value::String(x), y)
            if opts.placeholders && is_placeholder(x) && !y.is_object() && !y.is_array() =>
        {
            None
        }
        _ => (a != b).then(|| differ(path))?,
    }
}

/// `assignedVariables/<name>` holds a variable's JSON text.
fn json_text_child(path: &str) -> bool {
    path.starts_with("assignedVariables/") && path.matches('/').count() == 1
}

fn strings_agree(
    recorded: &str,
    local: &str,
    mapping: &mut Mapping,
    opts: &CompareOptions,
) -> bool {
    if opts.placeholders
        && (opts.wildcards.iter().any(|w| w == recorded) || is_placeholder(recorded))
    {
        return true;
    }
    let local_id = mapping.local_ids.contains(local);
    if local_id {
        return mapping.pair(recorded, local);
    }
    if recorded == local {
        return true;
    }
    // A local identifier inside a longer text (an ARN in a message): map it, compare the rest.
    if let Some(id) = mapping
        .local_ids
        .iter()
        .filter(|i| local.contains(i.as_str()))
        .max_by_key(|i| i.len())
        .cloned()
    {
        if let Some(rec) = mapping.recorded(&id).map(str::to_owned) {
            if local.replace(&id, &rec) == recorded {
                return true;
            }
        }
    }
    if opts.placeholders {
        if opts.wildcards.iter().any(|w| w == recorded) || placeholder_match(recorded, local) {
            return true;
        }
        // JSON text inside a value (a child's Output, a cause) compares as JSON.
        if let (Ok(a), Ok(b)) = (
            serde_json::from_str::<Value>(recorded),
            serde_json::from_str::<Value>(local),
        ) {
            if a.is_object() || a.is_array() {
                return value_differs(&a, &b, false, &mut String::new(), mapping, opts).is_none();
            }
        }
    } else if let (Ok(a @ (Value::Object(_) | Value::Array(_))), Ok(b)) = (
        serde_json::from_str::<Value>(recorded),
        serde_json::from_str::<Value>(local),
    ) {
        return value_differs(&a, &b, false, &mut String::new(), mapping, opts).is_none();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identifiers_pair_one_to_one() {
        let mut m = Mapping::new(vec!["tok-1".into(), "tok-2".into()]);
        let o = CompareOptions::default();
        assert!(strings_agree("AAA", "tok-1", &mut m, &o));
        assert!(strings_agree("AAA", "tok-1", &mut m, &o));
        assert!(!strings_agree("BBB", "tok-1", &mut m, &o));
        assert!(!strings_agree("AAA", "tok-2", &mut m, &o));
        assert!(strings_agree("x AAA y", "x tok-1 y", &mut m, &o));
        assert!(!strings_agree("same", "other", &mut m, &o));
    }

    #[test]
    fn dates_and_sdk_metadata_are_not_compared_but_values_are() {
        let mut m = Mapping::default();
        let o = CompareOptions::default();
        let a = json!({"StartDate": 1, "SdkHttpMetadata": {"x": 1}, "v": [1, {"w": "a"}]});
        let b = json!({"StartDate": "2024", "v": [1.0, {"w": "a"}]});
        assert_eq!(
            value_differs(&a, &b, false, &mut String::new(), &mut m, &o),
            None
        );
        let c = json!({"StartDate": 1, "v": [1, {"w": "b"}]});
        let why = value_differs(&a, &c, false, &mut "output".into(), &mut m, &o).unwrap();
        assert_eq!(why, "output/v/1/w differs: recorded \"a\", local \"b\"");
    }

    #[test]
    fn placeholders_only_when_asked() {
        let mut m = Mapping::default();
        let on = CompareOptions {
            placeholders: true,
            wildcards: vec!["date".into()],
            ..CompareOptions::default()
        };
        assert!(strings_agree("arn:<x>:y", "arn:abc:y", &mut m, &on));
        assert!(strings_agree("date", "anything", &mut m, &on));
        assert!(!strings_agree(
            "arn:<x>:y",
            "arn:abc:y",
            &mut m,
            &CompareOptions::default()
        ));
    }
}
