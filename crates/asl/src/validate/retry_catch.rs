//! `Retry` and `Catch`: only on Task, Parallel and Map; arrays of retriers/catchers with a
//! non-empty `ErrorEquals`; `States.ALL` alone in its list and in the last entry; retrier numbers
//! within AWS's bounds. (Catch targets are checked with the other transitions.)

use super::{child, index, limits, schema, schema::StateType, Ctx, Lang};
use crate::error::names;
use serde_json::{Map, Value};

pub(crate) fn check(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    kind: StateType,
    lang: Lang,
) {
    if !matches!(kind, StateType::Task | StateType::Parallel | StateType::Map) {
        // `state_fields` already reported Retry/Catch as unsupported on this type.
        return;
    }
    for field in ["Retry", "Catch"] {
        let Some(v) = obj.get(field) else { continue };
        let fp = child(pointer, field);
        let Some(items) = v.as_array() else {
            ctx.schema(&fp, "Value must be an array");
            continue;
        };
        let is_catch = field == "Catch";
        for (i, item) in items.iter().enumerate() {
            let ip = index(&fp, i);
            let Some(entry) = item.as_object() else {
                ctx.schema(
                    &ip,
                    format!(
                        "A {} must be a JSON object",
                        if is_catch { "catcher" } else { "retrier" }
                    ),
                );
                continue;
            };
            let has_all = error_equals(ctx, entry, &ip);
            if entry.get("Comment").is_some_and(|c| !c.is_string()) {
                ctx.schema(&child(&ip, "Comment"), "Value must be a string");
            }
            if has_all && i + 1 != items.len() {
                ctx.schema_at(
                    &fp,
                    &ip,
                    format!(
                        "A {} with '{}' must be the last one in '{field}'",
                        if is_catch { "catcher" } else { "retrier" },
                        names::ALL
                    ),
                );
            }
            if is_catch {
                catcher(ctx, entry, &ip, lang);
            } else {
                retrier(ctx, entry, &ip);
            }
        }
    }
}

/// Returns whether the list names `States.ALL`.
fn error_equals(ctx: &mut Ctx, entry: &Map<String, Value>, pointer: &str) -> bool {
    let Some(v) = entry.get("ErrorEquals") else {
        ctx.schema(pointer, "These fields are required: [ErrorEquals]");
        return false;
    };
    let ep = child(pointer, "ErrorEquals");
    let Some(list) = v.as_array().filter(|a| !a.is_empty()) else {
        ctx.schema(&ep, "Value must be a non-empty array of error names");
        return false;
    };
    if list.iter().any(|e| !e.is_string()) {
        ctx.schema(&ep, "Error names must be strings");
    }
    let has_all = list.iter().any(|e| e.as_str() == Some(names::ALL));
    if has_all && list.len() > 1 {
        ctx.schema(
            &ep,
            format!("'{}' must appear alone in 'ErrorEquals'", names::ALL),
        );
    }
    has_all
}

fn retrier(ctx: &mut Ctx, entry: &Map<String, Value>, pointer: &str) {
    schema::only_fields(
        ctx,
        entry,
        pointer,
        &[
            "ErrorEquals",
            "IntervalSeconds",
            "MaxAttempts",
            "BackoffRate",
            "MaxDelaySeconds",
            "JitterStrategy",
            "Comment",
        ],
    );
    limits::integer_field(ctx, entry, pointer, "IntervalSeconds", 1, 99_999_999);
    limits::integer_field(ctx, entry, pointer, "MaxAttempts", 0, 99_999_999);
    limits::integer_field(ctx, entry, pointer, "MaxDelaySeconds", 1, 31_622_400);
    if let Some(v) = entry.get("BackoffRate") {
        match v.as_f64() {
            Some(r) if r >= 1.0 => {}
            Some(_) => ctx.schema(&child(pointer, "BackoffRate"), "Minimum value is 1.0"),
            None => ctx.schema(&child(pointer, "BackoffRate"), "Value must be a number"),
        }
    }
    if let Some(v) = entry.get("JitterStrategy") {
        if !matches!(v.as_str(), Some("FULL" | "NONE")) {
            ctx.schema(
                &child(pointer, "JitterStrategy"),
                "Value must be one of [FULL, NONE]",
            );
        }
    }
}

fn catcher(ctx: &mut Ctx, entry: &Map<String, Value>, pointer: &str, lang: Lang) {
    for key in entry.keys() {
        match (key.as_str(), lang) {
            ("ErrorEquals" | "Next" | "Comment" | "Assign", _) => {}
            ("ResultPath", Lang::JsonPath) | ("Output", Lang::Jsonata) => {}
            ("ResultPath", Lang::Jsonata) => {
                super::query_language::wrong_language_field(ctx, pointer, key, lang, Lang::JsonPath)
            }
            ("Output", Lang::JsonPath) => {
                super::query_language::wrong_language_field(ctx, pointer, key, lang, Lang::Jsonata)
            }
            (k, _) => ctx.schema_at(
                pointer,
                &child(pointer, k),
                format!("Field '{k}' is not supported"),
            ),
        }
    }
    match entry.get("Next") {
        None => ctx.schema(pointer, "These fields are required: [Next]"),
        Some(n) if !n.is_string() => ctx.schema(&child(pointer, "Next"), "Value must be a string"),
        _ => {}
    }
}
