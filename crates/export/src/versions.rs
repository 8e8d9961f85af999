//! Versions and aliases in the template: a workspace machine that other machines call through an
//! alias (`…:stateMachine:Child:live`) gets an `AWS::StepFunctions::StateMachineVersion` of its
//! current revision and one `AWS::StepFunctions::StateMachineAlias` per alias name, routing all
//! executions to that version.
//!
//! The version names the machine's `StateMachineRevisionId`, so a stack update that changes the
//! definition publishes a new version (the old one is kept, `UpdateReplacePolicy: Retain`, as
//! SAM's `AutoPublishAlias` does) and the aliases move to it. The callers' roles are scoped to
//! these qualifiers by `policy` (`states:StateMachineQualifier`).

use serde_json::{json, Map, Value};

use crate::arn;

/// Adds the version of `machine_id` and its aliases to `resources`.
pub(crate) fn emit(
    machine_id: &str,
    stem: &str,
    aliases: &[String],
    resources: &mut Map<String, Value>,
) {
    let version_id = format!("{stem}Version");
    resources.insert(
        version_id.clone(),
        json!({
            "Type": "AWS::StepFunctions::StateMachineVersion",
            "UpdateReplacePolicy": "Retain",
            // Paired with UpdateReplacePolicy as cfn-lint asks (W3011); deleting the stack still
            // removes the version, since DeleteStateMachine deletes a machine's versions.
            "DeletionPolicy": "Retain",
            "Properties": {
                "StateMachineArn": {"Ref": machine_id},
                "StateMachineRevisionId": {"Fn::GetAtt": [machine_id, "StateMachineRevisionId"]},
                "Description": "Published by stepwise-export for the aliases its callers use"
            }
        }),
    );
    let names: Vec<&str> = aliases.iter().map(String::as_str).collect();
    for (name, alias_stem) in aliases.iter().zip(arn::unique_stems(&names)) {
        resources.insert(
            format!("{stem}{alias_stem}Alias"),
            json!({
                "Type": "AWS::StepFunctions::StateMachineAlias",
                "Properties": {
                    "Name": name,
                    "RoutingConfiguration": [
                        {"StateMachineVersionArn": {"Ref": version_id}, "Weight": 100}
                    ]
                }
            }),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::workspace::{Machine, Workspace};
    use crate::{export, Format, Options};
    use serde_json::json;

    fn workspace() -> Workspace {
        let child = "arn:aws:states:us-east-1:123456789012:stateMachine:Child";
        let call = |arn: String, next: serde_json::Value| {
            let mut t = json!({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                               "Parameters": {"StateMachineArn": arn}});
            match next {
                serde_json::Value::String(n) => t["Next"] = json!(n),
                _ => t["End"] = json!(true),
            }
            t
        };
        Workspace::new(vec![
            Machine::new(
                "Parent",
                json!({"StartAt": "A", "States": {
                    "A": call(format!("{child}:live"), json!("B")),
                    "B": call(format!("{child}:canary-1"), json!("C")),
                    "C": call(format!("{child}:4"), json!(null))}}),
            ),
            Machine::new(
                "Child",
                json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
            ),
        ])
    }

    #[test]
    fn called_aliases_become_a_version_and_aliases_and_scope_the_caller() {
        for format in [Format::CloudFormation, Format::Sam] {
            let t = export(
                &workspace(),
                &Options {
                    format,
                    ..Options::default()
                },
            )
            .unwrap();
            let r = &t["Resources"];
            assert_eq!(
                r["ChildVersion"]["Type"],
                "AWS::StepFunctions::StateMachineVersion"
            );
            assert_eq!(
                r["ChildVersion"]["Properties"]["StateMachineRevisionId"],
                json!({"Fn::GetAtt": ["ChildStateMachine", "StateMachineRevisionId"]})
            );
            for (id, name) in [
                ("ChildLiveAlias", "live"),
                ("ChildCanary1Alias", "canary-1"),
            ] {
                assert_eq!(
                    r[id]["Type"], "AWS::StepFunctions::StateMachineAlias",
                    "{id}"
                );
                assert_eq!(r[id]["Properties"]["Name"], name);
                assert_eq!(
                    r[id]["Properties"]["RoutingConfiguration"],
                    json!([{"StateMachineVersionArn": {"Ref": "ChildVersion"}, "Weight": 100}])
                );
            }
            // The parent's definition keeps the qualifiers on the substituted ARN.
            let text = t.to_string();
            assert!(text.contains("${ChildArn}:live"), "{format:?}");
            // Its role: the child's ARN, limited to the qualifiers it calls.
            assert!(
                text.contains(r#""states:StateMachineQualifier":["live","canary-1","4"]"#),
                "{format:?}: {text}"
            );
            // A version number is noted for review: CloudFormation assigns the numbers.
            let todo = t["Metadata"]["Stepwise"]["Todo"].to_string();
            assert!(todo.contains("calls version 4 of Child"), "{todo}");
        }
    }
}
