//! AWS's TestState: one state definition run on one input, outside any state machine, reporting
//! each data-flow stage (`inspectionData`), the status and the next state.
//!
//! The state runs in a scratch engine, so it behaves exactly as it does inside an execution:
//! the definition is wrapped in a machine whose only other states are placeholders for the
//! transition targets, the state is entered with the input (and the given variables), and the
//! run stops as soon as the state is left, retried or failed. Nothing calls a service here: a
//! Task answers with the request's `mock` (a result or an error), whatever its integration
//! pattern. The stages come from the run's [`Pipeline`] record, the one the inspector shows.

use crate::api::{names, ApiError};
use crate::dataflow::Pipeline;
use crate::engine::Engine;
use crate::execution::{Phase, TaskOutcome};
use crate::retry_catch::error_matches;
use stepwise_asl::model::Kind;
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

/// What `inspectionData` holds: `INFO` none of it, `DEBUG` the data-flow stages, `TRACE` also
/// an HTTP Task's request and response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InspectionLevel {
    #[default]
    Info,
    Debug,
    Trace,
}

impl InspectionLevel {
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        match s {
            "INFO" => Ok(Self::Info),
            "DEBUG" => Ok(Self::Debug),
            "TRACE" => Ok(Self::Trace),
            _ => Err(ApiError::new(
                names::VALIDATION,
                "inspectionLevel must be INFO, DEBUG or TRACE",
            )),
        }
    }
}

/// A Task's mocked answer (AWS's `MockInput`): a result as JSON text, or an error.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MockInput {
    pub result: Option<String>,
    pub error_output: Option<MockErrorOutput>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct MockErrorOutput {
    pub error: Option<String>,
    pub cause: Option<String>,
}

/// A TestState request, as AWS's API takes it (texts are JSON texts).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TestStateRequest {
    /// One state's definition, or a whole machine's when `state_name` says which state.
    pub definition: String,
    pub role_arn: Option<String>,
    pub input: Option<String>,
    pub inspection_level: InspectionLevel,
    /// Accepted as AWS takes it; nothing here is hidden (no EventBridge connection adds
    /// headers), so it changes nothing.
    pub reveal_secrets: bool,
    /// The workflow variables the state sees, as a JSON object.
    pub variables: Option<String>,
    pub state_name: Option<String>,
    pub mock: Option<MockInput>,
    /// `stateConfiguration.retrierRetryCount`: retries already made by the matching retrier.
    pub retrier_retry_count: Option<u32>,
}

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
            o.insert("inspectionData".into(), data.into());
        }
        if let Some(n) = &self.next_state {
            o.insert("nextState".into(), n.clone().into());
        }
        o.insert("status".into(), self.status.as_str().into());
        o.into()
    }
}

/// The name a lone state runs under (AWS's requests carry none).
const LONE_STATE_NAME: &str = "TestState";
/// Far more steps than one state takes (a Task: about six); a bound, not a budget to tune.
const MAX_STEPS: usize = 10_000;

fn invalid(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(code, message.into())
}

fn parse_json(text: &str, what: &str, code: &str) -> Result<Value, ApiError> {
    serde_json::from_str::<Value>(text).map_err(|e| invalid(code, format!("Invalid {what}: {e}")))
}

/// The state to test as JSON, its name and the machine-level `QueryLanguage`, if any.
fn pick_state(req: &TestStateRequest) -> Result<(Value, String, Option<Value>), ApiError> {
    if req.definition.trim().is_empty() {
        return Err(invalid(names::VALIDATION, "definition must not be empty"));
    }
    let doc = parse_json(
        &req.definition,
        "State Machine Definition",
        names::INVALID_DEFINITION,
    )?;
    let Some(obj) = doc.as_object() else {
        return Err(invalid(
            names::INVALID_DEFINITION,
            "a state definition must be a JSON object",
        ));
    };
    let whole = obj.contains_key("States");
    match &req.state_name {
        Some(name) => {
            if !whole {
                return Err(invalid(
                    names::VALIDATION,
                    "with stateName, definition must be a whole state machine",
                ));
            }
            let state = obj
                .get("States")
                .and_then(|s| s.get(name.as_str()))
                .cloned()
                .ok_or_else(|| {
                    invalid(
                        names::VALIDATION,
                        format!("no top-level state '{name}' in the definition"),
                    )
                })?;
            Ok((state, name.clone(), obj.get("QueryLanguage").cloned()))
        }
        None if whole && !obj.contains_key("Type") => Err(invalid(
            names::INVALID_DEFINITION,
            "a whole state machine: give stateName to say which state to test",
        )),
        None => Ok((doc.clone(), LONE_STATE_NAME.to_owned(), None)),
    }
}

/// A machine holding the state and a placeholder for each state it may go to (`Next`,
/// `Default`, a choice's or a catcher's `Next`).
fn wrapper(state: Value, name: &str, query_language: Option<Value>) -> String {
    let mut states = Map::new();
    let mut add = |v: Option<&Value>| {
        if let Some(t) = v.and_then(Value::as_str).filter(|t| *t != name) {
            states.insert(t.into(), stepwise_json::json!({"Type": "Succeed"}));
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for list in ["Choices", "Catch"] {
        for item in state
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            add(item.get("Next"));
        }
    }
    states.insert(name.into(), state);
    let mut machine = Map::new();
    if let Some(q) = query_language {
        machine.insert("QueryLanguage".into(), q);
    }
    machine.insert("StartAt".into(), Value::String(name.to_owned()));
    machine.insert("States".into(), Value::Object(states));
    Value::Object(machine).to_json_text().to_string()
}

/// How the tested state's run ended.
enum Outcome {
    /// Left for `next` (or ended its branch when `None`) with this output.
    Left {
        output: Value,
        next: Option<String>,
        caught: bool,
    },
    Failed(StatesError),
    Retriable,
}

impl Engine {
    /// AWS's TestState: runs one state on `input` and reports what each data-flow stage made.
    /// The engine itself is left untouched (the state runs in a scratch engine with this
    /// engine's clock, region and account).
    pub fn test_state(&self, req: &TestStateRequest) -> Result<TestStateResponse, ApiError> {
        Ok(TestStateResponse::new(self.test_state_run(req)?, req))
    }

    /// TestState's run itself (the inspection level and `revealSecrets` do not matter here).
    pub fn test_state_run(&self, req: &TestStateRequest) -> Result<TestRun, ApiError> {
        if let Some(role) = &req.role_arn {
            if !role.starts_with("arn:") || !role.contains(":iam::") || !role.contains(":role/") {
                return Err(invalid(
                    names::INVALID_ARN,
                    format!("Invalid Arn: 'Resource type not valid in this context: {role}'"),
                ));
            }
        }
        let (state_json, name, query_language) = pick_state(req)?;
        let mut config = self.config.clone();
        config.epoch_millis = self.now;
        config.record_pipelines = true;
        // Of a whole machine (stateName), the tested state is checked with the states it may go
        // to, not the rest of the machine.
        let type_name = state_json.get("Type").and_then(Value::as_str).unwrap_or("");
        let is_task = type_name == "Task";
        if matches!(type_name, "Map" | "Parallel") {
            return Err(invalid(
                names::VALIDATION,
                format!("{type_name} states cannot be tested here"),
            ));
        }
        let outcome = match (&req.mock, is_task) {
            (Some(_), false) => {
                return Err(invalid(
                    names::VALIDATION,
                    format!("no mock for a {type_name} state"),
                ))
            }
            (None, true) => {
                return Err(invalid(
                    names::VALIDATION,
                    "a Task needs a mock: no service is called here",
                ))
            }
            (Some(m), true) => Some(mock_outcome(m)?),
            (None, false) => None,
        };
        let input = match req.input.as_deref().map(str::trim) {
            None | Some("") => Value::Object(Map::new()),
            Some(t) => parse_json(t, "input", names::INVALID_EXECUTION_INPUT)?,
        };
        let variables = match req.variables.as_deref().map(str::trim) {
            None | Some("") => Map::new(),
            Some(t) => match parse_json(t, "variables", names::VALIDATION)? {
                Value::Object(m) => m,
                _ => {
                    return Err(invalid(
                        names::VALIDATION,
                        "variables must be a JSON object",
                    ))
                }
            },
        };

        let mut scratch = Engine::new(config);
        let text = wrapper(state_json, &name, query_language);
        let machine = scratch.create_state_machine("TestState", &text)?;
        let id = scratch.start_with_value(&machine, Some("test-state"), input, None)?;
        let exec = id.0 as usize;
        scratch.executions[exec].frames[0].vars = variables;

        let ended = scratch.run_tested_state(exec, outcome, req.retrier_retry_count)?;
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
        })
    }

    /// Steps the scratch execution until its only frame has left the tested state (or ended),
    /// answering the Task with `mock` when it would call its service.
    fn run_tested_state(
        &mut self,
        exec: usize,
        mut mock: Option<TaskOutcome>,
        retried: Option<u32>,
    ) -> Result<Outcome, ApiError> {
        let mut entered = false;
        let mut caught = false;
        for _ in 0..MAX_STEPS {
            let h = self.here(exec);
            let f = &mut self.executions[exec].frames[0];
            match &f.phase {
                Phase::Enter(output) if entered => {
                    let next = h.states.list[f.state].name.to_string();
                    return Ok(Outcome::Left {
                        output: output.clone(),
                        next: Some(next),
                        caught,
                    });
                }
                Phase::Finish(Ok(output)) => {
                    return Ok(Outcome::Left {
                        output: output.clone(),
                        next: None,
                        caught,
                    })
                }
                Phase::Finish(Err(e)) => return Ok(Outcome::Failed(e.clone())),
                Phase::TaskScheduled | Phase::Restart if f.retry_count > 0 => {
                    return Ok(Outcome::Retriable)
                }
                // Where the task would reach its service, the mock answers instead.
                Phase::TaskStarted => {
                    if let Some(answer) = mock.take() {
                        f.phase = Phase::TaskDone(answer);
                    }
                }
                Phase::Exit { .. } => caught = f.exiting_catcher,
                _ => {}
            }
            if self.step().is_none() && !self.advance_to_next_timer() {
                break;
            }
            if !entered {
                entered = true;
                if let Some(n) = retried {
                    let f = &mut self.executions[exec].frames[0];
                    f.retry_attempts.iter_mut().for_each(|a| *a = n);
                }
            }
        }
        Err(invalid(names::VALIDATION, "the state did not finish"))
    }
}

fn mock_outcome(m: &MockInput) -> Result<TaskOutcome, ApiError> {
    match (&m.result, &m.error_output) {
        (Some(_), Some(_)) => Err(invalid(
            names::VALIDATION,
            "A mock has either a result or an errorOutput, not both",
        )),
        (None, None) => Err(invalid(
            names::VALIDATION,
            "A mock needs a result or an errorOutput",
        )),
        (Some(r), None) => Ok(TaskOutcome::Succeeded(parse_json(
            r,
            "mock result",
            names::VALIDATION,
        )?)),
        (None, Some(e)) => Ok(TaskOutcome::Failed(StatesError {
            error: e.error.clone().unwrap_or_default(),
            cause: e.cause.clone(),
        })),
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

#[cfg(test)]
mod tests;
