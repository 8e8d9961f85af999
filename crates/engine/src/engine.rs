//! The engine value: state machines, executions, one clock and one work queue. Its public
//! methods mirror the Step Functions API; nothing moves until `step()` or the clock is asked to.

use crate::api::{check_name, names, ApiError};
use crate::clock::{self, iso8601};
use crate::config::EngineConfig;
use crate::execution::{
    Execution, ExecutionId, ExecutionStatus, Frame, FrameRole, ParentLink, Phase, TaskOutcome,
};
use crate::history::{payload_text, Details, EventType, Field, HistoryEvent};
use crate::mocks::Mocks;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;
use stepwise_asl::arn;
use stepwise_asl::model::Definition;
use stepwise_asl::scope::SplitMix64;
use stepwise_asl::validate;
pub use stepwise_asl::validate::MachineType;
use stepwise_asl::StatesError;
use stepwise_json::{json, Map, Value};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum PendingKind {
    /// A `.waitForTaskToken` task.
    Callback,
    /// A `.sync` / `.sync:2` task waiting for its child execution; it also accepts its own
    /// token, as AWS's does, but normally the child's end completes it.
    ChildExecution,
    /// A task with no mock: complete it by hand with the token.
    Manual,
}

/// A task waiting for the outside world.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PendingTask {
    pub token: String,
    pub execution: ExecutionId,
    pub execution_arn: String,
    pub state_name: String,
    pub resource: String,
    pub input: Value,
    pub since_millis: i64,
    pub heartbeat_deadline_millis: Option<i64>,
    pub timeout_deadline_millis: Option<i64>,
    pub kind: PendingKind,
}

#[derive(Clone, Debug)]
pub(crate) enum Work {
    Advance {
        exec: usize,
        frame: usize,
        gen: u64,
    },
    TaskTimeout {
        exec: usize,
        frame: usize,
        gen: u64,
    },
    Heartbeat {
        exec: usize,
        frame: usize,
        gen: u64,
        deadline: i64,
    },
    ExecutionTimeout {
        exec: usize,
        deadline: Deadline,
    },
    Complete {
        exec: usize,
        frame: usize,
        gen: u64,
        outcome: TaskOutcome,
    },
}

/// Why an execution's time runs out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// The definition's `TimeoutSeconds`.
    TimeoutSeconds,
    /// AWS's maximum execution time. Only a backstop: it fires when the clock passes it, but
    /// alone it does not count as a pending timer, so an execution that waits for the outside
    /// world is not timed out by `settle` jumping a year ahead. Kept in `Engine::backstops`, not
    /// in the queue, so that it leaves with its execution instead of lingering for a year.
    MaxDuration,
    /// The same for an Express execution: five minutes.
    ExpressMaxDuration,
}

/// AWS's maximum execution time of an Express workflow: five minutes.
pub(crate) const EXPRESS_MAX_EXECUTION_MILLIS: i64 = 5 * 60_000;
pub(crate) const EXPRESS_MAX_DURATION_CAUSE: &str = "The execution ran longer than the maximum execution time of an Express workflow, 5 minutes (300 seconds).";

#[derive(Clone, Debug)]
pub(crate) struct Queued {
    pub due: i64,
    pub seq: u64,
    pub work: Work,
}

impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        (self.due, self.seq) == (o.due, o.seq)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.due, self.seq).cmp(&(o.due, o.seq))
    }
}

/// Where a task token leads.
#[derive(Clone, Debug)]
pub(crate) struct TokenRef {
    pub exec: usize,
    pub frame: usize,
    pub gen: u64,
    pub kind: PendingKind,
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
    running: usize,
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

    fn compile(
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
            "type": type_name(m.machine_type),
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
            .map(|m| json!({"stateMachineArn": m.arn, "name": m.name, "type": type_name(m.machine_type), "creationDate": iso8601(m.creation_millis)}))
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

    // ---- executions -------------------------------------------------------------------

    pub fn executions(&self) -> &[Execution] {
        &self.executions
    }

    pub fn execution(&self, id: ExecutionId) -> &Execution {
        &self.executions[id.0 as usize]
    }

    pub fn execution_by_arn(&self, arn: &str) -> Option<ExecutionId> {
        self.by_arn.get(arn).copied()
    }

    /// The executions this one started (or that name it in `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`).
    pub fn children(&self, id: ExecutionId) -> Vec<ExecutionId> {
        self.executions[id.0 as usize].children.clone()
    }

    pub fn start_execution(
        &mut self,
        machine_arn: &str,
        name: Option<&str>,
        input_text: Option<&str>,
    ) -> Result<ExecutionId, ApiError> {
        let input = match input_text.map(str::trim) {
            None | Some("") => json!({}),
            Some(t) => serde_json::from_str::<Value>(t).map_err(|e| {
                ApiError::new(
                    names::INVALID_EXECUTION_INPUT,
                    format!("Invalid execution input: {e}"),
                )
            })?,
        };
        self.start_with_value(machine_arn, name, input, None)
    }

    pub(crate) fn start_with_value(
        &mut self,
        machine_arn: &str,
        name: Option<&str>,
        input: Value,
        parent: Option<ParentLink>,
    ) -> Result<ExecutionId, ApiError> {
        let (machine, origin) = self.resolve_start(machine_arn)?;
        // Serialized once: for the size limit and for the ExecutionStarted event.
        let input_text = payload_text(&input);
        if input_text.len() > self.config.limits.max_payload_bytes {
            return Err(ApiError::new(
                names::INVALID_EXECUTION_INPUT,
                format!(
                    "Input exceeds the maximum size of {} bytes",
                    self.config.limits.max_payload_bytes
                ),
            ));
        }
        let name = match name {
            Some(n) => {
                check_name(n)?;
                n.to_owned()
            }
            None => stepwise_asl::scope::uuid_v4(&mut self.rng),
        };
        let express = machine.machine_type == MachineType::Express;
        let arn = if express {
            // AWS: Express executions may share a name; each still gets an ARN of its own.
            let run = stepwise_asl::scope::uuid_v4(&mut self.rng);
            arn::express_execution_arn(
                &self.config.region,
                &self.config.account,
                &machine.name,
                &name,
                &run,
            )
        } else {
            arn::execution_arn(
                &self.config.region,
                &self.config.account,
                &machine.name,
                &name,
            )
        };
        if let Some(existing) = self
            .by_arn
            .get(&arn)
            .map(|id| &self.executions[id.0 as usize])
        {
            // AWS: the same name with the same input on a running execution is idempotent.
            if existing.is_running() && existing.input == input {
                return Ok(existing.id);
            }
            return Err(ApiError::new(
                names::EXECUTION_ALREADY_EXISTS,
                format!("Execution Already Exists: '{arn}'"),
            ));
        }
        if self.executions.len() >= self.config.limits.max_executions {
            return Err(ApiError::new(
                names::EXECUTION_LIMIT_EXCEEDED,
                format!(
                    "This workspace holds the maximum of {} executions",
                    self.config.limits.max_executions
                ),
            ));
        }
        let depth = match &parent {
            Some(p) => self.executions[p.execution.0 as usize].depth + 1,
            None => 0,
        };
        if depth > self.config.limits.max_nesting_depth {
            return Err(ApiError::new(
                names::EXECUTION_LIMIT_EXCEEDED,
                format!(
                    "Nested executions are limited to a depth of {}",
                    self.config.limits.max_nesting_depth
                ),
            ));
        }
        // A child whose input names its parent is linked to it even when started by the API.
        let parent = parent.or_else(|| {
            let by = input
                .get("AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID")?
                .as_str()?;
            let pid = self.execution_by_arn(by)?;
            Some(ParentLink {
                execution: pid,
                state_name: None,
                waiting_frame: None,
                pattern_sync2: false,
            })
        });
        let id = ExecutionId(self.executions.len() as u32);
        self.by_arn.insert(arn.clone(), id);
        if let Some(p) = &parent {
            self.executions[p.execution.0 as usize].children.push(id);
        }
        let def = machine.definition.clone();
        let root = Frame::new(
            Vec::new(),
            FrameRole::Root,
            def.states.start_at,
            input.clone(),
            Map::new(),
        );
        self.running += 1;
        self.executions.push(Execution {
            id,
            arn,
            name,
            machine_arn: machine.arn,
            machine_name: machine.name,
            definition: def.clone(),
            definition_text: machine.definition_text,
            input,
            status: ExecutionStatus::Running,
            start_millis: self.now,
            stop_millis: None,
            output: None,
            error: None,
            cause: None,
            history: Vec::new(),
            parent,
            origin,
            depth,
            frames: vec![root],
            free_frames: Vec::new(),
            children: Vec::new(),
            issued_tokens: Vec::new(),
            var_bytes: 0,
            backstop_due: None,
        });
        let exec = id.0 as usize;
        let origin = &self.executions[exec].origin;
        let started = Details::new("executionStartedEventDetails")
            .payload("input", input_text)
            .text("roleArn", self.config.role_arn.as_str())
            .maybe(
                "stateMachineAliasArn",
                origin.alias_arn.as_deref().map(Field::text),
            )
            .maybe(
                "stateMachineVersionArn",
                origin.version_arn.as_deref().map(Field::text),
            );
        self.emit_raw(exec, None, EventType::ExecutionStarted, started, None);
        self.executions[exec].frames[0].last_event = 0;
        let (max_millis, max_deadline) = if express {
            (EXPRESS_MAX_EXECUTION_MILLIS, Deadline::ExpressMaxDuration)
        } else {
            (clock::MAX_EXECUTION_MILLIS, Deadline::MaxDuration)
        };
        let max_due = clock::later(self.now, max_millis);
        let timeout_due = def
            .timeout_seconds
            .map(|t| clock::later(self.now, (t as i64).saturating_mul(1000)));
        if let Some(due) = timeout_due {
            self.push(
                due,
                Work::ExecutionTimeout {
                    exec,
                    deadline: Deadline::TimeoutSeconds,
                },
            );
        }
        if timeout_due.is_none_or(|t| t > max_due) {
            self.backstops.insert((max_due, exec), max_deadline);
            self.executions[exec].backstop_due = Some(max_due);
        }
        self.schedule(exec, 0);
        Ok(id)
    }

    pub fn stop_execution(
        &mut self,
        arn: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<(), ApiError> {
        let id = self
            .execution_by_arn(arn)
            .ok_or_else(|| execution_missing(arn))?;
        let exec = id.0 as usize;
        if !self.executions[exec].is_running() {
            return Ok(());
        }
        let d = Details::new("executionAbortedEventDetails")
            .maybe("error", error.map(Field::text))
            .maybe("cause", cause.map(Field::text));
        self.emit_raw(exec, None, EventType::ExecutionAborted, d, None);
        self.end_execution(
            exec,
            ExecutionStatus::Aborted,
            None,
            error.map(str::to_owned),
            cause.map(str::to_owned),
        );
        Ok(())
    }

    pub fn describe_execution(&self, arn: &str) -> Result<Value, ApiError> {
        let id = self
            .execution_by_arn(arn)
            .ok_or_else(|| execution_missing(arn))?;
        Ok(self.describe(id))
    }

    pub(crate) fn describe(&self, id: ExecutionId) -> Value {
        let e = self.execution(id);
        let mut o = Map::new();
        o.insert("executionArn".into(), json!(e.arn));
        o.insert("stateMachineArn".into(), json!(e.machine_arn));
        o.insert("name".into(), json!(e.name));
        o.insert("status".into(), json!(e.status.as_str()));
        o.insert("startDate".into(), json!(iso8601(e.start_millis)));
        if let Some(s) = e.stop_millis {
            o.insert("stopDate".into(), json!(iso8601(s)));
        }
        o.insert("input".into(), json!(e.input.to_string()));
        o.insert("inputDetails".into(), json!({"included": true}));
        if let Some(out) = &e.output {
            o.insert("output".into(), json!(out.to_string()));
            o.insert("outputDetails".into(), json!({"included": true}));
        }
        if let Some(err) = &e.error {
            o.insert("error".into(), json!(err));
        }
        if let Some(c) = &e.cause {
            o.insert("cause".into(), json!(c));
        }
        e.origin.add_to(&mut o);
        o.insert("redriveCount".into(), json!(0));
        if let Some(p) = &e.parent {
            o.insert(
                "parentExecutionArn".into(),
                json!(self.execution(p.execution).arn),
            );
            if let Some(s) = &p.state_name {
                o.insert("startedByState".into(), json!(s));
            }
        }
        Value::Object(o)
    }

    pub fn list_executions(
        &self,
        machine_arn: Option<&str>,
        status: Option<&str>,
    ) -> Result<Value, ApiError> {
        if let Some(m) = machine_arn {
            if !self.machines.contains_key(m)
                && !self.is_known_qualified(m)
                && !self
                    .executions
                    .iter()
                    .any(|e| e.machine_arn == m || e.origin.matches(m))
            {
                return Err(machine_missing(m));
            }
        }
        let status = match status {
            Some(s) => Some(ExecutionStatus::parse(s).ok_or_else(|| {
                ApiError::new(names::VALIDATION, format!("Unknown status filter '{s}'"))
            })?),
            None => None,
        };
        let list: Vec<Value> = self
            .executions
            .iter()
            .rev()
            .filter(|e| machine_arn.is_none_or(|m| e.machine_arn == m || e.origin.matches(m)))
            .filter(|e| status.is_none_or(|s| e.status == s))
            .map(|e| {
                let mut v = json!({
                    "executionArn": e.arn, "stateMachineArn": e.machine_arn, "name": e.name,
                    "status": e.status.as_str(), "startDate": iso8601(e.start_millis),
                });
                if let Some(s) = e.stop_millis {
                    v["stopDate"] = json!(iso8601(s));
                }
                if let Value::Object(o) = &mut v {
                    e.origin.add_to(o);
                }
                v
            })
            .collect();
        Ok(json!({ "executions": list }))
    }

    pub fn get_execution_history(
        &self,
        arn: &str,
        reverse_order: bool,
        include_execution_data: bool,
    ) -> Result<Value, ApiError> {
        let id = self
            .execution_by_arn(arn)
            .ok_or_else(|| execution_missing(arn))?;
        let mut events: Vec<Value> = self
            .execution(id)
            .history
            .iter()
            .map(|e| e.to_aws_json(include_execution_data))
            .collect();
        if reverse_order {
            events.reverse();
        }
        Ok(json!({ "events": events }))
    }

    // ---- task tokens ------------------------------------------------------------------

    fn token_target(&self, token: &str) -> Result<TokenRef, ApiError> {
        if let Some(t) = self.tokens.get(token) {
            return Ok(t.clone());
        }
        if self.spent_tokens.contains_key(token) {
            return Err(ApiError::new(
                names::TASK_DOES_NOT_EXIST,
                "Task Does Not Exist: the task of this token has already completed",
            ));
        }
        // Tokens this engine issues are "AQB" and 96 hex digits; anything else is malformed.
        let well_formed = token.len() == 99
            && token.starts_with("AQB")
            && token[3..].bytes().all(|b| b.is_ascii_hexdigit());
        if !well_formed {
            let shown: String = token.chars().take(100).collect();
            return Err(ApiError::new(
                names::INVALID_TOKEN,
                format!("Invalid Token: '{shown}'"),
            ));
        }
        Err(ApiError::new(
            names::TASK_DOES_NOT_EXIST,
            "Task Does Not Exist: no task is waiting for this token",
        ))
    }

    pub fn send_task_success(&mut self, token: &str, output_text: &str) -> Result<(), ApiError> {
        let t = self.token_target(token)?;
        if output_text.len() > self.config.limits.max_payload_bytes {
            return Err(ApiError::new(
                names::INVALID_OUTPUT,
                "Output exceeds the maximum size of 256 KiB",
            ));
        }
        let output: Value = serde_json::from_str(output_text)
            .map_err(|e| ApiError::new(names::INVALID_OUTPUT, format!("Invalid output: {e}")))?;
        self.complete_token(token, t, TaskOutcome::Succeeded(output));
        Ok(())
    }

    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<(), ApiError> {
        let t = self.token_target(token)?;
        if error.is_some_and(|e| e.chars().count() > crate::api::MAX_ERROR_CHARS)
            || cause.is_some_and(|c| c.chars().count() > crate::api::MAX_CAUSE_CHARS)
        {
            return Err(ApiError::new(
                names::VALIDATION,
                "error must be at most 256 characters and cause at most 32768",
            ));
        }
        let err = StatesError {
            error: error.unwrap_or("").to_owned(),
            cause: cause.map(str::to_owned),
        };
        self.complete_token(token, t, TaskOutcome::Failed(err));
        Ok(())
    }

    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), ApiError> {
        let t = self.token_target(token)?;
        let now = self.now;
        let frame = &mut self.executions[t.exec].frames[t.frame];
        if let Some(task) = frame.task.as_mut() {
            if let Some(h) = task.heartbeat_seconds {
                let deadline = clock::later(now, h as i64 * 1000);
                task.heartbeat_deadline = Some(deadline);
                let gen = frame.generation;
                self.push(
                    deadline,
                    Work::Heartbeat {
                        exec: t.exec,
                        frame: t.frame,
                        gen,
                        deadline,
                    },
                );
            }
        }
        Ok(())
    }

    fn complete_token(&mut self, token: &str, t: TokenRef, outcome: TaskOutcome) {
        self.tokens.remove(token);
        self.spent_tokens.insert(token.to_owned(), ());
        self.push(
            self.now,
            Work::Complete {
                exec: t.exec,
                frame: t.frame,
                gen: t.gen,
                outcome,
            },
        );
    }

    pub fn pending_tasks(&self) -> Vec<PendingTask> {
        self.tokens
            .iter()
            .filter_map(|(token, t)| {
                let e = &self.executions[t.exec];
                let f = e.frames.get(t.frame)?;
                if f.generation != t.gen || !e.is_running() {
                    return None;
                }
                let task = f.task.as_ref()?;
                let states = crate::execution::resolve(&e.definition, &f.scope);
                let st = &states.list[f.state];
                let resource = match &st.kind {
                    stepwise_asl::model::Kind::Task(tk) => tk.resource.clone(),
                    _ => String::new(),
                };
                Some(PendingTask {
                    token: token.clone(),
                    execution: e.id,
                    execution_arn: e.arn.clone(),
                    state_name: st.name.to_string(),
                    resource,
                    input: task.parameters.clone(),
                    since_millis: f.entered_millis,
                    heartbeat_deadline_millis: task.heartbeat_deadline,
                    timeout_deadline_millis: task.timeout_deadline,
                    kind: t.kind,
                })
            })
            .collect()
    }

    // ---- stepping and time --------------------------------------------------------------

    pub(crate) fn push(&mut self, due: i64, work: Work) {
        self.seq += 1;
        self.queue.push(Reverse(Queued {
            due,
            seq: self.seq,
            work,
        }));
    }

    pub(crate) fn schedule(&mut self, exec: usize, frame: usize) {
        let gen = self.executions[exec].frames[frame].generation;
        self.push(self.now, Work::Advance { exec, frame, gen });
    }

    pub(crate) fn schedule_at(&mut self, due: i64, exec: usize, frame: usize) {
        let gen = self.executions[exec].frames[frame].generation;
        self.push(due, Work::Advance { exec, frame, gen });
    }

    /// Performs the next unit of work that is due now: one history event (occasionally more,
    /// when it also starts a child execution). `None` when nothing is due.
    pub fn step(&mut self) -> Option<StepReport> {
        let exec = self.step_quietly()?;
        Some(StepReport {
            execution: ExecutionId(exec as u32),
            events: std::mem::take(&mut self.emitted),
        })
    }

    /// One step without handing out a report (the event list is reused, not given away):
    /// the execution whose history grew, `None` when nothing is due now.
    fn step_quietly(&mut self) -> Option<usize> {
        loop {
            let queued = self
                .queue
                .peek()
                .map(|q| q.0.due)
                .filter(|d| *d <= self.now);
            let backstop = self.first_backstop().filter(|b| b.0 <= self.now);
            let work = match (queued, backstop) {
                (None, None) => return None,
                (q, Some((due, exec, deadline))) if q.is_none_or(|q| due <= q) => {
                    self.backstops.remove(&(due, exec));
                    Work::ExecutionTimeout { exec, deadline }
                }
                _ => self.queue.pop()?.0.work,
            };
            self.emitted.clear();
            let budget = self.config.limits.evaluation_budget();
            if let Some(exec) = stepwise_asl::budget::scoped(budget, || self.apply(work)) {
                if !self.emitted.is_empty() {
                    return Some(exec);
                }
            }
        }
    }

    /// Steps until nothing is due now, or `budget` steps were taken.
    pub fn run_until_idle(&mut self, budget: usize) -> Idle {
        for _ in 0..budget {
            if self.step_quietly().is_none() {
                return self.idle_reason();
            }
        }
        if self.queue.peek().is_some_and(|q| q.0.due <= self.now)
            || self.first_backstop().is_some_and(|b| b.0 <= self.now)
        {
            Idle::BudgetSpent
        } else {
            self.idle_reason()
        }
    }

    /// Runs until only the outside world can move things on, or nothing runs any more, jumping
    /// the virtual clock over waits and timeouts; `BudgetSpent` after `max_steps` steps. (A host
    /// that answers task tokens itself must answer them before it lets timers fire: it steps
    /// with `run_until_idle` instead.)
    pub fn settle(&mut self, max_steps: usize) -> Idle {
        for _ in 0..max_steps {
            if self.step_quietly().is_none() {
                match self.idle_reason() {
                    Idle::WaitingForTimer(_) => {
                        self.advance_to_next_timer();
                    }
                    other => return other,
                }
            }
        }
        self.idle()
    }

    /// Why nothing would happen if stepping stopped now (`BudgetSpent` when work is due).
    pub fn idle(&self) -> Idle {
        if self
            .queue
            .iter()
            .any(|q| q.0.due <= self.now && self.is_live(&q.0.work))
            || self.first_backstop().is_some_and(|b| b.0 <= self.now)
        {
            return Idle::BudgetSpent;
        }
        self.idle_reason()
    }

    fn idle_reason(&self) -> Idle {
        if self.running == 0 {
            return Idle::Finished;
        }
        match self.next_timer() {
            Some(t) => Idle::WaitingForTimer(t),
            None => Idle::WaitingForOutside,
        }
    }

    /// The virtual instant of the next pending timer that still matters. An execution's
    /// maximum-duration backstop counts only when some other timer is pending: it comes first if
    /// it is earlier.
    pub fn next_timer(&self) -> Option<i64> {
        let timer = self
            .queue
            .iter()
            .filter(|q| self.is_live(&q.0.work))
            .map(|q| q.0.due)
            .min()?;
        Some(
            self.first_backstop()
                .map_or(timer, |(due, _, _)| due.min(timer)),
        )
    }

    /// The earliest maximum-duration backstop: `(due, execution, kind)`.
    fn first_backstop(&self) -> Option<(i64, usize, Deadline)> {
        self.backstops
            .first_key_value()
            .map(|(&(due, exec), &d)| (due, exec, d))
    }

    fn is_live(&self, w: &Work) -> bool {
        let alive = |exec: usize, frame: usize, gen: u64| {
            let e = &self.executions[exec];
            e.is_running() && e.frames.get(frame).is_some_and(|f| f.generation == gen)
        };
        match w {
            Work::Advance { exec, frame, gen }
            | Work::TaskTimeout { exec, frame, gen }
            | Work::Complete {
                exec, frame, gen, ..
            } => alive(*exec, *frame, *gen),
            Work::Heartbeat {
                exec,
                frame,
                gen,
                deadline,
            } => {
                alive(*exec, *frame, *gen)
                    && self.executions[*exec].frames[*frame]
                        .task
                        .as_ref()
                        .and_then(|t| t.heartbeat_deadline)
                        == Some(*deadline)
            }
            Work::ExecutionTimeout { exec, .. } => self.executions[*exec].is_running(),
        }
    }

    /// Moves the clock to the next timer. `false` when there is none.
    pub fn advance_to_next_timer(&mut self) -> bool {
        match self.next_timer() {
            Some(t) if t > self.now => {
                self.now = t;
                true
            }
            Some(_) => true,
            None => false,
        }
    }

    /// Moves the clock forward by `millis` (negative counts as zero), never past what a JS
    /// `Date` can show.
    pub fn advance_clock(&mut self, millis: i64) {
        self.now = clock::later(self.now, millis);
    }

    // ---- history helpers ------------------------------------------------------------------

    /// Appends an event to an execution. `frame` (when given) provides and records the
    /// previous event id.
    pub(crate) fn emit_raw(
        &mut self,
        exec: usize,
        frame: Option<usize>,
        ty: EventType,
        details: Details,
        state_name: Option<Arc<str>>,
    ) -> u64 {
        let e = &mut self.executions[exec];
        if frame.is_some_and(|f| e.frames[f].silent) {
            return e.frames[frame.unwrap_or(0)].last_event;
        }
        let id = e.history.len() as u64 + 1;
        let (prev, scope) = match frame {
            Some(f) => (e.frames[f].last_event, e.frames[f].index_path.clone()),
            None => (e.history.last().map_or(0, |h| h.id), Arc::from([])),
        };
        e.history.push(HistoryEvent {
            id,
            previous_event_id: prev,
            timestamp_millis: self.now,
            event_type: ty,
            details,
            state_name,
            scope,
        });
        if let Some(f) = frame {
            e.frames[f].last_event = id;
        }
        self.emitted.push((e.id, id));
        id
    }

    /// Ends an execution: status, stop date, frames parked, tokens revoked, `.sync` children
    /// stopped and a waiting parent told.
    pub(crate) fn end_execution(
        &mut self,
        exec: usize,
        status: ExecutionStatus,
        output: Option<Value>,
        error: Option<String>,
        cause: Option<String>,
    ) {
        let e = &mut self.executions[exec];
        if e.is_running() && status != ExecutionStatus::Running {
            self.running -= 1;
        }
        if status != ExecutionStatus::Running {
            if let Some(due) = e.backstop_due.take() {
                self.backstops.remove(&(due, exec));
            }
        }
        e.status = status;
        e.stop_millis = Some(self.now);
        e.output = output;
        e.error = error;
        e.cause = cause;
        for f in &mut e.frames {
            f.generation += 1;
            f.phase = Phase::Dead;
        }
        for k in std::mem::take(&mut self.executions[exec].issued_tokens) {
            if self.tokens.remove(&k).is_some() {
                self.spent_tokens.insert(k, ());
            }
        }
        self.stop_children_of(exec, None);
        self.notify_parent(exec);
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

pub(crate) fn execution_missing(arn: &str) -> ApiError {
    if !arn::is_states_arn_of(arn, "execution") {
        return ApiError::new(
            names::INVALID_ARN,
            format!("Invalid Arn: 'Resource type not valid in this context: {arn}'"),
        );
    }
    ApiError::new(
        names::EXECUTION_DOES_NOT_EXIST,
        format!("Execution Does Not Exist: '{arn}'"),
    )
}

/// AWS's spelling of a machine type in API answers.
fn type_name(t: MachineType) -> &'static str {
    match t {
        MachineType::Standard => "STANDARD",
        MachineType::Express => "EXPRESS",
    }
}
