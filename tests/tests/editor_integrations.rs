//! The playground editor's completion list of service integrations (`www/editor/src/asl.js`,
//! JavaScript) must name only resources the engine reads as integrations, in AWS's spelling.

use stepwise_asl::arn::Integration;

/// The ARNs of the `INTEGRATIONS` table, read from the JavaScript source.
fn listed_arns() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../www/editor/src/asl.js");
    let source = std::fs::read_to_string(path).expect("www/editor/src/asl.js");
    let table = source
        .split("export const INTEGRATIONS = [")
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .expect("an INTEGRATIONS table");
    table
        .lines()
        .filter_map(|line| line.trim().strip_prefix("['"))
        .map(|rest| rest[..rest.find('\'').expect("a closing quote")].to_owned())
        .collect()
}

#[test]
fn every_listed_integration_is_one_the_engine_reads() {
    let arns = listed_arns();
    assert!(arns.len() >= 10, "{arns:?}");
    for arn in &arns {
        let integration =
            Integration::parse(arn).unwrap_or_else(|| panic!("{arn} is no integration"));
        assert_eq!(integration.partition, "aws", "{arn}");
        // Round trip: name and pattern give back the ARN, so the suffix is one AWS spells.
        assert_eq!(
            format!(
                "arn:aws:states:::{}{}",
                integration.name,
                integration.pattern.suffix()
            ),
            *arn
        );
    }
    for needed in [
        "arn:aws:states:::lambda:invoke",
        "arn:aws:states:::states:startExecution.sync:2",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    ] {
        assert!(arns.iter().any(|a| a == needed), "{needed} missing");
    }
}
