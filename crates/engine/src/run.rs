//! The interpreter: how each unit of work moves a frame from one phase to the next, emitting
//! AWS's history events. Every phase edge is in `advance`; the per-state work is in the
//! `start_*` functions; errors go through `handle_error` (Retry, then Catch, then failure).

use crate::clock::{self, MAX_SECONDS};
use crate::dataflow::{self, states_value, Jsonata};
use crate::engine::{Deadline, Engine, PendingKind, TokenRef, Work};
use crate::execution::{
    resolve, ExecutionStatus, Frame, FrameRole, Join, ParentLink, Phase, TaskOutcome, TaskRun,
};
use crate::history::{payload_text, Details, EventType, Field, Payload, StateType};
use crate::mocks::MockAnswer;
use crate::resources::{Pattern, Resource, TaskResource};
use crate::start_response::StartAnswer;
use crate::variables;
use std::sync::Arc;
use stepwise_asl::error::names;
use stepwise_asl::model::{Definition, Dynamic, Kind, State, Template, Transition, Wait};
use stepwise_asl::scope::{Random, Scope};
use stepwise_asl::StatesError;
use stepwise_json::{json, Map, Value};

type Res<T> = Result<T, StatesError>;

/// The cause of an execution that outlived AWS's maximum execution time.
const MAX_DURATION_CAUSE: &str =
    "The execution ran longer than the maximum execution time of 1 year (31536000 seconds).";

/// What a Catcher hands on. A failure reported without an error name (SendTaskFailure with
/// neither field) shows both fields as null, as AWS does.
fn error_output(e: &StatesError) -> Value {
    let mut m = Map::new();
    if e.error.is_empty() {
        m.insert("Error".into(), Value::Null);
        m.insert(
            "Cause".into(),
            e.cause.as_ref().map_or(Value::Null, |c| json!(c)),
        );
        return Value::Object(m);
    }
    m.insert("Error".into(), json!(e.error));
    if let Some(c) = &e.cause {
        m.insert("Cause".into(), json!(c));
    }
    Value::Object(m)
}

/// Does a Retrier's or Catcher's `ErrorEquals` cover this error?
fn error_matches(list: &[String], e: &StatesError) -> bool {
    list.iter().any(|n| {
        n == &e.error
            // AWS's recordings show States.ALL catching States.DataLimitExceeded; only
            // States.Runtime escapes it.
            || (n == names::ALL && e.error != names::RUNTIME)
            || (n == names::TASK_FAILED
                && e.error != names::TIMEOUT
                && e.error != names::RUNTIME
                && e.error != names::DATA_LIMIT_EXCEEDED
                && !e.error.starts_with("States.")
                || n == names::TASK_FAILED && e.error == names::TASK_FAILED)
    })
}

fn as_seconds(v: &Value) -> Option<u64> {
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
    /// Applies one queued work item. `Some(exec)` when it concerned a live execution.
    pub(crate) fn apply(&mut self, work: Work) -> Option<usize> {
        match work {
            Work::Advance { exec, frame, gen } => {
                if !self.frame_live(exec, frame, gen) {
                    return None;
                }
                if self.history_full(exec) {
                    return Some(exec);
                }
                self.advance(exec, frame);
                Some(exec)
            }
            Work::TaskTimeout { exec, frame, gen } => {
                if !self.frame_live(exec, frame, gen) || !self.task_in_flight(exec, frame) {
                    return None;
                }
                let e = StatesError::without_cause(names::TIMEOUT);
                self.executions[exec].frames[frame].phase =
                    Phase::TaskDone(TaskOutcome::TimedOut(e));
                self.advance(exec, frame);
                Some(exec)
            }
            Work::Heartbeat {
                exec,
                frame,
                gen,
                deadline,
            } => {
                if !self.frame_live(exec, frame, gen) || !self.task_in_flight(exec, frame) {
                    return None;
                }
                let current = self.executions[exec].frames[frame]
                    .task
                    .as_ref()
                    .and_then(|t| t.heartbeat_deadline);
                if current != Some(deadline) {
                    return None;
                }
                let e = StatesError::without_cause(names::TIMEOUT);
                self.executions[exec].frames[frame].phase =
                    Phase::TaskDone(TaskOutcome::TimedOut(e));
                self.advance(exec, frame);
                Some(exec)
            }
            Work::ExecutionTimeout { exec, deadline } => {
                if !self.executions[exec].is_running() {
                    return None;
                }
                // AWS: past the maximum execution time an execution fails with States.Timeout,
                // as one whose TimeoutSeconds elapsed; the cause tells the two apart.
                let cause = match deadline {
                    Deadline::TimeoutSeconds => None,
                    Deadline::MaxDuration => Some(MAX_DURATION_CAUSE),
                    Deadline::ExpressMaxDuration => Some(crate::engine::EXPRESS_MAX_DURATION_CAUSE),
                };
                let d = Details::new("executionTimedOutEventDetails")
                    .text("error", names::TIMEOUT)
                    .maybe("cause", cause.map(Field::text));
                self.emit_raw(exec, None, EventType::ExecutionTimedOut, d, None);
                self.end_execution(
                    exec,
                    ExecutionStatus::TimedOut,
                    None,
                    Some(names::TIMEOUT.into()),
                    cause.map(str::to_owned),
                );
                Some(exec)
            }
            Work::Complete {
                exec,
                frame,
                gen,
                outcome,
            } => {
                if !self.frame_live(exec, frame, gen) {
                    return None;
                }
                match self.executions[exec].frames[frame].phase {
                    Phase::TaskWaiting => {
                        self.executions[exec].frames[frame].phase = Phase::TaskDone(outcome);
                        self.advance(exec, frame);
                        Some(exec)
                    }
                    // Answered before the task reached its waiting point: try again right after.
                    Phase::TaskScheduled | Phase::TaskStarted | Phase::TaskSubmitted(_) => {
                        self.push(
                            self.now,
                            Work::Complete {
                                exec,
                                frame,
                                gen,
                                outcome,
                            },
                        );
                        None
                    }
                    _ => None,
                }
            }
        }
    }

    fn frame_live(&self, exec: usize, frame: usize, gen: u64) -> bool {
        let e = &self.executions[exec];
        e.is_running() && e.frames.get(frame).is_some_and(|f| f.generation == gen)
    }

    fn task_in_flight(&self, exec: usize, frame: usize) -> bool {
        matches!(
            self.executions[exec].frames[frame].phase,
            Phase::TaskStarted | Phase::TaskSubmitted(_) | Phase::TaskWaiting
        )
    }

    /// AWS fails an execution that reaches its history quota.
    fn history_full(&mut self, exec: usize) -> bool {
        let limit = self.config.limits.max_history_events;
        if self.executions[exec].history.len() + 1 < limit {
            return false;
        }
        let cause =
            format!("The execution reached the maximum number of history events ({limit}).");
        let d = Details::new("executionFailedEventDetails")
            .text("error", names::RUNTIME)
            .text("cause", cause.as_str());
        self.emit_raw(exec, None, EventType::ExecutionFailed, d, None);
        self.end_execution(
            exec,
            ExecutionStatus::Failed,
            None,
            Some(names::RUNTIME.into()),
            Some(cause),
        );
        true
    }

    /// The execution's definition, held apart from `&mut self` so that a state can be read
    /// while the engine changes.
    fn here(&self, exec: usize) -> Arc<Definition> {
        self.executions[exec].definition.clone()
    }

    /// The state a frame is in, borrowed from the execution's definition (held by the caller, so
    /// that the engine stays free to change while the state is read).
    fn current<'d>(&self, def: &'d Definition, exec: usize, frame: usize) -> &'d State {
        let f = self.frame(exec, frame);
        &resolve(def, &f.scope).list[f.state]
    }

    /// Where the states of branch `branch` of this frame's Map/Parallel state live.
    fn child_scope(&self, exec: usize, frame: usize, branch: u32) -> crate::execution::ScopePath {
        let f = self.frame(exec, frame);
        let mut scope = f.scope.clone();
        scope.push((f.state as u32, branch));
        scope
    }

    fn frame(&self, exec: usize, frame: usize) -> &Frame {
        &self.executions[exec].frames[frame]
    }

    fn frame_mut(&mut self, exec: usize, frame: usize) -> &mut Frame {
        &mut self.executions[exec].frames[frame]
    }

    /// The context object (`$$`) of a frame's current state, with the parts the state can read
    /// (all of them unless its definition names only particular leaves).
    pub(crate) fn context(
        &self,
        exec: usize,
        frame: usize,
        item: Option<(usize, &Value)>,
    ) -> Value {
        use stepwise_asl::model::ContextField as F;
        let e = &self.executions[exec];
        let f = &e.frames[frame];
        let st = &resolve(&e.definition, &f.scope).list[f.state];
        if !st.uses_context() {
            return Value::Null;
        }
        let need = st.context_fields;
        // Keys are inserted in AWS's order, so that `$$` or `$$.Execution` read whole print as AWS's do.
        let part = |leaves: &[(bool, &str, &dyn Fn() -> Value)]| -> Option<Value> {
            let m: Map = leaves
                .iter()
                .filter(|(wanted, ..)| *wanted)
                .map(|(_, key, value)| (stepwise_json::Key::from(*key), value()))
                .collect();
            (!m.is_empty()).then_some(Value::Object(m))
        };
        let execution = part(&[
            (need.has(F::ExecutionId), "Id", &|| json!(e.arn)),
            (need.has(F::ExecutionInput), "Input", &|| e.input.clone()),
            (need.has(F::ExecutionStartTime), "StartTime", &|| {
                json!(crate::clock::iso8601(e.start_millis))
            }),
            (need.has(F::ExecutionName), "Name", &|| json!(e.name)),
            (need.has(F::ExecutionRoleArn), "RoleArn", &|| {
                json!(self.config.role_arn)
            }),
            (need.has(F::ExecutionRedriveCount), "RedriveCount", &|| {
                json!(0)
            }),
        ]);
        let machine = part(&[
            (need.has(F::StateMachineId), "Id", &|| json!(e.machine_arn)),
            (need.has(F::StateMachineName), "Name", &|| {
                json!(e.machine_name)
            }),
        ]);
        let state = part(&[
            (need.has(F::StateName), "Name", &|| {
                Value::String(st.name.to_string())
            }),
            (need.has(F::StateEnteredTime), "EnteredTime", &|| {
                json!(crate::clock::iso8601(f.entered_millis))
            }),
            (
                matches!(st.kind, Kind::Task(_)) && need.has(F::StateRetryCount),
                "RetryCount",
                &|| json!(f.retry_count),
            ),
        ]);
        let mut ctx = Map::new();
        for (key, value) in [
            ("Execution", execution),
            ("StateMachine", machine),
            ("State", state),
        ] {
            if let Some(v) = value {
                ctx.insert(key.into(), v);
            }
        }
        if need.has(F::TaskToken) {
            if let Some(t) = f.task.as_ref().and_then(|t| t.token.as_ref()) {
                ctx.insert("Task".into(), json!({ "Token": t }));
            }
        }
        if let (true, Some((i, v))) = (need.has(F::MapItem), item) {
            ctx.insert("Map".into(), json!({"Item": {"Index": i, "Value": v}}));
        }
        Value::Object(ctx)
    }

    /// Prefixes runtime causes the way AWS does, naming the state and its entered event.
    fn located(&self, exec: usize, frame: usize, mut e: StatesError) -> StatesError {
        if e.error == names::RUNTIME || e.error == names::QUERY_EVALUATION_ERROR {
            let f = self.frame(exec, frame);
            let name = &resolve(&self.executions[exec].definition, &f.scope).list[f.state].name;
            let prefix = "An error occurred while executing the state";
            if let Some(c) = &e.cause {
                if !c.starts_with(prefix) {
                    e.cause = Some(format!(
                        "{prefix} '{name}' (entered at the event id #{}). {c}",
                        f.entered_event
                    ));
                }
            }
        }
        e
    }

    fn advance(&mut self, exec: usize, frame: usize) {
        let phase = std::mem::replace(&mut self.frame_mut(exec, frame).phase, Phase::Parked);
        match phase {
            Phase::Enter(input) => self.enter(exec, frame, input),
            Phase::Exit {
                output,
                next,
                assign,
            } => self.exit(exec, frame, output, next, assign),
            Phase::TaskScheduled => self.task_scheduled(exec, frame),
            Phase::TaskStarted => self.task_started(exec, frame),
            Phase::TaskSubmitted(out) => self.task_submitted(exec, frame, out),
            Phase::TaskDone(outcome) => self.task_done(exec, frame, outcome),
            Phase::MapStarted => self.map_started(exec, frame),
            Phase::MapLaunch => self.map_launch(exec, frame),
            Phase::ParallelStarted => self.parallel_started(exec, frame),
            Phase::JoinDone => self.join_done(exec, frame),
            Phase::Restart => self.start_state(exec, frame),
            Phase::Finish(result) => self.finish(exec, frame, result),
            p @ (Phase::TaskWaiting | Phase::Parked | Phase::Dead) => {
                self.frame_mut(exec, frame).phase = p
            }
        }
    }

    // ---- entering and leaving states ---------------------------------------------------

    fn enter(&mut self, exec: usize, frame: usize, input: Value) {
        let h = self.here(exec);
        let st = self.current(&h, exec, frame);
        let ty = EventType::state_entered(StateType::of(&st.kind));
        let text = match self.frame_mut(exec, frame).next_input_text.take() {
            Some(t) => t,
            None => payload_text(&input),
        };
        self.frame_mut(exec, frame).input_text = Some(text.clone());
        let details = Details::new("stateEnteredEventDetails")
            .payload("input", text)
            .text("name", st.name.clone());
        let name = st.name.clone();
        let retries = st.common.retry.len();
        let id = self.emit_raw(exec, Some(frame), ty, details, Some(name));
        let now = self.now;
        let f = self.frame_mut(exec, frame);
        f.entered_event = id;
        f.entered_millis = now;
        f.state_input = input;
        f.retry_count = 0;
        f.retry_attempts = vec![0; retries];
        f.task = None;
        f.join = None;
        f.output_is_input = false;
        self.start_state(exec, frame);
    }

    /// Does the state's own work after it was entered (or re-runs a retried Map/Parallel).
    fn start_state(&mut self, exec: usize, frame: usize) {
        let h = self.here(exec);
        let st = self.current(&h, exec, frame);
        let result = match &st.kind {
            Kind::Pass { result } => self.start_pass(exec, frame, st, result.as_ref()),
            Kind::Choice(_) => self.start_choice(exec, frame, st),
            Kind::Wait(w) => self.start_wait(exec, frame, st, w),
            Kind::Succeed => self.start_succeed(exec, frame, st),
            Kind::Fail(_) => self.start_fail(exec, frame, st),
            Kind::Task(_) => self.start_task(exec, frame, st),
            Kind::Parallel(_) => self.start_parallel(exec, frame, st),
            Kind::Map(_) => self.start_map(exec, frame, st),
        };
        if let Err(e) = result {
            // AWS marks a Map that could not evaluate its items as failed before giving up.
            let fail_event = matches!(st.kind, Kind::Map(_)).then_some(EventType::MapStateFailed);
            self.handle_error_with(exec, frame, e, fail_event);
        }
    }

    /// Evaluates JSONPath-mode work over `input`; `reads_context` says whether it may read `$$`
    /// (building the context object is a good part of a transition's cost).
    fn scope_eval<T>(
        &mut self,
        exec: usize,
        frame: usize,
        input: &Value,
        item: Option<(usize, &Value)>,
        reads_context: bool,
        f: impl FnOnce(&Scope, &mut dyn Random) -> T,
    ) -> T {
        let ctx = if reads_context {
            self.context(exec, frame, item)
        } else {
            Value::Null
        };
        let vars = std::mem::take(&mut self.frame_mut(exec, frame).vars);
        let out = {
            let scope = Scope {
                input,
                context: &ctx,
                vars: &vars,
            };
            f(&scope, &mut self.rng)
        };
        self.frame_mut(exec, frame).vars = vars;
        out
    }

    fn jsonata_eval<T>(
        &mut self,
        exec: usize,
        frame: usize,
        result: Option<&Value>,
        error_output: Option<&Value>,
        f: impl FnOnce(&Jsonata, &mut dyn Random) -> T,
    ) -> T {
        let ctx = self.context(exec, frame, None);
        let input = self.frame(exec, frame).state_input.clone();
        let states = states_value(input, ctx, result, error_output);
        let vars = std::mem::take(&mut self.frame_mut(exec, frame).vars);
        let out = {
            let j = Jsonata {
                states: &states,
                vars: &vars,
                now_millis: self.now,
            };
            f(&j, &mut self.rng)
        };
        self.frame_mut(exec, frame).vars = vars;
        out
    }

    /// JSONPath: InputPath. JSONata: the raw input. (Values share their contents, so handing
    /// the raw input on copies nothing.)
    fn effective_input(&mut self, exec: usize, frame: usize, st: &State) -> Res<Value> {
        let input = self.frame(exec, frame).state_input.clone();
        if st.is_jsonata() {
            return Ok(input);
        }
        self.apply_path(exec, frame, &st.common.input_path, input)
    }

    /// InputPath or OutputPath applied to `value` (an identity path hands it on untouched).
    fn apply_path(
        &mut self,
        exec: usize,
        frame: usize,
        field: &stepwise_asl::model::PathField,
        value: Value,
    ) -> Res<Value> {
        if dataflow::is_identity(field) {
            return Ok(value);
        }
        self.scope_eval(
            exec,
            frame,
            &value,
            None,
            path_reads_context(field),
            |s, _| dataflow::select(field, s),
        )
    }

    /// ResultPath + OutputPath (JSONPath) or Output (JSONata), then Assign: what a state hands on.
    fn finish_output(
        &mut self,
        exec: usize,
        frame: usize,
        st: &State,
        result: Value,
    ) -> Res<(Value, Option<Map>)> {
        if st.is_jsonata() {
            let (out, assign) = self.jsonata_eval(exec, frame, Some(&result), None, |j, rng| {
                let out = match &st.common.output {
                    Some(o) => j.template(o, "Output", rng)?,
                    None => result.clone(),
                };
                let assign = st
                    .common
                    .assign
                    .as_ref()
                    .map(|a| j.assign(a, rng))
                    .transpose()?;
                Ok::<_, StatesError>((out, assign))
            })?;
            return Ok((out, assign));
        }
        let assign = match &st.common.assign {
            Some(a) => {
                Some(
                    self.scope_eval(exec, frame, &result, None, a.reads_context, |s, rng| {
                        dataflow::assign_jsonpath(a, s, rng)
                    })?,
                )
            }
            None => None,
        };
        // The raw input is needed only when the result goes inside it or replaces nothing.
        let raw = match st.common.result_path {
            stepwise_asl::model::ResultPathField::Default => Value::Null,
            _ => self.frame(exec, frame).state_input.clone(),
        };
        let combined = dataflow::apply_result_path(&st.common.result_path, raw, result)?;
        let out = self.apply_path(exec, frame, &st.common.output_path, combined)?;
        Ok((out, assign))
    }

    /// Output and Assign of a state that produces no result of its own (Choice, Wait): JSONata
    /// templates over `$states.input`, or OutputPath and a JSONPath Assign over the effective input.
    fn without_result(
        &mut self,
        exec: usize,
        frame: usize,
        st: &State,
        eff: Value,
        output: Option<&Value>,
        assign: Option<&Template>,
    ) -> Res<(Value, Option<Map>)> {
        if st.is_jsonata() {
            return self.jsonata_eval(exec, frame, None, None, |j, rng| {
                let out = match output {
                    Some(o) => j.template(o, "Output", rng)?,
                    None => eff,
                };
                let assign = assign.map(|a| j.assign(a, rng)).transpose()?;
                Ok((out, assign))
            });
        }
        let assigned = match assign {
            Some(a) => {
                Some(
                    self.scope_eval(exec, frame, &eff, None, a.reads_context, |s, rng| {
                        dataflow::assign_jsonpath(a, s, rng)
                    })?,
                )
            }
            None => None,
        };
        self.note_passthrough(exec, frame, st);
        Ok((
            self.apply_path(exec, frame, &st.common.output_path, eff)?,
            assigned,
        ))
    }

    /// A JSONPath state whose InputPath and OutputPath are both `$` outputs exactly its input.
    fn note_passthrough(&mut self, exec: usize, frame: usize, st: &State) {
        if dataflow::is_identity(&st.common.input_path)
            && dataflow::is_identity(&st.common.output_path)
        {
            self.frame_mut(exec, frame).output_is_input = true;
        }
    }

    fn go_exit(
        &mut self,
        exec: usize,
        frame: usize,
        output: Value,
        next: Transition,
        assign: Option<Map>,
    ) {
        self.frame_mut(exec, frame).phase = Phase::Exit {
            output,
            next,
            assign,
        };
        self.schedule(exec, frame);
    }

    fn transition_of(st: &State) -> Transition {
        st.common.transition.clone().unwrap_or(Transition::End)
    }

    fn start_pass(
        &mut self,
        exec: usize,
        frame: usize,
        st: &State,
        result: Option<&Value>,
    ) -> Res<()> {
        let eff = self.effective_input(exec, frame, st)?;
        let value = if st.is_jsonata() {
            eff
        } else if let Some(r) = result {
            r.clone()
        } else {
            match &st.common.parameters {
                Some(p) => {
                    self.scope_eval(exec, frame, &eff, None, p.reads_context, |s, rng| {
                        dataflow::template(p, s, rng)
                    })?
                }
                None => eff,
            }
        };
        let (out, assign) = self.finish_output(exec, frame, st, value)?;
        self.go_exit(exec, frame, out, Self::transition_of(st), assign);
        Ok(())
    }

    fn start_succeed(&mut self, exec: usize, frame: usize, st: &State) -> Res<()> {
        let eff = self.effective_input(exec, frame, st)?;
        let out = if st.is_jsonata() {
            match &st.common.output {
                Some(o) => self.jsonata_eval(exec, frame, None, None, |j, rng| {
                    j.template(o, "Output", rng)
                })?,
                None => eff,
            }
        } else {
            self.note_passthrough(exec, frame, st);
            self.apply_path(exec, frame, &st.common.output_path, eff)?
        };
        self.go_exit(exec, frame, out, Transition::End, None);
        Ok(())
    }

    fn start_choice(&mut self, exec: usize, frame: usize, st: &State) -> Res<()> {
        let Kind::Choice(choice) = &st.kind else {
            unreachable!()
        };
        let eff = self.effective_input(exec, frame, st)?;
        let mut chosen = None;
        for (i, branch) in choice.choices.iter().enumerate() {
            let hit = match &branch.rule {
                stepwise_asl::model::ChoiceCondition::Rule(r) => {
                    self.scope_eval(exec, frame, &eff, None, st.uses_context(), |s, _| {
                        r.evaluate(s)
                    })?
                }
                stepwise_asl::model::ChoiceCondition::Jsonata(c) => {
                    let v = self.jsonata_eval(exec, frame, None, None, |j, rng| {
                        j.value(c, "Condition", rng)
                    })?;
                    match v {
                        Value::Bool(b) => b,
                        other => {
                            return Err(StatesError::new(
                                names::QUERY_EVALUATION_ERROR,
                                format!(
                                "The Condition field evaluated to {other}, which is not a boolean."
                            ),
                            ))
                        }
                    }
                }
            };
            if hit {
                chosen = Some(i);
                break;
            }
        }
        let (next, output_tpl, assign_tpl) = match chosen {
            Some(i) => {
                let b = &choice.choices[i];
                (
                    b.next.clone(),
                    b.output.as_ref().or(st.common.output.as_ref()),
                    b.assign.as_ref().or(st.common.assign.as_ref()),
                )
            }
            None => match &choice.default {
                Some(d) => (
                    d.clone(),
                    st.common.output.as_ref(),
                    st.common.assign.as_ref(),
                ),
                None => return Err(StatesError::without_cause(names::NO_CHOICE_MATCHED)),
            },
        };
        let (out, assign) = self.without_result(exec, frame, st, eff, output_tpl, assign_tpl)?;
        self.go_exit(exec, frame, out, Transition::Next(next), assign);
        Ok(())
    }

    /// A number from a literal, a `…Path` or a JSONata expression.
    fn dynamic_value(
        &mut self,
        exec: usize,
        frame: usize,
        d: &Dynamic,
        field: &str,
        input: &Value,
    ) -> Res<Value> {
        match d {
            Dynamic::Literal(v) => Ok(v.clone()),
            Dynamic::Expression(text) => {
                let v = Value::String(text.clone());
                self.jsonata_eval(exec, frame, None, None, |j, rng| j.value(&v, field, rng))
            }
            Dynamic::Path(p) => {
                self.scope_eval(exec, frame, input, None, p.reads_context(), |s, _| {
                    p.try_select_cow(s).map(|v| v.map(std::borrow::Cow::into_owned))
                })?
                .ok_or_else(|| {
                    StatesError::runtime(format!(
                        "The JSONPath '{}' specified for the field '{field}Path' could not be found in the input '{}'",
                        p.text(),
                        input
                    ))
                })
            }
            Dynamic::Intrinsic(call) => {
                let path_field = format!("{field}Path");
                let reads_context = call.text().contains("$$");
                self.scope_eval(exec, frame, input, None, reads_context, |s, rng| call.evaluate_in_field(Some(&path_field), s, rng))
            }
        }
    }

    fn start_wait(&mut self, exec: usize, frame: usize, st: &State, w: &Wait) -> Res<()> {
        let eff = self.effective_input(exec, frame, st)?;
        let due = match w {
            Wait::Seconds(d) => {
                let v = self.dynamic_value(exec, frame, d, "Seconds", &eff)?;
                let path_text = match d {
                    Dynamic::Path(p) => p.text().to_owned(),
                    _ => String::new(),
                };
                let secs = match &v {
                    Value::Number(n) if n.as_i64().is_some() => n.as_i64().unwrap_or(0),
                    // Beyond i64 a number is no long value (1e300 once wrapped around to "now").
                    Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e18) => n.as_f64().unwrap_or(0.0) as i64,
                    _ if matches!(d, Dynamic::Expression(_)) => {
                        return Err(StatesError::new(names::QUERY_EVALUATION_ERROR, format!("The Seconds field must be a non-negative integer, got: {v}")))
                    }
                    _ => return Err(StatesError::runtime(format!("The SecondsPath parameter cannot be parsed as a long value: {path_text} == {v}"))),
                };
                if secs < 0 {
                    if matches!(d, Dynamic::Expression(_)) {
                        return Err(StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            format!("The Seconds field must be a non-negative integer, got: {v}"),
                        ));
                    }
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter references a negative value: {path_text} == {v}"
                    )));
                }
                if secs > MAX_SECONDS {
                    if matches!(d, Dynamic::Expression(_)) {
                        return Err(StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            format!("The Seconds field must be an integer from 0 to {MAX_SECONDS}, got: {v}"),
                        ));
                    }
                    return Err(StatesError::runtime(format!(
                        "The SecondsPath parameter references a value greater than the maximum of {MAX_SECONDS} seconds: {path_text} == {v}"
                    )));
                }
                clock::later(self.now, secs * 1000)
            }
            Wait::Timestamp(d) => {
                let v = self.dynamic_value(exec, frame, d, "Timestamp", &eff)?;
                let parsed = v.as_str().and_then(crate::clock::parse_iso8601);
                match (parsed, d) {
                    (Some(t), _) => t.max(self.now),
                    (None, Dynamic::Path(p)) => {
                        let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        return Err(StatesError::runtime(format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {shown}",
                            p.text()
                        )));
                    }
                    (None, _) => {
                        let shown = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                        return Err(StatesError::new(
                            names::QUERY_EVALUATION_ERROR,
                            format!("The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {shown}"),
                        ));
                    }
                }
            }
        };
        let (out, assign) = self.without_result(
            exec,
            frame,
            st,
            eff,
            st.common.output.as_ref(),
            st.common.assign.as_ref(),
        )?;
        self.frame_mut(exec, frame).phase = Phase::Exit {
            output: out,
            next: Self::transition_of(st),
            assign,
        };
        self.schedule_at(due, exec, frame);
        Ok(())
    }

    fn start_fail(&mut self, exec: usize, frame: usize, st: &State) -> Res<()> {
        let Kind::Fail(fail) = &st.kind else {
            unreachable!()
        };
        let input = self.frame(exec, frame).state_input.clone();
        let field = |this: &mut Self, d: &Option<Dynamic>, name: &str| -> Res<Option<String>> {
            let Some(d) = d else { return Ok(None) };
            let v = this.dynamic_value(exec, frame, d, name, &input)?;
            match v {
                Value::String(s) => Ok(Some(s)),
                Value::Null => Ok(None),
                other => Ok(Some(other.to_string())),
            }
        };
        let error = field(self, &fail.error, "Error")?;
        let cause = field(self, &fail.cause, "Cause")?;
        self.frame_mut(exec, frame).phase = Phase::Finish(Err(StatesError {
            error: error.unwrap_or_default(),
            cause,
        }));
        self.schedule(exec, frame);
        Ok(())
    }

    fn exit(
        &mut self,
        exec: usize,
        frame: usize,
        output: Value,
        next: Transition,
        assign: Option<Map>,
    ) {
        let h = self.here(exec);
        let st = self.current(&h, exec, frame);
        // An error here, on the way out of a Catcher, is not caught again: the same Catcher
        // would take it and fail the same way, for ever.
        let caught = std::mem::take(&mut self.frame_mut(exec, frame).exiting_catcher);
        let fail = |this: &mut Self, e: StatesError| {
            if caught {
                this.frame_mut(exec, frame).phase = Phase::Finish(Err(e));
                this.schedule(exec, frame);
            } else {
                this.handle_error(exec, frame, e);
            }
        };
        if nesting_exceeds(&output, MAX_NESTING) {
            let e = StatesError::runtime(format!(
                "The state output is nested deeper than {MAX_NESTING} levels."
            ));
            fail(self, e);
            return;
        }
        let f = self.frame_mut(exec, frame);
        let reused = if std::mem::take(&mut f.output_is_input) {
            f.input_text.clone()
        } else {
            None
        };
        let text = reused.unwrap_or_else(|| payload_text(&output));
        if text.len() > self.config.limits.max_payload_bytes {
            let e = StatesError::new(
                names::DATA_LIMIT_EXCEEDED,
                format!("The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.", st.name),
            );
            fail(self, e);
            return;
        }
        let checked = match &assign {
            Some(a) => {
                let f = self.frame(exec, frame);
                let sizes = variables::Sizes {
                    frame: f.var_bytes,
                    execution: self.executions[exec].var_bytes,
                };
                match variables::check(&st.name, a, &f.vars, sizes, &self.config.limits) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        fail(self, e);
                        return;
                    }
                }
            }
            None => None,
        };
        // A Fail state never reaches Exit (it finishes its frame): no event for it.
        let Some(ty) = EventType::state_exited(StateType::of(&st.kind)) else {
            self.frame_mut(exec, frame).phase = Phase::Finish(Ok(output));
            self.schedule(exec, frame);
            return;
        };
        let (assigned, sizes) = match checked {
            Some(c) => (Some(Field::Variables(c.texts)), Some(c.sizes)),
            None => (None, None),
        };
        // The next state's Entered event (or the execution's end) records the same text.
        let reuse = text.clone();
        let d = Details::new("stateExitedEventDetails")
            .maybe("assignedVariables", assigned)
            .text("name", st.name.clone())
            .payload("output", text);
        self.emit_raw(exec, Some(frame), ty, d, Some(st.name.clone()));
        if let Some(a) = assign {
            let f = self.frame_mut(exec, frame);
            for (k, v) in a {
                f.vars.insert(k, v);
            }
            if let Some(sizes) = sizes {
                f.var_bytes = sizes.frame;
                self.executions[exec].var_bytes = sizes.execution;
            }
        }
        match next {
            Transition::Next(n) => {
                let Some(&target) = resolve(&h, &self.frame(exec, frame).scope).by_name.get(&n)
                else {
                    let e = StatesError::runtime(format!("Missing transition target: '{n}'"));
                    self.frame_mut(exec, frame).phase = Phase::Finish(Err(e));
                    self.schedule(exec, frame);
                    return;
                };
                let f = self.frame_mut(exec, frame);
                f.state = target;
                f.phase = Phase::Enter(output);
                f.next_input_text = Some(reuse);
            }
            Transition::End => {
                let f = self.frame_mut(exec, frame);
                f.phase = Phase::Finish(Ok(output));
                f.next_input_text = Some(reuse);
            }
        }
        self.schedule(exec, frame);
    }

    // ---- errors ------------------------------------------------------------------------

    fn handle_error(&mut self, exec: usize, frame: usize, e: StatesError) {
        self.handle_error_with(exec, frame, e, None);
    }

    /// `fail_event` (`MapStateFailed`, ...) is recorded only when no Retry takes the error:
    /// AWS starts a retried Map or Parallel again without marking it failed.
    fn handle_error_with(
        &mut self,
        exec: usize,
        frame: usize,
        e: StatesError,
        fail_event: Option<EventType>,
    ) {
        let e = self.located(exec, frame, e);
        let h = self.here(exec);
        let st = self.current(&h, exec, frame);
        if e.error == names::QUERY_EVALUATION_ERROR {
            let d = Details::new("evaluationFailedEventDetails")
                .text("error", e.error.as_str())
                .maybe("cause", e.cause.as_deref().map(Field::text))
                .text("state", st.name.clone());
            self.emit_raw(
                exec,
                Some(frame),
                EventType::EvaluationFailed,
                d,
                Some(st.name.clone()),
            );
        }
        if e.error != names::RUNTIME {
            // Retry: the first retrier whose ErrorEquals matches decides.
            if let Some(ri) = st
                .common
                .retry
                .iter()
                .position(|r| error_matches(&r.error_equals, &e))
            {
                let r = &st.common.retry[ri];
                let attempts = self
                    .frame(exec, frame)
                    .retry_attempts
                    .get(ri)
                    .copied()
                    .unwrap_or(0);
                if attempts < r.max_attempts {
                    let jitter = r.jitter_full.then(|| self.rng.next_f64());
                    let delay = clock::retry_delay_millis(
                        r.interval_seconds,
                        r.backoff_rate,
                        attempts,
                        r.max_delay_seconds,
                        jitter,
                    );
                    let f = self.frame_mut(exec, frame);
                    if let Some(a) = f.retry_attempts.get_mut(ri) {
                        *a += 1;
                    }
                    f.retry_count += 1;
                    f.phase = match st.kind {
                        Kind::Task(_) => Phase::TaskScheduled,
                        _ => Phase::Restart,
                    };
                    if let Kind::Task(_) = st.kind {
                        // The parameters are evaluated again only when the state is entered again;
                        // a retry re-sends the same request.
                    }
                    let due = clock::later(self.now, delay);
                    self.schedule_at(due, exec, frame);
                    return;
                }
            }
            if let Some(ty) = fail_event {
                self.emit_raw(
                    exec,
                    Some(frame),
                    ty,
                    Details::none(),
                    Some(st.name.clone()),
                );
            }
            if let Some(c) = st
                .common
                .catch
                .iter()
                .find(|c| error_matches(&c.error_equals, &e))
            {
                let err_out = error_output(&e);
                let res = if st.is_jsonata() {
                    self.jsonata_eval(exec, frame, None, Some(&err_out), |j, rng| {
                        let out = match &c.output {
                            Some(o) => j.template(o, "Output", rng)?,
                            None => err_out.clone(),
                        };
                        let assign = c.assign.as_ref().map(|a| j.assign(a, rng)).transpose()?;
                        Ok::<_, StatesError>((out, assign))
                    })
                } else {
                    let raw = self.frame(exec, frame).state_input.clone();
                    let assign = match &c.assign {
                        Some(a) => self
                            .scope_eval(exec, frame, &err_out, None, a.reads_context, |s, rng| {
                                dataflow::assign_jsonpath(a, s, rng)
                            })
                            .map(Some),
                        None => Ok(None),
                    };
                    assign.and_then(|a| {
                        dataflow::apply_result_path(&c.result_path, raw, err_out.clone())
                            .map(|o| (o, a))
                    })
                };
                match res {
                    Ok((out, assign)) => {
                        self.frame_mut(exec, frame).exiting_catcher = true;
                        self.go_exit(exec, frame, out, Transition::Next(c.next.clone()), assign)
                    }
                    Err(e2) => {
                        let e2 = self.located(exec, frame, e2);
                        self.frame_mut(exec, frame).phase = Phase::Finish(Err(e2));
                        self.schedule(exec, frame);
                    }
                }
                return;
            }
        }
        // States.Runtime reaches here directly: it ends the execution without the state's own
        // failure event.
        self.frame_mut(exec, frame).phase = Phase::Finish(Err(e));
        self.schedule(exec, frame);
    }

    fn finish(&mut self, exec: usize, frame: usize, result: Result<Value, StatesError>) {
        let role = self.frame(exec, frame).role.clone();
        match role {
            FrameRole::Root => match result {
                Ok(out) => {
                    let output_text = self
                        .frame_mut(exec, frame)
                        .next_input_text
                        .take()
                        .unwrap_or_else(|| payload_text(&out));
                    self.emit_raw(
                        exec,
                        Some(frame),
                        EventType::ExecutionSucceeded,
                        Details::new("executionSucceededEventDetails")
                            .payload("output", output_text),
                        None,
                    );
                    self.end_execution(exec, ExecutionStatus::Succeeded, Some(out), None, None);
                }
                Err(e) => {
                    let d = Details::new("executionFailedEventDetails")
                        .maybe(
                            "error",
                            (!e.error.is_empty()).then(|| Field::text(e.error.as_str())),
                        )
                        .maybe("cause", e.cause.as_deref().map(Field::text));
                    self.emit_raw(exec, Some(frame), EventType::ExecutionFailed, d, None);
                    let err = if e.error.is_empty() {
                        None
                    } else {
                        Some(e.error)
                    };
                    self.end_execution(exec, ExecutionStatus::Failed, None, err, e.cause);
                }
            },
            FrameRole::Iteration { parent, index } => {
                let h = self.here(exec);
                let map_name = self.current(&h, exec, parent).name.clone();
                let child_last = self.frame(exec, frame).last_event;
                let ty = if result.is_ok() {
                    EventType::MapIterationSucceeded
                } else {
                    EventType::MapIterationFailed
                };
                let key = if result.is_ok() {
                    "mapIterationSucceededEventDetails"
                } else {
                    "mapIterationFailedEventDetails"
                };
                let d = Details::new(key)
                    .int("index", index as i64)
                    .text("name", map_name.clone());
                let id = self.emit_raw(exec, Some(frame), ty, d, Some(map_name));
                self.frame_mut(exec, parent).last_event = child_last;
                if let Some(j) = self.frame_mut(exec, parent).join.as_mut() {
                    j.last_iteration_event = id;
                }
                self.retire(exec, frame);
                self.join_child_done(exec, parent, index, result);
            }
            FrameRole::Branch { parent, index } => {
                let child_last = self.frame(exec, frame).last_event;
                let pf = self.frame_mut(exec, parent);
                pf.last_event = pf.last_event.max(child_last);
                if let Some(j) = pf.join.as_mut() {
                    j.last_iteration_event = child_last;
                }
                self.retire(exec, frame);
                self.join_child_done(exec, parent, index, result);
            }
        }
    }

    fn retire(&mut self, exec: usize, frame: usize) {
        let f = self.frame_mut(exec, frame);
        let was_dead = matches!(f.phase, Phase::Dead);
        f.phase = Phase::Dead;
        f.generation += 1;
        f.vars = Map::new();
        // What the frame assigned itself is no longer stored.
        let own = f.var_bytes as i64 - std::mem::take(&mut f.inherited_var_bytes) as i64;
        f.var_bytes = 0;
        f.state_input = Value::Null;
        f.effective_input = Value::Null;
        let total = &mut self.executions[exec].var_bytes;
        *total = (*total as i64 - own).max(0) as usize;
        let f = self.frame_mut(exec, frame);
        if !was_dead && !matches!(f.role, FrameRole::Root) {
            self.executions[exec].free_frames.push(frame);
        }
    }

    // ---- tasks ------------------------------------------------------------------------

    fn start_task(&mut self, exec: usize, frame: usize, st: &State) -> Res<()> {
        let Kind::Task(task) = &st.kind else {
            unreachable!()
        };
        let resource = TaskResource::parse(&task.resource);
        let token = match resource.kind.pattern() {
            Pattern::WaitForTaskToken | Pattern::Sync | Pattern::Sync2 => Some(self.new_token()),
            Pattern::RequestResponse => None,
        };
        self.frame_mut(exec, frame).task = Some(TaskRun {
            token,
            resource: Some(resource),
            ..TaskRun::default()
        });
        let eff = self.effective_input(exec, frame, st)?;
        let params = if st.is_jsonata() {
            match &st.common.arguments {
                Some(a) => self.jsonata_eval(exec, frame, None, None, |j, rng| {
                    j.template(a, "Arguments", rng)
                })?,
                None => eff.clone(),
            }
        } else {
            match &st.common.parameters {
                Some(p) => {
                    self.scope_eval(exec, frame, &eff, None, p.reads_context, |s, rng| {
                        dataflow::template(p, s, rng)
                    })?
                }
                None => eff.clone(),
            }
        };
        let seconds = |this: &mut Self, d: &Option<Dynamic>, name: &str| -> Res<Option<u64>> {
            let Some(d) = d else { return Ok(None) };
            let v = this.dynamic_value(exec, frame, d, name, &eff)?;
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
        let t = self
            .frame_mut(exec, frame)
            .task
            .get_or_insert_with(TaskRun::default);
        t.parameters = params;
        t.timeout_seconds = timeout;
        t.heartbeat_seconds = heartbeat;
        self.frame_mut(exec, frame).phase = Phase::TaskScheduled;
        self.schedule(exec, frame);
        Ok(())
    }

    pub(crate) fn new_token(&mut self) -> String {
        let mut s = String::with_capacity(3 + 6 * 16);
        s.push_str("AQB");
        for _ in 0..6 {
            stepwise_asl::scope::push_hex(&mut s, &self.rng.next_u64().to_be_bytes());
        }
        s
    }

    /// The task's resource (parsed when the attempt started) and its state's name.
    fn task_meta(&self, exec: usize, frame: usize) -> (Arc<TaskResource>, Arc<str>) {
        let e = &self.executions[exec];
        let f = &e.frames[frame];
        let st = &resolve(&e.definition, &f.scope).list[f.state];
        let Kind::Task(t) = &st.kind else {
            unreachable!("task phases only run on Task states")
        };
        let resource = f
            .task
            .as_ref()
            .and_then(|run| run.resource.clone())
            .unwrap_or_else(|| TaskResource::parse(&t.resource));
        (resource, st.name.clone())
    }

    fn task_scheduled(&mut self, exec: usize, frame: usize) {
        let (resource, name) = self.task_meta(exec, frame);
        let (parameters_text, timeout_seconds, heartbeat_seconds) =
            match &self.frame(exec, frame).task {
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
                let role = {
                    let h = self.here(exec);
                    match &self.current(&h, exec, frame).kind {
                        Kind::Task(t) => t.credentials.as_ref().map(|c| Field::Json(Box::new(json!({ "roleArn": c.get("RoleArn").cloned().unwrap_or(Value::Null) })))),
                        _ => None,
                    }
                };
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
        self.emit_raw(exec, Some(frame), ty, details, Some(name));
        self.frame_mut(exec, frame).phase = Phase::TaskStarted;
        self.schedule(exec, frame);
    }

    fn task_started(&mut self, exec: usize, frame: usize) {
        let (resource, name) = self.task_meta(exec, frame);
        let (ty, details) = match &resource.kind {
            Resource::LambdaFunction(_) => (EventType::LambdaFunctionStarted, Details::none()),
            _ => (
                EventType::TaskStarted,
                resource.named(Details::new("taskStartedEventDetails")),
            ),
        };
        self.emit_raw(exec, Some(frame), ty, details, Some(name.clone()));
        // Timers run from the moment the task starts.
        let now = self.now;
        let gen = self.frame(exec, frame).generation;
        let task = self
            .frame_mut(exec, frame)
            .task
            .get_or_insert_with(TaskRun::default);
        let timeout_at = task
            .timeout_seconds
            .map(|t| clock::later(now, t as i64 * 1000));
        let heartbeat_at = task
            .heartbeat_seconds
            .map(|h| clock::later(now, h as i64 * 1000));
        task.timeout_deadline = timeout_at;
        task.heartbeat_deadline = heartbeat_at;
        if let Some(t) = timeout_at {
            self.push(t, Work::TaskTimeout { exec, frame, gen });
        }
        if let Some(d) = heartbeat_at {
            self.push(
                d,
                Work::Heartbeat {
                    exec,
                    frame,
                    gen,
                    deadline: d,
                },
            );
        }
        let pattern = resource.kind.pattern();
        let next = match &resource.kind {
            Resource::StartExecution(p) => {
                let params = self
                    .frame(exec, frame)
                    .task
                    .as_ref()
                    .map(|t| t.parameters.clone())
                    .unwrap_or_default();
                self.start_child(exec, frame, &name, &params, *p)
            }
            _ => {
                let machine = self.executions[exec].machine_name.clone();
                let answer = self.mocks.next_answer(&machine, &name, exec as u32);
                match (answer, pattern) {
                    (Some(MockAnswer::Throw { error, cause }), _) => {
                        Phase::TaskDone(TaskOutcome::Failed(StatesError { error, cause }))
                    }
                    (Some(MockAnswer::Return(v)), Pattern::WaitForTaskToken) => {
                        Phase::TaskSubmitted(payload_text(&v).into())
                    }
                    (None | Some(MockAnswer::Hang), Pattern::WaitForTaskToken) => {
                        Phase::TaskSubmitted(Payload::Text(Arc::from("{}")))
                    }
                    (Some(MockAnswer::Return(v)), _) => Phase::TaskDone(TaskOutcome::Succeeded(v)),
                    (Some(MockAnswer::Hang), _) => Phase::TaskWaiting,
                    (None, _) => {
                        // Nobody answers this resource: a person completes it with its token.
                        let token = self.new_token();
                        let gen = self.frame(exec, frame).generation;
                        if let Some(t) = self.frame_mut(exec, frame).task.as_mut() {
                            t.token = Some(token.clone());
                            t.manual = true;
                        }
                        self.executions[exec].issued_tokens.push(token.clone());
                        self.tokens.insert(
                            token,
                            TokenRef {
                                exec,
                                frame,
                                gen,
                                kind: PendingKind::Manual,
                            },
                        );
                        Phase::TaskWaiting
                    }
                }
            }
        };
        let schedule = !matches!(next, Phase::TaskWaiting);
        self.frame_mut(exec, frame).phase = next;
        if schedule {
            self.schedule(exec, frame);
        }
    }

    fn task_submitted(&mut self, exec: usize, frame: usize, out: Payload) {
        let (resource, name) = self.task_meta(exec, frame);
        let d = resource.named(Details::new("taskSubmittedEventDetails").payload("output", out));
        self.emit_raw(exec, Some(frame), EventType::TaskSubmitted, d, Some(name));
        let gen = self.frame(exec, frame).generation;
        if let Some(token) = self
            .frame(exec, frame)
            .task
            .as_ref()
            .and_then(|t| t.token.clone())
        {
            let kind = match resource.kind.pattern() {
                Pattern::Sync | Pattern::Sync2 => PendingKind::ChildExecution,
                _ => PendingKind::Callback,
            };
            self.executions[exec].issued_tokens.push(token.clone());
            self.tokens.insert(
                token,
                TokenRef {
                    exec,
                    frame,
                    gen,
                    kind,
                },
            );
        }
        self.frame_mut(exec, frame).phase = Phase::TaskWaiting;
    }

    fn task_done(&mut self, exec: usize, frame: usize, outcome: TaskOutcome) {
        let (resource, name) = self.task_meta(exec, frame);
        let lambda = matches!(resource.kind, Resource::LambdaFunction(_));
        // Whatever happens next, this attempt's timers, token and child are done with.
        let (token, child) = self
            .frame(exec, frame)
            .task
            .as_ref()
            .map_or((None, None), |t| (t.token.clone(), t.child));
        if let Some(t) = token {
            if self.tokens.remove(&t).is_some() {
                self.spent_tokens.insert(t, ());
            }
        }
        self.frame_mut(exec, frame).generation += 1;
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
                self.emit_raw(exec, Some(frame), details.0, details.1, Some(name));
                let h = self.here(exec);
                let st = self.current(&h, exec, frame);
                let res = self.after_result(exec, frame, st, v);
                match res {
                    Ok((out, assign)) => {
                        self.go_exit(exec, frame, out, Self::transition_of(st), assign)
                    }
                    Err(e) => self.handle_error(exec, frame, e),
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
                self.emit_raw(exec, Some(frame), ty, d, Some(name));
                self.stop_child(child);
                self.handle_error(exec, frame, e);
            }
        }
    }

    /// ResultSelector, then ResultPath/OutputPath or Output, then Assign.
    fn after_result(
        &mut self,
        exec: usize,
        frame: usize,
        st: &State,
        result: Value,
    ) -> Res<(Value, Option<Map>)> {
        let selected = match (&st.common.result_selector, st.is_jsonata()) {
            (Some(rs), false) => {
                self.scope_eval(exec, frame, &result, None, rs.reads_context, |s, rng| {
                    dataflow::template(rs, s, rng)
                })?
            }
            _ => result,
        };
        self.finish_output(exec, frame, st, selected)
    }

    fn stop_child(&mut self, child: Option<crate::ExecutionId>) {
        if let Some(child) = child {
            let c = child.0 as usize;
            if self.executions[c].is_running() {
                let arn = self.executions[c].arn.clone();
                let _ = self.stop_execution(&arn, None, None);
            }
        }
    }

    // ---- nested executions -----------------------------------------------------------------

    fn start_child(
        &mut self,
        exec: usize,
        frame: usize,
        state_name: &str,
        params: &Value,
        pattern: Pattern,
    ) -> Phase {
        let arn = params
            .get("StateMachineArn")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let input = match params.get("Input") {
            None | Some(Value::Null) => json!({}),
            Some(Value::String(s)) => {
                serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
            }
            Some(v) => v.clone(),
        };
        let name = params
            .get("Name")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let gen = self.frame(exec, frame).generation;
        let link = ParentLink {
            execution: self.executions[exec].id,
            state_name: Some(state_name.to_owned()),
            waiting_frame: matches!(pattern, Pattern::Sync | Pattern::Sync2)
                .then_some((frame, gen)),
            pattern_sync2: pattern == Pattern::Sync2,
        };
        match self.start_with_value(&arn, name.as_deref(), input, Some(link)) {
            Err(api) => {
                let request_id = stepwise_asl::scope::uuid_v4(&mut self.rng);
                let code = &api.name;
                let cause = format!("{} (Service: AWSStepFunctions; Status Code: 400; Error Code: {code}; Request ID: {request_id}; Proxy: null)", api.message);
                Phase::TaskDone(TaskOutcome::Failed(StatesError::new(
                    format!("StepFunctions.{code}Exception"),
                    cause,
                )))
            }
            Ok(child) => {
                if let Some(t) = self.frame_mut(exec, frame).task.as_mut() {
                    t.child = Some(child);
                }
                self.start_response(child, pattern)
            }
        }
    }

    /// What StartExecution answered: the task's result for a request-response call, else what
    /// its TaskSubmitted event records (written out only if someone reads the event).
    fn start_response(&mut self, child: crate::ExecutionId, pattern: Pattern) -> Phase {
        let e = &self.executions[child.0 as usize];
        let answer = StartAnswer {
            request_id: stepwise_asl::scope::uuid_v4(&mut self.rng),
            execution_arn: e.arn.clone(),
            start_millis: e.start_millis,
            answered_millis: self.now,
        };
        match pattern {
            Pattern::RequestResponse => Phase::TaskDone(TaskOutcome::Succeeded(answer.value())),
            _ => Phase::TaskSubmitted(Payload::Deferred(Arc::new(answer))),
        }
    }

    /// The child's DescribeExecution as the `.sync` integrations return it.
    pub(crate) fn describe_for_parent(&self, child: usize, sync2: bool) -> Value {
        let e = &self.executions[child];
        // Sized for all of its keys: growing a map rehashes every key.
        let mut o = Map::with_capacity(16);
        let as_text = |v: &Value| {
            if sync2 {
                v.clone()
            } else {
                Value::String(v.to_json_string())
            }
        };
        if let Some(c) = &e.cause {
            o.insert("Cause".into(), json!(c));
        }
        if let Some(er) = &e.error {
            o.insert("Error".into(), json!(er));
        }
        o.insert("ExecutionArn".into(), json!(e.arn));
        o.insert("Input".into(), as_text(&e.input));
        o.insert("InputDetails".into(), included());
        o.insert("Name".into(), json!(e.name));
        if let Some(out) = &e.output {
            o.insert("Output".into(), as_text(out));
            o.insert("OutputDetails".into(), included());
        }
        if e.status == ExecutionStatus::Succeeded {
            o.insert("RedriveCount".into(), json!(0));
            o.insert("RedriveStatus".into(), json!("NOT_REDRIVABLE"));
            o.insert(
                "RedriveStatusReason".into(),
                json!("Execution is SUCCEEDED and cannot be redriven"),
            );
        }
        o.insert("StartDate".into(), json!(e.start_millis));
        if let Some(a) = &e.origin.alias_arn {
            o.insert("StateMachineAliasArn".into(), json!(a));
        }
        o.insert("StateMachineArn".into(), json!(e.machine_arn));
        if let Some(v) = &e.origin.version_arn {
            o.insert("StateMachineVersionArn".into(), json!(v));
        }
        o.insert("Status".into(), json!(e.status.as_str()));
        if let Some(s) = e.stop_millis {
            o.insert("StopDate".into(), json!(s));
        }
        Value::Object(o)
    }

    /// A finished child tells the `.sync` task that waits for it.
    pub(crate) fn notify_parent(&mut self, child: usize) {
        let Some(link) = self.executions[child].parent.clone() else {
            return;
        };
        let Some((frame, gen)) = link.waiting_frame else {
            return;
        };
        let p = link.execution.0 as usize;
        if !self.executions[p].is_running() {
            return;
        }
        let described = self.describe_for_parent(child, link.pattern_sync2);
        let outcome = if self.executions[child].status == ExecutionStatus::Succeeded {
            TaskOutcome::Succeeded(described)
        } else {
            let text = if link.pattern_sync2 {
                described.to_string()
            } else {
                self.describe_for_parent(child, false).to_string()
            };
            // Each level nests the child's cause as escaped text; AWS caps causes, which also
            // keeps a chain of failing children from growing without bound.
            TaskOutcome::Failed(StatesError::new(
                names::TASK_FAILED,
                crate::api::clip_cause(text),
            ))
        };
        self.push(
            self.now,
            Work::Complete {
                exec: p,
                frame,
                gen,
                outcome,
            },
        );
    }

    /// Stops the `.sync` children of an execution (or of one of its frames) that still run.
    pub(crate) fn stop_children_of(&mut self, exec: usize, frame: Option<usize>) {
        let kids: Vec<String> = self.executions[exec]
            .children
            .iter()
            .map(|c| &self.executions[c.0 as usize])
            .filter(|c| c.is_running())
            .filter(|c| {
                c.parent.as_ref().is_some_and(|l| {
                    l.waiting_frame
                        .is_some_and(|(f, _)| frame.is_none_or(|x| x == f))
                })
            })
            .map(|c| c.arn.clone())
            .collect();
        for arn in kids {
            let _ = self.stop_execution(&arn, None, None);
        }
    }

    // ---- Map and Parallel ----------------------------------------------------------------

    fn number_field(
        &mut self,
        exec: usize,
        frame: usize,
        d: &Option<Dynamic>,
        field: &str,
        input: &Value,
    ) -> Res<Option<f64>> {
        let Some(d) = d else { return Ok(None) };
        let v = self.dynamic_value(exec, frame, d, field, input)?;
        match (&v, d) {
            (Value::Number(n), _) => Ok(n.as_f64()),
            // AWS accepts numbers written as strings ("1") in these fields.
            (Value::String(s), Dynamic::Path(_)) if s.trim().parse::<f64>().is_ok() => {
                Ok(s.trim().parse::<f64>().ok())
            }
            (_, Dynamic::Path(p)) => {
                let kind = if field == "ToleratedFailurePercentage" {
                    "a valid float"
                } else {
                    "a valid integer"
                };
                let shown = match &v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Err(StatesError::runtime(format!(
                    "The {field}Path field refers to value \"{shown}\" which is not {kind}: {}",
                    p.text()
                )))
            }
            _ => Err(StatesError::new(
                names::QUERY_EVALUATION_ERROR,
                format!("The {field} field must be a number, got: {v}"),
            )),
        }
    }

    fn start_map(&mut self, exec: usize, frame: usize, st: &State) -> Res<()> {
        let Kind::Map(m) = &st.kind else {
            unreachable!()
        };
        let eff = self.effective_input(exec, frame, st)?;
        let items_value = if st.is_jsonata() {
            match &m.items {
                Some(i) => {
                    let v = self
                        .jsonata_eval(exec, frame, None, None, |j, rng| j.value(i, "Items", rng))?;
                    if !v.is_array() {
                        let text = i.as_str().map_or_else(|| i.to_string(), str::to_owned);
                        return Err(stepwise_asl::query::unexpected_type(
                            &text, "Items", "array", &v,
                        ));
                    }
                    v
                }
                None => eff.clone(),
            }
        } else {
            self.scope_eval(
                exec,
                frame,
                &eff,
                None,
                path_reads_context(&m.items_path),
                |s, _| dataflow::select(&m.items_path, s),
            )?
        };
        let Value::Array(items) = items_value else {
            let msg = format!(
                "Map state input must be an array but was: {}",
                items_value.to_json_string()
            );
            let name = if st.is_jsonata() {
                names::QUERY_EVALUATION_ERROR
            } else {
                names::RUNTIME
            };
            return Err(StatesError::new(name, msg));
        };
        let items = items.into_vec();
        let maxc = self
            .number_field(exec, frame, &m.max_concurrency, "MaxConcurrency", &eff)?
            .unwrap_or(0.0);
        // AWS reads the tolerated-failure settings only after the Map has started.
        let tolerance = (|| {
            let c = self.number_field(
                exec,
                frame,
                &m.tolerated_failure_count,
                "ToleratedFailureCount",
                &eff,
            )?;
            let p = self.number_field(
                exec,
                frame,
                &m.tolerated_failure_percentage,
                "ToleratedFailurePercentage",
                &eff,
            )?;
            if c.is_some_and(|c| c < 0.0) {
                return Err(StatesError::runtime(
                    "ToleratedFailureCount cannot be negative.",
                ));
            }
            if p.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
                return Err(StatesError::runtime(
                    "ToleratedFailurePercentage must be between 0 and 100.",
                ));
            }
            Ok((c, p))
        })();
        let (tol_count, tol_pct, start_error) = match tolerance {
            Ok((c, p)) => (c, p, None),
            Err(e) => (None, None, Some(e)),
        };
        let items = match &m.item_batcher {
            Some(b) => self.batch(exec, frame, b, items, &eff)?,
            None => items,
        };
        let n = items.len();
        self.frame_mut(exec, frame).effective_input = eff;
        self.frame_mut(exec, frame).join = Some(Join {
            is_map: true,
            items,
            results: vec![None; n],
            next_index: 0,
            running: 0,
            succeeded: 0,
            failed: 0,
            max_concurrency: if maxc <= 0.0 {
                usize::MAX
            } else {
                maxc as usize
            },
            tolerated_count: tol_count.map(|c| c as u64),
            tolerated_percentage: tol_pct,
            children: Vec::new(),
            failure: None,
            last_iteration_event: 0,
            distributed: m.distributed,
            start_error,
        });
        self.frame_mut(exec, frame).phase = Phase::MapStarted;
        self.schedule(exec, frame);
        Ok(())
    }

    /// ItemBatcher: groups items into `{"Items": [...], "BatchInput": ...}`.
    fn batch(
        &mut self,
        exec: usize,
        frame: usize,
        b: &Value,
        items: Vec<Value>,
        eff: &Value,
    ) -> Res<Vec<Value>> {
        let max_items = b
            .get("MaxItemsPerBatch")
            .and_then(Value::as_u64)
            .unwrap_or(items.len().max(1) as u64)
            .max(1) as usize;
        let batch_input = match b.get("BatchInput") {
            Some(t) => Some(self.scope_eval(exec, frame, eff, None, true, |s, rng| {
                dataflow::template_value(t, s, rng)
            })?),
            None => None,
        };
        Ok(items
            .chunks(max_items)
            .map(|c| {
                let mut o = Map::new();
                if let Some(bi) = &batch_input {
                    o.insert("BatchInput".into(), bi.clone());
                }
                o.insert("Items".into(), Value::from(c.to_vec()));
                Value::Object(o)
            })
            .collect())
    }

    fn map_started(&mut self, exec: usize, frame: usize) {
        let (len, name) = {
            let h = self.here(exec);
            let len = self
                .frame(exec, frame)
                .join
                .as_ref()
                .map_or(0, |j| j.items.len());
            (len, self.current(&h, exec, frame).name.clone())
        };
        self.emit_raw(
            exec,
            Some(frame),
            EventType::MapStateStarted,
            Details::new("mapStateStartedEventDetails").int("length", len as i64),
            Some(name.clone()),
        );
        let (start_error, distributed) = match self.frame_mut(exec, frame).join.as_mut() {
            Some(j) => (j.start_error.take(), j.distributed),
            None => (None, false),
        };
        if let Some(e) = start_error {
            self.handle_error(exec, frame, e);
            return;
        }
        if distributed {
            let machine = self.executions[exec].machine_name.clone();
            let run_id = stepwise_asl::scope::uuid_v4(&mut self.rng);
            let arn = format!(
                "arn:aws:states:{}:{}:mapRun:{machine}/{name}:{run_id}",
                self.config.region, self.config.account
            );
            self.emit_raw(
                exec,
                Some(frame),
                EventType::MapRunStarted,
                Details::new("mapRunStartedEventDetails").text("mapRunArn", arn),
                Some(name),
            );
        }
        self.frame_mut(exec, frame).phase = if len == 0 {
            Phase::JoinDone
        } else {
            Phase::MapLaunch
        };
        self.schedule(exec, frame);
    }

    fn map_launch(&mut self, exec: usize, frame: usize) {
        let h = self.here(exec);
        let st = self.current(&h, exec, frame);
        let Kind::Map(m) = &st.kind else {
            unreachable!()
        };
        let Some(j) = self.frame(exec, frame).join.as_ref() else {
            return;
        };
        if j.next_index >= j.items.len() || j.running >= j.max_concurrency || j.failure.is_some() {
            return;
        }
        let i = j.next_index;
        // Each item is launched once (a retried Map computes its items again), so it moves out.
        let raw_item = match self.frame_mut(exec, frame).join.as_mut() {
            Some(j) => std::mem::take(&mut j.items[i]),
            None => return,
        };
        let eff = self.frame(exec, frame).effective_input.clone();
        let item = match &m.item_selector {
            Some(sel) if st.is_jsonata() => {
                let ctx = {
                    let mut c = self.context(exec, frame, Some((i, &raw_item)));
                    if let Some(o) = c.as_object_mut() {
                        o.remove("Task");
                    }
                    c
                };
                let states =
                    states_value(self.frame(exec, frame).state_input.clone(), ctx, None, None);
                let vars = std::mem::take(&mut self.frame_mut(exec, frame).vars);
                let r = {
                    let jn = Jsonata {
                        states: &states,
                        vars: &vars,
                        now_millis: self.now,
                    };
                    jn.template(&sel.raw, "ItemSelector", &mut self.rng)
                };
                self.frame_mut(exec, frame).vars = vars;
                r
            }
            Some(sel) => self.scope_eval(
                exec,
                frame,
                &eff,
                Some((i, &raw_item)),
                sel.reads_context,
                |s, rng| dataflow::template(sel, s, rng),
            ),
            None => Ok(raw_item),
        };
        let item = match item {
            Ok(v) => v,
            Err(e) => {
                self.fail_join(exec, frame, e);
                return;
            }
        };
        let map_name = st.name.clone();
        if let Some(j) = self.frame_mut(exec, frame).join.as_mut() {
            j.next_index += 1;
            j.running += 1;
        }
        let started = if m.distributed {
            self.frame(exec, frame).last_event
        } else {
            let d = Details::new("mapIterationStartedEventDetails")
                .int("index", i as i64)
                .text("name", map_name.clone());
            self.emit_raw(
                exec,
                Some(frame),
                EventType::MapIterationStarted,
                d,
                Some(map_name),
            )
        };
        let child_scope = self.child_scope(exec, frame, 0);
        let vars = self.frame(exec, frame).vars.clone();
        let mut child = Frame::new(
            child_scope,
            FrameRole::Iteration {
                parent: frame,
                index: i,
            },
            m.processor.start_at,
            item,
            vars,
        );
        child.var_bytes = self.frame(exec, frame).var_bytes;
        child.inherited_var_bytes = child.var_bytes;
        child.last_event = started;
        // Distributed Map iterations run as child workflow executions of a Map Run: their
        // events are not part of this execution's history.
        child.silent = self.frame(exec, frame).silent || m.distributed;
        child.index_path = self
            .frame(exec, frame)
            .index_path
            .iter()
            .copied()
            .chain([i as u32])
            .collect();
        let cid = self.add_frame(exec, child);
        if let Some(j) = self.frame_mut(exec, frame).join.as_mut() {
            j.children.push(cid);
        }
        self.schedule(exec, cid);
        let more = self
            .frame(exec, frame)
            .join
            .as_ref()
            .is_some_and(|j| j.next_index < j.items.len() && j.running < j.max_concurrency);
        if more {
            self.frame_mut(exec, frame).phase = Phase::MapLaunch;
            self.schedule(exec, frame);
        }
    }

    /// Frames are reused once dead so that long Map runs do not grow the frame list forever.
    fn add_frame(&mut self, exec: usize, mut f: Frame) -> usize {
        let e = &mut self.executions[exec];
        match e.free_frames.pop() {
            Some(i) => {
                f.generation = e.frames[i].generation + 1;
                e.frames[i] = f;
                i
            }
            None => {
                e.frames.push(f);
                e.frames.len() - 1
            }
        }
    }

    fn start_parallel(&mut self, exec: usize, frame: usize, st: &State) -> Res<()> {
        let Kind::Parallel(p) = &st.kind else {
            unreachable!()
        };
        let eff = self.effective_input(exec, frame, st)?;
        let eff = if st.is_jsonata() {
            match &st.common.arguments {
                Some(a) => self.jsonata_eval(exec, frame, None, None, |j, rng| {
                    j.template(a, "Arguments", rng)
                })?,
                None => eff,
            }
        } else {
            match &st.common.parameters {
                Some(t) => {
                    self.scope_eval(exec, frame, &eff, None, t.reads_context, |s, rng| {
                        dataflow::template(t, s, rng)
                    })?
                }
                None => eff,
            }
        };
        let n = p.branches.len();
        self.frame_mut(exec, frame).effective_input = eff;
        self.frame_mut(exec, frame).join = Some(Join {
            is_map: false,
            items: Vec::new(),
            results: vec![None; n],
            next_index: n,
            running: 0,
            succeeded: 0,
            failed: 0,
            max_concurrency: usize::MAX,
            tolerated_count: None,
            tolerated_percentage: None,
            children: Vec::new(),
            failure: None,
            last_iteration_event: 0,
            distributed: false,
            start_error: None,
        });
        self.frame_mut(exec, frame).phase = Phase::ParallelStarted;
        self.schedule(exec, frame);
        Ok(())
    }

    fn parallel_started(&mut self, exec: usize, frame: usize) {
        let h = self.here(exec);
        let st = self.current(&h, exec, frame);
        let Kind::Parallel(p) = &st.kind else {
            unreachable!()
        };
        self.emit_raw(
            exec,
            Some(frame),
            EventType::ParallelStateStarted,
            Details::none(),
            Some(st.name.clone()),
        );
        let eff = self.frame(exec, frame).effective_input.clone();
        let started = self.frame(exec, frame).last_event;
        for (b, branch) in p.branches.iter().enumerate() {
            let child_scope = self.child_scope(exec, frame, b as u32);
            let vars = self.frame(exec, frame).vars.clone();
            let mut child = Frame::new(
                child_scope,
                FrameRole::Branch {
                    parent: frame,
                    index: b,
                },
                branch.start_at,
                eff.clone(),
                vars,
            );
            child.var_bytes = self.frame(exec, frame).var_bytes;
            child.inherited_var_bytes = child.var_bytes;
            child.last_event = started;
            child.index_path = self
                .frame(exec, frame)
                .index_path
                .iter()
                .copied()
                .chain([b as u32])
                .collect();
            let cid = self.add_frame(exec, child);
            if let Some(j) = self.frame_mut(exec, frame).join.as_mut() {
                j.children.push(cid);
                j.running += 1;
            }
            self.schedule(exec, cid);
        }
        if p.branches.is_empty() {
            self.frame_mut(exec, frame).phase = Phase::JoinDone;
            self.schedule(exec, frame);
        }
    }

    fn join_child_done(
        &mut self,
        exec: usize,
        parent: usize,
        index: usize,
        result: Result<Value, StatesError>,
    ) {
        let Some(j) = self.frame_mut(exec, parent).join.as_mut() else {
            return;
        };
        j.running = j.running.saturating_sub(1);
        match result {
            Ok(v) => {
                j.succeeded += 1;
                if let Some(slot) = j.results.get_mut(index) {
                    *slot = Some(v);
                }
            }
            Err(e) => {
                j.failed += 1;
                let total = j.results.len().max(1) as f64;
                let tolerated = j.is_map
                    && (j.tolerated_count.is_some_and(|c| j.failed as u64 <= c)
                        || j.tolerated_percentage
                            .is_some_and(|p| (j.failed as f64) * 100.0 / total <= p));
                if !tolerated && j.failure.is_none() {
                    let configured =
                        j.tolerated_count.is_some() || j.tolerated_percentage.is_some();
                    j.failure = Some(if j.is_map && configured {
                        StatesError::new(
                            names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                            "The specified tolerated failure threshold was exceeded",
                        )
                    } else {
                        e
                    });
                }
            }
        }
        let (failed, more, running) = (
            j.failure.is_some(),
            j.next_index < j.results.len(),
            j.running,
        );
        if failed {
            self.abort_children(exec, parent);
            self.frame_mut(exec, parent).phase = Phase::JoinDone;
            self.schedule(exec, parent);
        } else if more {
            if !matches!(self.frame(exec, parent).phase, Phase::MapLaunch) {
                self.frame_mut(exec, parent).phase = Phase::MapLaunch;
                self.schedule(exec, parent);
            }
        } else if running == 0 {
            self.frame_mut(exec, parent).phase = Phase::JoinDone;
            self.schedule(exec, parent);
        }
    }

    fn fail_join(&mut self, exec: usize, frame: usize, e: StatesError) {
        if let Some(j) = self.frame_mut(exec, frame).join.as_mut() {
            j.failure.get_or_insert(e);
        }
        self.abort_children(exec, frame);
        self.frame_mut(exec, frame).phase = Phase::JoinDone;
        self.schedule(exec, frame);
    }

    /// Ends the branches still running under a Map/Parallel frame (and their `.sync` children).
    fn abort_children(&mut self, exec: usize, frame: usize) {
        let children = self
            .frame(exec, frame)
            .join
            .as_ref()
            .map(|j| j.children.clone())
            .unwrap_or_default();
        for c in children {
            let alive = !matches!(self.frame(exec, c).phase, Phase::Dead);
            let belongs = matches!(self.frame(exec, c).role, FrameRole::Iteration { parent, .. } | FrameRole::Branch { parent, .. } if parent == frame);
            if alive && belongs {
                self.abort_children(exec, c);
                self.stop_children_of(exec, Some(c));
                // AWS records the end of each Map iteration that a failing sibling cut short.
                if let FrameRole::Iteration { index, .. } = self.frame(exec, c).role {
                    let h = self.here(exec);
                    let map_name = self.current(&h, exec, frame).name.clone();
                    let details = Details::new("mapIterationAbortedEventDetails")
                        .int("index", index as i64)
                        .text("name", map_name.clone());
                    self.emit_raw(
                        exec,
                        Some(c),
                        EventType::MapIterationAborted,
                        details,
                        Some(map_name),
                    );
                }
                let dead: Vec<String> = self
                    .tokens
                    .iter()
                    .filter(|(_, t)| t.exec == exec && t.frame == c)
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in dead {
                    self.tokens.remove(&k);
                    self.spent_tokens.insert(k, ());
                }
                self.retire(exec, c);
            }
        }
        if let Some(j) = self.frame_mut(exec, frame).join.as_mut() {
            j.running = 0;
        }
    }

    fn join_done(&mut self, exec: usize, frame: usize) {
        let h = self.here(exec);
        let st = self.current(&h, exec, frame);
        let Some(j) = self.frame_mut(exec, frame).join.take() else {
            return;
        };
        let (ok_ty, fail_ty) = if j.is_map {
            (EventType::MapStateSucceeded, EventType::MapStateFailed)
        } else {
            (
                EventType::ParallelStateSucceeded,
                EventType::ParallelStateFailed,
            )
        };
        if j.last_iteration_event > 0 && j.is_map {
            self.frame_mut(exec, frame).last_event = j.last_iteration_event;
        }
        if let Some(e) = j.failure {
            if j.distributed {
                self.emit_raw(
                    exec,
                    Some(frame),
                    EventType::MapRunFailed,
                    Details::none(),
                    Some(st.name.clone()),
                );
            }
            self.handle_error_with(exec, frame, e, Some(fail_ty));
            return;
        }
        if j.distributed {
            self.emit_raw(
                exec,
                Some(frame),
                EventType::MapRunSucceeded,
                Details::none(),
                Some(st.name.clone()),
            );
        }
        // AWS records no success event for a Parallel state, only its exit.
        if j.is_map {
            self.emit_raw(
                exec,
                Some(frame),
                ok_ty,
                Details::none(),
                Some(st.name.clone()),
            );
        }
        let results: Vec<Value> = j
            .results
            .into_iter()
            .map(|r| r.unwrap_or(Value::Null))
            .collect();
        match self.after_result(exec, frame, st, Value::from(results)) {
            Ok((out, assign)) => self.go_exit(exec, frame, out, Self::transition_of(st), assign),
            Err(e) => self.handle_error(exec, frame, e),
        }
    }
}

/// How deep a state's output may nest. A loop that wraps its input again and again would
/// otherwise grow values until serializing or dropping them overflows the stack (the browser's
/// is small); JSON parsers, AWS's included, refuse such depths too.
pub(crate) const MAX_NESTING: usize = 200;

/// Whether an InputPath/OutputPath/ItemsPath reads the context object.
fn path_reads_context(field: &stepwise_asl::model::PathField) -> bool {
    matches!(field, stepwise_asl::model::PathField::Path(p) if p.reads_context())
}

/// Iterative, so that checking a deep value cannot itself overflow the stack.
pub(crate) fn nesting_exceeds(v: &Value, limit: usize) -> bool {
    let mut stack: Vec<(&Value, usize)> = vec![(v, 0)];
    while let Some((v, d)) = stack.pop() {
        if d > limit {
            return true;
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, d + 1))),
            Value::Object(o) => stack.extend(o.values().map(|x| (x, d + 1))),
            _ => {}
        }
    }
    false
}

/// `{"Included": true}`, which every DescribeExecution result carries twice: one shared value.
fn included() -> Value {
    static INCLUDED: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    INCLUDED.get_or_init(|| json!({"Included": true})).clone()
}
