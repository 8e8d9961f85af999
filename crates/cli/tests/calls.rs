//! `stepwise calls FILE`: scripts of API calls against one engine, as a user writes them to try
//! redrive, versions and aliases from a terminal.

mod common;

use common::{stepwise, Outcome};
use serde_json::{json, Value};

/// `stepwise calls NAME.json EXTRA…`, the script written to a file of this suite.
fn calls(name: &str, script: Value, extra: &[&str]) -> Outcome {
    let path = common::write("calls", &format!("{name}.json"), &script.to_string());
    let mut args = vec!["calls", path.to_str().unwrap()];
    args.extend(extra);
    stepwise(&args)
}

fn entries(o: &Outcome) -> &Vec<Value> {
    o.json
        .as_array()
        .unwrap_or_else(|| panic!("not a JSON array: {}\n{}", o.stdout, o.stderr))
}

#[test]
fn a_failed_execution_is_redriven_from_a_script() {
    let out = calls(
        "redrive",
        json!([
            {"action": "CreateStateMachine", "id": "m", "input": {"name": "Flaky", "definition": {
                "StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f"}, "OutputPath": "$.Payload", "End": true}}}}},
            {"action": "SetMockConfig", "input": {"config": {
                "StateMachines": {"Flaky": {"TestCases": {"Default": {"Call": "R"}}}},
                "MockedResponses": {"R": {"0": {"Throw": {"Error": "Boom"}}, "1": {"Return": {"Payload": "up"}}}}}}},
            {"action": "StartExecution", "id": "run", "input": {"stateMachineArn": "${m.stateMachineArn}", "name": "first"}},
            {"action": "RunUntilIdle"},
            {"action": "DescribeExecution", "input": {"executionArn": "${run.executionArn}"}},
            {"action": "AdvanceTime", "input": {"seconds": 60}},
            {"action": "RedriveExecution", "input": {"executionArn": "${run.executionArn}", "clientToken": "once"}},
            {"action": "RunUntilIdle"},
            {"action": "DescribeExecution", "input": {"executionArn": "${run.executionArn}"}},
            {"action": "GetExecutionHistory", "id": "h", "input": {"executionArn": "${2.executionArn}"}},
            {"action": "ListExecutions", "input": {"redriveFilter": "REDRIVEN"}},
            {"action": "RedriveExecution", "input": {"executionArn": "${run.executionArn}"}}
        ]),
        &[],
    );
    assert_eq!(out.code, 1, "the last call fails: {}", out.stderr);
    let e = entries(&out);
    assert_eq!(e.len(), 12);
    assert_eq!(e[4]["output"]["status"], json!("FAILED"));
    assert_eq!(e[4]["output"]["redriveStatus"], json!("REDRIVABLE"));
    assert_eq!(
        e[6]["output"],
        json!({"redriveDate": "2025-01-01T00:01:00.000Z"})
    );
    let d = &e[8]["output"];
    assert_eq!(d["status"], json!("SUCCEEDED"));
    assert_eq!(d["output"], json!("\"up\""));
    assert_eq!(d["redriveCount"], json!(1));
    let types: Vec<&str> = e[9]["output"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ev| ev["type"].as_str().unwrap())
        .collect();
    let at = types
        .iter()
        .position(|t| *t == "ExecutionRedriven")
        .unwrap();
    assert_eq!(types[at - 1], "ExecutionFailed");
    assert_eq!(types[at + 1], "TaskStateEntered");
    assert_eq!(types.last(), Some(&"ExecutionSucceeded"));
    assert_eq!(e[10]["output"]["executions"][0]["redriveCount"], json!(1));
    assert_eq!(
        e[11]["error"],
        json!({"name": "ExecutionNotRedrivable", "message": "Execution is SUCCEEDED and cannot be redriven"})
    );
}

#[test]
fn versions_aliases_and_task_tokens_from_a_script() {
    let ask = |answer: &str| {
        json!({"StartAt": "Ask", "States": {"Ask": {"Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}},
            "ResultPath": "$.answer", "Next": "Tag"},
            "Tag": {"Type": "Pass", "Result": answer, "ResultPath": "$.version", "End": true}}})
    };
    let out = calls(
        "versions",
        json!([
            {"action": "CreateStateMachine", "id": "m", "input": {"name": "Asker", "definition": ask("v1"), "publish": true}},
            {"action": "UpdateStateMachine", "id": "u", "input": {"stateMachineArn": "${m.stateMachineArn}", "definition": ask("v2"), "publish": true}},
            {"action": "CreateStateMachineAlias", "id": "a", "input": {"name": "live", "routingConfiguration": [
                {"stateMachineVersionArn": "${m.stateMachineVersionArn}", "weight": 100}]}},
            {"action": "StartExecution", "id": "run", "input": {"stateMachineArn": "${a.stateMachineAliasArn}", "input": {"q": 1}}},
            {"action": "RunUntilIdle"},
            {"action": "ListPendingTasks", "id": "tasks"},
            {"action": "SendTaskSuccess", "input": {"taskToken": "${tasks.tasks.0.taskToken}", "output": {"ok": true}}},
            {"action": "RunUntilIdle"},
            {"action": "DescribeExecution", "input": {"executionArn": "${run.executionArn}"}},
            {"action": "ListStateMachineVersions", "input": {"stateMachineArn": "${m.stateMachineArn}"}},
            {"action": "UpdateStateMachineAlias", "input": {"stateMachineAliasArn": "${a.stateMachineAliasArn}", "routingConfiguration": [
                {"stateMachineVersionArn": "${u.stateMachineVersionArn}", "weight": 100}]}},
            {"action": "DescribeStateMachineAlias", "input": {"stateMachineAliasArn": "${a.stateMachineAliasArn}"}}
        ]),
        &[],
    );
    assert!(out.ok, "{}\n{}", out.stdout, out.stderr);
    let e = entries(&out);
    let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:Asker";
    assert_eq!(
        e[0]["output"]["stateMachineVersionArn"],
        json!(format!("{machine}:1"))
    );
    assert_eq!(
        e[1]["output"]["stateMachineVersionArn"],
        json!(format!("{machine}:2"))
    );
    assert_eq!(
        e[2]["output"]["stateMachineAliasArn"],
        json!(format!("{machine}:live"))
    );
    assert_eq!(e[5]["output"]["tasks"][0]["kind"], json!("Callback"));
    // The same task shape as the JS API's listPendingTasks (one writer in the engine).
    assert!(e[5]["output"]["tasks"][0]["since"].is_string());
    let d = &e[8]["output"];
    assert_eq!(d["status"], json!("SUCCEEDED"));
    let output: Value = serde_json::from_str(d["output"].as_str().unwrap()).unwrap();
    assert_eq!(
        output,
        json!({"q": 1, "answer": {"ok": true}, "version": "v1"})
    );
    assert_eq!(d["stateMachineAliasArn"], json!(format!("{machine}:live")));
    assert_eq!(d["stateMachineVersionArn"], json!(format!("{machine}:1")));
    assert_eq!(
        e[9]["output"]["stateMachineVersions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        e[11]["output"]["routingConfiguration"][0]["stateMachineVersionArn"],
        json!(format!("{machine}:2"))
    );
}

#[test]
fn errors_stop_the_script_unless_it_keeps_going() {
    let script = json!([
        {"action": "DescribeExecution", "input": {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:M:nope"}},
        {"action": "Frobnicate"},
        {"action": "StartExecution", "input": {"stateMachineArn": "${9.stateMachineArn}"}},
        {"action": "StopExecution", "input": "not an object"},
        {"action": "ListStateMachines"}
    ]);
    let stopped = calls("errors-stop", script.clone(), &[]);
    assert_eq!(stopped.code, 1);
    assert_eq!(entries(&stopped).len(), 1);
    assert_eq!(
        entries(&stopped)[0]["error"]["name"],
        json!("ExecutionDoesNotExist")
    );
    let all = calls("errors-all", script, &["--keep-going"]);
    assert_eq!(all.code, 1);
    let names: Vec<&Value> = entries(&all).iter().map(|e| &e["error"]["name"]).collect();
    assert_eq!(
        names,
        [
            &json!("ExecutionDoesNotExist"),
            &json!("UnknownOperationException"),
            &json!("ValidationException"),
            &json!("ValidationException"),
            &Value::Null
        ]
    );
    assert_eq!(entries(&all)[4]["output"], json!({"stateMachines": []}));

    let not_a_list = calls("not-a-list", json!({"action": "ListStateMachines"}), &[]);
    assert_eq!(not_a_list.code, 2);
    assert!(not_a_list.stderr.contains("expected a JSON array of calls"));
}
