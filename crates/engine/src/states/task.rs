//! The Task state: evaluating its arguments and timeouts, then its phases (Scheduled, Started,
//! Submitted, Waiting, Done) and their history events. What answers a task lives in
//! `integrations/` (child executions, task tokens, mocks).

use crate::clock::{self, MAX_SECONDS};
use crate::engine::Engine;
use crate::engine_error::EngineError;
use crate::execution::{FrameRef, Phase, TaskOutcome, TaskRun};
use crate::history::{payload_text, Details, EventType, Field, Payload};
use crate::integrations::resources::{Pattern, Resource, TaskResource};
use crate::integrations::task_tokens::PendingKind;
use crate::queue::Work;
use crate::run::Res;
use std::sync::Arc;
use stepwise_asl::error::names;
use stepwise_asl::model::{Dynamic, State, Task};
use stepwise_asl::StatesError;
use stepwise_json::{json, Value};

pub(crate) fn as_seconds(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                .map(|f| f as u64)
        }),
        _ => None,
    }
}

impl Engine {
    pub(crate) fn start_task(&mut self, at: FrameRef, st: &State, task: &Task) -> Res<()> {
        let resource = TaskResource::parse(&task.resource);
        let token = match resource.kind.pattern() {
            Pattern::WaitForTaskToken | Pattern::Sync | Pattern::Sync2 => Some(self.new_token()),
            Pattern::RequestResponse => None,
        };
        let role = task
            .credentials
            .as_ref()
            .map(|c| c.get("RoleArn").cloned().unwrap_or(Value::Null));
        self.frame_mut(at).task = Some(TaskRun::new(resource, st.name.clone(), role, token));
        let eff = self.effective_input(at, st)?;
        let params = self.parameters_stage(at, st, &eff)?;
        let seconds = |this: &mut Self, d: &Option<Dynamic>, name: &str| -> Res<Option<u64>> {
            let Some(d) = d else { return Ok(None) };
            let v = this.dynamic_value(at, d, name, &eff)?;
            match as_seconds(&v) {
                Some(s) if s > MAX_SECONDS as u64 => Err(StatesError::runtime(format!(
                    "The {name} field must be at most {MAX_SECONDS} seconds, got: {v}"
                ))),
                Some(s) if s > 0 => Ok(Some(s)),
                _ => Err(StatesError::runtime(format!(
                    "The {name} field must be a positive integer, got: {v}"
                ))),
            }
        };
        let timeout = seconds(self, &task.timeout, "TimeoutSeconds")?;
        let heartbeat = seconds(self, &task.heartbeat, "HeartbeatSeconds")?;
        if let Some(t) = self.frame_mut(at).task.as_mut() {
            t.parameters = params;
            t.timeout_seconds = timeout;
            t.heartbeat_seconds = heartbeat;
        }
        self.frame_mut(at).phase = Phase::TaskScheduled;
        self.schedule(at);
        Ok(())
    }

    /// The task's resource and its state's name; `None` (an engine fault, reported) when task
    /// phase `phase` finds no task in flight on its frame.
    pub(crate) fn task_meta(
        &mut self,
        at: FrameRef,
        phase: &'static str,
    ) -> Option<(Arc<TaskResource>, Arc<str>)> {
        match &self.frame(at).task {
            Some(t) => Some((t.resource.clone(), t.name.clone())),
            None => {
                let execution = self.executions[at.exec].id;
                let err = EngineError::NoTask {
                    execution,
                    frame: at.frame,
                    phase,
                };
                self.engine_fault(at.exec, err);
                None
            }
        }
    }

    pub(crate) fn task_scheduled(&mut self, at: FrameRef) {
        let Some((resource, name)) = self.task_meta(at, "TaskScheduled") else {
            return;
        };
        let (parameters_text, timeout_seconds, heartbeat_seconds) = match &self.frame(at).task {
            Some(t) => (
                payload_text(&t.parameters),
                t.timeout_seconds,
                t.heartbeat_seconds,
            ),
            None => (payload_text(&Value::Null), None, None),
        };
        let (ty, details) = match &resource.kind {
            Resource::LambdaFunction(arn) => {
                let d = Details::new("lambdaFunctionScheduledEventDetails")
                    .payload("input", parameters_text)
                    .text("resource", arn.as_str())
                    .maybe(
                        "timeoutInSeconds",
                        timeout_seconds.map(|t| Field::Int(t as i64)),
                    );
                (EventType::LambdaFunctionScheduled, d)
            }
            _ => {
                let role = self
                    .frame(at)
                    .task
                    .as_ref()
                    .and_then(|t| t.role.clone())
                    .map(|r| Field::Json(Box::new(json!({ "roleArn": r }))));
                let d = Details::new("taskScheduledEventDetails")
                    .field("parameters", Field::BarePayload(parameters_text))
                    .text("region", self.config.region.as_str());
                let d = resource
                    .named(d)
                    .maybe(
                        "timeoutInSeconds",
                        timeout_seconds.map(|t| Field::Int(t as i64)),
                    )
                    .maybe(
                        "heartbeatInSeconds",
                        heartbeat_seconds.map(|h| Field::Int(h as i64)),
                    )
                    .maybe("taskCredentials", role);
                (EventType::TaskScheduled, d)
            }
        };
        self.emit(at, ty, details, Some(name));
        self.frame_mut(at).phase = Phase::TaskStarted;
        self.schedule(at);
    }

    pub(crate) fn task_started(&mut self, at: FrameRef) {
        let Some((resource, name)) = self.task_meta(at, "TaskStarted") else {
            return;
        };
        let (ty, details) = match &resource.kind {
            Resource::LambdaFunction(_) => (EventType::LambdaFunctionStarted, Details::none()),
            _ => (
                EventType::TaskStarted,
                resource.named(Details::new("taskStartedEventDetails")),
            ),
        };
        self.emit(at, ty, details, Some(name.clone()));
        // Timers run from the moment the task starts.
        let now = self.now;
        let gen = self.frame(at).generation;
        let (timeout_at, heartbeat_at) = match self.frame_mut(at).task.as_mut() {
            Some(task) => {
                task.timeout_deadline = task
                    .timeout_seconds
                    .map(|t| clock::later(now, t as i64 * 1000));
                task.heartbeat_deadline = task
                    .heartbeat_seconds
                    .map(|h| clock::later(now, h as i64 * 1000));
                (task.timeout_deadline, task.heartbeat_deadline)
            }
            None => (None, None),
        };
        if let Some(t) = timeout_at {
            self.push(t, Work::TaskTimeout { at, gen });
        }
        if let Some(d) = heartbeat_at {
            self.push(
                d,
                Work::Heartbeat {
                    at,
                    gen,
                    deadline: d,
                },
            );
        }
        let pattern = resource.kind.pattern();
        let next = match &resource.kind {
            Resource::StartExecution(p) => {
                let params = self
                    .frame(at)
                    .task
                    .as_ref()
                    .map(|t| t.parameters.clone())
                    .unwrap_or_default();
                self.start_child(at, &name, &params, *p)
            }
            _ => self.mocked_or_manual(at, &name, pattern),
        };
        let schedule = !matches!(next, Phase::TaskWaiting);
        self.frame_mut(at).phase = next;
        if schedule {
            self.schedule(at);
        }
    }

    pub(crate) fn task_submitted(&mut self, at: FrameRef, out: Payload) {
        let Some((resource, name)) = self.task_meta(at, "TaskSubmitted") else {
            return;
        };
        let d = resource.named(Details::new("taskSubmittedEventDetails").payload("output", out));
        self.emit(at, EventType::TaskSubmitted, d, Some(name));
        if let Some(token) = self.frame(at).task.as_ref().and_then(|t| t.token.clone()) {
            let kind = match resource.kind.pattern() {
                Pattern::Sync | Pattern::Sync2 => PendingKind::ChildExecution,
                _ => PendingKind::Callback,
            };
            self.register_token(at, token, kind);
        }
        self.frame_mut(at).phase = Phase::TaskWaiting;
    }

    pub(crate) fn task_done(&mut self, at: FrameRef, outcome: TaskOutcome) {
        let Some((resource, name)) = self.task_meta(at, "TaskDone") else {
            return;
        };
        let lambda = matches!(resource.kind, Resource::LambdaFunction(_));
        // Whatever happens next, this attempt's timers, token and child are done with.
        let (token, child) = self
            .frame(at)
            .task
            .as_ref()
            .map_or((None, None), |t| (t.token.clone(), t.child));
        if let Some(t) = token {
            if self.tokens.remove(&t).is_some() {
                self.spent_tokens.insert(t, ());
            }
        }
        self.frame_mut(at).generation += 1;
        let timed_out = matches!(outcome, TaskOutcome::TimedOut(_));
        // Serialized once: for the size limit and for the history.
        let result_text = match &outcome {
            TaskOutcome::Succeeded(v) => Some(payload_text(v)),
            _ => None,
        };
        let outcome = match outcome {
            TaskOutcome::Succeeded(_)
                if result_text
                    .as_ref()
                    .is_some_and(|t| t.len() > self.config.limits.max_payload_bytes) =>
            {
                let who = if lambda {
                    &resource.resource
                } else {
                    &resource.resource_type
                };
                TaskOutcome::Failed(StatesError::new(
                    names::DATA_LIMIT_EXCEEDED,
                    format!("The state/task '{who}' returned a result with a size exceeding the maximum number of bytes service limit."),
                ))
            }
            o => o,
        };
        match outcome {
            TaskOutcome::Succeeded(v) => {
                let text = result_text.unwrap_or_else(|| payload_text(&v));
                let details = if lambda {
                    (
                        EventType::LambdaFunctionSucceeded,
                        Details::new("lambdaFunctionSucceededEventDetails").payload("output", text),
                    )
                } else {
                    (
                        EventType::TaskSucceeded,
                        resource.named(
                            Details::new("taskSucceededEventDetails").payload("output", text),
                        ),
                    )
                };
                self.emit(at, details.0, details.1, Some(name));
                let h = self.here(at.exec);
                let Some(st) = self.current(&h, at) else {
                    return;
                };
                let res = self.after_result(at, st, v);
                match res {
                    Ok((out, assign)) => self.go_exit(at, out, Self::transition_of(st), assign),
                    Err(e) => self.handle_error(at, e),
                }
            }
            TaskOutcome::Failed(e) | TaskOutcome::TimedOut(e) => {
                let (ty, key) = match (lambda, timed_out) {
                    (true, false) => (
                        EventType::LambdaFunctionFailed,
                        "lambdaFunctionFailedEventDetails",
                    ),
                    (true, true) => (
                        EventType::LambdaFunctionTimedOut,
                        "lambdaFunctionTimedOutEventDetails",
                    ),
                    (false, false) => (EventType::TaskFailed, "taskFailedEventDetails"),
                    (false, true) => (EventType::TaskTimedOut, "taskTimedOutEventDetails"),
                };
                let mut d = Details::new(key)
                    .maybe(
                        "error",
                        (!e.error.is_empty() || lambda || timed_out)
                            .then(|| Field::text(e.error.as_str())),
                    )
                    .maybe("cause", e.cause.as_deref().map(Field::text));
                if !lambda {
                    d = resource.named(d);
                }
                self.emit(at, ty, d, Some(name));
                self.stop_child(child);
                self.handle_error(at, e);
            }
        }
    }
}
