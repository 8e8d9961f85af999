//! Autosave in localStorage, import/export as a file, and loading at start-up (share link
//! first, then the saved workspace, then the first example).

use gloo::storage::{LocalStorage, Storage};

use crate::workspace::Workspace;

pub const KEY: &str = "stepwise.workspace.v1";
pub const CORRUPT_PREFIX: &str = "stepwise.workspace.corrupt.";

pub fn save(w: &Workspace) -> Result<(), String> {
    let Some(store) = raw_storage() else { return Ok(()) };
    store
        .set_item(KEY, &w.to_json())
        .map_err(|_| "Could not autosave: the browser's storage is full or disabled. Export the workspace to keep it.".to_string())
}

fn raw_storage() -> Option<web_sys::Storage> {
    // Private modes can refuse storage outright; the playground then simply does not autosave.
    let _ = LocalStorage::length();
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The saved workspace, if any. A stored value that does not load is moved aside under a
/// timestamped key (so nothing is lost) and reported.
pub fn load_saved() -> (Option<Workspace>, Option<String>) {
    let Some(store) = raw_storage() else { return (None, None) };
    let Ok(Some(text)) = store.get_item(KEY) else { return (None, None) };
    match Workspace::from_json(&text) {
        Ok(w) => (Some(w), None),
        Err(e) => {
            let aside = format!("{CORRUPT_PREFIX}{}", js_sys::Date::now() as u64);
            let _ = store.set_item(&aside, &text);
            let _ = store.remove_item(KEY);
            (None, Some(format!("The saved workspace could not be read ({e}). It was set aside in localStorage as \"{aside}\".")))
        }
    }
}

/// The workspace in the URL fragment, if the page was opened from a share link.
pub fn load_fragment() -> (Option<Workspace>, Option<String>) {
    let Some(hash) = web_sys::window().and_then(|w| w.location().hash().ok()) else { return (None, None) };
    match crate::share::decode_fragment(&hash) {
        Ok(None) => (None, None),
        Ok(Some(text)) => match Workspace::from_json(&text) {
            Ok(w) => (Some(w), Some("Opened the workspace from the shared link.".into())),
            Err(e) => (None, Some(format!("The shared link holds no usable workspace: {e}"))),
        },
        Err(e) => (None, Some(e)),
    }
}

/// Drops the `#w=` fragment once loaded, so a reload shows the autosaved (edited) workspace.
pub fn clear_fragment() {
    if let Some(w) = web_sys::window() {
        if let (Ok(history), Ok(path), Ok(search)) = (w.history(), w.location().pathname(), w.location().search()) {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{search}")));
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
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement =
        doc.create_element("a").map_err(|_| "cannot create a link")?.dyn_into().map_err(|_| "not a link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoke the URL only once the browser has had time to start the download.
    gloo::timers::callback::Timeout::new(2_000, move || drop(url)).forget();
    Ok(())
}
