//! What the browser keeps between page loads, and import/export as a file.
//!
//! Three places in localStorage, so that opening a share link, an example or a file never
//! overwrites what someone typed:
//! * `KEY`: your own workspace, autosaved while it is on screen;
//! * `LINK_KEY`: the workspace opened from the latest share link, autosaved while *it* is on
//!   screen (the page's address is then `#shared`, so a reload comes back to it), with the
//!   text it was opened with under `LINK_ORIGINAL_KEY` (to tell whether it was edited);
//! * `PREVIOUS_KEY`: the workspaces that something replaced, newest first, for Restore.
//!
//! The recording imported into a workspace is kept under a key of its own beside it (`KEY` +
//! `.recording`, `LINK_KEY` + `.recording`), written only when it changes: see [`layout`], which
//! alone knows that split. Restore's list, `LINK_ORIGINAL_KEY`, Export and share links hold
//! whole documents.
//!
//! A stored value that does not load is moved aside under a timestamped key, never deleted.

mod layout;
#[cfg(test)]
mod tests;

use gloo::storage::{LocalStorage, Storage};
use serde::{Deserialize, Serialize};

pub use layout::{recording_key, Saved};

use crate::workspace::Workspace;

pub const KEY: &str = "stepwise.workspace.v1";
pub const LINK_KEY: &str = "stepwise.link.v1";
pub const LINK_ORIGINAL_KEY: &str = "stepwise.link.original.v1";
pub const PREVIOUS_KEY: &str = "stepwise.previous.v1";
pub const CORRUPT_PREFIX: &str = "stepwise.workspace.corrupt.";
/// The address fragment while the shared workspace is on screen.
pub const SHARED_FRAGMENT: &str = "shared";

/// How many replaced workspaces Restore offers, and how many characters they may take in all
/// (localStorage holds about 5 MB per site; the rest is for the workspaces themselves).
pub const MAX_PREVIOUS: usize = 12;
pub const MAX_PREVIOUS_CHARS: usize = 1_500_000;

/// Which workspace is on screen, hence where autosave writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Your own workspace (`KEY`).
    Local,
    /// The workspace from a share link (`LINK_KEY`); yours is left untouched.
    Link,
}

impl Origin {
    pub fn key(self) -> &'static str {
        match self {
            Origin::Local => KEY,
            Origin::Link => LINK_KEY,
        }
    }
}

fn raw_storage() -> Option<web_sys::Storage> {
    // Private modes can refuse storage outright; the playground then simply does not autosave.
    let _ = LocalStorage::length();
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The page's localStorage as a [`layout::Store`].
struct Browser;

impl layout::Store for Browser {
    fn get(&self, key: &str) -> Option<String> {
        read(key)
    }
    fn set(&self, key: &str, text: &str) -> bool {
        write(key, text)
    }
    fn remove(&self, key: &str) {
        remove(key)
    }
    fn stamp(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}

thread_local! {
    static SHELF: layout::Shelf<Browser> = {
        watch_other_tabs();
        layout::Shelf::new(Browser)
    };
}

/// Another tab of the playground writing a key means this one no longer knows what it holds
/// (autosave then writes its recording again rather than pointing at another tab's).
fn watch_other_tabs() {
    use wasm_bindgen::JsCast;
    if let Some(window) = web_sys::window() {
        gloo::events::EventListener::new(&window, "storage", |event| {
            let key = event
                .dyn_ref::<web_sys::StorageEvent>()
                .and_then(|e| e.key());
            // `None` when the other tab cleared the whole storage.
            SHELF.with(|shelf| shelf.forget(key.as_deref()));
        })
        .forget();
    }
}

/// Autosaves `w` where `origin` says. Its recording is written only when that place does not
/// hold it yet, so a keystroke writes the small workspace alone.
pub fn save(w: &Workspace, origin: Origin) -> Result<(), String> {
    SHELF.with(|shelf| shelf.save(w, origin.key()))
}

/// The texts stored for the workspace under `key` (`KEY` or `LINK_KEY`).
pub fn saved(key: &str) -> Option<Saved> {
    SHELF.with(|shelf| shelf.saved(key))
}

/// The workspace under `key` as one document, its recording inside, as `Workspace::to_json`
/// writes it: what Restore keeps and what a share link's original is compared with.
pub fn document(key: &str) -> Option<String> {
    SHELF.with(|shelf| shelf.document(key))
}

/// Removes the workspace under `key` and its recording.
pub fn remove_workspace(key: &str) {
    SHELF.with(|shelf| shelf.remove(key))
}

pub fn read(key: &str) -> Option<String> {
    raw_storage()?.get_item(key).ok().flatten()
}

/// Stores `text` under `key`; `false` when the browser refused (full or disabled storage).
pub fn write(key: &str, text: &str) -> bool {
    match raw_storage() {
        Some(s) => s.set_item(key, text).is_ok(),
        None => true,
    }
}

pub fn remove(key: &str) {
    if let Some(s) = raw_storage() {
        let _ = s.remove_item(key);
    }
}

/// Moves an unreadable stored value aside under a timestamped key; returns that key.
fn set_aside(key: &str, text: &str) -> String {
    SHELF.with(|shelf| shelf.set_aside(key, text))
}

/// The workspace stored under `key` (`KEY` or `LINK_KEY`), if any, with its recording. One that
/// does not load is set aside and reported; so is a recording that does not import again (the
/// workspace opens without it).
pub fn load(key: &str) -> (Option<Workspace>, Option<String>) {
    SHELF.with(|shelf| shelf.load(key))
}

/// Your own saved workspace, if any.
pub fn load_saved() -> (Option<Workspace>, Option<String>) {
    load(KEY)
}

/// The shared workspace was changed since it was opened from its link.
pub fn link_edited() -> bool {
    match (document(LINK_KEY), read(LINK_ORIGINAL_KEY)) {
        (Some(now), Some(then)) => now != then,
        (Some(_), None) => true,
        _ => false,
    }
}

/// A workspace that something replaced, kept for Restore.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Previous {
    /// What replaced it ("Before opening the example …").
    pub label: String,
    /// When, in milliseconds since the epoch.
    pub at: f64,
    /// The workspace document, as saved.
    pub workspace: String,
}

/// The replaced workspaces, newest first. A list that does not parse is set aside.
pub fn previous() -> (Vec<Previous>, Option<String>) {
    let Some(text) = read(PREVIOUS_KEY) else {
        return (Vec::new(), None);
    };
    match serde_json::from_str::<Vec<Previous>>(&text) {
        Ok(list) => (list, None),
        Err(e) => {
            let aside = set_aside(PREVIOUS_KEY, &text);
            (Vec::new(), Some(format!("The list of earlier workspaces could not be read ({e}). It was set aside in localStorage as \"{aside}\".")))
        }
    }
}

/// An unedited example (or nothing at all) need not be kept: the gallery has it.
fn worth_keeping(text: &str) -> bool {
    let Ok(w) = Workspace::from_json(text) else {
        return true;
    };
    if w.machines.is_empty() && w.input.trim() == "{}" && w.mocks.trim().is_empty() {
        return false;
    }
    !crate::examples::EXAMPLES
        .iter()
        .filter_map(|e| Workspace::from_json(e.json).ok())
        .any(|e| e.to_json() == text)
}

/// Keeps `text` (a workspace document) at the top of the list for Restore. An error means it
/// could not be stored, and the caller must not replace the workspace.
pub fn push_previous(label: &str, text: &str) -> Result<(), String> {
    if !worth_keeping(text) {
        return Ok(());
    }
    let (mut list, _) = previous();
    list.retain(|p| p.workspace != text);
    list.insert(
        0,
        Previous {
            label: label.to_string(),
            at: js_sys::Date::now(),
            workspace: text.to_string(),
        },
    );
    // Oldest first out, but never the one just added.
    while list.len() > 1
        && (list.len() > MAX_PREVIOUS
            || list.iter().map(|p| p.workspace.len()).sum::<usize>() > MAX_PREVIOUS_CHARS)
    {
        list.pop();
    }
    loop {
        let body = serde_json::to_string(&list).unwrap_or_default();
        if write(PREVIOUS_KEY, &body) {
            return Ok(());
        }
        if list.len() <= 1 {
            return Err("the browser's storage is full or disabled, so the workspace on screen could not be kept for Restore. Export it first.".into());
        }
        list.pop();
    }
}

/// Removes entry `index` from the list (once it was restored).
pub fn forget_previous(index: usize) {
    let (mut list, _) = previous();
    if index < list.len() {
        list.remove(index);
        let _ = write(
            PREVIOUS_KEY,
            &serde_json::to_string(&list).unwrap_or_default(),
        );
    }
}

/// The page's address fragment, with its `#`.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Replaces the address fragment without adding a history entry (`None` drops it).
pub fn set_fragment(fragment: Option<&str>) {
    if let Some(w) = web_sys::window() {
        if let (Ok(history), Ok(path), Ok(search)) =
            (w.history(), w.location().pathname(), w.location().search())
        {
            let hash = fragment.map(|f| format!("#{f}")).unwrap_or_default();
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("{path}{search}{hash}")),
            );
        }
    }
}

/// Offers JSON `text` as a download named `name`.
pub fn download(name: &str, text: &str) -> Result<(), String> {
    download_as(name, text, "application/json")
}

/// Offers `text` of media type `mime` as a download named `name`.
pub fn download_as(name: &str, text: &str, mime: &str) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    let blob = gloo::file::Blob::new_with_options(text, Some(mime));
    let url = gloo::file::ObjectUrl::from(blob);
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "cannot create a link")?
        .dyn_into()
        .map_err(|_| "not a link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoke the URL only once the browser has had time to start the download.
    gloo::timers::callback::Timeout::new(2_000, move || drop(url)).forget();
    Ok(())
}
