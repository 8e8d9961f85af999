//! `stepwise validate` and `stepwise run` as a user meets them on definitions nobody here wrote
//! (issue 17's findings) and on the ones where the two used to disagree (issue 16): validate
//! says OK exactly when run can create the machine, and a refusal carries AWS's message.

mod common;

use common::stepwise;
use serde_json::{json, Value};
use std::path::PathBuf;

fn file(name: &str, value: &Value) -> PathBuf {
    let text = serde_json::to_string_pretty(value).expect("JSON");
    common::write("validation", &format!("{name}.json"), &text)
}

fn machine(states: Value) -> Value {
    json!({"StartAt": "A", "States": states})
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";
const SUBSTITUTE: &str = "lambdaArn=arn:aws:lambda:us-east-1:123456789012:function:f";

/// Definitions AWS refuses, with the message (or its start) AWS gives and where.
fn refused() -> Vec<(&'static str, Value, &'static str, &'static str)> {
    vec![
        (
            "unclosed-placeholder",
            machine(json!({"A": {"Type": "Task", "Resource": "${lambdaArn", "End": true}})),
            "/States/A/Resource",
            "Value is not a valid resource ARN",
        ),
        (
            "empty-lambda-alias",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f:", "End": true}}),
            ),
            "/States/A/Resource",
            "Value is not a valid resource ARN",
        ),
        (
            "illegal-lambda-alias",
            machine(
                json!({"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f:$*#", "End": true}}),
            ),
            "/States/A/Resource",
            "Value is not a valid resource ARN",
        ),
        (
            "variable-result-path",
            machine(
                json!({"A": {"Type": "Pass", "Assign": {"foo": 1}, "ResultPath": "$foo", "End": true}}),
            ),
            "/States/A/ResultPath",
            "Value is not a Reference Path",
        ),
        (
            "context-result-path",
            machine(json!({"A": {"Type": "Pass", "ResultPath": "$$.x", "End": true}})),
            "/States/A/ResultPath",
            "Value is not a Reference Path",
        ),
        (
            "credentials-bad-path",
            machine(
                json!({"A": {"Type": "Task", "Resource": LAMBDA, "Credentials": {"RoleArn.$": "not a path"}, "End": true}}),
            ),
            "/States/A/Credentials/RoleArn.$",
            "The value for the field 'RoleArn.$' must be a valid JSONPath or a valid intrinsic function call",
        ),
        (
            "map-parameters-and-item-selector",
            machine(
                json!({"A": {"Type": "Map", "Parameters": {"x.$": "$"}, "ItemSelector": {"x.$": "$"},
                "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}, "End": true}}),
            ),
            "/States/A",
            "There should only be one of the following fields: [ItemSelector, Parameters]",
        ),
        (
            "retrier-comment-not-a-string",
            machine(
                json!({"A": {"Type": "Task", "Resource": LAMBDA, "Retry": [{"ErrorEquals": ["States.ALL"], "Comment": 7}], "End": true}}),
            ),
            "/States/A/Retry/0/Comment",
            "Value must be a string",
        ),
    ]
}

#[test]
fn validate_refuses_what_aws_refuses_and_run_refuses_it_too() {
    for (name, def, location, message) in refused() {
        let path = file(name, &def);
        let path = path.to_str().expect("path");
        let v = stepwise(&["validate", path]);
        assert!(!v.ok, "{name}: {}", v.json);
        assert_eq!(v.json["result"], "FAIL", "{name}");
        let found = v.json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| {
                d["severity"] == "ERROR"
                    && d["location"] == location
                    && d["message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with(message))
                    && d["line"].is_number()
            });
        assert!(
            found,
            "{name}: no error at {location} starting {message:?} in {}",
            v.json
        );
        let r = stepwise(&["run", path]);
        assert!(
            !r.ok,
            "{name}: run created a machine validate refused: {}",
            r.json
        );
        assert!(r.stderr.contains(message), "{name}: {}", r.stderr);
    }
}

/// Definitions AWS creates, with the output or error a run gives.
#[test]
fn validate_accepts_what_aws_accepts_and_run_runs_it() {
    let cases: Vec<(&str, Value, Value, Value)> = vec![
        (
            "string-parameters",
            machine(json!({"A": {"Type": "Pass", "Parameters": "$.foo", "End": true}})),
            json!({"foo": 1}),
            json!({"status": "SUCCEEDED", "output": "$.foo"}),
        ),
        (
            "array-parameters",
            machine(
                json!({"A": {"Type": "Pass", "Parameters": [{"v.$": "$.foo"}, 2], "End": true}}),
            ),
            json!({"foo": 1}),
            json!({"status": "SUCCEEDED", "output": [{"v": 1}, 2]}),
        ),
        (
            "unquoted-filter-word",
            machine(
                json!({"A": {"Type": "Pass", "Parameters": {"es.$": "$.t[?(@.TargetLanguageCode==es)].Text"}, "End": true}}),
            ),
            json!({"t": [{"TargetLanguageCode": "fr", "Text": "bonjour"}, {"TargetLanguageCode": "es", "Text": "hola"}]}),
            json!({"status": "SUCCEEDED", "output": {"es": ["hola"]}}),
        ),
        (
            "script-expression",
            machine(
                json!({"A": {"Type": "Pass", "OutputPath": "$[(@.length-1)].bar", "End": true}}),
            ),
            json!([{"bar": 1}, {"bar": 2}]),
            json!({"status": "SUCCEEDED", "output": 2}),
        ),
        (
            "fail-with-intrinsic-paths",
            machine(
                json!({"A": {"Type": "Fail", "ErrorPath": "States.Format('Order{}Failed', $.id)",
                "CausePath": "States.Format('{} in {}', $.why, $$.State.Name)"}}),
            ),
            json!({"id": 42, "why": "out of stock"}),
            json!({"status": "FAILED", "error": "Order42Failed", "cause": "out of stock in A"}),
        ),
    ];
    for (name, def, input, want) in cases {
        let path = file(name, &def);
        let path = path.to_str().expect("path");
        let v = stepwise(&["validate", path]);
        assert!(v.ok && v.json["result"] == "OK", "{name}: {}", v.json);
        let r = stepwise(&["run", path, "--input", &input.to_string()]);
        assert!(r.ok, "{name}: {}", r.stderr);
        for (key, value) in want.as_object().expect("object") {
            assert_eq!(&r.json[key], value, "{name}: {key} in {}", r.json);
        }
    }
}

/// The labelled definitions of two open-source validators, where AWS's verdict is known:
/// `stepwise validate` gives it for every one. One of them is a template's definition whose
/// `${lambdaArn}` deployment fills in; the CLI is told the value, as a user would.
#[test]
fn validate_agrees_with_aws_on_the_external_corpus() {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/validation-external");
    let labels: serde_json::Map<String, Value> =
        serde_json::from_slice(&std::fs::read(dir.join("labels.json")).expect("labels.json"))
            .expect("labels JSON");
    let mut scored = 0;
    for (file, label) in &labels {
        let want_ok = match label["aws"].as_str() {
            Some("valid") => true,
            Some("invalid") => false,
            _ => continue,
        };
        scored += 1;
        let path = dir.join(file);
        let v = stepwise(&[
            "validate",
            path.to_str().expect("path"),
            "--substitute",
            SUBSTITUTE,
        ]);
        assert_eq!(v.ok, want_ok, "{file}: {}", v.json);
    }
    assert_eq!(scored, 176);
}
