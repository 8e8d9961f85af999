//! TestState's answer: what the run gave (`TestRun`, shown by the playground) and AWS's
//! response shaped from it at the request's inspection level (`inspectionData`, TRACE's HTTP
//! request and response).

use super::request::{InspectionLevel, TestStateRequest};
use super::MapInspection;
use crate::dataflow::Pipeline;
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestStatus {
    Succeeded,
    Failed,
    Retriable,
    CaughtError,
}

impl TestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Succeeded => "SUCCEEDED",
            TestStatus::Failed => "FAILED",
            TestStatus::Retriable => "RETRIABLE",
            TestStatus::CaughtError => "CAUGHT_ERROR",
        }
    }
}

/// AWS's `InspectionErrorDetails`: which retrier or catcher took the error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorDetails {
    pub catch_index: Option<u32>,
    pub retry_index: Option<u32>,
    pub retry_backoff_interval_seconds: Option<u64>,
}

/// AWS's `InspectionDataRequest` (TRACE, HTTP Tasks).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpRequest {
    pub protocol: String,
    pub method: String,
    pub url: String,
    pub headers: String,
    pub body: String,
}

/// AWS's `InspectionDataResponse` (TRACE, HTTP Tasks).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpResponse {
    pub protocol: String,
    pub status_code: String,
    pub status_message: String,
    pub headers: String,
    pub body: String,
}

/// AWS's `InspectionData`: every stage as JSON text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InspectionData {
    pub input: Option<String>,
    pub after_input_path: Option<String>,
    pub after_parameters: Option<String>,
    pub after_arguments: Option<String>,
    pub result: Option<String>,
    pub after_result_selector: Option<String>,
    pub after_result_path: Option<String>,
    pub request: Option<HttpRequest>,
    pub response: Option<HttpResponse>,
    pub variables: Option<String>,
    pub error_details: Option<ErrorDetails>,
    /// A Map's own stages and limits (`afterItemsPath`, `maxConcurrency`, ...).
    pub map: Option<MapInspection>,
}

/// AWS's TestState response. `pipeline` is the run's full record (also for `INFO`); it is not
/// part of the serialized answer.
#[derive(Clone, Debug, PartialEq)]
pub struct TestStateResponse {
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub inspection_data: Option<InspectionData>,
    pub next_state: Option<String>,
    pub status: TestStatus,
    pub pipeline: Pipeline,
}

/// What running the state gave, before it is shaped as AWS's answer: the playground shows
/// this directly (its stages through the same renderer as an execution's records).
#[derive(Clone, Debug, PartialEq)]
pub struct TestRun {
    pub status: TestStatus,
    pub next_state: Option<String>,
    /// What the state handed on (SUCCEEDED, CAUGHT_ERROR).
    pub output: Option<Value>,
    /// The error reported: the failure, or the one a retrier or catcher took.
    pub error: Option<StatesError>,
    pub error_details: Option<ErrorDetails>,
    /// Every stage the run reached.
    pub pipeline: Pipeline,
    /// The variables after the state (those given, plus what it assigned).
    pub variables: Map,
    /// Whether the state is an HTTP Task (TRACE shows its request and response).
    pub http: bool,
    /// A Map's own stages (items, ItemSelector, ItemBatcher) and limits.
    pub map: Option<MapInspection>,
}

impl TestStateResponse {
    /// AWS's answer for a run, at the request's inspection level.
    pub fn new(run: TestRun, req: &TestStateRequest) -> Self {
        let inspection_data = (req.inspection_level != InspectionLevel::Info).then(|| {
            let mut data = inspection(&run.pipeline);
            data.variables = (!run.variables.is_empty()).then(|| {
                Value::Object(run.variables.clone())
                    .to_json_text()
                    .to_string()
            });
            data.error_details = run.error_details.clone();
            data.map = run.map.clone();
            if req.inspection_level == InspectionLevel::Trace && run.http {
                (data.request, data.response) = http_trace(&run.pipeline);
            }
            data
        });
        TestStateResponse {
            output: run.output.map(|o| o.to_json_text().to_string()),
            error: run
                .error
                .as_ref()
                .filter(|e| !e.error.is_empty())
                .map(|e| e.error.clone()),
            cause: run.error.and_then(|e| e.cause),
            inspection_data,
            next_state: run.next_state,
            status: run.status,
            pipeline: run.pipeline,
        }
    }
}

impl TestRun {
    /// AWS's TestState answer as JSON, at the request's inspection level (fields left out when
    /// empty, as AWS leaves them out): what the JS API's `testState` returns.
    pub fn aws_json(&self, req: &TestStateRequest) -> serde_json::Value {
        use serde_json::Value as Json;
        let text = |v: &Value| Json::String(v.to_json_text().to_string());
        let mut o = serde_json::Map::new();
        if let Some(out) = &self.output {
            o.insert("output".into(), text(out));
        }
        if let Some(e) = &self.error {
            if !e.error.is_empty() {
                o.insert("error".into(), e.error.clone().into());
            }
            if let Some(c) = &e.cause {
                o.insert("cause".into(), c.clone().into());
            }
        }
        if req.inspection_level != InspectionLevel::Info {
            let mut data = serde_json::Map::new();
            for (key, v) in self.pipeline.stages() {
                if key != "output" {
                    data.insert(key.into(), text(v));
                }
            }
            if req.inspection_level == InspectionLevel::Trace && self.http {
                let (request, response) = http_trace(&self.pipeline);
                if let Some(r) = request {
                    data.insert(
                        "request".into(),
                        serde_json::json!({"protocol": r.protocol, "method": r.method, "url": r.url, "headers": r.headers, "body": r.body}),
                    );
                }
                if let Some(r) = response {
                    data.insert(
                        "response".into(),
                        serde_json::json!({"protocol": r.protocol, "statusCode": r.status_code, "statusMessage": r.status_message, "headers": r.headers, "body": r.body}),
                    );
                }
            }
            if !self.variables.is_empty() {
                data.insert(
                    "variables".into(),
                    text(&Value::Object(self.variables.clone())),
                );
            }
            if let Some(d) = &self.error_details {
                let mut details = serde_json::Map::new();
                for (key, n) in [
                    ("catchIndex", d.catch_index.map(u64::from)),
                    ("retryIndex", d.retry_index.map(u64::from)),
                    (
                        "retryBackoffIntervalSeconds",
                        d.retry_backoff_interval_seconds,
                    ),
                ] {
                    if let Some(n) = n {
                        details.insert(key.into(), n.into());
                    }
                }
                data.insert("errorDetails".into(), details.into());
            }
            if let Some(m) = &self.map {
                for (key, v) in [
                    ("afterItemsPath", &m.after_items_path),
                    ("afterItemSelector", &m.after_item_selector),
                    ("afterItemBatcher", &m.after_item_batcher),
                ] {
                    if let Some(v) = v {
                        data.insert(key.into(), text(v));
                    }
                }
                data.insert("maxConcurrency".into(), m.max_concurrency.into());
                if let Some(c) = m.tolerated_failure_count {
                    data.insert("toleratedFailureCount".into(), c.into());
                }
                if let Some(p) = m.tolerated_failure_percentage {
                    data.insert("toleratedFailurePercentage".into(), p.into());
                }
            }
            o.insert("inspectionData".into(), data.into());
        }
        if let Some(n) = &self.next_state {
            o.insert("nextState".into(), n.clone().into());
        }
        o.insert("status".into(), self.status.as_str().into());
        o.into()
    }
}

fn text(v: &Value) -> String {
    v.to_json_text().to_string()
}

/// The stages AWS reports, as JSON texts.
fn inspection(p: &Pipeline) -> InspectionData {
    let params = p.after_parameters.as_ref().map(text);
    let (after_parameters, after_arguments) = if p.jsonata {
        (None, params)
    } else {
        (params, None)
    };
    InspectionData {
        input: Some(text(&p.input)),
        after_input_path: p.after_input_path.as_ref().map(text),
        after_parameters,
        after_arguments,
        result: p.result.as_ref().map(text),
        after_result_selector: p.after_result_selector.as_ref().map(text),
        after_result_path: p.after_result_path.as_ref().map(text),
        ..InspectionData::default()
    }
}

/// Headers as `name: value` lines. The headers a definition writes are not secrets; the ones
/// AWS hides unless `revealSecrets` (an EventBridge connection's) do not exist here.
fn header_text(headers: Option<&Value>) -> String {
    let Some(Value::Object(h)) = headers else {
        return String::new();
    };
    h.iter()
        .map(|(k, v)| format!("{k}: {}", shown(Some(v))))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A value as the HTTP exchange shows it: text as it is, nothing as nothing, else JSON text.
fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => text(other),
    }
}

/// An HTTP Task's request (from its parameters) and response (from its mocked result), as
/// TRACE shows them.
fn http_trace(p: &Pipeline) -> (Option<HttpRequest>, Option<HttpResponse>) {
    let request = p.after_parameters.as_ref().map(|params| {
        let mut url = shown(params.get("ApiEndpoint"));
        if let Some(Value::Object(q)) = params.get("QueryParameters") {
            for (i, (k, v)) in q.iter().enumerate() {
                url.push(if i == 0 { '?' } else { '&' });
                url.push_str(&format!("{k}={}", shown(Some(v))));
            }
        }
        HttpRequest {
            protocol: "https".into(),
            method: params
                .get("Method")
                .map_or_else(|| "GET".into(), |m| shown(Some(m))),
            url,
            headers: header_text(params.get("Headers")),
            body: shown(params.get("RequestBody")),
        }
    });
    let response = p.result.as_ref().map(|r| HttpResponse {
        protocol: "https".into(),
        status_code: shown(r.get("StatusCode")),
        status_message: shown(r.get("StatusText")),
        headers: header_text(r.get("Headers")),
        body: shown(r.get("ResponseBody")),
    });
    (request, response)
}
