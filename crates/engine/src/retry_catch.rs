//! Errors of a state: `Retry` (the first matching retrier, its back-off and jitter), then
//! `Catch` (the catcher's Output/ResultPath and Assign), else the frame finishes failed.

use crate::clock::{self};
use crate::dataflow::{self};
use crate::engine::Engine;
use crate::execution::{state_at, FrameRef, Phase};
use crate::history::{Details, EventType, Field};
use stepwise_asl::error::names;
use stepwise_asl::model::{Kind, Transition};
use stepwise_asl::scope::Random;
use stepwise_asl::StatesError;
use stepwise_json::{json, Map, Value};

/// What a Catcher hands on. A failure reported without an error name (SendTaskFailure with
/// neither field) shows both fields as null, as AWS does.
pub(crate) fn error_output(e: &StatesError) -> Value {
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
pub(crate) fn error_matches(list: &[String], e: &StatesError) -> bool {
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

impl Engine {
    /// Prefixes runtime causes the way AWS does, naming the state and its entered event.
    pub(crate) fn located(&self, at: FrameRef, mut e: StatesError) -> StatesError {
        if e.error != names::RUNTIME && e.error != names::QUERY_EVALUATION_ERROR {
            return e;
        }
        let f = self.frame(at);
        // Called while the state's step runs, after `Engine::current` found the state.
        let Some(st) = state_at(&self.executions[at.exec].definition, f) else {
            return e;
        };
        let prefix = "An error occurred while executing the state";
        if let Some(c) = &e.cause {
            if !c.starts_with(prefix) {
                e.cause = Some(format!(
                    "{prefix} '{}' (entered at the event id #{}). {c}",
                    st.name, f.entered_event
                ));
            }
        }
        e
    }

    pub(crate) fn handle_error(&mut self, at: FrameRef, e: StatesError) {
        self.handle_error_with(at, e, None);
    }

    /// `fail_event` (`MapStateFailed`, ...) is recorded only when no Retry takes the error:
    /// AWS starts a retried Map or Parallel again without marking it failed.
    pub(crate) fn handle_error_with(
        &mut self,
        at: FrameRef,
        e: StatesError,
        fail_event: Option<EventType>,
    ) {
        let e = self.located(at, e);
        self.record_error(at, &e);
        let h = self.here(at.exec);
        let Some(st) = self.current(&h, at) else {
            return;
        };
        if e.error == names::QUERY_EVALUATION_ERROR {
            let d = Details::new("evaluationFailedEventDetails")
                .text("error", e.error.as_str())
                .maybe("cause", e.cause.as_deref().map(Field::text))
                .text("state", st.name.clone());
            self.emit(at, EventType::EvaluationFailed, d, Some(st.name.clone()));
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
                let attempts = self.frame(at).retry_attempts.get(ri).copied().unwrap_or(0);
                if attempts < r.max_attempts {
                    let jitter = r.jitter_full.then(|| self.rng.next_f64());
                    let delay = clock::retry_delay_millis(
                        r.interval_seconds,
                        r.backoff_rate,
                        attempts,
                        r.max_delay_seconds,
                        jitter,
                    );
                    let f = self.frame_mut(at);
                    if let Some(a) = f.retry_attempts.get_mut(ri) {
                        *a += 1;
                    }
                    f.retry_count += 1;
                    // A retried Map/Parallel runs all its children again.
                    f.failed_join = None;
                    f.phase = match st.kind {
                        Kind::Task(_) => Phase::TaskScheduled,
                        _ => Phase::Restart,
                    };
                    if let Kind::Task(_) = st.kind {
                        // The parameters are evaluated again only when the state is entered again;
                        // a retry re-sends the same request.
                    }
                    let due = clock::later(self.now, delay);
                    self.schedule_at(due, at);
                    return;
                }
            }
            if let Some(ty) = fail_event {
                self.emit(at, ty, Details::none(), Some(st.name.clone()));
            }
            if let Some(c) = st
                .common
                .catch
                .iter()
                .find(|c| error_matches(&c.error_equals, &e))
            {
                let err_out = error_output(&e);
                let res = if st.is_jsonata() {
                    self.jsonata_eval(at, None, Some(&err_out), |j, rng| {
                        let out = match &c.output {
                            Some(o) => j.template(o, "Output", rng)?,
                            None => err_out.clone(),
                        };
                        let assign = c.assign.as_ref().map(|a| j.assign(a, rng)).transpose()?;
                        Ok::<_, StatesError>((out, assign))
                    })
                } else {
                    let raw = self.frame(at).state_input.clone();
                    let assign = match &c.assign {
                        Some(a) => self
                            .scope_eval(at, &err_out, None, a.reads_context, |s, rng| {
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
                        self.frame_mut(at).exiting_catcher = true;
                        self.go_exit(at, out, Transition::Next(c.next.clone()), assign)
                    }
                    Err(e2) => {
                        let e2 = self.located(at, e2);
                        self.frame_mut(at).phase = Phase::Finish(Err(e2));
                        self.schedule(at);
                    }
                }
                return;
            }
        }
        // States.Runtime reaches here directly: it ends the execution without the state's own
        // failure event.
        self.frame_mut(at).phase = Phase::Finish(Err(e));
        self.schedule(at);
    }
}
