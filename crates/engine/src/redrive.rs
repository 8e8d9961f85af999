//! RedriveExecution: restarting a Standard execution that failed, timed out or was aborted, from
//! where it stopped, with the inputs its unsuccessful states had. What succeeded is kept: the
//! states before, and the outputs of the Map iterations and Parallel branches that succeeded
//! (only the failed, aborted or never started ones run again).
//!
//! How: when a frame ends unsuccessfully its [`Resume`] point is taken (the state it was in, that
//! state's input and the frame's variables, and for a Map or Parallel what each child did). A
//! failing child hands its point to its Map/Parallel (`Join::resume`), a failed Map/Parallel keeps
//! them in `Frame::failed_join` until the frame moves on, and the execution's end keeps the root
//! frame's point (with the live frames below it when it was stopped or timed out). A redrive
//! appends `ExecutionRedriven`, rebuilds the root frame from that point and re-enters its state;
//! a Map or Parallel re-entered this way relaunches only its unsuccessful children, each from its
//! own point.
//!
//! Sources (AWS documentation): the API reference pages RedriveExecution (eligibility: not
//! SUCCEEDED, within 14 days of the stop, within the one-year maximum, fewer than 24,999 events;
//! clientToken idempotency for the last 10 tokens within 15 minutes; Standard only; errors
//! ExecutionDoesNotExist, ExecutionNotRedrivable, ExecutionLimitExceeded, InvalidArn),
//! DescribeExecution (redriveCount, redriveDate, redriveStatus and the redriveStatusReason
//! texts), ListExecutions (redriveFilter), ExecutionRedrivenEventDetails (redriveCount); the
//! developer guide's "Restarting state machine executions with redrive" (same definition and
//! ARN, version and alias kept, the machine's TimeoutSeconds restarted, retry counts reset, Map
//! and Parallel rerun only failed or aborted children except after States.DataLimitExceeded)
//! and "Accessing execution data from the Context object" (`$$.Execution.RedriveCount`,
//! `RedriveTime` only once redriven).

use crate::api::{names, ApiError};
use crate::clock::{self, iso8601};
use crate::engine::Engine;
use crate::execution::{
    ExecutionId, ExecutionStatus, Frame, FrameRef, FrameRole, Join, Phase, ScopePath,
};
use crate::executions::execution_missing;
use crate::history::{Details, EventType};
use std::sync::Arc;
use stepwise_json::{json, Map, Value};

#[cfg(test)]
mod tests;

/// How long after its stop an execution can be redriven: 14 days.
pub const REDRIVE_PERIOD_MILLIS: i64 = 14 * 86_400_000;
/// When AWS launched RedriveExecution (2023-11-15T00:00:00Z): executions started before it on
/// the virtual clock cannot be redriven.
pub const REDRIVE_LAUNCH_MILLIS: i64 = 1_700_006_400_000;
/// How long a client token keeps answering for the redrive it started: 15 minutes.
pub const CLIENT_TOKEN_MILLIS: i64 = 15 * 60_000;
/// How many client tokens an execution remembers: its last 10 redrives.
pub const CLIENT_TOKENS_KEPT: usize = 10;
/// AWS's limits on a client token: 1 to 64 printable ASCII characters.
pub const MAX_CLIENT_TOKEN_CHARS: usize = 64;
/// How many unsuccessful children one Map/Parallel remembers where they stopped (a few hundred
/// bytes each). A Map tolerating more failures than this keeps memory bounded: on a redrive
/// the others run again from their first state (as if they had not started).
pub const MAX_RESUME_POINTS: usize = 10_000;

/// `redriveStatus`, as DescribeExecution reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedriveStatus {
    Redrivable,
    NotRedrivable,
    /// A child execution of a Distributed Map's Map Run (redriven through its parent). The
    /// engine runs Map Run iterations inside their parent, so it never reports this one.
    RedrivableByMapRun,
}

impl RedriveStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RedriveStatus::Redrivable => "REDRIVABLE",
            RedriveStatus::NotRedrivable => "NOT_REDRIVABLE",
            RedriveStatus::RedrivableByMapRun => "REDRIVABLE_BY_MAP_RUN",
        }
    }
}

/// Where a frame stopped unsuccessfully: what a redrive needs to resume it there.
#[derive(Clone, Debug)]
pub(crate) struct Resume {
    pub scope: ScopePath,
    pub state: usize,
    pub at: ResumeAt,
    pub vars: Map,
    pub var_bytes: usize,
    pub inherited_var_bytes: usize,
    pub index_path: Arc<[u32]>,
    pub silent: bool,
    /// For a frame stopped in a Map or Parallel state: what each of its children did.
    pub join: Option<Box<JoinResume>>,
}

#[derive(Clone, Debug)]
pub(crate) enum ResumeAt {
    /// Enter `state` with this input: again (it did not succeed) or for the first time (the
    /// frame stopped between two states).
    Enter(Value),
    /// The frame had done its work and only its end was left to record.
    Done(Value),
}

/// What the children (Map iterations, Parallel branches) of a Map/Parallel did, by index.
#[derive(Clone, Debug, Default)]
pub(crate) struct JoinResume {
    pub children: Vec<Child>,
    /// A Distributed Map's Map Run (ARN, redrives so far), redriven rather than started anew.
    pub map_run: Option<(Arc<str>, u32)>,
}

#[derive(Clone, Debug)]
pub(crate) enum Child {
    /// Its result is kept; it does not run again.
    Succeeded(Value),
    /// It failed or was aborted: it resumes from here (boxed: a Map's list of children is as
    /// long as its items).
    Resume(Box<Resume>),
    /// It never started: it starts as it would have.
    NotStarted,
}

/// Resume points by child index, sorted; sparse. (A sorted list rather than a map keeps the
/// engine's wasm small; a taken point leaves an empty slot, so taking them in order costs no
/// shifting.)
#[derive(Clone, Debug, Default)]
pub(crate) struct ResumeSlots(Vec<(usize, Option<Box<Resume>>)>);

impl ResumeSlots {
    fn find(&self, index: usize) -> Result<usize, usize> {
        self.0.binary_search_by_key(&index, |(i, _)| *i)
    }

    /// Slots used, taken ones included.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn contains_key(&self, index: &usize) -> bool {
        self.find(*index).is_ok()
    }

    pub fn get(&self, index: &usize) -> Option<&Resume> {
        self.find(*index)
            .ok()
            .and_then(|at| self.0[at].1.as_deref())
    }

    pub fn insert(&mut self, index: usize, r: Resume) {
        match self.find(index) {
            Ok(at) => self.0[at].1 = Some(Box::new(r)),
            Err(at) => self.0.insert(at, (index, Some(Box::new(r)))),
        }
    }

    pub fn remove(&mut self, index: &usize) -> Option<Resume> {
        let at = self.find(*index).ok()?;
        self.0[at].1.take().map(|r| *r)
    }

    pub fn clear(&mut self) {
        self.0.clear()
    }
}

impl Join {
    /// Records where child `index` stopped unsuccessfully.
    pub(crate) fn keep_resume(&mut self, index: usize, r: Resume) {
        let room = self.resume.len() < MAX_RESUME_POINTS || self.resume.contains_key(&index);
        if index < self.results.len() && room {
            self.resume.insert(index, r);
        }
    }

    /// What each child did, as a redrive will need it (the Map/Parallel failed).
    pub(crate) fn into_resume(self) -> JoinResume {
        let mut resume = self.resume;
        let children = self
            .results
            .into_iter()
            .enumerate()
            .map(|(i, r)| match (r, resume.remove(&i)) {
                (Some(v), _) => Child::Succeeded(v),
                (None, Some(p)) => Child::Resume(Box::new(p)),
                (None, None) => Child::NotStarted,
            })
            .collect();
        JoinResume {
            children,
            map_run: self.map_run,
        }
    }
}

impl Engine {
    /// Where a frame that has not been retired stands, with the frames below it.
    pub(crate) fn resume_point(&self, at: FrameRef) -> Resume {
        let f = self.frame(at);
        let (at, join) = match &f.phase {
            // Between two states: the next one was not entered yet.
            Phase::Enter(input) => (ResumeAt::Enter(input.clone()), None),
            Phase::Finish(Ok(v)) => (ResumeAt::Done(v.clone()), None),
            // Inside its state: the state runs again with the input it had.
            _ => {
                let join = match &f.join {
                    Some(j) => Some(Box::new(self.live_join(at, j))),
                    None => f.failed_join.clone(),
                };
                (ResumeAt::Enter(f.state_input.clone()), join)
            }
        };
        Resume {
            scope: f.scope.clone(),
            state: f.state,
            at,
            vars: f.vars.clone(),
            var_bytes: f.var_bytes,
            inherited_var_bytes: f.inherited_var_bytes,
            index_path: f.cache.index_path.clone(),
            silent: f.cache.silent,
            join,
        }
    }

    /// What the children of a running Map/Parallel did or are doing.
    fn live_join(&self, at: FrameRef, j: &Join) -> JoinResume {
        let mut children: Vec<Child> = (0..j.results.len())
            .map(|i| match (&j.results[i], j.resume.get(&i)) {
                (Some(v), _) => Child::Succeeded(v.clone()),
                (None, Some(r)) => Child::Resume(Box::new(r.clone())),
                (None, None) => Child::NotStarted,
            })
            .collect();
        for &c in &j.children {
            let cf = self.frame(at.sibling(c));
            if matches!(cf.phase, Phase::Dead) {
                continue;
            }
            let index = match cf.role {
                FrameRole::Iteration { parent, index } | FrameRole::Branch { parent, index }
                    if parent == at.frame =>
                {
                    index
                }
                _ => continue,
            };
            if let Some(slot @ Child::NotStarted) = children.get_mut(index) {
                *slot = Child::Resume(Box::new(self.resume_point(at.sibling(c))));
            }
        }
        JoinResume {
            children,
            map_run: j.map_run.clone(),
        }
    }

    /// A frame rebuilt from its resume point; what it assigned itself counts for the execution
    /// again.
    pub(crate) fn resumed_frame(&mut self, exec: usize, r: Resume, role: FrameRole) -> Frame {
        let mut f = Frame::new(r.scope, role, r.state, Value::Null, r.vars);
        f.phase = match r.at {
            ResumeAt::Enter(input) => Phase::Enter(input),
            ResumeAt::Done(output) => Phase::Finish(Ok(output)),
        };
        f.var_bytes = r.var_bytes;
        f.inherited_var_bytes = r.inherited_var_bytes;
        f.cache.index_path = r.index_path;
        f.cache.silent = r.silent;
        f.redrive_join = r.join;
        let own = r.var_bytes.saturating_sub(r.inherited_var_bytes);
        self.executions[exec].var_bytes += own;
        f
    }

    /// A Map/Parallel state starting again under a redrive: the children that succeeded keep
    /// their results, the others resume where they stopped. No-op otherwise.
    pub(crate) fn apply_redrive_join(&mut self, at: FrameRef) {
        let Some(jr) = self.frame_mut(at).redrive_join.take() else {
            return;
        };
        let Some(j) = self.frame_mut(at).join.as_mut() else {
            return;
        };
        let n = j.results.len();
        j.resume.clear();
        j.map_run = jr.map_run.map(|(arn, count)| (arn, count + 1));
        for (i, c) in jr.children.into_iter().enumerate().take(n) {
            match c {
                Child::Succeeded(v) => {
                    j.results[i] = Some(v);
                    j.succeeded += 1;
                }
                Child::Resume(r) => {
                    j.resume.insert(i, *r);
                }
                Child::NotStarted => {}
            }
        }
    }

    /// Whether an execution can be redriven now, and if not why (AWS's `redriveStatusReason`).
    pub fn redrive_status(&self, id: ExecutionId) -> (RedriveStatus, Option<String>) {
        let e = self.execution(id);
        let not = |reason: &str| (RedriveStatus::NotRedrivable, Some(reason.to_owned()));
        if e.is_express() {
            return not("Executions of EXPRESS state machines cannot be redriven");
        }
        match e.status {
            ExecutionStatus::Running => return not("Execution is RUNNING and cannot be redriven"),
            ExecutionStatus::Succeeded => {
                return not("Execution is SUCCEEDED and cannot be redriven")
            }
            ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted => {}
        }
        if e.start_millis < REDRIVE_LAUNCH_MILLIS {
            return not("Execution was started before the launch of RedriveExecution");
        }
        if !self.machines.contains_key(&e.machine_arn) {
            return not("State machine is in DELETING status");
        }
        // AWS: fewer than 24,999 events, leaving room for ExecutionRedriven and one more.
        if e.history.len() + 1 >= self.config.limits.max_history_events {
            return not("Execution history event limit exceeded");
        }
        if self.now.saturating_sub(e.start_millis) > clock::MAX_EXECUTION_MILLIS {
            return not("Execution has exceeded the max execution time");
        }
        let stop = e.stop_millis.unwrap_or(e.start_millis);
        if self.now.saturating_sub(stop) > REDRIVE_PERIOD_MILLIS {
            return not("Execution redrivable period exceeded");
        }
        if e.resume.is_none() {
            return not("Execution has no unsuccessful state to redrive");
        }
        (RedriveStatus::Redrivable, None)
    }

    /// RedriveExecution: answers `{"redriveDate": ...}` (dated as DescribeExecution dates).
    pub fn redrive_execution(
        &mut self,
        execution_arn: &str,
        client_token: Option<&str>,
    ) -> Result<Value, ApiError> {
        if let Some(t) = client_token {
            check_client_token(t)?;
        }
        let id = self
            .execution_by_arn(execution_arn)
            .ok_or_else(|| execution_missing(execution_arn))?;
        let exec = id.0 as usize;
        if let Some(t) = client_token {
            let now = self.now;
            let earlier = self.executions[exec]
                .redrive_tokens
                .iter()
                .find(|(k, first, _)| k == t && now.saturating_sub(*first) <= CLIENT_TOKEN_MILLIS);
            if let Some((_, _, date)) = earlier {
                return Ok(json!({ "redriveDate": iso8601(*date) }));
            }
        }
        let (status, reason) = self.redrive_status(id);
        if status != RedriveStatus::Redrivable {
            return Err(ApiError::new(
                names::EXECUTION_NOT_REDRIVABLE,
                reason.unwrap_or_default(),
            ));
        }
        let Some(resume) = self.executions[exec].resume.take() else {
            return Err(ApiError::new(
                names::EXECUTION_NOT_REDRIVABLE,
                "Execution has no unsuccessful state to redrive",
            ));
        };
        let now = self.now;
        let e = &mut self.executions[exec];
        e.redrive_count += 1;
        e.redrive_millis = Some(now);
        e.status = ExecutionStatus::Running;
        e.stop_millis = None;
        e.output = None;
        e.error = None;
        e.cause = None;
        let count = e.redrive_count;
        self.running += 1;
        let redriven = self.emit_raw(
            exec,
            None,
            EventType::ExecutionRedriven,
            Details::new("executionRedrivenEventDetails").int("redriveCount", count as i64),
            None,
        );
        // The old frames are all dead; their slots are reused with newer generations, so no
        // timer queued for them before the end can move the new ones.
        let e = &mut self.executions[exec];
        let old = e.frames.len();
        let root_generation = e.frames[0].generation + 1;
        e.free_frames = (1..old).rev().collect();
        e.var_bytes = 0;
        let mut root = self.resumed_frame(exec, *resume, FrameRole::Root);
        root.generation = root_generation;
        root.last_event = redriven;
        self.executions[exec].frames[0] = root;
        self.arm_deadlines(exec, false);
        self.schedule(FrameRef::new(exec, 0));
        if let Some(t) = client_token {
            let tokens = &mut self.executions[exec].redrive_tokens;
            tokens.push((t.to_owned(), now, now));
            if tokens.len() > CLIENT_TOKENS_KEPT {
                tokens.remove(0);
            }
        }
        Ok(json!({ "redriveDate": iso8601(now) }))
    }
}

/// AWS's ClientToken shape: 1 to 64 characters from `!` to `~`.
fn check_client_token(t: &str) -> Result<(), ApiError> {
    let ok = !t.is_empty()
        && t.chars().count() <= MAX_CLIENT_TOKEN_CHARS
        && t.chars().all(|c| ('!'..='~').contains(&c));
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            names::VALIDATION,
            format!(
                "1 validation error detected: Value '{t}' at 'clientToken' failed to satisfy constraint: Member must have length between 1 and {MAX_CLIENT_TOKEN_CHARS} and match pattern [!-~]+"
            ),
        ))
    }
}
