//! Mock configs (Step Functions Local's format, `Engine::set_mock_config`): load any config,
//! then run a machine whose Task states it mocks, over many items and retries so that
//! invocation ranges and cross-references are read far into them.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use stepwise_fuzz::{run_execution, Mocks};

/// A Map over the input's items whose Task retries: many invocations of each mocked state.
const MACHINE: &str = r#"{"StartAt":"S0","States":{
 "S0":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":3,"IntervalSeconds":1}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"S1"}],"Next":"S1"},
 "S1":{"Type":"Map","ItemsPath":"$$.Execution.Input.items","MaxConcurrency":0,"ItemProcessor":{"StartAt":"S2","States":{
   "S2":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}],"End":true}}},
  "Catch":[{"ErrorEquals":["States.ALL"],"Next":"S3"}],"Next":"S3"},
 "S3":{"Type":"Pass","End":true}}}"#;

fuzz_target!(|data: &[u8]| {
    let (config, items) = match stepwise_fuzz::as_text(data) {
        Some(text) => (text.to_owned(), 3),
        None => {
            let mut u = Unstructured::new(data);
            match (|| -> arbitrary::Result<_> {
                let names = ["S0", "S1", "S2", "S3", "Missing", ""];
                let count = names.len();
                let chosen: Vec<&str> = names
                    .iter()
                    .copied()
                    .take(u.int_in_range(1..=count)?)
                    .collect();
                Ok((
                    stepwise_fuzz::mock_config(&mut u, &chosen)?,
                    u.int_in_range(0..=200usize)?,
                ))
            })() {
                Ok(made) => made,
                Err(_) => return,
            }
        }
    };
    stepwise_fuzz::dump(&config);
    let Some(config) = stepwise_fuzz::parse(&config) else {
        return;
    };
    let input = format!("{{\"items\":[{}]}}", vec!["1"; items].join(","));
    run_execution(
        MACHINE,
        &[],
        &input,
        Some(Mocks::Config(config)),
        &["{}".into()],
    );
});
