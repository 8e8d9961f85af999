//! Templates generated for the sample workspaces in `tests/fixtures/`: the four nested-workflow
//! snippets of the AWS guide ("Manage AWS Step Functions Executions as an Integrated Service"),
//! a Map fan-out with `.sync:2`, a three-level chain, and a machine using several services.

mod common;

use serde_json::{json, Value};
use stepwise_export::{export, to_json, to_yaml, Format, Options, Template};

fn cfn(stem: &str) -> Template {
    export(&common::fixture(stem), &Options::default()).unwrap()
}

fn sam(stem: &str) -> Template {
    export(
        &common::fixture(stem),
        &Options {
            format: Format::Sam,
            ..Options::default()
        },
    )
    .unwrap()
}

fn statements(t: &Template, stem: &str) -> Value {
    t["Resources"][format!("{stem}Role")]["Properties"]["Policies"][0]["PolicyDocument"]
        ["Statement"]
        .clone()
}

fn sub(s: &str) -> Value {
    json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:{s}") })
}

fn start(child: &str) -> Value {
    json!({"Effect": "Allow", "Action": ["states:StartExecution"],
        "Resource": [sub(&format!("states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{child}"))]})
}

fn sync_extras(child: &str) -> (Value, Value) {
    (
        json!({"Effect": "Allow", "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            "Resource": [sub("events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule")]}),
        json!({"Effect": "Allow", "Action": ["states:DescribeExecution", "states:StopExecution"],
            "Resource": [sub(&format!("states:${{AWS::Region}}:${{AWS::AccountId}}:execution:{child}:*"))]}),
    )
}

fn sync_statements(child: &str) -> Value {
    let (events, describe) = sync_extras(child);
    json!([events, start(child), describe])
}

fn definition(t: &Template, stem: &str) -> Value {
    t["Resources"][format!("{stem}StateMachine")]["Properties"]["Definition"].clone()
}

fn substitutions(t: &Template, stem: &str) -> Value {
    t["Resources"][format!("{stem}StateMachine")]["Properties"]["DefinitionSubstitutions"].clone()
}

#[test]
fn the_four_nested_workflow_snippets() {
    let cases = [
        ("nested-sync", sync_statements("HelloWorld")),
        ("nested-fire-and-forget", json!([start("HelloWorld")])),
        ("nested-wait-for-task-token", json!([start("HelloWorld")])),
        ("nested-sync-started-by", sync_statements("HelloWorld")),
    ];
    for (stem, want) in cases {
        let t = cfn(stem);
        assert_eq!(statements(&t, "Parent"), want, "{stem}");
        // The child needs no permissions at all, so it gets a role without policies.
        assert_eq!(
            t["Resources"]["HelloWorldRole"]["Properties"].get("Policies"),
            None,
            "{stem}"
        );
        let task = &definition(&t, "Parent")["States"]["Start new workflow"];
        assert_eq!(
            task["Parameters"]["StateMachineArn"], "${HelloWorldArn}",
            "{stem}"
        );
        assert_eq!(
            substitutions(&t, "Parent"),
            json!({"HelloWorldArn": {"Ref": "HelloWorldStateMachine"}})
        );
        assert_eq!(t["Metadata"]["Stepwise"]["Todo"], json!([]), "{stem}");
        assert_eq!(
            t["Outputs"]["ParentArn"]["Value"],
            json!({"Ref": "ParentStateMachine"})
        );
    }
    // The context-object parameters survive untouched.
    let input = |stem| {
        definition(&cfn(stem), "Parent")["States"]["Start new workflow"]["Parameters"]["Input"]
            .clone()
    };
    assert_eq!(
        input("nested-wait-for-task-token")["token.$"],
        "$$.Task.Token"
    );
    assert_eq!(
        input("nested-sync-started-by")["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$"],
        "$$.Execution.Id"
    );
}

#[test]
fn map_fan_out_with_sync2() {
    let t = cfn("map-fanout-sync2");
    assert_eq!(statements(&t, "FanOut"), sync_statements("HelloWorld"));
    let inner =
        &definition(&t, "FanOut")["States"]["Fan out"]["ItemProcessor"]["States"]["Run child"];
    assert_eq!(inner["Parameters"]["StateMachineArn"], "${HelloWorldArn}");
    assert_eq!(
        inner["Resource"],
        "arn:aws:states:::states:startExecution.sync:2"
    );
}

#[test]
fn three_level_chain() {
    let t = cfn("three-level-chain");
    assert_eq!(statements(&t, "Top"), sync_statements("Middle"));
    assert_eq!(statements(&t, "Middle"), sync_statements("HelloWorld"));
    assert_eq!(
        substitutions(&t, "Top"),
        json!({"MiddleArn": {"Ref": "MiddleStateMachine"}})
    );
    assert_eq!(
        substitutions(&t, "Middle"),
        json!({"HelloWorldArn": {"Ref": "HelloWorldStateMachine"}})
    );
    // JSONata Arguments are rewritten the same way as JSONPath Parameters.
    assert_eq!(
        definition(&t, "Top")["States"]["Call Middle"]["Arguments"]["StateMachineArn"],
        "${MiddleArn}"
    );
}

#[test]
fn services_machine_with_todos() {
    let t = cfn("services");
    let stmts = statements(&t, "OrderProcessor");
    let actions: Vec<Value> = stmts
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Action"].clone())
        .collect();
    assert_eq!(
        actions,
        vec![
            json!(["dynamodb:GetItem"]),
            json!(["lambda:InvokeFunction"]),
            json!(["sqs:SendMessage"]),
            json!(["sns:Publish"]),
            json!(["s3:ListBucket"]),
            json!(["states:StartExecution"]),
            json!(["lambda:InvokeFunction"]),
        ]
    );
    assert_eq!(
        stmts[4]["Resource"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:s3:::my-bucket"}])
    );
    assert_eq!(
        stmts[5]["Resource"],
        json!(["arn:aws:states:us-east-1:123456789012:stateMachine:NotInWorkspace"])
    );
    // Only the Lambda chosen at run time is left to review.
    assert_eq!(stmts[6]["Sid"], "TodoReviewPermissions");
    assert_eq!(
        stmts
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s.get("Sid").is_some())
            .count(),
        1
    );
    let todo = t["Metadata"]["Stepwise"]["Todo"].as_array().unwrap();
    assert_eq!(todo.len(), 2, "{todo:?}");
    assert!(todo[0].as_str().unwrap().contains("NotInWorkspace"));
    assert!(todo[1].as_str().unwrap().contains("Pick handler"));
    assert!(t["Description"].as_str().unwrap().contains("TODO: 2 items"));
    assert_eq!(
        t["Resources"]["OrderProcessorStateMachine"]["Properties"]["StateMachineName"],
        "order-processor"
    );
}

#[test]
fn sam_templates_carry_the_same_permissions() {
    for (stem, ws) in common::fixtures() {
        let c = cfn(&stem);
        let s = sam(&stem);
        assert_eq!(s["Transform"], "AWS::Serverless-2016-10-31");
        for m in &ws.machines {
            let stem_id = stepwise_export::arn::logical_stem(&m.name);
            let id = format!("{stem_id}StateMachine");
            if s["Resources"][&id]["Type"] == "AWS::StepFunctions::StateMachine" {
                // Definitions that must travel as text keep the plain resources, role included.
                let role = format!("{stem_id}Role");
                assert_eq!(s["Resources"][&id], c["Resources"][&id], "{stem}");
                assert_eq!(s["Resources"][&role], c["Resources"][&role], "{stem}");
                continue;
            }
            let props = &s["Resources"][&id]["Properties"];
            assert_eq!(props["Name"], json!(m.name), "{stem}");
            assert_eq!(props["Definition"], definition(&c, &stem_id), "{stem}");
            let cfn_statements = statements(&c, &stem_id);
            let sam_statements = props["Policies"]
                .get(0)
                .map(|p| p["Statement"].clone())
                .unwrap_or(Value::Null);
            assert_eq!(sam_statements, cfn_statements, "{stem}/{}", m.name);
        }
    }
}

#[test]
fn intrinsic_lookalike_definition_is_text() {
    let t = cfn("intrinsic-lookalike");
    let props = &t["Resources"]["EchoStateMachine"]["Properties"];
    let text = props["DefinitionString"].as_str().unwrap();
    let def: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        def["States"]["Literal"]["Parameters"]["wrapped"],
        json!({"Fn::Sub": "${not-a-parameter}"})
    );
    assert_eq!(
        def["States"]["Echo"]["Result"]["Ref"],
        "not-a-stack-resource"
    );
}

#[test]
fn yaml_and_json_round_trip_for_every_fixture() {
    for (stem, ws) in common::fixtures() {
        for format in [Format::CloudFormation, Format::Sam] {
            let t = export(
                &ws,
                &Options {
                    format,
                    ..Options::default()
                },
            )
            .unwrap();
            let yaml = to_yaml(&t).unwrap();
            assert_eq!(serde_saphyr::from_str::<Value>(&yaml).unwrap(), t, "{stem}");
            assert_eq!(
                serde_json::from_str::<Value>(&to_json(&t)).unwrap(),
                t,
                "{stem}"
            );
        }
    }
}
