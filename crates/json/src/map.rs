//! A JSON object: insertion-ordered, shared until changed.

use crate::text::TextCache;
use crate::Value;
use foldhash::fast::FixedState;
use std::sync::Arc;

type Entries = indexmap::IndexMap<String, Value, FixedState>;

// A fixed seed keeps runs reproducible; the keys are the user's own data in their own browser,
// so hash flooding is not a threat worth a slower hash.
const HASHER: FixedState = FixedState::with_seed(0x5374_6570_7769_7365);
static EMPTY: Entries = Entries::with_hasher(HASHER);

/// An object's members in insertion order (the order AWS prints them in). Cloning shares them;
/// the first change to a shared map copies its members (not their children).
#[derive(Clone, Default)]
pub struct Map {
    // `None` is the empty object: `Map::new()` allocates nothing, as many never get a member.
    node: Option<Arc<Node>>,
}

pub(crate) struct Node {
    entries: Entries,
    pub(crate) text: TextCache,
}

impl Clone for Node {
    fn clone(&self) -> Self {
        Node { entries: self.entries.clone(), text: TextCache::default() }
    }
}

impl Map {
    pub fn new() -> Self {
        Map { node: None }
    }

    pub fn with_capacity(n: usize) -> Self {
        if n == 0 {
            return Map::new();
        }
        Map::from_entries(Entries::with_capacity_and_hasher(n, HASHER))
    }

    fn from_entries(entries: Entries) -> Self {
        Map { node: Some(Arc::new(Node { entries, text: TextCache::default() })) }
    }

    fn entries(&self) -> &Entries {
        self.node.as_deref().map_or(&EMPTY, |n| &n.entries)
    }

    /// The members for changing: copied first if shared, and the remembered text forgotten.
    fn entries_mut(&mut self) -> &mut Entries {
        let node = self.node.get_or_insert_with(|| Arc::new(Node { entries: Entries::with_hasher(HASHER), text: TextCache::default() }));
        let node = Arc::make_mut(node);
        node.text = TextCache::default();
        &mut node.entries
    }

    pub(crate) fn node(&self) -> Option<&Arc<Node>> {
        self.node.as_ref()
    }

    /// Whether both are the same shared members (a cheap test that implies equality).
    pub fn ptr_eq(&self, other: &Map) -> bool {
        match (&self.node, &other.node) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    pub fn len(&self) -> usize {
        self.entries().len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        if self.node.is_none() {
            return None;
        }
        self.entries().get(key)
    }
    pub fn get_key_value(&self, key: &str) -> Option<(&String, &Value)> {
        self.entries().get_key_value(key)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        if !self.contains_key(key) {
            return None;
        }
        self.entries_mut().get_mut(key)
    }
    pub fn get_index(&self, i: usize) -> Option<(&String, &Value)> {
        self.entries().get_index(i)
    }

    /// Inserts or replaces (keeping the key's position, like `serde_json`'s ordered map).
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        self.entries_mut().insert(key, value)
    }

    /// Removes a member, keeping the others in order (as `serde_json` does with `preserve_order`).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        if !self.contains_key(key) {
            return None;
        }
        self.entries_mut().shift_remove(key)
    }
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        self.remove(key)
    }
    pub fn remove_entry(&mut self, key: &str) -> Option<(String, Value)> {
        if !self.contains_key(key) {
            return None;
        }
        self.entries_mut().shift_remove_entry(key)
    }

    pub fn clear(&mut self) {
        self.node = None;
    }
    pub fn retain(&mut self, keep: impl FnMut(&String, &mut Value) -> bool) {
        self.entries_mut().retain(keep);
    }
    pub fn sort_keys(&mut self) {
        self.entries_mut().sort_keys();
    }
    pub fn append(&mut self, other: &mut Map) {
        let other = std::mem::take(other);
        self.extend(other);
    }

    /// The value at `key`, inserted as `null` when absent.
    pub(crate) fn entry_or_null(&mut self, key: &str) -> &mut Value {
        let entries = self.entries_mut();
        if !entries.contains_key(key) {
            entries.insert(key.to_owned(), Value::Null);
        }
        entries.get_mut(key).expect("just inserted")
    }

    /// The value at `key`, inserted from `default` when absent.
    pub fn get_or_insert_with(&mut self, key: &str, default: impl FnOnce() -> Value) -> &mut Value {
        let entries = self.entries_mut();
        if !entries.contains_key(key) {
            entries.insert(key.to_owned(), default());
        }
        entries.get_mut(key).expect("just inserted")
    }

    pub fn iter(&self) -> indexmap::map::Iter<'_, String, Value> {
        self.entries().iter()
    }
    pub fn iter_mut(&mut self) -> indexmap::map::IterMut<'_, String, Value> {
        self.entries_mut().iter_mut()
    }
    pub fn keys(&self) -> indexmap::map::Keys<'_, String, Value> {
        self.entries().keys()
    }
    pub fn values(&self) -> indexmap::map::Values<'_, String, Value> {
        self.entries().values()
    }
    pub fn values_mut(&mut self) -> indexmap::map::ValuesMut<'_, String, Value> {
        self.entries_mut().values_mut()
    }
}

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.ptr_eq(other) || (self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v)))
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(String, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        let mut entries = Entries::with_hasher(HASHER);
        entries.extend(iter);
        if entries.is_empty() {
            Map::new()
        } else {
            Map::from_entries(entries)
        }
    }
}

impl Extend<(String, Value)> for Map {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        let mut iter = iter.into_iter().peekable();
        if iter.peek().is_some() {
            self.entries_mut().extend(iter);
        }
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = indexmap::map::Iter<'a, String, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = indexmap::map::IterMut<'a, String, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = indexmap::map::IntoIter<String, Value>;
    /// The members, moved out when this map is their only owner, copied otherwise.
    fn into_iter(self) -> Self::IntoIter {
        let entries = match self.node {
            None => Entries::with_hasher(HASHER),
            Some(node) => Arc::try_unwrap(node).map_or_else(|shared| shared.entries.clone(), |n| n.entries),
        };
        entries.into_iter()
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).expect("no such key in JSON object")
    }
}
