//! Errors of the Step Functions API (`ApiError`), named as AWS names its exceptions so that
//! JavaScript sees the same `err.name` as the AWS SDK gives.

use serde::Serialize;
use stepwise_asl::validate::Diagnostic;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiError {
    /// AWS's exception name: `StateMachineDoesNotExist`, `ExecutionDoesNotExist`, `TaskDoesNotExist`, ...
    pub name: String,
    pub message: String,
    /// For `InvalidDefinition`: what the validator found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

impl ApiError {
    pub fn new(name: &str, message: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            message: message.into(),
            diagnostics: Vec::new(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for ApiError {}

pub mod names {
    pub const STATE_MACHINE_DOES_NOT_EXIST: &str = "StateMachineDoesNotExist";
    pub const STATE_MACHINE_ALREADY_EXISTS: &str = "StateMachineAlreadyExists";
    pub const EXECUTION_DOES_NOT_EXIST: &str = "ExecutionDoesNotExist";
    pub const EXECUTION_ALREADY_EXISTS: &str = "ExecutionAlreadyExists";
    pub const EXECUTION_LIMIT_EXCEEDED: &str = "ExecutionLimitExceeded";
    pub const EXECUTION_NOT_REDRIVABLE: &str = "ExecutionNotRedrivable";
    pub const TASK_DOES_NOT_EXIST: &str = "TaskDoesNotExist";
    pub const TASK_TIMED_OUT: &str = "TaskTimedOut";
    pub const INVALID_TOKEN: &str = "InvalidToken";
    pub const INVALID_OUTPUT: &str = "InvalidOutput";
    pub const INVALID_DEFINITION: &str = "InvalidDefinition";
    pub const INVALID_NAME: &str = "InvalidName";
    pub const INVALID_ARN: &str = "InvalidArn";
    pub const INVALID_EXECUTION_INPUT: &str = "InvalidExecutionInput";
    pub const VALIDATION: &str = "ValidationException";
    pub const RESOURCE_NOT_FOUND: &str = "ResourceNotFound";
    pub const CONFLICT: &str = "ConflictException";
    pub const SERVICE_QUOTA_EXCEEDED: &str = "ServiceQuotaExceededException";
}

/// AWS's maximum lengths for a task failure's `error` and `cause`.
pub const MAX_ERROR_CHARS: usize = 256;
pub const MAX_CAUSE_CHARS: usize = 32_768;

/// Cuts a cause to AWS's maximum length (on a character boundary).
pub fn clip_cause(mut cause: String) -> String {
    if cause.len() > MAX_CAUSE_CHARS {
        let mut end = MAX_CAUSE_CHARS;
        while !cause.is_char_boundary(end) {
            end -= 1;
        }
        cause.truncate(end);
    }
    cause
}

/// AWS's rules for state machine and execution names (kept in [`stepwise_asl::arn`], which the
/// exporter applies too), as the API error AWS answers with.
pub fn check_name(name: &str) -> Result<(), ApiError> {
    use stepwise_asl::arn::NameError;
    stepwise_asl::arn::check_name(name).map_err(|e| {
        let why = match e {
            NameError::Empty | NameError::TooLong { .. } => {
                "must be 1 to 80 characters".to_string()
            }
            NameError::Forbidden(c) => format!("character {c:?} is not allowed"),
        };
        ApiError::new(
            names::INVALID_NAME,
            format!("Invalid Name: '{name}' ({why})"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_aws_rules() {
        assert!(check_name("HelloWorld-1_a.b").is_ok());
        for bad in ["", "a b", "a/b", "x*", &"n".repeat(81), "tab\t"] {
            assert_eq!(
                check_name(bad).unwrap_err().name,
                names::INVALID_NAME,
                "{bad:?}"
            );
        }
    }
}
