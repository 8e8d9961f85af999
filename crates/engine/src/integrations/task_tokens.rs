//! Task tokens: issuing them (`.waitForTaskToken`, `.sync` and hand-completed tasks), the
//! outside world's answers (SendTaskSuccess/Failure/Heartbeat), AWS's token errors, and the list
//! of tasks that wait for someone.

use crate::api::names;
use crate::api::ApiError;
use crate::clock::{self};
use crate::engine::Engine;
use crate::execution::{ExecutionId, FrameRef, TaskOutcome};
use crate::queue::Work;
use stepwise_asl::scope::Random;
use stepwise_asl::StatesError;
use stepwise_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum PendingKind {
    /// A `.waitForTaskToken` task.
    Callback,
    /// A `.sync` / `.sync:2` task waiting for its child execution; it also accepts its own
    /// token, as AWS's does, but normally the child's end completes it.
    ChildExecution,
    /// A task with no mock: complete it by hand with the token.
    Manual,
}

impl PendingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PendingKind::Callback => "Callback",
            PendingKind::ChildExecution => "ChildExecution",
            PendingKind::Manual => "Manual",
        }
    }
}

/// A task waiting for the outside world.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PendingTask {
    pub token: String,
    pub execution: ExecutionId,
    pub execution_arn: String,
    pub state_name: String,
    pub resource: String,
    pub input: Value,
    pub since_millis: i64,
    pub heartbeat_deadline_millis: Option<i64>,
    pub timeout_deadline_millis: Option<i64>,
    pub kind: PendingKind,
}

impl PendingTask {
    /// The task as the JS API's `listPendingTasks` and `stepwise calls` show it: its input as
    /// JSON text (as AWS's GetActivityTask hands a worker its input), instants in ISO 8601.
    pub fn to_json(&self) -> serde_json::Value {
        let mut o = serde_json::Map::new();
        o.insert("taskToken".into(), self.token.clone().into());
        o.insert("executionArn".into(), self.execution_arn.clone().into());
        o.insert("stateName".into(), self.state_name.clone().into());
        o.insert("resource".into(), self.resource.clone().into());
        o.insert("kind".into(), self.kind.as_str().into());
        o.insert("input".into(), self.input.to_string().into());
        o.insert("since".into(), clock::iso8601(self.since_millis).into());
        if let Some(d) = self.heartbeat_deadline_millis {
            o.insert("heartbeatDeadline".into(), clock::iso8601(d).into());
        }
        if let Some(d) = self.timeout_deadline_millis {
            o.insert("timeoutDeadline".into(), clock::iso8601(d).into());
        }
        serde_json::Value::Object(o)
    }
}

/// Where a task token leads.
#[derive(Clone, Debug)]
pub(crate) struct TokenRef {
    pub at: FrameRef,
    pub gen: u64,
    pub kind: PendingKind,
}

impl Engine {
    /// Makes `token` lead to the frame's current attempt until it is answered, the attempt
    /// ends or the execution ends (which revokes every token it issued).
    pub(crate) fn register_token(&mut self, at: FrameRef, token: String, kind: PendingKind) {
        let gen = self.frame(at).generation;
        self.executions[at.exec].issued_tokens.push(token.clone());
        self.tokens.insert(token, TokenRef { at, gen, kind });
    }

    pub(crate) fn new_token(&mut self) -> String {
        let mut s = String::with_capacity(3 + 6 * 16);
        s.push_str("AQB");
        for _ in 0..6 {
            stepwise_asl::scope::push_hex(&mut s, &self.rng.next_u64().to_be_bytes());
        }
        s
    }

    fn token_target(&self, token: &str) -> Result<TokenRef, ApiError> {
        if let Some(t) = self.tokens.get(token) {
            return Ok(t.clone());
        }
        if self.spent_tokens.contains_key(token) {
            return Err(ApiError::new(
                names::TASK_DOES_NOT_EXIST,
                "Task Does Not Exist: the task of this token has already completed",
            ));
        }
        // Tokens this engine issues are "AQB" and 96 hex digits; anything else is malformed.
        let well_formed = token.len() == 99
            && token.starts_with("AQB")
            && token[3..].bytes().all(|b| b.is_ascii_hexdigit());
        if !well_formed {
            let shown: String = token.chars().take(100).collect();
            return Err(ApiError::new(
                names::INVALID_TOKEN,
                format!("Invalid Token: '{shown}'"),
            ));
        }
        Err(ApiError::new(
            names::TASK_DOES_NOT_EXIST,
            "Task Does Not Exist: no task is waiting for this token",
        ))
    }

    pub fn send_task_success(&mut self, token: &str, output_text: &str) -> Result<(), ApiError> {
        let t = self.token_target(token)?;
        if output_text.len() > self.config.limits.max_payload_bytes {
            return Err(ApiError::new(
                names::INVALID_OUTPUT,
                "Output exceeds the maximum size of 256 KiB",
            ));
        }
        let output: Value = serde_json::from_str(output_text)
            .map_err(|e| ApiError::new(names::INVALID_OUTPUT, format!("Invalid output: {e}")))?;
        self.complete_token(token, t, TaskOutcome::Succeeded(output));
        Ok(())
    }

    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<(), ApiError> {
        let t = self.token_target(token)?;
        if error.is_some_and(|e| e.chars().count() > crate::api::MAX_ERROR_CHARS)
            || cause.is_some_and(|c| c.chars().count() > crate::api::MAX_CAUSE_CHARS)
        {
            return Err(ApiError::new(
                names::VALIDATION,
                "error must be at most 256 characters and cause at most 32768",
            ));
        }
        let err = StatesError {
            error: error.unwrap_or("").to_owned(),
            cause: cause.map(str::to_owned),
        };
        self.complete_token(token, t, TaskOutcome::Failed(err));
        Ok(())
    }

    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), ApiError> {
        let t = self.token_target(token)?;
        let now = self.now;
        let frame = &mut self.executions[t.at.exec].frames[t.at.frame];
        if let Some(task) = frame.task.as_mut() {
            if let Some(h) = task.heartbeat_seconds {
                let deadline = clock::later(now, h as i64 * 1000);
                task.heartbeat_deadline = Some(deadline);
                let gen = frame.generation;
                self.push(
                    deadline,
                    Work::Heartbeat {
                        at: t.at,
                        gen,
                        deadline,
                    },
                );
            }
        }
        Ok(())
    }

    fn complete_token(&mut self, token: &str, t: TokenRef, outcome: TaskOutcome) {
        self.tokens.remove(token);
        self.spent_tokens.insert(token.to_owned(), ());
        self.push(
            self.now,
            Work::Complete {
                at: t.at,
                gen: t.gen,
                outcome,
            },
        );
    }

    pub fn pending_tasks(&self) -> Vec<PendingTask> {
        self.tokens
            .iter()
            .filter_map(|(token, t)| {
                let e = &self.executions[t.at.exec];
                let f = e.frames.get(t.at.frame)?;
                if f.generation != t.gen || !e.is_running() {
                    return None;
                }
                let task = f.task.as_ref()?;
                let st = crate::execution::state_at(&e.definition, f)?;
                let resource = match &st.kind {
                    stepwise_asl::model::Kind::Task(tk) => tk.resource.clone(),
                    _ => String::new(),
                };
                Some(PendingTask {
                    token: token.clone(),
                    execution: e.id,
                    execution_arn: e.arn.clone(),
                    state_name: st.name.to_string(),
                    resource,
                    input: task.parameters.clone(),
                    since_millis: f.entered_millis,
                    heartbeat_deadline_millis: task.heartbeat_deadline,
                    timeout_deadline_millis: task.timeout_deadline,
                    kind: t.kind,
                })
            })
            .collect()
    }
}
