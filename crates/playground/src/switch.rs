//! Which workspace is on screen, and changing it without losing the one it replaces: at
//! start-up (share link, `#shared`, your saved workspace, the default example), opening an
//! example or a file, New, keeping or leaving a shared workspace, and Restore.

use crate::context::WorkspaceHandle;
use crate::state::{Action, Level, UiHandle};
use crate::storage::{self, Origin, LINK_KEY, LINK_ORIGINAL_KEY, SHARED_FRAGMENT};
use crate::workspace::Workspace;

pub const DEFAULT_EXAMPLE: &str = "wait-for-task-token.json";

pub struct Boot {
    pub workspace: Workspace,
    pub origin: Origin,
    pub notice: Option<(Level, String)>,
}

fn default_workspace() -> Workspace {
    let example = crate::examples::by_file(DEFAULT_EXAMPLE)
        .map(|e| e.json)
        .unwrap_or("");
    Workspace::from_json(example).unwrap_or_default()
}

/// Your own workspace as last saved, else the default example.
fn local_workspace() -> (Workspace, Option<String>) {
    let (saved, msg) = storage::load_saved();
    (saved.unwrap_or_else(default_workspace), msg)
}

/// The workspace to open at start-up. A share link opens as the shared workspace, beside
/// yours (which stays as it was); `#shared` comes back to it after a reload.
pub fn boot() -> Boot {
    let hash = storage::fragment();
    let problem = match crate::share::decode_fragment(&hash) {
        Ok(Some(text)) => match Workspace::from_json(&text) {
            Ok(mut w) => {
                let notice = w.recording_problem.take().map(|e| {
                    (Level::Error, format!("The link's recorded executions could not be read ({e}); its machines are open without them."))
                });
                // An earlier shared workspace that was edited is kept for Restore.
                if storage::link_edited() {
                    if let Some(old) = storage::document(LINK_KEY) {
                        let _ = storage::push_previous("A shared workspace you had edited", &old);
                    }
                }
                let _ = storage::save(&w, Origin::Link);
                let _ = storage::write(LINK_ORIGINAL_KEY, &w.to_json());
                storage::set_fragment(Some(SHARED_FRAGMENT));
                return Boot { workspace: w, origin: Origin::Link, notice };
            }
            Err(e) => Some(format!("The shared link holds no usable workspace ({e}). Your own workspace is open, unchanged.")),
        },
        Err(e) => Some(format!("The shared link could not be opened: {e}. Your own workspace is open, unchanged.")),
        Ok(None) if hash.trim_start_matches('#') == SHARED_FRAGMENT => match storage::load(LINK_KEY) {
            (Some(w), msg) => return Boot { workspace: w, origin: Origin::Link, notice: msg.map(|m| (Level::Error, m)) },
            (None, Some(msg)) => Some(msg),
            (None, None) => Some("The shared workspace is no longer kept in this browser. Your own workspace is open.".into()),
        },
        Ok(None) => None,
    };
    if problem.is_some() {
        storage::set_fragment(None);
    }
    let (workspace, saved_msg) = local_workspace();
    let notice = problem.or(saved_msg).map(|m| (Level::Error, m));
    Boot {
        workspace,
        origin: Origin::Local,
        notice,
    }
}

/// Whether the workspace [`boot`] opens uses JSONata, read from the same places in the same
/// order; where that cannot be told (a link that does not open, a missing shared workspace)
/// your own saved workspace decides.
pub fn boot_uses_jsonata() -> bool {
    let hash = storage::fragment();
    let mentions = crate::jsonata::mentions;
    if let Ok(Some(text)) = crate::share::decode_fragment(&hash) {
        return mentions(&text);
    }
    let shared = (hash.trim_start_matches('#') == SHARED_FRAGMENT)
        .then(|| storage::saved(LINK_KEY))
        .flatten();
    shared
        .or_else(|| storage::saved(storage::KEY))
        .is_some_and(|s| mentions(&s.workspace) || s.recording.as_deref().is_some_and(mentions))
}

/// Your own workspace's document as it is now: the one on screen, or the saved one while a
/// shared workspace is on screen.
fn local_text(ws: &WorkspaceHandle, origin: Origin) -> Option<String> {
    match origin {
        Origin::Local => Some(ws.read().to_json()),
        Origin::Link => storage::document(storage::KEY),
    }
}

/// Puts `new` on screen as your workspace. What it replaces is kept first for Restore, under
/// `label`; if that cannot be stored, nothing is replaced and the reason is returned.
pub fn replace_local(
    ws: &WorkspaceHandle,
    ui: &UiHandle,
    new: Workspace,
    label: &str,
) -> Result<(), String> {
    if let Some(old) = local_text(ws, ui.origin) {
        storage::push_previous(label, &old)?;
    }
    ws.update(|cur| cur.load(new));
    ui.dispatch(Action::Loaded);
    if ui.origin == Origin::Link {
        ui.dispatch(Action::SetOrigin(Origin::Local));
        storage::set_fragment(None);
    }
    Ok(())
}

/// Makes the shared workspace on screen your own; yours so far is kept for Restore.
pub fn keep_shared(ws: &WorkspaceHandle, ui: &UiHandle) {
    if let Some(old) = storage::document(storage::KEY) {
        if let Err(e) = storage::push_previous("Your workspace before you kept a shared one", &old)
        {
            ui.dispatch(Action::Notify(Level::Error, format!("Not kept: {e}")));
            return;
        }
    }
    if let Err(e) = storage::save(&ws.read(), Origin::Local) {
        ui.dispatch(Action::Notify(Level::Error, e));
        return;
    }
    storage::remove_workspace(LINK_KEY);
    storage::remove(LINK_ORIGINAL_KEY);
    storage::set_fragment(None);
    ui.dispatch(Action::SetOrigin(Origin::Local));
    ui.dispatch(Action::Notify(
        Level::Info,
        "This is now your workspace. The one it replaced is under Restore.".into(),
    ));
}

/// Leaves the shared workspace (it stays under Restore) and shows yours again.
pub fn back_to_local(ws: &WorkspaceHandle, ui: &UiHandle) {
    let (local, msg) = local_workspace();
    ws.update(|cur| cur.load(local));
    ui.dispatch(Action::Loaded);
    ui.dispatch(Action::SetOrigin(Origin::Local));
    storage::set_fragment(None);
    let text =
        msg.unwrap_or_else(|| "Your workspace is back. The shared one stays under Restore.".into());
    ui.dispatch(Action::Notify(Level::Info, text));
}

/// Shows the shared workspace kept in this browser again.
pub fn reopen_shared(ws: &WorkspaceHandle, ui: &UiHandle) {
    match storage::load(LINK_KEY) {
        (Some(w), msg) => {
            ws.update(|cur| cur.load(w));
            ui.dispatch(Action::Loaded);
            ui.dispatch(Action::SetOrigin(Origin::Link));
            ui.dispatch(Action::ShowRestore(false));
            storage::set_fragment(Some(SHARED_FRAGMENT));
            if let Some(msg) = msg {
                ui.dispatch(Action::Notify(Level::Error, msg));
            }
        }
        (None, msg) => {
            let text = msg.unwrap_or_else(|| {
                "The shared workspace is no longer kept in this browser.".into()
            });
            ui.dispatch(Action::Notify(Level::Error, text));
        }
    }
}

/// Puts back entry `index` of Restore's list; the workspace on screen takes its place there.
pub fn restore_previous(ws: &WorkspaceHandle, ui: &UiHandle, index: usize) {
    let (list, _) = storage::previous();
    let Some(entry) = list.get(index) else { return };
    let mut restored = match Workspace::from_json(&entry.workspace) {
        Ok(w) => w,
        Err(e) => {
            ui.dispatch(Action::Notify(
                Level::Error,
                format!("That workspace cannot be opened: {e}"),
            ));
            return;
        }
    };
    // Drop it from the list first, so that the workspace it replaces can take its place.
    storage::forget_previous(index);
    let problem = restored.recording_problem.take();
    match replace_local(ws, ui, restored, "Before you restored an earlier workspace") {
        Ok(()) => {
            ui.dispatch(Action::ShowRestore(false));
            ui.dispatch(match problem {
                None => Action::Notify(
                    Level::Info,
                    "Restored. The workspace it replaced is under Restore.".into(),
                ),
                Some(e) => Action::Notify(
                    Level::Error,
                    format!("Restored without its recorded executions, which could not be read ({e}). The workspace it replaced is under Restore."),
                ),
            });
        }
        Err(e) => {
            // Put the entry back: nothing changed on screen.
            let _ = storage::push_previous(&entry.label, &entry.workspace);
            ui.dispatch(Action::Notify(Level::Error, format!("Not restored: {e}")));
        }
    }
}
