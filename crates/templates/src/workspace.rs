//! Checks across the machines of a workspace: a `states:startExecution` task whose literal
//! `StateMachineArn` names no machine of the workspace gets a warning, with the closest name.

use serde_json::Value as Json;
use stepwise_asl::validate::positions::PositionIndex;
use stepwise_asl::validate::{Diagnostic, Severity};

/// The code of the warning.
pub const UNKNOWN_STATE_MACHINE: &str = "UNKNOWN_STATE_MACHINE";

/// Warnings for one definition, given the names of the workspace's machines. Locations are
/// pointers; [`unknown_machines_in_text`] adds lines and columns for JSON text.
pub fn unknown_machines(definition: &Json, known: &[&str]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    states(definition, "", known, &mut out);
    out
}

/// [`unknown_machines`] for definition text, positions set from the text (nothing when the text
/// is not JSON: validation says so).
pub fn unknown_machines_in_text(text: &str, known: &[&str]) -> Vec<Diagnostic> {
    let Ok(value) = serde_json::from_str::<Json>(text) else {
        return Vec::new();
    };
    let mut diags = unknown_machines(&value, known);
    if !diags.is_empty() {
        let index = PositionIndex::build(text);
        for d in &mut diags {
            if let Some(p) = d.location.as_deref().and_then(|l| index.lookup(l)) {
                d.line = Some(p.line);
                d.column = Some(p.column);
            }
        }
    }
    diags
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every state of a `States` object under `pointer`, branches and Map processors included.
fn states(machine: &Json, pointer: &str, known: &[&str], out: &mut Vec<Diagnostic>) {
    let Some(all) = machine.get("States").and_then(Json::as_object) else {
        return;
    };
    for (name, state) in all {
        let at = format!("{pointer}/States/{}", escape(name));
        task(state, &at, known, out);
        if let Some(branches) = state.get("Branches").and_then(Json::as_array) {
            for (i, b) in branches.iter().enumerate() {
                states(b, &format!("{at}/Branches/{i}"), known, out);
            }
        }
        for field in ["ItemProcessor", "Iterator"] {
            if let Some(p) = state.get(field) {
                states(p, &format!("{at}/{field}"), known, out);
            }
        }
    }
}

fn task(state: &Json, at: &str, known: &[&str], out: &mut Vec<Diagnostic>) {
    let starts = state.get("Type").and_then(Json::as_str) == Some("Task")
        && state
            .get("Resource")
            .and_then(Json::as_str)
            .and_then(stepwise_asl::arn::Integration::parse)
            .is_some_and(|i| i.name == "states:startExecution");
    if !starts {
        return;
    }
    for field in ["Parameters", "Arguments"] {
        let Some(arn) = state
            .get(field)
            .and_then(|p| p.get("StateMachineArn"))
            .and_then(Json::as_str)
        else {
            continue;
        };
        let Some(name) = machine_name(arn) else {
            continue;
        };
        if known.contains(&name) {
            continue;
        }
        let message = match closest(name, known) {
            Some(near) => {
                format!("No state machine named '{name}' in the workspace: did you mean '{near}'?")
            }
            None if known.is_empty() => format!("No state machine named '{name}' in the workspace"),
            None => format!(
                "No state machine named '{name}' in the workspace (it has {})",
                known.join(", ")
            ),
        };
        out.push(Diagnostic {
            severity: Severity::Warning,
            code: UNKNOWN_STATE_MACHINE.to_owned(),
            message,
            location: Some(format!("{at}/{field}/StateMachineArn")),
            line: None,
            column: None,
        });
    }
}

/// The machine name in a literal state machine ARN (`arn:aws:states:r:a:stateMachine:Name`,
/// possibly `:version` or `:alias` after it); `None` for paths, expressions and placeholders,
/// which are not well-formed ARNs with a valid name.
fn machine_name(arn: &str) -> Option<&str> {
    let parsed = stepwise_asl::arn::parse_arn(arn)?;
    if parsed.service != "states" {
        return None;
    }
    stepwise_asl::arn::state_machine_name(parsed.resource).map(|(name, _)| name)
}

/// The known name nearest to `name` by edit distance, when near enough to be a typo.
fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let (best, d) = known
        .iter()
        .map(|k| (*k, distance(name, k)))
        .min_by_key(|(_, d)| *d)?;
    let limit = (name.chars().count().max(best.chars().count()) / 3).max(2);
    (d <= limit).then_some(best)
}

/// Levenshtein distance, case differences costing half... rounded up: names differ by case
/// more often than by letters, so `orderflow` still finds `OrderFlow`.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = if ca == cb || ca.eq_ignore_ascii_case(cb) {
                usize::from(ca != cb)
            } else {
                2
            };
            let next = (row[j + 1] + 2).min(row[j] + 2).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()].div_ceil(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn start(arn: &str) -> Json {
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "S", "States": {
            "S": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "End": true,
                  "Parameters": {"StateMachineArn": arn, "Input": {}}}}}]}}})
    }

    #[test]
    fn names_no_machine_of_the_workspace() {
        let d = unknown_machines(
            &start("arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlw"),
            &["OrderFlow", "Billing"],
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "No state machine named 'OrderFlw' in the workspace: did you mean 'OrderFlow'?"
        );
        assert_eq!(
            d[0].location.as_deref(),
            Some("/States/P/Branches/0/States/S/Parameters/StateMachineArn")
        );
        let d = unknown_machines(
            &start("arn:aws:states:us-east-1:123456789012:stateMachine:Zebra"),
            &["OrderFlow"],
        );
        assert!(
            d[0].message.ends_with("(it has OrderFlow)"),
            "{}",
            d[0].message
        );
        assert!(unknown_machines(
            &start("arn:aws:states:us-east-1:123456789012:stateMachine:Billing:live"),
            &["Billing"]
        )
        .is_empty());
        assert!(unknown_machines(&start("${ChildArn}"), &[]).is_empty());
    }

    #[test]
    fn positions_come_from_the_text() {
        let text = serde_json::to_string_pretty(&start(
            "arn:aws:states:us-east-1:1:stateMachine:orderflow",
        ))
        .unwrap();
        let d = unknown_machines_in_text(&text, &["OrderFlow"]);
        assert!(
            d[0].message.contains("did you mean 'OrderFlow'"),
            "{}",
            d[0].message
        );
        assert!(d[0].line.is_some());
    }
}
