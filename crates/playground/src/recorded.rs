//! Executions AWS recorded, in the playground: imported with `stepwise-recording` (what the AWS
//! CLI prints), shown read-only by the same views as a local run, replayed locally, compared.
//! Plain Rust, no UI imports.
//!
//! Design: a recorded execution is a *finished history source*. Each imported execution becomes
//! an engine [`Execution`] value (the type every view already renders) whose history is AWS's
//! events, so graph colours, the inspector, the states table and the history table work on it
//! unchanged; only where an execution is looked up (`exec`, `exec_head`, `children`, `parent`)
//! do the views ask this module instead of the engine. Its timeline is its events in the order
//! they happened (parent and children merged by timestamp): seeking shows the first `n` of
//! them, as the workspace's timeline shows the first `n` ticks of a local run. A replay's local
//! run is a second source of the same kind, made by `stepwise_recording::replay` on the
//! recording's own engine setup (region, account, start time), which the workspace's engine
//! does not have.
//!
//! Recorded executions and replayed ones get execution ids of their own ranges
//! (`RECORDED_BASE`, `REPLAY_BASE`), far above any local execution's.
//!
//! The texts an import was made from stay with it, so that the workspace saves them (autosave,
//! Restore, Export, share links: [`Recorded::to_saved`], [`from_saved`]) up to
//! [`MAX_KEPT_BYTES`], and a reload imports them again. A replay is not saved: it is one click.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value as Json;
use stepwise_engine::history::{Details, Field, Payload};
use stepwise_engine::{
    Engine, EngineConfig, EventType, Execution, ExecutionId, ExecutionStatus, HistoryEvent,
};
use stepwise_recording::{
    CompareOptions, Import, ImportError, RecordedEvent, Recording, Source, TestCase,
};

use crate::components::graph_view::find_exec;
use crate::workspace::{MachineDoc, Workspace};

/// Ids of recorded executions start here (index in the import added).
pub const RECORDED_BASE: u32 = 0x4000_0000;
/// Ids of a replay's local executions start here (index in its engine added).
pub const REPLAY_BASE: u32 = 0x6000_0000;

/// The most imported text (bytes, names included) a saved or shared workspace keeps: beside
/// your workspace, a shared one and Restore's list (1.5 MB), localStorage's 5 MB per site
/// leaves room for about this much. A larger import stays on show but is not saved.
pub const MAX_KEPT_BYTES: usize = 1_000_000;

/// Which source an execution id belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Local,
    Recorded,
    Replay,
}

pub fn kind(id: ExecutionId) -> Kind {
    if id.0 >= REPLAY_BASE {
        Kind::Replay
    } else if id.0 >= RECORDED_BASE {
        Kind::Recorded
    } else {
        Kind::Local
    }
}

/// Recorded and replayed executions cannot be stepped by the engine, stopped or answered.
pub fn is_read_only(id: ExecutionId) -> bool {
    kind(id) != Kind::Local
}

/// A set of finished histories (an execution and the children it started), seen up to a cursor
/// over their events merged in the order they happened.
#[derive(Clone, Debug)]
pub struct Tree {
    base: u32,
    /// Every execution whole; ids `base + index`. `parent` is left empty (the engine's link type
    /// holds engine internals): `parents` says it.
    full: Vec<Execution>,
    /// Each execution's parent (index) and the state that started it.
    parents: Vec<Option<(usize, Option<String>)>>,
    children: Vec<Vec<usize>>,
    /// The merged timeline: which execution each event belongs to, in the order they happened.
    order: Vec<usize>,
    /// Events of the timeline shown, and each execution's share of them.
    cursor: usize,
    counts: Vec<usize>,
    /// Each execution as it was at the cursor.
    at: Vec<Execution>,
    /// For recorded executions: each event as AWS printed it (aligned with `history`), and the
    /// types AWS's API does not list, by event id (the history keeps them as an inert type).
    raw: Vec<Vec<Json>>,
    unknown: Vec<BTreeMap<u64, String>>,
}

impl Tree {
    /// `links` holds, for each child, the id of its parent's event that started it (the one
    /// naming it: `TaskSubmitted` of a `.sync` task, `TaskSucceeded` otherwise).
    fn new(
        base: u32,
        full: Vec<Execution>,
        parents: Vec<Option<(usize, Option<String>)>>,
        links: Vec<Option<u64>>,
        raw: Vec<Vec<Json>>,
        unknown: Vec<BTreeMap<u64, String>>,
    ) -> Tree {
        let mut children = vec![Vec::new(); full.len()];
        for (i, p) in parents.iter().enumerate() {
            if let Some((p, _)) = p {
                children[*p].push(i);
            }
        }
        let depth = |mut i: usize| {
            let mut d = 0;
            while let Some((p, _)) = parents[i] {
                i = p;
                d += 1;
                if d > full.len() {
                    break;
                }
            }
            d
        };
        // A k-way merge by timestamp keeps each history's own order. A child starts only once
        // its parent's event naming it is shown (clocks and recorded times may say otherwise:
        // the corpus' are made up); on equal times the inner execution goes first, so a `.sync`
        // child that took no time ends before its parent's task does.
        let link_pos: Vec<Option<(usize, usize)>> = (0..full.len())
            .map(|k| {
                let (p, _) = parents[k].as_ref()?;
                let ev = links.get(k).copied().flatten()?;
                let pos = full[*p].history.iter().position(|e| e.id == ev)?;
                Some((*p, pos))
            })
            .collect();
        let mut next = vec![0usize; full.len()];
        let total: usize = full.iter().map(|e| e.history.len()).sum();
        let mut order = Vec::with_capacity(total);
        let depths: Vec<usize> = (0..full.len()).map(depth).collect();
        let key = |k: usize, next: &[usize]| {
            (
                full[k].history[next[k]].timestamp_millis,
                std::cmp::Reverse(depths[k]),
                k,
            )
        };
        while order.len() < total {
            let open = |k: &usize| next[*k] < full[*k].history.len();
            let started = |k: &usize| link_pos[*k].is_none_or(|(p, pos)| next[p] > pos);
            let pick = (0..full.len())
                .filter(|k| open(k) && started(k))
                .min_by_key(|&k| key(k, &next))
                // Never stuck: without a startable one, time alone decides.
                .or_else(|| (0..full.len()).filter(open).min_by_key(|&k| key(k, &next)));
            let Some(k) = pick else { break };
            next[k] += 1;
            order.push(k);
        }
        let at = full.clone();
        let counts = full.iter().map(|e| e.history.len()).collect();
        Tree {
            base,
            cursor: order.len(),
            full,
            parents,
            children,
            order,
            counts,
            at,
            raw,
            unknown,
        }
    }

    fn index(&self, id: ExecutionId) -> Option<usize> {
        let i = id.0.checked_sub(self.base)? as usize;
        (i < self.full.len()).then_some(i)
    }

    pub fn id(&self, index: usize) -> ExecutionId {
        ExecutionId(self.base + index as u32)
    }

    pub fn len(&self) -> usize {
        self.full.len()
    }

    pub fn is_empty(&self) -> bool {
        self.full.is_empty()
    }

    /// The execution at the cursor; `None` for a child before its first event (a root stays,
    /// with no event yet, so that there is something to select at the start of the timeline).
    pub fn at(&self, id: ExecutionId) -> Option<&Execution> {
        let i = self.index(id)?;
        (self.counts[i] > 0 || self.parents[i].is_none()).then(|| &self.at[i])
    }

    pub fn whole(&self, id: ExecutionId) -> Option<&Execution> {
        self.full.get(self.index(id)?)
    }

    /// Executions started by nobody in this source.
    pub fn roots(&self) -> Vec<ExecutionId> {
        (0..self.full.len())
            .filter(|&i| self.parents[i].is_none())
            .map(|i| self.id(i))
            .collect()
    }

    /// Children that have started by the cursor.
    pub fn children(&self, id: ExecutionId) -> Vec<ExecutionId> {
        self.index(id)
            .map(|i| {
                self.children[i]
                    .iter()
                    .filter(|&&c| self.counts[c] > 0)
                    .map(|&c| self.id(c))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn parent(&self, id: ExecutionId) -> Option<(ExecutionId, Option<String>)> {
        let (p, state) = self.parents[self.index(id)?].clone()?;
        Some((self.id(p), state))
    }

    /// Events shown, and events in all.
    pub fn position(&self) -> (usize, usize) {
        (self.cursor, self.order.len())
    }

    /// When the latest event shown happened (the recording's clock at the cursor).
    pub fn now_millis(&self) -> Option<i64> {
        let k = *self.order.get(self.cursor.checked_sub(1)?)?;
        let n = self.counts[k].checked_sub(1)?;
        Some(self.at[k].history.get(n)?.timestamp_millis)
    }

    /// Shows the first `pos` events of the merged timeline.
    pub fn seek(&mut self, pos: usize) {
        let pos = pos.min(self.order.len());
        let mut counts = vec![0usize; self.full.len()];
        for &k in &self.order[..pos] {
            counts[k] += 1;
        }
        for (k, &n) in counts.iter().enumerate() {
            if n != self.counts[k] {
                self.at[k] = snapshot(&self.full[k], n);
            }
        }
        self.counts = counts;
        self.cursor = pos;
    }

    /// The cursor at which event `event_id` of `id` is the latest shown.
    pub fn position_of_event(&self, id: ExecutionId, event_id: u64) -> Option<usize> {
        let i = self.index(id)?;
        let nth = self.full[i].history.iter().position(|e| e.id == event_id)?;
        let mut seen = 0;
        for (p, &k) in self.order.iter().enumerate() {
            if k == i {
                if seen == nth {
                    return Some(p + 1);
                }
                seen += 1;
            }
        }
        None
    }

    /// The event as AWS printed it (recorded executions only), pretty.
    pub fn raw_event(&self, id: ExecutionId, event_id: u64) -> Option<String> {
        let i = self.index(id)?;
        let pos = self.full[i].history.iter().position(|e| e.id == event_id)?;
        let raw = self.raw.get(i)?.get(pos)?;
        serde_json::to_string_pretty(raw).ok()
    }

    /// The type AWS printed for an event whose type its API does not list.
    pub fn unknown_type(&self, id: ExecutionId, event_id: u64) -> Option<&str> {
        self.unknown
            .get(self.index(id)?)?
            .get(&event_id)
            .map(String::as_str)
    }
}

/// `e` with only its first `n` events: running until its last event is shown.
fn snapshot(e: &Execution, n: usize) -> Execution {
    let mut s = e.clone();
    if n < e.history.len() {
        s.history.truncate(n);
        s.status = ExecutionStatus::Running;
        s.stop_millis = None;
        s.output = None;
        s.error = None;
        s.cause = None;
    }
    s
}

/// The detail objects AWS's history events have: an event's details are kept typed (for the
/// views that read them) only under one of these keys.
const DETAIL_KEYS: &[&str] = &[
    "activityFailedEventDetails",
    "activityScheduleFailedEventDetails",
    "activityScheduledEventDetails",
    "activityStartedEventDetails",
    "activitySucceededEventDetails",
    "activityTimedOutEventDetails",
    "taskFailedEventDetails",
    "taskScheduledEventDetails",
    "taskStartFailedEventDetails",
    "taskStartedEventDetails",
    "taskSubmitFailedEventDetails",
    "taskSubmittedEventDetails",
    "taskSucceededEventDetails",
    "taskTimedOutEventDetails",
    "executionFailedEventDetails",
    "executionStartedEventDetails",
    "executionSucceededEventDetails",
    "executionAbortedEventDetails",
    "executionTimedOutEventDetails",
    "executionRedrivenEventDetails",
    "mapStateStartedEventDetails",
    "mapIterationStartedEventDetails",
    "mapIterationSucceededEventDetails",
    "mapIterationFailedEventDetails",
    "mapIterationAbortedEventDetails",
    "lambdaFunctionFailedEventDetails",
    "lambdaFunctionScheduleFailedEventDetails",
    "lambdaFunctionScheduledEventDetails",
    "lambdaFunctionStartFailedEventDetails",
    "lambdaFunctionSucceededEventDetails",
    "lambdaFunctionTimedOutEventDetails",
    "stateEnteredEventDetails",
    "stateExitedEventDetails",
    "mapRunStartedEventDetails",
    "mapRunFailedEventDetails",
    "mapRunRedrivenEventDetails",
    "evaluationFailedEventDetails",
];

/// Detail fields the views read. Others stay in the raw event, which the history table shows.
const PAYLOAD_FIELDS: &[&str] = &["input", "output"];
const TEXT_FIELDS: &[&str] = &[
    "name",
    "parameters",
    "resource",
    "resourceType",
    "error",
    "cause",
    "roleArn",
    "region",
    "mapRunArn",
    "state",
    "location",
];
const INT_FIELDS: &[&str] = &["index", "length", "timeoutInSeconds", "heartbeatInSeconds"];

fn typed_details(e: &RecordedEvent) -> Details {
    let Some((key, obj)) = e.details() else {
        return Details::none();
    };
    let Some(key) = DETAIL_KEYS.iter().copied().find(|k| *k == key) else {
        return Details::none();
    };
    let mut d = Details::new(key);
    for (name, v) in obj {
        if let Some(n) = PAYLOAD_FIELDS.iter().copied().find(|f| f == name) {
            if let Some(s) = v.as_str() {
                d = d.payload(n, Payload::Text(Arc::from(s)));
            }
        } else if let Some(n) = TEXT_FIELDS.iter().copied().find(|f| f == name) {
            if let Some(s) = v.as_str() {
                if n == "parameters" {
                    d = d.field(n, Field::BarePayload(Arc::from(s)));
                } else {
                    d = d.text(n, s);
                }
            }
        } else if let Some(n) = INT_FIELDS.iter().copied().find(|f| f == name) {
            if let Some(i) = v.as_i64() {
                d = d.int(n, i);
            }
        } else if name == "assignedVariables" {
            d = d.field(
                "assignedVariables",
                Field::Json(Box::new(stepwise_json::Value::from(v))),
            );
        }
    }
    d
}

/// Which Map iteration or Parallel branch each recorded event ran in, outermost first, as the
/// engine's `HistoryEvent::scope` says for a local run (the graph's colours and the states
/// table need it to tell concurrent branches apart). AWS does not record it: it follows from
/// `previousEventId` (an event continues the thread of the one it follows; the first event
/// after `MapIterationStarted` opens iteration `index`, each state entered right after
/// `ParallelStateStarted` opens the next branch), while events of a Map or Parallel state as a
/// whole are in the scope where that state was entered.
fn scopes(events: &[RecordedEvent]) -> Vec<Arc<[u32]>> {
    let mut out: Vec<Arc<[u32]>> = Vec::with_capacity(events.len());
    let mut branches: BTreeMap<usize, u32> = BTreeMap::new();
    let mut open: Vec<(String, Arc<[u32]>)> = Vec::new();
    let empty: Arc<[u32]> = Arc::from(Vec::new());
    for (i, e) in events.iter().enumerate() {
        let t = e.event_type.as_str();
        let prev = (e.previous_event_id as usize)
            .checked_sub(1)
            .filter(|p| *p < i);
        let inherited = match prev {
            None => empty.clone(),
            Some(p) => {
                let pe = &events[p];
                let mut s = out[p].to_vec();
                if pe.is(EventType::MapIterationStarted) {
                    let index = pe
                        .details()
                        .and_then(|(_, d)| d.get("index"))
                        .and_then(Json::as_u64)
                        .unwrap_or(0);
                    s.push(u32::try_from(index).unwrap_or(u32::MAX));
                    Arc::from(s)
                } else if pe.is(EventType::ParallelStateStarted) && t.ends_with("StateEntered") {
                    let k = branches.entry(p).or_insert(0);
                    s.push(*k);
                    *k += 1;
                    Arc::from(s)
                } else {
                    out[p].clone()
                }
            }
        };
        let whole_state = (t.starts_with("MapState")
            || t.starts_with("ParallelState")
            || t.starts_with("MapIteration")
            || t.starts_with("MapRun"))
            && !t.ends_with("Entered");
        let scope = if t.starts_with("Execution") {
            empty.clone()
        } else if whole_state {
            open.iter()
                .rev()
                .find(|(n, _)| Some(n) == e.state_name.as_ref())
                .map_or(inherited, |(_, s)| s.clone())
        } else {
            inherited
        };
        let kind = e.kind();
        if matches!(
            kind,
            Some(EventType::MapStateEntered | EventType::ParallelStateEntered)
        ) {
            open.push((e.state_name.clone().unwrap_or_default(), scope.clone()));
        } else if matches!(
            kind,
            Some(EventType::MapStateExited | EventType::ParallelStateExited)
        ) || (whole_state
            && !t.starts_with("MapIteration")
            && !t.starts_with("MapRun")
            && (t.ends_with("Failed") || t.ends_with("Aborted")))
        {
            if let Some(at) = open
                .iter()
                .rposition(|(n, _)| Some(n) == e.state_name.as_ref())
            {
                open.truncate(at);
            }
        }
        out.push(scope);
    }
    out
}

/// The inert type an event of a type AWS's API does not list is kept under (the history table
/// shows its own type; nothing reads this one as entering, leaving or failing a state).
const UNKNOWN_AS: EventType = EventType::MapRunRedriven;

/// The history of a recording as engine events (for the views), its raw events, and its
/// unknown types.
fn convert(events: &[RecordedEvent]) -> (Vec<HistoryEvent>, Vec<Json>, BTreeMap<u64, String>) {
    let scopes = scopes(events);
    let mut unknown = BTreeMap::new();
    let mut last_time = 0;
    let history = events
        .iter()
        .zip(scopes)
        .map(|(e, scope)| {
            let event_type = e.kind().unwrap_or_else(|| {
                unknown.insert(e.id, e.event_type.clone());
                UNKNOWN_AS
            });
            let timestamp_millis = e.timestamp_millis.unwrap_or(last_time);
            last_time = timestamp_millis;
            HistoryEvent {
                id: e.id,
                previous_event_id: e.previous_event_id,
                timestamp_millis,
                event_type,
                details: typed_details(e),
                state_name: e.state_name.as_deref().map(Arc::from),
                scope,
            }
        })
        .collect();
    let raw = events.iter().map(|e| e.raw.clone()).collect();
    (history, raw, unknown)
}

/// A definition for the engine value that carries a recording whose own definition Stepwise
/// refuses (the views read only `definition_text`, which stays the recorded text).
const PLACEHOLDER: &str = r#"{"StartAt":"Recorded","States":{"Recorded":{"Type":"Succeed"}}}"#;

/// An engine `Execution` value holding recording `rec` (made through the engine's public API,
/// then given the recorded identity, definition text and history).
fn execution_of(rec: &Recording, id: ExecutionId) -> Result<Execution, String> {
    let (history, _, _) = convert(&rec.events);
    let start = history.first().map_or(0, |e| e.timestamp_millis);
    let mut engine = Engine::new(EngineConfig {
        epoch_millis: start,
        ..EngineConfig::default()
    });
    let name = &rec.machine.name;
    let arn = match engine.create_state_machine(name, &rec.machine.definition) {
        Ok(_) => engine.machine_arn(name),
        Err(_) => {
            engine
                .create_state_machine("Recorded", PLACEHOLDER)
                .map_err(|e| e.to_string())?;
            engine.machine_arn("Recorded")
        }
    };
    let input = if serde_json::from_str::<Json>(&rec.input).is_ok() {
        rec.input.as_str()
    } else {
        "{}"
    };
    let local = engine
        .start_execution(&arn, None, Some(input))
        .map_err(|e| e.to_string())?;
    let mut e = engine.execution(local).clone();
    e.id = id;
    if let Some(i) = &rec.identity {
        e.arn = i.arn.clone();
        e.name = i.name.clone();
        e.machine_arn = i.state_machine_arn.clone();
    } else {
        e.name = "recorded".into();
        e.arn = format!("(recorded at {})", rec.at);
        if let Some(a) = &rec.machine.arn {
            e.machine_arn = a.clone();
        }
    }
    e.machine_name = rec.machine.name.clone();
    e.definition_text = Arc::from(rec.machine.definition.as_str());
    e.input = serde_json::from_str(&rec.input).unwrap_or(stepwise_json::Value::Null);
    e.status = ExecutionStatus::parse(&rec.status).unwrap_or(ExecutionStatus::Running);
    e.start_millis = start;
    e.stop_millis = None;
    e.output = None;
    e.error = None;
    e.cause = None;
    if let Some(last) = rec.events.last().filter(|l| {
        l.kind()
            .is_some_and(stepwise_engine::EventType::ends_execution)
    }) {
        e.stop_millis = last.timestamp_millis;
        e.output = last
            .detail_str("output")
            .and_then(|o| serde_json::from_str(o).ok());
        e.error = last.detail_str("error").map(str::to_owned);
        e.cause = last.detail_str("cause").map(str::to_owned);
    }
    e.parent = None;
    e.history = history;
    Ok(e)
}

fn recorded_tree(import: &Import) -> Result<Tree, String> {
    let mut full = Vec::new();
    let mut raw = Vec::new();
    let mut unknown = Vec::new();
    for (i, rec) in import.executions.iter().enumerate() {
        full.push(execution_of(rec, ExecutionId(RECORDED_BASE + i as u32))?);
        let (_, r, u) = convert(&rec.events);
        raw.push(r);
        unknown.push(u);
    }
    let parents = import
        .executions
        .iter()
        .map(|r| {
            let p = r.parent.as_ref()?;
            Some((p.execution?, p.state_name.clone()))
        })
        .collect();
    let links = import
        .executions
        .iter()
        .map(|r| r.parent.as_ref().and_then(|p| p.event_id))
        .collect();
    Ok(Tree::new(RECORDED_BASE, full, parents, links, raw, unknown))
}

/// What a replay found, kept to show.
pub struct ReplayResult {
    /// The local run, as a source the views show.
    pub tree: Tree,
    /// The recorded execution replayed (index in the import).
    pub of: usize,
    /// `stepwise_recording`'s report: statuses, divergence, why it stopped, what it compared
    /// (and the local run, whose executions `tree` shows).
    pub report: stepwise_recording::Replay,
    /// Machines replayed with a definition edited since the import.
    pub edited: Vec<String>,
}

/// An import on show: its recordings as a source, and the last replay.
pub struct Recorded {
    pub import: Import,
    pub tree: Tree,
    pub replay: Option<ReplayResult>,
    /// The texts it was imported from (name, text), as given: what a workspace saves of it.
    /// Never changed after the import (see `id`).
    sources: Vec<(String, String)>,
    /// Which import this is, unique in this page. Its saved form never changes, so storage
    /// writes it once per id rather than on every autosave (`storage::layout`).
    id: u64,
}

/// The next [`Recorded::id`].
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Texts as the user gave them (file names, or "pasted text").
pub fn import(sources: &[(String, String)]) -> Result<Recorded, Vec<ImportError>> {
    let src: Vec<Source<'_>> = sources
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    let import = stepwise_recording::import(&src)?;
    if import.executions.is_empty() {
        return Err(vec![ImportError {
            location: stepwise_recording::Location {
                source: sources.first().map(|s| s.0.clone()).unwrap_or_default(),
                line: 1,
                column: 1,
            },
            message: "no execution history to import: add the output of `aws stepfunctions get-execution-history --execution-arn … --output json`".into(),
        }]);
    }
    let tree = recorded_tree(&import).map_err(|m| {
        vec![ImportError {
            location: import.executions[0].at.clone(),
            message: m,
        }]
    })?;
    Ok(Recorded {
        import,
        tree,
        replay: None,
        sources: sources.to_vec(),
        id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    })
}

/// A recording from its saved form (what [`Recorded::to_saved`] writes), imported again; an
/// error says why it cannot be (a hand-edited or damaged store, a hostile link).
pub fn from_saved(v: &stepwise_json::Value) -> Result<Recorded, String> {
    let shape = || "its saved form is not a list of {\"name\", \"text\"}".to_string();
    let list = v.as_array().ok_or_else(shape)?;
    let mut sources = Vec::with_capacity(list.len());
    for item in list.iter() {
        let text = |key: &str| item.get(key).and_then(|t| t.as_str()).map(str::to_string);
        sources.push((
            text("name").ok_or_else(shape)?,
            text("text").ok_or_else(shape)?,
        ));
    }
    let bytes = size(&sources);
    if bytes > MAX_KEPT_BYTES {
        return Err(format!(
            "{} of text, over the {} a workspace keeps",
            megabytes(bytes),
            megabytes(MAX_KEPT_BYTES)
        ));
    }
    import(&sources).map_err(|errors| errors.first().map(ToString::to_string).unwrap_or_default())
}

fn size(sources: &[(String, String)]) -> usize {
    sources.iter().map(|(n, t)| n.len() + t.len()).sum()
}

/// `1.2 MB`, for notices.
pub fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

impl Recorded {
    /// The texts it was imported from (name, text), as given.
    pub fn sources(&self) -> &[(String, String)] {
        &self.sources
    }

    /// Which import this is: two recordings with the same id have the same saved form.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Bytes of imported text, names included.
    pub fn size(&self) -> usize {
        size(&self.sources)
    }

    /// Whether a saved or shared workspace keeps it (it is within [`MAX_KEPT_BYTES`]).
    pub fn kept(&self) -> bool {
        self.size() <= MAX_KEPT_BYTES
    }

    /// The saved form: `[{ "name": "history.json", "text": "…" }]`, each text as given.
    pub fn to_saved(&self) -> stepwise_json::Value {
        let items = self.sources.iter().map(|(name, text)| {
            let mut o = stepwise_json::Map::new();
            o.insert("name".into(), name.as_str().into());
            o.insert("text".into(), text.as_str().into());
            stepwise_json::Value::Object(o)
        });
        stepwise_json::Value::Array(items.collect::<Vec<_>>().into())
    }

    /// The machines a workspace gets from this import: every recorded definition (and those of
    /// machines given without a history), by name, each once.
    pub fn machines(&self) -> Vec<MachineDoc> {
        let mut out: Vec<MachineDoc> = Vec::new();
        let docs = self
            .import
            .executions
            .iter()
            .map(|e| &e.machine)
            .chain(self.import.machines.iter());
        for m in docs {
            if out.iter().all(|d| d.name != m.name) {
                // Verbatim, so that an unedited machine replays as recorded.
                out.push(MachineDoc::new(m.name.clone(), m.definition.clone(), false));
            }
        }
        out
    }

    /// The recorded definition of machine `name`, as the workspace got it.
    fn imported_definition(&self, name: &str) -> Option<String> {
        self.machines()
            .into_iter()
            .find(|m| m.name == name)
            .map(|m| m.definition)
    }

    /// The recorded execution to replay for a selection: the root of the selected recorded
    /// execution's tree, else the first root.
    pub fn replay_target(&self, selected: Option<ExecutionId>) -> usize {
        let mut i = selected
            .filter(|id| kind(*id) == Kind::Recorded)
            .and_then(|id| self.tree.index(id))
            .unwrap_or(0);
        let mut hops = 0;
        while let Some((p, _)) = self.tree.parents[i] {
            i = p;
            hops += 1;
            if hops > self.tree.len() {
                break;
            }
        }
        i
    }

    /// Replays recorded execution `index` with the workspace's definitions where they differ
    /// from the recorded ones (a fix being tried).
    pub fn replay(&mut self, index: usize, machines: &[MachineDoc]) -> Result<(), String> {
        crate::jsonata::check_loaded(machines.iter().map(|m| m.definition.as_str()))?;
        let mut edits = BTreeMap::new();
        for m in machines {
            if let Some(original) = self.imported_definition(&m.name) {
                if original != m.definition {
                    edits.insert(m.name.clone(), m.definition.clone());
                }
            }
        }
        let r = stepwise_recording::replay(&self.import, index, &edits, &CompareOptions::default())
            .map_err(|e| format!("This execution cannot be replayed: {e}"))?;
        let engine = &r.local.engine;
        let full: Vec<Execution> = engine
            .executions()
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let mut e = e.clone();
                e.id = ExecutionId(REPLAY_BASE + k as u32);
                e.parent = None;
                e
            })
            .collect();
        let parents = engine
            .executions()
            .iter()
            .map(|e| {
                e.parent
                    .as_ref()
                    .map(|p| (p.execution.0 as usize, p.state_name.clone()))
            })
            .collect();
        // The parent's event naming each child (its ARN in a task's output).
        let links = engine
            .executions()
            .iter()
            .map(|c| {
                let p = engine.execution(c.parent.as_ref()?.execution);
                p.history
                    .iter()
                    .find(|e| {
                        e.details
                            .json_text("output")
                            .is_some_and(|o| o.contains(c.arn.as_str()))
                    })
                    .map(|e| e.id)
            })
            .collect();
        let n = full.len();
        self.replay = Some(ReplayResult {
            tree: Tree::new(
                REPLAY_BASE,
                full,
                parents,
                links,
                vec![Vec::new(); n],
                vec![BTreeMap::new(); n],
            ),
            of: index,
            report: r,
            edited: edits.into_keys().collect(),
        });
        Ok(())
    }

    /// The test case `stepwise test` runs for recorded execution `index`: file name and text.
    pub fn export_test(&self, index: usize) -> Result<(String, String), String> {
        let case = TestCase::from_recording(&self.import, index)
            .map_err(|e| format!("No test case: this execution cannot be replayed: {e}"))?;
        case_file(&case)
    }

    /// The recorded execution a divergence names (by ARN or label).
    pub fn recorded_named(&self, label: &str) -> Option<ExecutionId> {
        self.import
            .executions
            .iter()
            .position(|e| e.label() == label)
            .map(|i| self.tree.id(i))
    }

    fn source(&self, id: ExecutionId) -> Option<&Tree> {
        match kind(id) {
            Kind::Local => None,
            Kind::Recorded => Some(&self.tree),
            Kind::Replay => self.replay.as_ref().map(|r| &r.tree),
        }
    }

    fn source_mut(&mut self, id: ExecutionId) -> Option<&mut Tree> {
        match kind(id) {
            Kind::Local => None,
            Kind::Recorded => Some(&mut self.tree),
            Kind::Replay => self.replay.as_mut().map(|r| &mut r.tree),
        }
    }
}

fn source(w: &Workspace, id: ExecutionId) -> Option<&Tree> {
    w.recording.as_ref()?.source(id)
}

// ----- lookups the views make instead of asking the engine ---------------------------------

/// The execution `id` as at the timeline's position: a local one from the engine, a recorded
/// or replayed one at its source's cursor.
pub fn exec(w: &Workspace, id: ExecutionId) -> Option<&Execution> {
    match kind(id) {
        Kind::Local => find_exec(w.engine(), id),
        _ => source(w, id)?.at(id),
    }
}

/// The execution `id` as at the end of its timeline (the history table lists it whole).
pub fn exec_head(w: &Workspace, id: ExecutionId) -> Option<&Execution> {
    match kind(id) {
        Kind::Local => find_exec(w.head(), id),
        _ => source(w, id)?.whole(id),
    }
}

pub fn children(w: &Workspace, id: ExecutionId) -> Vec<ExecutionId> {
    match kind(id) {
        Kind::Local => w.engine().children(id),
        _ => source(w, id).map(|t| t.children(id)).unwrap_or_default(),
    }
}

/// The parent of `id` and the state that started it.
pub fn parent(w: &Workspace, id: ExecutionId) -> Option<(ExecutionId, Option<String>)> {
    match kind(id) {
        Kind::Local => {
            let p = find_exec(w.engine(), id)?.parent.as_ref()?;
            Some((p.execution, p.state_name.clone()))
        }
        _ => source(w, id)?.parent(id),
    }
}

/// The timeline of `id`'s source, for a recorded or replayed execution.
pub fn position(w: &Workspace, id: ExecutionId) -> Option<(usize, usize)> {
    source(w, id).map(Tree::position)
}

/// The clock of `id`'s source at its cursor: when its latest shown event happened.
pub fn now_millis(w: &Workspace, id: ExecutionId) -> Option<i64> {
    source(w, id)?.now_millis()
}

/// Moves the timeline of `id`'s source; `false` for a local execution.
pub fn seek(w: &mut Workspace, id: ExecutionId, pos: usize) -> bool {
    let Some(t) = w.recording.as_mut().and_then(|r| r.source_mut(id)) else {
        return false;
    };
    if t.position().0 != pos {
        t.seek(pos);
        w.revision += 1;
    }
    true
}

pub fn position_of_event(w: &Workspace, id: ExecutionId, event_id: u64) -> Option<usize> {
    source(w, id)?.position_of_event(id, event_id)
}

/// An event's details as shown: for a recorded execution, the event exactly as AWS printed it.
pub fn event_detail(w: &Workspace, exec: &Execution, e: &HistoryEvent) -> String {
    source(w, exec.id)
        .and_then(|t| t.raw_event(exec.id, e.id))
        .unwrap_or_else(|| crate::history::event_detail(exec, e))
}

/// An event's type as shown: AWS's own name for one its API does not list.
pub fn type_label<'a>(w: &'a Workspace, exec: ExecutionId, e: &HistoryEvent) -> &'a str {
    source(w, exec)
        .and_then(|t| t.unknown_type(exec, e.id))
        .unwrap_or(e.event_type.as_str())
}

/// The test case `stepwise test` runs for local execution `id` (finished): every task answered
/// as it was in this run, the outcome and history it had. File name and text.
pub fn export_local_test(engine: &Engine, id: ExecutionId) -> Result<(String, String), String> {
    let case = stepwise_recording::case_from_local_run(engine, id)
        .map_err(|e| format!("No test case: {e}"))?;
    case_file(&case)
}

/// A test case as a file: a name from the case's (`machine/execution`), pretty JSON.
fn case_file(case: &TestCase) -> Result<(String, String), String> {
    let text = serde_json::to_string_pretty(case).map_err(|e| e.to_string())?;
    let stem: String = case
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    Ok((format!("{stem}.test.json"), text))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    macro_rules! fixture {
        ($dir:literal, $file:literal) => {
            (
                concat!($dir, "/", $file).to_string(),
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../recording/tests/fixtures/",
                    $dir,
                    "/",
                    $file
                ))
                .to_string(),
            )
        };
    }

    /// A parent's `.sync` start of a child, as the AWS CLI printed both (also the storage
    /// tests' recording).
    pub(crate) fn sync_child() -> Vec<(String, String)> {
        vec![
            fixture!("sync-child", "history.json"),
            fixture!("sync-child", "execution.json"),
            fixture!("sync-child", "machine.json"),
            fixture!("sync-child", "child-history.json"),
            fixture!("sync-child", "child-execution.json"),
            fixture!("sync-child", "child-machine.json"),
        ]
    }

    /// A `.waitForTaskToken` execution, as the AWS CLI printed it.
    pub(crate) fn callback() -> Vec<(String, String)> {
        vec![
            fixture!("callback", "history.json"),
            fixture!("callback", "execution.json"),
            fixture!("callback", "machine.json"),
        ]
    }

    #[test]
    fn a_recording_is_saved_with_its_workspace_and_imported_again_when_it_loads() {
        let r = import(&sync_child()).expect("imports");
        let mut w = Workspace::new(r.machines(), "{}".into(), String::new());
        w.recording = Some(Box::new(r));
        let text = w.to_json();
        let back = Workspace::from_json(&text).unwrap();
        assert_eq!(back.recording_problem, None);
        let again = back.recording.as_ref().expect("the recording came back");
        assert_eq!(again.sources, sync_child(), "its texts, byte for byte");
        assert_eq!(again.import.executions.len(), 2);
        assert_eq!(back.to_json(), text);
        assert!(!w.to_json_with(false).contains("\"recording\""));

        // Damaged: the workspace loads without it, and says why.
        let mut saved: Json = serde_json::from_str(&text).unwrap();
        for (damage, why) in [
            (Json::from(3), "not a list"),
            (
                serde_json::json!([{"name": "history.json", "text": "{\"events\": [{"}]),
                "history.json:1:",
            ),
            (serde_json::json!([{"name": "x"}]), "not a list"),
            (serde_json::json!([]), "no execution history"),
        ] {
            saved["recording"] = damage;
            let w = Workspace::from_json(&saved.to_string()).unwrap();
            assert!(w.recording.is_none());
            assert_eq!(w.machines.len(), 2, "the machines load");
            let problem = w.recording_problem.unwrap();
            assert!(problem.contains(why), "{problem}");
        }

        // Over the limit: on show, not saved; a saved one over it is refused before import.
        let mut big = sync_child();
        big[0].1.push_str(&" ".repeat(MAX_KEPT_BYTES));
        let r = import(&big).expect("whitespace between documents is fine");
        assert!(!r.kept());
        w.recording = Some(Box::new(r));
        assert!(!w.to_json().contains("\"recording\""));
        saved["recording"] =
            serde_json::to_value(w.recording.as_ref().unwrap().to_saved()).unwrap();
        let problem = Workspace::from_json(&saved.to_string())
            .unwrap()
            .recording_problem
            .unwrap();
        assert!(problem.contains("over the 1.0 MB"), "{problem}");
    }

    #[test]
    fn a_parent_and_its_sync_child_become_one_tree_on_one_timeline() {
        let r = import(&sync_child()).expect("imports");
        let t = &r.tree;
        let roots = t.roots();
        assert_eq!(roots.len(), 1);
        let parent = t.whole(roots[0]).unwrap();
        assert_eq!(parent.machine_name, "main");
        assert_eq!(parent.status.as_str(), "SUCCEEDED");
        let kids = t.children(roots[0]);
        assert_eq!(kids.len(), 1);
        let child = t.whole(kids[0]).unwrap();
        assert_eq!(child.machine_name, "child");
        assert_eq!(
            t.parent(kids[0]),
            Some((roots[0], Some("StartExecution".into())))
        );
        let (pos, total) = t.position();
        assert_eq!(pos, total);
        assert_eq!(total, parent.history.len() + child.history.len());
        // Step back to the start: nothing shows; the parent's first event, then more.
        let mut t = t.clone();
        t.seek(0);
        assert!(t.at(roots[0]).unwrap().history.is_empty());
        assert!(t.at(kids[0]).is_none());
        assert_eq!(t.now_millis(), None);
        t.seek(1);
        assert_eq!(t.at(roots[0]).unwrap().history.len(), 1);
        assert_eq!(t.now_millis(), Some(parent.start_millis));
        assert_eq!(t.at(roots[0]).unwrap().status.as_str(), "RUNNING");
        assert!(t.at(kids[0]).is_none(), "the child starts later");
        // The child's events sit inside the parent's task: after TaskSubmitted, before the
        // parent's TaskSucceeded.
        let first_child = t.position_of_event(kids[0], 1).unwrap();
        let submitted = parent
            .history
            .iter()
            .find(|e| e.event_type == EventType::TaskStarted)
            .unwrap()
            .id;
        let succeeded = parent
            .history
            .iter()
            .find(|e| e.event_type == EventType::TaskSucceeded)
            .unwrap()
            .id;
        assert!(t.position_of_event(roots[0], submitted).unwrap() < first_child);
        assert!(first_child < t.position_of_event(roots[0], succeeded).unwrap());
        t.seek(first_child);
        assert_eq!(t.children(roots[0]), kids);
        // The raw event is AWS's, verbatim.
        let raw = r.tree.raw_event(roots[0], 1).unwrap();
        assert!(raw.contains("\"roleArn\": \"snf_role_arn\""), "{raw}");
    }

    #[test]
    fn graph_colours_of_a_recording_are_those_of_its_faithful_replay() {
        for dir in ["sync-child", "map-catch", "retry", "callback"] {
            let sources = match dir {
                "sync-child" => sync_child(),
                "map-catch" => vec![
                    fixture!("map-catch", "history.json"),
                    fixture!("map-catch", "execution.json"),
                    fixture!("map-catch", "machine.json"),
                ],
                "retry" => vec![
                    fixture!("retry", "history.json"),
                    fixture!("retry", "execution.json"),
                    fixture!("retry", "machine.json"),
                ],
                _ => callback(),
            };
            let mut r = import(&sources).expect(dir);
            let machines = r.machines();
            r.replay(0, &machines).expect(dir);
            let rep = r.replay.as_ref().unwrap();
            assert!(
                rep.report.divergence.is_none(),
                "{dir}: {:?}",
                rep.report.divergence
            );
            assert!(rep.edited.is_empty(), "{dir}");
            let recorded = r.tree.whole(r.tree.id(0)).unwrap();
            let local = rep.tree.whole(rep.tree.id(0)).unwrap();
            let entries = |h: &[HistoryEvent]| {
                let mut v: Vec<(String, Vec<u32>, String)> = crate::history::state_entries(h, &[])
                    .into_iter()
                    .map(|e| (e.name, e.scope.to_vec(), format!("{:?}", e.status)))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(entries(&recorded.history), entries(&local.history), "{dir}");
            assert_eq!(
                crate::history::state_statuses(&recorded.history, &[]),
                crate::history::state_statuses(&local.history, &[]),
                "{dir}"
            );
        }
    }

    #[test]
    fn a_finished_local_run_exports_a_passing_case_and_a_running_one_is_refused() {
        let mut engine = Engine::new(EngineConfig::default());
        let def = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": 1}, "End": true}}}"#;
        engine.create_state_machine("m", def).unwrap();
        let arn = engine.machine_arn("m");
        let id = engine.start_execution(&arn, Some("e"), Some("{}")).unwrap();
        let err = export_local_test(&engine, id).unwrap_err();
        assert!(err.contains("still running"), "{err}");
        engine.run_until_idle(100);
        let (name, text) = export_local_test(&engine, id).unwrap();
        assert_eq!(name, "m-e.test.json");
        let case: TestCase = serde_json::from_str(&text).unwrap();
        assert_eq!(case.expected.status, "SUCCEEDED");
        assert!(case.run().pass);
    }

    #[test]
    fn an_edited_child_diverges_and_the_test_case_exports() {
        let mut r = import(&sync_child()).unwrap();
        let mut machines = r.machines();
        let child = machines.iter_mut().find(|m| m.name == "child").unwrap();
        child.definition = child.definition.replace("argument1", "argument2");
        r.replay(0, &machines).unwrap();
        let rep = r.replay.as_ref().unwrap();
        assert_eq!(rep.edited, ["child"]);
        let d = rep.report.divergence.as_ref().expect("a divergence");
        assert!(d.what.contains("argument"), "{}", d.what);
        assert!(r.recorded_named(&d.execution).is_some(), "{}", d.execution);
        let (name, text) = r.export_test(0).unwrap();
        assert_eq!(name, "main-conformance.test.json");
        let case: TestCase = serde_json::from_str(&text).unwrap();
        assert!(case.run().pass, "the exported case passes");
    }

    #[test]
    fn bad_input_is_refused_with_located_messages_and_unknown_types_are_kept() {
        let (_, history) = fixture!("retry", "history.json");
        let cut = &history[..history.len() / 2];
        let errs = import(&[("h.json".into(), cut.into())]).err().unwrap();
        assert!(errs[0].to_string().starts_with("h.json:"), "{}", errs[0]);

        // The history has two pages: change an event of the first.
        let mut pages = serde_json::Deserializer::from_str(&history).into_iter::<Json>();
        let mut v = pages.next().unwrap().unwrap();
        let rest = &history[pages.byte_offset()..];
        v["events"][1]["type"] = Json::String("StateTeleported".into());
        let sources = vec![
            ("h.json".to_string(), format!("{v}{rest}")),
            fixture!("retry", "execution.json"),
            fixture!("retry", "machine.json"),
        ];
        let r = import(&sources).expect("an unknown type is kept");
        assert!(r
            .import
            .warnings
            .iter()
            .any(|w| w.message.contains("StateTeleported")));
        let id = r.tree.id(0);
        let e = r.tree.whole(id).unwrap();
        let kept = &e.history[1];
        assert_eq!(r.tree.unknown_type(id, kept.id), Some("StateTeleported"));
        let mut r = r;
        let machines = r.machines();
        let err = r.replay(0, &machines).unwrap_err();
        assert!(err.contains("StateTeleported"), "{err}");
    }
}
