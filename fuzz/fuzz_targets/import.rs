//! What the AWS CLI printed, imported (`stepwise import`, the playground's recording panel):
//! history pages, `describe-execution` and `describe-state-machine-for-execution` documents in
//! any order, in one text or several (split at NUL bytes), then each imported execution replayed
//! against a local run of its definitions. Either a located error, or recordings whose replay
//! ends (the scenario runs under the engine's step budget).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use stepwise_recording::{import, replay, CompareOptions, Source};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let names = ["a.json", "b.json", "c.json", "d.json"];
    let sources: Vec<Source> = text
        .split('\0')
        .zip(names)
        .map(|(text, name)| Source { name, text })
        .collect();
    let Ok(imported) = import(&sources) else {
        return;
    };
    for index in 0..imported.executions.len().min(4) {
        let _ = replay(
            &imported,
            index,
            &BTreeMap::new(),
            &CompareOptions::default(),
        );
    }
});
