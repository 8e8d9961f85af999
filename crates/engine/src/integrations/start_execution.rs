//! The `states:startExecution` integration, all of it: starting the child execution from the
//! task's arguments, the parent link (a `.sync` parent's waiting frame, or a parent named by
//! `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID` in the input), what StartExecution answers
//! (the task's result for a request-response call, else TaskSubmitted's output for `.sync`,
//! `.sync:2` and `.waitForTaskToken`), the child's end completing a waiting `.sync` parent with
//! its DescribeExecution, and stopping children with their parent or task.
//!
//! StartExecution's response carries the SDK metadata AWS's integration adds, keys in AWS's
//! order. When only the history shows it, an execution keeps [`StartAnswer`], the few facts it
//! is made of, and the typed shape is serialized only when someone reads the event.

use crate::engine::Engine;
use crate::execution::{ExecutionId, ExecutionStatus, FrameRef, Phase, TaskOutcome};
use crate::history::DeferredJson;
use crate::history::Payload;
use crate::integrations::resources::Pattern;
use crate::queue::Work;
use serde::Serialize;
use std::sync::Arc;
use stepwise_asl::error::names;
use stepwise_asl::StatesError;
use stepwise_json::{json, Map, Value};

/// How a child execution is tied to the parent that started it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParentLink {
    pub execution: ExecutionId,
    /// The Task state that started it (`None` for a link known only from
    /// `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`).
    pub state_name: Option<String>,
    /// The waiting frame, for `.sync` / `.sync:2` (its result flows back there).
    pub(crate) waiting_frame: Option<(usize, u64)>,
    pub(crate) pattern_sync2: bool,
}

/// What one StartExecution call answered, kept small until it is shown.
#[derive(Debug)]
pub(crate) struct StartAnswer {
    pub request_id: String,
    pub execution_arn: String,
    pub start_millis: i64,
    /// When the call was answered (the `Date` header).
    pub answered_millis: i64,
}

impl StartAnswer {
    fn with_response<R>(&self, f: impl FnOnce(&StartResponse<'_>) -> R) -> R {
        let date = http_date(self.answered_millis);
        // The length AWS reports is that of its JSON response body: the ARN plus a fixed frame.
        let length = (self.execution_arn.len() + 92).to_string();
        f(&StartResponse::new(
            &self.execution_arn,
            self.start_millis,
            &self.request_id,
            &date,
            &length,
        ))
    }

    /// The response as the task's result (request-response calls).
    pub fn value(&self) -> Value {
        self.with_response(|r| Value::from(serde_json::to_value(r).unwrap_or_default()))
    }
}

impl DeferredJson for StartAnswer {
    fn json_text(&self) -> String {
        self.with_response(|r| serde_json::to_string(r).unwrap_or_default())
    }
}

#[derive(Serialize)]
pub(crate) struct StartResponse<'a> {
    #[serde(rename = "ExecutionArn")]
    pub execution_arn: &'a str,
    #[serde(rename = "SdkHttpMetadata")]
    pub http: HttpMetadata<'a>,
    #[serde(rename = "SdkResponseMetadata")]
    pub response: ResponseMetadata<'a>,
    #[serde(rename = "StartDate")]
    pub start_date: i64,
}

#[derive(Serialize)]
pub(crate) struct HttpMetadata<'a> {
    #[serde(rename = "AllHttpHeaders")]
    pub all_headers: AllHeaders<'a>,
    #[serde(rename = "HttpHeaders")]
    pub headers: Headers<'a>,
    #[serde(rename = "HttpStatusCode")]
    pub status: u16,
}

/// Every header as a list of values, as the SDK reports them.
#[derive(Serialize)]
pub(crate) struct AllHeaders<'a> {
    #[serde(rename = "x-amzn-RequestId")]
    pub request_id: [&'a str; 1],
    #[serde(rename = "connection")]
    pub connection: [&'static str; 1],
    #[serde(rename = "Content-Length")]
    pub content_length: [&'a str; 1],
    #[serde(rename = "Date")]
    pub date: [&'a str; 1],
    #[serde(rename = "Content-Type")]
    pub content_type: [&'static str; 1],
}

#[derive(Serialize)]
pub(crate) struct Headers<'a> {
    #[serde(rename = "connection")]
    pub connection: &'static str,
    #[serde(rename = "Content-Length")]
    pub content_length: &'a str,
    #[serde(rename = "Content-Type")]
    pub content_type: &'static str,
    #[serde(rename = "Date")]
    pub date: &'a str,
    #[serde(rename = "x-amzn-RequestId")]
    pub request_id: &'a str,
}

#[derive(Serialize)]
pub(crate) struct ResponseMetadata<'a> {
    #[serde(rename = "RequestId")]
    pub request_id: &'a str,
}

const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

impl<'a> StartResponse<'a> {
    /// `content_length` is that of AWS's JSON response body; `date` an HTTP date.
    pub fn new(
        execution_arn: &'a str,
        start_date: i64,
        request_id: &'a str,
        date: &'a str,
        content_length: &'a str,
    ) -> Self {
        StartResponse {
            execution_arn,
            http: HttpMetadata {
                all_headers: AllHeaders {
                    request_id: [request_id],
                    connection: ["keep-alive"],
                    content_length: [content_length],
                    date: [date],
                    content_type: [CONTENT_TYPE],
                },
                headers: Headers {
                    connection: "keep-alive",
                    content_length,
                    content_type: CONTENT_TYPE,
                    date,
                    request_id,
                },
                status: 200,
            },
            response: ResponseMetadata { request_id },
            start_date,
        }
    }
}

/// RFC 7231 date, as AWS puts in the `Date` header.
fn http_date(millis: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso = crate::clock::iso8601(millis);
    let day = DAYS[(millis.div_euclid(86_400_000)).rem_euclid(7) as usize];
    let month: usize = iso[5..7].parse().unwrap_or(1);
    format!(
        "{day}, {} {} {} {} GMT",
        &iso[8..10],
        MONTHS[month - 1],
        &iso[0..4],
        &iso[11..19]
    )
}

/// `{"Included": true}`, which every DescribeExecution result carries twice: one shared value.
pub(crate) fn included() -> Value {
    static INCLUDED: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    INCLUDED.get_or_init(|| json!({"Included": true})).clone()
}

impl Engine {
    /// The parent an execution's input names in `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`:
    /// a child started through the API is linked to it too (without a waiting frame).
    pub(crate) fn parent_named_in(&self, input: &Value) -> Option<ParentLink> {
        let by = input
            .get("AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID")?
            .as_str()?;
        Some(ParentLink {
            execution: self.execution_by_arn(by)?,
            state_name: None,
            waiting_frame: None,
            pattern_sync2: false,
        })
    }

    pub(crate) fn stop_child(&mut self, child: Option<crate::ExecutionId>) {
        if let Some(child) = child {
            let c = child.0 as usize;
            if self.executions[c].is_running() {
                let arn = self.executions[c].arn.clone();
                let _ = self.stop_execution(&arn, None, None);
            }
        }
    }

    pub(crate) fn start_child(
        &mut self,
        at: FrameRef,
        state_name: &str,
        params: &Value,
        pattern: Pattern,
    ) -> Phase {
        let arn = params
            .get("StateMachineArn")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let input = match params.get("Input") {
            None | Some(Value::Null) => json!({}),
            Some(Value::String(s)) => {
                serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
            }
            Some(v) => v.clone(),
        };
        let name = params
            .get("Name")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let gen = self.frame(at).generation;
        let link = ParentLink {
            execution: self.executions[at.exec].id,
            state_name: Some(state_name.to_owned()),
            waiting_frame: matches!(pattern, Pattern::Sync | Pattern::Sync2)
                .then_some((at.frame, gen)),
            pattern_sync2: pattern == Pattern::Sync2,
        };
        match self.start_with_value(&arn, name.as_deref(), input, Some(link)) {
            Err(api) => {
                let request_id = stepwise_asl::scope::uuid_v4(&mut self.rng);
                let code = &api.name;
                let cause = format!("{} (Service: AWSStepFunctions; Status Code: 400; Error Code: {code}; Request ID: {request_id}; Proxy: null)", api.message);
                Phase::TaskDone(TaskOutcome::Failed(StatesError::new(
                    format!("StepFunctions.{code}Exception"),
                    cause,
                )))
            }
            Ok(child) => {
                if let Some(t) = self.frame_mut(at).task.as_mut() {
                    t.child = Some(child);
                }
                self.start_response(child, pattern)
            }
        }
    }

    /// What StartExecution answered: the task's result for a request-response call, else what
    /// its TaskSubmitted event records (written out only if someone reads the event).
    pub(crate) fn start_response(&mut self, child: crate::ExecutionId, pattern: Pattern) -> Phase {
        let e = &self.executions[child.0 as usize];
        let answer = StartAnswer {
            request_id: stepwise_asl::scope::uuid_v4(&mut self.rng),
            execution_arn: e.arn.clone(),
            start_millis: e.start_millis,
            answered_millis: self.now,
        };
        match pattern {
            Pattern::RequestResponse => Phase::TaskDone(TaskOutcome::Succeeded(answer.value())),
            _ => Phase::TaskSubmitted(Payload::Deferred(Arc::new(answer))),
        }
    }

    /// The child's DescribeExecution as the `.sync` integrations return it.
    pub(crate) fn describe_for_parent(&self, child: usize, sync2: bool) -> Value {
        let e = &self.executions[child];
        // Sized for all of its keys: growing a map rehashes every key.
        let mut o = Map::with_capacity(16);
        let as_text = |v: &Value| {
            if sync2 {
                v.clone()
            } else {
                Value::String(v.to_json_string())
            }
        };
        if let Some(c) = &e.cause {
            o.insert("Cause".into(), json!(c));
        }
        if let Some(er) = &e.error {
            o.insert("Error".into(), json!(er));
        }
        o.insert("ExecutionArn".into(), json!(e.arn));
        o.insert("Input".into(), as_text(&e.input));
        o.insert("InputDetails".into(), included());
        o.insert("Name".into(), json!(e.name));
        if let Some(out) = &e.output {
            o.insert("Output".into(), as_text(out));
            o.insert("OutputDetails".into(), included());
        }
        // AWS's recorded `.sync` results carry the redrive fields for a child that succeeded
        // only; a failed child's description (the task's cause) has none.
        if e.status == ExecutionStatus::Succeeded {
            o.insert("RedriveCount".into(), json!(e.redrive_count));
            if let Some(d) = e.redrive_millis {
                o.insert("RedriveDate".into(), json!(d));
            }
            let (redrive, reason) = self.redrive_status(e.id);
            o.insert("RedriveStatus".into(), json!(redrive.as_str()));
            if let Some(r) = reason {
                o.insert("RedriveStatusReason".into(), json!(r));
            }
        }
        o.insert("StartDate".into(), json!(e.start_millis));
        if let Some(a) = &e.origin.alias_arn {
            o.insert("StateMachineAliasArn".into(), json!(a));
        }
        o.insert("StateMachineArn".into(), json!(e.machine_arn));
        if let Some(v) = &e.origin.version_arn {
            o.insert("StateMachineVersionArn".into(), json!(v));
        }
        o.insert("Status".into(), json!(e.status.as_str()));
        if let Some(s) = e.stop_millis {
            o.insert("StopDate".into(), json!(s));
        }
        Value::Object(o)
    }

    /// A finished child tells the `.sync` task that waits for it.
    pub(crate) fn notify_parent(&mut self, child: usize) {
        let Some(link) = self.executions[child].parent.clone() else {
            return;
        };
        let Some((frame, gen)) = link.waiting_frame else {
            return;
        };
        let p = link.execution.0 as usize;
        if !self.executions[p].is_running() {
            return;
        }
        // Only the child the task waits for now: a child redriven after its task gave up on it
        // (a retry or a redrive of the parent started another) ends on its own.
        let waits_for_it = self.executions[p]
            .frames
            .get(frame)
            .and_then(|f| f.task.as_ref())
            .is_some_and(|t| t.child == Some(self.executions[child].id));
        if !waits_for_it {
            return;
        }
        let described = self.describe_for_parent(child, link.pattern_sync2);
        let outcome = if self.executions[child].status == ExecutionStatus::Succeeded {
            TaskOutcome::Succeeded(described)
        } else {
            let text = if link.pattern_sync2 {
                described.to_string()
            } else {
                self.describe_for_parent(child, false).to_string()
            };
            // Each level nests the child's cause as escaped text; AWS caps causes, which also
            // keeps a chain of failing children from growing without bound.
            TaskOutcome::Failed(StatesError::new(
                names::TASK_FAILED,
                crate::api::clip_cause(text),
            ))
        };
        self.push(
            self.now,
            Work::Complete {
                at: FrameRef::new(p, frame),
                gen,
                outcome,
            },
        );
    }

    /// Stops the `.sync` children of an execution (or of one of its frames) that still run.
    pub(crate) fn stop_children_of(&mut self, exec: usize, frame: Option<usize>) {
        let kids: Vec<String> = self.executions[exec]
            .children
            .iter()
            .map(|c| &self.executions[c.0 as usize])
            .filter(|c| c.is_running())
            .filter(|c| {
                c.parent.as_ref().is_some_and(|l| {
                    l.waiting_frame
                        .is_some_and(|(f, _)| frame.is_none_or(|x| x == f))
                })
            })
            .map(|c| c.arn.clone())
            .collect();
        for arn in kids {
            let _ = self.stop_execution(&arn, None, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_json::json;

    #[test]
    fn text_and_value_have_aws_keys_in_aws_order() {
        let r = StartResponse::new("arn:x", 7, "req", "Wed, 01 Jan 2025 00:00:00 GMT", "97");
        let expected = json!({
            "ExecutionArn": "arn:x",
            "SdkHttpMetadata": {
                "AllHttpHeaders": {
                    "x-amzn-RequestId": ["req"], "connection": ["keep-alive"], "Content-Length": ["97"],
                    "Date": ["Wed, 01 Jan 2025 00:00:00 GMT"], "Content-Type": ["application/x-amz-json-1.0"],
                },
                "HttpHeaders": {
                    "connection": "keep-alive", "Content-Length": "97", "Content-Type": "application/x-amz-json-1.0",
                    "Date": "Wed, 01 Jan 2025 00:00:00 GMT", "x-amzn-RequestId": "req",
                },
                "HttpStatusCode": 200,
            },
            "SdkResponseMetadata": {"RequestId": "req"},
            "StartDate": 7,
        });
        assert_eq!(serde_json::to_string(&r).unwrap(), expected.to_string());
        assert_eq!(serde_json::to_value(&r).unwrap(), expected);
    }
}
