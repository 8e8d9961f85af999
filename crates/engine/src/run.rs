//! The interpreter's core: how one unit of Work moves a frame from one phase to the next
//! (`apply`, `advance`), entering a state (its `<Type>StateEntered` event, then the state type's
//! own start in `states/`), leaving it (`<Type>StateExited`, Assign, the transition) and a frame
//! finishing (the execution's end, or a Map iteration's / Parallel branch's).

use crate::engine::Engine;
use crate::execution::{resolve, ExecutionStatus, Frame, FrameRole, Phase, TaskOutcome};
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
                // A timer of an attempt that ended is stale (the attempt bumped the generation);
                // a live one on a frame whose task is not in flight is an engine fault.
                if !self.frame_live(exec, frame, gen) {
                    return None;
                }
                if !self.task_in_flight(exec, frame) {
                    return self.timer_out_of_phase(exec, frame, "TaskTimeout");
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
                if !self.frame_live(exec, frame, gen) {
                    return None;
                }
                if !self.task_in_flight(exec, frame) {
                    return self.timer_out_of_phase(exec, frame, "Heartbeat");
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
                    ref p => {
                        let from = p.name();
                        self.illegal_transition(exec, frame, from, "Complete");
                        Some(exec)
                    }
                }
            }
        }
    }

    pub(crate) fn frame_live(&self, exec: usize, frame: usize, gen: u64) -> bool {
        let e = &self.executions[exec];
        e.is_running() && e.frames.get(frame).is_some_and(|f| f.generation == gen)
    }

    fn timer_out_of_phase(
        &mut self,
        exec: usize,
        frame: usize,
        event: &'static str,
    ) -> Option<usize> {
        let from = self.frame(exec, frame).phase.name();
        self.illegal_transition(exec, frame, from, event);
        Some(exec)
    }

    pub(crate) fn task_in_flight(&self, exec: usize, frame: usize) -> bool {
        matches!(
            self.executions[exec].frames[frame].phase,
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
    /// that the engine stays free to change while the state is read).
    pub(crate) fn current<'d>(&self, def: &'d Definition, exec: usize, frame: usize) -> &'d State {
        let f = self.frame(exec, frame);
        &resolve(def, &f.scope).list[f.state]
    }

    /// Where the states of branch `branch` of this frame's Map/Parallel state live.
    pub(crate) fn child_scope(
        &self,
        exec: usize,
        frame: usize,
        branch: u32,
    ) -> crate::execution::ScopePath {
        let f = self.frame(exec, frame);
        let mut scope = f.scope.clone();
        scope.push((f.state as u32, branch));
        scope
    }

    pub(crate) fn frame(&self, exec: usize, frame: usize) -> &Frame {
        &self.executions[exec].frames[frame]
    }

    pub(crate) fn frame_mut(&mut self, exec: usize, frame: usize) -> &mut Frame {
        &mut self.executions[exec].frames[frame]
    }

    pub(crate) fn advance(&mut self, exec: usize, frame: usize) {
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
            // Nothing moves these on by a step of their own: a waiting task by its answer,
            // a parked frame by its children, a dead one never.
            p @ (Phase::TaskWaiting | Phase::Parked | Phase::Dead) => {
                let from = p.name();
                self.frame_mut(exec, frame).phase = p;
                self.illegal_transition(exec, frame, from, "Advance");
            }
        }
    }

    pub(crate) fn enter(&mut self, exec: usize, frame: usize, input: Value) {
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
        self.begin_pipeline(exec, frame, id, &input, st.is_jsonata());
        let now = self.now;
        let f = self.frame_mut(exec, frame);
        f.entered_event = id;
        f.entered_millis = now;
        f.state_input = input;
        f.retry_count = 0;
        f.retry_attempts = vec![0; retries];
        f.task = None;
        f.join = None;
        f.failed_join = None;
        f.output_is_input = false;
        self.start_state(exec, frame);
    }

    /// Does the state's own work after it was entered (or re-runs a retried Map/Parallel).
    pub(crate) fn start_state(&mut self, exec: usize, frame: usize) {
        let h = self.here(exec);
        let st = self.current(&h, exec, frame);
        let result = match &st.kind {
            Kind::Pass { result } => self.start_pass(exec, frame, st, result.as_ref()),
            Kind::Choice(c) => self.start_choice(exec, frame, st, c),
            Kind::Wait(w) => self.start_wait(exec, frame, st, w),
            Kind::Succeed => self.start_succeed(exec, frame, st),
            Kind::Fail(f) => self.start_fail(exec, frame, f),
            Kind::Task(t) => self.start_task(exec, frame, st, t),
            Kind::Parallel(p) => self.start_parallel(exec, frame, st, p),
            Kind::Map(m) => self.start_map(exec, frame, st, m),
        };
        // A redrive's record of the children is for this state's start only.
        self.frame_mut(exec, frame).redrive_join = None;
        if let Err(e) = result {
            // AWS marks a Map that could not evaluate its items as failed before giving up.
            let fail_event = matches!(st.kind, Kind::Map(_)).then_some(EventType::MapStateFailed);
            self.handle_error_with(exec, frame, e, fail_event);
        }
    }

    pub(crate) fn go_exit(
        &mut self,
        exec: usize,
        frame: usize,
        output: Value,
        next: Transition,
        assign: Option<Map>,
    ) {
        self.record_output(exec, frame, &output, assign.as_ref());
        self.frame_mut(exec, frame).phase = Phase::Exit {
            output,
            next,
            assign,
        };
        self.schedule(exec, frame);
    }

    pub(crate) fn transition_of(st: &State) -> Transition {
        st.common.transition.clone().unwrap_or(Transition::End)
    }

    pub(crate) fn exit(
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

    pub(crate) fn finish(&mut self, exec: usize, frame: usize, result: Result<Value, StatesError>) {
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
                let resume = result.is_err().then(|| self.resume_point(exec, frame));
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
                self.join_child_done(exec, parent, index, result, resume);
            }
            FrameRole::Branch { parent, index } => {
                let resume = result.is_err().then(|| self.resume_point(exec, frame));
                let child_last = self.frame(exec, frame).last_event;
                let pf = self.frame_mut(exec, parent);
                pf.last_event = pf.last_event.max(child_last);
                if let Some(j) = pf.join.as_mut() {
                    j.last_iteration_event = child_last;
                }
                self.retire(exec, frame);
                self.join_child_done(exec, parent, index, result, resume);
            }
        }
    }

    pub(crate) fn retire(&mut self, exec: usize, frame: usize) {
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
