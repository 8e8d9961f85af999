//! `stepwise validate` and `stepwise run` on the files users keep definitions in: `.asl.json`,
//! `.asl.yaml`, SAM and CloudFormation templates (fixtures in the style of `sam init` projects).

mod common;

use common::stepwise;
use serde_json::Value;
use std::path::PathBuf;

/// A scratch folder of this test's own under the target directory.
fn scratch(name: &str) -> PathBuf {
    common::scratch(&format!("templates/{name}"))
}

fn machine<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["machines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no machine {name} in {report}"))
}

/// (code, line, column) of each diagnostic.
fn places(m: &Value) -> Vec<(String, u64, u64)> {
    m["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const SAM: &str = "tests/fixtures/sam-app/template.yaml";
const SUBSTITUTE: [&str; 6] = [
    "--substitute",
    "CheckStockFunctionArn=arn:aws:lambda:us-east-1:123456789012:function:check-stock",
    "--substitute",
    "OrdersTableName=orders",
    "--substitute",
    "OrdersTable=orders",
];

#[test]
fn a_sam_template_gives_every_machine_with_placeholders_reported_where_written() {
    let out = stepwise(&["validate", SAM]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json["result"], "FAIL");
    let names: Vec<&str> = out.json["machines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    // Names as written (`Name: !Sub notify-${Stage}` with the parameter's default), else logical ids.
    assert_eq!(names, ["OrderStateMachine", "notify-dev", "report-dev"]);

    // DefinitionUri: diagnostics point into the file next to the template.
    let order = machine(&out.json, "OrderStateMachine");
    assert_eq!(
        order["file"],
        "tests/fixtures/sam-app/statemachine/order.asl.json"
    );
    assert_eq!(order["logicalId"], "OrderStateMachine");
    let d = &order["diagnostics"][0];
    assert_eq!(
        (d["severity"].as_str(), d["message"].as_str()),
        (Some("ERROR"), Some("Value is not a valid resource ARN"))
    );
    assert_eq!(d["location"], "/States/Check stock/Resource");
    assert_eq!(
        places(order),
        [
            ("SCHEMA_VALIDATION_FAILED".into(), 7, 7),
            ("UNRESOLVED_PLACEHOLDER".into(), 27, 9)
        ]
    );
    assert!(order["diagnostics"][1]["message"]
        .as_str()
        .unwrap()
        .contains("--substitute OrdersTableName=VALUE"));
    assert!(out.stderr.contains("tests/fixtures/sam-app/statemachine/order.asl.json:7:7: Error SCHEMA_VALIDATION_FAILED"), "{}", out.stderr);

    // Inline Definition with a !Sub inside, EXPRESS: nothing to say.
    let notify = machine(&out.json, "notify-dev");
    assert_eq!(
        (notify["type"].as_str(), notify["result"].as_str()),
        (Some("EXPRESS"), Some("OK"))
    );
    assert_eq!(notify["diagnostics"], serde_json::json!([]));

    // DefinitionString: !Sub [text, {map}] whose map holds !Sub and !Ref: the one value only a
    // deployment knows (the table's name) is a warning at its line and column in the template.
    let report = machine(&out.json, "report-dev");
    assert_eq!(report["result"], "OK");
    assert_eq!(places(report), [("UNRESOLVED_PLACEHOLDER".into(), 68, 57)]);
    assert!(report["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("${OrdersTable} has no value"));
}

#[test]
fn substitutions_fill_what_only_a_deployment_knows() {
    let mut args = vec!["validate", SAM];
    args.extend(SUBSTITUTE);
    let out = stepwise(&args);
    assert_eq!(
        (out.code, out.json["result"].as_str()),
        (0, Some("OK")),
        "{}",
        out.json
    );
    for m in out.json["machines"].as_array().unwrap() {
        assert_eq!(m["diagnostics"], serde_json::json!([]), "{m}");
    }
}

#[test]
fn runs_a_template_machine_and_the_express_child_it_starts() {
    let out = stepwise(&["run", SAM, "--state-machine", "ReportStateMachine"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json["status"], "SUCCEEDED", "{}", out.json);
    // The child is the template's NotifyStateMachine, found through `!Ref NotifyStateMachine`.
    assert_eq!(
        out.json["output"],
        serde_json::json!({"message": "Order report is done", "channel": "dev-email"})
    );
    let child = &out.json["executions"]["children"][0];
    assert!(
        child["executionArn"]
            .as_str()
            .unwrap()
            .contains(":notify-dev:"),
        "{child}"
    );

    // With the deploy-time values given and the Lambda mocked, the DefinitionUri machine runs too.
    let mut args = vec![
        "run",
        SAM,
        "--state-machine",
        "OrderStateMachine",
        "--mocks",
        "tests/fixtures/sam-app/mocks.json",
    ];
    args.extend(SUBSTITUTE);
    let out = stepwise(&args);
    assert_eq!(
        out.json["status"], "SUCCEEDED",
        "{} {}",
        out.json, out.stderr
    );
    assert_eq!(
        out.json["executions"]["children"].as_array().unwrap().len(),
        1
    );

    // Without them, run refuses what validate refuses, with the same located diagnostics.
    let out = stepwise(&["run", SAM, "--state-machine", "OrderStateMachine"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("order.asl.json:7:7: Error SCHEMA_VALIDATION_FAILED [OrderStateMachine] Value is not a valid resource ARN"), "{}", out.stderr);

    // Several machines and no choice: the names are listed.
    let out = stepwise(&["run", SAM]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--state-machine NAME (OrderStateMachine, notify-dev, report-dev)"),
        "{}",
        out.stderr
    );
}

#[test]
fn broken_machines_are_reported_at_their_line_and_column() {
    let out = stepwise(&["validate", "tests/fixtures/broken/template.yaml"]);
    assert_eq!(out.code, 1);
    // Inline YAML Definition: `Next: Missing` is at line 11, column 19.
    let inline = machine(&out.json, "Inline");
    assert_eq!(
        places(inline)[0],
        ("MISSING_TRANSITION_TARGET".into(), 11, 19)
    );
    // A literal block under !Sub: the JSON's own lines, moved to where the block sits.
    let embedded = machine(&out.json, "Embedded");
    assert_eq!(
        places(embedded),
        [
            ("SCHEMA_VALIDATION_FAILED".into(), 19, 35),
            ("UNKNOWN_STATE_MACHINE".into(), 23, 30)
        ]
    );
    assert_eq!(
        embedded["diagnostics"][1]["message"],
        "No state machine named 'Inlin' in the workspace: did you mean 'Inline'?"
    );
    // DefinitionUri naming a YAML definition, DefinitionSubstitutions applied.
    let uri = machine(&out.json, "Uri");
    assert_eq!(uri["file"], "tests/fixtures/broken/flow.asl.yaml");
    assert_eq!(places(uri), [("SCHEMA_VALIDATION_FAILED".into(), 10, 5)]);
    assert_eq!(uri["diagnostics"][0]["location"], "/States/Wait");
    // A definition in S3 cannot be checked here, and says so.
    let s3 = machine(&out.json, "FromS3");
    assert_eq!(places(s3), [("DEFINITION_NOT_LOCAL".into(), 38, 9)]);
    assert_eq!(s3["result"], "OK");
}

#[test]
fn a_json_cloudformation_template_with_fn_join_lines() {
    let out = stepwise(&["validate", "tests/fixtures/cfn.json"]);
    assert_eq!(out.code, 1);
    let m = machine(&out.json, "HelloMachine");
    // The Resource is on the fourth joined line: line 17 of the template.
    assert_eq!(places(m)[0].1, 17);
    assert_eq!(
        m["diagnostics"][0]["message"],
        "Value is not a valid resource ARN"
    );
    let out = stepwise(&[
        "validate",
        "tests/fixtures/cfn.json",
        "--substitute",
        "HelloFunction.Arn=arn:aws:lambda:us-east-1:123456789012:function:hello",
    ]);
    assert_eq!(out.json["result"], "OK", "{}", out.json);
}

#[test]
fn yaml_definitions_validate_and_run() {
    let dir = scratch("yaml_definitions");
    let file = dir.join("flow.asl.yaml");
    std::fs::write(
        &file,
        "# A definition in YAML\nStartAt: Double\nStates:\n  Double:\n    Type: Pass\n    Parameters:\n      n.$: States.MathAdd($.n, $.n)\n    End: true\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let out = stepwise(&["validate", f]);
    assert_eq!(
        (out.code, out.json["result"].as_str()),
        (0, Some("OK")),
        "{}",
        out.stderr
    );
    let out = stepwise(&["run", f, "--input", "{\"n\": 21}"]);
    assert_eq!(
        out.json["output"],
        serde_json::json!({"n": 42}),
        "{}",
        out.stderr
    );
    assert!(
        out.json["executionArn"]
            .as_str()
            .unwrap()
            .contains(":execution:flow:"),
        "{}",
        out.json
    );

    let bad = dir.join("bad.yml");
    std::fs::write(
        &bad,
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: B\n",
    )
    .unwrap();
    let out = stepwise(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.json["diagnostics"][0]["code"],
        "MISSING_TRANSITION_TARGET"
    );
    assert_eq!(
        (
            out.json["diagnostics"][0]["line"].as_u64(),
            out.json["diagnostics"][0]["column"].as_u64()
        ),
        (Some(5), Some(11))
    );
}

#[test]
fn malformed_yaml_is_a_located_error_not_a_panic() {
    let dir = scratch("malformed");
    for (name, text, wanted) in [
        ("unclosed.asl.yaml", "StartAt: A\nStates: {A: {Type: Pass, End: true}\n", "INVALID_YAML"),
        ("tabs.yaml", "StartAt: A\nStates:\n\tA: 1\n", "INVALID_YAML"),
        ("dup.yaml", "StartAt: A\nStartAt: B\n", "INVALID_YAML"),
        ("tag.yaml", "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: !Bogus x\n", "INVALID_YAML"),
        ("intrinsic.asl.yaml", "StartAt: A\nStates:\n  A: {Type: Task, Resource: !GetAtt F.Arn, End: true}\n", "INVALID_TEMPLATE"),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = stepwise(&["validate", path.to_str().unwrap()]);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        let d = &out.json["diagnostics"][0];
        assert_eq!(d["code"], wanted, "{name}: {d}");
        assert!(d["line"].as_u64().is_some(), "{name}: {d}");
        assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
    }
    // `run` stops on the same problem with the place in its message.
    let out = stepwise(&["run", dir.join("unclosed.asl.yaml").to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("unclosed.asl.yaml:"), "{}", out.stderr);
}

#[test]
fn yaml_bombs_are_refused_in_bounded_memory() {
    // Billion laughs: nine levels of ten aliases each would be 10^9 strings.
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let letters: Vec<char> = "abcdefghi".chars().collect();
    for w in letters.windows(2) {
        let (p, n) = (w[0], w[1]);
        bomb.push_str(&format!(
            "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    let dir = scratch("bomb");
    let path = dir.join("laughs.yaml");
    std::fs::write(&path, &bomb).unwrap();
    let started = std::time::Instant::now();
    let out = stepwise(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("YAML bomb"),
        "{}",
        out.json
    );
    // A refusal, not a long computation (generous: debug build on a shared machine).
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn huge_and_deep_documents() {
    let dir = scratch("huge");
    // 5,000 states in YAML: read, validated and run.
    let mut text = String::from("StartAt: S0\nStates:\n");
    for i in 0..5000 {
        let next = if i == 4999 {
            "    End: true\n".to_owned()
        } else {
            format!("    Next: S{}\n", i + 1)
        };
        text.push_str(&format!("  S{i}:\n    Type: Pass\n{next}"));
    }
    let path = dir.join("long.asl.yaml");
    std::fs::write(&path, &text).unwrap();
    let out = stepwise(&["run", path.to_str().unwrap()]);
    assert_eq!(out.json["status"], "SUCCEEDED", "{}", out.stderr);
    // Nesting past the parser's limit: an error, not a stack overflow.
    let deep = dir.join("deep.yaml");
    std::fs::write(&deep, format!("StartAt: {}\n", "[".repeat(100_000))).unwrap();
    let out = stepwise(&["validate", deep.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.json["diagnostics"][0]["code"], "INVALID_YAML");
    // Deep but within it: the definition's own depth limit answers, as for JSON.
    let nested = dir.join("nested.yaml");
    std::fs::write(
        &nested,
        format!(
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n    Result: {}1{}\n",
            "[".repeat(200),
            "]".repeat(200)
        ),
    )
    .unwrap();
    let out = stepwise(&["validate", nested.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.json["diagnostics"][0]["code"], "TOO_DEEPLY_NESTED",
        "{}",
        out.json
    );
}

#[test]
fn machine_files_in_yaml_make_the_workspace() {
    let dir = scratch("workspace");
    let parent = dir.join("parent.asl.json");
    std::fs::write(
        &parent,
        r#"{"StartAt": "Go", "States": {"Go": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Helo", "Input": {}}, "End": true}}}"#,
    )
    .unwrap();
    let child = dir.join("hello.asl.yaml");
    std::fs::write(
        &child,
        "StartAt: Hi\nStates:\n  Hi: {Type: Pass, Result: hi, End: true}\n",
    )
    .unwrap();
    let (p, c) = (
        parent.to_str().unwrap(),
        format!("Hello={}", child.to_str().unwrap()),
    );
    let out = stepwise(&["validate", p, "--machine", &c]);
    assert_eq!(out.code, 0, "warnings do not fail: {}", out.json);
    let d = &out.json["diagnostics"][0];
    assert_eq!(d["code"], "UNKNOWN_STATE_MACHINE");
    assert_eq!(
        d["message"],
        "No state machine named 'Helo' in the workspace: did you mean 'Hello'?"
    );
    assert_eq!(d["line"], 2);
    // Without --machine there is no workspace to compare with.
    let out = stepwise(&["validate", p]);
    assert_eq!(out.json["diagnostics"], serde_json::json!([]));
}

#[test]
fn express_runs_as_express() {
    let dir = scratch("express");
    let wait = dir.join("slow.asl.json");
    std::fs::write(
        &wait,
        r#"{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 600, "End": true}}}"#,
    )
    .unwrap();
    let w = wait.to_str().unwrap();
    // Standard: ten virtual minutes pass and the execution succeeds.
    let out = stepwise(&["run", w]);
    assert_eq!(out.json["status"], "SUCCEEDED");
    // Express: five minutes at most, then States.Timeout; an ARN of the express kind; no
    // history but CloudWatch Logs records.
    let out = stepwise(&["run", w, "--type", "EXPRESS", "--history"]);
    assert_eq!(out.json["status"], "TIMED_OUT", "{}", out.json);
    assert_eq!(out.json["error"], "States.Timeout");
    let arn = out.json["executionArn"].as_str().unwrap();
    assert!(
        arn.starts_with("arn:aws:states:us-east-1:123456789012:express:slow:"),
        "{arn}"
    );
    assert!(out.json.get("history").is_none());
    let logs = out.json["logs"].as_array().unwrap();
    let types: Vec<&str> = logs.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["ExecutionStarted", "WaitStateEntered", "ExecutionTimedOut"]
    );
    assert_eq!(
        logs[2]["event_timestamp"]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .unwrap()
            - logs[0]["event_timestamp"]
                .as_str()
                .unwrap()
                .parse::<i64>()
                .unwrap(),
        300_000
    );
    assert_eq!(logs[2]["previous_event_id"], "2");
    assert_eq!(logs[0]["execution_arn"], arn);

    // Callbacks and .sync are refused when an Express machine is created, with AWS's message.
    let callback = dir.join("callback.asl.json");
    std::fs::write(
        &callback,
        r#"{"StartAt": "Ask", "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token"}}, "End": true}}}"#,
    )
    .unwrap();
    let c = callback.to_str().unwrap();
    let out = stepwise(&["validate", c, "--type", "EXPRESS"]);
    assert_eq!(out.code, 1);
    assert!(
        out.json["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("Express state machine does not support '.waitForTaskToken'"),
        "{}",
        out.json
    );
    assert_eq!(stepwise(&["validate", c]).code, 0);
    let out = stepwise(&["run", c, "--type", "EXPRESS"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("Express state machine does not support"),
        "{}",
        out.stderr
    );
    // A template's Type: EXPRESS counts the same way.
    let template = dir.join("template.yaml");
    std::fs::write(
        &template,
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Quick:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      DefinitionUri: callback.asl.json\n",
    )
    .unwrap();
    let out = stepwise(&["validate", template.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert_eq!(machine(&out.json, "Quick")["type"], "EXPRESS");
}
