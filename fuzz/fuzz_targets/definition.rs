//! Definition parse + validate + model build: what `ValidateStateMachineDefinition` and
//! `Engine::create_state_machine` (Standard and Express) do with any text. Neither may panic,
//! hang or blow up memory, whatever the definition.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use stepwise_engine::{Engine, EngineConfig, MachineType};

fuzz_target!(|data: &[u8]| {
    let definition = match stepwise_fuzz::as_text(data) {
        // A conformance case holds its definition; any other corpus file is one.
        Some(text) => match stepwise_fuzz::parse(text)
            .and_then(|case| case.get("definition").map(|d| d.to_json_string()))
        {
            Some(definition) => definition,
            None => text.to_owned(),
        },
        None => match stepwise_fuzz::definition::definition(&mut Unstructured::new(data)) {
            Ok(text) => text,
            Err(_) => return,
        },
    };
    stepwise_fuzz::dump(&definition);
    let _ = stepwise_engine::validate(&definition);
    let mut engine = Engine::new(EngineConfig::default());
    let _ = engine.create_state_machine("Fuzz", &definition);
    let _ = engine.create_state_machine_of_type("FuzzExpress", &definition, MachineType::Express);
});
