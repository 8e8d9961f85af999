//! Runs the official JSONata test suite (`tests/corpus/jsonata-suite`, format in its README) and
//! reports the pass rate per group and overall.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use stepwise_json::{Map, Value};
use stepwise_jsonata::{from_json, Env, Expression, Functions, Outcome};

/// The pass rate this crate must keep (in percent of all cases).
const FLOOR_PERCENT: f64 = 99.0;

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/jsonata-suite")
}

struct Case {
    group: String,
    name: String,
    body: Map,
}

fn load_cases(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut groups: Vec<PathBuf> = fs::read_dir(dir.join("groups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    groups.sort();
    for group_dir in groups {
        let group = group_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut files: Vec<PathBuf> = fs::read_dir(&group_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for file in files {
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            let text = fs::read_to_string(&file).unwrap();
            let value: Value = match serde_json::from_str(&text) {
                Ok(value) => value,
                Err(e) => {
                    // The README's two cases with a lone UTF-16 surrogate, which serde_json (like
                    // any Rust string) cannot hold: counted, and failed.
                    let mut body = Map::new();
                    body.insert("unreadable".into(), Value::String(e.to_string()));
                    cases.push(Case {
                        group: group.clone(),
                        name: stem,
                        body,
                    });
                    continue;
                }
            };
            let bodies = match value {
                Value::Array(items) => items.into_vec(),
                other => vec![other],
            };
            let many = bodies.len() > 1;
            for (i, body) in bodies.into_iter().enumerate() {
                let Value::Object(mut body) = body else {
                    panic!("{}: not an object", file.display())
                };
                if let Some(Value::String(expr_file)) = body.get("expr-file").cloned() {
                    let expr = fs::read_to_string(group_dir.join(expr_file)).unwrap();
                    body.insert("expr".into(), Value::String(expr));
                }
                let name = if many {
                    format!("{stem}[{i}]")
                } else {
                    stem.clone()
                };
                cases.push(Case {
                    group: group.clone(),
                    name,
                    body,
                });
            }
        }
    }
    cases
}

/// Deep equality with numbers compared by value and, where asked, arrays in any order.
fn same(a: &Value, b: &Value, unordered: bool) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if unordered {
                let mut used = vec![false; y.len()];
                x.iter().all(|item| {
                    let found = (0..y.len()).find(|&j| !used[j] && same(item, &y[j], false));
                    found.map(|j| used[j] = true).is_some()
                })
            } else {
                x.iter().zip(y).all(|(p, q)| same(p, q, false))
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same(v, w, false)))
        }
        _ => a == b,
    }
}

fn expected_code(body: &Map) -> Option<String> {
    if let Some(Value::String(code)) = body.get("code") {
        return Some(code.clone());
    }
    body.get("error")?.get("code")?.as_str().map(str::to_owned)
}

/// Runs one case; `Err` explains a failure.
fn run(case: &Case, datasets: &Path) -> Result<(), String> {
    let body = &case.body;
    if let Some(why) = body.get("unreadable") {
        return Err(format!("case file unreadable in Rust: {why}"));
    }
    let expr = body
        .get("expr")
        .and_then(Value::as_str)
        .ok_or("no expression")?;
    let input = match (body.get("data"), body.get("dataset")) {
        (Some(data), _) => Some(data.clone()),
        (None, Some(Value::String(name))) => {
            let text = fs::read_to_string(datasets.join(format!("{name}.json")))
                .map_err(|e| format!("dataset {name}: {e}"))?;
            Some(serde_json::from_str(&text).map_err(|e| e.to_string())?)
        }
        _ => None,
    };
    let bindings: Vec<(String, stepwise_jsonata::JValue)> = match body.get("bindings") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| (k.to_string(), from_json(v)))
            .collect(),
        _ => Vec::new(),
    };
    let bound: Vec<(&str, &stepwise_jsonata::JValue)> =
        bindings.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut functions = Functions::standard();
    if let Some(depth) = body.get("depth").and_then(Value::as_u64) {
        functions.set_max_depth(depth as usize);
    }
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut env = Env {
        now_millis: 1_700_000_000_000,
        random: &mut random,
    };

    let outcome = Expression::compile(expr).and_then(|compiled| {
        let input = input.as_ref().map(from_json);
        compiled.evaluate_prepared(input.as_ref(), &bound, &mut env, &functions)
    });
    let unordered = body
        .get("unordered")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match (expected_code(body), outcome) {
        (Some(code), Err(e)) if e.code == code => Ok(()),
        (Some(code), Err(e)) => Err(format!("expected {code}, got error {e}")),
        (Some(code), Ok(o)) => Err(format!("expected {code}, got {o:?}")),
        (None, Err(e)) => Err(format!("unexpected error {e}")),
        (None, Ok(outcome)) => {
            if body.get("undefinedResult").and_then(Value::as_bool) == Some(true) {
                return match outcome {
                    Outcome::Undefined => Ok(()),
                    other => Err(format!("expected undefined, got {other:?}")),
                };
            }
            let expected = body.get("result").ok_or("case has no expectation")?;
            match outcome {
                Outcome::Value(v) if same(&v, expected, unordered) => Ok(()),
                other => Err(format!("expected {expected}, got {other:?}")),
            }
        }
    }
}

#[test]
fn official_suite() {
    let dir = suite_dir();
    let cases = load_cases(&dir);
    let datasets = dir.join("datasets");
    let mut per_group: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let trace = std::env::var_os("SUITE_TRACE").is_some();
    for case in &cases {
        if trace {
            eprintln!("{}/{}", case.group, case.name);
        }
        let entry = per_group.entry(case.group.as_str()).or_default();
        entry.1 += 1;
        match run(case, &datasets) {
            Ok(()) => entry.0 += 1,
            Err(why) => failures.push(format!("{}/{}: {}", case.group, case.name, why)),
        }
    }
    let passed: usize = per_group.values().map(|(p, _)| p).sum();
    let total = cases.len();
    println!("{:<40} {:>6} {:>6}", "group", "passed", "total");
    for (group, (p, t)) in &per_group {
        println!("{group:<40} {p:>6} {t:>6}");
    }
    println!("\nfailures ({}):", failures.len());
    for failure in &failures {
        let short: String = failure.chars().take(300).collect();
        println!("  {short}");
    }
    let rate = 100.0 * passed as f64 / total as f64;
    println!("\nJSONata suite: {passed} of {total} cases pass ({rate:.2}%)");
    assert!(
        rate >= FLOOR_PERCENT,
        "pass rate {rate:.2}% is below the floor of {FLOOR_PERCENT}%"
    );
}
