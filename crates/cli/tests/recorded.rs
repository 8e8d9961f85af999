//! `stepwise import` and `stepwise test` as a user runs them: recorded executions (the
//! conformance corpus written as the AWS CLI prints it, `crates/recording/tests/fixtures`)
//! imported, replayed, edited, exported as test cases, and those run with a JUnit report.

mod common;

use common::{stepwise, Outcome};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../recording/tests/fixtures")
        .join(dir)
}

fn fixture_files(dir: &str) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(fixtures(dir))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.sort();
    files
}

fn scratch(name: &str) -> PathBuf {
    common::scratch("recorded").join(name)
}

fn import(dir: &str, extra: &[&str]) -> Outcome {
    let files = fixture_files(dir);
    let mut args: Vec<&str> = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    args.extend(extra);
    stepwise(&args)
}

#[test]
fn a_parent_and_its_sync_child_import_linked_and_replay_without_divergence() {
    let out = import("sync-child", &["--replay"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json;
    let execs = v["executions"].as_array().unwrap();
    assert_eq!(execs.len(), 2);
    let child = execs.iter().find(|e| e["stateMachine"] == "child").unwrap();
    let parent = execs.iter().find(|e| e["stateMachine"] == "main").unwrap();
    assert_eq!(child["parent"]["executionArn"], parent["execution"]);
    assert_eq!(child["parent"]["state"], "StartExecution");
    assert_eq!(parent["children"], json!([child["execution"]]));
    let replay = &v["replay"][0];
    assert_eq!(replay["divergence"], Value::Null);
    assert_eq!(replay["localStatus"], "SUCCEEDED");
    assert_eq!(replay["compared"].as_array().unwrap().len(), 2);
}

#[test]
fn an_edited_child_diverges_and_the_replay_says_where() {
    let def: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures("sync-child").join("child-machine.json")).unwrap(),
    )
    .unwrap();
    let mut def: Value = serde_json::from_str(def["definition"].as_str().unwrap()).unwrap();
    def["States"]["State_1"]["Result"] = json!({"Arg1": "a fix to try"});
    let edited = scratch("child-edited.asl.json");
    std::fs::write(&edited, def.to_string()).unwrap();
    let arg = format!("child={}", edited.display());
    let out = import("sync-child", &["--replay", "--definition", &arg]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("diverges at recorded event 3 (PassStateExited)"),
        "{}",
        out.stderr
    );
    let d = &out.json["replay"][0]["divergence"];
    assert_eq!(d["recorded"]["type"], "PassStateExited");
    assert_eq!(d["local"]["type"], "PassStateExited");
    assert_eq!(d["recorded"]["stateName"], "State_1");
    assert!(d["what"].as_str().unwrap().contains("output/Arg1 differs"));
    assert!(d["execution"]
        .as_str()
        .unwrap()
        .contains(":execution:child:"));
}

/// A small XML reader: checks the text is well-formed (one root, tags balanced, attributes
/// quoted, only XML's entities) and returns each element's name and attributes in order.
fn xml_elements(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut rest = text.trim_start();
    if let Some(after) = rest.strip_prefix("<?xml") {
        rest = &after[after.find("?>").expect("declaration ends") + 2..];
    }
    let check_entities = |s: &str| {
        let mut t = s;
        while let Some(i) = t.find('&') {
            let end = t[i..].find(';').expect("entity ends with ;") + i;
            let name = &t[i + 1..end];
            assert!(
                ["amp", "lt", "gt", "quot", "apos"].contains(&name)
                    || name
                        .strip_prefix('#')
                        .is_some_and(|n| n.parse::<u32>().is_ok()),
                "bad entity &{name};"
            );
            t = &t[end + 1..];
        }
    };
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut roots = 0;
    loop {
        let lt = rest.find('<');
        let text_part = &rest[..lt.unwrap_or(rest.len())];
        check_entities(text_part);
        if stack.is_empty() {
            assert!(
                text_part.trim().is_empty(),
                "text outside the root: {text_part:?}"
            );
        }
        let Some(lt) = lt else { break };
        rest = &rest[lt + 1..];
        let gt = rest.find('>').expect("tag ends");
        let tag = &rest[..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "unbalanced </{name}>"
            );
            continue;
        }
        let empty = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs_text) = tag.split_once(char::is_whitespace).unwrap_or((tag, ""));
        assert!(
            !name.is_empty() && !name.contains(['"', '<', '&']),
            "bad tag <{tag}>"
        );
        let mut attrs = Vec::new();
        loop {
            attrs_text = attrs_text.trim_start();
            if attrs_text.is_empty() {
                break;
            }
            let (key, after) = attrs_text.split_once("=\"").expect("attribute quoted");
            let end = after.find('"').expect("attribute ends");
            let value = &after[..end];
            assert!(!value.contains('<'), "< in an attribute");
            check_entities(value);
            attrs.push((key.trim().to_owned(), value.to_owned()));
            attrs_text = &after[end + 1..];
        }
        if stack.is_empty() {
            roots += 1;
        }
        out.push((name.to_owned(), attrs));
        if !empty {
            stack.push(name.to_owned());
        }
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1, "one root element");
    out
}

fn attr<'a>(el: &'a (String, Vec<(String, String)>), key: &str) -> &'a str {
    &el.1.iter().find(|(k, _)| k == key).unwrap().1
}

#[test]
fn exported_test_cases_run_with_a_junit_report_and_fail_when_the_machine_changes() {
    let mut cases = Vec::new();
    for dir in [
        "sync-child",
        "retry",
        "callback",
        "heartbeat-timeout",
        "map-catch",
    ] {
        let case = scratch(&format!("{dir}.case.json"));
        let out = import(dir, &["--export-test", case.to_str().unwrap()]);
        assert_eq!(out.code, 0, "{dir}: {}", out.stderr);
        let c: Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
        // The mock config is Step Functions Local's.
        assert!(c["mockConfig"]["StateMachines"]["main"]["TestCases"]["Recorded"].is_object());
        assert!(c["mockConfig"]["MockedResponses"].is_object());
        cases.push(case.display().to_string());
    }
    let junit = scratch("report.xml");
    let mut args = vec!["test"];
    args.extend(cases.iter().map(String::as_str));
    args.extend(["--junit", junit.to_str().unwrap()]);
    let out = stepwise(&args);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("5 passed, 0 failed"), "{}", out.stderr);
    let els = xml_elements(&std::fs::read_to_string(&junit).unwrap());
    assert_eq!(els[0].0, "testsuites");
    assert_eq!(attr(&els[1], "tests"), "5");
    assert_eq!(attr(&els[1], "failures"), "0");
    assert_eq!(els.iter().filter(|e| e.0 == "testcase").count(), 5);

    // The retrying task's machine, edited: its case fails, the report says why.
    let retry = &cases[1];
    let mut c: Value = serde_json::from_str(&std::fs::read_to_string(retry).unwrap()).unwrap();
    let def = c["stateMachines"]["main"].as_str().unwrap().to_owned();
    let mut def: Value = serde_json::from_str(&def).unwrap();
    for s in def["States"].as_object_mut().unwrap().values_mut() {
        s.as_object_mut().unwrap().remove("Retry");
    }
    c["stateMachines"]["main"] = json!(def.to_string());
    c["name"] = json!("retry <without> \"Retry\" & co");
    let broken = scratch("retry-broken.case.json");
    std::fs::write(&broken, c.to_string()).unwrap();
    let not_a_case = scratch("not-a-case.json");
    std::fs::write(&not_a_case, "{\"events\": []}").unwrap();
    let out = stepwise(&[
        "test",
        &cases[0],
        broken.to_str().unwrap(),
        not_a_case.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("1 passed, 2 failed"), "{}", out.stderr);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let failures = lines[1]["failures"].to_string();
    assert!(
        failures.contains("history diverges at event 6 (LambdaFunctionScheduled)"),
        "{failures}"
    );
    assert!(lines[2]["failures"][0]
        .as_str()
        .unwrap()
        .contains("not a test case"));
    let els = xml_elements(&std::fs::read_to_string(&junit).unwrap());
    assert_eq!(attr(&els[1], "failures"), "2");
    let failed: Vec<_> = els.iter().filter(|e| e.0 == "failure").collect();
    assert_eq!(failed.len(), 2);
    assert!(els.iter().any(|e| e.0 == "testcase"
        && attr(e, "name") == "retry &lt;without&gt; &quot;Retry&quot; &amp; co"));
}

#[test]
fn bad_input_is_a_located_error() {
    let h = std::fs::read_to_string(fixtures("retry").join("history.json")).unwrap();
    let cut = scratch("cut.json");
    std::fs::write(&cut, &h[..h.len() / 3]).unwrap();
    let out = stepwise(&["import", cut.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    let first = out.stderr.lines().next().unwrap();
    assert!(first.starts_with(&format!("{}:", cut.display())), "{first}");
    assert!(first.contains("cut short"), "{first}");
    let out = stepwise(&["import"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("get-execution-history"));
}

/// `stepwise run … --export-test`: a local run with a `.sync` child and a mocked Lambda becomes
/// a case that `stepwise test` passes, and fails once the child is broken.
#[test]
fn a_local_run_exports_a_test_case_that_stepwise_test_runs() {
    let child = common::write(
        "recorded",
        "local-child.asl.json",
        &json!({"StartAt": "Work", "States": {"Work": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "double", "Payload.$": "$"},
            "OutputPath": "$.Payload", "End": true}}})
        .to_string(),
    );
    let parent = common::write(
        "recorded",
        "local-parent.asl.json",
        &json!({"StartAt": "Child", "States": {
            "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                "Parameters": {
                    "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child",
                    "Input": {"n.$": "$.n"}},
                "OutputPath": "$.Output", "End": true}}})
        .to_string(),
    );
    let mocks = common::write(
        "recorded",
        "local-mocks.json",
        &json!({
            "StateMachines": {"child": {"TestCases": {"Local": {"Work": "Doubled"}}}},
            "MockedResponses": {"Doubled": {"0": {"Return": {"Payload": {"doubled": 42}}}}}
        })
        .to_string(),
    );
    let case = scratch("local-run.case.json");
    let child_arg = format!("child={}", child.display());
    let out = stepwise(&[
        "run",
        parent.to_str().unwrap(),
        "--machine",
        &child_arg,
        "--input",
        r#"{"n": 21}"#,
        "--mocks",
        mocks.to_str().unwrap(),
        "--export-test",
        case.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json["status"], "SUCCEEDED");
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
    assert_eq!(c["input"], r#"{"n":21}"#);
    assert_eq!(c["expected"]["status"], "SUCCEEDED");
    assert_eq!(c["expected"]["output"], json!({"doubled": 42}));
    assert!(c["stateMachines"]["child"].is_string());
    let out = stepwise(&["test", case.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("1 passed, 0 failed"), "{}", out.stderr);

    // The child now fails: the same case fails, with a non-zero exit.
    let mut broken = c.clone();
    broken["stateMachines"]["child"] = json!(json!({"StartAt": "Work", "States": {
        "Work": {"Type": "Fail", "Error": "Broken"}}})
    .to_string());
    let broken_path = scratch("local-run-broken.case.json");
    std::fs::write(&broken_path, broken.to_string()).unwrap();
    let out = stepwise(&["test", broken_path.to_str().unwrap()]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("0 passed, 1 failed"), "{}", out.stderr);
}

/// A recording of a parent and its `.sync` child exports a case that expects the child's own
/// history too: a change inside the child that its parent cannot see still fails the case.
#[test]
fn an_exported_case_checks_the_recorded_child_as_well() {
    let case = scratch("sync-child-children.case.json");
    let out = import("sync-child", &["--export-test", case.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
    let children = c["expected"]["children"].as_array().unwrap();
    assert_eq!(children.len(), 1, "{children:?}");
    assert_eq!(children[0]["status"], "SUCCEEDED");
    assert!(children[0]["executionArn"]
        .as_str()
        .unwrap()
        .contains(":execution:"));
    let out = stepwise(&["test", case.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);

    // A Pass state added before the child's only state: same output, so the parent's history
    // is unchanged, but the child's is not.
    let child = c["stateMachines"]
        .as_object()
        .unwrap()
        .keys()
        .find(|k| *k != "main")
        .unwrap()
        .clone();
    let def: Value = serde_json::from_str(c["stateMachines"][&child].as_str().unwrap()).unwrap();
    let mut edited = def.clone();
    edited["StartAt"] = json!("Before");
    edited["States"]["Before"] = json!({"Type": "Pass", "Next": def["StartAt"]});
    let mut changed = c.clone();
    changed["stateMachines"][&child] = json!(edited.to_string());
    let path = scratch("sync-child-children-changed.case.json");
    std::fs::write(&path, changed.to_string()).unwrap();
    let out = stepwise(&["test", path.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let line: Value = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    let failures = line["failures"].to_string();
    assert!(failures.contains("child arn:aws:states:"), "{failures}");
    assert!(
        failures.contains("history diverges at event 2"),
        "{failures}"
    );
    assert!(!failures.contains("\"history diverges"), "{failures}");
}
