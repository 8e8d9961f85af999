//! Reading an execution's history for the UI: the status of each state (for colouring the
//! graph) and the data-flow stages of one state (for the inspector). Plain Rust over
//! `HistoryEvent`s, no UI imports.

use std::collections::BTreeMap;

use serde_json::Value;
use stepwise_engine::history::{Details, Field};
use stepwise_engine::{EventType, Execution, HistoryEvent};

/// The console's state colours, in increasing precedence when a state ran several times
/// (Map iterations): one failed iteration makes the Map item processor's state show as failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StateStatus {
    Succeeded,
    Caught,
    Aborted,
    InProgress,
    Waiting,
    Failed,
}

impl StateStatus {
    pub fn class(self) -> &'static str {
        match self {
            StateStatus::Succeeded => "st-succeeded",
            StateStatus::Caught => "st-caught",
            StateStatus::Aborted => "st-aborted",
            StateStatus::InProgress => "st-progress",
            StateStatus::Waiting => "st-waiting",
            StateStatus::Failed => "st-failed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            StateStatus::Succeeded => "Succeeded",
            StateStatus::Caught => "Caught error",
            StateStatus::Aborted => "Cancelled",
            StateStatus::InProgress => "In progress",
            StateStatus::Waiting => "Waiting for callback",
            StateStatus::Failed => "Failed",
        }
    }
}

/// Whether an execution is an Express one (its ARN's resource type is `express`). AWS keeps no
/// history for those (GetExecutionHistory does not support Express machines): their events are
/// CloudWatch Logs records, one per event.
pub fn is_express(execution: &Execution) -> bool {
    stepwise_asl::arn::is_states_arn_of(&execution.arn, "express")
}

/// An event's details as AWS shows them, execution data included: the history event of a
/// Standard execution, the CloudWatch Logs record of an Express one.
pub fn event_detail(execution: &Execution, event: &HistoryEvent) -> String {
    let value = if is_express(execution) {
        stepwise_engine::express::log_record(&execution.arn, event, true)
    } else {
        event.to_aws_json(true)
    };
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// The state a history event belongs to: the engine's `state_name`, else the name in the
/// entered/exited details.
pub fn event_state(e: &HistoryEvent) -> Option<&str> {
    if let Some(n) = e.state_name.as_deref() {
        return Some(n);
    }
    match e.details.key() {
        "stateEnteredEventDetails" | "stateExitedEventDetails" => e.details.str("name"),
        _ => None,
    }
}

/// One entry into a state (a row of the states table): Map iterations and loops enter the
/// same state many times.
#[derive(Clone, Debug, PartialEq)]
pub struct StateEntry {
    pub name: String,
    /// The state's type as the entered event names it (`Task`, `Map`, `Parallel`…).
    pub kind: String,
    /// The Map iteration / Parallel branch path the entry ran in (see `HistoryEvent::scope`).
    pub scope: std::sync::Arc<[u32]>,
    /// The Map or Parallel entry this one ran inside (an index into the same list).
    pub parent: Option<usize>,
    pub entered_id: u64,
    pub started_millis: i64,
    /// When it was left (exited, caught, failed or cancelled); `None` while it runs.
    pub ended_millis: Option<i64>,
    pub status: StateStatus,
}

/// Every entry into a state with its status, in history order, given the history and the names
/// of states that hold a pending task token (or a manual task) in this execution. The graph's
/// colours (`state_statuses`) are these statuses folded per state name.
pub fn state_entries(events: &[HistoryEvent], waiting: &[String]) -> Vec<StateEntry> {
    struct Open {
        entry: usize,
        scope: std::sync::Arc<[u32]>,
        errored: bool,
        /// When the last failure of this entry happened (the end of a caught entry).
        failed_at: Option<i64>,
    }
    let mut open: Vec<Open> = Vec::new();
    let mut out: Vec<StateEntry> = Vec::new();
    let close = |out: &mut Vec<StateEntry>, k: usize, st: StateStatus, at: i64| {
        out[k].status = st;
        out[k].ended_millis = Some(at);
    };
    let mut finished: Option<(EventType, i64)> = None;
    for e in events {
        let t = e.event_type;
        if t.is_state_entered() {
            let Some(name) = event_state(e) else { continue };
            // A new state entered in the same scope while another is still open there means the
            // open one was left through a Catch.
            let mut k = 0;
            while k < open.len() {
                if open[k].scope == e.scope {
                    let o = open.remove(k);
                    close(
                        &mut out,
                        o.entry,
                        StateStatus::Caught,
                        o.failed_at.unwrap_or(e.timestamp_millis),
                    );
                } else {
                    k += 1;
                }
            }
            let parent = e
                .scope
                .split_last()
                .and_then(|(_, outer)| open.iter().rev().find(|o| &*o.scope == outer))
                .map(|o| o.entry);
            out.push(StateEntry {
                name: name.to_string(),
                kind: t.state_type().map_or("", |k| k.as_str()).to_string(),
                scope: e.scope.clone(),
                parent,
                entered_id: e.id,
                started_millis: e.timestamp_millis,
                ended_millis: None,
                status: StateStatus::InProgress,
            });
            open.push(Open {
                entry: out.len() - 1,
                scope: e.scope.clone(),
                errored: false,
                failed_at: None,
            });
        } else if t.is_state_exited() {
            let Some(name) = event_state(e) else { continue };
            let k = open
                .iter()
                .rposition(|o| out[o.entry].name == name && o.scope == e.scope)
                .or_else(|| open.iter().rposition(|o| out[o.entry].name == name));
            // Leaving a state after its last attempt failed means a Catch took over (the
            // console's "Caught error"); a failed attempt that a retry redid does not count.
            if let Some(k) = k {
                let o = open.remove(k);
                let st = if o.errored {
                    StateStatus::Caught
                } else {
                    StateStatus::Succeeded
                };
                close(&mut out, o.entry, st, e.timestamp_millis);
            }
        } else if t.ends_execution() {
            finished = Some((t, e.timestamp_millis));
        } else if t.is_failure() {
            let name = event_state(e);
            let Some(k) = open
                .iter()
                .rposition(|o| Some(out[o.entry].name.as_str()) == name || name.is_none())
            else {
                continue;
            };
            open[k].errored = true;
            open[k].failed_at = Some(e.timestamp_millis);
            // A Parallel or Map fails when a state inside it fails: the states still open in
            // its branches or iterations stop there. The one entered last is the one that
            // failed (a state that fails is entered and failed in one step); the others were
            // cancelled with it.
            let scope = open[k].scope.clone();
            let inner: Vec<usize> = (0..open.len())
                .filter(|&j| open[j].scope.len() > scope.len() && open[j].scope.starts_with(&scope))
                .collect();
            for (n, &j) in inner.iter().enumerate().rev() {
                let o = open.remove(j);
                let st = if n + 1 == inner.len() {
                    StateStatus::Failed
                } else {
                    StateStatus::Aborted
                };
                close(&mut out, o.entry, st, e.timestamp_millis);
            }
        } else if t.is_attempt_start() {
            // Another attempt (a retry) of the open state.
            if let Some(o) = event_state(e)
                .and_then(|name| open.iter_mut().rev().find(|o| out[o.entry].name == name))
            {
                o.errored = false;
            }
        }
    }
    for o in &open {
        let (st, at) = match finished {
            Some((EventType::ExecutionSucceeded, at)) => (StateStatus::Succeeded, Some(at)),
            Some((EventType::ExecutionAborted, at)) => (StateStatus::Aborted, Some(at)),
            Some((_, at)) => (StateStatus::Failed, Some(at)),
            None if waiting.contains(&out[o.entry].name) => (StateStatus::Waiting, None),
            None => (StateStatus::InProgress, None),
        };
        out[o.entry].status = st;
        out[o.entry].ended_millis = at;
    }
    out
}

/// Status of every state that has run, given the history and the names of states that hold a
/// pending task token (or a manual task) in this execution: the worst status of its entries.
pub fn state_statuses(
    events: &[HistoryEvent],
    waiting: &[String],
) -> BTreeMap<String, StateStatus> {
    let fold = |events: &[HistoryEvent], waiting: &[String]| {
        let mut out: BTreeMap<String, StateStatus> = BTreeMap::new();
        let mut put = |name: &str, st: StateStatus| {
            let e = out.entry(name.to_string()).or_insert(st);
            *e = (*e).max(st);
        };
        for entry in state_entries(events, waiting) {
            put(&entry.name, entry.status);
        }
        for name in waiting {
            put(name, StateStatus::Waiting);
        }
        out
    };
    // After a redrive, a state that ran again shows how it did this time (a failure the
    // redrive got past is not one any more); the states it did not rerun keep their colour.
    let redriven = events
        .iter()
        .rposition(|e| e.event_type == EventType::ExecutionRedriven);
    let Some(cut) = redriven else {
        return fold(events, waiting);
    };
    let mut out = fold(&events[..cut], &[]);
    out.extend(fold(&events[cut..], waiting));
    out
}

/// What the inspector shows for one state: the stages of its latest run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StateIo {
    pub runs: usize,
    pub entered_id: Option<u64>,
    pub input: Option<String>,
    pub parameters: Option<String>,
    pub resource: Option<String>,
    pub task_result: Option<String>,
    pub output: Option<String>,
    pub assigned: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// Attempts beyond the first (TaskScheduled events after the first in this run).
    pub retries: usize,
    pub events: Vec<u64>,
}

fn detail_str(details: &Details, key: &str, field: &str) -> Option<String> {
    if details.key() != key {
        return None;
    }
    Some(match details.get(field)? {
        Field::Text(s) | Field::BarePayload(s) => s.to_string(),
        Field::Payload(p) => p.text().into_owned(),
        Field::Int(i) => i.to_string(),
        Field::Variables(_) | Field::Json(_) => details.body(true).get(field)?.to_string(),
    })
}

/// The stages of the latest run of `state` (its last `…StateEntered`).
pub fn state_io(events: &[HistoryEvent], state: &str) -> StateIo {
    state_io_run(events, state, None)
}

/// The stages of run `run` (0-based, in history order; `None` for the latest) of `state`: Map
/// iterations and loops enter the same state many times.
pub fn state_io_run(events: &[HistoryEvent], state: &str, run: Option<usize>) -> StateIo {
    let mut io = StateIo::default();
    let entries: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.event_type.is_state_entered() && event_state(e) == Some(state))
        .map(|(i, _)| i)
        .collect();
    io.runs = entries.len();
    let Some(&start) = run.and_then(|r| entries.get(r)).or(entries.last()) else {
        return io;
    };
    let entered = &events[start];
    io.entered_id = Some(entered.id);
    io.input = detail_str(&entered.details, "stateEnteredEventDetails", "input");
    let mut scheduled: usize = 0;
    for e in &events[start..] {
        if event_state(e) != Some(state) && e.id != entered.id {
            // Events of the whole execution that end it still matter (a failure with no state).
            if e.event_type == EventType::ExecutionFailed
                && io.output.is_none()
                && io.error.is_none()
            {
                io.error = detail_str(&e.details, "executionFailedEventDetails", "error");
                io.cause = detail_str(&e.details, "executionFailedEventDetails", "cause");
            }
            continue;
        }
        if e.id != entered.id && e.event_type.is_state_entered() && e.scope == entered.scope {
            break;
        }
        io.events.push(e.id);
        let t = e.event_type;
        if t == EventType::TaskScheduled {
            scheduled += 1;
            io.parameters = detail_str(&e.details, "taskScheduledEventDetails", "parameters");
            let kind = detail_str(&e.details, "taskScheduledEventDetails", "resourceType");
            let name = detail_str(&e.details, "taskScheduledEventDetails", "resource");
            io.resource = match (kind, name) {
                (Some(k), Some(n)) => Some(format!("{k}:{n}")),
                (k, n) => n.or(k),
            };
        } else if t == EventType::TaskSucceeded {
            io.task_result = detail_str(&e.details, "taskSucceededEventDetails", "output");
        } else if t.is_state_exited() {
            io.output = detail_str(&e.details, "stateExitedEventDetails", "output");
            io.assigned = detail_str(&e.details, "stateExitedEventDetails", "assignedVariables");
            break;
        } else if t.is_failure() {
            // Whatever the details key is called (taskFailedEventDetails, mapStateFailed…),
            // it carries error and cause.
            if let Some(err) = e.details.str("error") {
                io.error = Some(err.to_string());
                io.cause = e.details.str("cause").map(str::to_string);
            }
        }
    }
    io.retries = scheduled.saturating_sub(1);
    io
}

/// Parses a JSON string from the history and pretty-prints it; text that is not JSON is shown
/// as it is.
pub fn pretty(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string())
}

/// Virtual elapsed time as the console shows it.
pub fn format_elapsed(ms: i64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.3} s", ms as f64 / 1000.0)
    } else {
        let s = ms / 1000;
        format!(
            "{}:{:02}:{:02}.{:03}",
            s / 3600,
            (s / 60) % 60,
            s % 60,
            ms % 1000
        )
    }
}

/// A UTC timestamp `2025-01-01 00:00:05.000` for the virtual clock (the engine's ISO format,
/// made easier to read).
pub fn format_clock(ms: i64) -> String {
    stepwise_engine::clock::iso8601(ms)
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_owned()
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    use super::*;
    use std::sync::Arc;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn an_express_execution_shows_log_records_where_a_standard_one_shows_history() {
        use stepwise_engine::{Engine, EngineConfig, MachineType};
        let def = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;
        let mut engine = Engine::new(EngineConfig::default());
        let quick = engine
            .create_state_machine_of_type("Quick", def, MachineType::Express)
            .unwrap();
        let slow = engine.create_state_machine("Slow", def).unwrap();
        let q = engine
            .start_execution(&quick, None, Some("{\"a\": 1}"))
            .unwrap();
        let s = engine
            .start_execution(&slow, None, Some("{\"a\": 1}"))
            .unwrap();
        engine.settle(100);
        let (q, s) = (engine.execution(q), engine.execution(s));
        assert!(is_express(q) && !is_express(s));

        let record: Value = serde_json::from_str(&event_detail(q, &q.history[0])).unwrap();
        assert_eq!(record["type"], "ExecutionStarted");
        assert_eq!(record["id"], "1");
        assert_eq!(record["previous_event_id"], "0");
        assert_eq!(record["execution_arn"], q.arn.as_str());
        assert_eq!(record["details"]["input"], "{\"a\":1}");

        let event: Value = serde_json::from_str(&event_detail(s, &s.history[0])).unwrap();
        assert_eq!(event["type"], "ExecutionStarted");
        assert_eq!(event["id"], 1);
        assert_eq!(event["executionStartedEventDetails"]["input"], "{\"a\":1}");
    }

    fn ev(
        id: u64,
        t: EventType,
        state: Option<&str>,
        scope: &[u32],
        details: Details,
    ) -> HistoryEvent {
        HistoryEvent {
            id,
            previous_event_id: id.saturating_sub(1),
            timestamp_millis: id as i64,
            event_type: t,
            details,
            state_name: state.map(Into::into),
            scope: scope.into(),
        }
    }

    #[test]
    fn statuses_follow_the_console() {
        let h = vec![
            ev(1, EventType::ExecutionStarted, None, &[], Details::none()),
            ev(
                2,
                EventType::TaskStateEntered,
                Some("T"),
                &[],
                Details::new("stateEnteredEventDetails")
                    .text("name", "T")
                    .payload("input", Arc::from("{}")),
            ),
            ev(3, EventType::TaskScheduled, Some("T"), &[], Details::none()),
            ev(
                4,
                EventType::TaskFailed,
                Some("T"),
                &[],
                Details::new("taskFailedEventDetails")
                    .text("error", "E")
                    .text("cause", "c"),
            ),
            ev(
                5,
                EventType::PassStateEntered,
                Some("Handle"),
                &[],
                Details::none(),
            ),
            ev(
                6,
                EventType::PassStateExited,
                Some("Handle"),
                &[],
                Details::none(),
            ),
            ev(
                7,
                EventType::TaskStateEntered,
                Some("Wait"),
                &[],
                Details::none(),
            ),
        ];
        let s = state_statuses(&h, &["Wait".to_string()]);
        assert_eq!(s["T"], StateStatus::Caught);
        assert_eq!(s["Handle"], StateStatus::Succeeded);
        assert_eq!(s["Wait"], StateStatus::Waiting);
        let mut failed = h.clone();
        failed.push(ev(
            8,
            EventType::ExecutionFailed,
            None,
            &[],
            Details::none(),
        ));
        assert_eq!(state_statuses(&failed, &[])["Wait"], StateStatus::Failed);
        let s = state_statuses(&h[..3], &[]);
        assert_eq!(s["T"], StateStatus::InProgress);
    }

    #[test]
    fn a_caught_failure_is_caught_and_a_retried_one_succeeded() {
        let caught = vec![
            ev(
                1,
                EventType::TaskStateEntered,
                Some("T"),
                &[],
                Details::none(),
            ),
            ev(2, EventType::TaskScheduled, Some("T"), &[], Details::none()),
            ev(3, EventType::TaskFailed, Some("T"), &[], Details::none()),
            ev(
                4,
                EventType::TaskStateExited,
                Some("T"),
                &[],
                Details::none(),
            ),
        ];
        assert_eq!(state_statuses(&caught, &[])["T"], StateStatus::Caught);
        let retried = vec![
            ev(
                1,
                EventType::TaskStateEntered,
                Some("T"),
                &[],
                Details::none(),
            ),
            ev(2, EventType::TaskScheduled, Some("T"), &[], Details::none()),
            ev(3, EventType::TaskFailed, Some("T"), &[], Details::none()),
            ev(4, EventType::TaskScheduled, Some("T"), &[], Details::none()),
            ev(5, EventType::TaskSucceeded, Some("T"), &[], Details::none()),
            ev(
                6,
                EventType::TaskStateExited,
                Some("T"),
                &[],
                Details::none(),
            ),
        ];
        assert_eq!(state_statuses(&retried, &[])["T"], StateStatus::Succeeded);
    }

    #[test]
    fn a_state_failing_in_a_parallel_branch_is_failed_and_its_siblings_cancelled() {
        let h = vec![
            ev(
                1,
                EventType::ParallelStateEntered,
                Some("P"),
                &[],
                Details::none(),
            ),
            ev(
                2,
                EventType::ParallelStateStarted,
                Some("P"),
                &[],
                Details::none(),
            ),
            ev(
                3,
                EventType::WaitStateEntered,
                Some("Slow"),
                &[1],
                Details::none(),
            ),
            ev(
                4,
                EventType::PassStateEntered,
                Some("Bad"),
                &[0],
                Details::none(),
            ),
            ev(
                5,
                EventType::ParallelStateFailed,
                Some("P"),
                &[],
                Details::none(),
            ),
            ev(
                6,
                EventType::ParallelStateExited,
                Some("P"),
                &[],
                Details::none(),
            ),
            ev(
                7,
                EventType::SucceedStateEntered,
                Some("Done"),
                &[],
                Details::none(),
            ),
            ev(8, EventType::ExecutionSucceeded, None, &[], Details::none()),
        ];
        let s = state_statuses(&h, &[]);
        assert_eq!(
            (s["P"], s["Bad"], s["Slow"]),
            (
                StateStatus::Caught,
                StateStatus::Failed,
                StateStatus::Aborted
            )
        );
    }

    #[test]
    fn entries_time_each_run_and_name_the_map_or_parallel_they_ran_in() {
        let h = vec![
            ev(
                1,
                EventType::MapStateEntered,
                Some("M"),
                &[],
                Details::none(),
            ),
            ev(
                2,
                EventType::PassStateEntered,
                Some("I"),
                &[0],
                Details::none(),
            ),
            ev(
                5,
                EventType::PassStateExited,
                Some("I"),
                &[0],
                Details::none(),
            ),
            ev(
                6,
                EventType::PassStateEntered,
                Some("I"),
                &[1],
                Details::none(),
            ),
            ev(
                9,
                EventType::PassStateExited,
                Some("I"),
                &[1],
                Details::none(),
            ),
            ev(
                10,
                EventType::MapStateExited,
                Some("M"),
                &[],
                Details::none(),
            ),
            ev(
                11,
                EventType::TaskStateEntered,
                Some("T"),
                &[],
                Details::none(),
            ),
            ev(
                12,
                EventType::TaskScheduled,
                Some("T"),
                &[],
                Details::none(),
            ),
            ev(14, EventType::TaskFailed, Some("T"), &[], Details::none()),
            ev(
                20,
                EventType::PassStateEntered,
                Some("Handle"),
                &[],
                Details::none(),
            ),
        ];
        let e = state_entries(&h, &[]);
        type Row<'a> = (
            &'a str,
            &'a str,
            Option<usize>,
            i64,
            Option<i64>,
            StateStatus,
        );
        let rows: Vec<Row> = e
            .iter()
            .map(|e| {
                (
                    e.name.as_str(),
                    e.kind.as_str(),
                    e.parent,
                    e.started_millis,
                    e.ended_millis,
                    e.status,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![
                ("M", "Map", None, 1, Some(10), StateStatus::Succeeded),
                ("I", "Pass", Some(0), 2, Some(5), StateStatus::Succeeded),
                ("I", "Pass", Some(0), 6, Some(9), StateStatus::Succeeded),
                // Caught: it ends when it failed, not when the catcher was entered.
                ("T", "Task", None, 11, Some(14), StateStatus::Caught),
                ("Handle", "Pass", None, 20, None, StateStatus::InProgress),
            ]
        );
        assert_eq!(&*e[2].scope, &[1]);
        // The graph's colours are the same statuses, folded per state.
        let s = state_statuses(&h, &[]);
        assert_eq!(
            (s["M"], s["I"], s["T"], s["Handle"]),
            (
                StateStatus::Succeeded,
                StateStatus::Succeeded,
                StateStatus::Caught,
                StateStatus::InProgress
            )
        );
    }

    #[test]
    fn map_iterations_take_the_worst_status() {
        let h = vec![
            ev(
                1,
                EventType::PassStateEntered,
                Some("I"),
                &[0],
                Details::none(),
            ),
            ev(
                2,
                EventType::PassStateExited,
                Some("I"),
                &[0],
                Details::none(),
            ),
            ev(
                3,
                EventType::PassStateEntered,
                Some("I"),
                &[1],
                Details::none(),
            ),
        ];
        assert_eq!(state_statuses(&h, &[])["I"], StateStatus::InProgress);
    }

    #[test]
    fn state_io_collects_the_stages_of_the_latest_run() {
        let h = vec![
            ev(
                1,
                EventType::TaskStateEntered,
                Some("T"),
                &[],
                Details::new("stateEnteredEventDetails")
                    .text("name", "T")
                    .payload("input", Arc::from(r#"{"a":1}"#)),
            ),
            ev(
                2,
                EventType::TaskScheduled,
                Some("T"),
                &[],
                Details::new("taskScheduledEventDetails")
                    .field("parameters", Field::BarePayload(Arc::from(r#"{"p":1}"#)))
                    .text("resource", "r"),
            ),
            ev(
                3,
                EventType::TaskFailed,
                Some("T"),
                &[],
                Details::new("taskFailedEventDetails")
                    .text("error", "E")
                    .text("cause", "c"),
            ),
            ev(
                4,
                EventType::TaskScheduled,
                Some("T"),
                &[],
                Details::new("taskScheduledEventDetails")
                    .field("parameters", Field::BarePayload(Arc::from(r#"{"p":2}"#)))
                    .text("resource", "r"),
            ),
            ev(
                5,
                EventType::TaskSucceeded,
                Some("T"),
                &[],
                Details::new("taskSucceededEventDetails")
                    .payload("output", Arc::from(r#"{"r":1}"#)),
            ),
            ev(
                6,
                EventType::TaskStateExited,
                Some("T"),
                &[],
                Details::new("stateExitedEventDetails")
                    .text("name", "T")
                    .payload("output", Arc::from(r#"{"o":1}"#)),
            ),
        ];
        let io = state_io(&h, "T");
        assert_eq!(io.runs, 1);
        assert_eq!(io.input.as_deref(), Some("{\"a\":1}"));
        assert_eq!(io.parameters.as_deref(), Some("{\"p\":2}"));
        assert_eq!(io.task_result.as_deref(), Some("{\"r\":1}"));
        assert_eq!(io.output.as_deref(), Some("{\"o\":1}"));
        assert_eq!(io.retries, 1);
        assert_eq!(io.error.as_deref(), Some("E"));
        assert_eq!(state_io(&h, "Other"), StateIo::default());
        assert_eq!(state_io_run(&h, "T", Some(0)), io);
        assert_eq!(
            state_io_run(&h, "T", Some(5)),
            io,
            "an unknown run falls back to the latest"
        );
    }

    #[test]
    fn clock_and_elapsed_formatting() {
        assert_eq!(format_clock(1_735_689_600_000), "2025-01-01 00:00:00.000");
        assert_eq!(
            format_clock(1_735_689_600_000 + 86_400_000 * 59 + 5_250),
            "2025-03-01 00:00:05.250"
        );
        assert_eq!(format_elapsed(12), "12 ms");
        assert_eq!(format_elapsed(1500), "1.500 s");
        assert_eq!(format_elapsed(3_723_004), "1:02:03.004");
    }
}
