//! A second opinion from outside: the labelled test definitions of two open-source validators
//! (asl-validator, statelint), with what AWS does when each is created (`labels.json`). Every
//! entry whose AWS verdict is known must get the same verdict here.

use super::{is_valid, validate_text, Diagnostic, Severity};
use serde_json::Value;
use std::collections::BTreeMap;

fn first_error(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map(|d| {
            format!(
                "{} {} {}",
                d.code,
                d.location.as_deref().unwrap_or(""),
                d.message
            )
        })
        .unwrap_or_default()
}

#[test]
fn agrees_with_aws_on_labelled_external_definitions() {
    let dir = crate::test_data::corpus().join("validation-external");
    let labels: BTreeMap<String, Value> =
        serde_json::from_slice(&std::fs::read(dir.join("labels.json")).expect("labels.json"))
            .expect("labels JSON");
    // Per source project: (agree, disagree, not scored).
    let mut tally: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut disagreements = Vec::new();
    for (file, label) in &labels {
        let source = file.split('/').next().unwrap_or_default().to_owned();
        let entry = tally.entry(source).or_default();
        let want_valid = match label["aws"].as_str() {
            Some("valid") => true,
            Some("invalid") => false,
            _ => {
                entry.2 += 1;
                continue;
            }
        };
        let text =
            std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let diags = validate_text(&text);
        if is_valid(&diags) == want_valid {
            entry.0 += 1;
        } else {
            entry.1 += 1;
            let why = if want_valid {
                first_error(&diags)
            } else {
                "no error".to_owned()
            };
            disagreements.push(format!("{file}: AWS says {}, we say {why}", label["aws"]));
        }
    }
    eprintln!("labels.json (agree, disagree, unscored) per source: {tally:?}");
    let scored: usize = tally.values().map(|t| t.0 + t.1).sum();
    assert_eq!(scored, 176, "the corpus changed: {tally:?}");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
