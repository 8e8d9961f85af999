//! What Map and Parallel share once their child frames run: a child ending (results, tolerated
//! failures), the first failure aborting the others, and the state's own end (`…Succeeded` or
//! `…Failed`, then the results through the output stages).

use crate::engine::Engine;
use crate::execution::{Frame, FrameRef, FrameRole, Phase};
use crate::history::{Details, EventType};
use stepwise_asl::error::names;
use stepwise_asl::StatesError;
use stepwise_json::Value;

impl Engine {
    pub(crate) fn join_child_done(
        &mut self,
        parent: FrameRef,
        index: usize,
        result: Result<Value, StatesError>,
        resume: Option<crate::redrive::Resume>,
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
            self.frame_mut(parent).phase = Phase::JoinDone;
            self.schedule(parent);
        } else if more {
            if !matches!(self.frame(parent).phase, Phase::MapLaunch) {
                self.frame_mut(parent).phase = Phase::MapLaunch;
                self.schedule(parent);
            }
        } else if running == 0 {
            self.frame_mut(parent).phase = Phase::JoinDone;
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
