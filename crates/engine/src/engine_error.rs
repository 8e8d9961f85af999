//! Engine bugs made visible. A frame asked to take a step its phase does not allow, or a phase
//! handler running on a state of another type, is a fault of the engine, not of the definition:
//! it is recorded in `Engine::internal_errors()` (tests assert that the list stays empty) and
//! fails the execution with `States.Runtime`, instead of panicking or being ignored.

use crate::execution::{state_at, ExecutionId, FrameRef};
use crate::Engine;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// `event` (a kind of queued work) reached a frame whose phase has no edge for it.
    IllegalTransition {
        execution: ExecutionId,
        frame: usize,
        from: &'static str,
        event: &'static str,
    },
    /// A Task phase ran on a frame without a task in flight.
    NoTask {
        execution: ExecutionId,
        frame: usize,
        phase: &'static str,
    },
    /// A Map/Parallel phase, or the end of one of its children, found no children's
    /// bookkeeping (`Join`) on the Map/Parallel frame.
    NoJoin {
        execution: ExecutionId,
        frame: usize,
        phase: &'static str,
    },
    /// A phase that belongs to one state type ran on a state of another type.
    WrongStateType {
        execution: ExecutionId,
        frame: usize,
        phase: &'static str,
        state: String,
    },
    /// A frame's scope path (the Parallel branches and Map processors above it) or state index
    /// does not lead to a state of the execution's definition.
    BadScope {
        execution: ExecutionId,
        frame: usize,
    },
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::IllegalTransition {
                execution,
                frame,
                from,
                event,
            } => write!(
                f,
                "illegal transition in execution {} frame {frame}: {event} in phase {from}",
                execution.0
            ),
            EngineError::NoTask {
                execution,
                frame,
                phase,
            } => write!(
                f,
                "task phase {phase} ran without a task in flight (execution {} frame {frame})",
                execution.0
            ),
            EngineError::NoJoin {
                execution,
                frame,
                phase,
            } => write!(
                f,
                "{phase} found no Map/Parallel children to join (execution {} frame {frame})",
                execution.0
            ),
            EngineError::WrongStateType {
                execution,
                frame,
                phase,
                state,
            } => write!(
                f,
                "phase {phase} ran on state '{state}' of another type (execution {} frame {frame})",
                execution.0
            ),
            EngineError::BadScope { execution, frame } => write!(
                f,
                "the scope of frame {frame} leads to no state of the definition (execution {})",
                execution.0
            ),
        }
    }
}

impl std::error::Error for EngineError {}

impl Engine {
    /// Engine faults met so far, oldest first. Empty unless the engine has a bug.
    pub fn internal_errors(&self) -> &[EngineError] {
        &self.internal_errors
    }

    /// Records an engine fault and fails the execution it happened in (if it still runs), so
    /// that it neither hangs nor goes on from a state the engine did not mean to reach.
    pub(crate) fn engine_fault(&mut self, exec: usize, err: EngineError) {
        let cause = format!("Internal engine error: {err}");
        self.internal_errors.push(err);
        if !self.executions[exec].is_running() {
            return;
        }
        self.fail_execution_at_runtime(exec, cause);
    }

    /// Reports `event` reaching frame `frame` in a phase without an edge for it.
    pub(crate) fn illegal_transition(
        &mut self,
        at: FrameRef,
        from: &'static str,
        event: &'static str,
    ) {
        let execution = self.executions[at.exec].id;
        self.engine_fault(
            at.exec,
            EngineError::IllegalTransition {
                execution,
                frame: at.frame,
                from,
                event,
            },
        );
    }

    /// Reports a Map/Parallel frame without its children's bookkeeping.
    pub(crate) fn no_join(&mut self, at: FrameRef, phase: &'static str) {
        let execution = self.executions[at.exec].id;
        self.engine_fault(
            at.exec,
            EngineError::NoJoin {
                execution,
                frame: at.frame,
                phase,
            },
        );
    }

    /// Reports a frame whose scope leads to no state (see `execution::resolve`). Cold: the
    /// lookup it guards runs on every step.
    #[cold]
    #[inline(never)]
    pub(crate) fn bad_scope(&mut self, at: FrameRef) {
        let execution = self.executions[at.exec].id;
        let frame = at.frame;
        self.engine_fault(at.exec, EngineError::BadScope { execution, frame });
    }

    /// Reports a phase handler finding its frame on a state of another type.
    pub(crate) fn wrong_state_type(&mut self, at: FrameRef, phase: &'static str) {
        let execution = self.executions[at.exec].id;
        let h = self.here(at.exec);
        let state = state_at(&h, self.frame(at)).map_or_else(String::new, |st| st.name.to_string());
        self.engine_fault(
            at.exec,
            EngineError::WrongStateType {
                execution,
                frame: at.frame,
                phase,
                state,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::EngineError;
    use crate::execution::{FrameRef, Phase};
    use crate::{Engine, EngineConfig, ExecutionStatus, Idle};

    /// An engine with one execution stopped at a task that waits for its token.
    fn waiting() -> (Engine, crate::ExecutionId) {
        let mut e = Engine::new(EngineConfig::default());
        let def = r#"{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
            "Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            "Parameters":{"QueueUrl":"q","MessageBody":{"t.$":"$$.Task.Token"}},"End":true}}}"#;
        let arn = e.create_state_machine("M", def).unwrap();
        let id = e.start_execution(&arn, Some("x"), Some("{}")).unwrap();
        assert_eq!(e.run_until_idle(100), Idle::WaitingForOutside);
        assert!(matches!(
            e.executions[0].frames[0].phase,
            Phase::TaskWaiting
        ));
        assert!(e.internal_errors().is_empty());
        (e, id)
    }

    #[test]
    fn a_step_on_a_waiting_task_is_reported_and_fails_the_execution() {
        let (mut e, id) = waiting();
        e.advance(FrameRef::new(0, 0));
        assert_eq!(
            e.internal_errors(),
            [EngineError::IllegalTransition {
                execution: id,
                frame: 0,
                from: "TaskWaiting",
                event: "Advance",
            }]
        );
        let run = e.execution(id);
        assert_eq!(run.status, ExecutionStatus::Failed);
        assert_eq!(run.error.as_deref(), Some("States.Runtime"));
        let cause = run.cause.as_deref().unwrap_or_default();
        assert!(cause.contains("Advance in phase TaskWaiting"), "{cause}");
    }

    #[test]
    fn a_phase_of_another_state_type_is_reported() {
        let (mut e, id) = waiting();
        e.executions[0].frames[0].phase = Phase::MapLaunch;
        e.advance(FrameRef::new(0, 0));
        assert_eq!(
            e.internal_errors(),
            [EngineError::WrongStateType {
                execution: id,
                frame: 0,
                phase: "MapLaunch",
                state: "Ask".into(),
            }]
        );
        assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    }

    #[test]
    fn an_answer_reaching_a_frame_past_its_task_is_reported() {
        let (mut e, id) = waiting();
        e.executions[0].frames[0].phase = Phase::Restart;
        let gen = e.executions[0].frames[0].generation;
        let outcome = crate::execution::TaskOutcome::Succeeded(stepwise_json::Value::Null);
        e.apply(crate::queue::Work::Complete {
            at: FrameRef::new(0, 0),
            gen,
            outcome,
        });
        assert!(matches!(
            e.internal_errors(),
            [EngineError::IllegalTransition {
                from: "Restart",
                event: "Complete",
                ..
            }]
        ));
        assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    }

    #[test]
    fn a_task_phase_without_its_task_is_reported() {
        let (mut e, id) = waiting();
        let f = &mut e.executions[0].frames[0];
        f.task = None;
        f.phase = Phase::TaskScheduled;
        e.advance(FrameRef::new(0, 0));
        assert_eq!(
            e.internal_errors(),
            [EngineError::NoTask {
                execution: id,
                frame: 0,
                phase: "TaskScheduled",
            }]
        );
        assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    }

    #[test]
    fn a_join_without_children_is_reported() {
        let (mut e, id) = waiting();
        e.executions[0].frames[0].phase = Phase::JoinDone;
        e.advance(FrameRef::new(0, 0));
        assert_eq!(
            e.internal_errors(),
            [EngineError::NoJoin {
                execution: id,
                frame: 0,
                phase: "JoinDone",
            }]
        );
        assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    }

    #[test]
    fn a_scope_that_leads_to_no_state_is_reported_not_a_panic() {
        // Through a state that is neither Parallel nor Map, then past the last state.
        let corrupt: [fn(&mut crate::execution::Frame); 2] =
            [|f| f.scope = vec![(0, 0)], |f| f.state = 99];
        for corrupt in corrupt {
            let (mut e, id) = waiting();
            let f = &mut e.executions[0].frames[0];
            corrupt(f);
            f.phase = Phase::Enter(stepwise_json::json!({}));
            e.advance(FrameRef::new(0, 0));
            assert_eq!(
                e.internal_errors(),
                [EngineError::BadScope {
                    execution: id,
                    frame: 0,
                }]
            );
            let run = e.execution(id);
            assert_eq!(run.status, ExecutionStatus::Failed);
            let cause = run.cause.as_deref().unwrap_or_default();
            assert!(cause.contains("leads to no state"), "{cause}");
        }
    }

    #[test]
    fn a_live_task_timer_on_a_frame_without_a_task_in_flight_is_reported() {
        let (mut e, id) = waiting();
        e.executions[0].frames[0].phase = Phase::Parked;
        let gen = e.executions[0].frames[0].generation;
        e.apply(crate::queue::Work::TaskTimeout {
            at: FrameRef::new(0, 0),
            gen,
        });
        assert!(matches!(
            e.internal_errors(),
            [EngineError::IllegalTransition {
                from: "Parked",
                event: "TaskTimeout",
                ..
            }]
        ));
        assert_eq!(e.execution(id).status, ExecutionStatus::Failed);
    }
}
