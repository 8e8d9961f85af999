//! The conformance runner: runs one case of the AWS-recorded corpus (format in
//! `tests/corpus/conformance/README.md`) and judges the result with the corpus' matching rules.
//! Used by `stepwise conformance`, by the native test suite and by the browser tests.

use crate::{Engine, EngineConfig, ExecutionStatus, Idle};
use serde::Serialize;
use std::collections::BTreeMap;
use stepwise_json::{json, Value};

/// What one case produced, and whether it matched.
#[derive(Clone, Debug, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub pass: bool,
    pub history_pass: bool,
    pub status: String,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub why: String,
}

/// Steps an engine may take on one case before the runner gives up (guards against loops).
const STEP_BUDGET: usize = 200_000;

pub fn run_case(case: &Value) -> CaseResult {
    let name = case
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned();
    match run_inner(case) {
        Ok(r) => r,
        Err(why) => CaseResult {
            name,
            pass: false,
            history_pass: false,
            status: "ERROR".into(),
            output: None,
            error: None,
            cause: None,
            why,
        },
    }
}

fn run_inner(case: &Value) -> Result<CaseResult, String> {
    let name = case
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned();
    let definition = case.get("definition").ok_or("case has no definition")?;
    let mut engine = Engine::new(EngineConfig::default());
    if let Some(Value::Object(machines)) = case.get("state_machines") {
        for (n, d) in machines {
            engine
                .create_state_machine(n, &d.to_string())
                .map_err(|e| format!("child machine {n}: {e}"))?;
        }
    }
    if let Some(Value::Object(cm)) = case.get("child_mocks") {
        for (machine, lists) in cm {
            engine
                .set_state_mocks(machine, lists)
                .map_err(|e| e.to_string())?;
        }
    }
    let main_name = "main";
    if let Some(m) = case.get("mocks") {
        engine
            .set_state_mocks(main_name, m)
            .map_err(|e| e.to_string())?;
    }
    let arn = engine
        .create_state_machine(main_name, &definition.to_string())
        .map_err(|e| {
            let diags: Vec<String> = e
                .diagnostics
                .iter()
                .map(|d| format!("{} {} at {:?}", d.code, d.message, d.location))
                .collect();
            format!("create: {e} {diags:?}")
        })?;
    let mut input = case.get("input").cloned().unwrap_or(json!({}));
    // Some recordings kept the execution input as its JSON text; the execution got the value.
    if let Some(v) = input.as_str().and_then(parse_json_text) {
        input = v;
    }
    let id = engine
        .start_execution(&arn, Some("conformance"), Some(&input.to_string()))
        .map_err(|e| e.to_string())?;
    let callbacks: BTreeMap<String, Vec<Value>> = case
        .get("callbacks")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        v.as_array().map(|a| a.to_vec()).unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut used: BTreeMap<String, usize> = BTreeMap::new();
    let mut answered: BTreeMap<String, ()> = BTreeMap::new();
    let mut steps = 0;
    while engine.execution(id).status == ExecutionStatus::Running && steps < STEP_BUDGET {
        let idle = engine.run_until_idle(1000);
        steps += 1000;
        // Answer newly issued tokens, in the order the corpus lists them per state.
        let mut acted = false;
        for p in engine.pending_tasks() {
            if answered.contains_key(&p.token) || p.kind == crate::PendingKind::Manual {
                continue;
            }
            answered.insert(p.token.clone(), ());
            let Some(list) = callbacks.get(&p.state_name) else {
                continue;
            };
            let n = used.entry(p.state_name.clone()).or_insert(0);
            let Some(cb) = list.get(*n).cloned() else {
                continue;
            };
            *n += 1;
            let beats = cb
                .get("SendTaskHeartbeat")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            for _ in 0..beats {
                let _ = engine.send_task_heartbeat(&p.token);
            }
            if let Some(s) = cb.get("SendTaskSuccess") {
                let out = s.get("Output").cloned().unwrap_or(Value::Null);
                engine
                    .send_task_success(&p.token, &out.to_string())
                    .map_err(|e| e.to_string())?;
                acted = true;
            } else if let Some(f) = cb.get("SendTaskFailure") {
                let err = f.get("Error").and_then(Value::as_str);
                let cause = f.get("Cause").map(|c| match c {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                engine
                    .send_task_failure(&p.token, err, cause.as_deref())
                    .map_err(|e| e.to_string())?;
                acted = true;
            }
        }
        if acted {
            continue;
        }
        match idle {
            Idle::BudgetSpent => {}
            Idle::WaitingForTimer(_) => {
                engine.advance_to_next_timer();
            }
            Idle::Finished => break,
            Idle::WaitingForOutside => {
                if !engine.advance_to_next_timer() {
                    break;
                }
            }
        }
    }
    // A fault of the engine is never a pass, whatever the history looks like.
    if let Some(fault) = engine.internal_errors().first() {
        return Err(format!("engine fault: {fault}"));
    }
    let exec = engine.execution(id);
    let expected = case.get("expected").ok_or("case has no expected")?;
    let wildcards: Vec<String> = case
        .get("wildcards")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|w| w.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let skip: Vec<String> = case
        .get("skip_paths")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str())
                .filter_map(|p| p.rsplit(['.', ']']).next().map(str::to_owned))
                .filter(|k| !k.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let m = Matcher {
        wildcards: &wildcards,
        skip: &skip,
    };
    let mut why = Vec::new();
    let status = exec.status.as_str();
    let want_status = expected.get("status").and_then(Value::as_str).unwrap_or("");
    if status != want_status {
        why.push(format!("status {status} != {want_status}"));
    }
    if let Some(out) = expected.get("output") {
        match &exec.output {
            Some(actual) if m.matches(out, actual) => {}
            actual => why.push(format!(
                "output {} != expected {}",
                short(actual.as_ref().unwrap_or(&Value::Null)),
                short(out)
            )),
        }
    }
    if let Some(err) = expected.get("error") {
        let actual = exec.error.clone().map(Value::String).unwrap_or(Value::Null);
        if !m.matches(err, &actual) {
            why.push(format!("error {actual} != {err}"));
        }
    }
    if let Some(cause) = expected.get("cause") {
        let actual = exec.cause.clone().map(Value::String).unwrap_or(Value::Null);
        if !m.matches(cause, &actual) {
            why.push(format!("cause {} != {}", short(&actual), short(cause)));
        }
    }
    let pass = why.is_empty();
    let history_pass = match case.get("expected_history").and_then(Value::as_array) {
        None => pass,
        Some(events) => {
            let want: Vec<(&str, bool)> = events
                .iter()
                .map(|e| {
                    (
                        e.get("type").and_then(Value::as_str).unwrap_or(""),
                        e.get("id").is_some_and(Value::is_u64),
                    )
                })
                .collect();
            let got: Vec<&str> = exec.history.iter().map(|e| e.event_type.as_str()).collect();
            if !same_history(&want, &got) {
                let want: Vec<&str> = want.iter().map(|w| w.0).collect();
                why.push(format!("history types differ: got {got:?}, want {want:?}"));
                false
            } else {
                true
            }
        }
    };
    Ok(CaseResult {
        name,
        pass,
        history_pass: pass && history_pass,
        status: status.to_owned(),
        output: exec.output.clone(),
        error: exec.error.clone(),
        cause: exec.cause.clone(),
        why: why.join("; "),
    })
}

/// Event types in order, except that a run of events whose ids the recording masked (their
/// order differs from run to run, as in Parallel branches) compares as a multiset.
fn same_history(want: &[(&str, bool)], got: &[&str]) -> bool {
    if want.len() != got.len() {
        return false;
    }
    let mut i = 0;
    while i < want.len() {
        if want[i].1 {
            if want[i].0 != got[i] {
                return false;
            }
            i += 1;
            continue;
        }
        let end = (i..want.len()).find(|j| want[*j].1).unwrap_or(want.len());
        let mut a: Vec<&str> = want[i..end].iter().map(|w| w.0).collect();
        let mut b: Vec<&str> = got[i..end].to_vec();
        a.sort_unstable();
        b.sort_unstable();
        if a != b {
            return false;
        }
        i = end;
    }
    true
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 300 {
        format!(
            "{}…",
            &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)]
        )
    } else {
        s
    }
}

/// The corpus' matching rules: JSON values, placeholders `<...>` match any run of characters,
/// wildcard strings match anything, skipped keys are ignored, JSON text compares as JSON.
pub struct Matcher<'a> {
    pub wildcards: &'a [String],
    pub skip: &'a [String],
}

impl Matcher<'_> {
    pub fn matches(&self, expected: &Value, actual: &Value) -> bool {
        match (expected, actual) {
            (Value::String(e), _) if self.wildcards.iter().any(|w| w == e) => true,
            // A string that is one placeholder stands for any single value.
            (Value::String(e), a) if is_placeholder(e) && !a.is_object() && !a.is_array() => true,
            (Value::String(e), Value::String(a)) => {
                placeholder_match(e, a)
                    || match (parse_json_text(e), parse_json_text(a)) {
                        (Some(ev), Some(av)) => self.matches(&ev, &av),
                        _ => false,
                    }
            }
            // The recording decoded JSON text into objects; the engine gives text.
            (Value::Object(_) | Value::Array(_), Value::String(a)) => {
                match serde_json::from_str::<Value>(a) {
                    Ok(av) => self.matches(expected, &av),
                    Err(_) => false,
                }
            }
            (Value::Object(e), Value::Object(a)) => {
                let keys_e: Vec<&str> = e
                    .keys()
                    .map(|k| k.as_str())
                    .filter(|k| !self.skip.iter().any(|s| s == k))
                    .collect();
                let keys_a: Vec<&str> = a
                    .keys()
                    .map(|k| k.as_str())
                    .filter(|k| !self.skip.iter().any(|s| s == k))
                    .collect();
                keys_e.len() == keys_a.len()
                    && keys_e
                        .iter()
                        .all(|k| a.get(k).is_some_and(|av| self.matches(&e[*k], av)))
            }
            (Value::Array(e), Value::Array(a)) => {
                e.len() == a.len() && e.iter().zip(a).all(|(x, y)| self.matches(x, y))
            }
            (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
            (Value::Null, Value::String(a)) => a == "null",
            (e, Value::String(a)) if !e.is_string() => {
                serde_json::from_str::<Value>(a).is_ok_and(|av| &av == e)
            }
            (e, a) => e == a,
        }
    }
}

fn parse_json_text(s: &str) -> Option<Value> {
    let t = s.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        serde_json::from_str(s).ok()
    } else {
        None
    }
}

/// A whole value written as `<...>` in a recording: it stands for any scalar.
pub fn is_placeholder(s: &str) -> bool {
    s.len() > 2 && s.starts_with('<') && s.ends_with('>') && !s[1..s.len() - 1].contains(['<', '>'])
}

/// Glob-like match where each `<...>` in `pattern` matches any run of characters. The matching
/// rules of the corpus, also used when a replay is compared with its recording.
pub fn placeholder_match(pattern: &str, actual: &str) -> bool {
    if !pattern.contains('<') {
        return pattern == actual;
    }
    let mut parts: Vec<&str> = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('<') {
        match rest[start..].find('>') {
            Some(end) => {
                parts.push(&rest[..start]);
                rest = &rest[start + end + 1..];
            }
            None => break,
        }
    }
    parts.push(rest);
    if parts.len() == 1 {
        return pattern == actual;
    }
    let Some(mut remaining) = actual.strip_prefix(parts[0]) else {
        return false;
    };
    let last = parts.len() - 1;
    for (i, p) in parts.iter().enumerate().skip(1) {
        if i == last {
            return remaining.ends_with(p);
        }
        match remaining.find(p) {
            Some(pos) => remaining = &remaining[pos + p.len()..],
            None => return false,
        }
    }
    true
}

/// Per-group totals for reports.
#[derive(Default, Debug, Clone, Serialize)]
pub struct GroupTally {
    pub total: usize,
    pub pass: usize,
    pub history_pass: usize,
}

pub fn tally(results: &[CaseResult]) -> BTreeMap<String, GroupTally> {
    let mut m: BTreeMap<String, GroupTally> = BTreeMap::new();
    for r in results {
        let group = r.name.split('/').next().unwrap_or("?").to_owned();
        let t = m.entry(group).or_default();
        t.total += 1;
        t.pass += usize::from(r.pass);
        t.history_pass += usize::from(r.history_pass);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_wildcards() {
        let w = vec!["date".to_owned()];
        let m = Matcher {
            wildcards: &w,
            skip: &[],
        };
        assert!(m.matches(
            &json!("arn:aws:states:x:<ArnPart_0idx>:y"),
            &json!("arn:aws:states:x:abc:y")
        ));
        assert!(!m.matches(&json!("arn:<a>:y"), &json!("arn:b:z")));
        assert!(m.matches(&json!("date"), &json!(12345)));
        assert!(m.matches(&json!({"a": [1, "<uuid:1>"]}), &json!({"a": [1.0, "u-u"]})));
        assert!(m.matches(&json!({"x": 1}), &json!("{\"x\":1}")));
        assert!(!m.matches(&json!({"x": 1}), &json!({"x": 1, "y": 2})));
    }
}
