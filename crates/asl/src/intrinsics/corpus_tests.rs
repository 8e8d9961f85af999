//! Runs the conformance corpus' single-Pass-state JSONPath machines through InputPath,
//! Parameters (payload template + intrinsics), ResultPath and OutputPath, and compares with what
//! AWS recorded. A stand-in for the engine, which owns the real pipeline.

use crate::{
    path::JsonPath,
    payload::CompiledTemplate,
    scope::{Scope, SplitMix64},
    StatesError,
};
use std::path::PathBuf;
use stepwise_json::{json, Map, Value};

fn cases_dir() -> PathBuf {
    crate::test_data::corpus().join("conformance/cases")
}

/// An expected string matches when equal, when it is one of the case's wildcards, or when it
/// matches with each `<placeholder>` standing for any run of characters.
fn string_matches(expected: &str, got: &str, wildcards: &[String]) -> bool {
    if expected == got || wildcards.iter().any(|w| w == expected) {
        return true;
    }
    let placeholder = regex_lite::Regex::new(r"<[A-Za-z0-9_:\-]+>").expect("static regex");
    if !placeholder.is_match(expected) {
        return false;
    }
    let mut pattern = String::from("(?s)^");
    let mut last = 0;
    for m in placeholder.find_iter(expected) {
        pattern.push_str(&regex_lite::escape(&expected[last..m.start()]));
        pattern.push_str(".*");
        last = m.end();
    }
    pattern.push_str(&regex_lite::escape(&expected[last..]));
    pattern.push('$');
    regex_lite::Regex::new(&pattern).is_ok_and(|re| re.is_match(got))
}

fn value_matches(expected: &Value, got: &Value, wildcards: &[String]) -> bool {
    match (expected, got) {
        (Value::String(e), Value::String(g)) => string_matches(e, g, wildcards),
        (Value::String(e), _) if wildcards.iter().any(|w| w == e) => true,
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| value_matches(x, y, wildcards))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| value_matches(v, w, wildcards)))
        }
        _ => expected == got,
    }
}

const PASS_FIELDS: [&str; 8] = [
    "Type",
    "End",
    "Comment",
    "InputPath",
    "Parameters",
    "Result",
    "ResultPath",
    "OutputPath",
];

/// The one Pass state of a JSONPath machine this harness can run, with its name.
fn single_pass_state(def: &Value) -> Option<(&str, &Map)> {
    if def.get("QueryLanguage").is_some_and(|q| q != "JSONPath") {
        return None;
    }
    let states = def.get("States")?.as_object()?;
    if states.len() != 1 {
        return None;
    }
    let (name, state) = states.iter().next()?;
    let state = state.as_object()?;
    (state.get("Type")? == "Pass" && state.keys().all(|k| PASS_FIELDS.contains(&k.as_str())))
        .then_some((name, state))
}

fn run_pass(state: &Map, input: &Value, context: &Value) -> Result<Value, StatesError> {
    let vars = Map::new();
    let path_field = |name: &str| -> Result<Option<JsonPath>, StatesError> {
        match state.get(name) {
            None => Ok(Some(JsonPath::parse("$").map_err(StatesError::runtime)?)),
            Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => JsonPath::parse(s).map(Some).map_err(StatesError::runtime),
            Some(other) => Err(StatesError::runtime(format!(
                "{name} is not a path: {other}"
            ))),
        }
    };
    let select = |p: &Option<JsonPath>, v: &Value| -> Result<Value, StatesError> {
        let Some(p) = p else { return Ok(json!({})) };
        let scope = Scope {
            input: v,
            context,
            vars: &vars,
        };
        p.select(&scope)
            .ok_or_else(|| StatesError::runtime(p.invalid_path_cause(&scope)))
    };
    let effective = select(&path_field("InputPath")?, input)?;
    let result = if let Some(params) = state.get("Parameters") {
        let template = CompiledTemplate::compile(params).map_err(StatesError::runtime)?;
        template.evaluate(
            &Scope {
                input: &effective,
                context,
                vars: &vars,
            },
            &mut SplitMix64(0),
        )?
    } else if let Some(r) = state.get("Result") {
        r.clone()
    } else {
        effective
    };
    let combined = match path_field("ResultPath")? {
        None => input.clone(),
        Some(p) => p
            .assign(input.clone(), result)
            .map_err(|c| StatesError::new("States.ResultPathMatchFailure", c))?,
    };
    select(&path_field("OutputPath")?, &combined)
}

struct Tally {
    run: usize,
    passed: usize,
    failures: Vec<String>,
}

fn run_group(filter: impl Fn(&str) -> bool) -> Tally {
    let root = cases_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .filter(|g| g.path().is_dir() && filter(&g.file_name().to_string_lossy()))
        .flat_map(|g| {
            std::fs::read_dir(g.path())
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|f| f.path())
        })
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut tally = Tally {
        run: 0,
        passed: 0,
        failures: Vec::new(),
    };
    for file in files {
        let case: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("readable case"))
                .expect("JSON case");
        let Some((state_name, state)) = single_pass_state(&case["definition"]) else {
            continue;
        };
        tally.run += 1;
        let input = &case["input"];
        let context = json!({
            "Execution": {
                "Id": "arn:aws:states:us-east-1:123456789012:execution:conformance-machine:exec-1",
                "Input": input,
                "Name": "exec-1",
                "RoleArn": "arn:aws:iam::123456789012:role/stepwise",
                "StartTime": "2024-01-01T00:00:00.000Z",
                "RedriveCount": 0
            },
            "StateMachine": {
                "Id": "arn:aws:states:us-east-1:123456789012:stateMachine:conformance-machine",
                "Name": "conformance-machine"
            },
            "State": {"Name": state_name, "EnteredTime": "2024-01-01T00:00:00.000Z"}
        });
        let wildcards: Vec<String> = case["wildcards"]
            .as_array()
            .map(|w| {
                w.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let expected = &case["expected"];
        let got = run_pass(state, input, &context);
        let ok = match (&got, expected["status"].as_str()) {
            (Ok(out), Some("SUCCEEDED")) => value_matches(&expected["output"], out, &wildcards),
            (Err(e), Some("FAILED")) => {
                let cause = format!(
                    "An error occurred while executing the state '{state_name}' (entered at the event id #2). {}",
                    e.cause.clone().unwrap_or_default()
                );
                expected["error"] == e.error.as_str()
                    && value_matches(&expected["cause"], &json!(cause), &wildcards)
            }
            _ => false,
        };
        if ok {
            tally.passed += 1;
        } else {
            tally.failures.push(format!(
                "{}: expected {expected}, got {got:?}",
                case["name"]
            ));
        }
    }
    tally
}

#[test]
fn intrinsic_functions_corpus() {
    let t = run_group(|g| g == "intrinsic_functions");
    eprintln!("intrinsic_functions corpus: {}/{} JSONPath Pass cases match (JSONata cases are not run here)", t.passed, t.run);
    assert!(
        t.run >= 98,
        "expected the 98 JSONPath cases, found {}",
        t.run
    );
    assert!(t.failures.is_empty(), "{}", t.failures.join("\n"));
}

#[test]
fn all_single_pass_cases() {
    let t = run_group(|_| true);
    eprintln!(
        "whole corpus, single Pass-state JSONPath machines: {}/{} match",
        t.passed, t.run
    );
    assert!(t.failures.is_empty(), "{}", t.failures.join("\n"));
}

#[test]
fn placeholder_matching() {
    let w = vec!["date".to_owned()];
    assert!(string_matches("<ArnPart_0idx>", "anything-at-all", &w));
    assert!(string_matches("a=<uuid:1>, b", "a=123, b", &w));
    assert!(!string_matches("a=<uuid:1>, b", "a=123, c", &w));
    assert!(string_matches("date", "2024", &w));
    assert!(!string_matches("x", "y", &w));
    assert!(value_matches(&json!({"a": [1.0]}), &json!({"a": [1]}), &w));
}

/// Every path and intrinsic call written in the corpus' definitions (which AWS accepted) must
/// compile: `*Path` fields, `.$` fields, Choice `Variable`s and `*Path` comparison operands.
#[test]
fn every_corpus_expression_compiles() {
    fn visit(v: &Value, jsonata: bool, found: &mut Vec<(String, bool)>) {
        match v {
            Value::Object(map) => {
                let jsonata = jsonata || map.get("QueryLanguage").is_some_and(|q| q == "JSONata");
                for (k, child) in map {
                    if let Value::String(s) = child {
                        let pathish = k.ends_with(".$") || k.ends_with("Path") || k == "Variable";
                        if pathish && !jsonata && !crate::query::is_expression(s) {
                            found.push((s.clone(), k.ends_with(".$")));
                        }
                    }
                    // A Pass state's Result is literal data: its `.$` keys are not evaluated.
                    if k != "Result" {
                        visit(child, jsonata, found);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| visit(i, jsonata, found)),
            _ => {}
        }
    }
    let root = cases_dir();
    let mut found = Vec::new();
    for group in std::fs::read_dir(&root)
        .expect("cases dir")
        .filter_map(Result::ok)
    {
        for file in std::fs::read_dir(group.path())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let Ok(text) = std::fs::read_to_string(file.path()) else {
                continue;
            };
            let Ok(case) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            visit(&case["definition"], false, &mut found);
            for child in case["state_machines"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values())
            {
                visit(child, false, &mut found);
            }
        }
    }
    found.sort();
    found.dedup();
    let mut bad = Vec::new();
    for (text, dynamic) in &found {
        let result = if *dynamic && crate::intrinsics::looks_like_intrinsic(text) {
            crate::intrinsics::Intrinsic::parse(text).map(|_| ())
        } else {
            JsonPath::parse(text).map(|_| ())
        };
        if let Err(e) = result {
            bad.push(format!("{text:?}: {e}"));
        }
    }
    eprintln!(
        "corpus expressions: {}/{} compile",
        found.len() - bad.len(),
        found.len()
    );
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
