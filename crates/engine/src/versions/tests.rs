use super::*;
use crate::{EngineConfig, Idle};

const PASS_A: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}}"#;
const PASS_B: &str = r#"{"StartAt":"B","States":{"B":{"Type":"Pass","Result":"b","End":true}}}"#;

fn engine() -> Engine {
    Engine::new(EngineConfig::default())
}

fn output_of(e: &mut Engine, arn: &str) -> (Value, Value) {
    let id = e.start_execution(arn, None, Some("{}")).unwrap();
    assert_eq!(e.run_until_idle(100), Idle::Finished);
    let arn = e.execution(id).arn.clone();
    (
        e.execution(id).output.clone().unwrap(),
        e.describe_execution(&arn).unwrap(),
    )
}

#[test]
fn versions_are_numbered_snapshots_that_run_their_own_definition() {
    let mut e = engine();
    let m = e.create_state_machine("Child", PASS_A).unwrap();
    let (v1, _) = e
        .publish_state_machine_version(&m, None, Some("first"))
        .unwrap();
    assert_eq!(v1, format!("{m}:1"));
    // Publishing the same revision again answers the same version.
    assert_eq!(
        e.publish_state_machine_version(&m, None, None).unwrap().0,
        v1
    );
    e.update_state_machine(&m, PASS_B).unwrap();
    let (v2, _) = e.publish_state_machine_version(&m, None, None).unwrap();
    assert_eq!(v2, format!("{m}:2"));

    let (out, d) = output_of(&mut e, &v1);
    assert_eq!(out, json!("a"));
    assert_eq!(d["stateMachineArn"], json!(m));
    assert_eq!(d["stateMachineVersionArn"], json!(v1));
    assert!(d.get("stateMachineAliasArn").is_none());
    // The unqualified ARN runs the latest revision and records no version.
    let (out, d) = output_of(&mut e, &m);
    assert_eq!(out, json!("b"));
    assert!(d.get("stateMachineVersionArn").is_none());

    let described = e.describe_state_machine(&v1).unwrap();
    assert_eq!(described["stateMachineArn"], json!(v1));
    assert_eq!(described["description"], json!("first"));
    assert_eq!(described["definition"], json!(PASS_A));
    assert!(
        described.get("revisionId").is_none(),
        "v1 is the initial revision"
    );
    let rev = e.describe_state_machine(&m).unwrap()["revisionId"].clone();
    assert_eq!(e.describe_state_machine(&v2).unwrap()["revisionId"], rev);

    let listed = e.list_state_machine_versions(&m).unwrap();
    let arns: Vec<&Value> = listed["stateMachineVersions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["stateMachineVersionArn"])
        .collect();
    assert_eq!(arns, [&json!(v2), &json!(v1)]);
}

#[test]
fn version_numbers_are_never_reused() {
    let mut e = engine();
    let m = e.create_state_machine("M", PASS_A).unwrap();
    let (v1, _) = e.publish_state_machine_version(&m, None, None).unwrap();
    e.delete_state_machine_version(&v1).unwrap();
    // Deleting again is not an error; the deleted version cannot be started.
    e.delete_state_machine_version(&v1).unwrap();
    assert_eq!(
        e.start_execution(&v1, None, None).unwrap_err().name,
        names::STATE_MACHINE_DOES_NOT_EXIST
    );
    let (v2, _) = e.publish_state_machine_version(&m, None, None).unwrap();
    assert_eq!(v2, format!("{m}:2"));
}

#[test]
fn revision_ids_guard_publishing() {
    let mut e = engine();
    let m = e.create_state_machine("M", PASS_A).unwrap();
    assert_eq!(
        e.publish_state_machine_version(&m, Some("not-it"), None)
            .unwrap_err()
            .name,
        names::CONFLICT
    );
    e.publish_state_machine_version(&m, Some(INITIAL_REVISION), None)
        .unwrap();
    let updated = e
        .update_state_machine_publishing(&m, PASS_B, false, None)
        .unwrap();
    let rev = updated.revision_id.clone().unwrap();
    assert_eq!(rev.len(), 36);
    assert_eq!(updated.version_arn, None);
    assert_eq!(
        e.publish_state_machine_version(&m, Some(INITIAL_REVISION), None)
            .unwrap_err()
            .name,
        names::CONFLICT
    );
    let (v2, _) = e
        .publish_state_machine_version(&m, Some(&rev), None)
        .unwrap();
    assert!(v2.ends_with(":2"));
    // An update to the same definition is no new revision.
    let same = e
        .update_state_machine_publishing(&m, PASS_B, true, Some("again"))
        .unwrap();
    assert_eq!(same.revision_id, Some(rev));
    assert_eq!(same.version_arn, Some(v2));
}

#[test]
fn publish_on_create_and_its_validation() {
    let mut e = engine();
    assert_eq!(
        e.create_state_machine_publishing("M", PASS_A, MachineType::Standard, false, Some("d"))
            .unwrap_err()
            .name,
        names::VALIDATION
    );
    assert!(e.machines().next().is_none(), "nothing is created");
    let (m, v) = e
        .create_state_machine_publishing("M", PASS_A, MachineType::Standard, true, Some("d"))
        .unwrap();
    assert_eq!(v, Some(format!("{m}:1")));
    let long = "x".repeat(257);
    assert_eq!(
        e.publish_state_machine_version(&m, None, Some(&long))
            .unwrap_err()
            .name,
        names::VALIDATION
    );
}

#[test]
fn the_version_quota_is_enforced() {
    let mut e = engine();
    let m = e.create_state_machine("M", PASS_A).unwrap();
    for i in 0..MAX_VERSIONS_PER_MACHINE {
        let def = format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass","Result":{i},"End":true}}}}}}"#
        );
        e.update_state_machine(&m, &def).unwrap();
        e.publish_state_machine_version(&m, None, None).unwrap();
    }
    e.update_state_machine(&m, PASS_B).unwrap();
    assert_eq!(
        e.publish_state_machine_version(&m, None, None)
            .unwrap_err()
            .name,
        names::SERVICE_QUOTA_EXCEEDED
    );
}

fn two_versions(e: &mut Engine) -> (String, String, String) {
    let m = e.create_state_machine("Child", PASS_A).unwrap();
    let (v1, _) = e.publish_state_machine_version(&m, None, None).unwrap();
    e.update_state_machine(&m, PASS_B).unwrap();
    let (v2, _) = e.publish_state_machine_version(&m, None, None).unwrap();
    (m, v1, v2)
}

fn route(v: &str, weight: i64) -> Route {
    Route {
        version_arn: v.to_owned(),
        weight,
    }
}

#[test]
fn an_alias_runs_its_version_and_is_recorded() {
    let mut e = engine();
    let (m, v1, v2) = two_versions(&mut e);
    let created = e
        .create_state_machine_alias("live", Some("prod"), &[route(&v1, 100)])
        .unwrap();
    let alias = format!("{m}:live");
    assert_eq!(created["stateMachineAliasArn"], json!(alias));
    // Idempotent with the same configuration, a conflict with another.
    e.create_state_machine_alias("live", Some("prod"), &[route(&v1, 100)])
        .unwrap();
    assert_eq!(
        e.create_state_machine_alias("live", None, &[route(&v2, 100)])
            .unwrap_err()
            .name,
        names::CONFLICT
    );

    let (out, d) = output_of(&mut e, &alias);
    assert_eq!(out, json!("a"));
    assert_eq!(d["stateMachineAliasArn"], json!(alias));
    assert_eq!(d["stateMachineVersionArn"], json!(v1));
    let id = e.executions().last().unwrap().id;
    let started = e.execution(id).history[0].to_aws_json(true);
    assert_eq!(
        started["executionStartedEventDetails"]["stateMachineAliasArn"],
        json!(alias)
    );
    assert_eq!(
        started["executionStartedEventDetails"]["stateMachineVersionArn"],
        json!(v1)
    );

    e.update_state_machine_alias(&alias, None, Some(&[route(&v2, 100)]))
        .unwrap();
    assert_eq!(output_of(&mut e, &alias).0, json!("b"));
    let described = e.describe_state_machine_alias(&alias).unwrap();
    assert_eq!(described["name"], json!("live"));
    assert_eq!(described["description"], json!("prod"));
    assert_eq!(
        described["routingConfiguration"],
        json!([{"stateMachineVersionArn": v2, "weight": 100}])
    );

    // ListExecutions by alias and by version.
    let by_alias = e.list_executions(Some(&alias), None).unwrap();
    assert_eq!(by_alias["executions"].as_array().unwrap().len(), 2);
    let by_v1 = e.list_executions(Some(&v1), None).unwrap();
    assert_eq!(by_v1["executions"].as_array().unwrap().len(), 1);
    assert_eq!(by_v1["executions"][0]["stateMachineAliasArn"], json!(alias));

    // A version an alias routes to cannot be deleted.
    assert_eq!(
        e.delete_state_machine_version(&v2).unwrap_err().name,
        names::CONFLICT
    );
    e.delete_state_machine_version(&v1).unwrap();
    let listed = e.list_state_machine_aliases(&v2).unwrap();
    assert_eq!(
        listed["stateMachineAliases"][0]["stateMachineAliasArn"],
        json!(alias)
    );
    e.delete_state_machine_alias(&alias).unwrap();
    assert_eq!(
        e.delete_state_machine_alias(&alias).unwrap_err().name,
        names::RESOURCE_NOT_FOUND
    );
    assert_eq!(
        e.start_execution(&alias, None, None).unwrap_err().name,
        names::STATE_MACHINE_DOES_NOT_EXIST
    );
    e.delete_state_machine_version(&v2).unwrap();
}

#[test]
fn routing_is_validated_as_aws_does() {
    let mut e = engine();
    let (m, v1, v2) = two_versions(&mut e);
    let other = e.create_state_machine("Other", PASS_A).unwrap();
    let (o1, _) = e.publish_state_machine_version(&other, None, None).unwrap();
    let bad: Vec<(Vec<Route>, &str)> = vec![
        (vec![], names::VALIDATION),
        (vec![route(&v1, 50)], names::VALIDATION),
        (vec![route(&v1, 60), route(&v2, 60)], names::VALIDATION),
        (vec![route(&v1, 101), route(&v2, -1)], names::VALIDATION),
        (vec![route(&v1, 50), route(&v1, 50)], names::VALIDATION),
        (vec![route(&v1, 50), route(&o1, 50)], names::VALIDATION),
        (
            vec![route(&v1, 50), route(&v2, 25), route(&v2, 25)],
            names::VALIDATION,
        ),
        (
            vec![route(&format!("{m}:9"), 100)],
            names::RESOURCE_NOT_FOUND,
        ),
        (vec![route(&format!("{m}:live"), 100)], names::VALIDATION),
        (vec![route("nonsense", 100)], names::INVALID_ARN),
    ];
    for (routing, name) in bad {
        assert_eq!(
            e.create_state_machine_alias("a", None, &routing)
                .unwrap_err()
                .name,
            name,
            "{routing:?}"
        );
    }
    for bad_name in ["", "123", "has space", "a:b", &"x".repeat(81)] {
        assert_eq!(
            e.create_state_machine_alias(bad_name, None, &[route(&v1, 100)])
                .unwrap_err()
                .name,
            names::VALIDATION,
            "{bad_name:?}"
        );
    }
    e.create_state_machine_alias("v-1.2_x", None, &[route(&v1, 0), route(&v2, 100)])
        .unwrap();
    let alias = format!("{m}:v-1.2_x");
    assert_eq!(
        e.update_state_machine_alias(&alias, None, None)
            .unwrap_err()
            .name,
        names::VALIDATION
    );
    assert_eq!(
        e.update_state_machine_alias(&alias, None, Some(&[route(&o1, 100)]))
            .unwrap_err()
            .name,
        names::VALIDATION
    );
    assert_eq!(
        e.describe_state_machine_alias(&format!("{m}:nope"))
            .unwrap_err()
            .name,
        names::RESOURCE_NOT_FOUND
    );
    assert_eq!(
        e.describe_state_machine_alias("arn:aws:lambda:us-east-1:1:function:f")
            .unwrap_err()
            .name,
        names::INVALID_ARN
    );
}

#[test]
fn a_split_alias_routes_by_weight_reproducibly() {
    let runs = |seed: u64| -> Vec<String> {
        let mut e = Engine::new(EngineConfig {
            seed,
            ..EngineConfig::default()
        });
        let (m, v1, v2) = two_versions(&mut e);
        e.create_state_machine_alias("canary", None, &[route(&v1, 80), route(&v2, 20)])
            .unwrap();
        (0..200)
            .map(|_| {
                let id = e
                    .start_execution(&format!("{m}:canary"), None, None)
                    .unwrap();
                e.execution(id).origin.version_arn.clone().unwrap()
            })
            .collect()
    };
    let a = runs(7);
    assert_eq!(a, runs(7), "the same seed routes the same way");
    let to_v2 = a.iter().filter(|v| v.ends_with(":2")).count();
    assert!(
        (20..=70).contains(&to_v2),
        "about 20% of 200 went to v2: {to_v2}"
    );
}

#[test]
fn deleting_the_machine_deletes_its_versions_and_aliases() {
    let mut e = engine();
    let (m, v1, _) = two_versions(&mut e);
    e.create_state_machine_alias("live", None, &[route(&v1, 100)])
        .unwrap();
    e.delete_state_machine(&m).unwrap();
    assert!(e.state_machine_versions(&m).is_empty());
    assert!(e.state_machine_alias(&format!("{m}:live")).is_none());
    let m = e.create_state_machine("Child", PASS_A).unwrap();
    assert_eq!(
        e.publish_state_machine_version(&m, None, None).unwrap().0,
        format!("{m}:1")
    );
}

#[test]
fn a_parent_calls_a_child_through_its_alias() {
    let mut e = engine();
    let (m, v1, _) = two_versions(&mut e);
    e.create_state_machine_alias("live", None, &[route(&v1, 100)])
        .unwrap();
    let parent = format!(
        r#"{{"StartAt":"Call","States":{{"Call":{{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{{"StateMachineArn":"{m}:live","Input":{{}}}},"End":true}}}}}}"#
    );
    let p = e.create_state_machine("Parent", &parent).unwrap();
    let (out, _) = output_of(&mut e, &p);
    assert_eq!(out["Output"], json!("a"));
    assert_eq!(out["StateMachineAliasArn"], json!(format!("{m}:live")));
    assert_eq!(out["StateMachineVersionArn"], json!(v1));
    assert_eq!(out["StateMachineArn"], json!(m));
    let child = e.executions().iter().find(|x| x.machine_arn == m).unwrap();
    let d = e.describe_state_machine_for_execution(&child.arn).unwrap();
    assert_eq!(d["definition"], json!(PASS_A));
    assert_eq!(d["stateMachineArn"], json!(m));
    assert!(d.get("revisionId").is_none());

    // An alias that does not exist fails the task as AWS's SDK error.
    let missing = parent.replace(":live", ":gone");
    let p2 = e.create_state_machine("Parent2", &missing).unwrap();
    let id = e.start_execution(&p2, None, None).unwrap();
    e.run_until_idle(100);
    assert_eq!(
        e.execution(id).error.as_deref(),
        Some("StepFunctions.StateMachineDoesNotExistException")
    );
}
