//! A local run set up like a recorded one: the same definitions and input, every task answered
//! as AWS recorded it (a Step Functions Local mock config, plus the answers sent to task
//! tokens), on an engine whose clock, region, account and role are the recording's. Exported
//! test cases are this, plus the outcome to expect.

use crate::import::{arn_part, Import, Recording};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use stepwise_engine::{
    Engine, EngineConfig, EventType, ExecutionId, ExecutionStatus, Idle, PendingKind,
};

/// The test case name a scenario's mock config uses for recorded answers.
pub const RECORDED_TEST_CASE: &str = "Recorded";

/// Where the recorded execution ran: the engine is set up alike, so ARNs and the start time
/// come out the same.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub region: String,
    pub account: String,
    pub role_arn: String,
    /// The execution's start, in milliseconds since the Unix epoch.
    pub start_millis: i64,
}

impl Default for Environment {
    fn default() -> Self {
        let c = EngineConfig::default();
        Environment {
            region: c.region,
            account: c.account,
            role_arn: c.role_arn,
            start_millis: c.epoch_millis,
        }
    }
}

/// What the outside world did with one task token (the corpus' callback format).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Callback {
    SendTaskSuccess {
        #[serde(rename = "Output")]
        output: Value,
    },
    SendTaskFailure {
        #[serde(rename = "Error", default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        #[serde(rename = "Cause", default, skip_serializing_if = "Option::is_none")]
        cause: Option<String>,
    },
    /// Never answered: the task's timeout decides.
    Nothing(bool),
}

/// A local run to make.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    /// The machine whose execution is run, by name.
    pub state_machine: String,
    /// Every machine's definition text by name (the one run, and those it starts).
    pub state_machines: BTreeMap<String, String>,
    /// The execution input, JSON text.
    pub input: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_name: Option<String>,
    #[serde(default)]
    pub environment: Environment,
    /// Answers for tasks, in the Step Functions Local mock-config format.
    #[serde(default = "empty_mock_config")]
    pub mock_config: Value,
    /// Which of the mock config's test cases to use (its first per machine when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_case: Option<String>,
    /// Answers to task tokens: machine name → state name → one entry per token, in order.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub callbacks: BTreeMap<String, BTreeMap<String, Vec<Callback>>>,
}

fn empty_mock_config() -> Value {
    json!({"StateMachines": {}, "MockedResponses": {}})
}

/// Why a recording cannot be replayed faithfully.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NotReplayable(pub String);

impl std::fmt::Display for NotReplayable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One task invocation as recorded: what the service answered when submitted (callback tasks)
/// and how it ended.
struct Invocation {
    state: String,
    callback: bool,
    last_event: u64,
    submitted: Option<Value>,
    end: Option<End>,
}

enum End {
    Succeeded(Value),
    Failed(Option<String>, Option<String>),
    TimedOut,
}

/// The scenario that replays execution `index` of `import`.
pub fn scenario(import: &Import, index: usize) -> Result<Scenario, NotReplayable> {
    let rec = &import.executions[index];
    if let Some(e) = rec.unknown_events().next() {
        return Err(NotReplayable(format!(
            "event {} has a type Stepwise does not know ({})",
            e.id, e.event_type
        )));
    }
    if let Some(e) = rec
        .events
        .iter()
        .find(|e| e.event_type.starts_with("Activity") || e.is(EventType::ExecutionRedriven))
    {
        return Err(NotReplayable(format!(
            "event {} ({}): {} are not replayed yet",
            e.id,
            e.event_type,
            if e.is(EventType::ExecutionRedriven) {
                "redriven executions"
            } else {
                "activities"
            }
        )));
    }
    let mut machines = BTreeMap::new();
    let mut mocks: Vec<(String, Vec<Invocation>)> = Vec::new();
    machines.insert(rec.machine.name.clone(), rec.machine.definition.clone());
    mocks.push((rec.machine.name.clone(), invocations(rec)));
    // Children recorded too answer as they did; other machines named only by a definition
    // run with no answers at all.
    let mut stack = rec.children.clone();
    let mut seen = vec![index];
    while let Some(c) = stack.pop() {
        if seen.contains(&c) {
            continue;
        }
        seen.push(c);
        let child = &import.executions[c];
        if !machines.contains_key(&child.machine.name) {
            machines.insert(child.machine.name.clone(), child.machine.definition.clone());
            mocks.push((child.machine.name.clone(), invocations(child)));
        }
        stack.extend(child.children.iter().copied());
    }
    for m in &import.machines {
        machines
            .entry(m.name.clone())
            .or_insert_with(|| m.definition.clone());
    }
    let mut state_machines = Map::new();
    let mut responses = Map::new();
    let mut callbacks: BTreeMap<String, BTreeMap<String, Vec<Callback>>> = BTreeMap::new();
    for (machine, invs) in mocks {
        let mut per_state: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for inv in invs {
            let (answer, callback) = answer_of(inv.callback, inv.submitted, inv.end);
            if let Some(cb) = callback {
                callbacks
                    .entry(machine.clone())
                    .or_default()
                    .entry(inv.state.clone())
                    .or_default()
                    .push(cb);
            }
            per_state.entry(inv.state).or_default().push(answer);
        }
        let mut case = Map::new();
        for (state, answers) in per_state {
            let response = format!("{machine}.{state}");
            case.insert(state, Value::String(response.clone()));
            responses.insert(response, Value::Object(ranges(answers)));
        }
        state_machines.insert(
            machine,
            json!({"TestCases": {RECORDED_TEST_CASE: Value::Object(case)}}),
        );
    }
    let started = rec.events.first();
    let environment = environment(rec, started.and_then(|e| e.timestamp_millis));
    Ok(Scenario {
        state_machine: rec.machine.name.clone(),
        state_machines: machines,
        input: rec.input.clone(),
        execution_name: rec.identity.as_ref().map(|i| i.name.clone()),
        environment,
        mock_config: json!({"StateMachines": state_machines, "MockedResponses": responses}),
        test_case: Some(RECORDED_TEST_CASE.to_owned()),
        callbacks,
    })
}

fn environment(rec: &Recording, start: Option<i64>) -> Environment {
    let d = Environment::default();
    let arn = rec
        .identity
        .as_ref()
        .map(|i| i.arn.as_str())
        .or(rec.machine.arn.as_deref());
    let part = |n| arn.and_then(|a| arn_part(a, n)).filter(|p| !p.is_empty());
    Environment {
        region: part(3).map_or(d.region, str::to_owned),
        account: part(4).map_or(d.account, str::to_owned),
        role_arn: rec
            .events
            .first()
            .and_then(|e| e.detail_str("roleArn"))
            .map_or(d.role_arn, str::to_owned),
        start_millis: start.unwrap_or(d.start_millis),
    }
}

/// Consecutive equal answers as one range (`"0-2"`), as a hand-written config would have them.
fn ranges(answers: Vec<Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let mut i = 0;
    while i < answers.len() {
        let mut j = i;
        while j + 1 < answers.len() && answers[j + 1] == answers[i] {
            j += 1;
        }
        let key = if i == j {
            i.to_string()
        } else {
            format!("{i}-{j}")
        };
        out.insert(key, answers[i].clone());
        i = j + 1;
    }
    out
}

fn answer_of(
    callback: bool,
    submitted: Option<Value>,
    end: Option<End>,
) -> (Value, Option<Callback>) {
    match (callback, submitted, end) {
        // A callback task's service call answered; the token got its answer later.
        (true, Some(s), end) => {
            let cb = match end {
                Some(End::Succeeded(v)) => Callback::SendTaskSuccess { output: v },
                Some(End::Failed(error, cause)) => Callback::SendTaskFailure { error, cause },
                Some(End::TimedOut) | None => Callback::Nothing(true),
            };
            (json!({"Return": s}), Some(cb))
        }
        (_, _, Some(End::Succeeded(v))) => (json!({"Return": v}), None),
        (_, _, Some(End::Failed(error, cause))) => {
            let mut t = Map::new();
            if let Some(e) = error {
                t.insert("Error".into(), Value::String(e));
            }
            if let Some(c) = cause {
                t.insert("Cause".into(), Value::String(c));
            }
            (json!({"Throw": Value::Object(t)}), None)
        }
        // Timed out, or still running when the recording ends.
        (_, _, Some(End::TimedOut) | None) => (json!({"Hang": true}), None),
    }
}

/// The task invocations of a recording, in the order they were scheduled, with how each ended.
/// Step Functions' own `states:startExecution*` tasks are left out: their children run.
fn invocations(rec: &Recording) -> Vec<Invocation> {
    let mut out: Vec<Invocation> = Vec::new();
    for e in &rec.events {
        let t = e.event_type.as_str();
        let state = e.state_name.clone().unwrap_or_default();
        if e.is_any(&[EventType::TaskScheduled, EventType::LambdaFunctionScheduled]) {
            let resource_type = e.detail_str("resourceType").unwrap_or("");
            let resource = e.detail_str("resource").unwrap_or("");
            if resource_type == "states" && resource.starts_with("startExecution") {
                continue;
            }
            out.push(Invocation {
                state,
                callback: resource.ends_with(".waitForTaskToken"),
                last_event: e.id,
                submitted: None,
                end: None,
            });
            continue;
        }
        let is_task_event =
            t.starts_with("Task") && !t.starts_with("TaskState") || t.starts_with("LambdaFunction");
        if !is_task_event {
            continue;
        }
        // The invocation this event continues: the one whose last event it follows, else the
        // oldest open one of the same state.
        let Some(inv) = out
            .iter()
            .rposition(|i| i.end.is_none() && i.last_event == e.previous_event_id)
            .or_else(|| out.iter().position(|i| i.end.is_none() && i.state == state))
            .map(|i| &mut out[i])
        else {
            continue;
        };
        inv.last_event = e.id;
        let text = |f: &str| e.detail_str(f).map(str::to_owned);
        use EventType as T;
        match e.kind() {
            Some(T::TaskSubmitted) => {
                inv.submitted = Some(e.payload("output").unwrap_or(Value::Null))
            }
            Some(T::TaskSucceeded | T::LambdaFunctionSucceeded) => {
                inv.end = Some(End::Succeeded(e.payload("output").unwrap_or(Value::Null)))
            }
            Some(
                T::TaskFailed
                | T::TaskStartFailed
                | T::TaskSubmitFailed
                | T::LambdaFunctionFailed
                | T::LambdaFunctionStartFailed
                | T::LambdaFunctionScheduleFailed,
            ) => inv.end = Some(End::Failed(text("error"), text("cause"))),
            Some(T::TaskTimedOut | T::LambdaFunctionTimedOut) => inv.end = Some(End::TimedOut),
            _ => {}
        }
    }
    out
}

/// A finished local run.
pub struct LocalRun {
    pub engine: Engine,
    pub root: ExecutionId,
    /// Every task token the run issued (they differ from AWS's; the comparison maps them).
    pub tokens: Vec<String>,
    /// Why the run stopped before its execution ended, if it did.
    pub stuck: Option<String>,
}

/// Steps a local run may take (history events, about): AWS's 25,000-event limit per execution
/// with room for children.
pub const MAX_STEPS: usize = 2_000_000;

/// Runs `s` on a new engine until its execution ends, or nothing can move it on.
pub fn run(s: &Scenario) -> Result<LocalRun, String> {
    let env = &s.environment;
    let mut engine = Engine::new(EngineConfig {
        epoch_millis: env.start_millis,
        region: env.region.clone(),
        account: env.account.clone(),
        role_arn: env.role_arn.clone(),
        ..EngineConfig::default()
    });
    for (name, definition) in &s.state_machines {
        engine.create_state_machine(name, definition).map_err(|e| {
            let diags: Vec<String> = e
                .diagnostics
                .iter()
                .map(|d| format!("{}: {}", d.code, d.message))
                .collect();
            format!(
                "the definition of {name} is refused: {e} {}",
                diags.join("; ")
            )
        })?;
    }
    let config = chosen_test_case(&s.mock_config, s.test_case.as_deref());
    engine
        .set_mock_config(&stepwise_json::Value::from(&config))
        .map_err(|e| format!("mock config: {e}"))?;
    let arn = engine.machine_arn(&s.state_machine);
    let root = engine
        .start_execution(&arn, s.execution_name.as_deref(), Some(&s.input))
        .map_err(|e| format!("StartExecution: {e}"))?;
    let mut used: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut tokens: Vec<String> = Vec::new();
    let mut steps = 0;
    let mut stuck = None;
    while engine.execution(root).status == ExecutionStatus::Running {
        if steps >= MAX_STEPS {
            stuck = Some(format!("still running after {MAX_STEPS} steps"));
            break;
        }
        let idle = engine.run_until_idle(1000);
        steps += 1000;
        let mut acted = false;
        for p in engine.pending_tasks() {
            if tokens.contains(&p.token) {
                continue;
            }
            tokens.push(p.token.clone());
            if p.kind == PendingKind::Manual {
                continue;
            }
            let machine = engine.execution(p.execution).machine_name.clone();
            let n = used
                .entry((machine.clone(), p.state_name.clone()))
                .or_insert(0);
            let Some(cb) = s
                .callbacks
                .get(&machine)
                .and_then(|m| m.get(&p.state_name))
                .and_then(|l| l.get(*n))
            else {
                continue;
            };
            *n += 1;
            let answered = match cb {
                Callback::SendTaskSuccess { output } => {
                    engine.send_task_success(&p.token, &output.to_string())
                }
                Callback::SendTaskFailure { error, cause } => {
                    engine.send_task_failure(&p.token, error.as_deref(), cause.as_deref())
                }
                Callback::Nothing(_) => continue,
            };
            answered.map_err(|e| format!("answering {} of {}: {e}", p.state_name, machine))?;
            acted = true;
        }
        if acted {
            continue;
        }
        match idle {
            Idle::BudgetSpent => {}
            Idle::Finished => break,
            Idle::WaitingForTimer(_) | Idle::WaitingForOutside => {
                if !engine.advance_to_next_timer() {
                    let waiting: Vec<String> = engine
                        .pending_tasks()
                        .iter()
                        .map(|p| format!("{} ({})", p.state_name, p.resource))
                        .collect();
                    stuck = Some(format!(
                        "the local run waits for tasks nobody answers: {}",
                        waiting.join(", ")
                    ));
                    break;
                }
            }
        }
    }
    Ok(LocalRun {
        engine,
        root,
        tokens,
        stuck,
    })
}

/// The mock config with only the chosen test case per machine (the engine takes each machine's
/// first).
fn chosen_test_case(config: &Value, test_case: Option<&str>) -> Value {
    let (Some(t), Some(machines)) = (
        test_case,
        config.get("StateMachines").and_then(Value::as_object),
    ) else {
        return config.clone();
    };
    let mut out = config.clone();
    let mut picked = Map::new();
    for (m, mv) in machines {
        let mut mv = mv.clone();
        if let Some(case) = mv.get("TestCases").and_then(|c| c.get(t)).cloned() {
            mv["TestCases"] = json!({ t: case });
        }
        picked.insert(m.clone(), mv);
    }
    out["StateMachines"] = Value::Object(picked);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_neighbours_become_ranges() {
        let r = ranges(vec![json!(1), json!(1), json!(2), json!(1)]);
        assert_eq!(Value::Object(r), json!({"0-1": 1, "2": 2, "3": 1}));
    }

    #[test]
    fn a_callback_task_mocks_its_service_answer_and_answers_its_token() {
        let (mock, cb) = answer_of(
            true,
            Some(json!({"MessageId": "m"})),
            Some(End::Failed(Some("E".into()), None)),
        );
        assert_eq!(mock, json!({"Return": {"MessageId": "m"}}));
        assert_eq!(
            cb,
            Some(Callback::SendTaskFailure {
                error: Some("E".into()),
                cause: None
            })
        );
        let (mock, cb) = answer_of(false, None, Some(End::TimedOut));
        assert_eq!((mock, cb), (json!({"Hang": true}), None));
    }
}
