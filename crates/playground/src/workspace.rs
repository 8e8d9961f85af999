//! The playground's model, in plain Rust with no UI imports: the machines being edited, the
//! execution input and mocks, the engine, and the log of every command given to the engine.
//!
//! Stepping backwards works by replay: the engine is deterministic, so the state after the
//! first `n` ticks of the command log is rebuilt from the nearest checkpoint (an `Engine`
//! clone kept every `CHECKPOINT_EVERY` ticks) by re-applying the commands in between.
//! A tick is one engine event (one `step`) or one outside command (start, timer, token).

use serde::{Deserialize, Serialize};
use stepwise_engine::{Engine, EngineConfig, ExecutionId, MachineType, PendingTask};
use stepwise_json::Value;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
pub const WORKSPACE_VERSION: u32 = 1;

/// Ticks between two engine checkpoints. Memory grows with (events × checkpoints), so the
/// interval doubles whenever more than `MAX_CHECKPOINTS` would be kept.
pub const CHECKPOINT_EVERY: usize = 256;
pub const MAX_CHECKPOINTS: usize = 48;

pub fn machine_arn(name: &str) -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}")
}

#[derive(Clone, Debug)]
pub struct MachineDoc {
    /// Who this machine is for as long as the page lives, whatever it is named: the editor
    /// keeps its undo history under this key, so a rename keeps it and a new machine given an
    /// old name starts afresh. Not saved, and not part of what the document says (`PartialEq`).
    pub id: u64,
    pub name: String,
    /// The editor text, kept verbatim (it may be invalid while being typed).
    pub definition: String,
    /// Express semantics (AWS `type: EXPRESS`); Standard otherwise.
    pub express: bool,
    /// Its published versions, by ascending number. Part of the document (saved, shared, kept
    /// by Reset) like the definition: the engine gets them on each deploy.
    pub versions: Vec<VersionDoc>,
    /// Its aliases, in the order they were created.
    pub aliases: Vec<AliasDoc>,
    /// The number the next published version takes: one above the highest ever published, so
    /// that a deleted version's number is not given again (AWS never reuses one).
    pub next_version: u32,
}

/// A published version: an immutable snapshot of a definition (its text byte for byte) and
/// type, under a number that is never reused.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionDoc {
    pub number: u32,
    pub definition: String,
    pub express: bool,
    pub description: Option<String>,
}

/// An alias: routes each new execution to one of one or two versions by weight (percent).
#[derive(Clone, Debug, PartialEq)]
pub struct AliasDoc {
    pub name: String,
    pub description: Option<String>,
    /// `(version number, weight)`, one or two entries whose weights add up to 100.
    pub routing: Vec<(u32, i64)>,
}

/// Equal documents: the same name, text, type, versions and aliases (the id is not content).
impl PartialEq for MachineDoc {
    fn eq(&self, other: &Self) -> bool {
        // Spelled out field by field, so that a new field cannot be left out unnoticed.
        let MachineDoc {
            id: _,
            name,
            definition,
            express,
            versions,
            aliases,
            next_version,
        } = self;
        (name, definition, express, versions, aliases, next_version)
            == (
                &other.name,
                &other.definition,
                &other.express,
                &other.versions,
                &other.aliases,
                &other.next_version,
            )
    }
}

impl MachineDoc {
    /// A machine without versions or aliases, with an id no other machine of this page has.
    pub fn new(name: String, definition: String, express: bool) -> Self {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        MachineDoc {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name,
            definition,
            express,
            versions: Vec::new(),
            aliases: Vec::new(),
            next_version: 1,
        }
    }

    /// The version with the highest number.
    pub fn latest_version(&self) -> Option<&VersionDoc> {
        self.versions.iter().max_by_key(|v| v.number)
    }

    /// The type the validator and the engine take.
    pub fn machine_type(&self) -> MachineType {
        machine_type(self.express)
    }
}

fn machine_type(express: bool) -> MachineType {
    if express {
        MachineType::Express
    } else {
        MachineType::Standard
    }
}

/// The saved form: `{ "version": 1, "machines": [{ "name", "definition" }], "input", "mocks",
/// "entry" }` (the format `stepwise export` reads). A definition, the input and the mocks are
/// written as JSON only when that JSON prints back to exactly the text typed; anything else
/// (other indentation, comments-free but hand-spaced text, a half-typed definition) is
/// written as the text itself, so a reload or a share link gives back every byte.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedWorkspace {
    pub version: u32,
    pub machines: Vec<SavedMachine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mocks: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The machine Start runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Executions imported from AWS: the texts they were imported from,
    /// `[{ "name": "history.json", "text": "…" }]` (`recorded::Recorded::to_saved`); absent
    /// when none is on show, or when they are over `recorded::MAX_KEPT_BYTES`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedMachine {
    pub name: String,
    pub definition: Value,
    /// `"EXPRESS"` or absent (Standard), so workspaces saved before machine types load unchanged.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub machine_type: Option<String>,
    /// Published versions, `[{ "number": 2, "definition": …, "type"?: "EXPRESS",
    /// "description"?: "…" }]` by ascending number, each definition written as a machine's is;
    /// absent when there are none (and in workspaces saved before versions). Read by hand
    /// rather than derived, which keeps the playground's wasm smaller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Value>,
    /// `[{ "name": "live", "description"?: "…", "routing": [{ "version": 2, "weight": 90 },
    /// { "version": 3, "weight": 10 }] }]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Value>,
    /// The number the next version takes, written only when it is not one above the highest
    /// listed (the latest versions were deleted).
    #[serde(
        rename = "nextVersion",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_version: Option<u32>,
}

/// Text of a saved value: strings are editor text, anything else is pretty JSON.
fn value_to_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// The value to save for editor text: its JSON when that prints back byte for byte (so saved
/// examples stay readable objects), the text as a string otherwise.
fn text_to_value(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(v) if !v.is_string() && value_to_text(&v) == text => v,
        _ => Value::String(text.to_string()),
    }
}

fn type_of(machine_type: Option<&str>) -> bool {
    machine_type == Some("EXPRESS")
}

fn type_name(express: bool) -> Option<String> {
    express.then(|| "EXPRESS".to_string())
}

/// The items of an optional saved list (`what` names it in the error).
fn saved_list<'a>(v: Option<&'a Value>, what: &str) -> Result<&'a [Value], String> {
    match v {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("{what} is not a list")),
    }
}

fn saved_number(o: &Value, key: &str, what: &str) -> Result<u64, String> {
    o.get(key)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("{what} has no whole number \"{key}\""))
}

fn saved_text(o: &Value, key: &str) -> Option<String> {
    o.get(key).and_then(Value::as_str).map(str::to_string)
}

/// A saved machine, its versions and aliases checked as the engine checks them (numbers,
/// definitions, names, routing), so that a hand-edited or hostile file is refused with the
/// engine's own message rather than half-loaded.
fn machine_from_saved(m: &SavedMachine) -> Result<MachineDoc, String> {
    let mut doc = MachineDoc::new(
        m.name.clone(),
        value_to_text(&m.definition),
        type_of(m.machine_type.as_deref()),
    );
    let what = format!("the versions of {}", m.name);
    for v in saved_list(m.versions.as_ref(), &what)? {
        let number = saved_number(v, "number", &what)?;
        let number =
            u32::try_from(number).map_err(|_| format!("{what}: {number} is no version number"))?;
        if doc.versions.last().is_some_and(|l| l.number >= number) {
            return Err(format!("{what} are not listed by ascending number"));
        }
        let definition = v.get("definition").map(value_to_text);
        doc.versions.push(VersionDoc {
            number,
            definition: definition.ok_or_else(|| format!("{what}: {number} has no definition"))?,
            express: type_of(v.get("type").and_then(Value::as_str)),
            description: saved_text(v, "description"),
        });
    }
    let what = format!("the aliases of {}", m.name);
    for a in saved_list(m.aliases.as_ref(), &what)? {
        let name = saved_text(a, "name").ok_or_else(|| format!("{what}: one has no name"))?;
        if doc.aliases.iter().any(|b| b.name == name) {
            return Err(format!("{what} list {name} twice"));
        }
        let mut routing = Vec::new();
        for r in saved_list(a.get("routing"), &what)? {
            let version = saved_number(r, "version", &what)?;
            let weight = r.get("weight").and_then(Value::as_i64);
            match (u32::try_from(version), weight) {
                (Ok(version), Some(weight)) => routing.push((version, weight)),
                _ => return Err(format!("{what}: {name} routes to no version with a weight")),
            }
        }
        doc.aliases.push(AliasDoc {
            name,
            description: saved_text(a, "description"),
            routing,
        });
    }
    doc.next_version = m.next_version.unwrap_or(0).max(following(&doc.versions));
    if !doc.versions.is_empty() || !doc.aliases.is_empty() {
        check_versions(&doc)?;
    }
    Ok(doc)
}

fn machine_to_saved(m: &MachineDoc) -> SavedMachine {
    let list = |items: Vec<Value>| (!items.is_empty()).then(|| Value::Array(items.into()));
    let optional = |o: &mut stepwise_json::Map, key: &str, v: &Option<String>| {
        if let Some(v) = v {
            o.insert(key.into(), Value::from(v.as_str()));
        }
    };
    let versions = m.versions.iter().map(|v| {
        let mut o = stepwise_json::Map::new();
        o.insert("number".into(), Value::from(v.number));
        o.insert("definition".into(), text_to_value(&v.definition));
        optional(&mut o, "type", &type_name(v.express));
        optional(&mut o, "description", &v.description);
        Value::Object(o)
    });
    let aliases = m.aliases.iter().map(|a| {
        let mut o = stepwise_json::Map::new();
        o.insert("name".into(), Value::from(a.name.as_str()));
        optional(&mut o, "description", &a.description);
        let routing = a.routing.iter().map(|&(version, weight)| {
            let mut r = stepwise_json::Map::new();
            r.insert("version".into(), Value::from(version));
            r.insert("weight".into(), Value::from(weight));
            Value::Object(r)
        });
        o.insert(
            "routing".into(),
            Value::Array(routing.collect::<Vec<_>>().into()),
        );
        Value::Object(o)
    });
    SavedMachine {
        name: m.name.clone(),
        definition: text_to_value(&m.definition),
        machine_type: type_name(m.express),
        versions: list(versions.collect()),
        aliases: list(aliases.collect()),
        next_version: (m.next_version > following(&m.versions)).then_some(m.next_version),
    }
}

/// One above the highest version listed (1 when there is none).
fn following(versions: &[VersionDoc]) -> u32 {
    versions
        .iter()
        .map(|v| v.number.saturating_add(1))
        .max()
        .unwrap_or(1)
}

/// Puts a machine's versions and aliases into a fresh engine: the first thing the engine
/// refuses, in words.
fn check_versions(m: &MachineDoc) -> Result<(), String> {
    engine_with_versions(m).map(drop)
}

/// A fresh engine holding a machine's versions and aliases (not the machine itself), to ask
/// it what AWS would answer about them; else the first thing it refused, in words.
fn engine_with_versions(m: &MachineDoc) -> Result<Engine, String> {
    let mut engine = Engine::new(EngineConfig::default());
    match deploy_versions(&mut engine, m).into_iter().next() {
        None => Ok(engine),
        Some((what, err)) => Err(format!("{what}: {err}")),
    }
}

/// An alias' routing: `(version number, weight)` pairs.
pub type Routing = Vec<(u32, i64)>;

/// What was last deployed: the machines (with their versions and aliases) and the mock config.
type Deployed = (Vec<MachineDoc>, Option<Value>);

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Create or update every machine, put its versions and aliases in place, and set the
    /// mock config. Publishing a version or setting an alias is a document edit that reaches
    /// the engine through the next deploy (before a Start or a Redrive), so the timeline
    /// replays it.
    Deploy {
        machines: Vec<MachineDoc>,
        mocks: Option<Value>,
    },
    Start {
        machine: String,
        input: String,
    },
    /// `n` consecutive engine events.
    Step(usize),
    AdvanceToNextTimer,
    AdvanceBy(i64),
    SendSuccess {
        token: String,
        output: String,
    },
    SendFailure {
        token: String,
        error: String,
        cause: String,
    },
    SendHeartbeat {
        token: String,
    },
    Stop {
        execution_arn: String,
    },
    /// RedriveExecution of a FAILED, TIMED_OUT or ABORTED execution.
    Redrive {
        execution_arn: String,
    },
}

impl Command {
    fn ticks(&self) -> usize {
        match self {
            Command::Step(n) => *n,
            _ => 1,
        }
    }
}

impl Command {
    /// An answer given by hand (a token completed, a heartbeat, a stop, the clock moved), as
    /// opposed to what the engine does by itself.
    pub fn by_hand(&self) -> bool {
        matches!(
            self,
            Command::SendSuccess { .. }
                | Command::SendFailure { .. }
                | Command::SendHeartbeat { .. }
                | Command::Stop { .. }
                | Command::Redrive { .. }
                | Command::AdvanceBy(_)
        )
    }
}

/// A run the timeline left: acting from an earlier point starts a new branch, and the future
/// it would have overwritten is kept here, whole, to be put back (which replays it, answers
/// given by hand included).
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// The whole command log of that run, its shared past included.
    pub log: Vec<Command>,
    /// Ticks it shares with the run that replaced it.
    pub fork: usize,
    /// Ticks in all.
    pub ticks: usize,
    /// Answers given by hand after the fork.
    pub answers: usize,
}

impl Branch {
    fn new(log: Vec<Command>, fork: usize) -> Self {
        let ticks = log.iter().map(Command::ticks).sum();
        let mut start = 0;
        let mut answers = 0;
        for c in &log {
            if start >= fork && c.by_hand() {
                answers += 1;
            }
            start += c.ticks();
        }
        Branch {
            log,
            fork,
            ticks,
            answers,
        }
    }
}

/// At most this many branches are kept (the oldest goes first); each is only a command log.
pub const MAX_BRANCHES: usize = 50;

/// Ticks two command logs have in common from the start.
fn common_ticks(a: &[Command], b: &[Command]) -> usize {
    let mut ticks = 0;
    for (x, y) in a.iter().zip(b) {
        match (x, y) {
            (Command::Step(n), Command::Step(m)) => {
                ticks += n.min(m);
                if n != m {
                    break;
                }
            }
            _ if x == y => ticks += 1,
            _ => break,
        }
    }
    ticks
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameEnd {
    /// The budget ran out with work still due.
    Budget,
    /// Nothing more will happen without a token, a manual task or a new start.
    WaitingForOutside,
    /// Nothing is due now, but a timer is (when timers are not advanced automatically).
    WaitingForTimer,
    /// Every execution has finished.
    Finished,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    pub events: usize,
    pub end: FrameEnd,
}

pub struct Workspace {
    pub machines: Vec<MachineDoc>,
    pub input: String,
    pub mocks: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// The machine Start runs (by name; `None` or a missing name means the first machine).
    pub entry: Option<String>,
    engine: Engine,
    log: Vec<Command>,
    /// Ticks of the log applied to `engine` (less than the log's total after seeking back).
    cursor: usize,
    checkpoints: Vec<(usize, Engine)>,
    checkpoint_every: usize,
    deployed: Option<Deployed>,
    /// Runs left by acting from an earlier point of the timeline, oldest first.
    branches: Vec<Branch>,
    /// The engine at the end of the log while the cursor is earlier: the history still lists
    /// what comes later, and going back to the end needs no replay.
    head: Option<Engine>,
    /// Bumped on every change; the UI re-renders when it moves.
    pub revision: u64,
    /// Bumped only when what is saved (machines, input, mocks) changes.
    pub doc_revision: u64,
    /// Executions imported from AWS and their replay (`recorded.rs`); saved with the document
    /// (their texts, when within `recorded::MAX_KEPT_BYTES`; not the replay).
    pub recording: Option<Box<crate::recorded::Recorded>>,
    /// Why the recording saved with the document could not be imported again, for whoever
    /// loaded it to tell (the workspace opens without it rather than not at all).
    pub recording_problem: Option<String>,
}

impl Default for Workspace {
    fn default() -> Self {
        Self::new(Vec::new(), "{}".into(), String::new())
    }
}

/// The playground's engine keeps every state run's data-flow stages for the inspector.
pub fn engine_config() -> EngineConfig {
    EngineConfig {
        record_pipelines: true,
        ..EngineConfig::default()
    }
}

impl Workspace {
    pub fn new(machines: Vec<MachineDoc>, input: String, mocks: String) -> Self {
        let engine = Engine::new(engine_config());
        Workspace {
            machines,
            input,
            mocks,
            title: None,
            description: None,
            entry: None,
            checkpoints: vec![(0, engine.clone())],
            engine,
            log: Vec::new(),
            cursor: 0,
            checkpoint_every: CHECKPOINT_EVERY,
            deployed: None,
            branches: Vec::new(),
            head: None,
            revision: 0,
            doc_revision: 0,
            recording: None,
            recording_problem: None,
        }
    }

    // ----- the document -------------------------------------------------------------------

    pub fn from_json(text: &str) -> Result<Self, String> {
        let saved: SavedWorkspace =
            serde_json::from_str(text).map_err(|e| format!("not a Stepwise workspace: {e}"))?;
        if saved.version != WORKSPACE_VERSION {
            return Err(format!(
                "unsupported workspace version {} (this playground reads version {WORKSPACE_VERSION})",
                saved.version
            ));
        }
        let mut machines = Vec::with_capacity(saved.machines.len());
        for m in &saved.machines {
            machines.push(machine_from_saved(m)?);
        }
        let input = saved
            .input
            .as_ref()
            .map(value_to_text)
            .unwrap_or_else(|| "{}".into());
        let mocks = saved.mocks.as_ref().map(value_to_text).unwrap_or_default();
        let mut ws = Workspace::new(machines, input, mocks);
        ws.title = saved.title;
        ws.description = saved.description;
        ws.entry = saved.entry;
        if let Some(v) = &saved.recording {
            match crate::recorded::from_saved(v) {
                Ok(r) => ws.recording = Some(Box::new(r)),
                Err(e) => ws.recording_problem = Some(e),
            }
        }
        Ok(ws)
    }

    pub fn to_saved(&self) -> SavedWorkspace {
        self.to_saved_with(true)
    }

    /// The document, without its recording unless `recording` (storage keeps the recording
    /// under a key of its own, and a full store may have no room for it). Without it, the
    /// recording's texts are not copied at all: autosave calls this on every keystroke.
    pub fn to_saved_with(&self, recording: bool) -> SavedWorkspace {
        SavedWorkspace {
            version: WORKSPACE_VERSION,
            machines: self.machines.iter().map(machine_to_saved).collect(),
            input: (!self.input.trim().is_empty()).then(|| text_to_value(&self.input)),
            mocks: (!self.mocks.trim().is_empty()).then(|| text_to_value(&self.mocks)),
            title: self.title.clone(),
            description: self.description.clone(),
            entry: self.entry.clone(),
            recording: (self.recording.as_ref())
                .filter(|r| recording && r.kept())
                .map(|r| r.to_saved()),
        }
    }

    pub fn to_json(&self) -> String {
        self.to_json_with(true)
    }

    /// The document, without its recording unless `recording`.
    pub fn to_json_with(&self, recording: bool) -> String {
        serde_json::to_string_pretty(&self.to_saved_with(recording)).unwrap_or_default()
    }

    /// Replaces machines, input and mocks with another workspace's, and resets the run.
    pub fn load(&mut self, other: Workspace) {
        self.machines = other.machines;
        self.input = other.input;
        self.mocks = other.mocks;
        self.title = other.title;
        self.description = other.description;
        self.entry = other.entry;
        self.recording = other.recording;
        self.reset();
        self.doc_changed();
    }

    fn doc_changed(&mut self) {
        self.doc_revision += 1;
        self.revision += 1;
    }

    fn unique_name(&self, base: &str) -> String {
        let base = if base.trim().is_empty() {
            "Machine"
        } else {
            base.trim()
        };
        if !self.machines.iter().any(|m| m.name == base) {
            return base.to_string();
        }
        (2..)
            .map(|i| format!("{base}{i}"))
            .find(|n| !self.machines.iter().any(|m| &m.name == n))
            .unwrap_or_default()
    }

    /// Adds a new machine with a one-state definition; returns its index.
    pub fn add_machine(&mut self) -> usize {
        let name = self.unique_name("Machine");
        let definition = "{\n  \"Comment\": \"A new state machine\",\n  \"StartAt\": \"Hello\",\n  \"States\": {\n    \"Hello\": {\n      \"Type\": \"Pass\",\n      \"End\": true\n    }\n  }\n}".to_string();
        self.machines.push(MachineDoc::new(name, definition, false));
        self.doc_changed();
        self.machines.len() - 1
    }

    pub fn duplicate_machine(&mut self, index: usize) -> Option<usize> {
        let m = self.machines.get(index)?.clone();
        let name = self.unique_name(&format!("{}Copy", m.name));
        // A copy is a new machine: it has no versions or aliases of its own yet.
        self.machines
            .insert(index + 1, MachineDoc::new(name, m.definition, m.express));
        self.doc_changed();
        Some(index + 1)
    }

    pub fn delete_machine(&mut self, index: usize) -> bool {
        if index >= self.machines.len() {
            return false;
        }
        self.machines.remove(index);
        self.doc_changed();
        true
    }

    /// Renames a machine. Names follow AWS's rules for state machine names (1–80 characters,
    /// letters, digits, `-` and `_`) so that the ARN other machines use to call it is valid.
    pub fn rename_machine(&mut self, index: usize, name: &str) -> Result<(), String> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err("a state machine name has 1 to 80 characters".into());
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!(
                "{c:?} is not allowed in a state machine name (use letters, digits, - and _)"
            ));
        }
        if self
            .machines
            .iter()
            .enumerate()
            .any(|(i, m)| i != index && m.name == name)
        {
            return Err(format!("there is already a machine named {name}"));
        }
        let m = self.machines.get_mut(index).ok_or("no such machine")?;
        if m.name != name {
            if self.entry.as_deref() == Some(m.name.as_str()) {
                self.entry = Some(name.to_string());
            }
            m.name = name.to_string();
            self.doc_changed();
        }
        Ok(())
    }

    /// What Start runs: the chosen entry machine if it still exists, else the first one.
    pub fn entry_machine(&self) -> Option<String> {
        self.entry
            .clone()
            .filter(|n| self.machine_index(n).is_some())
            .or_else(|| self.machines.first().map(|m| m.name.clone()))
    }

    pub fn set_entry(&mut self, name: &str) {
        if self.entry.as_deref() != Some(name) && self.machine_index(name).is_some() {
            self.entry = Some(name.to_string());
            self.doc_changed();
        }
    }

    pub fn set_definition(&mut self, index: usize, text: String) {
        if let Some(m) = self.machines.get_mut(index) {
            if m.definition != text {
                m.definition = text;
                self.doc_changed();
            }
        }
    }

    /// Standard or Express (AWS fixes the type at creation; the next Start replaces a deployed
    /// machine whose type changed). A document edit like any other: saved and shared.
    pub fn set_express(&mut self, index: usize, express: bool) {
        if let Some(m) = self.machines.get_mut(index) {
            if m.express != express {
                m.express = express;
                self.doc_changed();
            }
        }
    }

    pub fn set_input(&mut self, text: String) {
        if self.input != text {
            self.input = text;
            self.doc_changed();
        }
    }

    pub fn set_mocks(&mut self, text: String) {
        if self.mocks != text {
            self.mocks = text;
            self.doc_changed();
        }
    }

    pub fn machine_index(&self, name: &str) -> Option<usize> {
        self.machines.iter().position(|m| m.name == name)
    }

    /// [`Workspace::machine_index`] for what acts on a machine by name: no such machine is an
    /// error fit to show.
    fn existing_machine(&self, name: &str) -> Result<usize, String> {
        self.machine_index(name)
            .ok_or_else(|| format!("there is no machine named {name}"))
    }

    // ----- the run ------------------------------------------------------------------------

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Ticks applied now, and ticks in the whole log (more after seeking back).
    pub fn position(&self) -> (usize, usize) {
        (self.cursor, self.total_ticks())
    }

    pub fn total_ticks(&self) -> usize {
        self.log.iter().map(Command::ticks).sum()
    }

    pub fn log(&self) -> &[Command] {
        &self.log
    }

    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Forgets every execution and the command log.
    pub fn reset(&mut self) {
        self.engine = Engine::new(engine_config());
        self.checkpoints = vec![(0, self.engine.clone())];
        self.checkpoint_every = CHECKPOINT_EVERY;
        self.log.clear();
        self.cursor = 0;
        self.deployed = None;
        self.branches.clear();
        self.head = None;
        self.revision += 1;
    }

    /// The engine at the end of the timeline (the same as `engine()` unless the cursor is
    /// earlier).
    pub fn head(&self) -> &Engine {
        self.head.as_ref().unwrap_or(&self.engine)
    }

    pub fn branches(&self) -> &[Branch] {
        &self.branches
    }

    /// Puts branch `index` back as the run on the timeline, replayed to its end; the run it
    /// replaces becomes a branch in turn, so switching never loses either.
    pub fn restore_branch(&mut self, index: usize) -> Result<(), String> {
        if index >= self.branches.len() {
            return Err("there is no such branch".into());
        }
        let branch = self.branches.remove(index);
        self.head = None;
        let shared = common_ticks(&self.log, &branch.log);
        let current = std::mem::replace(&mut self.log, branch.log);
        if current.iter().map(Command::ticks).sum::<usize>() > shared {
            self.branches.push(Branch::new(current, shared));
        }
        // Checkpoints up to the shared ticks hold for both runs; replay the rest.
        self.checkpoints.retain(|(t, _)| *t <= shared);
        let (tick, engine) = self
            .checkpoints
            .last()
            .cloned()
            .unwrap_or_else(|| (0, Engine::new(engine_config())));
        self.engine = engine;
        self.cursor = tick;
        self.replay_to(self.total_ticks());
        self.deployed = last_deploy(&self.log);
        self.revision += 1;
        Ok(())
    }

    /// Applies the log from the cursor up to `tick`, keeping checkpoints on the way.
    fn replay_to(&mut self, tick: usize) {
        let mut start = 0;
        let log = std::mem::take(&mut self.log);
        for cmd in &log {
            let w = cmd.ticks();
            let (from, to) = (start.max(self.cursor), (start + w).min(tick));
            if from < to {
                match cmd {
                    Command::Step(_) => {
                        for _ in from..to {
                            self.engine.step();
                            self.cursor += 1;
                            self.maybe_checkpoint();
                        }
                    }
                    other => {
                        let _ = apply(&mut self.engine, other);
                        self.cursor += 1;
                        self.maybe_checkpoint();
                    }
                }
            }
            start += w;
            if start >= tick {
                break;
            }
        }
        self.log = log;
    }

    fn mocks_value(&self) -> Result<Option<Value>, String> {
        if self.mocks.trim().is_empty() {
            return Ok(None);
        }
        serde_json::from_str(&self.mocks)
            .map(Some)
            .map_err(|e| format!("mocks are not valid JSON: {e}"))
    }

    /// Starts an execution of machine `machine` with the current input, deploying the current
    /// definitions and mocks first. Returns the new execution.
    pub fn start(&mut self, machine: &str) -> Result<ExecutionId, String> {
        self.existing_machine(machine)?;
        let input = if self.input.trim().is_empty() {
            "{}".to_string()
        } else {
            self.input.clone()
        };
        serde_json::from_str::<Value>(&input)
            .map_err(|e| format!("the input is not valid JSON: {e}"))?;
        self.ensure_deployed(Some(machine))?;
        self.push(Command::Start {
            machine: machine.to_string(),
            input,
        })?;
        self.engine
            .executions()
            .last()
            .map(|e| e.id)
            .ok_or_else(|| "the execution did not start".to_string())
    }

    /// Publishes the machine's current definition as a version; answers its number. As on AWS,
    /// publishing what the latest version already holds answers that version. A document edit:
    /// saved and shared, and deployed with the next Start or Redrive.
    pub fn publish(&mut self, machine: &str, description: Option<&str>) -> Result<u32, String> {
        let index = self.existing_machine(machine)?;
        let m = &self.machines[index];
        if let Some(v) = m.latest_version() {
            if v.definition == m.definition && v.express == m.express {
                return Ok(v.number);
            }
        }
        let number = m.next_version.max(following(&m.versions));
        let mut candidate = m.clone();
        candidate.next_version = number.saturating_add(1);
        candidate.versions.push(VersionDoc {
            number,
            definition: m.definition.clone(),
            express: m.express,
            description: description
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string),
        });
        check_versions(&candidate)?;
        self.machines[index] = candidate;
        self.doc_changed();
        Ok(number)
    }

    /// Creates alias `alias` of `machine` routing to one or two versions by weight, or points
    /// the existing alias there. Refused with the engine's message (a bad name, weights not
    /// adding up to 100, an unknown version, ...).
    pub fn set_alias(
        &mut self,
        machine: &str,
        alias: &str,
        routing: &[(u32, i64)],
    ) -> Result<(), String> {
        let index = self.existing_machine(machine)?;
        let mut candidate = self.machines[index].clone();
        match candidate.aliases.iter_mut().find(|a| a.name == alias) {
            Some(a) if a.routing == routing => return Ok(()),
            Some(a) => a.routing = routing.to_vec(),
            None => candidate.aliases.push(AliasDoc {
                name: alias.to_string(),
                description: None,
                routing: routing.to_vec(),
            }),
        }
        check_versions(&candidate)?;
        self.machines[index] = candidate;
        self.doc_changed();
        Ok(())
    }

    /// DeleteStateMachineVersion of version `number`, answered by the engine as AWS answers: a
    /// version an alias routes to is refused with its ConflictException. Its number is not
    /// given again.
    pub fn delete_version(&mut self, machine: &str, number: u32) -> Result<(), String> {
        let index = self.existing_machine(machine)?;
        let mut engine = engine_with_versions(&self.machines[index])?;
        engine
            .delete_state_machine_version(&format!("{}:{number}", machine_arn(machine)))
            .map_err(|e| e.to_string())?;
        let m = &mut self.machines[index];
        m.next_version = m.next_version.max(following(&m.versions));
        m.versions.retain(|v| v.number != number);
        self.doc_changed();
        Ok(())
    }

    /// DeleteStateMachineAlias, answered by the engine; the versions it routed to stay.
    pub fn delete_alias(&mut self, machine: &str, alias: &str) -> Result<(), String> {
        let index = self.existing_machine(machine)?;
        let mut engine = engine_with_versions(&self.machines[index])?;
        engine
            .delete_state_machine_alias(&format!("{}:{alias}", machine_arn(machine)))
            .map_err(|e| e.to_string())?;
        self.machines[index].aliases.retain(|a| a.name != alias);
        self.doc_changed();
        Ok(())
    }

    /// The published versions of a machine (numbers, newest first) and its aliases
    /// (name, routing as version numbers and weights).
    pub fn versions_of(&self, machine: &str) -> (Vec<u32>, Vec<(String, Routing)>) {
        let Some(m) = self.machine_index(machine).map(|i| &self.machines[i]) else {
            return (Vec::new(), Vec::new());
        };
        let versions = m.versions.iter().rev().map(|v| v.number).collect();
        let aliases = m
            .aliases
            .iter()
            .map(|a| (a.name.clone(), a.routing.clone()))
            .collect();
        (versions, aliases)
    }

    /// Deploys the current definitions, versions, aliases and mocks when they changed since
    /// the last deploy. `machine`, when given, is the one about to start, which must be valid.
    fn ensure_deployed(&mut self, machine: Option<&str>) -> Result<(), String> {
        let machines = self.machines.clone();
        let mocks = self.mocks_value()?;
        let wanted = (machines.clone(), mocks.clone());
        if self.deployed.as_ref() != Some(&wanted) {
            // Without JSONata's evaluator a machine that uses it would be left out of the
            // deployment, and the next one would not retry it.
            crate::jsonata::check_loaded(machines.iter().flat_map(|m| {
                std::iter::once(m.definition.as_str())
                    .chain(m.versions.iter().map(|v| v.definition.as_str()))
            }))?;
            // Only the machine being started must be valid; a broken sibling is reported when
            // (and if) something calls it.
            let mut scratch = self.engine.clone();
            let errors = deploy(&mut scratch, &machines, mocks.as_ref());
            if let Some((_, err)) = errors
                .iter()
                .find(|(name, _)| Some(name.as_str()) == machine)
            {
                let machine = machine.unwrap_or_default();
                return Err(format!("{machine} cannot be deployed: {err}"));
            }
            if let Some((_, err)) = errors.iter().find(|(name, _)| name == "⟨mocks⟩") {
                return Err(err.clone());
            }
            self.push(Command::Deploy { machines, mocks })?;
            self.deployed = Some(wanted);
        }
        Ok(())
    }

    /// One engine event; `Ok(false)` when nothing is due now.
    pub fn step(&mut self) -> Result<bool, String> {
        match self.engine.step() {
            Some(_) => {
                // Only an actual move branches the timeline (the engine is the same either way).
                self.truncate_future();
                self.record_step();
                self.revision += 1;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Up to `budget` events; with `advance_timers`, waits on timers are skipped by moving the
    /// virtual clock (as "Run to end" does).
    pub fn run_frame(&mut self, budget: usize, advance_timers: bool) -> Frame {
        let mut events = 0;
        let end = loop {
            if events >= budget {
                break FrameEnd::Budget;
            }
            if self.engine.step().is_some() {
                self.truncate_future();
                self.record_step();
                events += 1;
                continue;
            }
            if self.engine.next_timer().is_some() {
                // With a task token outstanding, the next timer may be its heartbeat or timeout:
                // jumping to it would fail the task nobody had a chance to answer.
                let waiting_outside = !outside_tasks(&self.engine).is_empty();
                if advance_timers && !waiting_outside {
                    self.truncate_future();
                    let _ = self.apply_new(Command::AdvanceToNextTimer);
                    continue;
                }
                break if !waiting_outside {
                    FrameEnd::WaitingForTimer
                } else {
                    FrameEnd::WaitingForOutside
                };
            }
            let running = self
                .engine
                .executions()
                .iter()
                .any(|e| e.status.as_str() == "RUNNING");
            break if running {
                FrameEnd::WaitingForOutside
            } else {
                FrameEnd::Finished
            };
        };
        if events > 0 {
            self.revision += 1;
        }
        Frame { events, end }
    }

    pub fn advance_to_next_timer(&mut self) -> Result<bool, String> {
        if self.engine.next_timer().is_none() {
            return Ok(false);
        }
        self.push(Command::AdvanceToNextTimer)?;
        Ok(true)
    }

    pub fn advance_by(&mut self, millis: i64) -> Result<(), String> {
        if millis <= 0 {
            return Err("advance the clock by a positive duration".into());
        }
        self.push(Command::AdvanceBy(millis))
    }

    pub fn send_success(&mut self, token: &str, output: &str) -> Result<(), String> {
        serde_json::from_str::<Value>(output)
            .map_err(|e| format!("the output is not valid JSON: {e}"))?;
        self.push(Command::SendSuccess {
            token: token.into(),
            output: output.into(),
        })
    }

    pub fn send_failure(&mut self, token: &str, error: &str, cause: &str) -> Result<(), String> {
        self.push(Command::SendFailure {
            token: token.into(),
            error: error.into(),
            cause: cause.into(),
        })
    }

    pub fn send_heartbeat(&mut self, token: &str) -> Result<(), String> {
        self.push(Command::SendHeartbeat {
            token: token.into(),
        })
    }

    /// RedriveExecution: the execution resumes where it stopped. The document is deployed
    /// first, as before a Start, so that a version published or an alias moved since the
    /// failure is what the redriven Task starts (on AWS those take effect at once). Refused,
    /// with the engine's reason, when the execution cannot be redriven.
    pub fn redrive(&mut self, execution: ExecutionId) -> Result<(), String> {
        let (redrivable, reason) = self.redrive_status(execution);
        if !redrivable {
            return Err(reason);
        }
        let execution_arn = self.engine.execution(execution).arn.clone();
        self.ensure_deployed(None)?;
        self.push(Command::Redrive { execution_arn })
    }

    /// Whether an execution can be redriven now, and if not the engine's reason
    /// (DescribeExecution's `redriveStatusReason`).
    pub fn redrive_status(&self, execution: ExecutionId) -> (bool, String) {
        // A recorded execution (or its local replay) is shown, not run, by this engine.
        if !self.engine.executions().iter().any(|e| e.id == execution) {
            return (
                false,
                "Only an execution run in this workspace can be redriven here".into(),
            );
        }
        let (status, reason) = self.engine.redrive_status(execution);
        (
            status == stepwise_engine::RedriveStatus::Redrivable,
            reason.unwrap_or_default(),
        )
    }

    /// The timeline positions right after each redrive of the log (where the ExecutionRedriven
    /// event is the latest), with the ARN of the execution redriven.
    pub fn redrive_ticks(&self) -> Vec<(usize, &str)> {
        let mut tick = 0;
        let mut marks = Vec::new();
        for c in &self.log {
            tick += c.ticks();
            if let Command::Redrive { execution_arn } = c {
                marks.push((tick, execution_arn.as_str()));
            }
        }
        marks
    }

    pub fn stop(&mut self, execution_arn: &str) -> Result<(), String> {
        self.push(Command::Stop {
            execution_arn: execution_arn.into(),
        })
    }

    /// Tasks waiting for the outside world: callbacks and unmocked tasks. A nested
    /// `startExecution.sync` task also holds a token inside the engine, but it waits for its
    /// child execution, not for the user, so it is left out.
    pub fn pending_tasks(&self) -> Vec<PendingTask> {
        outside_tasks(&self.engine)
    }

    /// Rebuilds the engine as it was after `tick` ticks of the log.
    pub fn seek(&mut self, tick: usize) {
        let total = self.total_ticks();
        let tick = tick.min(total);
        if tick == self.cursor {
            return;
        }
        let engine = match self.head.take() {
            Some(head) if tick == total => head,
            head => {
                self.head = head;
                self.engine_at(tick)
            }
        };
        let left = std::mem::replace(&mut self.engine, engine);
        if self.cursor == total {
            self.head = Some(left);
        }
        self.cursor = tick;
        self.revision += 1;
    }

    /// The engine as it was after `tick` ticks of the log, rebuilt from the nearest checkpoint.
    fn engine_at(&self, tick: usize) -> Engine {
        let (cp_tick, mut engine) = self
            .checkpoints
            .iter()
            .rev()
            .find(|(t, _)| *t <= tick)
            .map(|(t, e)| (*t, e.clone()))
            .unwrap_or_else(|| (0, Engine::new(engine_config())));
        let mut start = 0;
        for cmd in &self.log {
            let w = cmd.ticks();
            let (from, to) = (start.max(cp_tick), (start + w).min(tick));
            if from < to {
                match cmd {
                    Command::Step(_) => {
                        for _ in from..to {
                            engine.step();
                        }
                    }
                    other => {
                        let _ = apply(&mut engine, other);
                    }
                }
            }
            start += w;
            if start >= tick {
                break;
            }
        }
        engine
    }

    /// The tick at which event `event_id` of `execution` was written (the timeline position
    /// that shows it as the latest event), if it exists at the cursor. Events only ever get
    /// appended, so a binary search over replays finds it.
    pub fn tick_of_event(&self, execution: ExecutionId, event_id: u64) -> Option<usize> {
        let has = |e: &Engine| {
            e.executions()
                .get(execution.0 as usize)
                .is_some_and(|x| x.id == execution && x.history.iter().any(|h| h.id == event_id))
        };
        if !has(self.head()) {
            return None;
        }
        let (mut lo, mut hi) = (0, self.total_ticks());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if has(&self.engine_at(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo)
    }

    /// A new command after seeking back starts a new branch: the rest of the log is kept in
    /// `branches` and dropped from the run.
    fn truncate_future(&mut self) {
        if self.cursor == self.total_ticks() {
            return;
        }
        // The end of the log moves to the branch.
        self.head = None;
        self.branches
            .push(Branch::new(self.log.clone(), self.cursor));
        if self.branches.len() > MAX_BRANCHES {
            self.branches.remove(0);
        }
        let mut kept = Vec::new();
        let mut start = 0;
        for cmd in self.log.drain(..) {
            let w = cmd.ticks();
            if start + w <= self.cursor {
                kept.push(cmd);
            } else if start < self.cursor {
                if let Command::Step(_) = cmd {
                    kept.push(Command::Step(self.cursor - start));
                }
            }
            start += w;
        }
        self.log = kept;
        let cursor = self.cursor;
        self.checkpoints.retain(|(t, _)| *t <= cursor);
        // The deployed definitions may have been applied after the cursor.
        self.deployed = last_deploy(&self.log);
    }

    fn push(&mut self, cmd: Command) -> Result<(), String> {
        self.truncate_future();
        self.apply_new(cmd)?;
        self.revision += 1;
        Ok(())
    }

    fn apply_new(&mut self, cmd: Command) -> Result<(), String> {
        apply(&mut self.engine, &cmd)?;
        self.log.push(cmd);
        self.cursor += 1;
        self.maybe_checkpoint();
        Ok(())
    }

    fn record_step(&mut self) {
        match self.log.last_mut() {
            Some(Command::Step(n)) => *n += 1,
            _ => self.log.push(Command::Step(1)),
        }
        self.cursor += 1;
        self.maybe_checkpoint();
    }

    fn maybe_checkpoint(&mut self) {
        let last = self.checkpoints.last().map_or(0, |(t, _)| *t);
        if self.cursor >= last + self.checkpoint_every {
            self.checkpoints.push((self.cursor, self.engine.clone()));
            if self.checkpoints.len() > MAX_CHECKPOINTS {
                // Keep tick 0 and every other later checkpoint; space them twice as far.
                let mut i = 0;
                self.checkpoints.retain(|_| {
                    i += 1;
                    i == 1 || i % 2 == 0
                });
                self.checkpoint_every *= 2;
            }
        }
    }
}

fn last_deploy(log: &[Command]) -> Option<Deployed> {
    log.iter().rev().find_map(|c| match c {
        Command::Deploy { machines, mocks } => Some((machines.clone(), mocks.clone())),
        _ => None,
    })
}

pub fn outside_tasks(engine: &Engine) -> Vec<PendingTask> {
    let mut tasks = engine.pending_tasks();
    tasks.retain(|t| t.kind != stepwise_engine::PendingKind::ChildExecution);
    tasks
}

/// Creates or updates every machine and puts its versions and aliases in place; returns what
/// failed (a machine's name, `Name:3` for a version, `Name:alias`, or `⟨mocks⟩`).
fn deploy(
    engine: &mut Engine,
    machines: &[MachineDoc],
    mocks: Option<&Value>,
) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    for m in machines {
        let (name, text, express) = (&m.name, &m.definition, &m.express);
        let arn = machine_arn(name);
        let ty = machine_type(*express);
        // Read from the machine itself: DescribeStateMachine would write a whole answer (and
        // its code would weigh on the playground's wasm) for one field.
        let same_type = engine.machine(&arn).map(|d| d.machine_type == ty);
        let result = match same_type {
            Some(true) => engine.update_state_machine(&arn, text),
            // AWS cannot change a machine's type in place; the playground replaces it.
            Some(false) => engine
                .delete_state_machine(&arn)
                .and_then(|_| engine.create_state_machine_of_type(name, text, ty))
                .map(|_| ()),
            None => engine
                .create_state_machine_of_type(name, text, ty)
                .map(|_| ()),
        };
        if let Err(e) = result {
            errors.push((name.clone(), e.to_string()));
        }
    }
    // After every machine: replacing one (a type change) forgets its versions and aliases.
    for m in machines {
        errors.extend(deploy_versions(engine, m));
    }
    // An empty config (not `{}`, which the engine refuses) clears earlier mocks.
    let empty = stepwise_json::json!({"StateMachines": {}, "MockedResponses": {}});
    if let Err(e) = engine.set_mock_config(mocks.unwrap_or(&empty)) {
        errors.push(("⟨mocks⟩".into(), format!("the mocks were refused: {e}")));
    }
    errors
}

/// Puts the document's versions and aliases of `m` into the engine: each version under its
/// number (unchanged ones are left alone), each alias created or pointed, and those the
/// document no longer has (deleted since the last deploy, where the engine's Delete calls
/// answered) pruned, so that the timeline replays a deletion where it happened. Returns what the engine refused. (A deleted
/// machine's stay in the engine until Reset, unused.)
fn deploy_versions(engine: &mut Engine, m: &MachineDoc) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    let arn = machine_arn(&m.name);
    for v in &m.versions {
        if let Err(e) = engine.restore_state_machine_version(
            &m.name,
            v.number,
            &v.definition,
            machine_type(v.express),
            v.description.as_deref(),
        ) {
            errors.push((format!("version {} of {}", v.number, m.name), e.to_string()));
        }
    }
    for a in &m.aliases {
        let routing: Vec<stepwise_engine::versions::Route> = a
            .routing
            .iter()
            .map(|&(n, weight)| stepwise_engine::versions::Route {
                version_arn: format!("{arn}:{n}"),
                weight,
            })
            .collect();
        if let Err(e) =
            engine.restore_state_machine_alias(&a.name, a.description.as_deref(), &routing)
        {
            errors.push((format!("alias {} of {}", a.name, m.name), e.to_string()));
        }
    }
    let kept = engine.prune_state_machine_versions(
        &m.name,
        |n| m.versions.iter().any(|v| v.number == n),
        |name| m.aliases.iter().any(|a| a.name == name),
    );
    errors.extend(
        kept.into_iter()
            .map(|v| (v, "an alias still routes to it".into())),
    );
    errors
}

fn apply(engine: &mut Engine, cmd: &Command) -> Result<(), String> {
    let e = |r: Result<(), stepwise_engine::ApiError>| r.map_err(|e| e.to_string());
    match cmd {
        Command::Deploy { machines, mocks } => {
            deploy(engine, machines, mocks.as_ref());
            Ok(())
        }
        Command::Start { machine, input } => engine
            .start_execution(&machine_arn(machine), None, Some(input))
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Command::Step(n) => {
            for _ in 0..*n {
                engine.step();
            }
            Ok(())
        }
        Command::AdvanceToNextTimer => {
            engine.advance_to_next_timer();
            Ok(())
        }
        Command::AdvanceBy(ms) => {
            engine.advance_clock(*ms);
            Ok(())
        }
        Command::SendSuccess { token, output } => e(engine.send_task_success(token, output)),
        Command::SendFailure {
            token,
            error,
            cause,
        } => e(engine.send_task_failure(
            token,
            (!error.is_empty()).then_some(error.as_str()),
            (!cause.is_empty()).then_some(cause.as_str()),
        )),
        Command::SendHeartbeat { token } => e(engine.send_task_heartbeat(token)),
        Command::Stop { execution_arn } => e(engine.stop_execution(execution_arn, None, None)),
        Command::Redrive { execution_arn } => {
            e(engine.redrive_execution(execution_arn, None).map(drop))
        }
    }
}

/// The number at the end of a version ARN (`…:stateMachine:Name:3` → 3).
pub fn version_number(arn: &str) -> u32 {
    arn.rsplit(':')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn example(file: &str) -> Workspace {
        Workspace::from_json(crate::examples::by_file(file).expect("example").json).expect("loads")
    }

    fn run_all(w: &mut Workspace) -> Frame {
        let mut last = w.run_frame(100_000, true);
        while last.end == FrameEnd::Budget {
            last = w.run_frame(100_000, true);
        }
        last
    }

    fn status(w: &Workspace, machine: &str) -> Vec<&'static str> {
        w.engine()
            .executions()
            .iter()
            .filter(|e| e.machine_name == machine)
            .map(|e| e.status.as_str())
            .collect()
    }

    fn child_run(w: &Workspace, nth: usize) -> Option<(Option<Value>, Option<String>)> {
        w.engine()
            .executions()
            .iter()
            .filter(|e| e.machine_name == "HelloWorld")
            .nth(nth)
            .map(|e| (e.output.clone(), e.origin.version_arn.clone()))
    }

    /// sync-start.json with the parent calling the child through alias `live` (under a fresh
    /// execution name each time, so that it can run more than once).
    fn through_alias() -> Workspace {
        let mut w = example("sync-start.json");
        let mut parent: Value = serde_json::from_str(&w.machines[0].definition).unwrap();
        let params = &mut parent["States"]["Start HelloWorld"]["Parameters"];
        params["StateMachineArn"] = format!("{}:live", machine_arn("HelloWorld")).into();
        if let Value::Object(o) = params {
            o.remove("Name");
        }
        w.set_definition(0, serde_json::to_string_pretty(&parent).unwrap());
        w
    }

    #[test]
    fn a_parent_runs_the_version_an_alias_points_at_and_replay_keeps_it() {
        let mut w = through_alias();
        let child = w.machines[1].definition.clone();
        assert_eq!(w.publish("HelloWorld", Some("first")), Ok(1));
        assert_eq!(
            w.publish("HelloWorld", None),
            Ok(1),
            "the same definition: the same version"
        );
        w.set_definition(1, child.replace("Hello world!", "Hello v2!"));
        assert_eq!(w.publish("HelloWorld", None), Ok(2));
        w.set_alias("HelloWorld", "live", &[(1, 100)]).unwrap();
        let err = w.set_alias("HelloWorld", "live", &[(9, 100)]).unwrap_err();
        assert!(err.contains("ResourceNotFound"), "{err}");
        let err = w.set_alias("HelloWorld", "12", &[(1, 100)]).unwrap_err();
        assert!(err.contains("ValidationException"), "{err}");
        let err = w
            .set_alias("HelloWorld", "live", &[(1, 50), (2, 40)])
            .unwrap_err();
        assert!(err.contains("add up to 100"), "{err}");
        let err = w
            .set_alias("HelloWorld", "live", &[(1, 50), (1, 50)])
            .unwrap_err();
        assert!(err.contains("different versions"), "{err}");
        let (versions, aliases) = w.versions_of("HelloWorld");
        assert_eq!(versions, [2, 1]);
        assert_eq!(aliases, [("live".to_string(), vec![(1, 100)])]);
        assert!(
            w.log().is_empty(),
            "publishing and aliasing are document edits, deployed by the next Start"
        );

        w.start("Parent").unwrap();
        run_all(&mut w);
        assert_eq!(status(&w, "Parent"), ["SUCCEEDED"]);
        let (output, version) = child_run(&w, 0).unwrap();
        assert_eq!(
            output.unwrap()["greeting"],
            stepwise_json::json!("Hello world!")
        );
        assert_eq!(version, Some(format!("{}:1", machine_arn("HelloWorld"))));
        // Seeking back and forth replays the deploy that put the versions in place.
        let (_, total) = w.position();
        w.seek(0);
        w.seek(total);
        assert_eq!(child_run(&w, 0).unwrap().1, version);

        // The alias moved: the next run takes version 2.
        w.set_alias("HelloWorld", "live", &[(2, 100)]).unwrap();
        w.start("Parent").unwrap();
        run_all(&mut w);
        let (output, version) = child_run(&w, 1).unwrap();
        assert_eq!(
            output.unwrap()["greeting"],
            stepwise_json::json!("Hello v2!")
        );
        assert_eq!(version, Some(format!("{}:2", machine_arn("HelloWorld"))));
    }

    #[test]
    fn versions_and_aliases_are_deleted_as_aws_deletes_them_and_numbers_are_not_reused() {
        let mut w = through_alias();
        let child = w.machines[1].definition.clone();
        w.publish("HelloWorld", None).unwrap();
        w.set_definition(1, child.replace("Hello world!", "Hello v2!"));
        assert_eq!(w.publish("HelloWorld", None), Ok(2));
        w.set_alias("HelloWorld", "live", &[(1, 100)]).unwrap();
        w.start("Parent").unwrap();
        run_all(&mut w);

        // The engine's answer, in AWS's words: a version an alias routes to stays.
        let err = w.delete_version("HelloWorld", 1).unwrap_err();
        let live = format!("{}:live", machine_arn("HelloWorld"));
        assert_eq!(
            err,
            format!("ConflictException: Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [{live}]")
        );
        let err = w.delete_alias("HelloWorld", "nope").unwrap_err();
        assert!(err.starts_with("ResourceNotFound"), "{err}");

        // The latest version goes; its number is not given again, after a reload either.
        w.delete_version("HelloWorld", 2).unwrap();
        assert_eq!(w.versions_of("HelloWorld").0, [1]);
        let saved = w.to_json();
        assert!(saved.contains("\"nextVersion\": 3"), "{saved}");
        let mut back = Workspace::from_json(&saved).unwrap();
        assert_eq!(back.machines, w.machines);
        assert_eq!(back.publish("HelloWorld", None), Ok(3));
        assert_eq!(w.publish("HelloWorld", None), Ok(3));
        assert!(
            !w.to_json().contains("nextVersion"),
            "3 is the highest again"
        );

        // A run deploys the deletions; after the alias is deleted, the parent cannot call it.
        w.delete_version("HelloWorld", 3).unwrap();
        w.start("Parent").unwrap();
        run_all(&mut w);
        assert_eq!(
            child_run(&w, 1).unwrap().1,
            Some(format!("{}:1", machine_arn("HelloWorld")))
        );
        let versions = |w: &Workspace| {
            w.engine()
                .state_machine_versions(&machine_arn("HelloWorld"))
                .iter()
                .map(|v| v.number)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            versions(&w),
            [1],
            "version 2, deployed by the first run, is gone"
        );
        w.delete_alias("HelloWorld", "live").unwrap();
        assert_eq!(w.versions_of("HelloWorld").1, []);
        w.delete_version("HelloWorld", 1).unwrap();
        w.start("Parent").unwrap();
        run_all(&mut w);
        assert_eq!(status(&w, "Parent"), ["SUCCEEDED", "SUCCEEDED", "FAILED"]);
        assert!(w.engine().state_machine_alias(&live).is_none());
        assert_eq!(versions(&w), Vec::<u32>::new());
        assert_eq!(w.publish("HelloWorld", None), Ok(4));
    }

    #[test]
    fn a_parent_redriven_after_the_alias_moved_runs_the_fixed_child_and_replays() {
        let mut w = through_alias();
        let broken = r#"{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Broken"}}}"#;
        w.set_definition(1, broken.into());
        w.publish("HelloWorld", None).unwrap();
        w.set_alias("HelloWorld", "live", &[(1, 100)]).unwrap();
        let parent = w.start("Parent").unwrap();
        run_all(&mut w);
        assert_eq!(status(&w, "Parent"), ["FAILED"]);
        assert_eq!(w.redrive_status(parent), (true, String::new()));

        // The fix is published and the alias moved; the redrive deploys it first.
        let fixed = r#"{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"greeting":"fixed"},"End":true}}}"#;
        w.set_definition(1, fixed.into());
        w.publish("HelloWorld", None).unwrap();
        w.set_alias("HelloWorld", "live", &[(2, 100)]).unwrap();
        w.redrive(parent).unwrap();
        run_all(&mut w);
        assert_eq!(status(&w, "Parent"), ["SUCCEEDED"]);
        assert_eq!(status(&w, "HelloWorld"), ["FAILED", "SUCCEEDED"]);
        assert_eq!(
            child_run(&w, 1).unwrap().1,
            Some(format!("{}:2", machine_arn("HelloWorld")))
        );
        assert_eq!(w.engine().execution(parent).redrive_count, 1);
        // The graph shows the Task the redrive got past as succeeded, not failed.
        let history = &w.engine().execution(parent).history;
        let statuses = crate::history::state_statuses(history, &[]);
        assert_eq!(
            statuses.get("Start HelloWorld"),
            Some(&crate::history::StateStatus::Succeeded)
        );
        let before = crate::history::state_statuses(&history[..7], &[]);
        assert_eq!(
            before.get("Start HelloWorld"),
            Some(&crate::history::StateStatus::Failed),
            "{:?}",
            history.iter().map(|h| h.event_type).collect::<Vec<_>>()
        );
        let (redriven, reason) = w.redrive_status(parent);
        assert!(!redriven && reason.contains("SUCCEEDED"), "{reason}");
        let err = w.redrive(parent).unwrap_err();
        assert!(err.contains("SUCCEEDED"), "{err}");
        // An id the engine does not hold (a recorded execution's) is refused, not a panic.
        let recorded = ExecutionId(crate::recorded::RECORDED_BASE);
        assert!(w
            .redrive(recorded)
            .unwrap_err()
            .contains("Only an execution run"));

        // The redrive is on the timeline: seeking before it undoes it, back replays it.
        let marks: Vec<usize> = w.redrive_ticks().iter().map(|(t, _)| *t).collect();
        assert_eq!(marks.len(), 1);
        let (_, total) = w.position();
        w.seek(marks[0] - 1);
        assert_eq!(w.engine().execution(parent).status.as_str(), "FAILED");
        w.seek(marks[0]);
        assert_eq!(w.engine().execution(parent).status.as_str(), "RUNNING");
        assert_eq!(w.engine().execution(parent).redrive_count, 1);
        w.seek(total);
        assert_eq!(status(&w, "Parent"), ["SUCCEEDED"]);
        // Acting before it branches; the redrive, an outside action, counts as given by hand.
        w.seek(marks[0] - 1);
        w.step().unwrap_or_default();
        w.advance_by(1000).unwrap();
        assert_eq!(w.branches().len(), 1);
        assert_eq!(w.branches()[0].answers, 1);
    }

    #[test]
    fn a_split_alias_runs_both_versions_reproducibly() {
        let mut w = through_alias();
        let child = w.machines[1].definition.clone();
        w.publish("HelloWorld", None).unwrap();
        w.set_definition(1, child.replace("Hello world!", "Hello v2!"));
        w.publish("HelloWorld", None).unwrap();
        w.set_alias("HelloWorld", "live", &[(1, 50), (2, 50)])
            .unwrap();
        let mut seen = Vec::new();
        for i in 0..12 {
            w.start("Parent").unwrap();
            run_all(&mut w);
            seen.push(crate::workspace::version_number(
                &child_run(&w, i).unwrap().1.unwrap(),
            ));
        }
        assert!(seen.contains(&1) && seen.contains(&2), "{seen:?}");
        // The same commands give the same choices.
        let (_, total) = w.position();
        w.seek(0);
        w.seek(total);
        let again: Vec<u32> = (0..12)
            .map(|i| crate::workspace::version_number(&child_run(&w, i).unwrap().1.unwrap()))
            .collect();
        assert_eq!(again, seen);
    }

    #[test]
    fn versions_and_aliases_are_saved_byte_for_byte_and_survive_reset_and_reload() {
        let mut w = through_alias();
        // Odd spacing: the version must come back as typed, not re-indented.
        let typed = "{\"StartAt\" :\"Hi\",\n\t\"States\":{\"Hi\":{\"Type\":\"Pass\",\"Result\":{\"greeting\":\"typed\"},\"End\":true}}}\n";
        w.set_definition(1, typed.into());
        w.publish("HelloWorld", Some("as typed")).unwrap();
        w.set_alias("HelloWorld", "live", &[(1, 100)]).unwrap();
        w.start("Parent").unwrap();
        run_all(&mut w);
        // Reset forgets executions, not versions: the next Start deploys them again.
        w.reset();
        assert_eq!(w.versions_of("HelloWorld").0, [1]);
        w.start("Parent").unwrap();
        run_all(&mut w);
        assert_eq!(status(&w, "Parent"), ["SUCCEEDED"]);

        // Edit the machine after publishing: the version keeps what was published.
        w.set_definition(1, "{ \"StartAt\": ".into());
        let text = w.to_json();
        let back = Workspace::from_json(&text).unwrap();
        assert_eq!(back.machines, w.machines);
        let v = &back.machines[1].versions[0];
        assert_eq!(v.definition, typed);
        assert_eq!(v.description.as_deref(), Some("as typed"));
        assert_eq!(
            back.to_json(),
            text,
            "saving again writes the same document"
        );
        // The reloaded workspace runs the parent through the alias although the child's own
        // text is half-typed.
        let mut back = back;
        back.start("Parent").unwrap();
        run_all(&mut back);
        assert_eq!(status(&back, "Parent"), ["SUCCEEDED"]);
        let out = back.engine().executions()[0].output.clone().unwrap();
        assert!(out.to_string().contains("typed"), "{out}");

        // A workspace saved before versions existed loads without any.
        let old = r#"{"version":1,"machines":[{"name":"A","definition":"{}"}]}"#;
        let old = Workspace::from_json(old).unwrap();
        assert!(old.machines[0].versions.is_empty() && old.machines[0].aliases.is_empty());
        assert!(!old.to_json().contains("versions"));
    }

    #[test]
    fn bad_saved_versions_and_aliases_are_refused_with_a_reason() {
        let def = r#"{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}"#;
        let ws = |versions: &str, aliases: &str| {
            format!(
                r#"{{"version":1,"machines":[{{"name":"C","definition":"{def}","versions":{versions},"aliases":{aliases}}}]}}"#
            )
        };
        let v1 = format!(r#"[{{"number":1,"definition":"{def}"}}]"#);
        assert!(Workspace::from_json(&ws(
            &v1,
            r#"[{"name":"live","routing":[{"version":1,"weight":100}]}]"#
        ))
        .is_ok());
        for (versions, aliases, why) in [
            (format!(r#"[{{"number":0,"definition":"{def}"}}]"#), "[]".to_string(), "ValidationException"),
            (format!(r#"[{{"number":-1,"definition":"{def}"}}]"#), "[]".to_string(), "no whole number"),
            (format!(r#"[{{"number":4294967296,"definition":"{def}"}}]"#), "[]".to_string(), "no version number"),
            (format!(r#"[{{"number":2,"definition":"{def}"}},{{"number":1,"definition":"{def}"}}]"#), "[]".to_string(), "ascending"),
            (r#"[{"number":1}]"#.to_string(), "[]".to_string(), "no definition"),
            (format!(r#"[{{"number":1,"definition":"{def}"}},{{"number":1,"definition":"{def}"}}]"#), "[]".to_string(), "ascending"),
            (r#"[{"number":1,"definition":"{ broken"}]"#.to_string(), "[]".to_string(), "InvalidDefinition"),
            (r#"[{"number":1,"definition":5}]"#.to_string(), "[]".to_string(), "InvalidDefinition"),
            (format!(r#"[{{"number":1,"definition":"{def}","description":"{}"}}]"#, "d".repeat(300)), "[]".to_string(), "ValidationException"),
            ("\"x\"".to_string(), "[]".to_string(), "not a list"),
            (v1.clone(), r#"[{"name":"live","routing":[{"version":2,"weight":100}]}]"#.to_string(), "ResourceNotFound"),
            (v1.clone(), r#"[{"name":"live","routing":[{"version":1,"weight":90}]}]"#.to_string(), "add up to 100"),
            (v1.clone(), r#"[{"name":"live","routing":[]}]"#.to_string(), "one or two"),
            (v1.clone(), r#"[{"name":"<b>","routing":[{"version":1,"weight":100}]}]"#.to_string(), "ValidationException"),
            (v1.clone(), r#"[{"name":"a","routing":[{"version":1,"weight":100}]},{"name":"a","routing":[{"version":1,"weight":100}]}]"#.to_string(), "twice"),
            (v1.clone(), r#"{"live":1}"#.to_string(), "not a list"),
            (v1.clone(), r#"[{"routing":[]}]"#.to_string(), "no name"),
            (v1.clone(), r#"[{"name":"a","routing":[{"version":1}]}]"#.to_string(), "no version with a weight"),
        ] {
            let err = Workspace::from_json(&ws(&versions, &aliases))
                .err()
                .unwrap_or_else(|| panic!("accepted {versions} {aliases}"));
            assert!(err.contains(why), "{versions} {aliases}: {err}");
        }
    }

    #[test]
    fn saved_form_round_trips_and_keeps_broken_text() {
        let mut w = example("sync-start.json");
        w.set_definition(1, "{ \"StartAt\": ".into());
        let back = Workspace::from_json(&w.to_json()).unwrap();
        assert_eq!(back.machines, w.machines);
        assert_eq!(back.input, w.input);
        assert!(Workspace::from_json("{\"version\":2,\"machines\":[]}")
            .err()
            .unwrap()
            .contains("version 2"));
        assert!(Workspace::from_json("[]").is_err());
    }

    #[test]
    fn saved_text_comes_back_byte_for_byte() {
        let mut w = example("sync-start.json");
        let typed = "{\n\t\"StartAt\" : \"A\",\r\n  \"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}   }\n";
        w.set_definition(0, typed.into());
        w.set_input("\"just a string\"".into());
        w.set_mocks("  {}".into());
        let back = Workspace::from_json(&w.to_json()).unwrap();
        assert_eq!(back.machines[0].definition, typed);
        assert_eq!(back.input, "\"just a string\"");
        assert_eq!(back.mocks, "  {}");
        // Text that is exactly the pretty form is saved as JSON, so saved files stay readable.
        let pretty = serde_json::to_string_pretty(&stepwise_json::json!({"StartAt": "A"})).unwrap();
        w.set_definition(1, pretty.clone());
        assert!(w.to_saved().machines[1].definition.is_object());
        assert_eq!(
            Workspace::from_json(&w.to_json()).unwrap().machines[1].definition,
            pretty
        );
    }

    #[test]
    fn the_machine_type_is_saved_defaults_to_standard_and_runs_express_rules() {
        let old = r#"{"version":1,"machines":[{"name":"A","definition":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}]}"#;
        let mut w = Workspace::from_json(old).expect("old workspace loads");
        assert!(!w.machines[0].express);
        assert!(!w.to_json().contains("\"type\""));
        w.machines[0].express = true;
        let back = Workspace::from_json(&w.to_json()).expect("round trip");
        assert!(back.machines[0].express);
        let id = w.start("A").expect("an Express Pass machine starts");
        let arn = &w.engine().execution(id).arn;
        assert!(arn.contains(":express:"), "{arn}");
        w.machines[0].definition = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"f","Payload":{"t.$":"$$.Task.Token"}},"End":true}}}"#.into();
        let err = w.start("A").expect_err("Express refuses .waitForTaskToken");
        assert!(err.contains("A cannot be deployed"), "{err}");
    }

    #[test]
    fn switching_the_type_is_a_saved_edit_and_redeploys_on_the_next_start() {
        let mut w = Workspace::new(Vec::new(), "{}".into(), String::new());
        let i = w.add_machine();
        let standard = w.start("Machine").expect("a Standard Pass machine starts");
        assert!(w.engine().execution(standard).arn.contains(":execution:"));
        let before = w.doc_revision;
        w.set_express(i, false);
        assert_eq!(w.doc_revision, before, "the same type is no change");
        w.set_express(i, true);
        assert!(w.doc_revision > before, "a type change is a document edit");
        assert!(
            w.to_json().contains("\"type\": \"EXPRESS\""),
            "{}",
            w.to_json()
        );
        let express = w.start("Machine").expect("the Express machine starts");
        assert!(w.engine().execution(express).arn.contains(":express:"));
        w.set_express(i, false);
        assert!(!w.to_json().contains("\"type\""));
        let again = w.start("Machine").expect("back to Standard");
        assert!(w.engine().execution(again).arn.contains(":execution:"));
        w.set_express(7, true);
    }

    #[test]
    fn the_entry_machine_is_saved_and_follows_a_rename() {
        let mut w = example("sync-start.json");
        assert_eq!(w.entry_machine().as_deref(), Some("Parent"));
        w.set_entry("HelloWorld");
        w.set_entry("Nobody");
        assert_eq!(w.entry_machine().as_deref(), Some("HelloWorld"));
        w.rename_machine(1, "Hello2").unwrap();
        let back = Workspace::from_json(&w.to_json()).unwrap();
        assert_eq!(back.entry_machine().as_deref(), Some("Hello2"));
        w.delete_machine(1);
        assert_eq!(
            w.entry_machine().as_deref(),
            Some("Parent"),
            "a deleted entry falls back to the first machine"
        );
    }

    #[test]
    fn acting_from_the_past_branches_and_the_old_future_comes_back_with_its_answers() {
        let mut w = example("approval.json");
        let id = w.start("Approval").unwrap();
        run_all(&mut w);
        let token = w.pending_tasks()[0].token.clone();
        let before_answer = w.position().0;
        w.send_success(&token, "{\"approved\": false}").unwrap();
        run_all(&mut w);
        let rejected = w.engine().execution(id).clone();
        assert_eq!(rejected.error.as_deref(), Some("Rejected"));
        let (end, _) = w.position();

        // Back to before the answer, and answer differently: a new branch.
        w.seek(before_answer);
        assert!(w.branches().is_empty(), "seeking alone changes nothing");
        let token = w.pending_tasks()[0].token.clone();
        w.send_success(&token, "{\"approved\": true}").unwrap();
        run_all(&mut w);
        assert_eq!(w.engine().execution(id).status.as_str(), "SUCCEEDED");
        assert_eq!(w.branches().len(), 1);
        let b = &w.branches()[0];
        assert_eq!((b.fork, b.ticks, b.answers), (before_answer, end, 1));

        // Restoring it replays the old answer; the approved run becomes a branch in turn.
        w.restore_branch(0).unwrap();
        assert_eq!(w.position(), (end, end));
        assert_eq!(w.engine().execution(id).history, rejected.history);
        assert_eq!(w.branches().len(), 1);
        assert_eq!(w.branches()[0].fork, before_answer);
        w.restore_branch(0).unwrap();
        assert_eq!(w.engine().execution(id).status.as_str(), "SUCCEEDED");
        assert!(w.restore_branch(5).is_err());
    }

    #[test]
    fn machine_verbs_keep_names_unique_and_valid() {
        let mut w = Workspace::default();
        assert_eq!(w.add_machine(), 0);
        assert_eq!(w.add_machine(), 1);
        assert_eq!(w.machines[1].name, "Machine2");
        assert_eq!(w.duplicate_machine(0), Some(1));
        assert_eq!(w.machines[1].name, "MachineCopy");
        assert!(w.rename_machine(0, "Machine2").is_err());
        assert!(w.rename_machine(0, "has space").is_err());
        assert!(w.rename_machine(0, "").is_err());
        w.rename_machine(0, "Main").unwrap();
        assert!(w.delete_machine(2));
        assert_eq!(
            w.machines
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>(),
            ["Main", "MachineCopy"]
        );
        let before = w.doc_revision;
        w.set_definition(0, w.machines[0].definition.clone());
        assert_eq!(w.doc_revision, before, "an unchanged text is not a change");
    }

    #[test]
    fn a_machine_keeps_its_id_through_a_rename_and_a_new_one_never_reuses_it() {
        let mut w = Workspace::default();
        w.add_machine();
        w.add_machine();
        let ids: Vec<u64> = w.machines.iter().map(|m| m.id).collect();
        assert_ne!(ids[0], ids[1]);
        w.rename_machine(0, "Renamed").unwrap();
        assert_eq!(
            w.machines[0].id, ids[0],
            "a rename keeps the id (and the undo history)"
        );
        // Deleted, then a new machine under the very same name: a new id.
        w.rename_machine(1, "Same").unwrap();
        w.delete_machine(1);
        let i = w.add_machine();
        w.rename_machine(i, "Same").unwrap();
        assert!(
            !ids.contains(&w.machines[i].id),
            "a new machine has an id of its own"
        );
        let copy = w.duplicate_machine(0).unwrap();
        assert_ne!(w.machines[copy].id, ids[0], "a copy is a new machine");
        // The id is no part of the document: a reload gives equal machines with new ids.
        let back = Workspace::from_json(&w.to_json()).unwrap();
        assert_eq!(back.machines, w.machines);
        assert_ne!(back.machines[0].id, w.machines[0].id);
    }

    #[test]
    fn every_example_starts_and_settles() {
        for ex in crate::examples::EXAMPLES {
            let mut w = Workspace::from_json(ex.json).unwrap();
            let entry = w.machines[0].name.clone();
            w.start(&entry)
                .unwrap_or_else(|e| panic!("{}: {e}", ex.file));
            let end = run_all(&mut w);
            assert!(
                matches!(end.end, FrameEnd::Finished | FrameEnd::WaitingForOutside),
                "{}: {end:?}",
                ex.file
            );
            let root = &w.engine().executions()[0];
            assert!(
                root.error.as_deref() != Some("States.Runtime"),
                "{}: {:?}",
                ex.file,
                root.cause
            );
        }
    }

    #[test]
    fn wait_for_task_token_is_completed_by_hand() {
        let mut w = example("wait-for-task-token.json");
        let id = w.start("Parent").unwrap();
        assert_eq!(run_all(&mut w).end, FrameEnd::WaitingForOutside);
        assert_eq!(
            w.engine().children(id).len(),
            1,
            "the child execution exists"
        );
        let pending = w.pending_tasks();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].state_name, "Start HelloWorld");
        assert!(w.send_success(&pending[0].token, "not json").is_err());
        w.send_success(&pending[0].token, "{\"approved\": true}")
            .unwrap();
        assert_eq!(run_all(&mut w).end, FrameEnd::Finished);
        let parent = w.engine().execution(id);
        assert_eq!(parent.status.as_str(), "SUCCEEDED");
        assert_eq!(
            parent.output,
            Some(stepwise_json::json!({"approved": true}))
        );
    }

    #[test]
    fn catch_example_handles_the_child_failure() {
        let mut w = example("catch-child-failure.json");
        w.start("Orders").unwrap();
        run_all(&mut w);
        assert_eq!(status(&w, "Flaky"), ["FAILED"]);
        assert_eq!(status(&w, "Orders"), ["SUCCEEDED"]);
    }

    #[test]
    fn seeking_back_replays_exactly() {
        let mut w = example("map-fanout.json");
        w.start("FanOut").unwrap();
        run_all(&mut w);
        let (end, total) = w.position();
        assert_eq!(end, total);
        let history_at = |w: &Workspace| -> Vec<(u64, stepwise_engine::EventType)> {
            w.engine()
                .executions()
                .iter()
                .flat_map(|e| e.history.iter().map(|h| (h.id, h.event_type)))
                .collect()
        };
        let full = history_at(&w);
        let full_count = full.len();
        assert!(w.checkpoint_count() > 1, "a long run keeps checkpoints");
        for target in [0, 1, 2, 37, total / 2, total - 1] {
            w.seek(target);
            assert_eq!(w.position(), (target, total));
        }
        let head_events = |w: &Workspace| -> usize {
            w.head().executions().iter().map(|e| e.history.len()).sum()
        };
        assert_eq!(
            head_events(&w),
            full_count,
            "the end of the run stays in view while looking back"
        );
        w.seek(total);
        assert_eq!(
            history_at(&w),
            full,
            "seeking to the end rebuilds the same run"
        );
        // A new command after seeking back starts a new branch; the rest is kept aside.
        w.seek(10);
        w.step().unwrap();
        assert_eq!(w.position(), (11, 11));
        assert_eq!(w.branches().len(), 1);
        assert_eq!((w.branches()[0].fork, w.branches()[0].ticks), (10, total));
        run_all(&mut w);
        assert_eq!(
            history_at(&w).len(),
            full_count,
            "the same run, replayed live"
        );
    }

    #[test]
    fn an_event_is_found_at_the_tick_that_wrote_it() {
        let mut w = example("catch-child-failure.json");
        let id = w.start("Orders").unwrap();
        run_all(&mut w);
        let events: Vec<u64> = w
            .engine()
            .execution(id)
            .history
            .iter()
            .map(|h| h.id)
            .collect();
        let mut last = 0;
        for ev in events {
            let tick = w.tick_of_event(id, ev).expect("found");
            assert!(tick >= last, "ticks grow with event ids");
            last = tick;
            assert!(w
                .engine_at(tick)
                .execution(id)
                .history
                .iter()
                .any(|h| h.id == ev));
            if tick > 0 {
                assert!(!w
                    .engine_at(tick - 1)
                    .executions()
                    .get(id.0 as usize)
                    .is_some_and(|x| x.history.iter().any(|h| h.id == ev)));
            }
        }
        assert_eq!(w.tick_of_event(id, 10_000), None);
    }

    #[test]
    fn start_reports_bad_input_and_invalid_definitions() {
        let mut w = example("sync-start.json");
        w.set_input("{ nope".into());
        assert!(w.start("Parent").unwrap_err().contains("input"));
        w.set_input("{}".into());
        assert!(w.start("Nobody").is_err());
        w.set_definition(0, "{\"StartAt\": \"Missing\", \"States\": {}}".into());
        assert!(w.start("Parent").unwrap_err().contains("Parent"));
        w.set_mocks("{ broken".into());
        assert!(w.start("HelloWorld").unwrap_err().contains("mocks"));
    }

    #[test]
    fn a_run_does_not_skip_ahead_to_an_unanswered_tokens_timeout() {
        let mut w = example("approval.json");
        let id = w.start("Approval").unwrap();
        assert_eq!(run_all(&mut w).end, FrameEnd::WaitingForOutside);
        assert_eq!(w.engine().execution(id).status.as_str(), "RUNNING");
        let token = w.pending_tasks()[0].token.clone();
        w.send_success(&token, "{\"approved\": false}").unwrap();
        run_all(&mut w);
        assert_eq!(w.engine().execution(id).error.as_deref(), Some("Rejected"));
    }

    #[test]
    fn mocks_drive_a_retry_and_an_unmocked_task_waits_for_a_hand() {
        let mut w = example("mocked-lambda.json");
        let id = w.start("Orders").unwrap();
        assert_eq!(run_all(&mut w).end, FrameEnd::WaitingForOutside);
        let pending = w.pending_tasks();
        assert_eq!(pending.len(), 1, "{pending:?}");
        assert_eq!(pending[0].state_name, "Charge card");
        let io = crate::history::state_io(&w.engine().execution(id).history, "Check stock");
        assert_eq!(io.retries, 1, "the mocked failure was retried once");
        w.send_success(&pending[0].token, "{\"Payload\": {\"chargeId\": \"ch_1\"}}")
            .unwrap();
        assert_eq!(run_all(&mut w).end, FrameEnd::Finished);
        let out = w.engine().execution(id).output.clone().unwrap();
        assert_eq!(out["charge"]["chargeId"], "ch_1");
        assert_eq!(out["shipment"]["trackingId"], "TRK-o-7");
    }

    #[test]
    fn timers_wait_until_advanced() {
        let mut w = example("three-level-chain.json");
        w.start("Top").unwrap();
        let mut frame = w.run_frame(10_000, false);
        while frame.end == FrameEnd::Budget {
            frame = w.run_frame(10_000, false);
        }
        assert_eq!(frame.end, FrameEnd::WaitingForTimer);
        let t0 = w.engine().now_millis();
        assert!(w.advance_to_next_timer().unwrap());
        assert_eq!(w.engine().now_millis() - t0, 5_000);
        run_all(&mut w);
        assert_eq!(
            w.engine().executions()[0].output,
            Some(stepwise_json::json!({"path": "Top > Middle > Leaf"}))
        );
    }
}
