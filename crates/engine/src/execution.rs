//! An execution and its threads of control ("frames"): the root frame runs the machine's top
//! level; every Parallel branch and Map iteration runs in a frame of its own.
//!
//! A frame's `Phase` says what its next step will do. Every legal edge between phases is taken in
//! `run.rs`, one history event per step.

use crate::history::HistoryEvent;
use crate::integrations::start_execution::ParentLink;
use std::sync::Arc;
use stepwise_asl::model::{Definition, State, States, Transition};
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct ExecutionId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ExecutionStatus {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl ExecutionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Aborted => "ABORTED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "RUNNING" => ExecutionStatus::Running,
            "SUCCEEDED" => ExecutionStatus::Succeeded,
            "FAILED" => ExecutionStatus::Failed,
            "TIMED_OUT" => ExecutionStatus::TimedOut,
            "ABORTED" => ExecutionStatus::Aborted,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Execution {
    pub id: ExecutionId,
    pub arn: String,
    pub name: String,
    pub machine_arn: String,
    pub machine_name: String,
    pub definition: Arc<Definition>,
    /// The definition as it was when this execution started (the machine may change since).
    pub definition_text: Arc<str>,
    pub input: Value,
    pub status: ExecutionStatus,
    pub start_millis: i64,
    pub stop_millis: Option<i64>,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub history: Vec<HistoryEvent>,
    pub parent: Option<ParentLink>,
    /// The version and alias it was started through, and the revision it runs.
    pub origin: crate::versions::Origin,
    pub depth: u32,
    pub(crate) frames: Vec<Frame>,
    /// Dead Map/Parallel frames ready for reuse, so long Maps do not grow `frames` forever.
    pub(crate) free_frames: Vec<usize>,
    pub(crate) children: Vec<ExecutionId>,
    /// Tokens this execution issued, revoked together when it ends.
    pub(crate) issued_tokens: Vec<String>,
    /// The size of the variables all its frames store, as JSON text: what AWS's 10 MiB limit
    /// per execution counts. A Map iteration or Parallel branch adds only what it assigns itself.
    pub(crate) var_bytes: usize,
    /// When its maximum-duration backstop fires (its key in `Engine::backstops`).
    pub(crate) backstop_due: Option<i64>,
    /// How many times it was redriven, and when last (`redrive.rs`).
    pub redrive_count: u32,
    pub redrive_millis: Option<i64>,
    /// Where a redrive resumes it: taken when it ended unsuccessfully.
    pub(crate) resume: Option<Box<crate::redrive::Resume>>,
    /// The client tokens of its last redrives: `(token, first used, redrive date)`.
    pub(crate) redrive_tokens: Vec<(String, i64, i64)>,
    /// TestState's `context`: the context object its state sees instead of the one built from
    /// this execution (`context.rs`). Always `None` in executions a user starts.
    pub(crate) given_context: Option<Value>,
    #[cfg(feature = "pipelines")]
    /// Each state run's data-flow stages, in the order the runs were entered (so by
    /// `entered_event`); runs whose events stay out of the history (Distributed Map
    /// iterations) are not recorded.
    pub(crate) pipelines: Vec<crate::dataflow::Pipeline>,
}

impl Execution {
    #[cfg(feature = "pipelines")]
    /// The data-flow stages of the state run entered at history event `entered_event`.
    pub fn pipeline(&self, entered_event: u64) -> Option<&crate::dataflow::Pipeline> {
        let i = self
            .pipelines
            .binary_search_by_key(&entered_event, |p| p.entered_event)
            .ok()?;
        self.pipelines.get(i)
    }

    #[cfg(feature = "pipelines")]
    /// Every recorded state run's stages, in history order.
    pub fn pipelines(&self) -> &[crate::dataflow::Pipeline] {
        &self.pipelines
    }

    pub fn is_running(&self) -> bool {
        self.status == ExecutionStatus::Running
    }

    /// An execution of an Express machine (its ARN says `express`, not `execution`).
    pub fn is_express(&self) -> bool {
        self.arn.split(':').nth(5) == Some("express")
    }
}

/// One frame of one execution: what the engine's internal methods take to say which thread of
/// control they move. Both indexes travel together everywhere (a frame index means nothing
/// without its execution), so they are one value rather than two loose `usize`s that could be
/// swapped or paired with the wrong execution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FrameRef {
    /// Index in `Engine::executions` (`ExecutionId.0`).
    pub exec: usize,
    /// Index in that execution's `frames`.
    pub frame: usize,
}

impl FrameRef {
    pub fn new(exec: usize, frame: usize) -> Self {
        FrameRef { exec, frame }
    }

    /// Another frame of the same execution: a Map/Parallel's parent or one of its children.
    pub fn sibling(self, frame: usize) -> Self {
        FrameRef {
            exec: self.exec,
            frame,
        }
    }
}

/// Where a frame's states live: a path of (state index, branch index) steps from the top level.
pub(crate) type ScopePath = Vec<(u32, u32)>;

/// The states a scope path leads to, through the Parallel branch or Map processor named by each
/// step. `None` when a step names a state or branch that does not exist, or a state that is
/// neither Parallel nor Map: paths are only built from the frame a child starts under, so that
/// is an engine fault, which the caller reports (`EngineError::BadScope`) instead of panicking.
pub(crate) fn resolve<'a>(def: &'a Definition, path: &[(u32, u32)]) -> Option<&'a States> {
    let mut states = &def.states;
    for &(state, branch) in path {
        states = match &states.list.get(state as usize)?.kind {
            stepwise_asl::model::Kind::Parallel(p) => p.branches.get(branch as usize)?,
            stepwise_asl::model::Kind::Map(m) => &m.processor,
            _ => return None,
        };
    }
    Some(states)
}

/// The state a frame of `def` is in, if its scope path and state index lead to one.
pub(crate) fn state_at<'a>(def: &'a Definition, f: &Frame) -> Option<&'a State> {
    resolve(def, &f.scope)?.list.get(f.state)
}

#[derive(Clone, Debug)]
pub(crate) enum FrameRole {
    Root,
    Branch { parent: usize, index: usize },
    Iteration { parent: usize, index: usize },
}

#[derive(Clone, Debug)]
pub(crate) enum TaskOutcome {
    Succeeded(Value),
    Failed(StatesError),
    TimedOut(StatesError),
}

/// A task in flight: what its phases, the timers and the outside world need, so that none of
/// them looks the Task state up again.
#[derive(Clone, Debug)]
pub(crate) struct TaskRun {
    /// The state's resource, parsed when the state was entered.
    pub resource: Arc<crate::resources::TaskResource>,
    /// The Task state's name.
    pub name: Arc<str>,
    /// `Credentials.RoleArn` as written, when the state has Credentials.
    pub role: Option<Value>,
    pub token: Option<String>,
    pub child: Option<ExecutionId>,
    pub heartbeat_seconds: Option<u64>,
    pub timeout_seconds: Option<u64>,
    pub heartbeat_deadline: Option<i64>,
    pub timeout_deadline: Option<i64>,
    pub parameters: Value,
    pub manual: bool,
}

impl TaskRun {
    pub fn new(
        resource: Arc<crate::resources::TaskResource>,
        name: Arc<str>,
        role: Option<Value>,
        token: Option<String>,
    ) -> Self {
        TaskRun {
            resource,
            name,
            role,
            token,
            child: None,
            heartbeat_seconds: None,
            timeout_seconds: None,
            heartbeat_deadline: None,
            timeout_deadline: None,
            parameters: Value::Null,
            manual: false,
        }
    }
}

/// Map and Parallel bookkeeping while their branches run.
#[derive(Clone, Debug)]
pub(crate) struct Join {
    pub is_map: bool,
    pub items: Vec<Value>,
    pub results: Vec<Option<Value>>,
    pub next_index: usize,
    pub running: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub max_concurrency: usize,
    pub tolerated_count: Option<u64>,
    pub tolerated_percentage: Option<f64>,
    pub children: Vec<usize>,
    pub failure: Option<StatesError>,
    pub last_iteration_event: u64,
    pub distributed: bool,
    /// An error found while starting that AWS reports only after `MapStateStarted`.
    pub start_error: Option<StatesError>,
    /// By child index, where an unsuccessful child stopped (so that a redrive resumes only
    /// those), or, while a redrive relaunches them, where each resumes. Sparse: a Map of many
    /// items with a few failures keeps only those.
    pub resume: crate::redrive::ResumeSlots,
    /// A Distributed Map's Map Run: its ARN and how many times it was redriven.
    pub map_run: Option<(std::sync::Arc<str>, u32)>,
}

#[derive(Clone, Debug)]
pub(crate) enum Phase {
    /// Emit `<Type>StateEntered` for `state` with this input, then start its work.
    Enter(Value),
    /// Emit `<Type>StateExited`, assign variables, follow the transition.
    Exit {
        output: Value,
        next: Transition,
        assign: Option<Map>,
    },
    TaskScheduled,
    TaskStarted,
    /// The task was handed over; the JSON text of what the service answered (for history).
    TaskSubmitted(crate::history::Payload),
    /// Waiting for a child execution, a token or a hand-made answer.
    TaskWaiting,
    TaskDone(TaskOutcome),
    /// Map: emit `MapStateStarted`.
    MapStarted,
    /// Map: emit the next `MapIterationStarted` and start that iteration.
    MapLaunch,
    ParallelStarted,
    /// Map/Parallel: every branch has ended (or one failed): emit `…StateSucceeded`/`…Failed`.
    JoinDone,
    /// Re-run a Map/Parallel after a Retry delay.
    Restart,
    /// The frame ends: `ExecutionSucceeded`/`Failed` for the root, `MapIteration…` for iterations.
    Finish(Result<Value, StatesError>),
    /// Nothing to do until someone else moves it.
    Parked,
    Dead,
}

impl Phase {
    /// The phase's name, for engine-fault reports.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Enter(_) => "Enter",
            Phase::Exit { .. } => "Exit",
            Phase::TaskScheduled => "TaskScheduled",
            Phase::TaskStarted => "TaskStarted",
            Phase::TaskSubmitted(_) => "TaskSubmitted",
            Phase::TaskWaiting => "TaskWaiting",
            Phase::TaskDone(_) => "TaskDone",
            Phase::MapStarted => "MapStarted",
            Phase::MapLaunch => "MapLaunch",
            Phase::ParallelStarted => "ParallelStarted",
            Phase::JoinDone => "JoinDone",
            Phase::Restart => "Restart",
            Phase::Finish(_) => "Finish",
            Phase::Parked => "Parked",
            Phase::Dead => "Dead",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Frame {
    pub scope: ScopePath,
    pub role: FrameRole,
    pub state: usize,
    pub phase: Phase,
    pub vars: Map,
    /// The size of `vars` as JSON text, and how much of it the frame inherited from the state
    /// that started it (counted for the execution once, by that frame).
    pub var_bytes: usize,
    pub inherited_var_bytes: usize,
    /// Set while the state leaves through a Catcher: an error on that way out is final.
    pub exiting_catcher: bool,
    pub last_event: u64,
    pub entered_event: u64,
    pub entered_millis: i64,
    pub state_input: Value,
    pub effective_input: Value,
    pub retry_count: u32,
    pub retry_attempts: Vec<u32>,
    /// Bumped whenever pending timers of this frame must be ignored.
    pub generation: u64,
    pub task: Option<TaskRun>,
    pub join: Option<Join>,
    /// A redrive resuming this frame at a Map or Parallel state: what its children did, for the
    /// state's start to relaunch only the unsuccessful ones.
    pub redrive_join: Option<Box<crate::redrive::JoinResume>>,
    /// The children of a Map/Parallel that just failed, kept until the frame is left or retried
    /// (a redrive of the execution then reruns only those that did not succeed).
    pub failed_join: Option<Box<crate::redrive::JoinResume>>,
    /// What is kept only to save work: each field can be derived again from the rest of the
    /// frame, its execution and the definition.
    pub cache: FrameCache,
}

/// A frame's caches. Dropping any of them (back to its default) would change no event, only
/// redo work; that is what sets them apart from the frame's state.
#[derive(Clone, Debug, Default)]
pub(crate) struct FrameCache {
    /// Map iteration / Parallel branch indexes from the top level, for the UI: the `index` of
    /// each `FrameRole` on the way up from this frame.
    pub index_path: Arc<[u32]>,
    /// Events of silent frames (Distributed Map iterations) stay out of the history: whether a
    /// Map on the frame's scope path is distributed.
    pub silent: bool,
    /// The JSON text of the value the next `Enter` receives, when the previous state's exit
    /// already serialized it (saves one serialization per transition): that value's text.
    pub next_input_text: Option<Arc<str>>,
    /// The JSON text of the current state's input, as its Entered event recorded it: the text of
    /// `state_input`.
    pub input_text: Option<Arc<str>>,
    /// Set when the state hands on its input unchanged (a Choice, Wait or Succeed without
    /// paths): its Exited event reuses `input_text` instead of serializing the same value again.
    pub output_is_input: bool,
    #[cfg(feature = "pipelines")]
    /// Where the current state run records its stages in `Execution::pipelines`, if it does:
    /// the record whose `entered_event` is the frame's (see `Execution::pipeline`).
    pub pipeline: Option<usize>,
}

impl Frame {
    pub fn new(scope: ScopePath, role: FrameRole, state: usize, input: Value, vars: Map) -> Self {
        Frame {
            scope,
            role,
            state,
            phase: Phase::Enter(input),
            vars,
            var_bytes: 0,
            inherited_var_bytes: 0,
            exiting_catcher: false,
            last_event: 0,
            entered_event: 0,
            entered_millis: 0,
            state_input: Value::Null,
            effective_input: Value::Null,
            retry_count: 0,
            retry_attempts: Vec::new(),
            generation: 0,
            task: None,
            join: None,
            redrive_join: None,
            failed_join: None,
            cache: FrameCache::default(),
        }
    }
}
