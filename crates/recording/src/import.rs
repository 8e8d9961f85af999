//! From the documents the AWS CLI printed to recordings: pages joined into histories, each
//! history paired with its `describe-execution` and its definition, children linked to parents.

use crate::documents::{split, Document, ImportError, Located, Location};
use crate::event::{is_terminal, status_of_terminal, timestamp_millis, RecordedEvent};
use serde::Serialize;
use serde_json::Value;
use stepwise_engine::EventType;

/// The field AWS adds to the input of an execution that `states:startExecution*` started.
pub const STARTED_BY_FIELD: &str = "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID";

/// One text to import: a file, or text pasted in the playground.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// Everything imported from a set of texts.
#[derive(Clone, Debug, Serialize)]
pub struct Import {
    /// Recorded executions, in the order their histories were given.
    pub executions: Vec<Recording>,
    /// Definitions given without a history of their own: machines that the recorded executions
    /// start (a replay runs them locally).
    pub machines: Vec<MachineDoc>,
    /// Things worth knowing that do not stop the import.
    pub warnings: Vec<ImportError>,
}

/// A state machine's definition, from `describe-state-machine-for-execution`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineDoc {
    pub arn: Option<String>,
    pub name: String,
    /// The definition text, exactly as AWS returned it.
    pub definition: String,
    pub at: Location,
}

/// Who an execution is, from `describe-execution` (verbatim in `raw`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionIdentity {
    pub arn: String,
    pub name: String,
    pub state_machine_arn: String,
    pub status: String,
    pub raw: serde_json::Map<String, Value>,
}

/// How a child execution was started by a recorded parent.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentLink {
    /// The parent's execution ARN (`AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`).
    pub arn: String,
    /// The parent among the imported executions, when its history was given too.
    pub execution: Option<usize>,
    /// The parent's event that names this child (`TaskSubmitted` of a `.sync` task,
    /// `TaskSucceeded` of a fire-and-forget one), and its state.
    pub event_id: Option<u64>,
    pub state_name: Option<String>,
}

/// One execution as AWS recorded it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recording {
    pub identity: Option<ExecutionIdentity>,
    pub machine: MachineDoc,
    /// The execution input as JSON text (from `ExecutionStarted`).
    pub input: String,
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`, or `RUNNING` when the history has no end.
    pub status: String,
    pub events: Vec<RecordedEvent>,
    pub parent: Option<ParentLink>,
    /// Imported executions this one started.
    pub children: Vec<usize>,
    /// Where its first page starts.
    pub at: Location,
}

impl Recording {
    /// A short name for messages: the execution ARN, or where its history was given.
    pub fn label(&self) -> String {
        match &self.identity {
            Some(i) => i.arn.clone(),
            None => format!("the execution whose history starts at {}", self.at),
        }
    }

    /// Events whose type AWS's API does not list (kept, shown, never dropped).
    pub fn unknown_events(&self) -> impl Iterator<Item = &RecordedEvent> {
        self.events.iter().filter(|e| !e.is_known())
    }
}

/// Reads what the AWS CLI printed, from any number of texts, into recordings.
pub fn import(sources: &[Source<'_>]) -> Result<Import, Vec<ImportError>> {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    for s in sources {
        match split(s.name, s.text) {
            Ok(d) => docs.extend(d),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut pages = Vec::new();
    let mut described = Vec::new();
    let mut machines = Vec::new();
    for Located { at, doc } in docs {
        match doc {
            Document::HistoryPage { events, next_token } => pages.push((at, events, next_token)),
            Document::Execution(o) => described.push((at, o)),
            Document::Machine(o) => match machine_doc(at, &o) {
                Ok(m) => machines.push(m),
                Err(e) => errors.push(e),
            },
        }
    }
    let histories = join_pages(pages, &mut errors);
    let mut warnings = Vec::new();
    let identities = pair_executions(&histories, described, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut used = vec![false; machines.len()];
    let mut executions = Vec::new();
    for (h, identity) in histories.into_iter().zip(identities) {
        let machine = match find_machine(&machines, identity.as_ref(), &used) {
            Some(i) => {
                used[i] = true;
                machines[i].clone()
            }
            None => {
                let whose = match &identity {
                    Some(id) => format!(
                        "the history of {} (machine {})",
                        id.arn, id.state_machine_arn
                    ),
                    None => "this history".to_owned(),
                };
                errors.push(ImportError {
                    location: h.at.clone(),
                    message: format!("no definition for {whose}: add the output of `aws stepfunctions describe-state-machine-for-execution --execution-arn …`"),
                });
                continue;
            }
        };
        if identity.is_none() {
            warnings.push(ImportError {
                location: h.at.clone(),
                message: "no describe-execution for this history: its execution ARN and name are unknown, so children cannot be linked to it".into(),
            });
        }
        let input = h
            .events
            .first()
            .and_then(|e| e.detail_str("input"))
            .unwrap_or("{}")
            .to_owned();
        let status = h
            .events
            .iter()
            .rev()
            .find_map(|e| status_of_terminal(&e.event_type))
            .unwrap_or("RUNNING")
            .to_owned();
        for e in h.events.iter().filter(|e| !e.is_known()) {
            warnings.push(ImportError {
                location: h.at.clone(),
                message: format!(
                    "event {} has a type AWS's API does not list ({}): it is kept and shown, and a replay stops there",
                    e.id, e.event_type
                ),
            });
        }
        executions.push(Recording {
            identity,
            machine,
            input,
            status,
            events: h.events,
            parent: None,
            children: Vec::new(),
            at: h.at,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    link_children(&mut executions);
    let machines = machines
        .into_iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(m, _)| m)
        .collect();
    Ok(Import {
        executions,
        machines,
        warnings,
    })
}

fn machine_doc(
    at: Location,
    o: &serde_json::Map<String, Value>,
) -> Result<MachineDoc, ImportError> {
    let definition = match o.get("definition") {
        Some(Value::String(s)) => s.clone(),
        Some(v @ Value::Object(_)) => v.to_string(),
        _ => {
            return Err(ImportError {
                location: at,
                message: "`definition` should be the definition's JSON text".into(),
            })
        }
    };
    let arn = o
        .get("stateMachineArn")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let name = o
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| {
            arn.as_deref()
                .and_then(|a| arn_part(a, 6))
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "Recorded".to_owned());
    Ok(MachineDoc {
        arn,
        name,
        definition,
        at,
    })
}

/// The `n`-th `:`-separated part of an ARN (`arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`).
pub(crate) fn arn_part(arn: &str, n: usize) -> Option<&str> {
    arn.split(':').nth(n)
}

/// A state machine ARN without a version or alias qualifier.
fn unqualified(arn: &str) -> String {
    arn.split(':').take(7).collect::<Vec<_>>().join(":")
}

fn find_machine(
    machines: &[MachineDoc],
    identity: Option<&ExecutionIdentity>,
    used: &[bool],
) -> Option<usize> {
    match identity {
        Some(id) => {
            let want = unqualified(&id.state_machine_arn);
            machines
                .iter()
                .position(|m| m.arn.as_deref().map(unqualified).as_deref() == Some(&want))
        }
        // Without describe-execution only an unambiguous pairing is made.
        None => {
            let free: Vec<usize> = (0..machines.len()).filter(|i| !used[*i]).collect();
            (free.len() == 1).then(|| free[0])
        }
    }
}

/// A history being joined from pages.
struct History {
    at: Location,
    events: Vec<RecordedEvent>,
    /// Where the last page was, and whether it said more pages follow.
    last_page: Location,
    pending_token: bool,
}

fn join_pages(
    pages: Vec<(Location, Vec<Value>, Option<String>)>,
    errors: &mut Vec<ImportError>,
) -> Vec<History> {
    let mut histories: Vec<History> = Vec::new();
    let cap = max_history_events();
    'pages: for (at, raw, next_token) in pages {
        // Checked before the events are read: a page longer than AWS's quota is refused without
        // building a second copy of every event.
        if raw.len() > cap {
            errors.push(ImportError {
                location: at,
                message: too_many_events(raw.len()),
            });
            continue;
        }
        let mut events = Vec::with_capacity(raw.len());
        for (k, e) in raw.into_iter().enumerate() {
            match read_event(e) {
                Ok(ev) => events.push(ev),
                Err(m) => {
                    errors.push(ImportError {
                        location: at.clone(),
                        message: format!("events[{k}]: {m}"),
                    });
                    continue 'pages;
                }
            }
        }
        let Some(first) = events.first() else {
            // An empty page only says whether more follow.
            if let Some(h) = histories.last_mut() {
                h.pending_token = next_token.is_some();
            }
            continue;
        };
        let target = if first.id == 1 {
            None
        } else {
            let open: Vec<usize> = (0..histories.len())
                .filter(|i| histories[*i].events.last().map(|e| e.id + 1) == Some(first.id))
                .collect();
            match open.as_slice() {
                [i] => Some(*i),
                [] => {
                    let message = match histories.iter().find_map(|h| {
                        h.events.iter().find(|e| e.id == first.id).map(|e| (h, e))
                    }) {
                        Some((h, e)) if e == first => format!(
                            "this page repeats events from id {} on, already given in the page at {}: the same page was given twice",
                            first.id, h.last_page
                        ),
                        Some((h, _)) => format!(
                            "event id {} appears again with other contents (first in the history at {}): histories of different executions are mixed",
                            first.id, h.at
                        ),
                        None => format!(
                            "this page starts at event id {} but no page given before it ends at id {}: a page is missing or the pages are out of order",
                            first.id,
                            first.id - 1
                        ),
                    };
                    errors.push(ImportError {
                        location: at,
                        message,
                    });
                    continue;
                }
                _ => {
                    errors.push(ImportError {
                        location: at,
                        message: format!("this page continues several histories (each ends at id {}): give each execution's pages in their own file", first.id - 1),
                    });
                    continue;
                }
            }
        };
        let h = match target {
            Some(i) => &mut histories[i],
            None => {
                histories.push(History {
                    at: at.clone(),
                    events: Vec::new(),
                    last_page: at.clone(),
                    pending_token: false,
                });
                histories.last_mut().expect("just pushed")
            }
        };
        let before = h.events.len();
        if before + events.len() > cap {
            errors.push(ImportError {
                location: at,
                message: too_many_events(before + events.len()),
            });
            continue;
        }
        for e in events {
            if let Some(m) = check_next(&h.events, &e) {
                errors.push(ImportError {
                    location: at.clone(),
                    message: format!("event id {} ({}): {m}", e.id, e.event_type),
                });
                h.events.truncate(before);
                continue 'pages;
            }
            h.events.push(e);
        }
        h.last_page = at;
        h.pending_token = next_token.is_some();
    }
    for h in &histories {
        if h.pending_token {
            errors.push(ImportError {
                location: h.last_page.clone(),
                message: format!(
                    "the history is incomplete: its last page (events up to id {}) has a nextToken and no page follows; fetch the rest with `--starting-token`, or run get-execution-history without `--max-items`",
                    h.events.last().map_or(0, |e| e.id)
                ),
            });
        }
    }
    for h in &mut histories {
        name_states(&mut h.events);
    }
    histories
}

/// AWS's quota on one execution's history: an execution that reaches it fails, and a redrive
/// does not reset it, so no history AWS gives can be longer.
fn max_history_events() -> usize {
    stepwise_engine::Limits::default().max_history_events
}

fn too_many_events(n: usize) -> String {
    format!(
        "this history has {n} events, more than AWS's quota of {} events per execution: it cannot be one execution's history as AWS gives it",
        max_history_events()
    )
}

/// Why `e` cannot follow `so_far` in one execution's history, if it cannot.
fn check_next(so_far: &[RecordedEvent], e: &RecordedEvent) -> Option<String> {
    let Some(last) = so_far.last() else {
        return (e.id != 1 || !e.is(EventType::ExecutionStarted))
            .then(|| "a history starts with event id 1, ExecutionStarted".to_owned());
    };
    if e.id == 1 || e.is(EventType::ExecutionStarted) {
        return Some(format!(
            "a second execution starts inside this history (after event id {}): histories of different executions are mixed; give each in its own file",
            last.id
        ));
    }
    if e.id <= last.id {
        return Some(format!(
            "events are out of order or duplicated: id {} comes after id {}",
            e.id, last.id
        ));
    }
    if e.id != last.id + 1 {
        return Some(format!(
            "event ids jump from {} to {}: events are missing, or out of order",
            last.id, e.id
        ));
    }
    if e.previous_event_id >= e.id {
        return Some(format!(
            "previousEventId {} is not an earlier event",
            e.previous_event_id
        ));
    }
    // Only a redrive may follow an execution's end, so an end is always the last event so far.
    if is_terminal(&last.event_type) && !e.is(EventType::ExecutionRedriven) {
        return Some(format!(
            "it follows the end of the execution (event id {}, {}): events of another execution are mixed in",
            last.id, last.event_type
        ));
    }
    None
}

/// A whole history given as a list of AWS-shaped events (a test case's expected history).
pub fn history_from_events(raw: Vec<Value>) -> Result<Vec<RecordedEvent>, String> {
    let mut events: Vec<RecordedEvent> = Vec::with_capacity(raw.len());
    for (k, v) in raw.into_iter().enumerate() {
        let e = read_event(v).map_err(|m| format!("events[{k}]: {m}"))?;
        if let Some(m) = check_next(&events, &e) {
            return Err(format!("event id {} ({}): {m}", e.id, e.event_type));
        }
        events.push(e);
    }
    name_states(&mut events);
    Ok(events)
}

fn read_event(v: Value) -> Result<RecordedEvent, String> {
    let o = v.as_object().ok_or("a history event should be an object")?;
    let id = o
        .get("id")
        .and_then(Value::as_u64)
        .filter(|i| *i >= 1)
        .ok_or("an event needs `id`, a positive whole number")?;
    let previous_event_id = match o.get("previousEventId") {
        None => 0,
        Some(p) => p
            .as_u64()
            .ok_or(format!("event {id}: `previousEventId` should be a number"))?,
    };
    let event_type = o
        .get("type")
        .and_then(Value::as_str)
        .ok_or(format!("event {id} has no `type`"))?
        .to_owned();
    let timestamp_millis = o.get("timestamp").and_then(timestamp_millis);
    Ok(RecordedEvent {
        id,
        previous_event_id,
        event_type,
        timestamp_millis,
        state_name: None,
        raw: v,
    })
}

/// Each event's state: the `name` (or `state`) its details give; for the events of a Map or
/// Parallel state as a whole (`MapStateStarted`, `MapRunFailed`...), the innermost such state
/// still open; otherwise that of the event it follows (`previousEventId`), as the console shows.
fn name_states(events: &mut [RecordedEvent]) {
    let mut open: Vec<String> = Vec::new();
    for i in 0..events.len() {
        let t = events[i].event_type.clone();
        if t.starts_with("Execution") {
            continue;
        }
        let own = events[i]
            .detail_str("name")
            .or_else(|| events[i].detail_str("state"))
            .map(str::to_owned);
        let whole_state = (t.starts_with("MapState")
            || t.starts_with("ParallelState")
            || t.starts_with("MapRun"))
            && !t.ends_with("Entered");
        let name = if whole_state && own.is_none() {
            open.last().cloned()
        } else {
            own
        };
        let name = name.or_else(|| {
            let prev = events[i].previous_event_id;
            // Ids are 1.. in order (checked), so event `prev` sits at `prev - 1`.
            prev.checked_sub(1)
                .and_then(|p| events.get(p as usize))
                .and_then(|p| p.state_name.clone())
        });
        if matches!(
            EventType::parse(&t),
            Some(EventType::MapStateEntered | EventType::ParallelStateEntered)
        ) {
            open.push(name.clone().unwrap_or_default());
        } else if whole_state
            && (t.ends_with("Exited") || t.ends_with("Failed") || t.ends_with("Aborted"))
            && !t.starts_with("MapRun")
        {
            // A failed Map or Parallel state may not be exited: it ends at its failure.
            if let Some(at) = open.iter().rposition(|n| Some(n) == name.as_ref()) {
                open.truncate(at);
            }
        }
        events[i].state_name = name;
    }
}

/// Pairs each history with the describe-execution that describes it: same input, a status its
/// events agree with, and (when both are known) the same start within a second.
fn pair_executions(
    histories: &[History],
    described: Vec<(Location, serde_json::Map<String, Value>)>,
    errors: &mut Vec<ImportError>,
) -> Vec<Option<ExecutionIdentity>> {
    let mut out: Vec<Option<ExecutionIdentity>> = vec![None; histories.len()];
    for (at, d) in described {
        let text = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let identity = ExecutionIdentity {
            arn: text("executionArn"),
            name: text("name"),
            state_machine_arn: text("stateMachineArn"),
            status: text("status"),
            raw: d.clone(),
        };
        let mut why_not = Vec::new();
        let found = (0..histories.len()).find(|i| {
            if out[*i].is_some() {
                return false;
            }
            match mismatch(&histories[*i], &d) {
                None => true,
                Some(w) => {
                    why_not.push(format!("the history at {}: {w}", histories[*i].at));
                    false
                }
            }
        });
        match found {
            Some(i) => out[i] = Some(identity),
            None if histories.is_empty() => errors.push(ImportError {
                location: at,
                message: format!("describe-execution of {} but no history was given: add the output of `aws stepfunctions get-execution-history --execution-arn {} --output json`", identity.arn, identity.arn),
            }),
            None => errors.push(ImportError {
                location: at,
                message: format!(
                    "no history given belongs to {}{}{}",
                    identity.arn,
                    if why_not.is_empty() { "" } else { ": " },
                    why_not.join("; ")
                ),
            }),
        }
    }
    out
}

/// Why describe-execution `d` does not describe history `h`, if it does not.
fn mismatch(h: &History, d: &serde_json::Map<String, Value>) -> Option<String> {
    let started = h.events.first()?;
    if let Some(want) = d.get("input").and_then(Value::as_str) {
        let got = started.detail_str("input").unwrap_or("{}");
        let same = match (
            serde_json::from_str::<Value>(want),
            serde_json::from_str::<Value>(got),
        ) {
            (Ok(a), Ok(b)) => a == b,
            _ => want == got,
        };
        if !same {
            return Some("its input differs".into());
        }
    }
    let status = d.get("status").and_then(Value::as_str).unwrap_or("");
    let ended = h
        .events
        .iter()
        .rev()
        .find_map(|e| status_of_terminal(&e.event_type))
        .unwrap_or("RUNNING");
    // A redriven execution is RUNNING again after its first end.
    if status != ended
        && !(status == "RUNNING" && h.events.iter().any(|e| e.is(EventType::ExecutionRedriven)))
    {
        return Some(format!("its events end {ended}, the execution is {status}"));
    }
    let start = d.get("startDate").and_then(timestamp_millis);
    if let (Some(a), Some(b)) = (start, started.timestamp_millis) {
        if (a - b).abs() > 1000 {
            return Some("it started at another time".into());
        }
    }
    None
}

/// Links each execution that a recorded parent started to that parent: the parent is the one
/// `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID` names, else the one whose task reports this
/// execution's ARN (a child whose input is not an object has no such field).
fn link_children(executions: &mut [Recording]) {
    for i in 0..executions.len() {
        let started_by = serde_json::from_str::<Value>(&executions[i].input)
            .ok()
            .and_then(|v| v.get(STARTED_BY_FIELD)?.as_str().map(str::to_owned));
        let own_arn = executions[i].identity.as_ref().map(|id| id.arn.clone());
        let arn_of = |e: &Recording| e.identity.as_ref().map(|x| x.arn.clone());
        let parent = started_by
            .as_deref()
            .and_then(|p| {
                executions
                    .iter()
                    .position(|e| arn_of(e).as_deref() == Some(p))
            })
            .or_else(|| {
                let arn = own_arn.as_deref()?;
                executions
                    .iter()
                    .position(|e| starting_event(e, arn).is_some())
            })
            .filter(|p| *p != i);
        let event = parent
            .zip(own_arn.as_deref())
            .and_then(|(p, arn)| starting_event(&executions[p], arn));
        let Some(arn) = started_by.or_else(|| parent.and_then(|p| arn_of(&executions[p]))) else {
            continue;
        };
        executions[i].parent = Some(ParentLink {
            arn,
            execution: parent,
            event_id: event.as_ref().map(|e| e.0),
            state_name: event.and_then(|e| e.1),
        });
        if let Some(p) = parent {
            executions[p].children.push(i);
        }
    }
}

/// The event of `parent` whose output names the child `arn`: the StartExecution response in
/// `TaskSubmitted` (`.sync`) or `TaskSucceeded` (fire and forget).
fn starting_event(parent: &Recording, arn: &str) -> Option<(u64, Option<String>)> {
    parent.events.iter().find_map(|e| {
        if !e.is_any(&[EventType::TaskSubmitted, EventType::TaskSucceeded]) {
            return None;
        }
        let out = e.payload("output")?;
        (out.get("ExecutionArn")?.as_str()? == arn).then(|| (e.id, e.state_name.clone()))
    })
}
