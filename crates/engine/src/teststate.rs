//! AWS's TestState: one state definition run on one input, outside any state machine, reporting
//! each data-flow stage (`inspectionData`), the status and the next state.
//!
//! The state runs in a scratch engine, so it behaves exactly as it does inside an execution:
//! the definition is wrapped in a machine whose only other states are placeholders for the
//! transition targets, the state is entered with the input (and the given variables), and the
//! run stops as soon as the state is left, retried or failed. Nothing calls a service here: a
//! Task answers with the request's `mock` (a result or an error), whatever its integration
//! pattern, and a Map or Parallel ends with it where it would start its children (`join.rs`).
//! The stages come from the run's [`Pipeline`](crate::dataflow::Pipeline)
//! record, the one the inspector shows.

mod context_object;
mod join;
mod machine;
mod request;
mod response;
mod shapes;

pub use join::MapInspection;
pub use request::{state_type, InspectionLevel, MockErrorOutput, MockInput, TestStateRequest};
pub use response::{
    ErrorDetails, HttpRequest, HttpResponse, InspectionData, TestRun, TestStateResponse, TestStatus,
};
pub use shapes::FieldValidationMode;

use crate::api::ApiError;
use crate::engine::Engine;
use crate::retry_catch::error_matches;
use machine::Outcome;
use stepwise_asl::model::Kind;
#[cfg(test)]
use {crate::api::names, stepwise_json::Value};

impl Engine {
    /// AWS's TestState: runs one state on `input` and reports what each data-flow stage made.
    /// The engine itself is left untouched (the state runs in a scratch engine with this
    /// engine's clock, region and account).
    pub fn test_state(&self, req: &TestStateRequest) -> Result<TestStateResponse, ApiError> {
        Ok(TestStateResponse::new(self.test_state_run(req)?, req))
    }

    /// TestState's run itself (the inspection level and `revealSecrets` do not matter here).
    pub fn test_state_run(&self, req: &TestStateRequest) -> Result<TestRun, ApiError> {
        let mut checked = request::check(req)?;
        let mock = checked.mock.take();
        let mut config = self.config.clone();
        config.epoch_millis = self.now;
        config.record_pipelines = true;
        let (mut scratch, exec) = Engine::start_tested_state(config, checked)?;
        let (ended, map) = scratch.run_tested_state(
            exec,
            mock,
            req.retrier_retry_count,
            req.map_iteration_failure_count,
        )?;
        let pipeline = scratch.executions[exec]
            .pipelines
            .first()
            .cloned()
            .unwrap_or_default();
        let h = scratch.here(exec);
        let st = &h.states.list[h.states.start_at];
        let vars = &scratch.executions[exec].frames[0].vars;
        let error = pipeline.error.clone();
        // What the response reports: a handled error stays visible, a passed one does not.
        let reported = match &ended {
            Outcome::Failed(e) => Some(e.clone()),
            Outcome::Left { caught: false, .. } => None,
            _ => error.clone(),
        };
        let (status, output, next, details) = match ended {
            Outcome::Left {
                output,
                next,
                caught,
            } => {
                if caught {
                    let index = error.as_ref().and_then(|e| {
                        st.common
                            .catch
                            .iter()
                            .position(|c| error_matches(&c.error_equals, e))
                    });
                    let details = ErrorDetails {
                        catch_index: index.map(|i| i as u32),
                        ..ErrorDetails::default()
                    };
                    (TestStatus::CaughtError, Some(output), next, Some(details))
                } else {
                    (TestStatus::Succeeded, Some(output), next, None)
                }
            }
            Outcome::Failed(_) => (TestStatus::Failed, None, None, None),
            Outcome::Retriable => {
                let index = error.as_ref().and_then(|e| {
                    st.common
                        .retry
                        .iter()
                        .position(|r| error_matches(&r.error_equals, e))
                });
                let backoff = scratch
                    .next_timer()
                    .map(|due| ((due - scratch.now).max(0) / 1000) as u64);
                let details = ErrorDetails {
                    retry_index: index.map(|i| i as u32),
                    retry_backoff_interval_seconds: backoff,
                    ..ErrorDetails::default()
                };
                (TestStatus::Retriable, None, None, Some(details))
            }
        };
        let http = matches!(&st.kind, Kind::Task(t) if t.resource.starts_with("arn:aws:states:::http:invoke"));
        Ok(TestRun {
            status,
            next_state: next,
            output,
            error: reported,
            error_details: details,
            pipeline,
            variables: vars.clone(),
            http,
            map,
        })
    }
}

#[cfg(test)]
mod context_tests;
#[cfg(test)]
mod join_tests;
#[cfg(test)]
mod tests;
