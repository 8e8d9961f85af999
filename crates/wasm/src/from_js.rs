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

/// A request must be an object (not `null`, a number or a function).
pub fn request_object(request: &JsValue, operation: &str) -> Result<(), ApiError> {
    if request.is_object() && !request.is_function() {
        return Ok(());
    }
    Err(ApiError::new(
        names::VALIDATION,
        format!(
            "{operation}: the request must be an object, not {}",
            kind(request)
        ),
    ))
}

/// One field of a request object as the JSON value it holds: only the fields an operation takes
/// are ever read (other AWS fields are accepted and ignored, but never touched). `None` for a
/// field that is `undefined` or has no JSON encoding (like a function), as `JSON.stringify`
/// leaves it out.
pub fn request_field(
    request: &JsValue,
    operation: &str,
    key: &str,
) -> Result<Option<Value>, ApiError> {
    let value = js_sys::Reflect::get(request, &JsValue::from_str(key)).map_err(|e| {
        ApiError::new(
            names::VALIDATION,
            format!("{operation}: reading {key} threw {}", thrown(&e)),
        )
    })?;
    if TEXT_FIELDS.contains(&key) {
        Ok(json_text(&value, operation, key, text_error_name(operation, key))?.map(Value::String))
    } else {
        plain_value(&value, operation, key)
    }
}

/// Every own enumerable field of a request object (`Object.keys` gives strings only), for an
/// operation that reads its request as a whole.
pub fn all_request_fields(
    request: &JsValue,
    operation: &str,
) -> Result<Map<String, Value>, ApiError> {
    request_object(request, operation)?;
    let keys = object_keys(request).map_err(|e| {
        ApiError::new(
            names::VALIDATION,
            format!(
                "{operation}: listing the request's fields threw {}",
                thrown(&e)
            ),
        )
    })?;
    let mut fields = Map::new();
    for key in keys.iter().filter_map(|k| k.as_string()) {
        if let Some(v) = request_field(request, operation, &key)? {
            fields.insert(key, v);
        }
    }
    Ok(fields)
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
