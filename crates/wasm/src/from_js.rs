//! Reading values handed in from JavaScript without trusting them.
//!
//! A page can pass anything: a circular object, one nested thousands of levels deep, a `Proxy`
//! whose traps throw, getters that throw, BigInts, strings of hundreds of megabytes. Nothing here
//! recurses on such a value in Rust, and no user code runs except through an import declared with
//! `catch`, so a throw comes back as an `Err` instead of unwinding through the module (which
//! would leave the engine's borrow flag set and the engine unusable):
//!
//! - a request object is read one level deep, and only the fields its operation takes;
//! - every field that is not a plain string is encoded by the JS engine's own `JSON.stringify`,
//!   which detects cycles, applies `toJSON`, and has its own stack check for absurd depths
//!   (a `RangeError` we catch); the text is then parsed by serde_json, whose recursion limit
//!   (128 levels, the same parser and limit the engine applies to definitions, inputs and
//!   outputs given as text) bounds the depth of anything Rust later walks;
//! - definitions, inputs and outputs stay text, exactly as a JS string would be taken, so an
//!   object and its `JSON.stringify` text behave the same in every check the engine makes.
//!
//! Encoding natively and parsing once is also the fast path: one call into JS per field instead of
//! one per value, as a value-by-value conversion (serde-wasm-bindgen) needs.

use serde::Deserialize;
use serde_json::{Map, Value};
use stepwise_engine::api::names;
use stepwise_engine::ApiError;
use wasm_bindgen::prelude::*;

/// The longest string or JSON text taken from JS, in UTF-16 units (what `length` counts). It is
/// checked before the text is copied into the module's memory, so that a huge string is refused
/// instead of exhausting it; the engine's own limits (256 KiB for a payload) are far below.
pub const MAX_TEXT_UNITS: u32 = 16 * 1024 * 1024;

/// How much of a thrown error's message is quoted back.
const MAX_QUOTED_UNITS: u32 = 500;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = JSON, js_name = stringify)]
    fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(value: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// Fields that carry JSON text in AWS's API: kept as text, whatever JS value gave them.
const TEXT_FIELDS: [&str; 3] = ["definition", "input", "output"];

/// The exception AWS throws when an operation's JSON-text field is unusable.
fn text_error_name(operation: &str, field: &str) -> &'static str {
    match (operation, field) {
        ("createStateMachine" | "updateStateMachine", "definition") => names::INVALID_DEFINITION,
        ("testState", "definition") => names::INVALID_DEFINITION,
        ("startExecution" | "testState", "input") => names::INVALID_EXECUTION_INPUT,
        ("sendTaskSuccess", "output") => names::INVALID_OUTPUT,
        _ => names::VALIDATION,
    }
}

/// A request object's fields as JSON values, ready for serde to read a `T` from. Only the fields
/// `T` has are read (other AWS fields are accepted and ignored, as before, but never touched); a
/// field whose value is `undefined` (or has no JSON encoding, like a function) is left out, as
/// `JSON.stringify` leaves it out.
pub fn request_fields<T: for<'de> Deserialize<'de>>(
    request: &JsValue,
    operation: &str,
) -> Result<Map<String, Value>, ApiError> {
    let invalid = |m: String| ApiError::new(names::VALIDATION, format!("{operation}: {m}"));
    if !request.is_object() || request.is_function() {
        return Err(invalid(format!(
            "the request must be an object, not {}",
            kind(request)
        )));
    }
    let keys: Vec<String> = match struct_fields::<T>() {
        Some(fields) => fields.iter().map(|f| (*f).to_owned()).collect(),
        // Not a plain struct: every own enumerable key (Object.keys gives strings only).
        None => object_keys(request)
            .map_err(|e| invalid(format!("listing the request's fields threw {}", thrown(&e))))?
            .iter()
            .filter_map(|k| k.as_string())
            .collect(),
    };
    let mut fields = Map::new();
    for key in keys {
        let value = js_sys::Reflect::get(request, &JsValue::from_str(&key))
            .map_err(|e| invalid(format!("reading {key} threw {}", thrown(&e))))?;
        let field = if TEXT_FIELDS.contains(&key.as_str()) {
            json_text(&value, operation, &key, text_error_name(operation, &key))?.map(Value::String)
        } else {
            plain_value(&value, operation, &key)?
        };
        if let Some(v) = field {
            fields.insert(key, v);
        }
    }
    Ok(fields)
}

/// The field names serde asks for when it reads a `T` from a struct, found by letting `T` ask a
/// deserializer that only listens (the `fields` of `deserialize_struct`); `None` when `T` is not
/// read as a struct.
fn struct_fields<T: for<'de> Deserialize<'de>>() -> Option<&'static [&'static str]> {
    struct Listener<'a>(&'a mut Option<&'static [&'static str]>);

    impl<'de> serde::Deserializer<'de> for Listener<'_> {
        type Error = serde::de::value::Error;

        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = Some(fields);
            Err(serde::de::Error::custom("only listening"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut fields = None;
    // The error is the listener's own: it refuses every value once it has heard the fields.
    let _ = T::deserialize(Listener(&mut fields));
    fields
}

/// A value as JSON text: a string is the text itself; anything else is what `JSON.stringify`
/// makes of it. `None` for `undefined` and values without an encoding (functions, symbols).
/// Failures carry `error_name` and say which field of which operation was wrong and why.
pub fn json_text(
    value: &JsValue,
    operation: &str,
    field: &str,
    error_name: &str,
) -> Result<Option<String>, ApiError> {
    let fail = |m: String| ApiError::new(error_name, format!("{operation}: {field} {m}"));
    if value.is_undefined() {
        return Ok(None);
    }
    let text = if value.is_string() {
        value.clone()
    } else {
        json_stringify(value).map_err(|e| fail(encoding_failure(&e)))?
    };
    bounded_string(&text).map_err(|units| {
        fail(format!(
            "is {units} characters of JSON text; the JS API takes at most {MAX_TEXT_UNITS}"
        ))
    })
}

/// A field that is not JSON text, as the JSON value serde will read it from.
fn plain_value(value: &JsValue, operation: &str, field: &str) -> Result<Option<Value>, ApiError> {
    let fail = |m: String| ApiError::new(names::VALIDATION, format!("{operation}: {field} {m}"));
    if value.is_string() {
        return bounded_string(value)
            .map(|s| s.map(Value::String))
            .map_err(|units| {
                fail(format!(
                    "is {units} characters long; the JS API takes at most {MAX_TEXT_UNITS}"
                ))
            });
    }
    // JSON has no BigInt; a seed may be one, so whole 64-bit values are taken as numbers.
    if value.is_bigint() {
        let big = js_sys::BigInt::unchecked_from_js(value.clone());
        return match (u64::try_from(big.clone()), i64::try_from(big)) {
            (Ok(n), _) => Ok(Some(Value::from(n))),
            (_, Ok(n)) => Ok(Some(Value::from(n))),
            _ => Err(fail("is a BigInt beyond 64 bits".into())),
        };
    }
    let Some(text) = json_text(value, operation, field, names::VALIDATION)? else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| fail(format!("is not usable JSON: {e}")))
}

/// A JS string copied into Rust, unless it is longer than [`MAX_TEXT_UNITS`] (then its length).
/// `Ok(None)` for a value that is not a string (what `JSON.stringify` returns for `undefined`).
fn bounded_string(value: &JsValue) -> Result<Option<String>, u32> {
    if !value.is_string() {
        return Ok(None);
    }
    let units = value.unchecked_ref::<js_sys::JsString>().length();
    if units > MAX_TEXT_UNITS {
        return Err(units);
    }
    Ok(value.as_string())
}

/// Why `JSON.stringify` failed, in words: the JS engine's own message says which property closes
/// a cycle or which BigInt it met; a getter's or `toJSON`'s exception is quoted.
fn encoding_failure(e: &JsValue) -> String {
    let what = thrown(e);
    // The JS engine ran out of stack: V8 and JavaScriptCore say "Maximum call stack size
    // exceeded" (a RangeError, as is V8's "Invalid string length" for a text too long, which is
    // not about depth), SpiderMonkey "too much recursion" (an InternalError).
    if what.contains("call stack size") || what.contains("too much recursion") {
        return format!("is nested too deeply to be encoded as JSON ({what})");
    }
    format!("cannot be encoded as JSON: {what}")
}

/// A thrown value in words, read without trusting it: its `name` and `message` are read through
/// `Reflect.get` (a hostile error's getters may throw too) and quoted at most in part.
pub fn thrown(e: &JsValue) -> String {
    let text = |v: &JsValue| -> Option<String> {
        if !v.is_string() {
            return None;
        }
        let s = v.unchecked_ref::<js_sys::JsString>();
        Some(if s.length() > MAX_QUOTED_UNITS {
            format!("{}…", String::from(s.slice(0, MAX_QUOTED_UNITS)))
        } else {
            String::from(s)
        })
    };
    if let Some(s) = text(e) {
        return format!("'{s}'");
    }
    if e.is_object() {
        let field = |k: &str| {
            js_sys::Reflect::get(e, &JsValue::from_str(k))
                .ok()
                .and_then(|v| text(&v))
        };
        return match (field("name"), field("message")) {
            (Some(n), Some(m)) => format!("{n}: {m}"),
            (None, Some(m)) => m,
            _ => "an object that is not an Error".into(),
        };
    }
    match e.as_f64() {
        Some(n) => n.to_string(),
        None => kind(e).into(),
    }
}

/// The JS type of a value, for messages.
fn kind(v: &JsValue) -> &'static str {
    if v.is_null() {
        "null"
    } else if v.is_undefined() {
        "undefined"
    } else if v.is_string() {
        "a string"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if v.is_bigint() {
        "a BigInt"
    } else if v.is_symbol() {
        "a symbol"
    } else if v.is_function() {
        "a function"
    } else {
        "an object"
    }
}
