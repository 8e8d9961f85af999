//! Versions and aliases through the JS API: AWS's method names, shapes and error names.

use super::*;
use serde_json::json;
use stepwise_wasm::Stepwise;
use wasm_bindgen_test::wasm_bindgen_test;

fn pass(result: &str) -> String {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": result, "End": true}}})
        .to_string()
}

/// A child with two versions ("one", then "two") and a parent calling `child_arn` with `.sync:2`.
fn child_with_two_versions(sw: &mut Stepwise) -> (String, String, String) {
    let created = ok(sw.create_state_machine(js(json!({
        "name": "Child", "definition": pass("one"), "publish": true, "versionDescription": "first"
    }))));
    let m = created["stateMachineArn"].as_str().unwrap().to_owned();
    let v1 = created["stateMachineVersionArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let updated = ok(sw.update_state_machine(js(json!({
        "stateMachineArn": m, "definition": pass("two"), "publish": true
    }))));
    assert_eq!(updated["revisionId"].as_str().map(str::len), Some(36));
    let v2 = updated["stateMachineVersionArn"]
        .as_str()
        .unwrap()
        .to_owned();
    (m, v1, v2)
}

#[wasm_bindgen_test]
fn versions_are_published_listed_described_run_and_deleted() {
    let mut sw = engine();
    let (m, v1, v2) = child_with_two_versions(&mut sw);
    assert_eq!(v1, format!("{m}:1"));
    assert_eq!(v2, format!("{m}:2"));
    // The same revision published again answers the same version.
    let again = ok(sw.publish_state_machine_version(js(json!({"stateMachineArn": m}))));
    assert_eq!(again["stateMachineVersionArn"], json!(v2));
    assert_eq!(again["creationDate"], json!("2025-01-01T00:00:00.000Z"));
    let listed = ok(sw.list_state_machine_versions(js(json!({"stateMachineArn": m}))));
    assert_eq!(
        listed,
        json!({"stateMachineVersions": [
            {"stateMachineVersionArn": v2, "creationDate": "2025-01-01T00:00:00.000Z"},
            {"stateMachineVersionArn": v1, "creationDate": "2025-01-01T00:00:00.000Z"}]})
    );
    let d = ok(sw.describe_state_machine(js(json!({"stateMachineArn": v1}))));
    assert_eq!(d["stateMachineArn"], json!(v1));
    assert_eq!(d["description"], json!("first"));
    assert_eq!(d["definition"], json!(pass("one")));

    let run = start(&mut sw, &v1, json!({}));
    sw.run_until_idle(None).unwrap();
    assert_eq!(output(&sw, &run), json!("one"));
    let described = describe_execution(&sw, &run);
    assert_eq!(described["stateMachineArn"], json!(m));
    assert_eq!(described["stateMachineVersionArn"], json!(v1));
    assert!(described.get("stateMachineAliasArn").is_none());
    let for_exec = ok(sw.describe_state_machine_for_execution(js(json!({"executionArn": run}))));
    assert_eq!(for_exec["definition"], json!(pass("one")));
    assert_eq!(for_exec["name"], json!("Child"));

    ok(sw.delete_state_machine_version(js(json!({"stateMachineVersionArn": v1}))));
    assert_eq!(
        err_name(sw.start_execution(js(json!({"stateMachineArn": v1})))),
        "StateMachineDoesNotExist"
    );
}

#[wasm_bindgen_test]
fn version_errors_carry_aws_names() {
    let mut sw = engine();
    let (m, _, _) = child_with_two_versions(&mut sw);
    assert_eq!(
        err_name(sw.publish_state_machine_version(js(
            json!({"stateMachineArn": m, "revisionId": "INITIAL"})
        ))),
        "ConflictException"
    );
    assert_eq!(
        err_name(sw.create_state_machine(js(
            json!({"name": "X", "definition": pass("x"), "versionDescription": "no publish"})
        ))),
        "ValidationException"
    );
    assert_eq!(
        err_name(
            sw.publish_state_machine_version(js(json!({"stateMachineArn": format!("{m}-gone")})))
        ),
        "StateMachineDoesNotExist"
    );
    assert_eq!(
        err_name(sw.list_state_machine_versions(js(json!({"stateMachineArn": "nonsense"})))),
        "InvalidArn"
    );
    assert_eq!(
        err_name(sw.publish_state_machine_version(js(json!({})))),
        "ValidationException"
    );
}

#[wasm_bindgen_test]
fn a_parent_runs_its_child_through_an_alias() {
    let mut sw = engine();
    let (m, v1, v2) = child_with_two_versions(&mut sw);
    let alias = format!("{m}:live");
    let created = ok(sw.create_state_machine_alias(js(json!({
        "name": "live", "description": "production",
        "routingConfiguration": [{"stateMachineVersionArn": v1, "weight": 100}]
    }))));
    assert_eq!(
        created,
        json!({"stateMachineAliasArn": alias, "creationDate": "2025-01-01T00:00:00.000Z"})
    );
    let parent = machine(
        &mut sw,
        "Parent",
        json!({"StartAt": "Call", "States": {"Call": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": alias, "Input": {}}, "End": true}}}),
    );
    let run = start(&mut sw, &parent, json!({}));
    sw.run_until_idle(None).unwrap();
    let out = output(&sw, &run);
    assert_eq!(out["Output"], json!("one"));
    assert_eq!(out["StateMachineAliasArn"], json!(alias));
    assert_eq!(out["StateMachineVersionArn"], json!(v1));

    let children =
        ok(sw.list_executions(Some(js(json!({"stateMachineArn": alias})).unchecked_into())));
    let child = &children["executions"][0];
    assert_eq!(child["stateMachineAliasArn"], json!(alias));
    assert_eq!(child["stateMachineVersionArn"], json!(v1));
    let history = ok(sw.get_execution_history(js(json!({"executionArn": child["executionArn"]}))));
    assert_eq!(
        history["events"][0]["executionStartedEventDetails"]["stateMachineAliasArn"],
        json!(alias)
    );

    // Point the alias at version 2: the next run takes it.
    ok(sw.update_state_machine_alias(js(json!({
        "stateMachineAliasArn": alias,
        "routingConfiguration": [{"stateMachineVersionArn": v2, "weight": 100}]
    }))));
    let run = start(&mut sw, &parent, json!({}));
    sw.run_until_idle(None).unwrap();
    assert_eq!(output(&sw, &run)["Output"], json!("two"));

    let d = ok(sw.describe_state_machine_alias(js(json!({"stateMachineAliasArn": alias}))));
    assert_eq!(d["name"], json!("live"));
    assert_eq!(d["description"], json!("production"));
    assert_eq!(
        d["routingConfiguration"],
        json!([{"stateMachineVersionArn": v2, "weight": 100}])
    );
    let listed = ok(sw.list_state_machine_aliases(js(json!({"stateMachineArn": m}))));
    assert_eq!(
        listed["stateMachineAliases"][0]["stateMachineAliasArn"],
        json!(alias)
    );
    let by_version = ok(sw.list_state_machine_aliases(js(json!({"stateMachineArn": v1}))));
    assert_eq!(by_version["stateMachineAliases"], json!([]));

    assert_eq!(
        err_name(sw.delete_state_machine_version(js(json!({"stateMachineVersionArn": v2})))),
        "ConflictException"
    );
    ok(sw.delete_state_machine_alias(js(json!({"stateMachineAliasArn": alias}))));
    ok(sw.delete_state_machine_version(js(json!({"stateMachineVersionArn": v2}))));
}

#[wasm_bindgen_test]
fn alias_errors_carry_aws_names() {
    let mut sw = engine();
    let (m, v1, v2) = child_with_two_versions(&mut sw);
    let cases = [
        (
            json!({"name": "a", "routingConfiguration": [{"stateMachineVersionArn": v1, "weight": 60},
                                                       {"stateMachineVersionArn": v2, "weight": 60}]}),
            "ValidationException",
        ),
        (
            json!({"name": "123", "routingConfiguration": [{"stateMachineVersionArn": v1, "weight": 100}]}),
            "ValidationException",
        ),
        (
            json!({"name": "a", "routingConfiguration": [{"stateMachineVersionArn": format!("{m}:7"), "weight": 100}]}),
            "ResourceNotFound",
        ),
        (
            json!({"name": "a", "routingConfiguration": []}),
            "ValidationException",
        ),
        (
            json!({"name": "a", "routingConfiguration": [{"stateMachineVersionArn": "x", "weight": 100}]}),
            "InvalidArn",
        ),
        (
            json!({"name": "a", "routingConfiguration": [{"stateMachineVersionArn": v1, "weight": 100.5}]}),
            "ValidationException",
        ),
    ];
    for (request, name) in cases {
        assert_eq!(
            err_name(sw.create_state_machine_alias(js(request.clone()))),
            name,
            "{request}"
        );
    }
    assert_eq!(
        err_name(sw.describe_state_machine_alias(js(
            json!({"stateMachineAliasArn": format!("{m}:none")})
        ))),
        "ResourceNotFound"
    );
    assert_eq!(
        err_name(sw.update_state_machine_alias(js(
            json!({"stateMachineAliasArn": format!("{m}:none"), "description": "d"})
        ))),
        "ResourceNotFound"
    );
    assert_eq!(
        err_name(
            sw.delete_state_machine_alias(js(json!({"stateMachineAliasArn": format!("{m}:none")})))
        ),
        "ResourceNotFound"
    );
    assert_eq!(
        err_name(sw.describe_state_machine_for_execution(js(
            json!({"executionArn": format!("{m}:none")})
        ))),
        "InvalidArn"
    );
}

#[wasm_bindgen_test]
fn a_split_alias_routes_reproducibly() {
    let routed = || {
        let mut sw = engine();
        let (m, v1, v2) = child_with_two_versions(&mut sw);
        ok(sw.create_state_machine_alias(js(json!({
            "name": "canary",
            "routingConfiguration": [{"stateMachineVersionArn": v1, "weight": 50},
                                     {"stateMachineVersionArn": v2, "weight": 50}]
        }))));
        (0..40)
            .map(|_| {
                let run = start(&mut sw, &format!("{m}:canary"), json!({}));
                describe_execution(&sw, &run)["stateMachineVersionArn"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect::<Vec<_>>()
    };
    let first = routed();
    assert_eq!(first, routed());
    assert!(first.iter().any(|v| v.ends_with(":1")) && first.iter().any(|v| v.ends_with(":2")));
}
