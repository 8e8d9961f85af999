//! The Stepwise engine: runs Amazon States Language definitions as AWS Step Functions does,
//! on a virtual clock and an explicit work queue, so a host can single-step, pause and
//! fast-forward. No threads, no wall clock, no I/O: the same calls give the same history.
//!
//! ```
//! use stepwise_engine::{Engine, EngineConfig, EventType, Idle};
//! let mut engine = Engine::new(EngineConfig::default());
//! let arn = engine
//!     .create_state_machine("Hello", r#"{"StartAt":"Greet","States":{"Greet":{"Type":"Pass","Result":"hi","End":true}}}"#)
//!     .unwrap();
//! let id = engine.start_execution(&arn, Some("run-1"), Some("{}")).unwrap();
//! assert_eq!(engine.run_until_idle(1000), Idle::Finished);
//! let run = engine.execution(id);
//! assert_eq!(run.status.as_str(), "SUCCEEDED");
//! assert_eq!(run.output, Some(stepwise_json::json!("hi")));
//! let types: Vec<_> = run.history.iter().map(|e| e.event_type).collect();
//! assert_eq!(types, [EventType::ExecutionStarted, EventType::PassStateEntered, EventType::PassStateExited, EventType::ExecutionSucceeded]);
//! ```

#![forbid(unsafe_code)]

pub mod api;
pub mod clock;
pub mod config;
pub mod conformance;
mod context;
pub mod dataflow;
mod engine;
mod engine_error;
mod execution;
mod executions;
pub mod express;
pub mod history;
pub mod integrations;
mod queue;
pub mod redrive;
mod retry_catch;
mod run;
mod states;
#[cfg(feature = "pipelines")]
pub mod teststate;
mod variables;
pub mod versions;

pub use integrations::{mocks, resources};

pub use api::ApiError;
pub use config::{EngineConfig, Limits};
pub use engine::{Engine, Idle, Machine, MachineType, StepReport};
pub use engine_error::EngineError;
pub use execution::{Execution, ExecutionId, ExecutionStatus};
pub use history::{EventType, HistoryEvent, StateType};
pub use integrations::start_execution::ParentLink;
pub use integrations::task_tokens::{PendingKind, PendingTask};
pub use redrive::RedriveStatus;
pub use stepwise_asl::validate::{Diagnostic, Severity};

/// Validates definition text, as AWS's ValidateStateMachineDefinition does.
pub fn validate(definition_text: &str) -> Vec<Diagnostic> {
    stepwise_asl::validate::validate_text(definition_text)
}
