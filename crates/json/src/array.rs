//! A JSON array: shared until changed.

use crate::shared::Shared;
use crate::text::TextCache;
use crate::Value;
use std::ops::{Deref, DerefMut};

static EMPTY: Vec<Value> = Vec::new();

/// An array's items. Reads go through `Deref<Target = Vec<Value>>`; the first write to a shared
/// array (through `DerefMut`) copies its items (not their children) and forgets its text.
#[derive(Clone, Default)]
pub struct Array {
    items: Shared<Vec<Value>>,
}

impl Array {
    pub fn new() -> Self {
        Array {
            items: Shared::empty(),
        }
    }

    pub fn with_capacity(n: usize) -> Self {
        Array::from(Vec::with_capacity(n))
    }

    pub(crate) fn text(&self) -> Option<(&TextCache, usize)> {
        self.items.text()
    }

    /// Whether both are the same shared items (a cheap test that implies equality).
    pub fn ptr_eq(&self, other: &Array) -> bool {
        self.items.ptr_eq(&other.items)
    }

    /// The items as an owned vector: moved out when this array is their only owner.
    pub fn into_vec(self) -> Vec<Value> {
        self.items.into_contents().unwrap_or_default()
    }
}

impl From<Vec<Value>> for Array {
    fn from(items: Vec<Value>) -> Self {
        if items.capacity() == 0 {
            return Array::new();
        }
        Array {
            items: Shared::new(items),
        }
    }
}

impl Deref for Array {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        self.items.get().unwrap_or(&EMPTY)
    }
}

impl DerefMut for Array {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        self.items.make_mut(Vec::new)
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
