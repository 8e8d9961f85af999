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

/// What Start runs: the chosen entry machine, else the first one.
pub fn entry_machine(w: &Workspace, ui: &crate::state::UiState) -> Option<String> {
    ui.entry.clone().filter(|n| w.machine_index(n).is_some()).or_else(|| w.machines.first().map(|m| m.name.clone()))
}

/// Shows an execution: its machine's tab and graph, and optionally one of its states.
pub fn select_execution(ws: &WorkspaceHandle, ui: &UiHandle, id: ExecutionId, state: Option<String>) {
    let tab = {
        let w = ws.read();
        crate::components::graph_view::find_exec(w.engine(), id).and_then(|e| w.machine_index(&e.machine_name))
    };
    if let Some(i) = tab {
        ui.dispatch(Action::SelectMachine(i));
    }
    ui.dispatch(Action::SelectExecutionState(id, state));
}

pub fn do_start(ws: &WorkspaceHandle, ui: &UiHandle) {
    let Some(name) = entry_machine(&ws.read(), ui) else {
        ui.dispatch(Action::Notify(Level::Error, "There is no state machine to start.".into()));
        return;
    };
    match ws.update(|w| w.start(&name)) {
        Ok(id) => {
            select_execution(ws, ui, id, None);
            ui.dispatch(Action::Notify(Level::Info, format!("Started {name}. Step with S, run with R.")));
        }
        Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
    }
}

/// Why nothing happened, in words.
fn idle_reason(w: &Workspace) -> String {
    let engine = w.engine();
    if engine.executions().is_empty() {
        return "Nothing to step: start an execution first.".into();
    }
    if let Some(t) = engine.next_timer() {
        return format!(
            "Nothing is due now: the next timer fires at {} (in {}). Advance the clock with T.",
            format_clock(t),
            crate::history::format_elapsed(t - engine.now_millis())
        );
    }
    let pending = crate::workspace::outside_tasks(engine).len();
    if pending > 0 {
        return format!("Waiting for the outside: {pending} task token(s) to complete in Pending tokens.");
    }
    "Every execution has finished.".into()
}

pub fn do_step(ws: &WorkspaceHandle, ui: &UiHandle) {
    match ws.update(|w| w.step()) {
        Ok(true) => {}
        Ok(false) => {
            let why = idle_reason(&ws.read());
            if why.starts_with("Waiting for the outside") {
                ui.dispatch(Action::SetBottom(BottomTab::Tokens));
            }
            ui.dispatch(Action::Notify(Level::Info, why));
        }
        Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
    }
}

pub fn do_advance_timer(ws: &WorkspaceHandle, ui: &UiHandle) {
    match ws.update(|w| w.advance_to_next_timer()) {
        Ok(true) => {}
        Ok(false) => ui.dispatch(Action::Notify(Level::Info, "No timer is set.".into())),
        Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
    }
}

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
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

#[hook]
pub fn use_play_loop(ws: WorkspaceHandle, ui: UiHandle) {
    let budget = use_mut_ref(|| 64usize);
    let playing = ui.playing;
    let speed = ui.speed;
    let slice = ui.slice;
    {
        let (ws, ui) = (ws.clone(), ui.clone());
        use_effect_with((playing, speed), move |(playing, speed)| {
            let interval = (*playing == Some(Play::Animate)).then(|| {
                let period = 1000 / (*speed).max(1);
                Interval::new(period, move || {
                    let frame = ws.update(|w| w.run_frame(1, true));
                    if let Some(msg) = finish_message(frame.end, &ws.read()) {
                        ui.dispatch(Action::Pause);
                        if frame.end == FrameEnd::WaitingForOutside {
                            ui.dispatch(Action::SetBottom(BottomTab::Tokens));
                        }
                        ui.dispatch(Action::Notify(Level::Info, msg));
                    }
                })
            });
            move || drop(interval)
        });
    }
    use_effect_with((playing, slice), move |(playing, _)| {
        let timeout = (*playing == Some(Play::ToEnd)).then(|| {
            Timeout::new(0, move || {
                let n = *budget.borrow();
                let t0 = now_ms();
                let frame = ws.update(|w| w.run_frame(n, true));
                let spent = now_ms() - t0;
                // Aim each slice at SLICE_MS whatever the machine's speed.
                let next = if spent > 0.0 { (n as f64 * SLICE_MS / spent) as usize } else { n * 2 };
                *budget.borrow_mut() = next.clamp(8, 20_000);
                match finish_message(frame.end, &ws.read()) {
                    None => ui.dispatch(Action::SliceDone(frame.events)),
                    Some(msg) => {
                        ui.dispatch(Action::SliceDone(frame.events));
                        ui.dispatch(Action::Pause);
                        if frame.end == FrameEnd::WaitingForOutside {
                            ui.dispatch(Action::SetBottom(BottomTab::Tokens));
                        }
                        ui.dispatch(Action::Notify(Level::Info, msg));
                    }
                }
            })
        });
        move || drop(timeout)
    });
}

#[hook]
pub fn use_autosave(ws: WorkspaceHandle, ui: UiHandle) {
    let doc_revision = ws.read().doc_revision;
    use_effect_with(doc_revision, move |_| {
        if let Err(e) = storage::save(&ws.read()) {
            ui.dispatch(Action::Notify(Level::Error, e));
        }
    });
}

fn typing_in_editor(e: &web_sys::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| matches!(el.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT") || el.has_attribute("contenteditable"))
        .unwrap_or(false)
}

/// `s` step, `r` run (animated), `e` run to end, `p` pause, `t` next timer, `n` start,
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
            EventListener::new_with_options(&doc, "keydown", EventListenerOptions::enable_prevent_default(), move |event| {
                let Some(e) = event.dyn_ref::<web_sys::KeyboardEvent>() else { return };
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
                        true
                    }
                    _ => false,
                };
                if handled {
                    e.prevent_default();
                }
            })
        });
        move || drop(listener)
    });
}
