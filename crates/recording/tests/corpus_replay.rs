//! Every conformance case with a recorded history, written as the AWS CLI prints it, imported
//! and replayed: the local run must do what AWS recorded, event by event.

mod common;

use common::*;
use std::collections::BTreeMap;
use stepwise_recording::{import, replay, CompareOptions, Import, Source};

fn import_case(texts: &CliTexts) -> Result<Import, String> {
    let mut sources = vec![
        Source {
            name: "history.json",
            text: &texts.history,
        },
        Source {
            name: "execution.json",
            text: &texts.describe_execution,
        },
        Source {
            name: "machine.json",
            text: &texts.describe_machine,
        },
    ];
    for (n, text) in &texts.other_machines {
        sources.push(Source { name: n, text });
    }
    import(&sources).map_err(|e| e[0].to_string())
}

#[test]
fn every_recorded_history_imports_and_replays_without_divergence() {
    let mut imported = 0;
    let mut holes = Vec::new();
    let mut agreed = Vec::new();
    let mut strict_agreed = 0;
    let mut not_replayable = Vec::new();
    let mut diverged = Vec::new();
    for case in corpus_cases() {
        if case.get("expected_history").is_none() {
            continue;
        }
        let name = case["name"].as_str().unwrap().to_owned();
        let masked = case["expected_history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| !e["id"].is_u64());
        // Pages of 40 events: long histories come in several pages, as with `--max-items 40`.
        let imp = match import_case(&cli_texts(&case, 40)) {
            Ok(i) => i,
            // Where the corpus masked the ids of Parallel branches it also left events out:
            // the importer must say so rather than replay a history with holes.
            Err(e) if masked => {
                assert!(e.contains("missing"), "{name}: {e}");
                holes.push(name);
                continue;
            }
            Err(e) => panic!("{name}: {e}"),
        };
        imported += 1;
        let opts = CompareOptions {
            placeholders: true,
            wildcards: wildcards(&case),
            ignored_keys: skipped_keys(&case),
        };
        match replay(&imp, 0, &BTreeMap::new(), &opts) {
            Err(why) => not_replayable.push(format!("{name}: {why}")),
            Ok(r) => match r.divergence {
                None => agreed.push(name),
                Some(_) if r.missing.is_some() => {
                    not_replayable.push(format!("{name}: {}", r.missing.unwrap()))
                }
                Some(d) => diverged.push(format!("{name}: {}", d.what)),
            },
        }
        // The same without the corpus' masking rules, as a user's recording is compared.
        let strict = replay(&imp, 0, &BTreeMap::new(), &CompareOptions::default());
        strict_agreed += usize::from(strict.is_ok_and(|r| r.divergence.is_none()));
    }
    eprintln!(
        "imported {imported} (refused {}: events missing), replayed without divergence {} ({strict_agreed} without the corpus' placeholder rule), not replayable {}, diverged {}",
        holes.len(),
        agreed.len(),
        not_replayable.len(),
        diverged.len()
    );
    for n in not_replayable.iter().chain(&diverged) {
        eprintln!("  {n}");
    }
    assert_eq!(imported + holes.len(), 464);
    assert_eq!(holes.len(), 5);
    assert_eq!(agreed.len(), 451);
    // Recordings whose tasks ran in executions the corpus has no history of (a child's, or a
    // Distributed Map's iterations).
    assert_eq!(not_replayable.len(), 4);
    assert!(not_replayable
        .iter()
        .all(|n| n.contains("histories were not given") || n.contains("history was not given")));
    // Recorded before AWS added redrive (2023): AWS's answers then had no RedriveCount, which
    // today's AWS, and Stepwise, give.
    assert_eq!(diverged.len(), 4);
    assert!(
        diverged
            .iter()
            .all(|d| d.contains("RedriveCount is only in the local event")),
        "{diverged:#?}"
    );
}
