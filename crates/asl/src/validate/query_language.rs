//! JSONPath vs JSONata: which language each state uses, fields of the other language, and
//! JSONata expressions that do not compile.
//!
//! AWS's rules (its answers quoted in the validation corpus and recorded by others):
//! - a state's language is its own `QueryLanguage`, else the machine's top-level one; states
//!   inside a Map or Parallel inherit the machine's, not their parent state's;
//! - under a JSONata machine no state may say `"QueryLanguage": "JSONPath"`;
//! - `ItemProcessor`/`Iterator`/branches cannot declare `QueryLanguage` at all (caught by the
//!   schema as an unsupported field);
//! - any value other than exactly `JSONPath` counts as JSONata, besides being reported.

use super::{child, codes, Ctx, Lang};
use crate::query::is_expression;
use serde_json::{Map, Value};

fn declared(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str) -> Option<Lang> {
    let v = obj.get("QueryLanguage")?;
    match v.as_str() {
        Some("JSONPath") => Some(Lang::JsonPath),
        Some("JSONata") => Some(Lang::Jsonata),
        _ => {
            ctx.schema(
                &child(pointer, "QueryLanguage"),
                "Value must be one of [JSONPath, JSONata]",
            );
            Some(Lang::Jsonata)
        }
    }
}

pub(crate) fn top_level(ctx: &mut Ctx, root: &Map<String, Value>) -> Lang {
    declared(ctx, root, "/").unwrap_or(Lang::JsonPath)
}

pub(crate) fn state_language(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str) -> Lang {
    match declared(ctx, obj, pointer) {
        Some(Lang::JsonPath) if ctx.top == Lang::Jsonata => {
            ctx.schema(
                pointer,
                "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
            );
            Lang::JsonPath
        }
        Some(lang) => lang,
        None => ctx.top,
    }
}

/// A field that exists, but only in the other query language (AWS's wording).
pub(crate) fn wrong_language_field(
    ctx: &mut Ctx,
    pointer: &str,
    field: &str,
    lang: Lang,
    belongs: Lang,
) {
    ctx.schema_at(
        pointer,
        &child(pointer, field),
        format!(
            "The QueryLanguage is set to '{}', but field '{field}' is only supported for the '{}' QueryLanguage",
            lang.name(),
            belongs.name()
        ),
    );
}

/// Nested machines are validated on their own; everything else in a JSONata state may hold
/// `{% %}` expressions.
const NOT_EXPRESSIONS: &[&str] = &[
    "Type",
    "Comment",
    "QueryLanguage",
    "Next",
    "End",
    "Default",
    "Resource",
    "Branches",
    "ItemProcessor",
    "Iterator",
    "Label",
];

pub(crate) fn jsonata_state(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str) {
    for (key, value) in obj {
        if NOT_EXPRESSIONS.contains(&key.as_str()) {
            continue;
        }
        if key == "Choices" {
            // Only Condition, Assign and Output of each rule are expressions.
            if let Some(rules) = value.as_array() {
                let cp = child(pointer, "Choices");
                for (i, rule) in rules.iter().enumerate() {
                    let rp = super::index(&cp, i);
                    if let Some(r) = rule.as_object() {
                        for field in ["Condition", "Assign", "Output"] {
                            if let Some(v) = r.get(field) {
                                expressions(ctx, v, &child(&rp, field), 0);
                            }
                        }
                    }
                }
            }
            continue;
        }
        if key == "Catch" || key == "Retry" {
            // Catchers' Assign/Output are expressions; their other fields are literals.
            if let Some(items) = value.as_array() {
                let kp = child(pointer, key);
                for (i, item) in items.iter().enumerate() {
                    if let Some(c) = item.as_object() {
                        for field in ["Assign", "Output"] {
                            if let Some(v) = c.get(field) {
                                expressions(ctx, v, &child(&super::index(&kp, i), field), 0);
                            }
                        }
                    }
                }
            }
            continue;
        }
        expressions(ctx, value, &child(pointer, key), 0);
    }
}

/// Deep enough for any real template; deeper values stop being searched instead of recursing on.
const MAX_DEPTH: usize = 200;

fn expressions(ctx: &mut Ctx, value: &Value, pointer: &str, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::String(s) => compile(ctx, s, pointer),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                expressions(ctx, v, &super::index(pointer, i), depth + 1);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                expressions(ctx, v, &child(pointer, k), depth + 1);
            }
        }
        _ => {}
    }
}

fn compile(ctx: &mut Ctx, text: &str, pointer: &str) {
    let t = text.trim();
    if !is_expression(t) {
        if t.starts_with("{%") || (t.ends_with("%}") && t.contains("{%")) {
            ctx.error(
                codes::INVALID_JSONATA_EXPRESSION,
                pointer,
                "A JSONata expression must be written as {% expression %}",
            );
        }
        return;
    }
    let inner = &t[2..t.len() - 2];
    if inner.trim().is_empty() {
        ctx.error(
            codes::INVALID_JSONATA_EXPRESSION,
            pointer,
            "The JSONata expression is empty",
        );
        return;
    }
    if !crate::query::evaluator_ready() {
        // Only where JSONata runs in a second wasm module the page has not loaded: refused with
        // the reason, never passed unchecked.
        ctx.error(
            codes::JSONATA_NOT_LOADED,
            pointer,
            "JSONata's evaluator (a second WebAssembly module) is not loaded, so this expression \
             cannot be checked: await init() (or give initSync its `jsonata` module) first",
        );
        return;
    }
    if let Err(e) = crate::query::check(inner) {
        ctx.error(codes::INVALID_JSONATA_EXPRESSION, pointer, e.message);
    }
}
