use super::*;
use serde_json::json;
use std::path::{Path, PathBuf};

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// AWS's own answers for 12 definitions: codes, severities, locations and messages must match.
#[test]
fn aws_validation_cases() {
    let path = crate::test_data::corpus().join("conformance/validation/cases.json");
    let cases: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("validation cases")).expect("JSON");
    let cases = cases.as_array().expect("array");
    assert_eq!(cases.len(), 12);
    let mut mismatches = Vec::new();
    for case in cases {
        let text = case["definition_text"].as_str().expect("text");
        let machine_type = match case["type"].as_str() {
            Some("EXPRESS") => MachineType::Express,
            _ => MachineType::Standard,
        };
        let got = validate_text_with(text, &Options { machine_type });
        let expected = &case["expected"];
        let want_ok = expected["result"] == "OK";
        let want: Vec<(String, String, Option<String>, String)> = expected["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["severity"].as_str().unwrap_or_default().to_owned(),
                    d["code"].as_str().unwrap_or_default().to_owned(),
                    d["location"].as_str().map(str::to_owned),
                    d["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        let have: Vec<(String, String, Option<String>, String)> = got
            .iter()
            .map(|d| {
                let sev = match d.severity {
                    Severity::Error => "ERROR",
                    Severity::Warning => "WARNING",
                };
                (
                    sev.to_owned(),
                    d.code.clone(),
                    d.location.clone(),
                    d.message.clone(),
                )
            })
            .collect();
        if is_valid(&got) != want_ok || have != want {
            mismatches.push(format!(
                "{}:\n  want {want:?}\n  have {have:?}",
                case["name"]
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

fn corpus_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            corpus_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// Every definition of the conformance corpus ran on AWS, so none may have an error here.
#[test]
fn corpus_definitions_have_no_errors() {
    let mut files = Vec::new();
    corpus_files(
        &crate::test_data::corpus().join("conformance/cases"),
        &mut files,
    );
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut warnings: std::collections::BTreeMap<String, usize> = Default::default();
    for file in &files {
        let case: Value =
            serde_json::from_slice(&std::fs::read(file).expect("read")).expect("JSON");
        let mut defs: Vec<(String, &Value)> = vec![("definition".into(), &case["definition"])];
        if let Some(machines) = case["state_machines"].as_object() {
            for (name, m) in machines {
                // A machine is stored as its definition or as {definition: ...}.
                let def = if m.get("StartAt").is_some() {
                    m
                } else {
                    &m["definition"]
                };
                defs.push((format!("state_machines.{name}"), def));
            }
        }
        for (what, def) in defs {
            checked += 1;
            // Validate the pretty-printed text too, so positions are exercised on every case.
            let text = serde_json::to_string_pretty(def).expect("print");
            let diags = validate_text(&text);
            for d in diags.iter().filter(|d| d.severity == Severity::Warning) {
                *warnings.entry(d.code.clone()).or_default() += 1;
            }
            for d in errors(&diags) {
                failures.push(format!(
                    "{} {what}: {} {:?} {}",
                    file.display(),
                    d.code,
                    d.location,
                    d.message
                ));
            }
        }
    }
    eprintln!(
        "corpus: {checked} definitions from {} files, {} errors, warnings {warnings:?}",
        files.len(),
        failures.len()
    );
    assert!(checked > 800);
    assert!(
        failures.is_empty(),
        "{} errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

type Expect = (&'static str, Severity, &'static str);

fn pass_end() -> Value {
    json!({"Type": "Pass", "End": true})
}

/// Invalid (and valid) definitions with the diagnostics each must give, exactly.
#[test]
fn checks_table() {
    use Severity::{Error as E, Warning as W};
    const SVF: &str = "SCHEMA_VALIDATION_FAILED";
    const MTT: &str = "MISSING_TRANSITION_TARGET";
    let machine = |states: Value| json!({"StartAt": "A", "States": states});
    let table: Vec<(&str, Value, Vec<Expect>)> = vec![
        ("minimal", machine(json!({"A": pass_end()})), vec![]),
        ("not an object", json!([1]), vec![(SVF, E, "")]),
        ("no States", json!({"StartAt": "A"}), vec![(SVF, E, "/")]),
        (
            "unknown top-level field",
            json!({"StartAt": "A", "States": {"A": pass_end()}, "Foo": 1}),
            vec![(SVF, E, "/")],
        ),
        (
            "empty States",
            json!({"StartAt": "A", "States": {}}),
            vec![(SVF, E, "/States")],
        ),
        (
            "no Type",
            machine(json!({"A": {"End": true}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "bad Type",
            machine(json!({"A": {"Type": "Pas", "End": true}})),
            vec![(SVF, E, "/States/A/Type")],
        ),
        (
            "no Next nor End",
            machine(json!({"A": {"Type": "Pass"}})),
            vec![(SVF, E, "/States/A"), ("MISSING_END_STATE", E, "")],
        ),
        (
            "both Next and End",
            machine(json!({"A": {"Type": "Pass", "Next": "A", "End": true}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "End not boolean",
            machine(json!({"A": {"Type": "Pass", "End": "yes"}})),
            vec![
                (SVF, E, "/States/A/End"),
                (SVF, E, "/States/A"),
                ("MISSING_END_STATE", E, ""),
            ],
        ),
        (
            "Succeed with Next",
            machine(json!({"A": {"Type": "Succeed", "Next": "A"}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "Fail with End",
            machine(json!({"A": {"Type": "Fail", "End": true}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "unknown state field",
            machine(json!({"A": {"Type": "Pass", "End": true, "Bogus": 1}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "field of another type",
            machine(json!({"A": {"Type": "Pass", "End": true, "TimeoutSeconds": 5}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "Retry on Pass",
            machine(json!({"A": {"Type": "Pass", "End": true, "Retry": []}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "Task without Resource",
            machine(json!({"A": {"Type": "Task", "End": true}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "empty Choices",
            machine(json!({"A": {"Type": "Choice", "Choices": []}, "B": pass_end()})),
            vec![(SVF, E, "/States/A/Choices"), (MTT, E, "/States/B")],
        ),
        (
            "Choice rule without Next",
            machine(
                json!({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true}], "Default": "B"}, "B": pass_end()}),
            ),
            vec![(SVF, E, "/States/A/Choices/0")],
        ),
        (
            "Choice rule with bad operand",
            machine(
                json!({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "1", "Next": "B"}]}, "B": pass_end()}),
            ),
            vec![(SVF, E, "/States/A/Choices/0")],
        ),
        (
            "Choice rule with bad path",
            machine(
                json!({"A": {"Type": "Choice", "Choices": [{"Variable": "x", "IsNull": true, "Next": "B"}]}, "B": pass_end()}),
            ),
            vec![(SVF, E, "/States/A/Choices/0")],
        ),
        (
            "missing Next target",
            machine(json!({"A": {"Type": "Pass", "Next": "Nope"}, "B": pass_end()})),
            vec![(MTT, E, "/States/A/Next"), (MTT, E, "/States/B")],
        ),
        (
            "missing StartAt target",
            json!({"StartAt": "Z", "States": {"A": pass_end()}}),
            vec![(MTT, E, "/StartAt")],
        ),
        (
            "missing Default target",
            machine(
                json!({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "B"}], "Default": "Nope"}, "B": pass_end()}),
            ),
            vec![(MTT, E, "/States/A/Default")],
        ),
        (
            "missing Choice Next target",
            machine(
                json!({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "Nope"}], "Default": "B"}, "B": pass_end()}),
            ),
            vec![(MTT, E, "/States/A/Choices/0/Next")],
        ),
        (
            "missing Catch target",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Nope"}]}}),
            ),
            vec![(MTT, E, "/States/A/Catch/0/Next")],
        ),
        (
            "unreachable state",
            machine(json!({"A": pass_end(), "B": pass_end()})),
            vec![(MTT, E, "/States/B")],
        ),
        (
            "loop without end",
            machine(
                json!({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "A"}}),
            ),
            vec![("MISSING_END_STATE", E, "")],
        ),
        (
            "target outside the branch",
            machine(
                json!({"A": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "A"}, "Y": pass_end()}}]}}),
            ),
            vec![
                (MTT, E, "/States/A/Branches/0/States/X/Next"),
                (MTT, E, "/States/A/Branches/0/States/Y"),
            ],
        ),
        (
            "Map processor scope",
            machine(
                json!({"A": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Q", "States": {"X": pass_end()}}}}),
            ),
            vec![(MTT, E, "/States/A/ItemProcessor/StartAt")],
        ),
        (
            "Iterator scope",
            machine(
                json!({"A": {"Type": "Map", "End": true, "Iterator": {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Z"}, "Z": {"Type": "Succeed"}, "W": pass_end()}}}}),
            ),
            vec![(MTT, E, "/States/A/Iterator/States/W")],
        ),
        (
            "Map without processor",
            machine(json!({"A": {"Type": "Map", "End": true}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "bad InputPath",
            machine(json!({"A": {"Type": "Pass", "End": true, "InputPath": "nope"}})),
            vec![(SVF, E, "/States/A/InputPath")],
        ),
        (
            "ResultPath must be a reference path",
            machine(json!({"A": {"Type": "Pass", "End": true, "ResultPath": "$.a[*]"}})),
            vec![(SVF, E, "/States/A/ResultPath")],
        ),
        (
            "null paths are fine",
            machine(
                json!({"A": {"Type": "Pass", "End": true, "InputPath": null, "OutputPath": null, "ResultPath": null}}),
            ),
            vec![],
        ),
        (
            "bad .$ path",
            machine(json!({"A": {"Type": "Pass", "End": true, "Parameters": {"x.$": "a.b"}}})),
            vec![(SVF, E, "/States/A/Parameters/x.$")],
        ),
        (
            "bad intrinsic",
            machine(
                json!({"A": {"Type": "Pass", "End": true, "Parameters": {"x.$": "States.NoSuchFunction(1)"}}}),
            ),
            vec![(SVF, E, "/States/A/Parameters/x.$")],
        ),
        (
            "good intrinsic and context path",
            machine(
                json!({"A": {"Type": "Pass", "End": true, "Parameters": {"x.$": "States.Format('{}', $.a)", "y.$": "$$.Execution.Id", "z": [{"w.$": "$.q"}]}}}),
            ),
            vec![],
        ),
        (
            "NO_DOLLAR warning",
            machine(json!({"A": {"Type": "Pass", "End": true, "Parameters": {"x": "$.a"}}})),
            vec![("NO_DOLLAR", W, "/States/A/Parameters/x")],
        ),
        (
            "PASS_RESULT_IS_STATIC warning",
            machine(json!({"A": {"Type": "Pass", "End": true, "Result": {"x.$": "$.a"}}})),
            vec![("PASS_RESULT_IS_STATIC", W, "/States/A/Result")],
        ),
        (
            "JSONata field in JSONPath",
            machine(json!({"A": {"Type": "Pass", "End": true, "Output": {}}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "JSONPath field in JSONata",
            json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "InputPath": "$"}}}),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "Condition in JSONPath",
            machine(
                json!({"A": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "B"}]}, "B": pass_end()}),
            ),
            vec![(SVF, E, "/States/A/Choices/0")],
        ),
        (
            "Variable in JSONata",
            json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "B"}]}, "B": pass_end()}}),
            vec![
                (SVF, E, "/States/A/Choices/0"),
                (SVF, E, "/States/A/Choices/0"),
                (SVF, E, "/States/A/Choices/0"),
            ],
        ),
        (
            "JSONata state in JSONPath machine",
            machine(
                json!({"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input %}", "End": true}}),
            ),
            vec![],
        ),
        (
            "downgrade",
            json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "QueryLanguage": "JSONPath"}}}),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "bad QueryLanguage",
            json!({"QueryLanguage": "XPath", "StartAt": "A", "States": {"A": pass_end()}}),
            vec![(SVF, E, "/QueryLanguage")],
        ),
        (
            "QueryLanguage on ItemProcessor",
            machine(
                json!({"A": {"Type": "Map", "End": true, "ItemProcessor": {"QueryLanguage": "JSONata", "StartAt": "X", "States": {"X": pass_end()}}}}),
            ),
            vec![(SVF, E, "/States/A/ItemProcessor")],
        ),
        (
            "unterminated JSONata",
            json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Output": "{% $states.input"}}}),
            vec![("INVALID_JSONATA_EXPRESSION", E, "/States/A/Output")],
        ),
        (
            "empty JSONata",
            json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Output": {"x": "{%  %}"}}}}),
            vec![("INVALID_JSONATA_EXPRESSION", E, "/States/A/Output/x")],
        ),
        (
            "States.ALL not alone",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Retry": [{"ErrorEquals": ["States.ALL", "X"]}]}}),
            ),
            vec![(SVF, E, "/States/A/Retry/0/ErrorEquals")],
        ),
        (
            "States.ALL not last",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A"}, {"ErrorEquals": ["X"], "Next": "A"}]}}),
            ),
            vec![(SVF, E, "/States/A/Catch")],
        ),
        (
            "empty ErrorEquals",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Retry": [{"ErrorEquals": []}]}}),
            ),
            vec![(SVF, E, "/States/A/Retry/0/ErrorEquals")],
        ),
        (
            "retrier numbers",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 0, "MaxAttempts": -1, "BackoffRate": 0.5, "JitterStrategy": "SOME"}]}}),
            ),
            vec![
                (SVF, E, "/States/A/Retry/0/IntervalSeconds"),
                (SVF, E, "/States/A/Retry/0/MaxAttempts"),
                (SVF, E, "/States/A/Retry/0/BackoffRate"),
                (SVF, E, "/States/A/Retry/0/JitterStrategy"),
            ],
        ),
        (
            "catcher without Next",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Catch": [{"ErrorEquals": ["X"]}]}}),
            ),
            vec![(SVF, E, "/States/A/Catch/0")],
        ),
        (
            "TimeoutSeconds zero",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "TimeoutSeconds": 0}}),
            ),
            vec![(SVF, E, "/States/A/TimeoutSeconds")],
        ),
        (
            "TimeoutSeconds not integer",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "TimeoutSeconds": 1.5}}),
            ),
            vec![(SVF, E, "/States/A/TimeoutSeconds")],
        ),
        (
            "integral float is an integer",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "TimeoutSeconds": 10.0}}),
            ),
            vec![],
        ),
        (
            "heartbeat not below timeout",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "TimeoutSeconds": 10, "HeartbeatSeconds": 10}}),
            ),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "timeout and its path",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "TimeoutSeconds": 10, "TimeoutSecondsPath": "$.t"}}),
            ),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "JSONata timeout expression",
            json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "TimeoutSeconds": "{% $states.input.t %}"}}}),
            vec![],
        ),
        (
            "MaxConcurrency negative",
            machine(
                json!({"A": {"Type": "Map", "End": true, "MaxConcurrency": -1, "ItemProcessor": {"StartAt": "X", "States": {"X": pass_end()}}}}),
            ),
            vec![(SVF, E, "/States/A/MaxConcurrency")],
        ),
        (
            "ToleratedFailurePercentage too big",
            machine(
                json!({"A": {"Type": "Map", "End": true, "ToleratedFailurePercentage": 101, "ItemProcessor": {"StartAt": "X", "States": {"X": pass_end()}}}}),
            ),
            vec![(SVF, E, "/States/A/ToleratedFailurePercentage")],
        ),
        (
            "Wait with nothing",
            machine(json!({"A": {"Type": "Wait", "End": true}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "Wait with two",
            machine(
                json!({"A": {"Type": "Wait", "End": true, "Seconds": 1, "TimestampPath": "$.t"}}),
            ),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "Wait bad timestamp",
            machine(
                json!({"A": {"Type": "Wait", "End": true, "Timestamp": "2016-12-05T21:29:29"}}),
            ),
            vec![(SVF, E, "/States/A/Timestamp")],
        ),
        (
            "Wait negative seconds",
            machine(json!({"A": {"Type": "Wait", "End": true, "Seconds": -1}})),
            vec![(SVF, E, "/States/A/Seconds")],
        ),
        (
            "Fail with Error and ErrorPath",
            machine(json!({"A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "long state name",
            json!({"StartAt": "x".repeat(81), "States": {"x".repeat(81): pass_end()}}),
            vec![("INVALID_STATE_NAME", E, "")],
        ),
        (
            "80 chars is fine",
            json!({"StartAt": "é".repeat(80), "States": {"é".repeat(80): pass_end()}}),
            vec![],
        ),
        (
            "Parallel without Branches",
            machine(json!({"A": {"Type": "Parallel", "End": true}})),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "duplicate name across scopes",
            machine(
                json!({"A": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "A", "States": {"A": pass_end()}}]}}),
            ),
            vec![("DUPLICATE_STATE_NAME", E, "/States/A/Branches/0/States/A")],
        ),
        (
            "Parameters and ResultSelector take any JSON value",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Parameters": [1, {"x.$": "$.a"}], "ResultSelector": 5}}),
            ),
            vec![],
        ),
        (
            "a path-looking string as the whole Parameters",
            machine(json!({"A": {"Type": "Pass", "End": true, "Parameters": "$.foo"}})),
            vec![("NO_DOLLAR", W, "/States/A/Parameters")],
        ),
        (
            "a bad path inside array Parameters",
            machine(json!({"A": {"Type": "Pass", "End": true, "Parameters": [{"x.$": "nope"}]}})),
            vec![(SVF, E, "/States/A/Parameters/0/x.$")],
        ),
        (
            "Map with Parameters and ItemSelector",
            machine(
                json!({"A": {"Type": "Map", "End": true, "Parameters": {}, "ItemSelector": {}, "ItemProcessor": {"StartAt": "X", "States": {"X": pass_end()}}}}),
            ),
            vec![(SVF, E, "/States/A")],
        ),
        (
            "ResultPath into a variable",
            machine(json!({"A": {"Type": "Pass", "End": true, "ResultPath": "$x"}})),
            vec![(SVF, E, "/States/A/ResultPath")],
        ),
        (
            "ResultPath into the context",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A", "ResultPath": "$$.x"}]}}),
            ),
            vec![(SVF, E, "/States/A/Catch/0/ResultPath")],
        ),
        (
            "Credentials with a bad path",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Credentials": {"RoleArn.$": "not a path"}}}),
            ),
            vec![(SVF, E, "/States/A/Credentials/RoleArn.$")],
        ),
        (
            "Credentials with a path",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Credentials": {"RoleArn.$": "$.role"}}}),
            ),
            vec![],
        ),
        (
            "retrier Comment not a string",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Retry": [{"ErrorEquals": ["X"], "Comment": 1}]}}),
            ),
            vec![(SVF, E, "/States/A/Retry/0/Comment")],
        ),
        (
            "Resource not an ARN",
            machine(json!({"A": {"Type": "Task", "Resource": "${lambdaArn", "End": true}})),
            vec![(SVF, E, "/States/A/Resource")],
        ),
        (
            "Resource with an empty alias",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f:", "End": true}}),
            ),
            vec![(SVF, E, "/States/A/Resource")],
        ),
        (
            "Resource placeholder filled at deploy time",
            machine(json!({"A": {"Type": "Task", "Resource": "${lambdaArn}", "End": true}})),
            vec![],
        ),
        (
            "filter with an unquoted word",
            machine(
                json!({"A": {"Type": "Pass", "End": true, "Parameters": {"es.$": "$.t[?(@.TargetLanguageCode==es)]"}}}),
            ),
            vec![],
        ),
        (
            "script expression",
            machine(
                json!({"A": {"Type": "Pass", "End": true, "OutputPath": "$[(@.length-1)].bar"}}),
            ),
            vec![],
        ),
        (
            "intrinsic as ErrorPath",
            machine(
                json!({"A": {"Type": "Fail", "ErrorPath": "States.Format('E{}', $.code)", "CausePath": "$.why"}}),
            ),
            vec![],
        ),
        (
            "catcher Assign not an object",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A", "Assign": 5}]}}),
            ),
            vec![(SVF, E, "/States/A/Catch/0/Assign")],
        ),
        (
            "Choice rule Assign not an object",
            machine(
                json!({"A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "B", "Assign": []}], "Default": "B"}, "B": pass_end()}),
            ),
            vec![(SVF, E, "/States/A/Choices/0/Assign")],
        ),
        (
            "a bad path in an array BatchInput",
            machine(
                json!({"A": {"Type": "Map", "End": true, "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": [{"x.$": "nope"}]}, "ItemProcessor": {"StartAt": "X", "States": {"X": pass_end()}}}}),
            ),
            vec![(SVF, E, "/States/A/ItemBatcher/BatchInput/0/x.$")],
        ),
        (
            "bad top-level TimeoutSeconds",
            json!({"StartAt": "A", "TimeoutSeconds": 0, "States": {"A": pass_end()}}),
            vec![(SVF, E, "/TimeoutSeconds")],
        ),
    ];
    let mut failures = Vec::new();
    for (name, def, want) in table {
        let got = validate_value(&def);
        let have: Vec<(String, Severity, String)> = got
            .iter()
            .map(|d| {
                (
                    d.code.clone(),
                    d.severity,
                    d.location.clone().unwrap_or_default(),
                )
            })
            .collect();
        let mut want: Vec<(String, Severity, String)> = want
            .iter()
            .map(|(c, s, l)| ((*c).to_owned(), *s, (*l).to_owned()))
            .collect();
        // The long-name case's location is the escaped state pointer.
        for w in &mut want {
            if w.0 == "INVALID_STATE_NAME" {
                w.2 = format!("/States/{}", "x".repeat(81));
            }
        }
        if have != want {
            failures.push(format!(
                "{name}:\n  want {want:?}\n  have {have:?}\n  messages {:?}",
                got.iter().map(|d| &d.message).collect::<Vec<_>>()
            ));
        }
        for d in &got {
            assert!(!d.message.is_empty(), "{name}: empty message");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// JSONata expressions are compiled by the JSONata crate; whatever it rejects is reported at the
/// string, with the parser's message.
#[test]
fn jsonata_compile_errors_are_reported_with_the_parser_message() {
    for expr in [
        "1 +",
        "a[1,2)",
        "\"unterminated",
        "{\"a\":}",
        "$states.input.x",
        "$sum([1, 2])",
    ] {
        let def = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
            "Output": {"v": format!("{{% {expr} %}}")}}}});
        let diags = validate_value(&def);
        match stepwise_jsonata::Expression::compile(expr) {
            Ok(_) => assert!(diags.is_empty(), "{expr}: {diags:?}"),
            Err(e) => {
                assert_eq!(diags.len(), 1, "{expr}: {diags:?}");
                assert_eq!(diags[0].code, "INVALID_JSONATA_EXPRESSION");
                assert_eq!(diags[0].location.as_deref(), Some("/States/A/Output/v"));
                assert_eq!(diags[0].message, e.message);
            }
        }
    }
}

#[test]
fn express_machines_refuse_sync_and_callbacks() {
    let def = |resource: &str| {
        json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": resource, "End": true}}}).to_string()
    };
    let express = Options {
        machine_type: MachineType::Express,
    };
    for (resource, refused) in [
        ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", true),
        ("arn:aws:states:::states:startExecution.sync:2", true),
        ("arn:aws:states:::states:startExecution.sync", true),
        ("arn:aws:states:::states:startExecution", false),
        ("arn:aws:states:::lambda:invoke", false),
    ] {
        let diags = validate_text_with(&def(resource), &express);
        assert_eq!(!is_valid(&diags), refused, "{resource}: {diags:?}");
        assert!(
            is_valid(&validate_text(&def(resource))),
            "{resource} is fine for STANDARD"
        );
    }
}

#[test]
fn positions_point_at_the_offending_text() {
    let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\n      \"Type\": \"Pass\",\n      \"Bogus\": 1,\n      \"Next\": \"Nope\"\n    }\n  }\n}";
    let diags = validate_text(text);
    let find = |code: &str| {
        diags
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code} in {diags:?}"))
    };
    let unsupported = find("SCHEMA_VALIDATION_FAILED");
    assert_eq!(unsupported.location.as_deref(), Some("/States/A"));
    assert_eq!((unsupported.line, unsupported.column), (Some(6), Some(7)));
    let target = find("MISSING_TRANSITION_TARGET");
    assert_eq!(target.location.as_deref(), Some("/States/A/Next"));
    assert_eq!((target.line, target.column), (Some(7), Some(7)));

    let bad = validate_text("{\n  \"StartAt\": \"A\",\n  \"States\": {,}\n}");
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].code, "INVALID_JSON_DESCRIPTION");
    assert_eq!((bad[0].line, bad[0].column), (Some(3), Some(14)));
}

#[test]
fn duplicate_keys_in_states_are_found_in_text() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}, "A": {"Type": "Succeed"}}}"#;
    let diags = validate_text(text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "DUPLICATE_STATE_NAME");
    assert_eq!(diags[0].location.as_deref(), Some("/States/A"));
    assert_eq!((diags[0].line, diags[0].column), (Some(1), Some(65)));
}

#[test]
fn json_text_errors() {
    let table: &[(&str, &str)] = &[
        ("", "SCHEMA_VALIDATION_FAILED"),
        ("  \n ", "SCHEMA_VALIDATION_FAILED"),
        ("not a definition", "INVALID_JSON_DESCRIPTION"),
        ("{\"StartAt\": }", "INVALID_JSON_DESCRIPTION"),
        ("{\"a\": 1} trailing", "INVALID_JSON_DESCRIPTION"),
        ("\"just a string\"", "SCHEMA_VALIDATION_FAILED"),
        ("[]", "SCHEMA_VALIDATION_FAILED"),
        (&"[".repeat(200), "TOO_DEEPLY_NESTED"),
    ];
    for (text, code) in table {
        let diags = validate_text(text);
        assert_eq!(diags.len(), 1, "{text}: {diags:?}");
        assert_eq!(diags[0].code, *code, "{text}");
    }
    let long = format!("x{}", "y".repeat(600));
    let d = &validate_text(&long)[0];
    assert!(
        d.location
            .as_deref()
            .is_some_and(|l| l.contains("[truncated 101 chars]")),
        "{d:?}"
    );
}

#[test]
fn oversized_definitions_are_refused() {
    let big = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Result": "x".repeat(MAX_DEFINITION_BYTES)}}});
    let diags = validate_value(&big);
    assert!(
        diags.iter().any(|d| d.code == "DEFINITION_TOO_LARGE"),
        "{diags:?}"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| json!(f)),
            prop_oneof![
                Just("$".to_owned()),
                Just("$.a[0]".to_owned()),
                Just("$$.Execution".to_owned()),
                Just("{% $states.input %}".to_owned()),
                Just("{% (%}".to_owned()),
                Just("States.Format('{}', $.x)".to_owned()),
                Just("States.ALL".to_owned()),
                Just("Pass".to_owned()),
                Just("Task".to_owned()),
                Just("Choice".to_owned()),
                Just("Map".to_owned()),
                Just("Parallel".to_owned()),
                Just("A".to_owned()),
                Just("JSONata".to_owned()),
                ".*".prop_map(String::from),
            ]
            .prop_map(Value::String),
        ];
        let keys = prop_oneof![
            Just("StartAt".to_owned()),
            Just("States".to_owned()),
            Just("Type".to_owned()),
            Just("Next".to_owned()),
            Just("End".to_owned()),
            Just("A".to_owned()),
            Just("B".to_owned()),
            Just("Choices".to_owned()),
            Just("Variable".to_owned()),
            Just("And".to_owned()),
            Just("Not".to_owned()),
            Just("StringEquals".to_owned()),
            Just("Branches".to_owned()),
            Just("ItemProcessor".to_owned()),
            Just("Iterator".to_owned()),
            Just("Retry".to_owned()),
            Just("Catch".to_owned()),
            Just("ErrorEquals".to_owned()),
            Just("Parameters".to_owned()),
            Just("x.$".to_owned()),
            Just("QueryLanguage".to_owned()),
            Just("Output".to_owned()),
            Just("TimeoutSeconds".to_owned()),
            Just("Seconds".to_owned()),
            Just("ResultPath".to_owned()),
            "[a-zA-Z/~.$]{0,6}".prop_map(String::from),
        ];
        leaf.prop_recursive(6, 64, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((keys.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = validate_text(&text);
        }

        #[test]
        fn random_json_never_panics(v in arb_json()) {
            let _ = validate_value(&v);
            let pretty = serde_json::to_string_pretty(&v).unwrap();
            let diags = validate_text(&pretty);
            // Every located diagnostic of parsed text gets a position.
            for d in &diags {
                if d.location.as_deref().is_some_and(|l| l.starts_with('/')) {
                    prop_assert!(d.line.is_some() && d.column.is_some(), "{:?}", d);
                }
            }
        }

        #[test]
        fn truncated_definitions_never_panic(cut in 0usize..2000) {
            let text = serde_json::to_string_pretty(&json!({
                "StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [
                    {"And": [{"Variable": "$.a", "NumericEquals": 1}, {"Not": {"Variable": "$$.b", "IsNull": true}}], "Next": "B"}
                ], "Default": "B"}, "B": {"Type": "Map", "ItemProcessor": {"StartAt": "C", "States": {"C": {"Type": "Succeed"}}}, "End": true}}
            })).unwrap();
            let mut end = cut.min(text.len());
            while !text.is_char_boundary(end) { end -= 1; }
            let _ = validate_text(&text[..end]);
        }
    }
}
