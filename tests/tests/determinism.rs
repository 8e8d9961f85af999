//! The same commands give the same history, byte for byte.

use serde_json::json;
use stepwise_tests::*;

#[test]
fn same_commands_same_history() {
    let def = json!({"StartAt": "R", "States": {
        "R": {"Type": "Pass", "Parameters": {"r.$": "States.MathRandom(1, 1000)", "u.$": "States.UUID()"}, "Next": "M"},
        "M": {"Type": "Map", "ItemsPath": "$.xs", "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}}, "ResultPath": "$.m", "End": true}}});
    let render = || {
        let mut e = engine_with(&[("M", def.clone())]);
        let id = start(&mut e, "M", json!({"xs": [1, 2, 3]}));
        e.get_execution_history(&e.execution(id).arn.clone(), false, true).unwrap().to_string()
    };
    assert_eq!(render(), render());
}
