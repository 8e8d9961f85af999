//! The JSON value of execution data.
//!
//! `serde_json::Value` owns its children, so every state that selects a subtree (`"doc.$": "$.doc"`)
//! copied it, and every event that records a payload serialized it again from scratch. Here arrays
//! and objects sit behind an `Arc`: cloning a value is a reference-count bump, a change copies only
//! the containers on the way to it (copy-on-write through [`Arc::make_mut`]), and a container that
//! has been written as text keeps that text, so writing the same shared subtree again is a copy of
//! bytes ([`Value::to_json_text`]).
//!
//! The API follows `serde_json::Value` (same variants, same accessors) so code reads the same;
//! [`json!`] builds one from `serde_json`'s literal syntax.

#![forbid(unsafe_code)]

mod array;
mod convert;
mod map;
mod serde_impl;
mod shared;
mod text;

pub use array::Array;
pub use convert::ToValue;
pub use map::{Key, Map};
pub use serde_json::Number;
pub use text::write_string;

use std::fmt;

/// A JSON value. Cheap to clone: arrays and objects are shared until changed.
#[derive(Clone, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Array),
    Object(Map),
}

/// A [`Value`] from JSON-like syntax, as `serde_json::json!`: `null`, `true`, arrays, objects
/// with literal or parenthesised keys, and any Rust expression that converts into a `Value`
/// (borrowed, as serde_json does; interpolated `Value`s are shared, not copied). Built
/// directly, without a detour through `serde_json::Value`.
#[macro_export]
macro_rules! json {
    (null) => { $crate::Value::Null };
    (true) => { $crate::Value::Bool(true) };
    (false) => { $crate::Value::Bool(false) };
    ([]) => { $crate::Value::Array($crate::Array::new()) };
    ([ $($tt:tt)+ ]) => { $crate::Value::Array($crate::Array::from($crate::__json_items!(@ [] [] $($tt)+))) };
    ({}) => { $crate::Value::Object($crate::Map::new()) };
    ({ $($tt:tt)+ }) => {{
        let mut object = $crate::Map::new();
        $crate::__json_members!(@key object [] $($tt)+);
        $crate::Value::Object(object)
    }};
    ($other:expr) => { $crate::ToValue::to_value(&$other) };
}

/// Array items for [`json!`]: gathers tokens up to each top-level comma.
#[macro_export]
#[doc(hidden)]
macro_rules! __json_items {
    (@ [$($done:expr),*] []) => { vec![$($done),*] };
    (@ [$($done:expr),*] [$($item:tt)+]) => { vec![$($done,)* $crate::json!($($item)+)] };
    (@ [$($done:expr),*] [$($item:tt)+] , $($rest:tt)*) => {
        $crate::__json_items!(@ [$($done,)* $crate::json!($($item)+)] [] $($rest)*)
    };
    (@ [$($done:expr),*] [$($item:tt)*] $next:tt $($rest:tt)*) => {
        $crate::__json_items!(@ [$($done),*] [$($item)* $next] $($rest)*)
    };
}

/// Object members for [`json!`]: a key up to its colon, a value up to the next top-level comma.
#[macro_export]
#[doc(hidden)]
macro_rules! __json_members {
    (@key $object:ident []) => {};
    (@key $object:ident [$($key:tt)+] : $($rest:tt)*) => {
        $crate::__json_members!(@value $object [$($key)+] [] $($rest)*)
    };
    (@key $object:ident [$($key:tt)*] $next:tt $($rest:tt)*) => {
        $crate::__json_members!(@key $object [$($key)* $next] $($rest)*)
    };
    (@value $object:ident [$($key:tt)+] [$($value:tt)+]) => {
        $object.insert($crate::Key::from($($key)+), $crate::json!($($value)+));
    };
    (@value $object:ident [$($key:tt)+] [$($value:tt)+] , $($rest:tt)*) => {
        $object.insert($crate::Key::from($($key)+), $crate::json!($($value)+));
        $crate::__json_members!(@key $object [] $($rest)*);
    };
    (@value $object:ident [$($key:tt)+] [$($value:tt)*] $next:tt $($rest:tt)*) => {
        $crate::__json_members!(@value $object [$($key)+] [$($value)* $next] $($rest)*)
    };
}

static NULL: Value = Value::Null;

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
    pub fn is_i64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_i64())
    }
    pub fn is_u64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_u64())
    }
    pub fn is_f64(&self) -> bool {
        matches!(self, Value::Number(n) if n.is_f64())
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().and_then(Number::as_f64)
    }
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }
    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_array_mut(&mut self) -> Option<&mut Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// A member of an object (`&str` key) or an item of an array (`usize`).
    pub fn get<I: ValueIndex>(&self, index: I) -> Option<&Value> {
        index.index_into(self)
    }
    pub fn get_mut<I: ValueIndex>(&mut self, index: I) -> Option<&mut Value> {
        index.index_into_mut(self)
    }

    /// RFC 6901 JSON Pointer lookup (`/a/0/b`), as `serde_json::Value::pointer`.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .try_fold(self, |cur, token| match cur {
                Value::Object(m) => m.get(&token),
                Value::Array(a) => parse_index(&token).and_then(|i| a.get(i)),
                _ => None,
            })
    }

    /// Takes the value out, leaving `null`.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }
}

fn parse_index(s: &str) -> Option<usize> {
    if s.starts_with('+') || (s.starts_with('0') && s.len() != 1) {
        return None;
    }
    s.parse().ok()
}

/// What [`Value::get`] and indexing accept: object keys and array positions.
pub trait ValueIndex {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value>;
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value>;
}

impl ValueIndex for usize {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_array()?.get(*self)
    }
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_array_mut()?.get_mut(*self)
    }
}

impl ValueIndex for str {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        v.as_object()?.get(self)
    }
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        v.as_object_mut()?.get_mut(self)
    }
}

impl ValueIndex for String {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        self.as_str().index_into(v)
    }
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        self.as_str().index_into_mut(v)
    }
}

impl<T: ValueIndex + ?Sized> ValueIndex for &T {
    fn index_into<'v>(&self, v: &'v Value) -> Option<&'v Value> {
        (**self).index_into(v)
    }
    fn index_into_mut<'v>(&self, v: &'v mut Value) -> Option<&'v mut Value> {
        (**self).index_into_mut(v)
    }
}

/// `value["key"]` / `value[0]`: `null` when absent, as with `serde_json`.
impl<I: ValueIndex> std::ops::Index<I> for Value {
    type Output = Value;
    fn index(&self, index: I) -> &Value {
        index.index_into(self).unwrap_or(&NULL)
    }
}

/// `value["key"] = x`: an absent key is added (a `null` becomes an object first), as with
/// `serde_json`. Panics on other types, like `serde_json`, so only for building literal shapes.
impl std::ops::IndexMut<&str> for Value {
    fn index_mut(&mut self, key: &str) -> &mut Value {
        if self.is_null() {
            *self = Value::Object(Map::new());
        }
        match self {
            Value::Object(m) => m.entry_or_null(key),
            other => panic!("cannot index a JSON {} with a key", other.type_name()),
        }
    }
}

impl fmt::Display for Value {
    /// Compact JSON text, as `serde_json::Value` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_json(&mut out);
        f.write_str(&out)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("Null"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Number(n) => write!(f, "Number({n})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::Array(a) => {
                f.write_str("Array ")?;
                f.debug_list().entries(a.iter()).finish()
            }
            Value::Object(m) => {
                f.write_str("Object ")?;
                f.debug_map().entries(m.iter()).finish()
            }
        }
    }
}

impl std::str::FromStr for Value {
    type Err = serde_json::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_json::from_str(s)
    }
}

#[cfg(test)]
mod tests;
