//! The interpreter's core: how one unit of Work moves a frame from one phase to the next
//! (`apply`, `advance`), entering a state (its `<Type>StateEntered` event, then the state type's
//! own start in `states/`), leaving it (`<Type>StateExited`, Assign, the transition) and a frame
//! finishing (the execution's end, or a Map iteration's / Parallel branch's).

use crate::engine::Engine;
use crate::execution::{
    resolve, state_at, ExecutionStatus, Frame, FrameRef, FrameRole, Phase, TaskOutcome,
};
use crate::history::{payload_text, Details, EventType, Field, StateType};
use crate::queue::{Deadline, Work};
use crate::variables;
use std::sync::Arc;
use stepwise_asl::error::names;
use stepwise_asl::model::{Definition, Kind, State, Transition};
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

pub(crate) type Res<T> = Result<T, StatesError>;

/// The cause of an execution that outlived AWS's maximum execution time.
const MAX_DURATION_CAUSE: &str =
    "The execution ran longer than the maximum execution time of 1 year (31536000 seconds).";

impl Engine {
    /// Applies one queued work item. `Some(exec)` when it concerned a live execution.
    pub(crate) fn apply(&mut self, work: Work) -> Option<usize> {
        match work {
            Work::Advance { at, gen } => {
                if !self.frame_live(at, gen) {
                    return None;
                }
                if self.history_full(at.exec) {
                    return Some(at.exec);
                }
                self.advance(at);
                Some(at.exec)
            }
            Work::TaskTimeout { at, gen } => {
                // A timer of an attempt that ended is stale (the attempt bumped the generation);
                // a live one on a frame whose task is not in flight is an engine fault.
                if !self.frame_live(at, gen) {
                    return None;
                }
                if !self.task_in_flight(at) {
                    return self.timer_out_of_phase(at, "TaskTimeout");
                }
                let e = StatesError::without_cause(names::TIMEOUT);
                self.frame_mut(at).phase = Phase::TaskDone(TaskOutcome::TimedOut(e));
                self.advance(at);
                Some(at.exec)
            }
            Work::Heartbeat { at, gen, deadline } => {
                if !self.frame_live(at, gen) {
                    return None;
                }
                if !self.task_in_flight(at) {
                    return self.timer_out_of_phase(at, "Heartbeat");
                }
                let current = self
                    .frame_mut(at)
                    .task
                    .as_ref()
                    .and_then(|t| t.heartbeat_deadline);
                if current != Some(deadline) {
                    return None;
                }
                let e = StatesError::without_cause(names::TIMEOUT);
                self.frame_mut(at).phase = Phase::TaskDone(TaskOutcome::TimedOut(e));
                self.advance(at);
                Some(at.exec)
            }
            Work::ExecutionTimeout {
                exec,
                deadline,
                attempt,
            } => {
                let e = &self.executions[exec];
                if !e.is_running() || e.redrive_count != attempt {
                    return None;
                }
                // AWS: past the maximum execution time an execution fails with States.Timeout,
                // as one whose TimeoutSeconds elapsed; the cause tells the two apart.
                let cause = match deadline {
                    Deadline::TimeoutSeconds => None,
                    Deadline::MaxDuration => Some(MAX_DURATION_CAUSE),
                    Deadline::ExpressMaxDuration => Some(crate::queue::EXPRESS_MAX_DURATION_CAUSE),
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
            Work::Complete { at, gen, outcome } => {
                if !self.frame_live(at, gen) {
                    return None;
                }
                match self.frame_mut(at).phase {
                    Phase::TaskWaiting => {
                        self.frame_mut(at).phase = Phase::TaskDone(outcome);
                        self.advance(at);
                        Some(at.exec)
                    }
                    // Answered before the task reached its waiting point: try again right after.
                    Phase::TaskScheduled | Phase::TaskStarted | Phase::TaskSubmitted(_) => {
                        self.push(self.now, Work::Complete { at, gen, outcome });
                        None
                    }
                    ref p => {
                        let from = p.name();
                        self.illegal_transition(at, from, "Complete");
                        Some(at.exec)
                    }
                }
            }
        }
    }

    pub(crate) fn frame_live(&self, at: FrameRef, gen: u64) -> bool {
        let e = &self.executions[at.exec];
        e.is_running() && e.frames.get(at.frame).is_some_and(|f| f.generation == gen)
    }

    fn timer_out_of_phase(&mut self, at: FrameRef, event: &'static str) -> Option<usize> {
        let from = self.frame(at).phase.name();
        self.illegal_transition(at, from, event);
        Some(at.exec)
    }

    pub(crate) fn task_in_flight(&self, at: FrameRef) -> bool {
        matches!(
            self.frame(at).phase,
            Phase::TaskStarted | Phase::TaskSubmitted(_) | Phase::TaskWaiting
        )
    }

    /// AWS fails an execution that reaches its history quota.
    pub(crate) fn history_full(&mut self, exec: usize) -> bool {
        let limit = self.config.limits.max_history_events;
        if self.executions[exec].history.len() + 1 < limit {
            return false;
        }
        let cause =
            format!("The execution reached the maximum number of history events ({limit}).");
        self.fail_execution_at_runtime(exec, cause);
        true
    }

    /// Ends the execution with `States.Runtime` and `cause`, outside any state: what the engine
    /// itself decides (a quota reached, an engine fault), not a state's error.
    pub(crate) fn fail_execution_at_runtime(&mut self, exec: usize, cause: String) {
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
    }

    /// The execution's definition, held apart from `&mut self` so that a state can be read
    /// while the engine changes.
    pub(crate) fn here(&self, exec: usize) -> Arc<Definition> {
        self.executions[exec].definition.clone()
    }

    /// The state a frame is in, borrowed from the execution's definition (held by the caller, so
    /// that the engine stays free to change while the state is read). `None` after reporting an
    /// engine fault (the execution has failed) when the frame's scope leads to no state.
    pub(crate) fn current<'d>(&mut self, def: &'d Definition, at: FrameRef) -> Option<&'d State> {
        let st = state_at(def, self.frame(at));
        if st.is_none() {
            self.bad_scope(at);
        }
        st
    }

    /// Where the states of branch `branch` of this frame's Map/Parallel state live.
    pub(crate) fn child_scope(&self, at: FrameRef, branch: u32) -> crate::execution::ScopePath {
        let f = self.frame(at);
        let mut scope = f.scope.clone();
        scope.push((f.state as u32, branch));
        scope
    }

    pub(crate) fn frame(&self, at: FrameRef) -> &Frame {
        &self.executions[at.exec].frames[at.frame]
    }

    pub(crate) fn frame_mut(&mut self, at: FrameRef) -> &mut Frame {
        &mut self.executions[at.exec].frames[at.frame]
    }

    pub(crate) fn advance(&mut self, at: FrameRef) {
        let phase = std::mem::replace(&mut self.frame_mut(at).phase, Phase::Parked);
        match phase {
            Phase::Enter(input) => self.enter(at, input),
            Phase::Exit {
                output,
                next,
                assign,
            } => self.exit(at, output, next, assign),
            Phase::TaskScheduled => self.task_scheduled(at),
            Phase::TaskStarted => self.task_started(at),
            Phase::TaskSubmitted(out) => self.task_submitted(at, out),
            Phase::TaskDone(outcome) => self.task_done(at, outcome),
            Phase::MapStarted => self.map_started(at),
            Phase::MapLaunch => self.map_launch(at),
            Phase::ParallelStarted => self.parallel_started(at),
            Phase::JoinDone => self.join_done(at),
            Phase::Restart => self.start_state(at),
            Phase::Finish(result) => self.finish(at, result),
            // Nothing moves these on by a step of their own: a waiting task by its answer,
            // a parked at.frame by its children, a dead one never.
            p @ (Phase::TaskWaiting | Phase::Parked | Phase::Dead) => {
                let from = p.name();
                self.frame_mut(at).phase = p;
                self.illegal_transition(at, from, "Advance");
            }
        }
    }

    pub(crate) fn enter(&mut self, at: FrameRef, input: Value) {
        let h = self.here(at.exec);
        let Some(st) = self.current(&h, at) else {
            return;
        };
        let ty = EventType::state_entered(StateType::of(&st.kind));
        let text = match self.frame_mut(at).cache.next_input_text.take() {
            Some(t) => t,
            None => payload_text(&input),
        };
        self.frame_mut(at).cache.input_text = Some(text.clone());
        let details = Details::new("stateEnteredEventDetails")
            .payload("input", text)
            .text("name", st.name.clone());
        let name = st.name.clone();
        let retries = st.common.retry.len();
        let id = self.emit(at, ty, details, Some(name));
        self.begin_pipeline(at, id, &input, st.is_jsonata());
        let now = self.now;
        let f = self.frame_mut(at);
        f.entered_event = id;
        f.entered_millis = now;
        f.state_input = input;
        f.retry_count = 0;
        f.retry_attempts = vec![0; retries];
        f.task = None;
        f.join = None;
        f.failed_join = None;
        f.cache.output_is_input = false;
        self.start_state(at);
    }

    /// Does the state's own work after it was entered (or re-runs a retried Map/Parallel).
    pub(crate) fn start_state(&mut self, at: FrameRef) {
        let h = self.here(at.exec);
        let Some(st) = self.current(&h, at) else {
            return;
        };
        let result = match &st.kind {
            Kind::Pass { result } => self.start_pass(at, st, result.as_ref()),
            Kind::Choice(c) => self.start_choice(at, st, c),
            Kind::Wait(w) => self.start_wait(at, st, w),
            Kind::Succeed => self.start_succeed(at, st),
            Kind::Fail(f) => self.start_fail(at, f),
            Kind::Task(t) => self.start_task(at, st, t),
            Kind::Parallel(p) => self.start_parallel(at, st, p),
            Kind::Map(m) => self.start_map(at, st, m),
        };
        // A redrive's record of the children is for this state's start only.
        self.frame_mut(at).redrive_join = None;
        if let Err(e) = result {
            // AWS marks a Map that could not evaluate its items as failed before giving up.
            let fail_event = matches!(st.kind, Kind::Map(_)).then_some(EventType::MapStateFailed);
            self.handle_error_with(at, e, fail_event);
        }
    }

    pub(crate) fn go_exit(
        &mut self,
        at: FrameRef,
        output: Value,
        next: Transition,
        assign: Option<Map>,
    ) {
        self.record_output(at, &output, assign.as_ref());
        self.frame_mut(at).phase = Phase::Exit {
            output,
            next,
            assign,
        };
        self.schedule(at);
    }

    pub(crate) fn transition_of(st: &State) -> Transition {
        st.common.transition.clone().unwrap_or(Transition::End)
    }

    pub(crate) fn exit(
        &mut self,
        at: FrameRef,
        output: Value,
        next: Transition,
        assign: Option<Map>,
    ) {
        let h = self.here(at.exec);
        let Some(st) = self.current(&h, at) else {
            return;
        };
        // An error here, on the way out of a Catcher, is not caught again: the same Catcher
        // would take it and fail the same way, for ever.
        let caught = std::mem::take(&mut self.frame_mut(at).exiting_catcher);
        let fail = |this: &mut Self, e: StatesError| {
            if caught {
                this.frame_mut(at).phase = Phase::Finish(Err(e));
                this.schedule(at);
            } else {
                this.handle_error(at, e);
            }
        };
        if nesting_exceeds(&output, MAX_NESTING) {
            let e = StatesError::runtime(format!(
                "The state output is nested deeper than {MAX_NESTING} levels."
            ));
            fail(self, e);
            return;
        }
        let f = self.frame_mut(at);
        let reused = if std::mem::take(&mut f.cache.output_is_input) {
            f.cache.input_text.clone()
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
                let f = self.frame(at);
                let sizes = variables::Sizes {
                    frame: f.var_bytes,
                    execution: self.executions[at.exec].var_bytes,
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
        // A Fail state never reaches Exit (it finishes its at.frame): no event for it.
        let Some(ty) = EventType::state_exited(StateType::of(&st.kind)) else {
            self.frame_mut(at).phase = Phase::Finish(Ok(output));
            self.schedule(at);
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
        self.emit(at, ty, d, Some(st.name.clone()));
        if let Some(a) = assign {
            let f = self.frame_mut(at);
            for (k, v) in a {
                f.vars.insert(k, v);
            }
            if let Some(sizes) = sizes {
                f.var_bytes = sizes.frame;
                self.executions[at.exec].var_bytes = sizes.execution;
            }
        }
        match next {
            Transition::Next(n) => {
                // `current` above found the frame's scope, so it resolves here.
                let scope = resolve(&h, &self.frame(at).scope);
                let Some(&target) = scope.and_then(|s| s.by_name.get(&n)) else {
                    let e = StatesError::runtime(format!("Missing transition target: '{n}'"));
                    self.frame_mut(at).phase = Phase::Finish(Err(e));
                    self.schedule(at);
                    return;
                };
                let f = self.frame_mut(at);
                f.state = target;
                f.phase = Phase::Enter(output);
                f.cache.next_input_text = Some(reuse);
            }
            Transition::End => {
                let f = self.frame_mut(at);
                f.phase = Phase::Finish(Ok(output));
                f.cache.next_input_text = Some(reuse);
            }
        }
        self.schedule(at);
    }

    pub(crate) fn finish(&mut self, at: FrameRef, result: Result<Value, StatesError>) {
        let role = self.frame(at).role.clone();
        match role {
            FrameRole::Root => match result {
                Ok(out) => {
                    let output_text = self
                        .frame_mut(at)
                        .cache
                        .next_input_text
                        .take()
                        .unwrap_or_else(|| payload_text(&out));
                    self.emit(
                        at,
                        EventType::ExecutionSucceeded,
                        Details::new("executionSucceededEventDetails")
                            .payload("output", output_text),
                        None,
                    );
                    self.end_execution(at.exec, ExecutionStatus::Succeeded, Some(out), None, None);
                }
                Err(e) => {
                    let d = Details::new("executionFailedEventDetails")
                        .maybe(
                            "error",
                            (!e.error.is_empty()).then(|| Field::text(e.error.as_str())),
                        )
                        .maybe("cause", e.cause.as_deref().map(Field::text));
                    self.emit(at, EventType::ExecutionFailed, d, None);
                    let err = if e.error.is_empty() {
                        None
                    } else {
                        Some(e.error)
                    };
                    self.end_execution(at.exec, ExecutionStatus::Failed, None, err, e.cause);
                }
            },
            FrameRole::Iteration { parent, index } => {
                let resume = result.is_err().then(|| self.resume_point(at));
                let h = self.here(at.exec);
                let Some(map) = self.current(&h, at.sibling(parent)) else {
                    return;
                };
                let map_name = map.name.clone();
                let child_last = self.frame(at).last_event;
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
                let id = self.emit(at, ty, d, Some(map_name));
                self.frame_mut(at.sibling(parent)).last_event = child_last;
                if let Some(j) = self.frame_mut(at.sibling(parent)).join.as_mut() {
                    j.last_iteration_event = id;
                }
                self.retire(at);
                self.join_child_done(at.sibling(parent), index, result, resume);
            }
            FrameRole::Branch { parent, index } => {
                let resume = result.is_err().then(|| self.resume_point(at));
                let child_last = self.frame(at).last_event;
                let pf = self.frame_mut(at.sibling(parent));
                pf.last_event = pf.last_event.max(child_last);
                if let Some(j) = pf.join.as_mut() {
                    j.last_iteration_event = child_last;
                }
                self.retire(at);
                self.join_child_done(at.sibling(parent), index, result, resume);
            }
        }
    }

    pub(crate) fn retire(&mut self, at: FrameRef) {
        let f = self.frame_mut(at);
        let was_dead = matches!(f.phase, Phase::Dead);
        f.phase = Phase::Dead;
        f.generation += 1;
        f.vars = Map::new();
        // What the at.frame assigned itself is no longer stored.
        let own = f.var_bytes as i64 - std::mem::take(&mut f.inherited_var_bytes) as i64;
        f.var_bytes = 0;
        f.state_input = Value::Null;
        f.effective_input = Value::Null;
        let total = &mut self.executions[at.exec].var_bytes;
        *total = (*total as i64 - own).max(0) as usize;
        let f = self.frame_mut(at);
        if !was_dead && !matches!(f.role, FrameRole::Root) {
            self.executions[at.exec].free_frames.push(at.frame);
        }
    }
}

/// How deep a state's output may nest. A loop that wraps its input again and again would
/// otherwise grow values until serializing or dropping them overflows the stack (the browser's
/// is small); JSON parsers, AWS's included, refuse such depths too.
pub(crate) const MAX_NESTING: usize = 200;

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
