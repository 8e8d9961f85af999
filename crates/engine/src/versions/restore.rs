//! Putting versions back: not an AWS call. A host that keeps published versions outside the
//! engine (the playground saves them in its workspace, so that they outlive a reload, a reset
//! and a share link) restores each one under its own number into a fresh engine.

use super::{
    check_alias_name, check_description, Alias, Lineage, Revision, Route, Version,
    MAX_ALIASES_PER_MACHINE, MAX_VERSIONS_PER_MACHINE,
};
use crate::api::{check_name, names, ApiError};
use crate::engine::Engine;
use std::collections::BTreeMap;
use stepwise_asl::validate::MachineType;

impl Engine {
    /// Version `number` of machine `name`, with this definition, type and description, as if
    /// it had been published: an identical version already there is left alone, a different
    /// one under that number is replaced, and versions published later continue after the
    /// highest number. The machine itself need not exist (its current text may not be valid
    /// while its versions are). Answers the version's ARN.
    ///
    /// The version keeps the machine's current revision when it has the same definition and
    /// type (so PublishStateMachineVersion stays idempotent), else a revision of its own.
    pub fn restore_state_machine_version(
        &mut self,
        name: &str,
        number: u32,
        definition_text: &str,
        machine_type: MachineType,
        description: Option<&str>,
    ) -> Result<String, ApiError> {
        check_name(name)?;
        check_description("description", description)?;
        if number == 0 || number == u32::MAX {
            return Err(ApiError::new(
                names::VALIDATION,
                format!("{number} is not a version number (versions are numbered from 1)"),
            ));
        }
        let machine_arn = self.machine_arn(name);
        let arn = format!("{machine_arn}:{number}");
        let same = |v: &Version| {
            &*v.definition_text == definition_text
                && v.machine_type == machine_type
                && v.description.as_deref() == description
        };
        let lineage = self.registry.lineages.get(&machine_arn);
        if lineage.is_some_and(|l| l.versions.get(&number).is_some_and(same)) {
            return Ok(arn);
        }
        let full = lineage.is_some_and(|l| {
            !l.versions.contains_key(&number) && l.versions.len() >= MAX_VERSIONS_PER_MACHINE
        });
        if full {
            return Err(ApiError::new(
                names::SERVICE_QUOTA_EXCEEDED,
                format!("A machine has at most {MAX_VERSIONS_PER_MACHINE} versions; '{arn}' would be one more"),
            ));
        }
        let definition = self.compile(definition_text, machine_type)?;
        let now = self.now;
        let machine = self.machines.get(&machine_arn);
        let current = machine
            .filter(|m| &*m.definition_text == definition_text && m.machine_type == machine_type);
        let creation_millis = machine.map_or(now, |m| m.creation_millis);
        let seed = self.config.seed;
        let registry = &mut self.registry;
        let lineage_revision = registry
            .lineages
            .get(&machine_arn)
            .map(|l| l.revision.clone());
        let revision = match (current, lineage_revision) {
            (Some(_), Some(r)) => r,
            (Some(m), None) => Revision {
                id: None,
                millis: m.creation_millis,
            },
            (None, _) => Revision {
                id: Some(registry.new_revision_id(seed)),
                millis: now,
            },
        };
        let lineage = registry
            .lineages
            .entry(machine_arn.clone())
            .or_insert_with(|| Lineage {
                revision: Revision {
                    id: None,
                    millis: creation_millis,
                },
                next_version: 1,
                versions: BTreeMap::new(),
            });
        lineage.next_version = lineage.next_version.max(number + 1);
        lineage.versions.insert(
            number,
            Version {
                number,
                arn: arn.clone(),
                machine_arn,
                machine_name: name.to_owned(),
                description: description.map(str::to_owned),
                revision,
                definition_text: definition_text.into(),
                definition,
                machine_type,
                creation_millis: now,
            },
        );
        Ok(arn)
    }

    /// Alias `name` routing as given, created or changed in place: CreateStateMachineAlias and
    /// UpdateStateMachineAlias in one, with their checks (name, description, routing, quota)
    /// and errors. Answers the alias' ARN.
    pub fn restore_state_machine_alias(
        &mut self,
        name: &str,
        description: Option<&str>,
        routing: &[Route],
    ) -> Result<String, ApiError> {
        check_alias_name(name)?;
        check_description("description", description)?;
        let machine_arn = self.check_routing(routing)?;
        let arn = format!("{machine_arn}:{name}");
        let now = self.now;
        let registry = &mut self.registry;
        if let Some(a) = registry.aliases.get_mut(&arn) {
            if a.routing != routing || a.description.as_deref() != description {
                a.routing = routing.to_vec();
                a.description = description.map(str::to_owned);
                a.update_millis = now;
            }
            return Ok(arn);
        }
        let count = registry
            .aliases
            .values()
            .filter(|a| a.machine_arn == machine_arn)
            .count();
        if count >= MAX_ALIASES_PER_MACHINE {
            return Err(ApiError::new(
                names::SERVICE_QUOTA_EXCEEDED,
                format!("A machine has at most {MAX_ALIASES_PER_MACHINE} aliases; '{arn}' would be one more"),
            ));
        }
        registry.alias_order += 1;
        let alias = Alias {
            name: name.to_owned(),
            arn: arn.clone(),
            machine_arn,
            description: description.map(str::to_owned),
            routing: routing.to_vec(),
            creation_millis: now,
            update_millis: now,
            order: registry.alias_order,
        };
        registry.aliases.insert(arn.clone(), alias);
        Ok(arn)
    }

    /// Keeps only the versions and aliases of machine `name` that a host still has (it deleted
    /// the others through its own copy, where DeleteStateMachineVersion and
    /// DeleteStateMachineAlias answered): aliases first, then versions no alias routes to.
    /// Numbers are not given again. Answers the ARNs of versions kept because an alias still
    /// routes to them.
    pub fn prune_state_machine_versions(
        &mut self,
        name: &str,
        keep_version: impl Fn(u32) -> bool,
        keep_alias: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let machine_arn = self.machine_arn(name);
        let registry = &mut self.registry;
        registry
            .aliases
            .retain(|_, a| a.machine_arn != machine_arn || keep_alias(&a.name));
        let routed: Vec<String> = (registry.aliases.values())
            .flat_map(|a| a.routing.iter().map(|r| r.version_arn.clone()))
            .collect();
        let mut kept = Vec::new();
        if let Some(l) = registry.lineages.get_mut(&machine_arn) {
            l.versions.retain(|n, v| {
                if keep_version(*n) {
                    return true;
                }
                let routed_to = routed.contains(&v.arn);
                if routed_to {
                    kept.push(v.arn.clone());
                }
                routed_to
            });
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use crate::versions::Route;
    use crate::{Engine, EngineConfig, Idle, MachineType};
    use stepwise_json::json;

    const A: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}}"#;
    const B: &str = r#"{"StartAt":"B","States":{"B":{"Type":"Pass","Result":"b","End":true}}}"#;

    #[test]
    fn pruning_keeps_what_the_host_keeps_and_versions_an_alias_routes_to() {
        let mut e = Engine::new(EngineConfig::default());
        let m = e.create_state_machine("Child", A).unwrap();
        for (n, text) in [(1, B), (2, B), (3, A)] {
            e.restore_state_machine_version("Child", n, text, MachineType::Standard, None)
                .unwrap();
        }
        let route = |n: u32| Route {
            version_arn: format!("{m}:{n}"),
            weight: 100,
        };
        e.restore_state_machine_alias("live", None, &[route(1)])
            .unwrap();
        e.restore_state_machine_alias("old", None, &[route(2)])
            .unwrap();
        // "old" goes, so version 2 can; version 1 stays while "live" routes to it.
        let kept = e.prune_state_machine_versions("Child", |n| n == 3, |a| a == "live");
        assert_eq!(kept, [format!("{m}:1")]);
        let listed: Vec<u32> = e
            .state_machine_versions(&m)
            .iter()
            .map(|v| v.number)
            .collect();
        assert_eq!(listed, [3, 1]);
        assert!(e.state_machine_alias(&format!("{m}:old")).is_none());
        let (next, _) = e.publish_state_machine_version(&m, None, None).unwrap();
        assert_eq!(next, format!("{m}:3"), "the current revision's version");
        e.update_state_machine(&m, B).unwrap();
        let (next, _) = e.publish_state_machine_version(&m, None, None).unwrap();
        assert_eq!(next, format!("{m}:4"), "2 is not given again");
    }

    #[test]
    fn restored_versions_run_keep_their_numbers_and_publishing_continues_after_them() {
        let mut e = Engine::new(EngineConfig::default());
        let v3 = e
            .restore_state_machine_version("Child", 3, B, MachineType::Standard, Some("third"))
            .unwrap();
        assert!(v3.ends_with(":stateMachine:Child:3"), "{v3}");
        // The machine need not exist for its versions to run.
        let id = e.start_execution(&v3, None, Some("{}")).unwrap();
        assert_eq!(e.run_until_idle(100), Idle::Finished);
        assert_eq!(e.execution(id).output, Some(json!("b")));
        assert_eq!(e.execution(id).origin.version_arn.as_deref(), Some(&*v3));
        // Restoring the same again changes nothing; a different text replaces it.
        e.restore_state_machine_version("Child", 3, B, MachineType::Standard, Some("third"))
            .unwrap();
        let m = e.create_state_machine("Child", A).unwrap();
        // Same text as the machine: the version shares its revision, so publishing is idempotent.
        e.restore_state_machine_version("Child", 4, A, MachineType::Standard, None)
            .unwrap();
        let (again, _) = e.publish_state_machine_version(&m, None, None).unwrap();
        assert_eq!(again, format!("{m}:4"));
        e.update_state_machine(&m, B).unwrap();
        let (next, _) = e.publish_state_machine_version(&m, None, None).unwrap();
        assert_eq!(next, format!("{m}:5"), "numbers continue after the highest");
        let listed: Vec<u32> = e
            .state_machine_versions(&m)
            .iter()
            .map(|v| v.number)
            .collect();
        assert_eq!(listed, [5, 4, 3]);
    }

    #[test]
    fn bad_restores_are_api_errors() {
        let mut e = Engine::new(EngineConfig::default());
        let err = |r: Result<String, crate::ApiError>| r.unwrap_err().name;
        let std = MachineType::Standard;
        assert_eq!(
            err(e.restore_state_machine_version("C", 0, A, std, None)),
            "ValidationException"
        );
        assert_eq!(
            err(e.restore_state_machine_version("C", u32::MAX, A, std, None)),
            "ValidationException"
        );
        assert_eq!(
            err(e.restore_state_machine_version("has space", 1, A, std, None)),
            "InvalidName"
        );
        assert_eq!(
            err(e.restore_state_machine_version("C", 1, "{", std, None)),
            "InvalidDefinition"
        );
        let long = "x".repeat(257);
        assert_eq!(
            err(e.restore_state_machine_version("C", 1, A, std, Some(&long))),
            "ValidationException"
        );
        for n in 1..=1000 {
            e.restore_state_machine_version("C", n, A, std, None)
                .unwrap();
        }
        assert_eq!(
            err(e.restore_state_machine_version("C", 1001, A, std, None)),
            "ServiceQuotaExceededException"
        );
        // Replacing one of the thousand is still allowed.
        e.restore_state_machine_version("C", 7, B, std, None)
            .unwrap();
    }

    #[test]
    fn aliases_are_created_or_changed_in_place_with_the_api_checks() {
        let mut e = Engine::new(EngineConfig::default());
        let std = MachineType::Standard;
        let v1 = e
            .restore_state_machine_version("C", 1, A, std, None)
            .unwrap();
        let v2 = e
            .restore_state_machine_version("C", 2, B, std, None)
            .unwrap();
        let route = |arn: &str, weight| Route {
            version_arn: arn.to_string(),
            weight,
        };
        let live = e
            .restore_state_machine_alias("live", None, &[route(&v1, 100)])
            .unwrap();
        assert_eq!(
            e.state_machine_alias(&live).unwrap().routing,
            [route(&v1, 100)]
        );
        e.restore_state_machine_alias("live", Some("moved"), &[route(&v1, 10), route(&v2, 90)])
            .unwrap();
        let a = e.state_machine_alias(&live).unwrap();
        assert_eq!(a.routing.len(), 2);
        assert_eq!(a.description.as_deref(), Some("moved"));
        let err = |r: Result<String, crate::ApiError>| r.unwrap_err().to_string();
        assert!(
            err(e.restore_state_machine_alias("live", None, &[route(&v1, 60)]))
                .contains("add up to 100")
        );
        assert!(
            err(e.restore_state_machine_alias("7", None, &[route(&v1, 100)]))
                .contains("ValidationException")
        );
        assert!(
            err(e.restore_state_machine_alias("x", None, &[route(&format!("{v1}0"), 100)]))
                .contains("ResourceNotFound")
        );
        assert!(err(e.restore_state_machine_alias("x", None, &[])).contains("one or two"));
        for i in 0..99 {
            e.restore_state_machine_alias(&format!("a{i}"), None, &[route(&v2, 100)])
                .unwrap();
        }
        assert!(
            err(e.restore_state_machine_alias("one-more", None, &[route(&v2, 100)]))
                .contains("ServiceQuotaExceededException")
        );
    }
}
