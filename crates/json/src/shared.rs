//! The one mechanism behind arrays and objects: contents shared behind an `Arc` until changed,
//! together with the JSON text they were last written as, which any change forgets.

use crate::text::TextCache;
use std::sync::Arc;

/// Contents shared by every clone. `None` stands for empty contents, which allocate nothing.
pub(crate) struct Shared<T> {
    node: Option<Arc<Node<T>>>,
}

struct Node<T> {
    contents: T,
    text: TextCache,
}

impl<T: Clone> Clone for Node<T> {
    /// A copy made to be changed: it does not inherit the text.
    fn clone(&self) -> Self {
        Node {
            contents: self.contents.clone(),
            text: TextCache::default(),
        }
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared {
            node: self.node.clone(),
        }
    }
}

impl<T> Default for Shared<T> {
    fn default() -> Self {
        Shared::empty()
    }
}

impl<T> Shared<T> {
    pub const fn empty() -> Self {
        Shared { node: None }
    }

    pub fn new(contents: T) -> Self {
        Shared {
            node: Some(Arc::new(Node {
                contents,
                text: TextCache::default(),
            })),
        }
    }

    /// The contents, `None` when empty and never allocated.
    pub fn get(&self) -> Option<&T> {
        self.node.as_deref().map(|n| &n.contents)
    }

    /// Whether both are the same shared contents (a cheap test that implies equality).
    pub fn ptr_eq(&self, other: &Shared<T>) -> bool {
        match (&self.node, &other.node) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }

    /// The remembered text's slot and how many values share these contents (the writer
    /// remembers only shared contents).
    pub fn text(&self) -> Option<(&TextCache, usize)> {
        self.node.as_ref().map(|n| (&n.text, Arc::strong_count(n)))
    }
}

impl<T: Clone> Shared<T> {
    /// The contents for changing: copied first if shared, and the remembered text forgotten.
    pub fn make_mut(&mut self, empty: impl FnOnce() -> T) -> &mut T {
        let node = self.node.get_or_insert_with(|| {
            Arc::new(Node {
                contents: empty(),
                text: TextCache::default(),
            })
        });
        let node = Arc::make_mut(node);
        node.text = TextCache::default();
        &mut node.contents
    }

    /// The contents, moved out when this is their only owner, copied otherwise.
    pub fn into_contents(self) -> Option<T> {
        self.node.map(|n| {
            Arc::try_unwrap(n).map_or_else(|shared| shared.contents.clone(), |n| n.contents)
        })
    }
}
