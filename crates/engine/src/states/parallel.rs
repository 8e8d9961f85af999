//! The Parallel state: its Parameters/Arguments, `ParallelStateStarted` and one branch frame per
//! branch. Branches end in `states/branches.rs`.

use crate::engine::Engine;
use crate::execution::{FrameRef, FrameRole, Join, Phase};
use crate::history::{Details, EventType};
use crate::run::Res;
use crate::states::branches::NewChild;
use stepwise_asl::model::{Kind, Parallel, State};

impl Engine {
    pub(crate) fn start_parallel(&mut self, at: FrameRef, st: &State, p: &Parallel) -> Res<()> {
        let eff = self.effective_input(at, st)?;
        let eff = self.parameters_stage(at, st, &eff)?;
        let n = p.branches.len();
        self.frame_mut(at).effective_input = eff;
        self.frame_mut(at).join = Some(Join {
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
            resume: Default::default(),
            map_run: None,
        });
        self.apply_redrive_join(at);
        self.frame_mut(at).phase = Phase::ParallelStarted;
        self.schedule(at);
        Ok(())
    }

    pub(crate) fn parallel_started(&mut self, at: FrameRef) {
        let h = self.here(at.exec);
        let Some(st) = self.current(&h, at) else {
            return;
        };
        let Kind::Parallel(p) = &st.kind else {
            return self.wrong_state_type(at, "ParallelStarted");
        };
        self.emit(
            at,
            EventType::ParallelStateStarted,
            Details::none(),
            Some(st.name.clone()),
        );
        let eff = self.frame(at).effective_input.clone();
        let started = self.frame(at).last_event;
        for (b, branch) in p.branches.iter().enumerate() {
            // Under a redrive, a branch that succeeded keeps its result and one that did not
            // goes on where it stopped.
            let (done, resumed) = match self.frame_mut(at).join.as_mut() {
                Some(j) => (
                    j.results.get(b).is_some_and(Option::is_some),
                    j.resume.remove(&b),
                ),
                None => (false, None),
            };
            if done {
                continue;
            }
            let role = FrameRole::Branch {
                parent: at.frame,
                index: b,
            };
            if let Some(j) = self.frame_mut(at).join.as_mut() {
                j.running += 1;
            }
            self.spawn_child(
                at,
                NewChild {
                    role,
                    branch: b as u32,
                    start_at: branch.start_at,
                    input: eff.clone(),
                    resumed,
                    started,
                    silent: false,
                },
            );
        }
        let running = self.frame(at).join.as_ref().map_or(0, |j| j.running);
        if running == 0 {
            self.frame_mut(at).phase = Phase::JoinDone;
            self.schedule(at);
        }
    }
}
