//! What Map and Parallel share once their child frames run: a child ending (results, tolerated
//! failures), the first failure aborting the others, and the state's own end (`…Succeeded` or
//! `…Failed`, then the results through the output stages).

use crate::engine::Engine;
use crate::execution::{Frame, FrameRef, FrameRole, Phase};
use crate::history::{Details, EventType};
use crate::redrive::Resume;
use stepwise_asl::error::names;
use stepwise_asl::StatesError;
use stepwise_json::Value;

/// A child frame for [`Engine::spawn_child`].
pub(crate) struct NewChild {
    /// Its place under the parent: which iteration or branch.
    pub role: FrameRole,
    /// Which of the state's branches its states are in (a Map has one, its ItemProcessor).
    pub branch: u32,
    /// The state it starts at (ignored when resumed).
    pub start_at: usize,
    pub input: Value,
    /// What a redrive resumes instead of starting afresh.
    pub resumed: Option<Resume>,
    /// The event its first event follows.
    pub started: u64,
    /// Whether its events stay out of the history though the parent's do not (a Distributed
    /// Map's iterations).
    pub silent: bool,
}

impl Engine {
    pub(crate) fn join_child_done(
        &mut self,
        parent: FrameRef,
        index: usize,
        result: Result<Value, StatesError>,
        resume: Option<Resume>,
    ) {
        let Some(j) = self.frame_mut(parent).join.as_mut() else {
            return self.no_join(parent, "a child's end");
        };
        j.running = j.running.saturating_sub(1);
        if let Some(r) = resume {
            j.keep_resume(index, r);
        }
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
            self.abort_children(parent);
            self.join_next(parent, Phase::JoinDone);
        } else if more {
            self.join_next(parent, Phase::MapLaunch);
        } else if running == 0 {
            self.join_next(parent, Phase::JoinDone);
        }
    }

    /// Sets the Map/Parallel frame's next step after one of its children ended. A Map that is
    /// still launching iterations already has a step queued (its next MapLaunch): that step
    /// takes the new phase, and no second one is queued. A second step would run the frame one
    /// step ahead from then on (a Wait after a caught failure would end at once, a Retry would
    /// not wait its interval). A Parallel, or a Map done launching, is Parked: it gets its step.
    fn join_next(&mut self, parent: FrameRef, next: Phase) {
        let f = self.frame_mut(parent);
        let queued = matches!(f.phase, Phase::MapLaunch);
        f.phase = next;
        if !queued {
            self.schedule(parent);
        }
    }

    pub(crate) fn fail_join(&mut self, at: FrameRef, e: StatesError) {
        if let Some(j) = self.frame_mut(at).join.as_mut() {
            j.failure.get_or_insert(e);
        }
        self.abort_children(at);
        self.frame_mut(at).phase = Phase::JoinDone;
        self.schedule(at);
    }

    /// Ends the branches still running under a Map/Parallel frame (and their `.sync` children).
    pub(crate) fn abort_children(&mut self, at: FrameRef) {
        let children = self
            .frame(at)
            .join
            .as_ref()
            .map(|j| j.children.clone())
            .unwrap_or_default();
        for c in children {
            let alive = !matches!(self.frame(at.sibling(c)).phase, Phase::Dead);
            let belongs = matches!(self.frame(at.sibling(c)).role, FrameRole::Iteration { parent, .. } | FrameRole::Branch { parent, .. } if parent == at.frame);
            if alive && belongs {
                // Where it stood, for a redrive (taken before its own children go).
                let resume = self.resume_point(at.sibling(c));
                let index = match self.frame(at.sibling(c)).role {
                    FrameRole::Iteration { index, .. } | FrameRole::Branch { index, .. } => index,
                    FrameRole::Root => 0,
                };
                if let Some(j) = self.frame_mut(at).join.as_mut() {
                    j.keep_resume(index, resume);
                }
                self.abort_children(at.sibling(c));
                self.stop_children_of(at.exec, Some(c));
                // AWS records the end of each Map iteration that a failing sibling cut short.
                if let FrameRole::Iteration { index, .. } = self.frame(at.sibling(c)).role {
                    let h = self.here(at.exec);
                    let Some(map) = self.current(&h, at) else {
                        return;
                    };
                    let map_name = map.name.clone();
                    let details = Details::new("mapIterationAbortedEventDetails")
                        .int("index", index as i64)
                        .text("name", map_name.clone());
                    self.emit(
                        at.sibling(c),
                        EventType::MapIterationAborted,
                        details,
                        Some(map_name),
                    );
                }
                let dead: Vec<String> = self
                    .tokens
                    .iter()
                    .filter(|(_, t)| t.at == at.sibling(c))
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in dead {
                    self.tokens.remove(&k);
                    self.spent_tokens.insert(k, ());
                }
                self.retire(at.sibling(c));
            }
        }
        if let Some(j) = self.frame_mut(at).join.as_mut() {
            j.running = 0;
        }
    }

    pub(crate) fn join_done(&mut self, at: FrameRef) {
        let h = self.here(at.exec);
        let Some(st) = self.current(&h, at) else {
            return;
        };
        let Some(mut j) = self.frame_mut(at).join.take() else {
            return self.no_join(at, "JoinDone");
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
            self.frame_mut(at).last_event = j.last_iteration_event;
        }
        if let Some(e) = j.failure.take() {
            let distributed = j.distributed;
            // AWS reruns a Map/Parallel that failed for States.DataLimitExceeded whole; else a
            // redrive reruns only its children that did not succeed.
            if e.error != names::DATA_LIMIT_EXCEEDED {
                let failed = Box::new(j.into_resume());
                self.frame_mut(at).failed_join = Some(failed);
            }
            if distributed {
                self.emit(
                    at,
                    EventType::MapRunFailed,
                    Details::none(),
                    Some(st.name.clone()),
                );
            }
            self.handle_error_with(at, e, Some(fail_ty));
            return;
        }
        if j.distributed {
            self.emit(
                at,
                EventType::MapRunSucceeded,
                Details::none(),
                Some(st.name.clone()),
            );
        }
        // AWS records no success event for a Parallel state, only its exit.
        if j.is_map {
            self.emit(at, ok_ty, Details::none(), Some(st.name.clone()));
        }
        let results: Vec<Value> = j
            .results
            .into_iter()
            .map(|r| r.unwrap_or(Value::Null))
            .collect();
        match self.after_result(at, st, Value::from(results)) {
            Ok((out, assign)) => self.go_exit(at, out, Self::transition_of(st), assign),
            Err(e) => self.handle_error(at, e),
        }
    }

    /// Starts a Map iteration's or a Parallel branch's frame (a fresh one at `child.start_at`,
    /// or the one a redrive resumes), joins it to `at` and schedules it. The child inherits the
    /// parent's variables and its silence: under a Distributed Map every nested frame stays out
    /// of the history, Parallel branches included.
    pub(crate) fn spawn_child(&mut self, at: FrameRef, child: NewChild) {
        let index = match child.role {
            FrameRole::Branch { index, .. } | FrameRole::Iteration { index, .. } => index as u32,
            FrameRole::Root => 0,
        };
        let mut frame = match child.resumed {
            Some(r) => self.resumed_frame(at.exec, r, child.role),
            None => {
                let scope = self.child_scope(at, child.branch);
                let parent = self.frame(at);
                let mut f = Frame::new(
                    scope,
                    child.role,
                    child.start_at,
                    child.input,
                    parent.vars.clone(),
                );
                f.var_bytes = parent.var_bytes;
                f.inherited_var_bytes = parent.var_bytes;
                f
            }
        };
        let parent = self.frame(at);
        frame.last_event = child.started;
        frame.cache.silent = parent.cache.silent || child.silent;
        frame.cache.index_path = parent
            .cache
            .index_path
            .iter()
            .copied()
            .chain([index])
            .collect();
        let cid = self.add_frame(at.exec, frame);
        if let Some(j) = self.frame_mut(at).join.as_mut() {
            j.children.push(cid);
        }
        self.schedule(at.sibling(cid));
    }

    /// Frames are reused once dead so that long Map runs do not grow the frame list forever.
    pub(crate) fn add_frame(&mut self, exec: usize, mut f: Frame) -> usize {
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
}

#[cfg(test)]
mod tests {
    use crate::{Engine, EngineConfig, EventType, ExecutionStatus, Idle};
    use stepwise_json::json;

    /// Runs `definition` on `{"items": [1, 2, 3]}` to its end, timers included; the history as
    /// (event type, timestamp) pairs.
    fn run(definition: stepwise_json::Value) -> Vec<(EventType, i64)> {
        let mut e = Engine::new(EngineConfig::default());
        let arn = e
            .create_state_machine("M", &definition.to_string())
            .unwrap();
        let id = e
            .start_execution(&arn, None, Some(r#"{"items":[1,2,3]}"#))
            .unwrap();
        assert_eq!(e.settle(10_000), Idle::Finished);
        assert!(e.internal_errors().is_empty());
        let run = e.execution(id);
        assert_eq!(run.status, ExecutionStatus::Succeeded);
        run.history
            .iter()
            .map(|ev| (ev.event_type, ev.timestamp_millis))
            .collect()
    }

    fn at(h: &[(EventType, i64)], ty: EventType, nth: usize) -> i64 {
        h.iter()
            .filter(|(t, _)| *t == ty)
            .nth(nth)
            .expect("the event")
            .1
    }

    /// Iterations that fail at once: the first one ends while the Map is still launching the
    /// others (its next MapLaunch step is queued), and the failure must not queue a second step
    /// of the Map beside it. A second step would run the Map's frame one step ahead from then
    /// on: a Wait after the Catch would end at once, a Retry would not wait its interval.
    fn failing_map(extra: stepwise_json::Value) -> stepwise_json::Value {
        let mut map = json!({
            "Type": "Map",
            "ItemsPath": "$.items",
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "F",
                "States": {"F": {"Type": "Fail", "Error": "Boom"}}
            },
            "Next": "W"
        });
        for (k, v) in extra.as_object().unwrap() {
            map.as_object_mut().unwrap().insert(k.clone(), v.clone());
        }
        json!({
            "StartAt": "M",
            "States": {
                "M": map,
                "W": {"Type": "Wait", "Seconds": 10, "Next": "Done"},
                "Done": {"Type": "Succeed"}
            }
        })
    }

    #[test]
    fn a_wait_after_a_caught_map_failure_still_waits() {
        let h = run(failing_map(
            json!({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "W"}]}),
        ));
        let entered = at(&h, EventType::WaitStateEntered, 0);
        assert_eq!(at(&h, EventType::WaitStateExited, 0) - entered, 10_000);
    }

    #[test]
    fn a_retried_map_failure_waits_its_interval() {
        let h = run(failing_map(json!({
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 1}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "W"}]
        })));
        let first = at(&h, EventType::MapStateStarted, 0);
        assert_eq!(at(&h, EventType::MapStateStarted, 1) - first, 5_000);
        let entered = at(&h, EventType::WaitStateEntered, 0);
        assert_eq!(at(&h, EventType::WaitStateExited, 0) - entered, 10_000);
    }

    #[test]
    fn a_map_past_its_tolerated_failures_steps_once() {
        // The second failure exceeds the threshold while the third item waits to launch.
        let h = run(failing_map(json!({
            "ToleratedFailureCount": 1,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "W"}]
        })));
        let entered = at(&h, EventType::WaitStateEntered, 0);
        assert_eq!(at(&h, EventType::WaitStateExited, 0) - entered, 10_000);
    }

    #[test]
    fn a_parallel_whose_branches_all_fail_steps_once() {
        // All branches start in one step and the Parallel is Parked meanwhile: the first
        // failure aborts the others and gives the Parallel its only queued step.
        let fail = |n: &str| {
            let mut states = stepwise_json::Map::new();
            states.insert(n.into(), json!({"Type": "Fail", "Error": "Boom"}));
            json!({"StartAt": n, "States": stepwise_json::Value::Object(states)})
        };
        let h = run(json!({
            "StartAt": "P",
            "States": {
                "P": {
                    "Type": "Parallel",
                    "Branches": [fail("F1"), fail("F2"), fail("F3")],
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "W"}],
                    "Next": "W"
                },
                "W": {"Type": "Wait", "Seconds": 10, "Next": "Done"},
                "Done": {"Type": "Succeed"}
            }
        }));
        assert_eq!(
            h.iter()
                .filter(|(t, _)| *t == EventType::ParallelStateFailed)
                .count(),
            1
        );
        let entered = at(&h, EventType::WaitStateEntered, 0);
        assert_eq!(at(&h, EventType::WaitStateExited, 0) - entered, 10_000);
    }

    /// A Distributed Map's iterations are child executions of its Map Run: nothing they run
    /// appears in the parent's history, the states of a Parallel nested in them included (they
    /// once did: Parallel branches did not inherit the iteration's silence).
    #[test]
    fn nothing_nested_in_a_distributed_map_reaches_the_parent_history() {
        let nested = json!({
            "StartAt": "P",
            "States": {"P": {
                "Type": "Parallel",
                "Branches": [{"StartAt": "B", "States": {"B": {
                    "Type": "Map",
                    "ItemsPath": "$.inner",
                    "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}},
                    "End": true
                }}}],
                "End": true
            }}
        });
        let mut processor = nested.as_object().unwrap().clone();
        processor.insert(
            "ProcessorConfig".into(),
            json!({"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}),
        );
        let h = run(json!({
            "StartAt": "M",
            "States": {"M": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"inner.$": "States.Array($$.Map.Item.Value)"},
                "ItemProcessor": processor,
                "End": true
            }}
        }));
        let types: Vec<EventType> = h.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            types,
            [
                EventType::ExecutionStarted,
                EventType::MapStateEntered,
                EventType::MapStateStarted,
                EventType::MapRunStarted,
                EventType::MapRunSucceeded,
                EventType::MapStateSucceeded,
                EventType::MapStateExited,
                EventType::ExecutionSucceeded,
            ]
        );
    }
}
