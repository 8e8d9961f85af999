//! State machine versions and aliases, as AWS's API defines them.
//!
//! A **version** is a numbered, immutable snapshot of a machine's current revision
//! (`…:stateMachine:Name:3`); numbers grow from 1 and are never reused, even after a delete. An
//! **alias** (`…:stateMachine:Name:live`) routes each new execution to one of one or two versions
//! by weight; the choice is drawn from the engine's seeded generator, so runs reproduce.
//! A **revision** is what `UpdateStateMachine` makes: a machine starts without a revision id
//! (`INITIAL` names it) and each update that changes the definition gives it a new one.
//!
//! StartExecution and the `states:startExecution*` integrations both resolve the ARN they are
//! given through [`Engine::resolve_start`]; the execution then keeps its [`Origin`] (the version
//! and alias it ran, and the revision), which DescribeExecution, ListExecutions, the
//! ExecutionStarted event and the `.sync` result report as AWS does.
//!
//! This file holds the registry, versions and starts; `aliases.rs` the alias API and its checks;
//! `restore.rs` putting saved versions back into a fresh engine.
//!
//! Sources: the API reference pages of PublishStateMachineVersion, ListStateMachineVersions,
//! DeleteStateMachineVersion, Create/Update/Describe/List/DeleteStateMachineAlias,
//! DescribeStateMachineForExecution, StartExecution and DescribeExecution, and the developer
//! guide's "State machine versions", "State machine aliases" and "How Step Functions associates
//! executions with a version or alias" pages.

use crate::api::{names, ApiError};
use crate::clock::iso8601;
use crate::engine::{machine_missing, Engine, Machine};
use std::collections::BTreeMap;
use std::sync::Arc;
use stepwise_asl::arn;
use stepwise_asl::model::Definition;
use stepwise_asl::scope::{Random, SplitMix64};
use stepwise_asl::validate::MachineType;
use stepwise_json::{json, Map, Value};

/// AWS: "You can publish up to 1000 versions for each state machine."
pub const MAX_VERSIONS_PER_MACHINE: usize = 1000;
/// AWS: "You can create up to 100 aliases for each state machine."
pub const MAX_ALIASES_PER_MACHINE: usize = 100;
/// The longest version or alias description AWS accepts, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 256;
/// AWS's `revisionId` for a machine never updated, as PublishStateMachineVersion accepts it.
pub const INITIAL_REVISION: &str = "INITIAL";

/// A revision of a machine: its id (`None` until the first update) and when it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub id: Option<String>,
    pub millis: i64,
}

/// A published version.
#[derive(Clone, Debug)]
pub struct Version {
    pub number: u32,
    pub arn: String,
    /// The unqualified ARN of its machine.
    pub machine_arn: String,
    pub machine_name: String,
    pub description: Option<String>,
    pub revision: Revision,
    pub definition_text: Arc<str>,
    pub definition: Arc<Definition>,
    pub machine_type: MachineType,
    pub creation_millis: i64,
}

/// One entry of an alias' routing configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub version_arn: String,
    /// Percent of new executions, 0 to 100; the entries add up to 100.
    pub weight: i64,
}

/// An alias.
#[derive(Clone, Debug)]
pub struct Alias {
    pub name: String,
    pub arn: String,
    pub machine_arn: String,
    pub description: Option<String>,
    pub routing: Vec<Route>,
    pub creation_millis: i64,
    pub update_millis: i64,
    /// Creation order, so that lists put the newest first even within one virtual instant.
    order: u64,
}

/// Through what an execution was started: AWS reports the version and alias ARNs only when the
/// StartExecution request named one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub version_arn: Option<String>,
    pub alias_arn: Option<String>,
    /// The revision the execution runs (DescribeStateMachineForExecution reports it).
    pub revision_id: Option<String>,
    pub revision_millis: i64,
}

/// The versions of one machine and its current revision.
#[derive(Clone, Debug)]
struct Lineage {
    revision: Revision,
    next_version: u32,
    versions: BTreeMap<u32, Version>,
}

/// Every machine's versions and aliases (a field of the engine).
#[derive(Clone, Debug, Default)]
pub(crate) struct Registry {
    lineages: BTreeMap<String, Lineage>,
    aliases: BTreeMap<String, Alias>,
    /// Revision ids come from a generator of their own (seeded from the engine's seed), so that
    /// updating a machine does not shift the names and tokens every later execution draws.
    revision_rng: Option<SplitMix64>,
    alias_order: u64,
}

impl Registry {
    /// The machine was updated (`changed`: to a different definition): a new revision.
    pub(crate) fn revise(&mut self, machine: &Machine, changed: bool, now: i64, seed: u64) {
        if !changed {
            return;
        }
        let id = self.new_revision_id(seed);
        let lineage = self
            .lineages
            .entry(machine.arn.clone())
            .or_insert_with(|| new_lineage(machine));
        lineage.revision = Revision {
            id: Some(id),
            millis: now,
        };
    }

    /// A fresh revision id.
    pub(crate) fn new_revision_id(&mut self, seed: u64) -> String {
        let rng = self
            .revision_rng
            .get_or_insert(SplitMix64(seed ^ 0x7265_7669_7369_6f6e));
        stepwise_asl::scope::uuid_v4(rng)
    }

    /// The machine was deleted: AWS deletes its versions and aliases with it.
    pub(crate) fn forget(&mut self, machine_arn: &str) {
        self.lineages.remove(machine_arn);
        self.aliases.retain(|_, a| a.machine_arn != machine_arn);
    }

    fn revision(&self, machine: &Machine) -> Revision {
        self.lineages
            .get(&machine.arn)
            .map_or_else(|| new_lineage(machine).revision, |l| l.revision.clone())
    }

    fn version(&self, q: &Qualified) -> Option<&Version> {
        match q {
            Qualified::Version { machine, number } => {
                self.lineages.get(*machine)?.versions.get(number)
            }
            Qualified::Alias { .. } => None,
        }
    }

    /// Whether any alias routes to this version.
    fn routed_to(&self, version_arn: &str) -> Vec<&Alias> {
        self.aliases
            .values()
            .filter(|a| a.routing.iter().any(|r| r.version_arn == version_arn))
            .collect()
    }
}

fn new_lineage(machine: &Machine) -> Lineage {
    Lineage {
        revision: Revision {
            id: None,
            millis: machine.creation_millis,
        },
        next_version: 1,
        versions: BTreeMap::new(),
    }
}

/// A qualified state machine ARN: a version or an alias of a machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualified<'a> {
    Version { machine: &'a str, number: u32 },
    Alias { machine: &'a str, name: &'a str },
}

impl<'a> Qualified<'a> {
    /// Reads `arn:…:stateMachine:Name:Qualifier`: digits name a version, anything else that is
    /// a valid alias name an alias. `None` for an unqualified ARN or anything else.
    pub fn parse(text: &'a str) -> Option<Self> {
        if !arn::is_states_arn_of(text, "stateMachine") || text.split(':').count() != 8 {
            return None;
        }
        let (machine, qualifier) = text.rsplit_once(':')?;
        if qualifier.bytes().all(|b| b.is_ascii_digit()) {
            let number = qualifier.parse().ok().filter(|n| *n > 0)?;
            return Some(Qualified::Version { machine, number });
        }
        check_alias_name(qualifier).ok()?;
        Some(Qualified::Alias {
            machine,
            name: qualifier,
        })
    }

    /// The unqualified ARN of the machine.
    pub fn machine(&self) -> &'a str {
        match self {
            Qualified::Version { machine, .. } | Qualified::Alias { machine, .. } => machine,
        }
    }
}

fn check_description(field: &str, d: Option<&str>) -> Result<(), ApiError> {
    match d {
        Some(d) if d.chars().count() > MAX_DESCRIPTION_CHARS => Err(ApiError::new(
            names::VALIDATION,
            format!(
                "1 validation error detected: Value at '{field}' failed to satisfy constraint: \
                 Member must have length less than or equal to {MAX_DESCRIPTION_CHARS}"
            ),
        )),
        _ => Ok(()),
    }
}

fn invalid_arn(arn: &str) -> ApiError {
    ApiError::new(
        names::INVALID_ARN,
        format!("Invalid Arn: 'Resource type not valid in this context: {arn}'"),
    )
}

/// What `UpdateStateMachine` answers beyond its date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Updated {
    pub revision_id: Option<String>,
    pub version_arn: Option<String>,
}

impl Engine {
    /// The machine, version or alias an ARN names, as StartExecution and the
    /// `states:startExecution*` integrations run it: a machine whose definition is the one to
    /// run, and what the execution records of how it was started. An alias with two versions
    /// draws its choice from the seeded generator.
    pub(crate) fn resolve_start(&mut self, arn: &str) -> Result<(Machine, Origin), ApiError> {
        if let Some(m) = self.machines.get(arn) {
            let revision = self.registry.revision(m);
            return Ok((
                m.clone(),
                Origin {
                    version_arn: None,
                    alias_arn: None,
                    revision_id: revision.id,
                    revision_millis: revision.millis,
                },
            ));
        }
        let (version_arn, alias_arn) = match Qualified::parse(arn) {
            Some(Qualified::Version { .. }) => (arn.to_owned(), None),
            Some(Qualified::Alias { .. }) => {
                let alias = self
                    .registry
                    .aliases
                    .get(arn)
                    .ok_or_else(|| machine_missing(arn))?;
                let chosen = match alias.routing.as_slice() {
                    [only] => only.version_arn.clone(),
                    [first, second] => {
                        let draw = (self.rng.next_u64() % 100) as i64;
                        if draw < first.weight {
                            first.version_arn.clone()
                        } else {
                            second.version_arn.clone()
                        }
                    }
                    _ => return Err(machine_missing(arn)),
                };
                (chosen, Some(arn.to_owned()))
            }
            None => return Err(machine_missing(arn)),
        };
        let q = Qualified::parse(&version_arn).ok_or_else(|| machine_missing(arn))?;
        let v = self
            .registry
            .version(&q)
            .ok_or_else(|| machine_missing(&version_arn))?;
        let machine = Machine {
            name: v.machine_name.clone(),
            arn: v.machine_arn.clone(),
            definition_text: v.definition_text.clone(),
            definition: v.definition.clone(),
            creation_millis: v.creation_millis,
            machine_type: v.machine_type,
        };
        let origin = Origin {
            version_arn: Some(version_arn),
            alias_arn,
            revision_id: v.revision.id.clone(),
            revision_millis: v.revision.millis,
        };
        Ok((machine, origin))
    }

    // ---- versions -----------------------------------------------------------------------

    /// PublishStateMachineVersion: a version of the machine's current revision, or the one
    /// already published for it (the call is idempotent). `revision_id`, when given, must be
    /// the current revision's (`INITIAL` before the first update), else `ConflictException`.
    /// Returns the version's ARN and creation date (millis).
    pub fn publish_state_machine_version(
        &mut self,
        machine_arn: &str,
        revision_id: Option<&str>,
        description: Option<&str>,
    ) -> Result<(String, i64), ApiError> {
        check_description("description", description)?;
        let machine = self
            .machines
            .get(machine_arn)
            .ok_or_else(|| machine_missing(machine_arn))?
            .clone();
        let now = self.now;
        let lineage = self
            .registry
            .lineages
            .entry(machine.arn.clone())
            .or_insert_with(|| new_lineage(&machine));
        if let Some(wanted) = revision_id {
            let current = lineage.revision.id.as_deref().unwrap_or(INITIAL_REVISION);
            if wanted != current {
                return Err(ApiError::new(
                    names::CONFLICT,
                    format!(
                        "Failed to publish the State Machine version for revision {wanted}. \
                         The current State Machine revision is {current}."
                    ),
                ));
            }
        }
        if let Some(v) = lineage
            .versions
            .values()
            .find(|v| v.revision == lineage.revision)
        {
            return Ok((v.arn.clone(), v.creation_millis));
        }
        if lineage.versions.len() >= MAX_VERSIONS_PER_MACHINE {
            return Err(ApiError::new(
                names::SERVICE_QUOTA_EXCEEDED,
                format!(
                    "The maximum of {MAX_VERSIONS_PER_MACHINE} versions of '{machine_arn}' has \
                     been reached; delete unused versions with DeleteStateMachineVersion"
                ),
            ));
        }
        let number = lineage.next_version;
        lineage.next_version += 1;
        let arn = format!("{}:{number}", machine.arn);
        lineage.versions.insert(
            number,
            Version {
                number,
                arn: arn.clone(),
                machine_arn: machine.arn.clone(),
                machine_name: machine.name.clone(),
                description: description.map(str::to_owned),
                revision: lineage.revision.clone(),
                definition_text: machine.definition_text.clone(),
                definition: machine.definition.clone(),
                machine_type: machine.machine_type,
                creation_millis: now,
            },
        );
        Ok((arn, now))
    }

    /// CreateStateMachine with AWS's `publish` and `versionDescription`: publishing makes
    /// version 1; a description without `publish` is a `ValidationException`.
    pub fn create_state_machine_publishing(
        &mut self,
        name: &str,
        definition_text: &str,
        machine_type: MachineType,
        publish: bool,
        version_description: Option<&str>,
    ) -> Result<(String, Option<String>), ApiError> {
        check_publish(publish, version_description)?;
        let arn = self.create_state_machine_of_type(name, definition_text, machine_type)?;
        if !publish {
            return Ok((arn, None));
        }
        let (version, _) = self.publish_state_machine_version(&arn, None, version_description)?;
        Ok((arn, Some(version)))
    }

    /// UpdateStateMachine with AWS's `publish` and `versionDescription`; answers the new
    /// revision id and the published version's ARN.
    pub fn update_state_machine_publishing(
        &mut self,
        machine_arn: &str,
        definition_text: &str,
        publish: bool,
        version_description: Option<&str>,
    ) -> Result<Updated, ApiError> {
        check_publish(publish, version_description)?;
        self.update_state_machine(machine_arn, definition_text)?;
        let version_arn = if publish {
            Some(
                self.publish_state_machine_version(machine_arn, None, version_description)?
                    .0,
            )
        } else {
            None
        };
        Ok(Updated {
            revision_id: self.state_machine_revision(machine_arn),
            version_arn,
        })
    }

    /// The machine's current revision id (`None` before its first update or when it does not
    /// exist).
    pub fn state_machine_revision(&self, machine_arn: &str) -> Option<String> {
        let m = self.machines.get(machine_arn)?;
        self.registry.revision(m).id
    }

    /// The versions of a machine, newest first.
    pub fn state_machine_versions(&self, machine_arn: &str) -> Vec<&Version> {
        self.registry
            .lineages
            .get(machine_arn)
            .map(|l| l.versions.values().rev().collect())
            .unwrap_or_default()
    }

    /// ListStateMachineVersions: newest first. A well-formed ARN of no machine lists nothing
    /// (AWS documents no `StateMachineDoesNotExist` for this call).
    pub fn list_state_machine_versions(&self, machine_arn: &str) -> Result<Value, ApiError> {
        if !arn::is_states_arn_of(machine_arn, "stateMachine")
            || Qualified::parse(machine_arn).is_some()
        {
            return Err(invalid_arn(machine_arn));
        }
        let list: Vec<Value> = self
            .state_machine_versions(machine_arn)
            .iter()
            .map(|v| json!({"stateMachineVersionArn": v.arn, "creationDate": iso8601(v.creation_millis)}))
            .collect();
        Ok(json!({ "stateMachineVersions": list }))
    }

    /// DeleteStateMachineVersion: refused with `ConflictException` while an alias routes to the
    /// version; running executions of it go on. Deleting a version that does not exist succeeds.
    pub fn delete_state_machine_version(&mut self, version_arn: &str) -> Result<(), ApiError> {
        let q = match Qualified::parse(version_arn) {
            Some(q @ Qualified::Version { .. }) => q,
            Some(Qualified::Alias { .. }) => {
                return Err(ApiError::new(
                    names::VALIDATION,
                    format!("'{version_arn}' is an alias ARN, not a version ARN"),
                ))
            }
            None => return Err(invalid_arn(version_arn)),
        };
        let routed: Vec<String> = self
            .registry
            .routed_to(version_arn)
            .iter()
            .map(|a| a.arn.clone())
            .collect();
        if !routed.is_empty() {
            return Err(ApiError::new(
                names::CONFLICT,
                format!(
                    "Version to be deleted must not be referenced by an alias. Current list of \
                     aliases referencing this version: [{}]",
                    routed.join(", ")
                ),
            ));
        }
        if let (Some(l), Qualified::Version { number, .. }) =
            (self.registry.lineages.get_mut(q.machine()), q)
        {
            l.versions.remove(&number);
        }
        Ok(())
    }

    /// DescribeStateMachine of a version ARN (`None` when the ARN names no version).
    pub(crate) fn describe_version(&self, arn: &str) -> Option<Value> {
        let v = self.registry.version(&Qualified::parse(arn)?)?;
        let mut o = Map::new();
        o.insert("stateMachineArn".into(), json!(v.arn));
        o.insert("name".into(), json!(v.machine_name));
        o.insert("status".into(), json!("ACTIVE"));
        o.insert("definition".into(), json!(&*v.definition_text));
        o.insert("roleArn".into(), json!(self.config.role_arn));
        o.insert("type".into(), json!(v.machine_type.as_str()));
        o.insert("creationDate".into(), json!(iso8601(v.creation_millis)));
        if let Some(r) = &v.revision.id {
            o.insert("revisionId".into(), json!(r));
        }
        if let Some(d) = &v.description {
            o.insert("description".into(), json!(d));
        }
        Some(Value::Object(o))
    }

    // ---- executions -----------------------------------------------------------------------

    /// DescribeStateMachineForExecution: the definition the execution runs (its version's, or
    /// the machine's revision when it started), with that revision's id and date.
    pub fn describe_state_machine_for_execution(
        &self,
        execution_arn: &str,
    ) -> Result<Value, ApiError> {
        let id = self
            .execution_by_arn(execution_arn)
            .ok_or_else(|| crate::executions::execution_missing(execution_arn))?;
        let e = self.execution(id);
        let mut o = Map::new();
        o.insert("stateMachineArn".into(), json!(e.machine_arn));
        o.insert("name".into(), json!(e.machine_name));
        o.insert("definition".into(), json!(&*e.definition_text));
        o.insert("roleArn".into(), json!(self.config.role_arn));
        o.insert(
            "updateDate".into(),
            json!(iso8601(e.origin.revision_millis)),
        );
        if let Some(r) = &e.origin.revision_id {
            o.insert("revisionId".into(), json!(r));
        }
        Ok(Value::Object(o))
    }

    /// Whether a version or alias ARN names something this engine knows (ListExecutions
    /// accepts them).
    pub(crate) fn is_known_qualified(&self, arn: &str) -> bool {
        match Qualified::parse(arn) {
            Some(q @ Qualified::Version { .. }) => self.registry.version(&q).is_some(),
            Some(Qualified::Alias { .. }) => self.registry.aliases.contains_key(arn),
            None => false,
        }
    }
}

impl Origin {
    /// Whether ListExecutions of `arn` (a version or alias ARN) lists this execution.
    pub fn matches(&self, arn: &str) -> bool {
        self.version_arn.as_deref() == Some(arn) || self.alias_arn.as_deref() == Some(arn)
    }

    /// Adds `stateMachineVersionArn` and `stateMachineAliasArn`, when the execution has them,
    /// to a DescribeExecution answer or a ListExecutions item.
    pub fn add_to(&self, o: &mut Map) {
        if let Some(v) = &self.version_arn {
            o.insert("stateMachineVersionArn".into(), json!(v));
        }
        if let Some(a) = &self.alias_arn {
            o.insert("stateMachineAliasArn".into(), json!(a));
        }
    }
}

fn check_publish(publish: bool, version_description: Option<&str>) -> Result<(), ApiError> {
    if !publish && version_description.is_some() {
        return Err(ApiError::new(
            names::VALIDATION,
            "Version description can only be set when publish is true",
        ));
    }
    check_description("versionDescription", version_description)
}

mod aliases;
mod restore;

pub use aliases::check_alias_name;

#[cfg(test)]
mod tests;
