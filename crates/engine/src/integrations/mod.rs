//! What answers a Task state: the `states:startExecution` integration (child executions), task
//! tokens (callbacks, `.sync` and hand-completed tasks), mocks, and how a `Resource` ARN is read.

pub mod mocks;
pub mod resources;
pub mod start_execution;
pub(crate) mod task_tokens;
