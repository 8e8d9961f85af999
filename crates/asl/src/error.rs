//! Errors an execution can catch (`StatesError`) and their well-known names.

use serde::{Deserialize, Serialize};

/// A catchable ASL error: what Retry and Catch match on, and what a failed execution reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatesError {
    pub error: String,
    pub cause: Option<String>,
}

impl StatesError {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            cause: Some(cause.into()),
        }
    }

    pub fn without_cause(error: impl Into<String>) -> Self {
        Self {
            error: error.into(),
            cause: None,
        }
    }

    pub fn runtime(cause: impl Into<String>) -> Self {
        Self::new(names::RUNTIME, cause)
    }
}

impl std::fmt::Display for StatesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cause {
            Some(c) => write!(f, "{}: {}", self.error, c),
            None => f.write_str(&self.error),
        }
    }
}

/// AWS's predefined error names.
pub mod names {
    pub const ALL: &str = "States.ALL";
    pub const TASK_FAILED: &str = "States.TaskFailed";
    pub const TIMEOUT: &str = "States.Timeout";
    pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
    pub const RUNTIME: &str = "States.Runtime";
    pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
    pub const BRANCH_FAILED: &str = "States.BranchFailed";
    pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
    pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
    pub const RESULT_PATH_MATCH_FAILURE: &str = "States.ResultPathMatchFailure";
    pub const PARAMETER_PATH_FAILURE: &str = "States.ParameterPathFailure";
    pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
    pub const QUERY_EVALUATION_ERROR: &str = "States.QueryEvaluationError";
    pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
    pub const PERMISSIONS: &str = "States.Permissions";
}
