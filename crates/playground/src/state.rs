//! UI-only state (what is selected, what is open, play/pause, theme): a small `Reducible`,
//! cheap to clone. Everything about machines and runs lives in `workspace.rs`.

use std::rc::Rc;

use stepwise_engine::ExecutionId;

use crate::storage::Origin;
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Play {
    /// One event per tick of an interval, at `speed` events per second.
    Animate,
    /// As fast as possible, in slices that yield to the browser between frames.
    ToEnd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BottomTab {
    History,
    Tokens,
    Mocks,
    /// Recorded executions: replay, divergence, export (`components/recording.rs`).
    Recording,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UiState {
    pub machine: usize,
    pub execution: Option<ExecutionId>,
    pub state: Option<String>,
    pub event: Option<u64>,
    pub theme: Theme,
    pub playing: Option<Play>,
    pub speed: u32,
    /// Increments after each slice of a "run to end", to schedule the next one.
    pub slice: u64,
    pub run_events: usize,
    pub bottom: BottomTab,
    pub filter: String,
    pub notice: Option<(Level, String)>,
    pub gallery: bool,
    pub share_link: Option<String>,
    /// The "Export to AWS" dialog is open.
    pub export: bool,
    /// Which workspace is on screen (yours or a shared one), hence where autosave writes.
    pub origin: Origin,
    /// The Restore dialog is open.
    pub restore: bool,
    /// The notice offers Reset (it explains a failure that Reset cures).
    pub notice_reset: bool,
    /// The graph panel shows the table of state entries instead of the graph.
    pub states_table: bool,
    /// The history lists only the selected state's events.
    pub state_events_only: bool,
    /// The Input panel is open (closed, the definition editor takes its room).
    pub input_open: bool,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            machine: 0,
            execution: None,
            state: None,
            event: None,
            theme: Theme::Light,
            playing: None,
            speed: 8,
            slice: 0,
            run_events: 0,
            bottom: BottomTab::History,
            filter: String::new(),
            notice: None,
            gallery: false,
            share_link: None,
            export: false,
            origin: Origin::Local,
            restore: false,
            notice_reset: false,
            states_table: false,
            state_events_only: false,
            input_open: false,
        }
    }
}

pub enum Action {
    SelectMachine(usize),
    SelectExecution(Option<ExecutionId>),
    /// Select an execution and a state in it (breadcrumb back to the Task that started a child).
    SelectExecutionState(ExecutionId, Option<String>),
    SelectState(Option<String>),
    /// Show the states table (`true`) or the graph in the graph panel.
    ShowStatesTable(bool),
    /// List only the selected state's events in the history (`true`) or every event.
    ShowStateEvents(bool),
    /// Open (`true`) or close the Input panel.
    ShowInput(bool),
    ToggleEvent(u64),
    ToggleTheme,
    SetTheme(Theme),
    Play(Play),
    TogglePlay,
    Pause,
    SliceDone(usize),
    SetSpeed(u32),
    SetBottom(BottomTab),
    SetFilter(String),
    Notify(Level, String),
    /// An error notice with a Reset button.
    NotifyWithReset(String),
    DismissNotice,
    ShowGallery(bool),
    ShowShare(Option<String>),
    ShowExport(bool),
    ShowRestore(bool),
    SetOrigin(Origin),
    /// A new workspace was loaded: drop every selection.
    Loaded,
}

impl Reducible for UiState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::SelectMachine(i) => {
                if s.machine != i {
                    s.state = None;
                }
                s.machine = i;
            }
            Action::SelectExecution(e) => {
                // Picking an execution (even the current one) shows its overview.
                if s.execution != e {
                    s.event = None;
                }
                s.state = None;
                s.execution = e;
            }
            Action::SelectExecutionState(e, st) => {
                if s.execution != Some(e) {
                    s.event = None;
                }
                s.execution = Some(e);
                s.state = st;
            }
            Action::SelectState(st) => s.state = st,
            Action::ShowStatesTable(b) => s.states_table = b,
            Action::ShowStateEvents(b) => s.state_events_only = b,
            Action::ShowInput(b) => s.input_open = b,
            Action::ToggleEvent(id) => s.event = if s.event == Some(id) { None } else { Some(id) },
            Action::ToggleTheme => {
                s.theme = if s.theme == Theme::Light {
                    Theme::Dark
                } else {
                    Theme::Light
                };
            }
            Action::SetTheme(t) => s.theme = t,
            Action::Play(p) => {
                s.playing = Some(p);
                s.run_events = 0;
            }
            Action::TogglePlay => {
                s.playing = if s.playing.is_some() {
                    None
                } else {
                    Some(Play::Animate)
                };
                s.run_events = 0;
            }
            Action::Pause => s.playing = None,
            Action::SliceDone(n) => {
                s.slice += 1;
                s.run_events += n;
            }
            Action::SetSpeed(v) => s.speed = v.clamp(1, 120),
            Action::SetBottom(t) => s.bottom = t,
            Action::SetFilter(f) => s.filter = f,
            Action::Notify(l, t) => {
                s.notice = Some((l, t));
                s.notice_reset = false;
            }
            Action::NotifyWithReset(t) => {
                s.notice = Some((Level::Error, t));
                s.notice_reset = true;
            }
            Action::DismissNotice => {
                s.notice = None;
                s.notice_reset = false;
            }
            Action::ShowGallery(b) => s.gallery = b,
            Action::ShowShare(l) => s.share_link = l,
            Action::ShowExport(b) => s.export = b,
            Action::ShowRestore(b) => s.restore = b,
            Action::SetOrigin(o) => s.origin = o,
            Action::Loaded => {
                s.machine = 0;
                s.execution = None;
                s.state = None;
                s.event = None;
                s.playing = None;
                s.gallery = false;
            }
        }
        Rc::new(s)
    }
}

pub type UiHandle = UseReducerHandle<UiState>;

#[hook]
pub fn use_ui() -> UiHandle {
    use_context::<UiHandle>().expect("use_ui() outside the UI state provider")
}
