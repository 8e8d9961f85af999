//! Transitions within one machine scope (the root, a Parallel branch, a Map processor): targets
//! that name no state, states nothing reaches, a scope with no terminal state.
//!
//! In AWS's words and order (as recorded against the real service): every dangling target is
//! `MISSING_TRANSITION_TARGET` "Missing 'Next' target: X" at the field that names it (the word
//! is `Next` for Default and Catch targets too); then `MISSING_END_STATE` "Workflow has no
//! terminal state"; unreachable states are `MISSING_TRANSITION_TARGET` "State \"X\" is not
//! reachable." at the state, reported only when the scope has a terminal state.

use super::{child, codes, index, Ctx};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// The targets a state names, with the pointer of the field naming each.
fn targets(state: &Map<String, Value>, pointer: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |v: Option<&Value>, p: String| {
        if let Some(name) = v.and_then(Value::as_str) {
            out.push((name.to_owned(), p));
        }
    };
    add(state.get("Next"), child(pointer, "Next"));
    add(state.get("Default"), child(pointer, "Default"));
    for list in ["Choices", "Catch"] {
        if let Some(items) = state.get(list).and_then(Value::as_array) {
            let lp = child(pointer, list);
            for (i, item) in items.iter().enumerate() {
                add(item.get("Next"), child(&index(&lp, i), "Next"));
            }
        }
    }
    out
}

fn is_terminal(state: &Map<String, Value>) -> bool {
    matches!(
        state.get("Type").and_then(Value::as_str),
        Some("Succeed" | "Fail")
    ) || state.get("End").and_then(Value::as_bool) == Some(true)
}

pub(crate) fn check_scope(ctx: &mut Ctx, machine: &Map<String, Value>, pointer: &str) {
    let Some(states) = machine.get("States").and_then(Value::as_object) else {
        return;
    };
    if states.is_empty() {
        return;
    }
    let states_ptr = child(pointer, "States");

    if let Some(start) = machine.get("StartAt").and_then(Value::as_str) {
        if !states.contains_key(start) {
            ctx.error(
                codes::MISSING_TRANSITION_TARGET,
                &child(pointer, "StartAt"),
                format!("Missing 'StartAt' target: {start}"),
            );
        }
    }
    for (name, state) in states {
        let Some(s) = state.as_object() else { continue };
        for (target, at) in targets(s, &child(&states_ptr, name)) {
            if !states.contains_key(&target) {
                ctx.error(
                    codes::MISSING_TRANSITION_TARGET,
                    &at,
                    format!("Missing 'Next' target: {target}"),
                );
            }
        }
    }

    let has_terminal = states
        .values()
        .filter_map(Value::as_object)
        .any(is_terminal);
    if !has_terminal {
        let location = (pointer != "/").then_some(pointer);
        ctx.push(
            super::Severity::Error,
            codes::MISSING_END_STATE,
            location,
            None,
            "Workflow has no terminal state",
        );
        return;
    }

    // Reachability from StartAt; without a valid StartAt the question has no answer.
    let Some(start) = machine
        .get("StartAt")
        .and_then(Value::as_str)
        .filter(|s| states.contains_key(*s))
    else {
        return;
    };
    let mut reached: BTreeSet<&str> = BTreeSet::new();
    let mut queue: Vec<&str> = vec![start];
    while let Some(name) = queue.pop() {
        if !reached.insert(name) {
            continue;
        }
        let Some(s) = states.get(name).and_then(Value::as_object) else {
            continue;
        };
        for (target, _) in targets(s, "") {
            if let Some((key, _)) = states.get_key_value(target.as_str()) {
                if !reached.contains(key.as_str()) {
                    queue.push(key.as_str());
                }
            }
        }
    }
    for name in states.keys() {
        if !reached.contains(name.as_str()) {
            ctx.error(
                codes::MISSING_TRANSITION_TARGET,
                &child(&states_ptr, name),
                format!("State \"{name}\" is not reachable."),
            );
        }
    }
}
