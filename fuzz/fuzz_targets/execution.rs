//! A whole execution: create, mock, start, settle with a bounded step budget, answer task
//! tokens, read the history. Definitions come from the generator (most of them valid, so the
//! attempt runs) or from conformance cases (with their inputs, mocks and child machines).
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use stepwise_fuzz::{run_execution, Mocks};
use stepwise_json::Value;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = stepwise_fuzz::as_text(data) {
        let Some(case) = stepwise_fuzz::parse(text) else {
            return;
        };
        let Some(definition) = case.get("definition") else {
            // A bare definition, with an empty input.
            run_execution(text, &[], "{}", None, &[]);
            return;
        };
        let others: Vec<(String, String)> = case
            .get("state_machines")
            .and_then(Value::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json_string()))
                    .collect()
            })
            .unwrap_or_default();
        let input = case
            .get("input")
            .map(Value::to_json_string)
            .unwrap_or_else(|| "{}".into());
        let mocks = case.get("mocks").cloned().map(Mocks::StateLists);
        run_execution(
            &definition.to_json_string(),
            &others,
            &input,
            mocks,
            &["{}".into()],
        );
        return;
    }
    let mut u = Unstructured::new(data);
    let Ok((definition, input, mocks, answers)) = (|| -> arbitrary::Result<_> {
        let definition = stepwise_fuzz::definition::definition(&mut u)?;
        let input = stepwise_fuzz::values::json(&mut u)?;
        let names = ["S0", "S1", "S2", "S3", "S4"];
        let mocks = if u.ratio(1, 2)? {
            let mut lists = String::from("{");
            for (i, name) in names.iter().enumerate() {
                if i > 0 {
                    lists.push(',');
                }
                lists.push_str(&format!("\"{name}\":["));
                for k in 0..u.int_in_range(1..=3)? {
                    if k > 0 {
                        lists.push(',');
                    }
                    stepwise_fuzz::answer(&mut u, &mut lists)?;
                }
                lists.push(']');
            }
            lists.push('}');
            stepwise_fuzz::parse(&lists).map(Mocks::StateLists)
        } else {
            stepwise_fuzz::parse(&stepwise_fuzz::mock_config(&mut u, &names)?).map(Mocks::Config)
        };
        let answers = vec![stepwise_fuzz::values::json(&mut u)?];
        Ok((definition, input, mocks, answers))
    })() else {
        return;
    };
    stepwise_fuzz::dump(&format!("{definition}\n{input}"));
    run_execution(&definition, &[], &input, mocks, &answers);
});
