//! How a saved workspace lies in storage: the workspace under its key, its imported recording
//! under a key of its own.
//!
//! A recording (the texts an import was made from, up to `recorded::MAX_KEPT_BYTES`, 1 MB) does
//! not change while someone types, but autosave runs on every keystroke: kept inside the
//! workspace document it was serialized and rewritten each time. So the recording lives under
//! [`recording_key`] and is written only when it changes (imported, replaced, removed), and the
//! workspace key holds the rest, with a `recordingStored` pointer: the length and FNV-1a hash of
//! the recording key's text. A workspace is thus never paired with a recording that is not its
//! own (one left by a save cut short, or edited by hand): that one is set aside instead.
//!
//! Workspaces saved before the split (the recording inside the document) open as they were and
//! are split by their next save. Export, share links and Restore's list keep whole documents
//! ([`Shelf::document`] puts one back together).
//!
//! Everything goes through a [`Store`], so that the same code runs on localStorage and, in
//! tests, natively on a map.

use std::cell::RefCell;

use serde_json::Value as Json;

use crate::workspace::{SavedWorkspace, Workspace};

/// Key/value text storage: localStorage in the page.
pub trait Store {
    fn get(&self, key: &str) -> Option<String>;
    /// `false` when the store refused (full or disabled).
    fn set(&self, key: &str, text: &str) -> bool;
    fn remove(&self, key: &str);
    /// A number for the key of a value set aside (milliseconds since the epoch in the page).
    fn stamp(&self) -> u64;
}

/// Where the recording of the workspace stored under `key` is kept.
pub fn recording_key(key: &str) -> String {
    format!("{key}.recording")
}

pub const FULL: &str =
    "Could not autosave: the browser's storage is full or disabled. Export the workspace to keep it.";
pub const RECORDING_NOT_SAVED: &str = "The recorded executions could not be autosaved: the browser's storage is full. The machines were saved; keep the files you imported.";

/// The field of a stored workspace that points at its recording.
const POINTER: &str = "recordingStored";

/// What a stored workspace says of its recording: which text it was saved with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pointer {
    /// Length of the recording key's text, in bytes of UTF-8.
    pub bytes: usize,
    /// Its FNV-1a 64-bit hash, 16 hex digits (a fixed function: a build of another Rust version
    /// must still recognise what an older one saved).
    pub fnv1a64: String,
}

impl Pointer {
    pub fn of(text: &str) -> Pointer {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in text.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Pointer {
            bytes: text.len(),
            fnv1a64: format!("{h:016x}"),
        }
    }

    /// The field as JSON, written and read by hand rather than derived: the playground's wasm
    /// is on a size budget.
    pub fn to_json(&self) -> String {
        format!(
            "{{\n    \"bytes\": {},\n    \"fnv1a64\": \"{}\"\n  }}",
            self.bytes, self.fnv1a64
        )
    }

    fn from_json(v: &Json) -> Option<Pointer> {
        Some(Pointer {
            bytes: usize::try_from(v.get("bytes")?.as_u64()?).ok()?,
            fnv1a64: v.get("fnv1a64")?.as_str()?.to_string(),
        })
    }
}

/// What the layout needs of a stored workspace text, read without building the workspace.
#[derive(Default)]
struct Head {
    /// It has a `recordingStored` field.
    pointed: bool,
    pointer: Option<Pointer>,
    /// It has a `recording` (a document saved before the split: its recording inside).
    inside: bool,
}

impl Head {
    fn of(text: &str) -> Head {
        let Ok(Json::Object(doc)) = serde_json::from_str::<Json>(text) else {
            return Head::default();
        };
        let field = doc.get(POINTER);
        Head {
            pointed: field.is_some(),
            pointer: field.and_then(Pointer::from_json),
            inside: doc.get("recording").is_some_and(|r| !r.is_null()),
        }
    }

    /// The pointer, unless the document still holds its recording (that one wins).
    fn pointer(self) -> Option<Pointer> {
        self.pointer.filter(|_| !self.inside)
    }
}

/// The workspace key's text: the document without its recording, and the pointer as its last
/// field (`SavedWorkspace` always has `version` and `machines`: the object is never empty).
fn stored_text(saved: &SavedWorkspace, pointer: Option<&Pointer>) -> String {
    let text = serde_json::to_string_pretty(saved).unwrap_or_default();
    match (pointer, text.strip_suffix("\n}")) {
        (Some(p), Some(head)) => format!("{head},\n  \"{POINTER}\": {}\n}}", p.to_json()),
        _ => text,
    }
}

/// A saved workspace as stored: the workspace key's text and, when it points at one and it is
/// there unchanged, its recording key's text.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    pub workspace: String,
    pub recording: Option<String>,
}

/// What a recording key is known to hold, so that autosave need not write it again.
#[derive(Clone, Debug, PartialEq)]
enum Held {
    Nothing,
    /// The saved form of the recording whose `Recorded::id` is `id`.
    Recording {
        id: u64,
        pointer: Pointer,
    },
}

/// Saved workspaces in a [`Store`], remembering what each recording key holds.
pub struct Shelf<S> {
    store: S,
    /// By recording key (two at most); a key not listed holds what nobody here knows (not yet read, written
    /// by another tab, or set aside).
    held: RefCell<Vec<(String, Held)>>,
}

impl<S: Store> Shelf<S> {
    pub fn new(store: S) -> Self {
        Shelf {
            store,
            held: RefCell::new(Vec::new()),
        }
    }

    /// Forgets what `key` was known to hold (another tab changed it); `None` forgets all.
    pub fn forget(&self, key: Option<&str>) {
        match key {
            Some(k) => self.held.borrow_mut().retain(|(key, _)| key != k),
            None => self.held.borrow_mut().clear(),
        }
    }

    fn hold(&self, rkey: &str, what: Held) {
        self.forget(Some(rkey));
        self.held.borrow_mut().push((rkey.to_string(), what));
    }

    fn held(&self, rkey: &str) -> Option<Held> {
        let held = self.held.borrow();
        held.iter().find(|(k, _)| k == rkey).map(|(_, h)| h.clone())
    }

    fn put_workspace(&self, key: &str, saved: &SavedWorkspace, pointer: Option<&Pointer>) -> bool {
        self.store.set(key, &stored_text(saved, pointer))
    }

    /// Empties a recording key (unless it is known to be empty).
    fn clear_recording(&self, rkey: &str) {
        if self.held(rkey) != Some(Held::Nothing) {
            self.store.remove(rkey);
            self.hold(rkey, Held::Nothing);
        }
    }

    /// Saves `w` under `key`. Its recording (when within what a workspace keeps) is written only
    /// if that key does not hold it already; without room for it, the machines are saved alone.
    pub fn save(&self, w: &Workspace, key: &str) -> Result<(), String> {
        let rkey = recording_key(key);
        let saved = w.to_saved_with(false);
        let Some(r) = w.recording.as_deref().filter(|r| r.kept()) else {
            if !self.put_workspace(key, &saved, None) {
                return Err(FULL.into());
            }
            self.clear_recording(&rkey);
            return Ok(());
        };
        if let Some(Held::Recording { id, pointer }) = self.held(&rkey) {
            if id == r.id() {
                return match self.put_workspace(key, &saved, Some(&pointer)) {
                    true => Ok(()),
                    false => Err(FULL.into()),
                };
            }
        }
        // A recording the key does not hold yet. The workspace goes first: refused, nothing has
        // changed; a stop between the two writes leaves a pointer that does not match, which a
        // load notices.
        let text = serde_json::to_string_pretty(&r.to_saved()).unwrap_or_default();
        let pointer = Pointer::of(&text);
        if !self.put_workspace(key, &saved, Some(&pointer)) {
            return Err(FULL.into());
        }
        if self.store.set(&rkey, &text) {
            self.hold(
                &rkey,
                Held::Recording {
                    id: r.id(),
                    pointer,
                },
            );
            return Ok(());
        }
        // No room for the recording: the machines at least are kept, pointing at none, and the
        // recording the key held (another workspace's) makes room.
        let _ = self.put_workspace(key, &saved, None);
        self.store.remove(&rkey);
        self.hold(&rkey, Held::Nothing);
        Err(RECORDING_NOT_SAVED.into())
    }

    /// Moves an unreadable stored value aside under a timestamped key; returns that key.
    pub fn set_aside(&self, key: &str, text: &str) -> String {
        let stamp = self.store.stamp();
        let mut aside = format!("{}{stamp}", super::CORRUPT_PREFIX);
        // Two values set aside in the same millisecond each keep their own key.
        let mut n = 1;
        while self.store.get(&aside).is_some() {
            aside = format!("{}{stamp}-{n}", super::CORRUPT_PREFIX);
            n += 1;
        }
        // Only drop the original once its copy is stored.
        if self.store.set(&aside, text) {
            self.store.remove(key);
        }
        self.forget(Some(key));
        aside
    }

    /// The workspace stored under `key`, if any, with its recording. What does not load is set
    /// aside and reported: a workspace that does not read (the default opens instead), a
    /// recording that does not import again or is not the one the workspace was saved with (the
    /// workspace opens without it), and a recording without its workspace.
    pub fn load(&self, key: &str) -> (Option<Workspace>, Option<String>) {
        let rkey = recording_key(key);
        let Some(text) = self.store.get(key) else {
            return (None, self.orphan(&rkey));
        };
        let mut w = match Workspace::from_json(&text) {
            Ok(w) => w,
            Err(e) => {
                let aside = self.set_aside(key, &text);
                let also = match self.orphan_aside(&rkey) {
                    Some(r) => format!(" (its recorded executions as \"{r}\")"),
                    None => String::new(),
                };
                return (None, Some(format!("The saved workspace could not be read ({e}). It was set aside in localStorage as \"{aside}\"{also}.")));
            }
        };
        // Saved before the split, its recording inside: as before.
        if let Some(e) = w.recording_problem.take() {
            let aside = self.set_aside(key, &text);
            return (Some(w), Some(unreadable(&e, &aside)));
        }
        let Some(pointer) = Head::of(&text).pointer() else {
            return (Some(w), self.orphan(&rkey));
        };
        let note = match self.store.get(&rkey) {
            None => {
                self.hold(&rkey, Held::Nothing);
                Some("The recorded executions saved with the workspace are missing from this browser's storage; it opened without them.".to_string())
            }
            Some(rtext) if Pointer::of(&rtext) != pointer => {
                let aside = self.set_aside(&rkey, &rtext);
                Some(unreadable(
                    &format!("what is stored under \"{rkey}\" is not the recording saved with it"),
                    &aside,
                ))
            }
            Some(rtext) => match recording_from_text(&rtext) {
                Ok(r) => {
                    self.hold(
                        &rkey,
                        Held::Recording {
                            id: r.id(),
                            pointer,
                        },
                    );
                    w.recording = Some(Box::new(r));
                    None
                }
                Err(e) => {
                    let aside = self.set_aside(&rkey, &rtext);
                    Some(unreadable(&e, &aside))
                }
            },
        };
        (Some(w), note)
    }

    /// A recording key the workspace does not point at (or with no workspace at all): set aside
    /// rather than dropped by the next save.
    fn orphan(&self, rkey: &str) -> Option<String> {
        let aside = self.orphan_aside(rkey)?;
        Some(format!("Recorded executions were stored without a workspace that goes with them. They were set aside in localStorage as \"{aside}\"."))
    }

    fn orphan_aside(&self, rkey: &str) -> Option<String> {
        match self.store.get(rkey) {
            None => {
                self.hold(rkey, Held::Nothing);
                None
            }
            Some(text) => Some(self.set_aside(rkey, &text)),
        }
    }

    /// The texts stored for the workspace under `key`: the one function that reads a saved
    /// workspace's keys (loading aside), so that where its recording lies stays here.
    pub fn saved(&self, key: &str) -> Option<Saved> {
        let workspace = self.store.get(key)?;
        let recording = Head::of(&workspace).pointer().and_then(|p| {
            self.store
                .get(&recording_key(key))
                .filter(|t| Pointer::of(t) == p)
        });
        Some(Saved {
            workspace,
            recording,
        })
    }

    /// The workspace under `key` as one document (what `Workspace::to_json` writes: the
    /// recording inside), for Restore's list and comparisons; without a recording that is
    /// missing or not its own.
    pub fn document(&self, key: &str) -> Option<String> {
        let saved = self.saved(key)?;
        if !Head::of(&saved.workspace).pointed {
            // Saved before the split, or without a recording: already one document.
            return Some(saved.workspace);
        }
        let Ok(mut doc) = serde_json::from_str::<SavedWorkspace>(&saved.workspace) else {
            return Some(saved.workspace);
        };
        if doc.recording.is_none() {
            doc.recording = saved.recording.and_then(|t| serde_json::from_str(&t).ok());
        }
        Some(serde_json::to_string_pretty(&doc).unwrap_or(saved.workspace))
    }

    /// Removes the workspace under `key` and its recording.
    pub fn remove(&self, key: &str) {
        let rkey = recording_key(key);
        self.store.remove(&rkey);
        self.hold(&rkey, Held::Nothing);
        self.store.remove(key);
    }
}

/// The notice for a recording that could not be read (`why`), set aside as `aside`.
fn unreadable(why: &str, aside: &str) -> String {
    format!("The recorded executions saved with the workspace could not be read ({why}); it opened without them. What was saved was set aside in localStorage as \"{aside}\".")
}

fn recording_from_text(text: &str) -> Result<crate::recorded::Recorded, String> {
    let v: stepwise_json::Value =
        serde_json::from_str(text).map_err(|e| format!("its saved form is not JSON: {e}"))?;
    crate::recorded::from_saved(&v)
}
