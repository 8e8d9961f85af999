//! Executions through the API: starting one (names, ARNs, limits, its first Work), stopping,
//! describing and listing them, reading their history; appending a history event; ending an
//! execution (tokens revoked, `.sync` children stopped, a waiting parent told).

use crate::api::names;
use crate::api::{check_name, ApiError};
use crate::clock::iso8601;
use crate::clock::{self};
use crate::engine::Engine;
use crate::engine::{machine_missing, MachineType};
use crate::execution::{
    Execution, ExecutionId, ExecutionStatus, Frame, FrameRef, FrameRole, Phase,
};
use crate::history::{payload_text, Details, EventType, Field, HistoryEvent};
use crate::integrations::start_execution::ParentLink;
use crate::queue::EXPRESS_MAX_EXECUTION_MILLIS;
use crate::queue::{Deadline, Work};
use std::sync::Arc;
use stepwise_asl::arn;
use stepwise_json::{json, Map, Value};

impl Engine {
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
        let parent = parent.or_else(|| self.parent_named_in(&input));
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
            redrive_count: 0,
            redrive_millis: None,
            resume: None,
            redrive_tokens: Vec::new(),
            given_context: None,
            #[cfg(feature = "pipelines")]
            pipelines: Vec::new(),
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
        self.arm_deadlines(exec, express);
        self.schedule(FrameRef::new(exec, 0));
        Ok(id)
    }

    /// Queues an execution's deadlines: its definition's `TimeoutSeconds` from now, and AWS's
    /// maximum execution time from its start (a redrive restarts the first, not the second).
    pub(crate) fn arm_deadlines(&mut self, exec: usize, express: bool) {
        let (max_millis, max_deadline) = if express {
            (EXPRESS_MAX_EXECUTION_MILLIS, Deadline::ExpressMaxDuration)
        } else {
            (clock::MAX_EXECUTION_MILLIS, Deadline::MaxDuration)
        };
        let e = &self.executions[exec];
        let max_due = clock::later(e.start_millis, max_millis);
        let timeout_due = e
            .definition
            .timeout_seconds
            .map(|t| clock::later(self.now, (t as i64).saturating_mul(1000)));
        let attempt = e.redrive_count;
        if let Some(due) = timeout_due {
            self.push(
                due,
                Work::ExecutionTimeout {
                    exec,
                    deadline: Deadline::TimeoutSeconds,
                    attempt,
                },
            );
        }
        if timeout_due.is_none_or(|t| t > max_due) {
            self.backstops.insert((max_due, exec), max_deadline);
            self.executions[exec].backstop_due = Some(max_due);
        }
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
        o.insert("redriveCount".into(), json!(e.redrive_count));
        if let Some(d) = e.redrive_millis {
            o.insert("redriveDate".into(), json!(iso8601(d)));
        }
        let (redrive, reason) = self.redrive_status(id);
        o.insert("redriveStatus".into(), json!(redrive.as_str()));
        if let Some(r) = reason {
            o.insert("redriveStatusReason".into(), json!(r));
        }
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
        self.list_executions_filtered(machine_arn, status, None)
    }

    /// ListExecutions with its `redriveFilter` too (`REDRIVEN` or `NOT_REDRIVEN`).
    pub fn list_executions_filtered(
        &self,
        machine_arn: Option<&str>,
        status: Option<&str>,
        redrive_filter: Option<&str>,
    ) -> Result<Value, ApiError> {
        let redriven = match redrive_filter {
            None => None,
            Some("REDRIVEN") => Some(true),
            Some("NOT_REDRIVEN") => Some(false),
            Some(other) => {
                return Err(ApiError::new(
                    names::VALIDATION,
                    format!("1 validation error detected: Value '{other}' at 'redriveFilter' failed to satisfy constraint: Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]"),
                ))
            }
        };
        // No execution here ever waits in PENDING_REDRIVE (a redrive takes effect at once).
        if status == Some("PENDING_REDRIVE") {
            return Ok(json!({ "executions": [] }));
        }
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
            .filter(|e| redriven.is_none_or(|r| (e.redrive_count > 0) == r))
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
                if let Some(d) = e.redrive_millis {
                    v["redriveCount"] = json!(e.redrive_count);
                    v["redriveDate"] = json!(iso8601(d));
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
        if self.execution(id).is_express() {
            // AWS keeps no history of an Express execution (its events go to CloudWatch Logs)
            // and refuses the ARN's resource type.
            return Err(ApiError::new(
                names::INVALID_ARN,
                "Invalid Arn: 'Resource type not valid in this context: express'",
            ));
        }
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

    /// Appends an event of frame `at` (see `emit_raw`).
    pub(crate) fn emit(
        &mut self,
        at: FrameRef,
        ty: EventType,
        details: Details,
        state_name: Option<Arc<str>>,
    ) -> u64 {
        self.emit_raw(at.exec, Some(at.frame), ty, details, state_name)
    }

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
        if frame.is_some_and(|f| e.frames[f].cache.silent) {
            return e.frames[frame.unwrap_or(0)].last_event;
        }
        let id = e.history.len() as u64 + 1;
        let (prev, scope) = match frame {
            Some(f) => (e.frames[f].last_event, e.frames[f].cache.index_path.clone()),
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
        // Where a redrive would resume it, taken while its frames still stand.
        let unsuccessful = matches!(
            status,
            ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted
        );
        if unsuccessful && !self.executions[exec].is_express() {
            let resume = self.resume_point(FrameRef::new(exec, 0));
            self.executions[exec].resume = Some(Box::new(resume));
        }
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
