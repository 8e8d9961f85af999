//! Definition files as projects keep them: `.asl.json`, `.asl.yaml` and SAM/CloudFormation
//! templates (YAML with short-form tags, or JSON), read by `stepwise_templates::read` for
//! `stepwise validate|run` and the playground's Import. Any text is read under each file name
//! (the name decides how it is read) with a substitution that refers to itself, and is either
//! machines with definitions or a located error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stepwise_templates::{read, Options};

const FILES: &[&str] = &[
    "template.yaml",
    "template.json",
    "flow.asl.json",
    "flow.asl.yaml",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut options = Options::default();
    options
        .substitutions
        .insert("Self".into(), "${Self}${Self}".into());
    for file in FILES {
        let _ = read(file, text, &options);
    }
});
