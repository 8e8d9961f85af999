//! A JSON array: shared until changed.

use crate::text::TextCache;
use crate::Value;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

static EMPTY: Vec<Value> = Vec::new();

/// An array's items. Reads go through `Deref<Target = Vec<Value>>`; the first write to a shared
/// array (through `DerefMut`) copies its items (not their children) and forgets its text.
#[derive(Clone, Default)]
pub struct Array {
    // `None` is the empty array, which allocates nothing.
    node: Option<Arc<Node>>,
}

pub(crate) struct Node {
    items: Vec<Value>,
    pub(crate) text: TextCache,
}

impl Clone for Node {
    fn clone(&self) -> Self {
        Node { items: self.items.clone(), text: TextCache::default() }
    }
}

impl Array {
    pub fn new() -> Self {
        Array { node: None }
    }

    pub fn with_capacity(n: usize) -> Self {
        Array::from(Vec::with_capacity(n))
    }

    pub(crate) fn node(&self) -> Option<&Arc<Node>> {
        self.node.as_ref()
    }

    /// Whether both are the same shared items (a cheap test that implies equality).
    pub fn ptr_eq(&self, other: &Array) -> bool {
        match (&self.node, &other.node) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// The items as an owned vector: moved out when this array is their only owner.
    pub fn into_vec(self) -> Vec<Value> {
        match self.node {
            None => Vec::new(),
            Some(node) => Arc::try_unwrap(node).map_or_else(|shared| shared.items.clone(), |n| n.items),
        }
    }
}

impl From<Vec<Value>> for Array {
    fn from(items: Vec<Value>) -> Self {
        if items.capacity() == 0 {
            return Array::new();
        }
        Array { node: Some(Arc::new(Node { items, text: TextCache::default() })) }
    }
}

impl Deref for Array {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        self.node.as_deref().map_or(&EMPTY, |n| &n.items)
    }
}

impl DerefMut for Array {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        let node = self.node.get_or_insert_with(|| Arc::new(Node { items: Vec::new(), text: TextCache::default() }));
        let node = Arc::make_mut(node);
        node.text = TextCache::default();
        &mut node.items
    }
}

impl PartialEq for Array {
    fn eq(&self, other: &Array) -> bool {
        self.ptr_eq(other) || **self == **other
    }
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl FromIterator<Value> for Array {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Self {
        Array::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl IntoIterator for Array {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a> IntoIterator for &'a Array {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
