//! The storage layout (`layout.rs`) on an in-memory store, natively and in the browser (the wasm
//! layer), and once on the page's own localStorage.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use super::layout::{recording_key, Shelf, Store, FULL, RECORDING_NOT_SAVED};
use super::{CORRUPT_PREFIX, KEY, LINK_KEY};
use crate::recorded::tests::{callback, sync_child};
use crate::recorded::{self, MAX_KEPT_BYTES};
use crate::workspace::Workspace;

/// A store in memory with a quota, like localStorage, that counts what is written.
struct Memory {
    map: RefCell<BTreeMap<String, String>>,
    /// Bytes of keys and values it accepts in all.
    quota: Cell<usize>,
    /// Every accepted write: key and bytes.
    writes: RefCell<Vec<(String, usize)>>,
    stamp: Cell<u64>,
}

impl Memory {
    fn new() -> Rc<Memory> {
        Rc::new(Memory {
            map: RefCell::default(),
            quota: Cell::new(usize::MAX),
            writes: RefCell::default(),
            stamp: Cell::new(1_700_000_000_000),
        })
    }

    fn text(&self, key: &str) -> Option<String> {
        self.map.borrow().get(key).cloned()
    }

    fn put(&self, key: &str, text: &str) {
        self.map.borrow_mut().insert(key.into(), text.into());
    }

    fn used(&self) -> usize {
        self.map
            .borrow()
            .iter()
            .map(|(k, v)| k.len() + v.len())
            .sum()
    }

    /// The values set aside, in the order of their keys.
    fn aside(&self) -> Vec<String> {
        let map = self.map.borrow();
        map.iter()
            .filter(|(k, _)| k.starts_with(CORRUPT_PREFIX))
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Writes since the last call: key and bytes.
    fn take_writes(&self) -> Vec<(String, usize)> {
        std::mem::take(&mut *self.writes.borrow_mut())
    }
}

impl Store for Rc<Memory> {
    fn get(&self, key: &str) -> Option<String> {
        self.text(key)
    }
    fn set(&self, key: &str, text: &str) -> bool {
        let old = self
            .map
            .borrow()
            .get(key)
            .map_or(0, |v| key.len() + v.len());
        if self.used() - old + key.len() + text.len() > self.quota.get() {
            return false;
        }
        self.put(key, text);
        self.writes.borrow_mut().push((key.into(), text.len()));
        true
    }
    fn remove(&self, key: &str) {
        self.map.borrow_mut().remove(key);
    }
    fn stamp(&self) -> u64 {
        self.stamp.get()
    }
}

/// `sources` grown to `bytes` with JSON text after the history's last page (whitespace an
/// import skips, and quotes and newlines that its saved form escapes, as real histories have).
fn grown(mut sources: Vec<(String, String)>, bytes: usize) -> Vec<(String, String)> {
    let have: usize = sources.iter().map(|(n, t)| n.len() + t.len()).sum();
    let line = " \n\t   \n";
    let pad = line.repeat((bytes - have) / line.len() + 1);
    sources[0].1.push_str(&pad[..bytes - have]);
    sources
}

/// A workspace of the recording's machines, with the recording.
fn with_recording(sources: &[(String, String)]) -> Workspace {
    let r = recorded::import(sources).expect("imports");
    let mut w = Workspace::new(r.machines(), "{\n  \"order\": 42\n}".into(), String::new());
    w.title = Some("Recorded: tests".into());
    w.recording = Some(Box::new(r));
    w
}

fn sources(w: &Workspace) -> &[(String, String)] {
    w.recording.as_ref().expect("a recording").sources()
}

/// The same store, as a page reload sees it: nothing known yet.
fn reload(store: &Rc<Memory>) -> Shelf<Rc<Memory>> {
    Shelf::new(store.clone())
}

fn rkey() -> String {
    recording_key(KEY)
}

#[test]
fn a_keystroke_writes_the_workspace_alone_and_a_reload_brings_the_recording_back() {
    let store = Memory::new();
    let shelf = Shelf::new(store.clone());
    let mut w = with_recording(&sync_child());
    shelf.save(&w, KEY).unwrap();
    let first = store.take_writes();
    assert_eq!(
        first.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        [KEY, rkey().as_str()],
        "the workspace, then its recording"
    );
    assert!(!store.text(KEY).unwrap().contains("\"recording\""));
    assert!(store.text(KEY).unwrap().contains("\"recordingStored\""));
    for (i, key) in ["a", "b", "c"].iter().enumerate() {
        w.input = format!("{{\"typed\": \"{}\"}}", key.repeat(i + 1));
        shelf.save(&w, KEY).unwrap();
        let writes = store.take_writes();
        assert_eq!(writes.len(), 1, "{writes:?}");
        assert_eq!(writes[0].0, KEY);
    }
    // Reload: the workspace and recording as they were, byte for byte, and the document is what
    // Export writes.
    let shelf = reload(&store);
    let (back, note) = shelf.load(KEY);
    assert_eq!(note, None);
    let back = back.unwrap();
    assert_eq!(back.to_json(), w.to_json());
    assert_eq!(sources(&back), sync_child());
    assert_eq!(shelf.document(KEY).unwrap(), w.to_json());
    // After the reload too, typing does not write the recording again.
    store.take_writes();
    shelf.save(&back, KEY).unwrap();
    assert_eq!(store.take_writes().len(), 1);
}

#[test]
fn a_workspace_saved_with_its_recording_inside_opens_as_it_was_and_is_split_on_its_next_save() {
    let store = Memory::new();
    let w = with_recording(&sync_child());
    let old = w.to_json();
    assert!(old.contains("\"recording\""), "the format before the split");
    store.put(KEY, &old);
    let shelf = reload(&store);
    assert_eq!(shelf.document(KEY).unwrap(), old);
    let (back, note) = shelf.load(KEY);
    assert_eq!(note, None);
    let back = back.unwrap();
    assert_eq!(back.to_json(), old, "the same workspace, byte for byte");
    assert_eq!(sources(&back), sync_child(), "the same recording");

    shelf.save(&back, KEY).unwrap();
    let split = store.text(KEY).unwrap();
    assert!(!split.contains("\"recording\"") && split.len() < old.len() / 2);
    assert!(store.text(&rkey()).is_some());
    let shelf = reload(&store);
    assert_eq!(shelf.document(KEY).unwrap(), old, "one document again");
    let (again, note) = shelf.load(KEY);
    assert_eq!(note, None);
    assert_eq!(again.unwrap().to_json(), old);
}

#[test]
fn a_damaged_recording_key_opens_the_workspace_without_it_and_is_set_aside() {
    let w = with_recording(&sync_child());
    let machines = |w: &Workspace| {
        w.machines
            .iter()
            .map(|m| m.name.clone())
            .collect::<Vec<_>>()
    };
    // Cut short, and replaced by text that is not a recording: neither is what was saved.
    let damages: [fn(&str) -> String; 2] = [|t| t[..t.len() / 2].to_string(), |_| "42".into()];
    for damage in damages {
        let store = Memory::new();
        Shelf::new(store.clone()).save(&w, KEY).unwrap();
        let bad = damage(&store.text(&rkey()).unwrap());
        store.put(&rkey(), &bad);
        let shelf = reload(&store);
        assert_eq!(shelf.saved(KEY).unwrap().recording, None);
        let (back, note) = shelf.load(KEY);
        let (back, note) = (back.unwrap(), note.unwrap());
        assert!(back.recording.is_none());
        assert_eq!(machines(&back), machines(&w), "the machines open");
        assert!(
            note.contains("The recorded executions saved with the workspace could not be read")
                && note.contains("is not the recording saved with it")
                && note.contains("set aside"),
            "{note}"
        );
        assert_eq!(store.aside(), [bad], "set aside as it was");
        assert_eq!(store.text(&rkey()), None);
        shelf.save(&back, KEY).unwrap();
        assert!(!store.text(KEY).unwrap().contains("recordingStored"));
        assert_eq!(reload(&store).load(KEY).1, None, "nothing more to say");
    }

    // What was saved, but no longer imports (a recording an older playground accepted): the
    // import's own error.
    let store = Memory::new();
    let shelf = Shelf::new(store.clone());
    let plain = Workspace::new(w.machines.clone(), w.input.clone(), String::new());
    shelf.save(&plain, KEY).unwrap();
    let bad = r#"[{"name":"history.json","text":"{\"events\": [{"}]"#;
    let pointer = super::layout::Pointer::of(bad).to_json();
    let mut doc: serde_json::Value = serde_json::from_str(&store.text(KEY).unwrap()).unwrap();
    doc["recordingStored"] = serde_json::from_str(&pointer).unwrap();
    store.put(KEY, &doc.to_string());
    store.put(&rkey(), bad);
    let (back, note) = reload(&store).load(KEY);
    let note = note.unwrap();
    assert!(back.unwrap().recording.is_none());
    assert!(
        note.contains("history.json:1:") && note.contains("set aside"),
        "{note}"
    );
    assert_eq!(store.aside(), [bad]);
}

#[test]
fn a_recording_without_its_workspace_and_a_workspace_without_its_recording_are_handled() {
    let w = with_recording(&sync_child());
    // The workspace key gone: the recording is set aside (not dropped by the next save).
    let store = Memory::new();
    Shelf::new(store.clone()).save(&w, KEY).unwrap();
    let rec = store.text(&rkey()).unwrap();
    store.remove(KEY);
    let shelf = reload(&store);
    assert_eq!(shelf.document(KEY), None);
    let (back, note) = shelf.load(KEY);
    assert!(back.is_none());
    let note = note.unwrap();
    assert!(
        note.contains("without a workspace") && note.contains("set aside"),
        "{note}"
    );
    assert_eq!(store.aside(), std::slice::from_ref(&rec));
    assert_eq!(store.text(&rkey()), None);

    // Beside a workspace that does not point at it (saved without a recording): the same.
    let store = Memory::new();
    let plain = Workspace::new(w.machines.clone(), w.input.clone(), String::new());
    Shelf::new(store.clone()).save(&plain, KEY).unwrap();
    store.put(&rkey(), &rec);
    let (back, note) = reload(&store).load(KEY);
    assert_eq!(back.unwrap().to_json(), plain.to_json());
    assert!(note.unwrap().contains("set aside"));
    assert_eq!(store.aside(), [rec]);

    // The recording key gone: the workspace opens without it, and says so.
    let store = Memory::new();
    Shelf::new(store.clone()).save(&w, KEY).unwrap();
    store.remove(&rkey());
    let shelf = reload(&store);
    assert_eq!(
        shelf.document(KEY).unwrap(),
        w.to_json_with(false),
        "the document without it"
    );
    let (back, note) = shelf.load(KEY);
    let back = back.unwrap();
    assert!(back.recording.is_none());
    assert_eq!(back.to_json(), w.to_json_with(false));
    assert!(note.unwrap().contains("missing"));
    assert!(store.aside().is_empty());
    shelf.save(&back, KEY).unwrap();
    assert_eq!(reload(&store).load(KEY).1, None);
}

#[test]
fn your_workspace_and_the_shared_one_keep_their_own_recordings() {
    let store = Memory::new();
    let shelf = Shelf::new(store.clone());
    let (mine, shared) = (with_recording(&sync_child()), with_recording(&callback()));
    shelf.save(&mine, KEY).unwrap();
    shelf.save(&shared, LINK_KEY).unwrap();
    let shelf = reload(&store);
    assert_eq!(sources(&shelf.load(KEY).0.unwrap()), sync_child());
    assert_eq!(sources(&shelf.load(LINK_KEY).0.unwrap()), callback());
    // Keeping the shared one as yours: its recording is written there; the link's goes.
    shelf.save(&shared, KEY).unwrap();
    shelf.remove(LINK_KEY);
    assert_eq!(store.text(&recording_key(LINK_KEY)), None);
    let (back, note) = reload(&store).load(KEY);
    assert_eq!(note, None);
    assert_eq!(sources(&back.unwrap()), callback());
}

#[test]
fn a_recording_is_written_when_it_is_replaced_or_removed() {
    let store = Memory::new();
    let shelf = Shelf::new(store.clone());
    let mut w = with_recording(&sync_child());
    shelf.save(&w, KEY).unwrap();
    // Another import: the recording key is written again.
    w.load(with_recording(&callback()));
    store.take_writes();
    shelf.save(&w, KEY).unwrap();
    assert_eq!(store.take_writes().len(), 2);
    assert_eq!(sources(&reload(&store).load(KEY).0.unwrap()), callback());
    // A workspace without one (New, an example): the key is emptied, once.
    w.load(Workspace::from_json(crate::examples::EXAMPLES[0].json).unwrap());
    shelf.save(&w, KEY).unwrap();
    assert_eq!(store.text(&rkey()), None);
    let (back, note) = reload(&store).load(KEY);
    assert_eq!((back.unwrap().to_json(), note), (w.to_json(), None));
    // The same recording imported again is a new import: written again.
    let mut w = with_recording(&sync_child());
    shelf.save(&w, KEY).unwrap();
    w.load(with_recording(&sync_child()));
    store.take_writes();
    shelf.save(&w, KEY).unwrap();
    assert_eq!(store.take_writes().len(), 2);
}

#[test]
fn a_full_store_keeps_the_machines_and_says_so() {
    let w = with_recording(&sync_child());
    // Room for the workspace, not for its recording.
    let store = Memory::new();
    let shelf = Shelf::new(store.clone());
    let small = w.to_json_with(false).len() + 400;
    store.quota.set(small);
    assert_eq!(shelf.save(&w, KEY), Err(RECORDING_NOT_SAVED.to_string()));
    assert!(!store.text(KEY).unwrap().contains("recordingStored"));
    assert_eq!(store.text(&rkey()), None);
    let (back, note) = reload(&store).load(KEY);
    assert_eq!(note, None);
    assert_eq!(back.unwrap().to_json(), w.to_json_with(false));
    // Once there is room, the next save writes it.
    store.quota.set(usize::MAX);
    shelf.save(&w, KEY).unwrap();
    assert_eq!(sources(&reload(&store).load(KEY).0.unwrap()), sync_child());

    // No room even for the workspace: what was stored stays as it was.
    let before = store.map.borrow().clone();
    store.quota.set(store.used());
    // Another import of the same texts (so a recording to write), and more text in the input.
    let mut edited = with_recording(&sync_child());
    edited.input = format!("{{\"more\": \"{}\"}}", "text ".repeat(20));
    assert_eq!(shelf.save(&edited, KEY), Err(FULL.to_string()));
    assert_eq!(*store.map.borrow(), before);

    // Over what a workspace keeps: on show, not stored.
    let store = Memory::new();
    let shelf = Shelf::new(store.clone());
    shelf.save(&w, KEY).unwrap();
    let big = with_recording(&grown(sync_child(), MAX_KEPT_BYTES + 1));
    shelf.save(&big, KEY).unwrap();
    assert_eq!(store.text(&rkey()), None);
    assert_eq!(store.text(KEY).unwrap(), big.to_json());
}

/// The figure the split is for: bytes written by one keystroke's autosave with a 1 MB kept
/// recording, before (the whole document) and after.
#[test]
fn a_keystroke_with_a_one_megabyte_recording_writes_kilobytes() {
    let store = Memory::new();
    let shelf = Shelf::new(store.clone());
    let mut w = with_recording(&grown(sync_child(), MAX_KEPT_BYTES - 1000));
    assert!(w.recording.as_ref().unwrap().kept());
    shelf.save(&w, KEY).unwrap();
    w.input.push(' ');
    store.take_writes();
    shelf.save(&w, KEY).unwrap();
    let after: usize = store.take_writes().iter().map(|(_, b)| b).sum();
    let before = w.to_json().len();
    log(&format!(
        "autosave of one keystroke with a 1 MB kept recording: {before} bytes written before the split, {after} after"
    ));
    assert!(
        before > MAX_KEPT_BYTES && after < 10_000,
        "{before} {after}"
    );
    let (back, note) = reload(&store).load(KEY);
    assert_eq!((back.unwrap().to_json(), note), (w.to_json(), None));
}

fn log(line: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::log_1(&line.into());
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{line}");
}

/// The page's own localStorage through `storage::save` and `storage::load`, and the time one
/// autosave takes with a 1 MB kept recording, the whole document (as before the split) against
/// the split (printed, not asserted: a figure for the record).
#[cfg(target_arch = "wasm32")]
#[test]
fn on_local_storage_one_autosave_with_a_one_megabyte_recording() {
    use super::{read, save, write, Origin};
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
    let now = || web_sys::window().unwrap().performance().unwrap().now();
    let mut w = with_recording(&grown(sync_child(), MAX_KEPT_BYTES - 1000));
    const N: usize = 20;
    let mut whole = Vec::new();
    for i in 0..N {
        w.input = format!("{{\"typed\": {i}}}");
        let t0 = now();
        assert!(write(KEY, &w.to_json()));
        whole.push(now() - t0);
    }
    storage.clear().unwrap();
    save(&w, Origin::Local).unwrap();
    let mut split = Vec::new();
    for i in 0..N {
        w.input = format!("{{\"typed\": {i}}}");
        let t0 = now();
        save(&w, Origin::Local).unwrap();
        split.push(now() - t0);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    log(&format!(
        "one autosave with a 1 MB kept recording, median of {N}: whole document {:.2} ms, split {:.3} ms (localStorage key {} bytes)",
        median(&mut whole),
        median(&mut split),
        read(KEY).unwrap().len()
    ));
    let (back, note) = super::load(KEY);
    assert_eq!(note, None);
    assert_eq!(back.unwrap().to_json(), w.to_json());
    storage.clear().unwrap();
}
