//! Numbers and sizes: TimeoutSeconds/HeartbeatSeconds, Map concurrency and tolerated failures,
//! Wait's one-of-four, Fail's error/cause pairs, state names, definition size, and the
//! integrations an Express machine cannot use.

use super::{
    child, codes, schema, schema::StateType, Ctx, Lang, MachineType, MAX_DEFINITION_BYTES,
};
use crate::query::is_expression;
use serde_json::{Map, Value};

/// AWS's longest state name, in characters.
pub const MAX_STATE_NAME_CHARS: usize = 80;

/// AWS's bound on TimeoutSeconds, HeartbeatSeconds and retrier intervals.
const MAX_SECONDS: i64 = 99_999_999;

pub(crate) fn definition_size(ctx: &mut Ctx, bytes: usize) {
    if bytes > MAX_DEFINITION_BYTES {
        ctx.push(
            super::Severity::Error,
            codes::DEFINITION_TOO_LARGE,
            None,
            None,
            format!(
                "The definition is {bytes} bytes long; the maximum is {MAX_DEFINITION_BYTES} bytes"
            ),
        );
    }
}

pub(crate) fn state_name(ctx: &mut Ctx, name: &str, pointer: &str) {
    let chars = name.chars().count();
    if chars > MAX_STATE_NAME_CHARS {
        ctx.error(
            codes::INVALID_STATE_NAME,
            pointer,
            format!("State names must be at most {MAX_STATE_NAME_CHARS} characters long; this one has {chars}"),
        );
    } else if chars == 0 {
        ctx.error(
            codes::INVALID_STATE_NAME,
            pointer,
            "State names must not be empty",
        );
    }
}

/// An integer field within `[min, max]`, in AWS's words ("Minimum value is 0").
pub(crate) fn integer_field(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    field: &str,
    min: i64,
    max: i64,
) -> Option<i64> {
    let v = obj.get(field)?;
    let fp = child(pointer, field);
    // JSON Schema's "integer" takes 5.0 as well as 5.
    let integral_float = v
        .as_f64()
        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
        .map(|f| f as i64);
    let n = match v.as_i64().or(integral_float) {
        Some(n) => n,
        None if v.as_u64().is_some() || v.as_f64().is_some_and(|f| f.fract() == 0.0) => {
            ctx.schema(&fp, format!("Maximum value is {max}"));
            return None;
        }
        None => {
            ctx.schema(&fp, "Value must be an integer");
            return None;
        }
    };
    if n < min {
        ctx.schema(&fp, format!("Minimum value is {min}"));
        None
    } else if n > max {
        ctx.schema(&fp, format!("Maximum value is {max}"));
        None
    } else {
        Some(n)
    }
}

/// A field that takes a literal, or in JSONata a `{% %}` expression evaluated at run time.
fn integer_or_expression(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    field: &str,
    lang: Lang,
    min: i64,
    max: i64,
) -> Option<i64> {
    if lang == Lang::Jsonata
        && obj
            .get(field)
            .and_then(Value::as_str)
            .is_some_and(is_expression)
    {
        return None;
    }
    integer_field(ctx, obj, pointer, field, min, max)
}

pub(crate) fn root(ctx: &mut Ctx, root: &Map<String, Value>) {
    integer_field(ctx, root, "/", "TimeoutSeconds", 1, MAX_SECONDS);
}

pub(crate) fn state(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    kind: StateType,
    lang: Lang,
) {
    match kind {
        StateType::Task => task(ctx, obj, pointer, lang),
        StateType::Wait => wait(ctx, obj, pointer, lang),
        StateType::Fail => {
            schema::at_most_one(ctx, obj, pointer, &["Error", "ErrorPath"]);
            schema::at_most_one(ctx, obj, pointer, &["Cause", "CausePath"]);
            for field in ["Error", "Cause"] {
                if obj.get(field).is_some_and(|v| !v.is_string()) {
                    ctx.schema(&child(pointer, field), "Value must be a string");
                }
            }
        }
        StateType::Map => map(ctx, obj, pointer, lang),
        _ => {}
    }
}

fn task(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str, lang: Lang) {
    schema::at_most_one(ctx, obj, pointer, &["TimeoutSeconds", "TimeoutSecondsPath"]);
    schema::at_most_one(
        ctx,
        obj,
        pointer,
        &["HeartbeatSeconds", "HeartbeatSecondsPath"],
    );
    let timeout = integer_or_expression(ctx, obj, pointer, "TimeoutSeconds", lang, 1, MAX_SECONDS);
    let heartbeat =
        integer_or_expression(ctx, obj, pointer, "HeartbeatSeconds", lang, 1, MAX_SECONDS);
    if let (Some(t), Some(h)) = (timeout, heartbeat) {
        if h >= t {
            ctx.schema_at(
                pointer,
                &child(pointer, "HeartbeatSeconds"),
                format!("HeartbeatSeconds ({h}) must be smaller than TimeoutSeconds ({t})"),
            );
        }
    }
    if ctx.options.machine_type == MachineType::Express {
        if let Some(resource) = obj.get("Resource").and_then(Value::as_str) {
            for pattern in [".waitForTaskToken", ".sync"] {
                let suffix_at = resource.rfind(pattern);
                let is_pattern = suffix_at.is_some_and(|i| {
                    let rest = &resource[i + pattern.len()..];
                    rest.is_empty() || rest.starts_with(':')
                });
                if is_pattern {
                    // AWS's message, trailing space included.
                    ctx.schema(
                        &child(pointer, "Resource"),
                        format!("Express state machine does not support '{pattern}' service integration "),
                    );
                }
            }
        }
    }
}

fn wait(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str, lang: Lang) {
    let fields: &[&str] = match lang {
        Lang::JsonPath => &["Seconds", "Timestamp", "SecondsPath", "TimestampPath"],
        Lang::Jsonata => &["Seconds", "Timestamp"],
    };
    if schema::at_most_one(ctx, obj, pointer, fields) == 0 {
        ctx.schema(
            pointer,
            format!(
                "Exactly one of these fields is required: [{}]",
                fields.join(", ")
            ),
        );
    }
    integer_or_expression(ctx, obj, pointer, "Seconds", lang, 0, MAX_SECONDS);
    if let Some(v) = obj.get("Timestamp") {
        let ok = match v.as_str() {
            Some(s) => {
                (lang == Lang::Jsonata && is_expression(s))
                    || crate::choice::parse_timestamp(s).is_some()
            }
            None => false,
        };
        if !ok {
            ctx.schema(
                &child(pointer, "Timestamp"),
                "Value must be a timestamp such as 2016-08-18T17:33:00Z (ISO-8601 with an offset)",
            );
        }
    }
}

fn map(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str, lang: Lang) {
    schema::at_most_one(ctx, obj, pointer, &["MaxConcurrency", "MaxConcurrencyPath"]);
    schema::at_most_one(
        ctx,
        obj,
        pointer,
        &["ToleratedFailureCount", "ToleratedFailureCountPath"],
    );
    schema::at_most_one(
        ctx,
        obj,
        pointer,
        &[
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
        ],
    );
    integer_or_expression(
        ctx,
        obj,
        pointer,
        "MaxConcurrency",
        lang,
        0,
        i64::from(i32::MAX),
    );
    integer_or_expression(
        ctx,
        obj,
        pointer,
        "ToleratedFailureCount",
        lang,
        0,
        i64::from(i32::MAX),
    );
    if let Some(v) = obj.get("ToleratedFailurePercentage") {
        let fp = child(pointer, "ToleratedFailurePercentage");
        if !(lang == Lang::Jsonata && v.as_str().is_some_and(is_expression)) {
            match v.as_f64() {
                Some(p) if p < 0.0 => ctx.schema(&fp, "Minimum value is 0.0"),
                Some(p) if p > 100.0 => ctx.schema(&fp, "Maximum value is 100.0"),
                Some(_) => {}
                None => ctx.schema(&fp, "Value must be a number"),
            }
        }
    }
    if let Some(Value::Object(b)) = obj.get("ItemBatcher") {
        let bp = child(pointer, "ItemBatcher");
        schema::at_most_one(ctx, b, &bp, &["MaxItemsPerBatch", "MaxItemsPerBatchPath"]);
        schema::at_most_one(
            ctx,
            b,
            &bp,
            &["MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath"],
        );
        integer_or_expression(
            ctx,
            b,
            &bp,
            "MaxItemsPerBatch",
            lang,
            0,
            i64::from(i32::MAX),
        );
        integer_or_expression(ctx, b, &bp, "MaxInputBytesPerBatch", lang, 0, 262_144);
    }
    if let Some(Value::Object(r)) = obj.get("ItemReader") {
        if let Some(Value::Object(rc)) = r.get("ReaderConfig") {
            let rp = child(&child(pointer, "ItemReader"), "ReaderConfig");
            schema::at_most_one(ctx, rc, &rp, &["MaxItems", "MaxItemsPath"]);
            integer_or_expression(ctx, rc, &rp, "MaxItems", lang, 0, 100_000_000);
        }
    }
}
