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
#[cfg(not(test))]
const REMEMBER_FROM: usize = 1024;
/// Tests remember almost everything, so that stale text would show up in small values.
#[cfg(test)]
const REMEMBER_FROM: usize = 8;

impl Value {
    /// Appends the compact JSON text of this value (the same bytes `serde_json::to_string` makes).
    pub fn write_json(&self, out: &mut String) {
        write_value(self, out);
    }

    /// The compact JSON text. A large container's text is remembered, and this returns the same
    /// shared text again while the container is unchanged.
    pub fn to_json_text(&self) -> Arc<str> {
        let cache = match self {
            Value::Object(m) => m.text().map(|(cache, _)| cache),
            Value::Array(a) => a.text().map(|(cache, _)| cache),
            _ => None,
        };
        if let Some(text) = cache.and_then(|c| c.get()) {
            return text.clone();
        }
        let text: Arc<str> = with_scratch(|buf| {
            write_value(self, buf);
            Arc::from(buf.as_str())
        });
        if let Some(cache) = cache.filter(|_| text.len() >= REMEMBER_FROM) {
            let _ = cache.set(text.clone());
        }
        text
    }

    /// The length of this value's compact JSON text, or `None` as soon as it is known to
    /// pass `cap`. A lower bound (escapes and number digits are not counted), exact enough to
    /// refuse a value too large to write before writing it: shared parts count as often as they
    /// occur, so a value that holds one large part many times is refused without walking it
    /// further than `cap`. Iterative, so depth cannot overflow the stack.
    pub fn json_len_within(&self, cap: usize) -> Option<usize> {
        let scalar = match self {
            Value::String(s) => Some(s.len() + 2),
            Value::Array(_) | Value::Object(_) => None,
            _ => Some(1),
        };
        if let Some(size) = scalar {
            return (size <= cap).then_some(size);
        }
        let mut total = 0usize;
        let mut stack: Vec<&Value> = vec![self];
        while let Some(v) = stack.pop() {
            let remembered = match v {
                Value::Object(m) => m.text().and_then(|(cache, _)| cache.get()),
                Value::Array(a) => a.text().and_then(|(cache, _)| cache.get()),
                _ => None,
            };
            let size = match (v, remembered) {
                (_, Some(text)) => text.len(),
                (Value::String(s), _) => s.len() + 2,
                (Value::Array(items), _) => {
                    stack.extend(items.iter());
                    items.len() + 1
                }
                (Value::Object(map), _) => {
                    let mut size = map.len() + 1;
                    for (k, item) in map.iter() {
                        size = size.saturating_add(k.len() + 3);
                        stack.push(item);
                    }
                    size
                }
                _ => 1,
            };
            total = total.saturating_add(size);
            if total > cap {
                return None;
            }
        }
        Some(total)
    }

    /// The compact JSON text as a `String`.
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        write_value(self, &mut out);
        out
    }
}

/// Writes into a reused buffer, so that making a text costs one exact allocation instead of a
/// string grown (and copied) step by step.
fn with_scratch<R>(f: impl FnOnce(&mut String) -> R) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            let r = f(&mut buf);
            // One huge payload should not pin its size for the rest of the session.
            if buf.capacity() > 1 << 20 {
                *buf = String::new();
            }
            r
        }
        Err(_) => f(&mut String::new()),
    })
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
    let Some((cache, owners)) = a.text() else {
        out.push_str("[]");
        return;
    };
    write_remembered(cache, owners, out, |out| {
        out.push('[');
        for (i, item) in a.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_value(item, out);
        }
        out.push(']');
    });
}

fn write_object(m: &Map, out: &mut String) {
    let Some((cache, owners)) = m.text() else {
        out.push_str("{}");
        return;
    };
    write_remembered(cache, owners, out, |out| {
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
    });
}

/// A container's remembered text, or its text written by `write` (and remembered if worth it).
fn write_remembered(
    cache: &TextCache,
    owners: usize,
    out: &mut String,
    write: impl FnOnce(&mut String),
) {
    if let Some(text) = cache.get() {
        out.push_str(text);
        return;
    }
    let start = out.len();
    write(out);
    remember(cache, owners, &out[start..]);
}

/// Only shared containers are worth remembering: an unshared one is usually about to be changed
/// or dropped (the value being written as a whole is remembered by `to_json_text` instead).
fn remember(cache: &TextCache, owners: usize, text: &str) {
    if owners > 1 && text.len() >= REMEMBER_FROM {
        let _ = cache.set(Arc::from(text));
    }
}

fn write_number(n: &serde_json::Number, out: &mut String) {
    if let Some(i) = n.as_i64() {
        out.push_str(itoa::Buffer::new().format(i));
    } else if let Some(u) = n.as_u64() {
        out.push_str(itoa::Buffer::new().format(u));
    } else {
        use std::fmt::Write;
        // `Number`'s Display is serde_json's own float formatting (shortest round-tripping form).
        let _ = write!(out, "{n}");
    }
}

/// For each byte, its escape letter (`u` for `\u00xx`), or 0 when it is written as is.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        table[i] = b'u';
        i += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// Whether any of 8 bytes needs escaping: a control character, `"` or `\` (word-at-a-time test,
/// as most strings need no escape at all and are copied whole).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    (below_space | has_zero(word ^ (ONES * b'"' as u64)) | has_zero(word ^ (ONES * b'\\' as u64)))
        != 0
}

/// A JSON string literal with serde_json's escapes: `"`, `\`, and control characters
/// (`\b \t \n \f \r`, others as `\u00xx`); everything else, non-ASCII included, as is.
pub fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if i + 8 <= bytes.len() {
            let word = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
            if !needs_escape(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let escape = ESCAPE[b as usize];
        if escape != 0 {
            out.push_str(&s[start..i]);
            out.push('\\');
            if escape == b'u' {
                out.push_str("u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            } else {
                out.push(escape as char);
            }
            start = i + 1;
        }
        i += 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

impl Value {
    /// The JSON type's name as AWS prints it in causes (`null`, `boolean`, `number`, `string`,
    /// `array`, `object`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}
