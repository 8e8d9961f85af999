//! Executions recorded by AWS Step Functions, brought into Stepwise.
//!
//! [`import`] reads what the AWS CLI prints (`get-execution-history`, `describe-execution`,
//! `describe-state-machine-for-execution`, as files or pasted text) into [`Recording`]s: AWS's
//! events kept verbatim, the definition, the input, the execution's identity, and the links
//! between a parent and the children its `states:startExecution*` tasks started.
//!
//! Pure like the engine (no I/O, no clock): the CLI, the JS API and the playground all use it.
//! It is its own crate rather than part of the engine because it reads AWS's printed formats,
//! which the engine never needs, and builds on the engine's public API only.

#![forbid(unsafe_code)]

mod case;
mod compare;
mod documents;
mod event;
mod import;
mod local;
mod replay;
mod scenario;

pub use case::{junit_xml, CaseOutcome, Expected, ExpectedChild, TestCase};
pub use compare::{compare, value_difference, CompareOptions, Divergence, EventView, Mapping};
pub use documents::{split, Document, ImportError, Location};
pub use event::{event_type, is_known_event_type, timestamp_millis, RecordedEvent};
pub use import::{
    history_from_events, import, ExecutionIdentity, Import, MachineDoc, ParentLink, Recording,
    Source, STARTED_BY_FIELD,
};
pub use local::{case_from_local_run, local_documents};
pub use replay::{replay, Replay};
pub use scenario::{
    run, scenario, Callback, Environment, LocalRun, NotReplayable, Scenario, RECORDED_TEST_CASE,
};
