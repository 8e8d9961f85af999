//! JSONPath-mode fields: paths, reference paths, payload templates (`Parameters`,
//! `ResultSelector`, `ItemSelector`, `Assign`, ...) with their `.$` fields, intrinsic functions.
//!
//! AWS reports a bad path as `SCHEMA_VALIDATION_FAILED` ("Value must be a valid JSONPath.",
//! "Value is not a Reference Path"); the parser's own reason is appended here because it helps.
//! It warns (`NO_DOLLAR`) about a template string that looks like a path or an intrinsic but sits
//! under a name without `.$`, and (`PASS_RESULT_IS_STATIC`) about `.$` names in a Pass `Result`.

use super::{child, codes, schema::StateType, Ctx};
use crate::{
    intrinsics::Intrinsic,
    path::{JsonPath, Root},
};
use serde_json::{Map, Value};

/// Which values a path field accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathKind {
    /// Any JSONPath (InputPath, OutputPath).
    Any,
    /// A reference path: one node, no wildcards or filters.
    Reference,
    /// A reference path or an intrinsic function call (ErrorPath, CausePath).
    ReferenceOrIntrinsic,
    /// A reference path into the state's input, where a result is written (ResultPath): not
    /// the context object, not a variable.
    Destination,
}

/// Checks one path field. `nullable` fields (InputPath, OutputPath, ResultPath) accept `null`.
pub(crate) fn path_field(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    field: &str,
    kind: PathKind,
    nullable: bool,
) {
    let Some(v) = obj.get(field) else { return };
    let fp = child(pointer, field);
    let text = match v {
        Value::Null if nullable => return,
        Value::String(s) => s,
        _ => {
            let what = if nullable {
                "a string or null"
            } else {
                "a string"
            };
            ctx.schema(&fp, format!("Value must be {what}"));
            return;
        }
    };
    if kind == PathKind::ReferenceOrIntrinsic && crate::intrinsics::looks_like_intrinsic(text) {
        if let Err(e) = Intrinsic::parse(text) {
            ctx.schema(
                &fp,
                format!("Value must be a valid intrinsic function call: {e}"),
            );
        }
        return;
    }
    match JsonPath::parse(text) {
        Err(e) => ctx.schema(&fp, format!("Value must be a valid JSONPath. {e}")),
        Ok(p) if kind != PathKind::Any && !p.is_reference_path() => ctx.schema(&fp, "Value is not a Reference Path"),
        Ok(p) if kind == PathKind::Destination && *p.root() != Root::Input => ctx.schema(
            &fp,
            format!("Value is not a Reference Path: '{field}' writes into the state's input, so it must start with '$' (not '$$' or a variable)"),
        ),
        Ok(_) => {}
    }
}

pub(crate) fn state(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str, kind: StateType) {
    path_field(ctx, obj, pointer, "InputPath", PathKind::Any, true);
    path_field(ctx, obj, pointer, "OutputPath", PathKind::Any, true);
    path_field(ctx, obj, pointer, "ResultPath", PathKind::Destination, true);
    for field in [
        "ItemsPath",
        "SecondsPath",
        "TimestampPath",
        "TimeoutSecondsPath",
        "HeartbeatSecondsPath",
        "MaxConcurrencyPath",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
    ] {
        path_field(ctx, obj, pointer, field, PathKind::Reference, false);
    }
    for field in ["ErrorPath", "CausePath"] {
        path_field(
            ctx,
            obj,
            pointer,
            field,
            PathKind::ReferenceOrIntrinsic,
            false,
        );
    }
    // Any JSON value is a template: `.$` fields are found in objects at any depth.
    for field in [
        "Parameters",
        "ResultSelector",
        "ItemSelector",
        "Assign",
        "Credentials",
    ] {
        if let Some(v) = obj.get(field) {
            whole_template(ctx, field, v, &child(pointer, field));
        }
    }
    for holder in ["ItemReader", "ResultWriter"] {
        if let Some(Value::Object(h)) = obj.get(holder) {
            let hp = child(pointer, holder);
            if let Some(v) = h.get("Parameters") {
                template(ctx, v, &child(&hp, "Parameters"), 0);
            }
            if let Some(Value::Object(rc)) = h.get("ReaderConfig") {
                path_field(
                    ctx,
                    rc,
                    &child(&hp, "ReaderConfig"),
                    "MaxItemsPath",
                    PathKind::Reference,
                    false,
                );
            }
        }
    }
    if let Some(Value::Object(b)) = obj.get("ItemBatcher") {
        let bp = child(pointer, "ItemBatcher");
        for field in ["MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath"] {
            path_field(ctx, b, &bp, field, PathKind::Reference, false);
        }
        if let Some(v) = b.get("BatchInput") {
            template(ctx, v, &child(&bp, "BatchInput"), 0);
        }
    }
    if let Some(Value::Array(catchers)) = obj.get("Catch") {
        let cp = child(pointer, "Catch");
        for (i, c) in catchers.iter().enumerate() {
            if let Some(c) = c.as_object() {
                let ip = super::index(&cp, i);
                path_field(ctx, c, &ip, "ResultPath", PathKind::Destination, true);
                assign(ctx, c, &ip);
            }
        }
    }
    if kind == StateType::Pass {
        if let Some(result) = obj.get("Result") {
            if has_dollar_field(result, 0) {
                ctx.warning(
                    codes::PASS_RESULT_IS_STATIC,
                    &child(pointer, "Result"),
                    "'Result' is used as it is: its fields ending in '.$' are not evaluated (use 'Parameters' to select from the input)",
                );
            }
        }
    }
}

fn has_dollar_field(v: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match v {
        Value::Object(m) => m
            .iter()
            .any(|(k, v)| k.ends_with(".$") || has_dollar_field(v, depth + 1)),
        Value::Array(a) => a.iter().any(|v| has_dollar_field(v, depth + 1)),
        _ => false,
    }
}

/// Deep enough for any real template; deeper values stop being searched instead of recursing on.
const MAX_DEPTH: usize = 200;

/// The JSONPath-mode `Assign` of a catcher or a Choice rule: a payload template whose members
/// are the variables, so an object (as a state's own `Assign` must be).
pub(crate) fn assign(ctx: &mut Ctx, holder: &Map<String, Value>, pointer: &str) {
    match holder.get("Assign") {
        Some(v @ Value::Object(_)) => template(ctx, v, &child(pointer, "Assign"), 0),
        Some(_) => ctx.schema(&child(pointer, "Assign"), "Value must be an object"),
        None => {}
    }
}

/// A template field's value. A string as the whole template is passed on as written, which is
/// rarely what a path-looking string was meant for.
fn whole_template(ctx: &mut Ctx, field: &str, value: &Value, pointer: &str) {
    if let Value::String(s) = value {
        if looks_dynamic(s) {
            ctx.warning(
                codes::NO_DOLLAR,
                pointer,
                format!("'{field}' is this literal string, not the value it looks like it selects: write {{\"name.$\": \"{s}\"}} to evaluate it"),
            );
        }
    }
    template(ctx, value, pointer, 0);
}

/// A payload template: fields named `x.$` take a path or an intrinsic; others are literal.
fn template(ctx: &mut Ctx, value: &Value, pointer: &str, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let fp = child(pointer, key);
                if key.ends_with(".$") {
                    dollar_value(ctx, key, v, &fp);
                } else {
                    if let Value::String(s) = v {
                        if looks_dynamic(s) {
                            ctx.warning(
                                codes::NO_DOLLAR,
                                &fp,
                                format!("The value of '{key}' looks like a JSONPath or an intrinsic function, but is used as a literal string: name the field '{key}.$' to evaluate it"),
                            );
                        }
                    }
                    template(ctx, v, &fp, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                template(ctx, v, &super::index(pointer, i), depth + 1);
            }
        }
        _ => {}
    }
}

fn looks_dynamic(s: &str) -> bool {
    (s.starts_with("$.") || s.starts_with("$$.") || s.starts_with("$[") || s == "$")
        || (crate::intrinsics::looks_like_intrinsic(s)
            && s.trim_end().ends_with(')')
            && s.contains('('))
}

fn dollar_value(ctx: &mut Ctx, key: &str, v: &Value, pointer: &str) {
    let invalid = |detail: String| {
        let mut m = format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call");
        if !detail.is_empty() {
            m.push_str(": ");
            m.push_str(&detail);
        }
        m
    };
    let Some(text) = v.as_str() else {
        ctx.schema(pointer, invalid(String::new()));
        return;
    };
    let result = if crate::intrinsics::looks_like_intrinsic(text) {
        Intrinsic::parse(text).map(|_| ())
    } else if text.trim_start().starts_with('$') {
        JsonPath::parse(text).map(|_| ())
    } else {
        Err(String::new())
    };
    if let Err(e) = result {
        ctx.schema(pointer, invalid(e));
    }
}
