//! TestState against the behaviour AWS documents, and the Pipeline record it is built on.

use super::*;
use crate::EngineConfig;
use stepwise_json::json;

fn engine() -> Engine {
    Engine::new(EngineConfig::default())
}

fn debug(definition: Value, input: Value) -> TestStateRequest {
    TestStateRequest {
        definition: definition.to_json_text().to_string(),
        input: Some(input.to_json_text().to_string()),
        inspection_level: InspectionLevel::Debug,
        ..TestStateRequest::default()
    }
}

fn mocked(mut req: TestStateRequest, result: Value) -> TestStateRequest {
    req.mock = Some(MockInput {
        result: Some(result.to_json_text().to_string()),
        ..MockInput::default()
    });
    req
}

/// A Lambda result with its Payload parsed, as executions record it: AWS's default STRICT check
/// wants Lambda's blob as text (`shapes.rs`), so these mocks say NONE.
fn unchecked(mut req: TestStateRequest) -> TestStateRequest {
    if let Some(m) = req.mock.as_mut() {
        m.field_validation_mode = FieldValidationMode::None;
    }
    req
}

fn failing(mut req: TestStateRequest, error: &str, cause: &str) -> TestStateRequest {
    req.mock = Some(MockInput {
        result: None,
        error_output: Some(MockErrorOutput {
            error: Some(error.into()),
            cause: Some(cause.into()),
        }),
        ..MockInput::default()
    });
    req
}

fn json_of(text: &Option<String>) -> serde_json::Value {
    serde_json::from_str(text.as_deref().expect("a JSON text")).expect("JSON")
}

fn error_name(r: Result<TestStateResponse, ApiError>) -> String {
    r.expect_err("the request should be refused").name
}

#[test]
fn a_jsonpath_pass_state_reports_every_stage() {
    let def = json!({
        "Type": "Pass",
        "InputPath": "$.order",
        "Parameters": {"id.$": "$.id", "kind": "pass"},
        "ResultPath": "$.params",
        "OutputPath": "$.params",
        "Next": "Ship"
    });
    let r = engine()
        .test_state(&debug(def, json!({"order": {"id": 7}, "other": true})))
        .unwrap();
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.next_state.as_deref(), Some("Ship"));
    assert_eq!(
        json_of(&r.output),
        serde_json::json!({"id": 7, "kind": "pass"})
    );
    let d = r.inspection_data.unwrap();
    assert_eq!(
        json_of(&d.input),
        serde_json::json!({"order": {"id": 7}, "other": true})
    );
    assert_eq!(json_of(&d.after_input_path), serde_json::json!({"id": 7}));
    assert_eq!(
        json_of(&d.after_parameters),
        serde_json::json!({"id": 7, "kind": "pass"})
    );
    assert_eq!(
        json_of(&d.result),
        serde_json::json!({"id": 7, "kind": "pass"})
    );
    assert_eq!(
        json_of(&d.after_result_path),
        serde_json::json!({"order": {"id": 7}, "other": true, "params": {"id": 7, "kind": "pass"}})
    );
    assert_eq!(d.after_arguments, None);
    assert_eq!(d.error_details, None);
}

#[test]
fn a_task_answers_with_its_mock_through_result_selector_result_path_and_assign() {
    let def = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "f", "Payload.$": "$"},
        "ResultSelector": {"total.$": "$.Payload.total"},
        "ResultPath": "$.sum",
        "Assign": {"last.$": "$.total"},
        "End": true
    });
    let req = unchecked(mocked(
        debug(def, json!({"a": 1})),
        json!({"Payload": {"total": 3}, "StatusCode": 200}),
    ));
    let r = engine().test_state(&req).unwrap();
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(r.next_state, None, "End: true has no next state");
    assert_eq!(
        json_of(&r.output),
        serde_json::json!({"a": 1, "sum": {"total": 3}})
    );
    let d = r.inspection_data.unwrap();
    assert_eq!(
        json_of(&d.after_parameters),
        serde_json::json!({"FunctionName": "f", "Payload": {"a": 1}})
    );
    assert_eq!(
        json_of(&d.result),
        serde_json::json!({"Payload": {"total": 3}, "StatusCode": 200})
    );
    assert_eq!(
        json_of(&d.after_result_selector),
        serde_json::json!({"total": 3})
    );
    assert_eq!(json_of(&d.variables), serde_json::json!({"last": 3}));
}

#[test]
fn retry_then_catch_then_fail_as_the_error_goes() {
    let def = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Retry": [
            {"ErrorEquals": ["Other"], "MaxAttempts": 5},
            {"ErrorEquals": ["Flaky"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 2}
        ],
        "Catch": [
            {"ErrorEquals": ["Nope"], "Next": "Never"},
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "Recover"}
        ],
        "Next": "Done"
    });
    let base = debug(def, json!({"k": 1}));

    // A retrier with attempts left: RETRIABLE, and which retrier with its back-off.
    let r = engine()
        .test_state(&failing(base.clone(), "Flaky", "once"))
        .unwrap();
    assert_eq!(r.status, TestStatus::Retriable);
    assert_eq!(
        (r.error.as_deref(), r.cause.as_deref()),
        (Some("Flaky"), Some("once"))
    );
    assert_eq!(r.output, None);
    let details = r.inspection_data.unwrap().error_details.unwrap();
    assert_eq!(details.retry_index, Some(1));
    assert_eq!(details.retry_backoff_interval_seconds, Some(2));

    // One retry already made: the back-off grows by BackoffRate.
    let mut again = failing(base.clone(), "Flaky", "twice");
    again.retrier_retry_count = Some(1);
    let r = engine().test_state(&again).unwrap();
    assert_eq!(r.status, TestStatus::Retriable);
    let details = r.inspection_data.unwrap().error_details.unwrap();
    assert_eq!(details.retry_backoff_interval_seconds, Some(6));

    // Retries used up: the catcher takes it.
    let mut spent = failing(base.clone(), "Flaky", "for good");
    spent.retrier_retry_count = Some(2);
    let r = engine().test_state(&spent).unwrap();
    assert_eq!(r.status, TestStatus::CaughtError);
    assert_eq!(r.next_state.as_deref(), Some("Recover"));
    assert_eq!(r.error.as_deref(), Some("Flaky"));
    assert_eq!(
        json_of(&r.output),
        serde_json::json!({"k": 1, "err": {"Error": "Flaky", "Cause": "for good"}})
    );
    assert_eq!(
        r.inspection_data
            .unwrap()
            .error_details
            .unwrap()
            .catch_index,
        Some(1)
    );

    // A States.Runtime error escapes every handler.
    let def = json!({
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "ResultSelector": {"x.$": "$.missing"},
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}],
        "End": true
    });
    let r = engine()
        .test_state(&mocked(debug(def, json!({})), json!({"a": 1})))
        .unwrap();
    assert_eq!(r.status, TestStatus::Failed);
    assert_eq!(r.error.as_deref(), Some("States.Runtime"));
    assert!(r.cause.unwrap().contains("$.missing"));
    assert_eq!(r.next_state, None);
}

#[test]
fn choice_fail_wait_and_succeed() {
    let choice = json!({
        "Type": "Choice",
        "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "Big"}],
        "Default": "Small"
    });
    let r = engine()
        .test_state(&debug(choice.clone(), json!({"n": 9})))
        .unwrap();
    assert_eq!(
        (r.status, r.next_state.as_deref()),
        (TestStatus::Succeeded, Some("Big"))
    );
    let r = engine()
        .test_state(&debug(choice, json!({"n": 1})))
        .unwrap();
    assert_eq!(r.next_state.as_deref(), Some("Small"));

    let no_default = json!({"Type": "Choice", "Choices": [{"Variable": "$.n", "IsPresent": true, "Next": "Has"}]});
    let r = engine().test_state(&debug(no_default, json!({}))).unwrap();
    assert_eq!(r.status, TestStatus::Failed);
    assert_eq!(r.error.as_deref(), Some("States.NoChoiceMatched"));

    let fail = json!({"Type": "Fail", "Error": "Bad", "CausePath": "$.why"});
    let r = engine()
        .test_state(&debug(fail, json!({"why": "because"})))
        .unwrap();
    assert_eq!(
        (r.status, r.error.as_deref(), r.cause.as_deref()),
        (TestStatus::Failed, Some("Bad"), Some("because"))
    );

    // The virtual clock runs the wait out at once.
    let wait = json!({"Type": "Wait", "Seconds": 3600, "Next": "After"});
    let r = engine().test_state(&debug(wait, json!({"w": 1}))).unwrap();
    assert_eq!(
        (r.status, r.next_state.as_deref()),
        (TestStatus::Succeeded, Some("After"))
    );
    assert_eq!(json_of(&r.output), serde_json::json!({"w": 1}));

    let succeed = json!({"Type": "Succeed", "OutputPath": "$.keep"});
    let r = engine()
        .test_state(&debug(succeed, json!({"keep": [1]})))
        .unwrap();
    assert_eq!((r.status, r.next_state), (TestStatus::Succeeded, None));
    assert_eq!(json_of(&r.output), serde_json::json!([1]));
}

#[test]
fn a_jsonata_task_with_variables_reports_its_arguments() {
    let def = json!({
        "Type": "Task",
        "QueryLanguage": "JSONata",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "f", "Payload": {"x": "{% $states.input.x + $base %}"}},
        "Output": "{% $states.result.Payload %}",
        "Assign": {"seen": "{% $states.result.Payload.y %}"},
        "Next": "N"
    });
    let mut req = unchecked(mocked(
        debug(def, json!({"x": 2})),
        json!({"Payload": {"y": 5}}),
    ));
    req.variables = Some(r#"{"base": 40}"#.into());
    let r = engine().test_state(&req).unwrap();
    assert_eq!(r.status, TestStatus::Succeeded);
    assert_eq!(json_of(&r.output), serde_json::json!({"y": 5}));
    let d = r.inspection_data.unwrap();
    assert_eq!(
        json_of(&d.after_arguments),
        serde_json::json!({"FunctionName": "f", "Payload": {"x": 42}})
    );
    assert_eq!((d.after_parameters, d.after_input_path), (None, None));
    assert_eq!(
        json_of(&d.variables),
        serde_json::json!({"base": 40, "seen": 5})
    );
}

#[test]
fn a_state_of_a_whole_machine_runs_with_its_query_language() {
    let machine = json!({
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Output": "{% $states.input.v * 2 %}", "Next": "B"},
            "B": {"Type": "Succeed"}
        }
    });
    let mut req = debug(machine.clone(), json!({"v": 21}));
    req.state_name = Some("A".into());
    let r = engine().test_state(&req).unwrap();
    assert_eq!(r.output.as_deref(), Some("42"));
    assert_eq!(r.next_state.as_deref(), Some("B"));
    req.state_name = Some("Z".into());
    assert_eq!(error_name(engine().test_state(&req)), names::VALIDATION);
    req.state_name = None;
    assert_eq!(
        error_name(engine().test_state(&req)),
        names::INVALID_DEFINITION
    );
}

#[test]
fn info_leaves_inspection_data_out_and_trace_shows_an_http_exchange() {
    let pass = json!({"Type": "Pass", "End": true});
    let mut req = debug(pass, json!({"a": 1}));
    req.inspection_level = InspectionLevel::Info;
    let r = engine().test_state(&req).unwrap();
    assert_eq!(r.inspection_data, None);
    assert_eq!(r.output.as_deref(), Some(r#"{"a":1}"#));

    let http = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::http:invoke",
        "Parameters": {
            "ApiEndpoint": "https://example.com/items",
            "Method": "POST",
            "Headers": {"Authorization": "Bearer s3cret", "Accept": "application/json"},
            "QueryParameters": {"page": "2"},
            "RequestBody": {"name": "x"}
        },
        "End": true
    });
    let answer = json!({"StatusCode": 201, "StatusText": "Created", "Headers": {"Etag": "abc"}, "ResponseBody": {"id": 9}});
    let mut req = mocked(debug(http, json!({})), answer);
    req.inspection_level = InspectionLevel::Trace;
    let d = engine().test_state(&req).unwrap().inspection_data.unwrap();
    let request = d.request.unwrap();
    assert_eq!(request.method, "POST");
    assert_eq!(request.url, "https://example.com/items?page=2");
    assert!(request.headers.contains("Authorization: Bearer s3cret"));
    assert!(request.headers.contains("Accept: application/json"));
    assert_eq!(request.body, r#"{"name":"x"}"#);
    let response = d.response.unwrap();
    assert_eq!(
        (
            response.status_code.as_str(),
            response.status_message.as_str()
        ),
        ("201", "Created")
    );
    assert_eq!(response.body, r#"{"id":9}"#);
}

#[test]
fn requests_aws_refuses_are_refused_with_its_exceptions() {
    let pass = json!({"Type": "Pass", "End": true});
    let task = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true});
    let e = engine();
    let mut bad_json = debug(pass.clone(), json!({}));
    bad_json.definition = "{\"Type\": ".into();
    assert_eq!(
        error_name(e.test_state(&bad_json)),
        names::INVALID_DEFINITION
    );
    let mut empty = debug(pass.clone(), json!({}));
    empty.definition = "  ".into();
    assert_eq!(error_name(e.test_state(&empty)), names::VALIDATION);
    let no_end = json!({"Type": "Pass"});
    assert_eq!(
        error_name(e.test_state(&debug(no_end, json!({})))),
        names::INVALID_DEFINITION
    );
    let mut bad_input = debug(pass.clone(), json!({}));
    bad_input.input = Some("{oops".into());
    assert_eq!(
        error_name(e.test_state(&bad_input)),
        names::INVALID_EXECUTION_INPUT
    );
    assert_eq!(
        error_name(e.test_state(&debug(task.clone(), json!({})))),
        names::VALIDATION,
        "a Task needs a mock"
    );
    assert_eq!(
        error_name(e.test_state(&mocked(debug(pass.clone(), json!({})), json!(1)))),
        names::VALIDATION
    );
    let mut both = mocked(debug(task.clone(), json!({})), json!(1));
    both.mock.as_mut().unwrap().error_output = Some(MockErrorOutput::default());
    assert_eq!(error_name(e.test_state(&both)), names::VALIDATION);
    let mut bad_result = debug(task, json!({}));
    bad_result.mock = Some(MockInput {
        result: Some("not json".into()),
        ..MockInput::default()
    });
    assert_eq!(error_name(e.test_state(&bad_result)), names::VALIDATION);
    let map = json!({"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true});
    assert_eq!(
        error_name(e.test_state(&debug(map, json!([])))),
        names::INVALID_DEFINITION,
        "AWS tests a Map only with a mock"
    );
    let mut role = debug(pass.clone(), json!({}));
    role.role_arn = Some("not-an-arn".into());
    assert_eq!(error_name(e.test_state(&role)), names::INVALID_ARN);
    role.role_arn = Some("arn:aws:iam::123456789012:role/Tester".into());
    assert!(e.test_state(&role).is_ok());
    let mut vars = debug(pass, json!({}));
    vars.variables = Some("[1]".into());
    assert_eq!(error_name(e.test_state(&vars)), names::VALIDATION);
    assert_eq!(
        InspectionLevel::parse("LOUD").unwrap_err().name,
        names::VALIDATION
    );
    assert!(
        e.executions().is_empty(),
        "testing a state leaves the engine as it was"
    );
}

#[test]
fn the_engine_records_the_same_stages_in_an_execution() {
    let state = json!({
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "InputPath": "$.in",
        "Parameters": {"v.$": "$.v"},
        "ResultSelector": {"r.$": "$.r"},
        "ResultPath": "$.out",
        "End": true
    });
    let machine = json!({"StartAt": "T", "States": {"T": state.clone()}});
    let mut e = Engine::new(EngineConfig {
        record_pipelines: true,
        ..EngineConfig::default()
    });
    let arn = e
        .create_state_machine("M", &machine.to_json_text())
        .unwrap();
    e.set_state_mocks("M", &json!({"T": [{"Return": {"r": 5, "noise": 1}}]}))
        .unwrap();
    let id = e
        .start_execution(&arn, None, Some(r#"{"in": {"v": 1}}"#))
        .unwrap();
    e.run_until_idle(100);
    let run = e.execution(id);
    assert_eq!(run.status.as_str(), "SUCCEEDED");
    let entered = run
        .history
        .iter()
        .find(|h| h.event_type.is_state_entered())
        .unwrap()
        .id;
    let p = run.pipeline(entered).expect("a record for the run");
    assert_eq!(run.pipelines().len(), 1);
    assert_eq!(p.after_input_path, Some(json!({"v": 1})));
    assert_eq!(p.after_parameters, Some(json!({"v": 1})));
    assert_eq!(p.result, Some(json!({"r": 5, "noise": 1})));
    assert_eq!(p.after_result_selector, Some(json!({"r": 5})));
    assert_eq!(p.output.as_ref(), run.output.as_ref());
    let names: Vec<&str> = p.stages().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "input",
            "afterInputPath",
            "afterParameters",
            "result",
            "afterResultSelector",
            "afterResultPath",
            "output"
        ]
    );

    // TestState on the same state and input gives the same stages.
    let req = mocked(
        debug(state, json!({"in": {"v": 1}})),
        json!({"r": 5, "noise": 1}),
    );
    let tested = e.test_state(&req).unwrap();
    assert_eq!(&tested.pipeline.output, &p.output);
    assert_eq!(tested.pipeline.after_result_path, p.after_result_path);

    // An engine that keeps no records (the default) runs the same and records nothing.
    let mut plain = engine();
    let arn = plain
        .create_state_machine("M", &machine.to_json_text())
        .unwrap();
    plain
        .set_state_mocks("M", &json!({"T": [{"Return": {"r": 5, "noise": 1}}]}))
        .unwrap();
    let id2 = plain
        .start_execution(&arn, None, Some(r#"{"in": {"v": 1}}"#))
        .unwrap();
    plain.run_until_idle(100);
    assert!(plain.execution(id2).pipelines().is_empty());
    assert_eq!(plain.execution(id2).history, e.execution(id).history);
}

#[test]
fn the_json_answer_is_the_typed_one_in_aws_spelling() {
    let def = json!({
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Retry": [{"ErrorEquals": ["E"], "IntervalSeconds": 4}],
        "Next": "N"
    });
    let req = failing(debug(def, json!({"a": 1})), "E", "why");
    let e = engine();
    let typed = e.test_state(&req).unwrap();
    let j = e.test_state_run(&req).unwrap().aws_json(&req);
    assert_eq!(j["status"], "RETRIABLE");
    assert_eq!(
        (j["error"].as_str(), j["cause"].as_str()),
        (typed.error.as_deref(), typed.cause.as_deref())
    );
    let d = typed.inspection_data.unwrap();
    assert_eq!(j["inspectionData"]["input"].as_str(), d.input.as_deref());
    assert_eq!(
        j["inspectionData"]["afterParameters"].as_str(),
        d.after_parameters.as_deref()
    );
    assert_eq!(
        j["inspectionData"]["errorDetails"],
        serde_json::json!({"retryIndex": 0, "retryBackoffIntervalSeconds": 4})
    );
    assert!(
        j.get("output").is_none() && j.get("nextState").is_none(),
        "{j}"
    );
}
