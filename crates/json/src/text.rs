//! Compact JSON text, remembering the text of large shared containers.
//!
//! Execution history records every state's input and output as text. A document that flows
//! through many states is mostly the same shared subtrees each time, so a container that is shared
//! (its `Arc` has other owners) and whose text is large keeps that text: the next time it is
//! written, its bytes are copied instead of walking and escaping it again.

use crate::{Array, Map, Value};
use std::sync::{Arc, OnceLock};

/// A container's text, once written (cleared by any change, see `Map`/`Array`'s write access).
pub(crate) type TextCache = OnceLock<Arc<str>>;

/// Below this size walking a container is as cheap as copying its remembered text.
const REMEMBER_FROM: usize = 1024;

impl Value {
    /// Appends the compact JSON text of this value (the same bytes `serde_json::to_string` makes).
    pub fn write_json(&self, out: &mut String) {
        write_value(self, out);
    }

    /// The compact JSON text. A large container's text is remembered, and this returns the same
    /// shared text again while the container is unchanged.
    pub fn to_json_text(&self) -> Arc<str> {
        let cache = match self {
            Value::Object(m) => m.node().map(|n| &n.text),
            Value::Array(a) => a.node().map(|n| &n.text),
            _ => None,
        };
        if let Some(text) = cache.and_then(|c| c.get()) {
            return text.clone();
        }
        let mut out = String::new();
        write_value(self, &mut out);
        let text: Arc<str> = Arc::from(out);
        if let Some(cache) = cache.filter(|_| text.len() >= REMEMBER_FROM) {
            let _ = cache.set(text.clone());
        }
        text
    }

    /// The compact JSON text as a `String`.
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        write_value(self, &mut out);
        out
    }
}

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(a) => write_array(a, out),
        Value::Object(m) => write_object(m, out),
    }
}

fn write_array(a: &Array, out: &mut String) {
    let Some(node) = a.node() else {
        out.push_str("[]");
        return;
    };
    if let Some(text) = node.text.get() {
        out.push_str(text);
        return;
    }
    let start = out.len();
    out.push('[');
    for (i, item) in a.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_value(item, out);
    }
    out.push(']');
    remember(&node.text, Arc::strong_count(node), &out[start..]);
}

fn write_object(m: &Map, out: &mut String) {
    let Some(node) = m.node() else {
        out.push_str("{}");
        return;
    };
    if let Some(text) = node.text.get() {
        out.push_str(text);
        return;
    }
    let start = out.len();
    out.push('{');
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(k, out);
        out.push(':');
        write_value(v, out);
    }
    out.push('}');
    remember(&node.text, Arc::strong_count(node), &out[start..]);
}

/// Only shared containers are worth remembering: an unshared one is usually about to be changed
/// or dropped (the value being written as a whole is remembered by `to_json_text` instead).
fn remember(cache: &TextCache, owners: usize, text: &str) {
    if owners > 1 && text.len() >= REMEMBER_FROM {
        let _ = cache.set(Arc::from(text));
    }
}

fn write_number(n: &serde_json::Number, out: &mut String) {
    use std::fmt::Write;
    // `Number`'s Display is serde_json's own serializer formatting (itoa, and the shortest
    // round-tripping float), so numbers read back exactly as they were.
    let _ = write!(out, "{n}");
}

/// A JSON string literal with serde_json's escapes: `"`, `\`, and control characters
/// (`\b \t \n \f \r`, others as `\u00xx`); everything else, non-ASCII included, as is.
pub(crate) fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// The JSON type's name, for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
