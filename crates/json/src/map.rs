//! A JSON object: insertion-ordered, shared until changed.

use crate::shared::Shared;
use crate::text::TextCache;
use crate::Value;
use foldhash::fast::FixedState;

/// An object's key. Keys are short as a rule (`id`, `StateMachineArn`): up to 23 bytes they
/// live inline, without an allocation of their own, and a longer one is shared when copied.
pub type Key = smol_str::SmolStr;

// Most objects a workflow moves are small: up to this many members they are a plain vector,
// searched in order (no hash table to allocate, no key to hash); larger ones get an index.
const SMALL: usize = 12;

type Index = indexmap::IndexMap<Key, Value, FixedState>;

// A fixed seed keeps runs reproducible; the keys are the user's own data in their own browser,
// so hash flooding is not a threat worth a slower hash.
const HASHER: FixedState = FixedState::with_seed(0x5374_6570_7769_7365);

#[derive(Clone)]
enum Entries {
    Small(Vec<(Key, Value)>),
    Large(Index),
}

static EMPTY: Entries = Entries::Small(Vec::new());

/// An object's members in insertion order (the order AWS prints them in). Cloning shares them;
/// the first change to a shared map copies its members (not their children).
#[derive(Clone, Default)]
pub struct Map {
    // Empty until a first member: `Map::new()` allocates nothing, as many never get one.
    entries: Shared<Entries>,
}

impl Entries {
    fn with_capacity(n: usize) -> Self {
        if n <= SMALL {
            Entries::Small(Vec::with_capacity(n))
        } else {
            Entries::Large(Index::with_capacity_and_hasher(n, HASHER))
        }
    }
    fn len(&self) -> usize {
        match self {
            Entries::Small(v) => v.len(),
            Entries::Large(m) => m.len(),
        }
    }
    fn position(&self, key: &str) -> Option<usize> {
        match self {
            Entries::Small(v) => v.iter().position(|(k, _)| k == key),
            Entries::Large(m) => m.get_index_of(key),
        }
    }
    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Entries::Small(v) => v.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Entries::Large(m) => m.get(key),
        }
    }
    fn get_index(&self, i: usize) -> Option<(&Key, &Value)> {
        match self {
            Entries::Small(v) => v.get(i).map(|(k, v)| (k, v)),
            Entries::Large(m) => m.get_index(i),
        }
    }
    fn value_mut(&mut self, i: usize) -> &mut Value {
        match self {
            Entries::Small(v) => &mut v[i].1,
            Entries::Large(m) => &mut m[i],
        }
    }
    fn insert(&mut self, key: Key, value: Value) -> Option<Value> {
        if let Some(i) = self.position(&key) {
            return Some(std::mem::replace(self.value_mut(i), value));
        }
        match self {
            Entries::Small(v) if v.len() < SMALL => v.push((key, value)),
            Entries::Small(v) => {
                let mut index = Index::with_capacity_and_hasher(v.len() * 2, HASHER);
                index.extend(std::mem::take(v));
                index.insert(key, value);
                *self = Entries::Large(index);
            }
            Entries::Large(m) => {
                m.insert(key, value);
            }
        }
        None
    }
    fn remove_entry(&mut self, key: &str) -> Option<(Key, Value)> {
        match self {
            Entries::Small(v) => {
                let i = v.iter().position(|(k, _)| k == key)?;
                Some(v.remove(i))
            }
            Entries::Large(m) => m.shift_remove_entry(key),
        }
    }
    fn retain(&mut self, mut keep: impl FnMut(&Key, &mut Value) -> bool) {
        match self {
            Entries::Small(v) => v.retain_mut(|(k, v)| keep(k, v)),
            Entries::Large(m) => m.retain(keep),
        }
    }
    fn sort_keys(&mut self) {
        match self {
            // Keys are unique: the unstable sort gives the same order with less code.
            Entries::Small(v) => v.sort_unstable_by(|a, b| a.0.cmp(&b.0)),
            Entries::Large(m) => m.sort_keys(),
        }
    }
}

impl Map {
    pub fn new() -> Self {
        Map {
            entries: Shared::empty(),
        }
    }

    pub fn with_capacity(n: usize) -> Self {
        if n == 0 {
            return Map::new();
        }
        Map {
            entries: Shared::new(Entries::with_capacity(n)),
        }
    }

    fn entries(&self) -> &Entries {
        self.entries.get().unwrap_or(&EMPTY)
    }

    /// The members for changing: copied first if shared, and the remembered text forgotten.
    fn entries_mut(&mut self) -> &mut Entries {
        self.entries.make_mut(|| Entries::with_capacity(0))
    }

    pub(crate) fn text(&self) -> Option<(&TextCache, usize)> {
        self.entries.text()
    }

    /// Whether both are the same shared members (a cheap test that implies equality).
    pub fn ptr_eq(&self, other: &Map) -> bool {
        self.entries.ptr_eq(&other.entries)
    }

    pub fn len(&self) -> usize {
        self.entries().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries().get(key)
    }
    pub fn get_key_value(&self, key: &str) -> Option<(&Key, &Value)> {
        self.entries().position(key).and_then(|i| self.get_index(i))
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.entries().position(key)?;
        Some(self.entries_mut().value_mut(i))
    }
    pub fn get_index(&self, i: usize) -> Option<(&Key, &Value)> {
        self.entries().get_index(i)
    }

    /// Inserts or replaces (keeping the key's position, like `serde_json`'s ordered map).
    pub fn insert(&mut self, key: Key, value: Value) -> Option<Value> {
        if self.entries.get().is_none() {
            // A first member: room for a few more, as objects are usually built member by member.
            *self = Map::with_capacity(4);
        }
        self.entries_mut().insert(key, value)
    }

    /// Removes a member, keeping the others in order (as `serde_json` does with `preserve_order`).
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.remove_entry(key).map(|(_, v)| v)
    }
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        self.remove(key)
    }
    pub fn remove_entry(&mut self, key: &str) -> Option<(Key, Value)> {
        if !self.contains_key(key) {
            return None;
        }
        self.entries_mut().remove_entry(key)
    }

    pub fn clear(&mut self) {
        self.entries = Shared::empty();
    }
    pub fn retain(&mut self, keep: impl FnMut(&Key, &mut Value) -> bool) {
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
        self.get_or_insert_with(key, || Value::Null)
    }

    /// The value at `key`, inserted from `default` when absent.
    pub fn get_or_insert_with(&mut self, key: &str, default: impl FnOnce() -> Value) -> &mut Value {
        let i = match self.entries().position(key) {
            Some(i) => i,
            None => {
                let entries = self.entries_mut();
                entries.insert(Key::from(key), default());
                entries.len() - 1
            }
        };
        self.entries_mut().value_mut(i)
    }

    pub fn iter(&self) -> Iter<'_> {
        match self.entries() {
            Entries::Small(v) => Iter::Small(v.iter()),
            Entries::Large(m) => Iter::Large(m.iter()),
        }
    }
    pub fn iter_mut(&mut self) -> IterMut<'_> {
        match self.entries_mut() {
            Entries::Small(v) => IterMut::Small(v.iter_mut()),
            Entries::Large(m) => IterMut::Large(m.iter_mut()),
        }
    }
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Key> + ExactSizeIterator {
        self.iter().map(|(k, _)| k)
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.iter().map(|(_, v)| v)
    }
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.iter_mut().map(|(_, v)| v)
    }
}

/// The members of a [`Map`], in order.
pub enum Iter<'a> {
    Small(std::slice::Iter<'a, (Key, Value)>),
    Large(indexmap::map::Iter<'a, Key, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Key, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(i) => i.next().map(|(k, v)| (k, v)),
            Iter::Large(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Small(i) => i.size_hint(),
            Iter::Large(i) => i.size_hint(),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Small(i) => i.next_back().map(|(k, v)| (k, v)),
            Iter::Large(i) => i.next_back(),
        }
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// The members of a [`Map`], in order, values writable.
pub enum IterMut<'a> {
    Small(std::slice::IterMut<'a, (Key, Value)>),
    Large(indexmap::map::IterMut<'a, Key, Value>),
}

impl<'a> Iterator for IterMut<'a> {
    type Item = (&'a Key, &'a mut Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            IterMut::Small(i) => i.next().map(|(k, v)| (&*k, v)),
            IterMut::Large(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            IterMut::Small(i) => i.size_hint(),
            IterMut::Large(i) => i.size_hint(),
        }
    }
}

impl DoubleEndedIterator for IterMut<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            IterMut::Small(i) => i.next_back().map(|(k, v)| (&*k, v)),
            IterMut::Large(i) => i.next_back(),
        }
    }
}

impl ExactSizeIterator for IterMut<'_> {}

/// The members of a [`Map`] moved out, in order.
pub enum IntoIter {
    Small(std::vec::IntoIter<(Key, Value)>),
    Large(indexmap::map::IntoIter<Key, Value>),
}

impl Iterator for IntoIter {
    type Item = (Key, Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            IntoIter::Small(i) => i.next(),
            IntoIter::Large(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            IntoIter::Small(i) => i.size_hint(),
            IntoIter::Large(i) => i.size_hint(),
        }
    }
}

impl DoubleEndedIterator for IntoIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            IntoIter::Small(i) => i.next_back(),
            IntoIter::Large(i) => i.next_back(),
        }
    }
}

impl ExactSizeIterator for IntoIter {}

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.ptr_eq(other)
            || (self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v)))
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<Key>> FromIterator<(K, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Self {
        let mut map = Map::new();
        map.extend(iter);
        map
    }
}

impl<K: Into<Key>> Extend<(K, Value)> for Map {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, iter: I) {
        let mut iter = iter.into_iter().peekable();
        if iter.peek().is_none() {
            return;
        }
        if self.entries.get().is_none() {
            *self = Map::with_capacity(iter.size_hint().0);
        }
        let entries = self.entries_mut();
        for (k, v) in iter {
            entries.insert(k.into(), v);
        }
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Key, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a Key, &'a mut Value);
    type IntoIter = IterMut<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl IntoIterator for Map {
    type Item = (Key, Value);
    type IntoIter = IntoIter;
    /// The members, moved out when this map is their only owner, copied otherwise.
    fn into_iter(self) -> Self::IntoIter {
        let entries = self
            .entries
            .into_contents()
            .unwrap_or_else(|| Entries::Small(Vec::new()));
        match entries {
            Entries::Small(v) => IntoIter::Small(v.into_iter()),
            Entries::Large(m) => IntoIter::Large(m.into_iter()),
        }
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).expect("no such key in JSON object")
    }
}
