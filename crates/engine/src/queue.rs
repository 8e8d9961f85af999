//! The work queue and the virtual clock: what one `step()` applies (`Work`, ordered by
//! `(due, seq)`), the execution deadlines kept apart as backstops, and the public stepping,
//! settling and clock methods.

use crate::clock::{self};
use crate::engine::Engine;
use crate::engine::{Idle, StepReport};
use crate::execution::{ExecutionId, FrameRef, TaskOutcome};
use std::cmp::Reverse;

#[derive(Clone, Debug)]
pub(crate) enum Work {
    Advance {
        at: FrameRef,
        gen: u64,
    },
    TaskTimeout {
        at: FrameRef,
        gen: u64,
    },
    Heartbeat {
        at: FrameRef,
        gen: u64,
        deadline: i64,
    },
    ExecutionTimeout {
        exec: usize,
        deadline: Deadline,
        /// The execution's redrive count when it was set: a redrive starts the timeout afresh.
        attempt: u32,
    },
    Complete {
        at: FrameRef,
        gen: u64,
        outcome: TaskOutcome,
    },
}

/// Why an execution's time runs out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// The definition's `TimeoutSeconds`.
    TimeoutSeconds,
    /// AWS's maximum execution time. Only a backstop: it fires when the clock passes it, but
    /// alone it does not count as a pending timer, so an execution that waits for the outside
    /// world is not timed out by `settle` jumping a year ahead. Kept in `Engine::backstops`, not
    /// in the queue, so that it leaves with its execution instead of lingering for a year.
    MaxDuration,
    /// The same for an Express execution: five minutes.
    ExpressMaxDuration,
}

/// AWS's maximum execution time of an Express workflow: five minutes.
pub(crate) const EXPRESS_MAX_EXECUTION_MILLIS: i64 = 5 * 60_000;
pub(crate) const EXPRESS_MAX_DURATION_CAUSE: &str = "The execution ran longer than the maximum execution time of an Express workflow, 5 minutes (300 seconds).";

#[derive(Clone, Debug)]
pub(crate) struct Queued {
    pub due: i64,
    pub seq: u64,
    pub work: Work,
}

impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        (self.due, self.seq) == (o.due, o.seq)
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Queued {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        (self.due, self.seq).cmp(&(o.due, o.seq))
    }
}

impl Engine {
    pub(crate) fn push(&mut self, due: i64, work: Work) {
        self.seq += 1;
        self.queue.push(Reverse(Queued {
            due,
            seq: self.seq,
            work,
        }));
    }

    pub(crate) fn schedule(&mut self, at: FrameRef) {
        let gen = self.frame(at).generation;
        self.push(self.now, Work::Advance { at, gen });
    }

    pub(crate) fn schedule_at(&mut self, due: i64, at: FrameRef) {
        let gen = self.frame(at).generation;
        self.push(due, Work::Advance { at, gen });
    }

    /// Performs the next unit of work that is due now: one history event (occasionally more,
    /// when it also starts a child execution). `None` when nothing is due.
    pub fn step(&mut self) -> Option<StepReport> {
        let exec = self.step_quietly()?;
        Some(StepReport {
            execution: ExecutionId(exec as u32),
            events: std::mem::take(&mut self.emitted),
        })
    }

    /// One step without handing out a report (the event list is reused, not given away):
    /// the execution whose history grew, `None` when nothing is due now.
    fn step_quietly(&mut self) -> Option<usize> {
        loop {
            let queued = self
                .queue
                .peek()
                .map(|q| q.0.due)
                .filter(|d| *d <= self.now);
            let backstop = self.first_backstop().filter(|b| b.0 <= self.now);
            let work = match (queued, backstop) {
                (None, None) => return None,
                (q, Some((due, exec, deadline))) if q.is_none_or(|q| due <= q) => {
                    self.backstops.remove(&(due, exec));
                    let attempt = self.executions[exec].redrive_count;
                    Work::ExecutionTimeout {
                        exec,
                        deadline,
                        attempt,
                    }
                }
                _ => self.queue.pop()?.0.work,
            };
            self.emitted.clear();
            let budget = self.config.limits.evaluation_budget();
            if let Some(exec) = stepwise_asl::budget::scoped(budget, || self.apply(work)) {
                if !self.emitted.is_empty() {
                    return Some(exec);
                }
            }
        }
    }

    /// Steps until nothing is due now, or `budget` steps were taken.
    pub fn run_until_idle(&mut self, budget: usize) -> Idle {
        for _ in 0..budget {
            if self.step_quietly().is_none() {
                return self.idle_reason();
            }
        }
        if self.queue.peek().is_some_and(|q| q.0.due <= self.now)
            || self.first_backstop().is_some_and(|b| b.0 <= self.now)
        {
            Idle::BudgetSpent
        } else {
            self.idle_reason()
        }
    }

    /// Runs until only the outside world can move things on, or nothing runs any more, jumping
    /// the virtual clock over waits and timeouts; `BudgetSpent` after `max_steps` steps. (A host
    /// that answers task tokens itself must answer them before it lets timers fire: it steps
    /// with `run_until_idle` instead.)
    pub fn settle(&mut self, max_steps: usize) -> Idle {
        for _ in 0..max_steps {
            if self.step_quietly().is_none() {
                match self.idle_reason() {
                    Idle::WaitingForTimer(_) => {
                        self.advance_to_next_timer();
                    }
                    other => return other,
                }
            }
        }
        self.idle()
    }

    /// Why nothing would happen if stepping stopped now (`BudgetSpent` when work is due).
    pub fn idle(&self) -> Idle {
        if self
            .queue
            .iter()
            .any(|q| q.0.due <= self.now && self.is_live(&q.0.work))
            || self.first_backstop().is_some_and(|b| b.0 <= self.now)
        {
            return Idle::BudgetSpent;
        }
        self.idle_reason()
    }

    fn idle_reason(&self) -> Idle {
        if self.running == 0 {
            return Idle::Finished;
        }
        match self.next_timer() {
            Some(t) => Idle::WaitingForTimer(t),
            None => Idle::WaitingForOutside,
        }
    }

    /// The virtual instant of the next pending timer that still matters. An execution's
    /// maximum-duration backstop counts only when some other timer is pending: it comes first if
    /// it is earlier.
    pub fn next_timer(&self) -> Option<i64> {
        let timer = self
            .queue
            .iter()
            .filter(|q| self.is_live(&q.0.work))
            .map(|q| q.0.due)
            .min()?;
        Some(
            self.first_backstop()
                .map_or(timer, |(due, _, _)| due.min(timer)),
        )
    }

    /// The earliest maximum-duration backstop: `(due, execution, kind)`.
    fn first_backstop(&self) -> Option<(i64, usize, Deadline)> {
        self.backstops
            .first_key_value()
            .map(|(&(due, exec), &d)| (due, exec, d))
    }

    fn is_live(&self, w: &Work) -> bool {
        match w {
            Work::Advance { at, gen }
            | Work::TaskTimeout { at, gen }
            | Work::Complete { at, gen, .. } => self.frame_live(*at, *gen),
            Work::Heartbeat { at, gen, deadline } => {
                self.frame_live(*at, *gen)
                    && self
                        .frame(*at)
                        .task
                        .as_ref()
                        .and_then(|t| t.heartbeat_deadline)
                        == Some(*deadline)
            }
            Work::ExecutionTimeout { exec, attempt, .. } => {
                let e = &self.executions[*exec];
                e.is_running() && e.redrive_count == *attempt
            }
        }
    }

    /// Moves the clock to the next timer. `false` when there is none.
    pub fn advance_to_next_timer(&mut self) -> bool {
        match self.next_timer() {
            Some(t) if t > self.now => {
                self.now = t;
                true
            }
            Some(_) => true,
            None => false,
        }
    }

    /// Moves the clock forward by `millis` (negative counts as zero), never past what a JS
    /// `Date` can show.
    pub fn advance_clock(&mut self, millis: i64) {
        self.now = clock::later(self.now, millis);
    }
}
