//! TestState of Map and Parallel states (with a mock), and `stateName` naming any state of a whole
//! machine.

use super::*;
use crate::EngineConfig;
use stepwise_json::json;

fn run(req: &TestStateRequest) -> Result<TestRun, ApiError> {
    Engine::new(EngineConfig::default()).test_state_run(req)
}

fn request(definition: Value, input: Value, result: Option<Value>) -> TestStateRequest {
    TestStateRequest {
        definition: definition.to_json_text().to_string(),
        input: Some(input.to_json_text().to_string()),
        inspection_level: InspectionLevel::Debug,
        mock: result.map(|r| MockInput {
            result: Some(r.to_json_text().to_string()),
            ..MockInput::default()
        }),
        ..TestStateRequest::default()
    }
}

fn failing(mut req: TestStateRequest, error: &str) -> TestStateRequest {
    req.mock = Some(MockInput {
        error_output: Some(MockErrorOutput {
            error: Some(error.into()),
            cause: Some("mocked".into()),
        }),
        ..MockInput::default()
    });
    req
}

fn refusal(req: &TestStateRequest) -> (String, String) {
    let e = run(req).expect_err("refused");
    (e.name, e.message)
}

fn map_state() -> Value {
    json!({
        "Type": "Map",
        "InputPath": "$.order",
        "ItemsPath": "$.lines",
        "ItemSelector": {"sku.$": "$$.Map.Item.Value.sku", "n.$": "$$.Map.Item.Index", "who.$": "$$.Execution.Name"},
        "MaxConcurrency": 2,
        "ToleratedFailureCount": 1,
        "ItemProcessor": {"StartAt": "Price", "States": {"Price": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
        "ResultPath": "$.priced",
        "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "Next": "Too many"}],
        "Next": "Total"
    })
}

#[test]
fn a_map_computes_its_items_and_answers_with_the_mocked_result() {
    let input = json!({"order": {"lines": [{"sku": "a"}, {"sku": "b"}]}});
    let req = request(map_state(), input, Some(json!([1, 2])));
    let r = run(&req).unwrap();
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.next_state.as_deref(), Some("Total"));
    assert_eq!(
        r.output,
        Some(json!({"order": {"lines": [{"sku": "a"}, {"sku": "b"}]}, "priced": [1, 2]})),
        "ResultPath places the result in the raw input"
    );
    let m = r.map.clone().expect("a Map's own stages");
    assert_eq!(
        m.after_items_path,
        Some(json!([{"sku": "a"}, {"sku": "b"}]))
    );
    assert_eq!(
        m.after_item_selector,
        Some(
            json!([{"sku": "a", "n": 0, "who": "test-state"}, {"sku": "b", "n": 1, "who": "test-state"}])
        ),
        "ItemSelector reads $$.Map.Item and the rest of the context"
    );
    assert_eq!((m.max_concurrency, m.tolerated_failure_count), (2, Some(1)));
    assert_eq!(m.after_item_batcher, None);
    assert_eq!(r.pipeline.result, Some(json!([1, 2])));
    let aws = r.aws_json(&req);
    let data = &aws["inspectionData"];
    assert_eq!(data["afterItemsPath"], r#"[{"sku":"a"},{"sku":"b"}]"#);
    assert_eq!(
        (
            data["maxConcurrency"].clone(),
            data["toleratedFailureCount"].clone()
        ),
        (2.into(), 1.into())
    );
    assert_eq!(
        data["afterInputPath"],
        r#"{"lines":[{"sku":"a"},{"sku":"b"}]}"#
    );
    assert_eq!(aws["status"], "SUCCEEDED");
}

#[test]
fn failed_iterations_count_against_the_tolerance_and_errors_go_to_retry_and_catch() {
    let input = json!({"order": {"lines": [{"sku": "a"}, {"sku": "b"}, {"sku": "c"}]}});
    let mut req = request(map_state(), input.clone(), Some(json!([1, 2, 3])));
    req.map_iteration_failure_count = Some(1);
    assert_eq!(run(&req).unwrap().status, TestStatus::Succeeded);
    req.map_iteration_failure_count = Some(2);
    let r = run(&req).unwrap();
    assert_eq!(r.status, TestStatus::CaughtError);
    assert_eq!(r.next_state.as_deref(), Some("Too many"));
    assert_eq!(
        r.error.as_ref().map(|e| e.error.as_str()),
        Some("States.ExceedToleratedFailureThreshold")
    );
    assert_eq!(r.error_details.unwrap().catch_index, Some(0));

    // Without a tolerance, failed iterations do not fail the Map (as AWS answers).
    let mut lax = map_state();
    lax.as_object_mut().unwrap().remove("ToleratedFailureCount");
    let mut req = request(lax.clone(), input.clone(), Some(json!([])));
    req.map_iteration_failure_count = Some(3);
    assert_eq!(run(&req).unwrap().status, TestStatus::Succeeded);

    // A mocked error is the Map's failure: its Retry takes it.
    lax.as_object_mut().unwrap().insert(
        "Retry".into(),
        json!([{"ErrorEquals": ["Boom"], "IntervalSeconds": 4}]),
    );
    let r = run(&failing(request(lax, input, None), "Boom")).unwrap();
    assert_eq!(r.status, TestStatus::Retriable);
    assert_eq!(
        r.error_details.unwrap().retry_backoff_interval_seconds,
        Some(4)
    );
}

#[test]
fn batches_and_jsonata_items() {
    let def = json!({
        "Type": "Map", "ItemsPath": "$.xs",
        "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"tag": "t"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true
    });
    let r = run(&request(
        def,
        json!({"xs": [1, 2, 3]}),
        Some(json!([["a"], ["b"]])),
    ))
    .unwrap();
    let m = r.map.unwrap();
    assert_eq!(m.after_items_path, Some(json!([1, 2, 3])));
    assert_eq!(
        m.after_item_batcher,
        Some(
            json!([{"BatchInput": {"tag": "t"}, "Items": [1, 2]}, {"BatchInput": {"tag": "t"}, "Items": [3]}])
        )
    );
    assert_eq!(m.max_concurrency, 0, "unbounded");
    assert_eq!(r.output, Some(json!([["a"], ["b"]])));

    let def = json!({
        "Type": "Map", "QueryLanguage": "JSONata", "Items": "{% $states.input.xs %}",
        "ItemSelector": {"double": "{% $states.context.Map.Item.Value * 2 %}"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "Output": "{% $count($states.result) %}",
        "End": true
    });
    let r = run(&request(
        def,
        json!({"xs": [1, 2]}),
        Some(json!(["x", "y"])),
    ))
    .unwrap();
    let m = r.map.unwrap();
    assert_eq!(m.after_items_path, None, "no ItemsPath stage in JSONata");
    assert_eq!(
        m.after_item_selector,
        Some(json!([{"double": 2}, {"double": 4}]))
    );
    assert_eq!(r.output, Some(json!(2)));
}

#[test]
fn a_parallel_answers_with_one_result_per_branch() {
    let branch = |n: &str| json!({"StartAt": n, "States": {n: {"Type": "Pass", "End": true}}});
    let def = json!({
        "Type": "Parallel",
        "Parameters": {"id.$": "$.id"},
        "Branches": [branch("A"), branch("B")],
        "ResultSelector": {"first.$": "$[0]"},
        "Next": "Join"
    });
    let r = run(&request(
        def.clone(),
        json!({"id": 3}),
        Some(json!([{"a": 1}, {"b": 2}])),
    ))
    .unwrap();
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.pipeline.after_parameters, Some(json!({"id": 3})));
    assert_eq!(r.output, Some(json!({"first": {"a": 1}})));
    assert_eq!(r.map, None);
    let (name, message) = refusal(&request(def.clone(), json!({}), Some(json!([1]))));
    assert_eq!(name, names::VALIDATION);
    assert_eq!(
        message,
        "Mocked result must contain the same number of items as number of Parallel branches."
    );
    assert_eq!(
        refusal(&request(def.clone(), json!({}), Some(json!({"a": 1})))).1,
        "Mocked result must be an array."
    );
    let r = run(&failing(request(def, json!({}), None), "Branch.Failed")).unwrap();
    assert_eq!(r.status, TestStatus::Failed);
}

#[test]
fn requests_refused_as_aws_refuses_them() {
    let map = map_state();
    let (name, message) = refusal(&request(map.clone(), json!({}), None));
    assert_eq!(name, names::INVALID_DEFINITION);
    assert!(message.starts_with("TestState API does not support Map or Parallel states"));
    let pass = json!({"Type": "Pass", "End": true});
    assert_eq!(
        refusal(&request(pass, json!({}), Some(json!({})))).1,
        "State type 'Pass' is not supported when a mock is specified"
    );
    let mut secret = request(map.clone(), json!({}), Some(json!([])));
    secret.reveal_secrets = true;
    assert_eq!(
        refusal(&secret).1,
        "TestState does not support RevealSecrets when a mock is specified."
    );
    let mut reader = map;
    reader
        .as_object_mut()
        .unwrap()
        .insert("ItemReader".into(), json!({"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b", "Key": "k"}}));
    assert_eq!(
        refusal(&request(reader, json!({}), Some(json!([])))).0,
        names::VALIDATION
    );
}

#[test]
fn state_name_finds_nested_states_and_the_whole_machine_is_validated() {
    let machine = json!({
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map", "End": true,
                "ItemProcessor": {"StartAt": "Inner", "States": {
                    "Inner": {"Type": "Pass", "Parameters": {"v.$": "$.v"}, "Next": "Last"},
                    "Last": {"Type": "Succeed"}
                }}
            }
        }
    });
    let mut req = request(machine.clone(), json!({"v": 5}), None);
    req.state_name = Some("Inner".into());
    let r = run(&req).unwrap();
    assert_eq!(
        (r.output, r.next_state.as_deref()),
        (Some(json!({"v": 5})), Some("Last"))
    );
    req.state_name = Some("Nowhere".into());
    assert_eq!(refusal(&req).1, "State not found in definition");
    // A problem elsewhere in the machine refuses the test, as AWS validates the whole machine.
    let mut broken = machine;
    let states = broken.get_mut("States").and_then(Value::as_object_mut);
    let other = json!({"Type": "Pass", "Next": "Missing"});
    states.unwrap().insert("Other".into(), other);
    let mut req = request(broken, json!({"v": 5}), None);
    req.state_name = Some("Inner".into());
    assert_eq!(refusal(&req).0, names::INVALID_DEFINITION);
}
