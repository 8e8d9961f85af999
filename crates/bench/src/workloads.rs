//! The benchmark workloads of the team's shared benchmark data (copied under `crates/bench/workloads/` so that
//! they build anywhere): each one registers its machines on a fresh engine, starts one execution,
//! drives it to the end the way a host would (work queue, virtual timers, task tokens) and then
//! checks the outcome against what the workload implies, so a fast but wrong engine never
//! produces a figure.

use std::fmt;
use stepwise_engine::{
    Engine, EngineConfig, ExecutionId, ExecutionStatus, Idle, Limits, PendingKind,
};
use stepwise_json::{json, Value};

pub const LOOP_JSON: &str = include_str!("../workloads/loop.json");
pub const MAP_JSON: &str = include_str!("../workloads/map.json");
pub const NESTED_JSON: &str = include_str!("../workloads/nested.json");
pub const CALLBACK_JSON: &str = include_str!("../workloads/callback.json");
pub const CHILD_JSON: &str = include_str!("../workloads/child.json");
pub const DATAFLOW_JSON: &str = include_str!("../workloads/dataflow.json");
pub const DATAFLOW_INPUT_JSON: &str = include_str!("../workloads/dataflow.input.json");

/// Steps given to `run_until_idle` at a time; any value works, a large one keeps the host loop
/// out of the profile.
const BUDGET: usize = 1 << 20;

/// A driver gives up after this many host rounds without the execution ending (a stuck engine
/// must fail the benchmark, not hang it).
const MAX_ROUNDS: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// Pass + Choice counter: 2 transitions per iteration.
    Loop,
    /// Inline Map over N items, one Pass with `States.Format` each.
    Map,
    /// Inline Map starting N child executions with `startExecution.sync:2`.
    Nested,
    /// Inline Map of N `.waitForTaskToken` tasks answered by the driver.
    Callback,
    /// 20 Pass states moving a 54 KiB document (N is ignored).
    Dataflow,
}

impl Workload {
    pub const ALL: [Workload; 5] = [
        Workload::Loop,
        Workload::Map,
        Workload::Nested,
        Workload::Callback,
        Workload::Dataflow,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Loop => "loop",
            Workload::Map => "map",
            Workload::Nested => "nested",
            Workload::Callback => "callback",
            Workload::Dataflow => "dataflow",
        }
    }

    pub fn parse(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// Whether the size N means anything for this workload.
    pub fn is_sized(self) -> bool {
        self != Workload::Dataflow
    }

    pub fn definition(self) -> &'static str {
        match self {
            Workload::Loop => LOOP_JSON,
            Workload::Map => MAP_JSON,
            Workload::Nested => NESTED_JSON,
            Workload::Callback => CALLBACK_JSON,
            Workload::Dataflow => DATAFLOW_JSON,
        }
    }

    /// Whether the workload also needs `child.json` registered as `child`.
    fn needs_child(self) -> bool {
        matches!(self, Workload::Nested | Workload::Callback)
    }

    /// The execution input for size `n`, as JSON text.
    pub fn input(self, n: usize) -> String {
        match self {
            Workload::Loop => json!({ "n": n }).to_string(),
            Workload::Map | Workload::Nested | Workload::Callback => {
                let items: Vec<Value> = (0..n)
                    .map(|i| json!({ "id": i, "group": format!("g{}", i % 7) }))
                    .collect();
                json!({ "items": items }).to_string()
            }
            Workload::Dataflow => DATAFLOW_INPUT_JSON.to_owned(),
        }
    }

    /// `*StateEntered` events over all executions, as `workloads/README.md` counts them.
    pub fn expected_transitions(self, n: usize) -> u64 {
        let n = n as u64;
        match self {
            Workload::Loop => 2 * n + 3,
            Workload::Map => n + 1,
            Workload::Nested | Workload::Callback => (n + 1) + 3 * n,
            Workload::Dataflow => 20,
        }
    }

    pub fn expected_executions(self, n: usize) -> u64 {
        if self.needs_child() {
            n as u64 + 1
        } else {
            1
        }
    }
}

impl fmt::Display for Workload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a finished run amounted to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Counts {
    /// `*StateEntered` events over all executions.
    pub transitions: u64,
    /// History events over all executions.
    pub events: u64,
    pub executions: u64,
}

/// Why a workload did not produce a figure: the engine refused a call, got stuck, or ended
/// with the wrong status or output. The message carries what is needed to file the bug.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadError {
    pub workload: Workload,
    pub n: usize,
    pub message: String,
}

impl fmt::Display for WorkloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} N={}: {}", self.workload, self.n, self.message)
    }
}

impl std::error::Error for WorkloadError {}

/// Limits that let one execution run past AWS's quotas (25,000 events, 256 KiB payloads,
/// 10,000 executions per engine). Only the N = 10,000 runs use them, and say so.
pub fn raised_limits() -> Limits {
    Limits {
        max_history_events: 10_000_000,
        max_payload_bytes: 64 * 1024 * 1024,
        max_executions: 1_000_000,
        ..Limits::default()
    }
}

pub fn config_with(limits: Limits) -> EngineConfig {
    EngineConfig {
        limits,
        ..EngineConfig::default()
    }
}

/// An engine with the workload's machines registered and its input built: everything that
/// comes before `StartExecution`.
pub struct Prepared {
    pub workload: Workload,
    pub n: usize,
    pub engine: Engine,
    pub machine_arn: String,
    pub input: String,
}

impl Prepared {
    pub fn new(
        workload: Workload,
        n: usize,
        config: EngineConfig,
    ) -> Result<Prepared, WorkloadError> {
        let fail = |m: String| WorkloadError {
            workload,
            n,
            message: m,
        };
        let mut engine = Engine::new(config);
        if workload.needs_child() {
            engine
                .create_state_machine("child", CHILD_JSON)
                .map_err(|e| fail(format!("CreateStateMachine child: {e}")))?;
        }
        let machine_arn = engine
            .create_state_machine(workload.name(), workload.definition())
            .map_err(|e| fail(format!("CreateStateMachine {}: {e}", workload.name())))?;
        Ok(Prepared {
            workload,
            n,
            engine,
            machine_arn,
            input: workload.input(n),
        })
    }

    /// Starts the execution and drives the engine until no execution runs.
    pub fn execute(self) -> Result<Finished, WorkloadError> {
        let Prepared {
            workload,
            n,
            mut engine,
            machine_arn,
            input,
        } = self;
        let fail = |m: String| WorkloadError {
            workload,
            n,
            message: m,
        };
        let root = engine
            .start_execution(&machine_arn, Some("bench"), Some(&input))
            .map_err(|e| fail(format!("StartExecution: {e}")))?;
        drive(&mut engine, workload)
            .map_err(|m| fail(format!("{m}\n{}", last_events(&engine, root, 12))))?;
        Ok(Finished {
            workload,
            n,
            engine,
            root,
        })
    }
}

/// Runs the work queue to the end: timers are fast-forwarded, task tokens answered as soon as
/// the engine waits for them (only the `callback` workload has any).
fn drive(engine: &mut Engine, workload: Workload) -> Result<(), String> {
    for _ in 0..MAX_ROUNDS {
        let idle = engine.run_until_idle(BUDGET);
        if idle == Idle::Finished {
            return Ok(());
        }
        if idle == Idle::BudgetSpent {
            continue;
        }
        // Tokens first: a host that moved the clock before answering would let heartbeats expire.
        if workload == Workload::Callback && answer_tokens(engine)? > 0 {
            continue;
        }
        match idle {
            Idle::WaitingForTimer(at) => {
                if !engine.advance_to_next_timer() {
                    return Err(format!("engine said it waits for a timer at {at} but advance_to_next_timer found none"));
                }
            }
            _ => {
                let pending: Vec<String> = engine
                    .pending_tasks()
                    .iter()
                    .map(|t| {
                        format!(
                            "{} {} {:?} input {}",
                            t.state_name, t.resource, t.kind, t.input
                        )
                    })
                    .collect();
                return Err(format!(
                    "engine waits for the outside world; pending tasks: {pending:?}"
                ));
            }
        }
    }
    Err(format!("no end after {MAX_ROUNDS} host rounds"))
}

/// Answers every pending `.waitForTaskToken` task with `{"ok": true, "id": <the item's id>}`.
fn answer_tokens(engine: &mut Engine) -> Result<usize, String> {
    let pending: Vec<_> = engine
        .pending_tasks()
        .into_iter()
        .filter(|t| t.kind != PendingKind::ChildExecution)
        .collect();
    for task in &pending {
        if task.kind != PendingKind::Callback {
            return Err(format!(
                "unexpected pending task: state {} resource {} kind {:?} input {}",
                task.state_name, task.resource, task.kind, task.input
            ));
        }
        let id = task
            .input
            .pointer("/Input/id")
            .cloned()
            .unwrap_or(Value::Null);
        let answer = json!({ "ok": true, "id": id }).to_string();
        engine
            .send_task_success(&task.token, &answer)
            .map_err(|e| {
                format!(
                    "SendTaskSuccess for {} (state {}): {e}",
                    task.execution_arn, task.state_name
                )
            })?;
    }
    Ok(pending.len())
}

/// The tail of an execution's history, for failure reports.
pub fn last_events(engine: &Engine, id: ExecutionId, count: usize) -> String {
    let e = engine.execution(id);
    let mut out = format!(
        "{} status {} error {:?} cause {:?}; last events:",
        e.arn,
        e.status.as_str(),
        e.error,
        e.cause
    );
    let from = e.history.len().saturating_sub(count);
    for ev in &e.history[from..] {
        let mut details = ev.to_aws_json(true).to_string();
        if details.len() > 300 {
            let mut cut = 300;
            while !details.is_char_boundary(cut) {
                cut -= 1;
            }
            details.truncate(cut);
            details.push('…');
        }
        out.push_str(&format!(
            "\n  #{} {} {:?} {}",
            ev.id, ev.event_type, ev.state_name, details
        ));
    }
    out
}

/// An engine whose run has ended, ready to be checked.
pub struct Finished {
    pub workload: Workload,
    pub n: usize,
    pub engine: Engine,
    pub root: ExecutionId,
}

impl Finished {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for e in self.engine.executions() {
            c.executions += 1;
            c.events += e.history.len() as u64;
            c.transitions += e
                .history
                .iter()
                .filter(|h| h.event_type.is_state_entered())
                .count() as u64;
        }
        c
    }

    /// Checks status, output and counts against what the workload implies.
    pub fn verify(&self) -> Result<Counts, WorkloadError> {
        let (workload, n) = (self.workload, self.n);
        let fail = |m: String| WorkloadError {
            workload,
            n,
            message: format!("{m}\n{}", last_events(&self.engine, self.root, 12)),
        };
        for e in self.engine.executions() {
            if e.status != ExecutionStatus::Succeeded {
                return Err(fail(format!(
                    "execution {} ended {} ({:?}: {:?})",
                    e.arn,
                    e.status.as_str(),
                    e.error,
                    e.cause
                )));
            }
        }
        let output = self
            .engine
            .execution(self.root)
            .output
            .clone()
            .ok_or_else(|| fail("SUCCEEDED without output".into()))?;
        let expected = expected_output(workload, n);
        if output != expected {
            return Err(fail(format!(
                "wrong output: {}",
                first_difference(&expected, &output, "$")
            )));
        }
        let counts = self.counts();
        if counts.transitions != workload.expected_transitions(n) {
            return Err(fail(format!(
                "{} transitions, expected {}",
                counts.transitions,
                workload.expected_transitions(n)
            )));
        }
        if counts.executions != workload.expected_executions(n) {
            return Err(fail(format!(
                "{} executions, expected {}",
                counts.executions,
                workload.expected_executions(n)
            )));
        }
        Ok(counts)
    }
}

/// The output each workload must end with, built from its input by the rules of the
/// definitions (not by running them).
pub fn expected_output(workload: Workload, n: usize) -> Value {
    match workload {
        Workload::Loop => json!({ "i": n, "n": n }),
        Workload::Map => (0..n)
            .map(|i| json!({ "id": i, "label": format!("item {i} of g{}", i % 7) }))
            .collect(),
        // `.sync:2` hands the child's output over as JSON; the ResultSelector keeps only it.
        Workload::Nested => (0..n)
            .map(|i| json!({ "out": { "id": i, "done": true } }))
            .collect(),
        Workload::Callback => (0..n).map(|i| json!({ "ok": true, "id": i })).collect(),
        // Every state puts {doc, meta, step, pick[, names]} at $.last; the last state (S19,
        // odd) has no `names`.
        Workload::Dataflow => {
            let input: Value = serde_json::from_str(DATAFLOW_INPUT_JSON).unwrap_or(Value::Null);
            let last = json!({
                "doc": input["doc"],
                "meta": input["meta"],
                "step": 19,
                "pick": input["doc"]["records"][19],
            });
            let mut out = input;
            out["last"] = last;
            out
        }
    }
}

/// Where two JSON values first differ, in a line.
pub fn first_difference(expected: &Value, actual: &Value, at: &str) -> String {
    match (expected, actual) {
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return format!("{at}: array of {} elements, expected {}", b.len(), a.len());
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find(|(_, (x, y))| x != y)
                .map(|(i, (x, y))| first_difference(x, y, &format!("{at}[{i}]")))
                .unwrap_or_else(|| format!("{at}: equal"))
        }
        (Value::Object(a), Value::Object(b)) => {
            if let Some(k) = a.keys().find(|k| !b.contains_key(k)) {
                return format!("{at}: key {k:?} missing in {}", clip(actual));
            }
            if let Some(k) = b.keys().find(|k| !a.contains_key(k)) {
                return format!("{at}: unexpected key {k:?} in {}", clip(actual));
            }
            a.iter()
                .find(|(k, v)| b.get(k) != Some(*v))
                .map(|(k, v)| first_difference(v, &b[k], &format!("{at}.{k}")))
                .unwrap_or_else(|| format!("{at}: equal"))
        }
        _ => format!("{at}: {} instead of {}", clip(actual), clip(expected)),
    }
}

fn clip(v: &Value) -> String {
    let mut s = v.to_string();
    if s.len() > 200 {
        let mut cut = 200;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// Prepares, executes and verifies one run.
pub fn run(workload: Workload, n: usize, config: EngineConfig) -> Result<Counts, WorkloadError> {
    Prepared::new(workload, n, config)?.execute()?.verify()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_and_expectations_agree_in_size() {
        for (w, n, len) in [
            (Workload::Map, 3, 3),
            (Workload::Nested, 4, 4),
            (Workload::Callback, 0, 0),
        ] {
            let input: Value = serde_json::from_str(&w.input(n)).unwrap();
            assert_eq!(input["items"].as_array().unwrap().len(), len);
            assert_eq!(expected_output(w, n).as_array().unwrap().len(), len);
        }
        assert_eq!(Workload::Loop.input(7), r#"{"n":7}"#);
        assert_eq!(Workload::Loop.expected_transitions(10), 23);
    }

    #[test]
    fn names_round_trip() {
        for w in Workload::ALL {
            assert_eq!(Workload::parse(w.name()), Some(w));
        }
        assert_eq!(Workload::parse("nope"), None);
    }

    #[test]
    fn differences_are_located() {
        let a = json!([{ "id": 1, "x": [1, 2] }]);
        let b = json!([{ "id": 1, "x": [1, 3] }]);
        assert_eq!(first_difference(&a, &b, "$"), "$[0].x[1]: 3 instead of 2");
        assert_eq!(
            first_difference(&json!({"a": 1}), &json!({}), "$"),
            "$: key \"a\" missing in {}"
        );
    }
}
