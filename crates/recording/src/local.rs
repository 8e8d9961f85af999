//! Test cases from local runs: a finished execution of the engine is written out as the same
//! documents the AWS CLI prints for a real one (`get-execution-history`, `describe-execution`,
//! `describe-state-machine-for-execution`, for it and every child it started), then imported
//! like a recording. A local run and an AWS recording so take one path to a [`TestCase`]: what
//! the local tasks answered becomes the mock config, what the run did becomes the expectation.

use crate::case::TestCase;
use crate::import::{import, Source};
use stepwise_engine::{Engine, ExecutionId};

/// The documents the AWS CLI would print for execution `root` and the executions it started
/// (recursively): per execution its history, its description and its definition, as
/// `(name, JSON text)`, the root first.
pub fn local_documents(
    engine: &Engine,
    root: ExecutionId,
) -> Result<Vec<(String, String)>, String> {
    let mut docs = Vec::new();
    let mut stack = vec![root];
    let mut seen = Vec::new();
    while let Some(id) = stack.pop() {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        // Children in start order: the stack pops the last pushed first.
        stack.extend(engine.children(id).into_iter().rev());
        if engine.execution(id).is_express() {
            // AWS gives no history of an Express execution, so a recording has none either.
            continue;
        }
        let arn = engine.execution(id).arn.clone();
        let text = |what: &str, v: Result<stepwise_json::Value, stepwise_engine::ApiError>| match v
        {
            Ok(v) => Ok((format!("{what} of {arn}"), v.to_string())),
            Err(e) => Err(format!("{what} of {arn}: {e}")),
        };
        docs.push(text(
            "get-execution-history",
            engine.get_execution_history(&arn, false, true),
        )?);
        docs.push(text("describe-execution", engine.describe_execution(&arn))?);
        docs.push(text(
            "describe-state-machine-for-execution",
            engine.describe_state_machine_for_execution(&arn),
        )?);
    }
    Ok(docs)
}

/// The test case that re-runs execution `root` of `engine` with every task answered as it was
/// answered locally, and expects the outcome and history it had. The execution must have ended.
pub fn case_from_local_run(engine: &Engine, root: ExecutionId) -> Result<TestCase, String> {
    let exec = engine.execution(root);
    if exec.is_running() {
        return Err(format!(
            "{} is still running: only a finished execution can become a test case",
            exec.arn
        ));
    }
    let docs = local_documents(engine, root)?;
    let sources: Vec<Source<'_>> = docs
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    let imported = import(&sources).map_err(|errors| {
        let what: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!(
            "the local run does not read back as a recording: {}",
            what.join("; ")
        )
    })?;
    TestCase::from_recording(&imported, 0).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use stepwise_engine::{EngineConfig, ExecutionStatus};

    const CHILD: &str = r#"{"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                 "Parameters": {"FunctionName": "double", "Payload.$": "$"},
                 "OutputPath": "$.Payload", "End": true}}}"#;

    fn parent(child_arn: &str) -> String {
        json!({"StartAt": "Child", "States": {
            "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                      "Parameters": {"StateMachineArn": child_arn, "Input": {"n.$": "$.n"}},
                      "OutputPath": "$.Output", "Next": "Done"},
            "Done": {"Type": "Pass", "Parameters": {"result.$": "$.doubled"}, "End": true}}})
        .to_string()
    }

    /// A parent that runs a child `.sync`, whose Lambda task is mocked: run locally to the end.
    fn local_run() -> (Engine, ExecutionId) {
        let mut engine = Engine::new(EngineConfig::default());
        engine.create_state_machine("child", CHILD).unwrap();
        let child_arn = engine.machine_arn("child");
        engine
            .create_state_machine("parent", &parent(&child_arn))
            .unwrap();
        let mocks = json!({
            "StateMachines": {"child": {"TestCases": {"Local": {"Work": "Doubled"}}}},
            "MockedResponses": {"Doubled": {"0": {"Return": {"Payload": {"doubled": 42}}}}}
        });
        engine
            .set_mock_config(&stepwise_json::Value::from(&mocks))
            .unwrap();
        let arn = engine.machine_arn("parent");
        let root = engine
            .start_execution(&arn, Some("local"), Some(r#"{"n": 21}"#))
            .unwrap();
        engine.run_until_idle(10_000);
        assert_eq!(engine.execution(root).status, ExecutionStatus::Succeeded);
        assert_eq!(engine.children(root).len(), 1);
        (engine, root)
    }

    #[test]
    fn a_local_run_becomes_a_passing_case_and_an_edit_makes_it_fail() {
        let (engine, root) = local_run();
        let case = case_from_local_run(&engine, root).unwrap();
        assert_eq!(case.scenario.state_machine, "parent");
        assert_eq!(case.scenario.state_machines.len(), 2);
        assert_eq!(case.expected.status, "SUCCEEDED");
        assert_eq!(case.expected.output, Some(json!({"result": 42})));
        // The child's mocked answer is in the case's own mock config.
        let responses = case.scenario.mock_config["MockedResponses"].to_string();
        assert!(responses.contains("42"), "{responses}");
        let outcome = case.run();
        assert!(outcome.pass, "{:?}", outcome.failures);

        // Through a file: what the CLI and the playground write is what `stepwise test` reads.
        let text = serde_json::to_string_pretty(&case).unwrap();
        let back: TestCase = serde_json::from_str(&text).unwrap();
        assert!(back.run().pass);

        // The child now fails its work: the case catches it.
        let mut broken = case.clone();
        let child = broken.scenario.state_machines.get_mut("child").unwrap();
        let v: Value = serde_json::from_str(child).unwrap();
        let mut v = v;
        v["States"]["Work"] = json!({"Type": "Fail", "Error": "Broken"});
        *child = v.to_string();
        let outcome = broken.run();
        assert!(!outcome.pass);
        assert_eq!(outcome.status, "FAILED");
        assert!(
            outcome.failures.iter().any(|f| f.contains("status FAILED")),
            "{:?}",
            outcome.failures
        );
    }

    /// The playground's "Mocked Lambda" example as a user runs it: a mocked Lambda that throws
    /// once and is retried, a Lambda answered by hand, a `.sync` child behind a Wait. The case
    /// replays all of it, the answer by hand included.
    #[test]
    fn the_mocked_lambda_example_with_an_answer_by_hand_exports_a_passing_case() {
        let example: Value =
            serde_json::from_str(include_str!("../../../www/examples/mocked-lambda.json")).unwrap();
        let mut engine = Engine::new(EngineConfig::default());
        for m in example["machines"].as_array().unwrap() {
            let name = m["name"].as_str().unwrap();
            engine
                .create_state_machine(name, &m["definition"].to_string())
                .unwrap();
        }
        engine
            .set_mock_config(&stepwise_json::Value::from(&example["mocks"]))
            .unwrap();
        let arn = engine.machine_arn("Orders");
        let input = example["input"].to_string();
        let root = engine.start_execution(&arn, None, Some(&input)).unwrap();
        engine.settle(100_000);
        let pending = engine.pending_tasks();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].state_name, "Charge card");
        let token = pending[0].token.clone();
        engine
            .send_task_success(&token, r#"{"Payload": {"chargeId": "ch_1"}}"#)
            .unwrap();
        engine.settle(100_000);
        assert_eq!(engine.execution(root).status, ExecutionStatus::Succeeded);
        let case = case_from_local_run(&engine, root).unwrap();
        assert_eq!(
            case.expected.output.as_ref().unwrap()["charge"]["chargeId"],
            "ch_1"
        );
        let outcome = case.run();
        assert!(outcome.pass, "{:?}", outcome.failures);
    }

    #[test]
    fn a_running_execution_is_refused() {
        let mut engine = Engine::new(EngineConfig::default());
        engine.create_state_machine("child", CHILD).unwrap();
        let arn = engine.machine_arn("child");
        // No mock: the task waits for an answer by hand.
        let id = engine.start_execution(&arn, None, Some("{}")).unwrap();
        engine.run_until_idle(1000);
        let err = case_from_local_run(&engine, id).unwrap_err();
        assert!(err.contains("still running"), "{err}");
    }
}
