//! The shape of a definition: required fields, fields allowed per state type (and per query
//! language), field types, `Next`/`End`, Choice rules, Parallel branches and Map processors.
//! Everything here reports `SCHEMA_VALIDATION_FAILED`, as AWS does.

use super::{child, index, query_language, Ctx, Lang, Scope};
use crate::choice::ChoiceRule;
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StateType {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

const TYPES: [(&str, StateType); 8] = [
    ("Pass", StateType::Pass),
    ("Task", StateType::Task),
    ("Choice", StateType::Choice),
    ("Wait", StateType::Wait),
    ("Succeed", StateType::Succeed),
    ("Fail", StateType::Fail),
    ("Parallel", StateType::Parallel),
    ("Map", StateType::Map),
];

/// Which query language a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum For {
    Both,
    JsonPath,
    Jsonata,
}

/// Fields every state type accepts.
const COMMON: &[(&str, For)] = &[
    ("Type", For::Both),
    ("Comment", For::Both),
    ("QueryLanguage", For::Both),
];

fn fields_of(kind: StateType) -> &'static [(&'static str, For)] {
    use For::*;
    match kind {
        StateType::Pass => &[
            ("Next", Both),
            ("End", Both),
            ("Assign", Both),
            ("InputPath", JsonPath),
            ("OutputPath", JsonPath),
            ("ResultPath", JsonPath),
            ("Parameters", JsonPath),
            ("Result", JsonPath),
            ("Output", Jsonata),
        ],
        StateType::Task => &[
            ("Next", Both),
            ("End", Both),
            ("Assign", Both),
            ("Resource", Both),
            ("Retry", Both),
            ("Catch", Both),
            ("TimeoutSeconds", Both),
            ("HeartbeatSeconds", Both),
            ("Credentials", Both),
            ("InputPath", JsonPath),
            ("OutputPath", JsonPath),
            ("ResultPath", JsonPath),
            ("Parameters", JsonPath),
            ("ResultSelector", JsonPath),
            ("TimeoutSecondsPath", JsonPath),
            ("HeartbeatSecondsPath", JsonPath),
            ("Arguments", Jsonata),
            ("Output", Jsonata),
        ],
        StateType::Choice => &[
            ("Choices", Both),
            ("Default", Both),
            ("Assign", Both),
            ("InputPath", JsonPath),
            ("OutputPath", JsonPath),
            ("Output", Jsonata),
        ],
        StateType::Wait => &[
            ("Next", Both),
            ("End", Both),
            ("Assign", Both),
            ("Seconds", Both),
            ("Timestamp", Both),
            ("SecondsPath", JsonPath),
            ("TimestampPath", JsonPath),
            ("InputPath", JsonPath),
            ("OutputPath", JsonPath),
            ("Output", Jsonata),
        ],
        StateType::Succeed => &[
            ("InputPath", JsonPath),
            ("OutputPath", JsonPath),
            ("Output", Jsonata),
        ],
        StateType::Fail => &[
            ("Error", Both),
            ("Cause", Both),
            ("ErrorPath", JsonPath),
            ("CausePath", JsonPath),
        ],
        StateType::Parallel => &[
            ("Next", Both),
            ("End", Both),
            ("Assign", Both),
            ("Branches", Both),
            ("Retry", Both),
            ("Catch", Both),
            ("InputPath", JsonPath),
            ("OutputPath", JsonPath),
            ("ResultPath", JsonPath),
            ("Parameters", JsonPath),
            ("ResultSelector", JsonPath),
            ("Arguments", Jsonata),
            ("Output", Jsonata),
        ],
        StateType::Map => &[
            ("Next", Both),
            ("End", Both),
            ("Assign", Both),
            ("ItemProcessor", Both),
            ("Iterator", Both),
            ("ItemSelector", Both),
            ("ItemReader", Both),
            ("ItemBatcher", Both),
            ("ResultWriter", Both),
            ("MaxConcurrency", Both),
            ("ToleratedFailureCount", Both),
            ("ToleratedFailurePercentage", Both),
            ("Label", Both),
            ("Retry", Both),
            ("Catch", Both),
            ("ItemsPath", JsonPath),
            ("Parameters", JsonPath),
            ("InputPath", JsonPath),
            ("OutputPath", JsonPath),
            ("ResultPath", JsonPath),
            ("ResultSelector", JsonPath),
            ("MaxConcurrencyPath", JsonPath),
            ("ToleratedFailureCountPath", JsonPath),
            ("ToleratedFailurePercentagePath", JsonPath),
            ("Items", Jsonata),
            ("Output", Jsonata),
        ],
    }
}

fn type_name(kind: StateType) -> &'static str {
    TYPES
        .iter()
        .find(|(_, k)| *k == kind)
        .map(|(n, _)| *n)
        .unwrap_or("")
}

/// Lists missing required fields in AWS's words: `These fields are required: [States, StartAt]`.
pub(crate) fn required(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    names: &[&str],
) -> bool {
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !obj.contains_key(*n))
        .collect();
    if !missing.is_empty() {
        ctx.schema(
            pointer,
            format!("These fields are required: [{}]", missing.join(", ")),
        );
    }
    missing.is_empty()
}

/// Flags the fields of `obj` not in `allowed`.
pub(crate) fn only_fields(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    allowed: &[&str],
) {
    for key in obj.keys() {
        if !allowed.contains(&key.as_str()) {
            ctx.schema_at(
                pointer,
                &child(pointer, key),
                format!("Field '{key}' is not supported"),
            );
        }
    }
}

/// At most one of `names` may be present: `There should only be one of the following fields: [..]`.
pub(crate) fn at_most_one(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    names: &[&str],
) -> usize {
    let present: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| obj.contains_key(*n))
        .collect();
    if present.len() > 1 {
        ctx.schema_at(
            pointer,
            &child(pointer, present[1]),
            format!(
                "There should only be one of the following fields: [{}]",
                names.join(", ")
            ),
        );
    }
    present.len()
}

pub(crate) fn machine_fields(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str, scope: Scope) {
    let allowed: &[&str] = match scope {
        Scope::Root => &[
            "Comment",
            "StartAt",
            "States",
            "Version",
            "TimeoutSeconds",
            "QueryLanguage",
        ],
        Scope::Branch => &["Comment", "StartAt", "States"],
        // AWS takes ProcessorConfig in the legacy Iterator too (the corpus runs such machines).
        Scope::ItemProcessor | Scope::Iterator => {
            &["Comment", "StartAt", "States", "ProcessorConfig"]
        }
    };
    only_fields(ctx, obj, pointer, allowed);
    required(ctx, obj, pointer, &["States", "StartAt"]);
    if obj.get("StartAt").is_some_and(|v| !v.is_string()) {
        ctx.schema(&child(pointer, "StartAt"), "Value must be a string");
    }
    match obj.get("States") {
        Some(Value::Object(states)) if states.is_empty() => ctx.schema(
            &child(pointer, "States"),
            "The 'States' object must contain at least one state",
        ),
        Some(v) if !v.is_object() => {
            ctx.schema(&child(pointer, "States"), "Value must be an object")
        }
        _ => {}
    }
    if obj.get("Comment").is_some_and(|v| !v.is_string()) {
        ctx.schema(&child(pointer, "Comment"), "Value must be a string");
    }
    if scope == Scope::Root && obj.get("Version").is_some_and(|v| !v.is_string()) {
        ctx.schema(&child(pointer, "Version"), "Value must be a string");
    }
    if let Some(config) = obj.get("ProcessorConfig") {
        processor_config(ctx, config, &child(pointer, "ProcessorConfig"));
    }
}

fn processor_config(ctx: &mut Ctx, config: &Value, pointer: &str) {
    let Some(obj) = config.as_object() else {
        ctx.schema(pointer, "Value must be an object");
        return;
    };
    only_fields(ctx, obj, pointer, &["Mode", "ExecutionType"]);
    if let Some(mode) = obj.get("Mode") {
        if !matches!(mode.as_str(), Some("INLINE" | "DISTRIBUTED")) {
            ctx.schema(
                &child(pointer, "Mode"),
                "Value must be one of [INLINE, DISTRIBUTED]",
            );
        }
    }
    if let Some(et) = obj.get("ExecutionType") {
        if !matches!(et.as_str(), Some("STANDARD" | "EXPRESS")) {
            ctx.schema(
                &child(pointer, "ExecutionType"),
                "Value must be one of [STANDARD, EXPRESS]",
            );
        }
    }
}

pub(crate) fn state_type(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
) -> Option<StateType> {
    if !required(ctx, obj, pointer, &["Type"]) {
        return None;
    }
    let t = obj.get("Type").and_then(Value::as_str);
    let kind = t
        .and_then(|t| TYPES.iter().find(|(n, _)| *n == t))
        .map(|(_, k)| *k);
    if kind.is_none() {
        let names: Vec<&str> = TYPES.iter().map(|(n, _)| *n).collect();
        ctx.schema(
            &child(pointer, "Type"),
            format!("Value must be one of [{}]", names.join(", ")),
        );
    }
    kind
}

pub(crate) fn state_fields(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    kind: StateType,
    lang: Lang,
) {
    let own = fields_of(kind);
    for key in obj.keys() {
        let found = COMMON.iter().chain(own.iter()).find(|(n, _)| n == key);
        match found {
            None => ctx.schema_at(
                pointer,
                &child(pointer, key),
                format!("Field '{key}' is not supported"),
            ),
            Some((_, For::Both)) => {}
            Some((_, For::JsonPath)) if lang == Lang::JsonPath => {}
            Some((_, For::Jsonata)) if lang == Lang::Jsonata => {}
            Some((_, f)) => {
                let belongs = if *f == For::JsonPath {
                    Lang::JsonPath
                } else {
                    Lang::Jsonata
                };
                query_language::wrong_language_field(ctx, pointer, key, lang, belongs);
            }
        }
    }
    // Field types that hold whatever the query language.
    for (field, want) in [
        ("Comment", "string"),
        ("Resource", "string"),
        ("Default", "string"),
        ("Label", "string"),
    ] {
        if let Some(v) = obj.get(field) {
            if !v.is_string() {
                ctx.schema(&child(pointer, field), format!("Value must be a {want}"));
            }
        }
    }
    for field in [
        "Credentials",
        "ItemReader",
        "ItemBatcher",
        "ResultWriter",
        "ItemProcessor",
        "Iterator",
    ] {
        if let Some(v) = obj.get(field) {
            if !v.is_object() {
                ctx.schema(&child(pointer, field), "Value must be an object");
            }
        }
    }
    if lang == Lang::JsonPath {
        // AWS takes any JSON value as `Parameters` and `ResultSelector` (a string, an array...),
        // the spec's "MUST be an object" notwithstanding.
        for field in ["ItemSelector"] {
            if let Some(v) = obj.get(field) {
                if !v.is_object() {
                    ctx.schema(&child(pointer, field), "Value must be an object");
                }
            }
        }
        if let Some(v) = obj.get("Assign") {
            if !v.is_object() {
                ctx.schema(&child(pointer, "Assign"), "Value must be an object");
            }
        }
    }
    match kind {
        StateType::Task => {
            required(ctx, obj, pointer, &["Resource"]);
        }
        StateType::Parallel
            if required(ctx, obj, pointer, &["Branches"])
                && obj
                    .get("Branches")
                    .and_then(Value::as_array)
                    .is_none_or(|a| a.is_empty()) =>
        {
            ctx.schema(
                &child(pointer, "Branches"),
                "Value must be a non-empty array of branches",
            );
        }
        StateType::Map => {
            if at_most_one(ctx, obj, pointer, &["ItemProcessor", "Iterator"]) == 0 {
                ctx.schema(pointer, "These fields are required: [ItemProcessor]");
            }
            // A Map's `Parameters` is the older name of `ItemSelector`.
            at_most_one(ctx, obj, pointer, &["ItemSelector", "Parameters"]);
        }
        _ => {}
    }
}

/// `Next`/`End`: exactly one for the states that move on; neither for Choice, Succeed, Fail.
pub(crate) fn transition_fields(
    ctx: &mut Ctx,
    obj: &Map<String, Value>,
    pointer: &str,
    kind: StateType,
) {
    let terminal_kinds = matches!(
        kind,
        StateType::Choice | StateType::Succeed | StateType::Fail
    );
    if terminal_kinds {
        // Unsupported-field errors for Next/End were already given by `state_fields`.
        return;
    }
    if let Some(next) = obj.get("Next") {
        if !next.is_string() {
            ctx.schema(&child(pointer, "Next"), "Value must be a string");
        }
    }
    let end = obj.get("End");
    if let Some(e) = end {
        if !e.is_boolean() {
            ctx.schema(&child(pointer, "End"), "Value must be a boolean");
        }
    }
    let ends = end.and_then(Value::as_bool) == Some(true);
    match (obj.contains_key("Next"), ends) {
        (true, true) => ctx.schema_at(
            pointer,
            &child(pointer, "End"),
            "There should only be one of the following fields: [Next, End]",
        ),
        (false, false) => ctx.schema(
            pointer,
            format!(
                "A {} state needs either 'Next' or '\"End\": true'",
                type_name(kind)
            ),
        ),
        _ => {}
    }
}

/// Choice states: `Choices` is a non-empty array of rules with a `Next`; JSONPath rules must
/// compile (operators, operand types, paths), JSONata rules carry a `Condition`.
pub(crate) fn choice(ctx: &mut Ctx, obj: &Map<String, Value>, pointer: &str, lang: Lang) {
    if !required(ctx, obj, pointer, &["Choices"]) {
        return;
    }
    let cp = child(pointer, "Choices");
    let Some(rules) = obj
        .get("Choices")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        ctx.schema(&cp, "Value must be a non-empty array of Choice rules");
        return;
    };
    for (i, rule) in rules.iter().enumerate() {
        let rp = index(&cp, i);
        let Some(r) = rule.as_object() else {
            ctx.schema(&rp, "A Choice rule must be a JSON object");
            continue;
        };
        match r.get("Next") {
            None => ctx.schema(&rp, "These fields are required: [Next]"),
            Some(n) if !n.is_string() => ctx.schema(&child(&rp, "Next"), "Value must be a string"),
            _ => {}
        }
        match lang {
            Lang::JsonPath => {
                if r.contains_key("Condition") {
                    query_language::wrong_language_field(
                        ctx,
                        &rp,
                        "Condition",
                        lang,
                        Lang::Jsonata,
                    );
                    continue;
                }
                if let Err(e) = ChoiceRule::parse_detailed(&stepwise_json::Value::from(rule)) {
                    let at = format!("{rp}{}", e.pointer);
                    ctx.schema_at(&rp, &at, e.message);
                }
                if r.contains_key("Output") {
                    query_language::wrong_language_field(ctx, &rp, "Output", lang, Lang::Jsonata);
                }
                super::paths::assign(ctx, r, &rp);
            }
            Lang::Jsonata => {
                for key in r.keys() {
                    match key.as_str() {
                        "Condition" | "Next" | "Comment" | "Assign" | "Output" => {}
                        k if k == "Variable"
                            || k == "And"
                            || k == "Or"
                            || k == "Not"
                            || crate::choice::is_operator_name(k) =>
                        {
                            query_language::wrong_language_field(ctx, &rp, k, lang, Lang::JsonPath)
                        }
                        k => ctx.schema_at(
                            &rp,
                            &child(&rp, k),
                            format!("Field '{k}' is not supported"),
                        ),
                    }
                }
                match r.get("Condition") {
                    None => ctx.schema(&rp, "These fields are required: [Condition]"),
                    Some(Value::Bool(_)) => {}
                    Some(Value::String(s)) if crate::query::is_expression(s) => {}
                    Some(_) => ctx.schema(
                        &child(&rp, "Condition"),
                        "Value must be a JSONata expression such as {% $states.input.ok %} or a boolean",
                    ),
                }
            }
        }
    }
}
