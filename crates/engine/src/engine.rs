//! The engine value: state machines, executions, one clock and one work queue, and the state
//! machine API (create, update, delete, describe, list, mocks). Executions are in
//! `executions.rs`, the queue and clock in `queue.rs`; nothing moves until `step()` or the clock
//! is asked to.

use crate::api::{check_name, names, ApiError};
use crate::clock::{self, iso8601};
use crate::config::EngineConfig;
use crate::execution::{Execution, ExecutionId};
use crate::integrations::mocks::Mocks;
use crate::integrations::task_tokens::TokenRef;
use crate::queue::{Deadline, Queued};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;
use stepwise_asl::arn;
use stepwise_asl::model::Definition;
use stepwise_asl::scope::SplitMix64;
use stepwise_asl::validate;
pub use stepwise_asl::validate::MachineType;
use stepwise_json::{json, Value};

/// A registered state machine.
#[derive(Clone, Debug)]
pub struct Machine {
    pub name: String,
    pub arn: String,
    /// Shared with the executions started from this version of the machine.
    pub definition_text: Arc<str>,
    pub definition: Arc<Definition>,
    pub creation_millis: i64,
    /// Standard or Express: fixed at creation, as AWS fixes it.
    pub machine_type: MachineType,
}

/// What one `step()` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepReport {
    pub execution: ExecutionId,
    /// Events appended by this step, per execution (a step may also start a child).
    pub events: Vec<(ExecutionId, u64)>,
}

/// Why `run_until_idle` stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Idle {
    /// No execution is running.
    Finished,
    BudgetSpent,
    /// Nothing is due before this virtual instant (milliseconds).
    WaitingForTimer(i64),
    /// Only the outside world can move things on (task tokens, hand-completed tasks).
    WaitingForOutside,
}

impl Idle {
    /// The reason's name, as the JS API and `stepwise calls` report it.
    pub fn name(&self) -> &'static str {
        match self {
            Idle::Finished => "Finished",
            Idle::BudgetSpent => "BudgetSpent",
            Idle::WaitingForTimer(_) => "WaitingForTimer",
            Idle::WaitingForOutside => "WaitingForOutside",
        }
    }

    /// `{"idle": name}`, with `until` (ISO 8601) when a timer is next.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Idle::WaitingForTimer(t) => {
                serde_json::json!({"idle": self.name(), "until": crate::clock::iso8601(*t)})
            }
            _ => serde_json::json!({"idle": self.name()}),
        }
    }
}

#[derive(Clone)]
pub struct Engine {
    pub(crate) config: EngineConfig,
    pub(crate) now: i64,
    pub(crate) seq: u64,
    pub(crate) rng: SplitMix64,
    pub(crate) machines: BTreeMap<String, Machine>,
    pub(crate) executions: Vec<Execution>,
    /// How many executions are running, kept so that asking whether anything runs does not
    /// scan every execution (hosts ask after each batch of steps).
    pub(crate) running: usize,
    pub(crate) queue: BinaryHeap<Reverse<Queued>>,
    /// Each running execution's maximum-duration backstop, by `(due, execution)`.
    pub(crate) backstops: BTreeMap<(i64, usize), Deadline>,
    pub(crate) tokens: BTreeMap<String, TokenRef>,
    pub(crate) mocks: Mocks,
    /// Events appended during the current step.
    pub(crate) emitted: Vec<(ExecutionId, u64)>,
    /// Invalid tasks tokens that were once valid (to tell TaskDoesNotExist from InvalidToken).
    pub(crate) spent_tokens: BTreeMap<String, ()>,
    /// Execution ARN → id, so that starting the n-th child does not scan the n-1 before it.
    pub(crate) by_arn: BTreeMap<String, ExecutionId>,
    /// Published versions and aliases (`versions.rs`).
    pub(crate) registry: crate::versions::Registry,
    /// Engine faults (`engine_error.rs`): empty unless the engine has a bug.
    pub(crate) internal_errors: Vec<crate::EngineError>,
}

impl Engine {
    pub fn new(config: EngineConfig) -> Self {
        Engine {
            now: config
                .epoch_millis
                .clamp(-clock::MAX_MILLIS, clock::MAX_MILLIS),
            seq: 0,
            rng: SplitMix64(config.seed),
            config,
            machines: BTreeMap::new(),
            executions: Vec::new(),
            running: 0,
            queue: BinaryHeap::new(),
            backstops: BTreeMap::new(),
            tokens: BTreeMap::new(),
            mocks: Mocks::default(),
            emitted: Vec::new(),
            spent_tokens: BTreeMap::new(),
            by_arn: BTreeMap::new(),
            registry: crate::versions::Registry::default(),
            internal_errors: Vec::new(),
        }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn now_millis(&self) -> i64 {
        self.now
    }

    pub fn machine_arn(&self, name: &str) -> String {
        arn::state_machine_arn(&self.config.region, &self.config.account, name)
    }

    // ---- state machines ----------------------------------------------------------------

    pub(crate) fn compile(
        &self,
        definition_text: &str,
        machine_type: MachineType,
    ) -> Result<Arc<Definition>, ApiError> {
        if definition_text.len() > self.config.limits.max_definition_bytes {
            return Err(ApiError::new(
                names::INVALID_DEFINITION,
                "Definition exceeds the maximum size of 1 MB",
            ));
        }
        // Validation builds the definition as its last check: what validates is what is created.
        match validate::compile_text_with(definition_text, &validate::Options { machine_type }) {
            (diagnostics, Some(definition)) if validate::is_valid(&diagnostics) => {
                Ok(Arc::new(definition))
            }
            (diagnostics, _) => {
                let first = diagnostics
                    .iter()
                    .find(|d| d.severity == validate::Severity::Error);
                let msg = first
                    .map(|d| {
                        format!(
                            "Invalid State Machine Definition: '{}: {}'",
                            d.code, d.message
                        )
                    })
                    .unwrap_or_default();
                let mut e = ApiError::new(names::INVALID_DEFINITION, msg);
                e.diagnostics = diagnostics;
                Err(e)
            }
        }
    }

    pub fn create_state_machine(
        &mut self,
        name: &str,
        definition_text: &str,
    ) -> Result<String, ApiError> {
        self.create_state_machine_of_type(name, definition_text, MachineType::Standard)
    }

    /// [`Engine::create_state_machine`] for a given type: an Express machine refuses the
    /// `.sync` and `.waitForTaskToken` integrations when it is created, as AWS does.
    pub fn create_state_machine_of_type(
        &mut self,
        name: &str,
        definition_text: &str,
        machine_type: MachineType,
    ) -> Result<String, ApiError> {
        check_name(name)?;
        let arn = self.machine_arn(name);
        let definition = self.compile(definition_text, machine_type)?;
        if let Some(existing) = self.machines.get(&arn) {
            if &*existing.definition_text == definition_text
                && existing.machine_type == machine_type
            {
                return Ok(arn);
            }
            return Err(ApiError::new(
                names::STATE_MACHINE_ALREADY_EXISTS,
                format!("State Machine Already Exists: '{arn}'"),
            ));
        }
        self.machines.insert(
            arn.clone(),
            Machine {
                name: name.to_owned(),
                arn: arn.clone(),
                definition_text: definition_text.into(),
                definition,
                creation_millis: self.now,
                machine_type,
            },
        );
        Ok(arn)
    }

    pub fn update_state_machine(
        &mut self,
        arn: &str,
        definition_text: &str,
    ) -> Result<(), ApiError> {
        let machine_type = self
            .machines
            .get(arn)
            .ok_or_else(|| machine_missing(arn))?
            .machine_type;
        let definition = self.compile(definition_text, machine_type)?;
        let m = self
            .machines
            .get_mut(arn)
            .ok_or_else(|| machine_missing(arn))?;
        let changed = &*m.definition_text != definition_text;
        m.definition = definition;
        m.definition_text = definition_text.into();
        let m = m.clone();
        self.registry
            .revise(&m, changed, self.now, self.config.seed);
        Ok(())
    }

    pub fn delete_state_machine(&mut self, arn: &str) -> Result<(), ApiError> {
        self.machines
            .remove(arn)
            .ok_or_else(|| machine_missing(arn))?;
        self.registry.forget(arn);
        Ok(())
    }

    pub fn machine(&self, arn: &str) -> Option<&Machine> {
        self.machines.get(arn)
    }

    pub fn machines(&self) -> impl Iterator<Item = &Machine> {
        self.machines.values()
    }

    pub fn describe_state_machine(&self, arn: &str) -> Result<Value, ApiError> {
        let Some(m) = self.machines.get(arn) else {
            return self
                .describe_version(arn)
                .ok_or_else(|| machine_missing(arn));
        };
        let mut described = json!({
            "stateMachineArn": m.arn,
            "name": m.name,
            "status": "ACTIVE",
            "definition": &*m.definition_text,
            "roleArn": self.config.role_arn,
            "type": m.machine_type.as_str(),
            "creationDate": iso8601(m.creation_millis),
        });
        if let Some(r) = self.state_machine_revision(arn) {
            described["revisionId"] = json!(r);
        }
        Ok(described)
    }

    pub fn list_state_machines(&self) -> Value {
        let list: Vec<Value> = self
            .machines
            .values()
            .map(|m| json!({"stateMachineArn": m.arn, "name": m.name, "type": m.machine_type.as_str(), "creationDate": iso8601(m.creation_millis)}))
            .collect();
        json!({ "stateMachines": list })
    }

    /// Loads a Step Functions Local mock config; tasks it does not cover wait to be completed by hand.
    pub fn set_mock_config(&mut self, config: &Value) -> Result<(), ApiError> {
        self.mocks = Mocks::load_mock_config(config, None)
            .map_err(|m| ApiError::new(names::VALIDATION, m))?;
        Ok(())
    }

    /// Per-state answer lists (the conformance corpus' format) for one machine.
    pub fn set_state_mocks(&mut self, machine_name: &str, lists: &Value) -> Result<(), ApiError> {
        self.mocks
            .set_state_lists(machine_name, lists)
            .map_err(|m| ApiError::new(names::VALIDATION, m))
    }
}

pub(crate) fn machine_missing(arn: &str) -> ApiError {
    if !arn::is_states_arn_of(arn, "stateMachine") {
        return ApiError::new(
            names::INVALID_ARN,
            format!("Invalid Arn: 'Resource type not valid in this context: {arn}'"),
        );
    }
    ApiError::new(
        names::STATE_MACHINE_DOES_NOT_EXIST,
        format!("State Machine Does Not Exist: '{arn}'"),
    )
}
