//! Verbs shared by buttons and keyboard shortcuts, and the hooks that drive time: the play
//! loop (a gloo Interval for the animated run, chained Timeouts for "run to end"), autosave
//! and keyboard shortcuts.

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::{Interval, Timeout};
use stepwise_engine::ExecutionId;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::context::WorkspaceHandle;
use crate::history::format_clock;
use crate::state::{Action, BottomTab, Level, Play, UiHandle};
use crate::storage;
use crate::workspace::{FrameEnd, Workspace};

/// Shows an execution: its machine's tab and graph, and optionally one of its states.
pub fn select_execution(
    ws: &WorkspaceHandle,
    ui: &UiHandle,
    id: ExecutionId,
    state: Option<String>,
) {
    let tab = {
        let w = ws.read();
        crate::recorded::exec_head(&w, id).and_then(|e| w.machine_index(&e.machine_name))
    };
    if let Some(i) = tab {
        ui.dispatch(Action::SelectMachine(i));
    }
    ui.dispatch(Action::SelectExecutionState(id, state));
}

pub fn do_start(ws: &WorkspaceHandle, ui: &UiHandle) {
    let Some(name) = ws.read().entry_machine() else {
        ui.dispatch(Action::Notify(
            Level::Error,
            "There is no state machine to start.".into(),
        ));
        return;
    };
    match ws.update(|w| w.start(&name)) {
        Ok(id) => {
            select_execution(ws, ui, id, None);
            ui.dispatch(Action::Notify(
                Level::Info,
                format!("Started {name}. Step with S, run with R."),
            ));
        }
        Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
    }
}

/// Why execution `e` failed, in words, when it is a repeated execution name: a nested example
/// that names its child fails the second time it runs, as on AWS.
pub fn explain_already_exists(e: &stepwise_engine::Execution) -> Option<String> {
    if !e.error.as_deref()?.contains("ExecutionAlreadyExists") {
        return None;
    }
    // The cause quotes the child's ARN: arn:aws:states:<region>:<account>:execution:<machine>:<name>.
    let arn = e
        .cause
        .as_deref()
        .and_then(|c| c.split('\'').nth(1))
        .unwrap_or("");
    let mut parts = arn.rsplitn(3, ':');
    let (name, machine) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let what = if name.is_empty() || machine.is_empty() {
        "a child execution with a name an earlier execution already used".to_string()
    } else {
        format!(
            "{machine} with the execution name \"{name}\", which an earlier execution already used"
        )
    };
    Some(format!(
        "{} failed because it starts {what}. AWS refuses to start two executions with the same name (ExecutionAlreadyExists), and so does the playground. Reset forgets the earlier executions; or give each child a name of its own, e.g. \"Name.$\": \"States.UUID()\".",
        e.machine_name
    ))
}

/// The explanation above for the latest run (the last execution started by hand), if it applies.
fn latest_run_hint(w: &Workspace) -> Option<String> {
    w.engine()
        .executions()
        .iter()
        .rev()
        .find(|e| e.depth == 0)
        .and_then(explain_already_exists)
}

/// Reports why a run stopped: a repeated execution name gets its explanation and a Reset
/// button, anything else the plain reason.
fn report_stop(ws: &WorkspaceHandle, ui: &UiHandle, why: String) {
    if why.starts_with("Waiting for you") {
        ui.dispatch(Action::SetBottom(BottomTab::Tokens));
    }
    match latest_run_hint(&ws.read()) {
        Some(hint) => ui.dispatch(Action::NotifyWithReset(hint)),
        None => ui.dispatch(Action::Notify(Level::Info, why)),
    }
}

/// Why nothing happened, in words.
fn idle_reason(w: &Workspace) -> String {
    let engine = w.engine();
    if engine.executions().is_empty() {
        return "Nothing to step: start an execution first.".into();
    }
    let pending = crate::workspace::outside_tasks(engine);
    if !pending.is_empty() {
        let mut msg = match pending.len() {
            1 => "Waiting for you: answer the task token in Pending tokens (Send success or Send failure).".to_string(),
            n => format!("Waiting for you: answer the {n} task tokens in Pending tokens (Send success or Send failure)."),
        };
        // Jumping to the next timer is what fails an unanswered task: say so instead of
        // suggesting it.
        if let Some(t) = engine.next_timer() {
            let deadline = pending.iter().find_map(|p| {
                if p.timeout_deadline_millis == Some(t) {
                    Some("its timeout (States.Timeout)")
                } else if p.heartbeat_deadline_millis == Some(t) {
                    Some("its heartbeat deadline (States.HeartbeatTimeout)")
                } else {
                    None
                }
            });
            if let Some(what) = deadline {
                msg.push_str(&format!(
                    " The next timer, in {}, is {what}: advancing the clock to it fails the task.",
                    crate::history::format_elapsed(t - engine.now_millis())
                ));
            }
        }
        return msg;
    }
    if let Some(t) = engine.next_timer() {
        return format!(
            "Nothing is due now: the next timer fires at {} (in {}). Advance the clock with T.",
            format_clock(t),
            crate::history::format_elapsed(t - engine.now_millis())
        );
    }
    let running = engine
        .executions()
        .iter()
        .filter(|e| e.status.as_str() == "RUNNING")
        .count();
    if running > 0 {
        return format!(
            "Nothing is due now and no timer is set, but {running} execution(s) are still running."
        );
    }
    "Every execution has finished.".into()
}

/// After seeking: where the timeline stands and what acting from there does.
pub fn notify_position(ws: &WorkspaceHandle, ui: &UiHandle) {
    let (pos, total) = ws.read().position();
    if pos < total {
        ui.dispatch(Action::Notify(
            Level::Info,
            format!(
                "Looking back at step {pos} of {total}. Stepping or running from here starts a new branch; the rest of this run stays under Branches."
            ),
        ));
    } else {
        ui.dispatch(Action::Notify(
            Level::Info,
            format!("Back at the latest step, {total}."),
        ));
    }
}

/// The recorded (or replayed) execution on show, with its timeline's position and length;
/// `None` when `execution` is a local one (or none).
fn recorded_on_show(
    ws: &WorkspaceHandle,
    execution: Option<ExecutionId>,
) -> Option<(ExecutionId, usize, usize)> {
    let id = execution.filter(|id| crate::recorded::is_read_only(*id))?;
    let (pos, total) = crate::recorded::position(&ws.read(), id)?;
    Some((id, pos, total))
}

/// Moves the timeline of the recorded (or replayed) execution on show by `delta` events;
/// `false` when a local execution is on show.
fn step_recorded(ws: &WorkspaceHandle, ui: &UiHandle, delta: isize) -> bool {
    let Some((id, pos, total)) = recorded_on_show(ws, ui.execution) else {
        return false;
    };
    let to = pos.saturating_add_signed(delta).min(total);
    if to == pos {
        let msg = if delta < 0 {
            "Already at the start of the recording."
        } else {
            "Already at the end of the recording."
        };
        ui.dispatch(Action::Notify(Level::Info, msg.into()));
    } else {
        ws.update(|w| crate::recorded::seek(w, id, to));
    }
    true
}

/// "Run" and "Run to end" while a recorded (or replayed) execution is on show play *its*
/// timeline: one event per tick, or straight to its last event. `false` when a local execution
/// is on show (the engine runs then).
fn play_recorded(
    ws: &WorkspaceHandle,
    ui: &UiHandle,
    execution: Option<ExecutionId>,
    to_end: bool,
) -> bool {
    let Some((id, pos, total)) = recorded_on_show(ws, execution) else {
        return false;
    };
    let to = if to_end { total } else { (pos + 1).min(total) };
    if to != pos {
        ws.update(|w| crate::recorded::seek(w, id, to));
    }
    if to == total {
        ui.dispatch(Action::Pause);
        ui.dispatch(Action::Notify(
            Level::Info,
            "At the end of the recording.".into(),
        ));
    }
    true
}

/// One step back on the timeline.
pub fn do_step_back(ws: &WorkspaceHandle, ui: &UiHandle) {
    ui.dispatch(Action::Pause);
    if step_recorded(ws, ui, -1) {
        return;
    }
    let (pos, _) = ws.read().position();
    if pos == 0 {
        ui.dispatch(Action::Notify(
            Level::Info,
            "Already at the start of the timeline.".into(),
        ));
        return;
    }
    ws.update(|w| w.seek(pos - 1));
    notify_position(ws, ui);
}

pub fn do_step(ws: &WorkspaceHandle, ui: &UiHandle) {
    if step_recorded(ws, ui, 1) {
        return;
    }
    match ws.update(|w| w.step()) {
        Ok(true) => {}
        Ok(false) => {
            let why = idle_reason(&ws.read());
            report_stop(ws, ui, why);
        }
        Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
    }
}

pub fn do_advance_timer(ws: &WorkspaceHandle, ui: &UiHandle) {
    if ui.execution.is_some_and(crate::recorded::is_read_only) {
        ui.dispatch(Action::Notify(Level::Info, RECORDED_CLOCK.into()));
        return;
    }
    match ws.update(|w| w.advance_to_next_timer()) {
        Ok(true) => {}
        Ok(false) => ui.dispatch(Action::Notify(Level::Info, "No timer is set.".into())),
        Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
    }
}

/// Why the clock controls do nothing while a recording is on show.
pub const RECORDED_CLOCK: &str =
    "A recording's clock is the time of its events: step or seek through it instead.";

pub fn do_reset(ws: &WorkspaceHandle, ui: &UiHandle) {
    ws.update(|w| w.reset());
    ui.dispatch(Action::Pause);
    ui.dispatch(Action::SelectExecution(None));
}

fn finish_message(end: FrameEnd, w: &Workspace) -> Option<String> {
    match end {
        FrameEnd::Budget => None,
        FrameEnd::Finished => Some("Every execution has finished.".into()),
        FrameEnd::WaitingForOutside | FrameEnd::WaitingForTimer => Some(idle_reason(w)),
    }
}

/// Target time per "run to end" slice: leaves the rest of a 60 Hz frame to the browser.
const SLICE_MS: f64 = 12.0;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_else(js_sys::Date::now)
}

#[hook]
pub fn use_play_loop(ws: WorkspaceHandle, ui: UiHandle) {
    let budget = use_mut_ref(|| 64usize);
    let playing = ui.playing;
    let speed = ui.speed;
    let slice = ui.slice;
    // What is on show decides what plays: a recording's timeline or the engine.
    let execution = ui.execution;
    {
        let (ws, ui) = (ws.clone(), ui.clone());
        use_effect_with(
            (playing, speed, execution),
            move |(playing, speed, execution)| {
                let execution = *execution;
                let interval = (*playing == Some(Play::Animate)).then(|| {
                    let period = 1000 / (*speed).max(1);
                    Interval::new(period, move || {
                        if play_recorded(&ws, &ui, execution, false) {
                            return;
                        }
                        let frame = ws.update(|w| w.run_frame(1, true));
                        let msg = finish_message(frame.end, &ws.read());
                        if let Some(msg) = msg {
                            ui.dispatch(Action::Pause);
                            report_stop(&ws, &ui, msg);
                        }
                    })
                });
                move || drop(interval)
            },
        );
    }
    use_effect_with((playing, slice), move |(playing, _)| {
        let timeout = (*playing == Some(Play::ToEnd)).then(|| {
            Timeout::new(0, move || {
                if play_recorded(&ws, &ui, execution, true) {
                    return;
                }
                let n = *budget.borrow();
                let t0 = now_ms();
                let frame = ws.update(|w| w.run_frame(n, true));
                let spent = now_ms() - t0;
                // Aim each slice at SLICE_MS whatever the machine's speed.
                let next = if spent > 0.0 {
                    (n as f64 * SLICE_MS / spent) as usize
                } else {
                    n * 2
                };
                *budget.borrow_mut() = next.clamp(8, 20_000);
                match finish_message(frame.end, &ws.read()) {
                    None => ui.dispatch(Action::SliceDone(frame.events)),
                    Some(msg) => {
                        ui.dispatch(Action::SliceDone(frame.events));
                        ui.dispatch(Action::Pause);
                        report_stop(&ws, &ui, msg);
                    }
                }
            })
        });
        move || drop(timeout)
    });
}

/// Says so when acting from an earlier step started a new branch.
#[hook]
pub fn use_branch_notice(ws: WorkspaceHandle, ui: UiHandle) {
    let count = ws.read().branches().len();
    let seen = use_mut_ref(|| count);
    use_effect_with(count, move |n| {
        if *n > *seen.borrow() {
            if let Some(b) = ws.read().branches().last() {
                let answers = match b.answers {
                    0 => String::new(),
                    1 => " and 1 answer by hand".into(),
                    k => format!(" and {k} answers by hand"),
                };
                ui.dispatch(Action::Notify(
                    Level::Info,
                    format!(
                        "You acted from step {}, so this is a new branch. The run you left ({} more steps{answers}) is kept: choose it under Branches, next to the timeline, to restore it.",
                        b.fork,
                        b.ticks - b.fork
                    ),
                ));
            }
        }
        *seen.borrow_mut() = *n;
    });
}

#[hook]
pub fn use_autosave(ws: WorkspaceHandle, ui: UiHandle) {
    let doc_revision = ws.read().doc_revision;
    use_effect_with((doc_revision, ui.origin), move |(_, origin)| {
        if let Err(e) = storage::save(&ws.read(), *origin) {
            ui.dispatch(Action::Notify(Level::Error, e));
        }
    });
}

fn typing_in_editor(e: &web_sys::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| {
            matches!(el.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT")
                || el.has_attribute("contenteditable")
        })
        .unwrap_or(false)
}

/// `s` step, `b` step back, `r` run (animated), `e` run to end, `p` pause, `t` next timer, `n` start,
/// `Escape` closes dialogs; ignored while typing in an editor or with a modifier held.
#[hook]
pub fn use_shortcuts(ws: WorkspaceHandle, ui: UiHandle) {
    // The listener is installed once; it reads the handles of the latest render through this cell.
    let latest = use_mut_ref(|| (ws.clone(), ui.clone()));
    *latest.borrow_mut() = (ws, ui);
    use_effect_with((), move |_| {
        let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
            // Not passive: a handled shortcut calls preventDefault (so `s` does not also scroll
            // or type anywhere).
            EventListener::new_with_options(
                &doc,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |event| {
                    let Some(e) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    let (ws, ui) = latest.borrow().clone();
                    if e.ctrl_key() || e.meta_key() || e.alt_key() || typing_in_editor(e) {
                        return;
                    }
                    let handled = match e.key().as_str() {
                        "s" => {
                            ui.dispatch(Action::Pause);
                            do_step(&ws, &ui);
                            true
                        }
                        "b" => {
                            do_step_back(&ws, &ui);
                            true
                        }
                        "r" => {
                            ui.dispatch(Action::Play(Play::Animate));
                            true
                        }
                        "e" => {
                            ui.dispatch(Action::Play(Play::ToEnd));
                            true
                        }
                        "p" => {
                            ui.dispatch(Action::Pause);
                            true
                        }
                        "t" => {
                            do_advance_timer(&ws, &ui);
                            true
                        }
                        "n" => {
                            do_start(&ws, &ui);
                            true
                        }
                        "Escape" => {
                            ui.dispatch(Action::ShowGallery(false));
                            ui.dispatch(Action::ShowShare(None));
                            ui.dispatch(Action::ShowExport(false));
                            ui.dispatch(Action::ShowRestore(false));
                            true
                        }
                        _ => false,
                    };
                    if handled {
                        e.prevent_default();
                    }
                },
            )
        });
        move || drop(listener)
    });
}
