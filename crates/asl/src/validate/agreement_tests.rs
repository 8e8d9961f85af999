//! Validating and creating a machine are one checker: over the corpus definitions and random
//! mutations of them, a definition validates exactly when it can be created, and whatever the
//! engine's model refuses was already a diagnostic of the checks that explain problems in AWS's
//! words (the model's own refusal, the validator's last check, never has to speak).

use super::{compile_text_with, is_valid, validate_text, validate_value_reporting_build, Options};
use crate::model::Definition;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json")
            && p.file_name().is_some_and(|n| n != "labels.json")
        {
            out.push(p);
        }
    }
}

/// The conformance corpus's definitions (each case's and its extra machines') and the external
/// validators' labelled definitions, valid and invalid alike.
fn corpus() -> &'static [Value] {
    static CORPUS: OnceLock<Vec<Value>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut defs = Vec::new();
        for name in ["conformance/cases", "validation-external"] {
            let mut files = Vec::new();
            json_files(&crate::test_data::corpus().join(name), &mut files);
            for file in files {
                let Ok(v) =
                    serde_json::from_slice::<Value>(&std::fs::read(&file).unwrap_or_default())
                else {
                    continue;
                };
                if v.get("StartAt").is_some() {
                    defs.push(v);
                    continue;
                }
                if v["definition"].is_object() {
                    defs.push(v["definition"].clone());
                }
                if let Some(machines) = v["state_machines"].as_object() {
                    for m in machines.values() {
                        let def = if m.get("StartAt").is_some() {
                            m
                        } else {
                            &m["definition"]
                        };
                        defs.push(def.clone());
                    }
                }
            }
        }
        defs
    })
}

/// Every location in `v`, as a list of keys/indexes from the root.
fn locations(v: &Value, here: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                here.push(k.clone());
                locations(child, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                here.push(i.to_string());
                locations(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn node_mut<'a>(v: &'a mut Value, at: &[String]) -> Option<&'a mut Value> {
    at.iter().try_fold(v, |cur, key| match cur {
        Value::Object(m) => m.get_mut(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    })
}

/// Values of every kind, and strings that mean something somewhere in ASL.
const REPLACEMENTS: &[&str] = &[
    "$",
    "$.a",
    "$.a[0].b",
    "$$.Execution.Id",
    "$$.x",
    "$x",
    "$x.y",
    "$.a[*]",
    "$..a",
    "$.a.length()",
    "$[?(@.a == es)]",
    "States.Format('{}', $.a)",
    "States.ArrayGetItem($.a, 0)",
    "States.Nope(1)",
    "States.Format(",
    "{% $states.input %}",
    "{% ( %}",
    "{% %}",
    "not a path",
    "${lambdaArn}",
    "${lambdaArn",
    "arn:aws:states:::lambda:invoke",
    "arn:aws:lambda:us-east-1:123456789012:function:f:",
    "JSONata",
    "JSONPath",
    "States.ALL",
    "States.Timeout",
    "FULL",
    "DISTRIBUTED",
    "2016-03-14T01:59:00Z",
    "Pass",
    "Task",
    "Choice",
    "Wait",
    "Succeed",
    "Fail",
    "Parallel",
    "Map",
    "",
];

/// Field names of ASL, so that mutations add and rename fields that mean something.
const FIELDS: &[&str] = &[
    "Type",
    "Next",
    "End",
    "Comment",
    "QueryLanguage",
    "InputPath",
    "OutputPath",
    "ResultPath",
    "Parameters",
    "ResultSelector",
    "Result",
    "Resource",
    "Retry",
    "Catch",
    "ErrorEquals",
    "Credentials",
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "HeartbeatSeconds",
    "Choices",
    "Default",
    "Variable",
    "StringEquals",
    "Condition",
    "Seconds",
    "SecondsPath",
    "Timestamp",
    "Error",
    "ErrorPath",
    "Cause",
    "CausePath",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "ItemSelector",
    "ItemsPath",
    "Items",
    "MaxConcurrency",
    "Assign",
    "Output",
    "Arguments",
    "StartAt",
    "States",
    "IntervalSeconds",
    "MaxAttempts",
    "BackoffRate",
    "JitterStrategy",
    "Label",
    "ProcessorConfig",
    "x.$",
];

fn scalar(pick: u64, names: &[String]) -> Value {
    match pick % 12 {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(0),
        3 => json!(-1),
        4 => json!(1.5),
        5 => json!(99_999_999_999u64),
        6 => json!([]),
        7 => json!({}),
        8 => json!(["States.ALL"]),
        9 if !names.is_empty() => json!(names[(pick / 12) as usize % names.len()]),
        _ => json!(REPLACEMENTS[(pick / 12) as usize % REPLACEMENTS.len()]),
    }
}

/// One mutation at a location chosen by `seed`: delete it, change its type or value, rename it,
/// give it a new member or copy another value over it; or give an object an ASL field.
fn mutate(def: &mut Value, seed: u64) {
    let mut all = Vec::new();
    locations(def, &mut Vec::new(), &mut all);
    let names: Vec<String> = all
        .iter()
        .filter(|p| p.len() >= 2 && p[p.len() - 2] == "States")
        .map(|p| p[p.len() - 1].clone())
        .collect();
    let at = all[(seed % all.len() as u64) as usize].clone();
    let pick = seed / 7919;
    let kind = (seed >> 40) % 8;
    let replacement = scalar(pick, &names);
    if kind >= 6 {
        // Most mutations that matter give a state, a retrier, a catcher or a rule a field of
        // ASL with a value of the wrong type or meaning: aim at objects.
        let objects: Vec<&Vec<String>> = all
            .iter()
            .filter(|p| node_mut(def, p).is_some_and(|n| n.is_object()))
            .collect();
        let target = objects[(seed % objects.len() as u64) as usize].clone();
        if let Some(Value::Object(m)) = node_mut(def, &target) {
            m.insert(
                FIELDS[(pick % FIELDS.len() as u64) as usize].to_owned(),
                scalar(pick / 64, &names),
            );
        }
        return;
    }
    let donor = node_mut(def, &all[(pick % all.len() as u64) as usize])
        .cloned()
        .unwrap_or(Value::Null);
    let Some((last, parent_at)) = at.split_last() else {
        if let Value::Object(m) = def {
            m.insert(
                FIELDS[(pick % FIELDS.len() as u64) as usize].to_owned(),
                replacement,
            );
        }
        return;
    };
    let Some(parent) = node_mut(def, parent_at) else {
        return;
    };
    match (parent, kind) {
        (Value::Object(m), 0) => {
            m.shift_remove(last);
        }
        (Value::Object(m), 1) => {
            // Rename: to another ASL field, or toggle the `.$` suffix.
            if let Some(v) = m.shift_remove(last) {
                let name = match last.strip_suffix(".$") {
                    Some(base) if pick.is_multiple_of(2) => base.to_owned(),
                    _ if pick.is_multiple_of(2) => format!("{last}.$"),
                    _ => FIELDS[(pick / 2 % FIELDS.len() as u64) as usize].to_owned(),
                };
                m.insert(name, v);
            }
        }
        (Value::Object(m), 2) => {
            let target = m.get_mut(last).expect("location exists");
            match target {
                Value::Object(inner) => {
                    inner.insert(
                        FIELDS[(pick % FIELDS.len() as u64) as usize].to_owned(),
                        scalar(pick / 64, &names),
                    );
                }
                other => *other = replacement,
            }
        }
        (Value::Object(m), 3) => {
            m.insert(last.clone(), donor);
        }
        (Value::Array(items), 0) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        (Value::Array(items), 3) => items.push(donor),
        (parent, _) => {
            if let Some(target) = node_mut(parent, std::slice::from_ref(last)) {
                *target = replacement;
            }
        }
    }
}

/// Every state type, small enough that mutations hit each of its fields.
fn small_machine() -> Value {
    json!({"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Parameters": {"a.$": "$.x"}, "ResultPath": "$.p", "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 5,
              "Retry": [{"ErrorEquals": ["States.ALL"], "Comment": "c"}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F", "ResultPath": "$.e"}], "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "W"}], "Default": "M"},
        "W": {"Type": "Wait", "SecondsPath": "$.s", "Next": "Par"},
        "Par": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}], "Next": "M"},
        "M": {"Type": "Map", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
              "ItemSelector": {"v.$": "$$.Map.Item.Value"}, "End": true},
        "F": {"Type": "Fail", "ErrorPath": "States.Format('E{}', $.code)", "CausePath": "$.why"}
    }})
}

/// What `Engine::create_state_machine` does with definition text: `compile_text_with`, whose
/// validation builds the definition as its last check. The model built straight from the text
/// must agree too.
fn create(text: &str) -> bool {
    let (diagnostics, built) = compile_text_with(text, &Options::default());
    let created = is_valid(&diagnostics) && built.is_some();
    created && Definition::parse_text(text).is_ok()
}

fn check(def: &Value) -> Result<(), TestCaseError> {
    let pretty = || serde_json::to_string_pretty(def).unwrap_or_default();
    let (diags, refused) = validate_value_reporting_build(def);
    prop_assert!(
        refused.is_none(),
        "the model refused what every check let through: {refused:?}\n{}",
        pretty()
    );
    let text = pretty();
    let validates = is_valid(&validate_text(&text));
    prop_assert_eq!(
        validates,
        is_valid(&diags),
        "text and value disagree: {:?}\n{}",
        diags,
        text
    );
    prop_assert_eq!(
        validates,
        create(&text),
        "validate and create disagree: {:?}\n{}",
        diags,
        text
    );
    Ok(())
}

#[test]
fn corpus_definitions_validate_as_they_build() {
    let corpus = corpus();
    assert!(corpus.len() > 900, "{} definitions", corpus.len());
    for def in corpus {
        if let Err(e) = check(def) {
            panic!("{e}");
        }
    }
}

/// One state of each type (with a retrier, a catcher, a Choice rule, a branch, a processor and
/// templates inside), each alone in a machine with the state it moves to.
fn one_state_machines() -> Vec<Value> {
    let states = [
        json!({"Type": "Pass", "Parameters": {"a.$": "$.x"}, "ResultPath": "$.p", "Next": "Done"}),
        json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 5,
               "Retry": [{"ErrorEquals": ["States.ALL"], "Comment": "c"}],
               "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done", "ResultPath": "$.e"}], "Next": "Done"}),
        json!({"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Done"}], "Default": "Done"}),
        json!({"Type": "Wait", "SecondsPath": "$.s", "Next": "Done"}),
        json!({"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}], "Next": "Done"}),
        json!({"Type": "Map", "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
               "ItemSelector": {"v.$": "$$.Map.Item.Value"}, "End": true}),
        json!({"Type": "Fail", "ErrorPath": "States.Format('E{}', $.code)", "CausePath": "$.why"}),
    ];
    states
        .into_iter()
        .map(|s| json!({"StartAt": "S", "States": {"S": s, "Done": {"Type": "Succeed"}}}))
        .collect()
}

/// Every field of ASL set to every kind of value, on every object of every state type (the
/// state, its retrier, catcher, Choice rule, branch, processor, templates): the model never
/// refuses what the checks let through. Random mutations rarely hit one field with one value;
/// this tries them all.
#[test]
fn every_field_with_every_value_on_every_object() {
    let values: Vec<Value> = (0..9)
        .map(|i| scalar(i, &[]))
        .chain(REPLACEMENTS.iter().map(|s| json!(s)))
        .collect();
    let mut tried = 0;
    let mut refusals = Vec::new();
    for base in one_state_machines() {
        let mut all = Vec::new();
        locations(
            &base["States"]["S"],
            &mut vec!["States".into(), "S".into()],
            &mut all,
        );
        let objects = all
            .into_iter()
            .filter(|p| node_mut(&mut base.clone(), p).is_some_and(|n| n.is_object()));
        for at in objects {
            for field in FIELDS {
                for value in &values {
                    let mut def = base.clone();
                    if let Some(Value::Object(m)) = node_mut(&mut def, &at) {
                        m.insert((*field).to_owned(), value.clone());
                    }
                    tried += 1;
                    if let (_, Some(e)) = validate_value_reporting_build(&def) {
                        refusals.push(format!(
                            "/{} {field}: {value} -> {} {}",
                            at.join("/"),
                            e.pointer,
                            e.message
                        ));
                    }
                }
            }
        }
    }
    assert!(tried > 20_000, "{tried}");
    assert!(
        refusals.is_empty(),
        "the model refused what every check let through:\n{}",
        refusals.join("\n")
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_definitions_validate_as_they_build(index in any::<usize>(), seeds in prop::collection::vec(any::<u64>(), 1..4)) {
        let corpus = corpus();
        let mut def = corpus[index % corpus.len()].clone();
        for seed in seeds {
            mutate(&mut def, seed);
        }
        check(&def)?;
    }

    #[test]
    fn mutations_of_a_small_machine_validate_as_they_build(seeds in prop::collection::vec(any::<u64>(), 1..6)) {
        let mut def = small_machine();
        for seed in seeds {
            mutate(&mut def, seed);
        }
        check(&def)?;
    }
}
