//! JSONPath: parse any path, select it from any value (input, context, variables) and assign
//! into any value (ResultPath). Deep and wide values on purpose: `$..*` over them must stay bounded.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use stepwise_asl::path::JsonPath;
use stepwise_asl::Scope;
use stepwise_json::{Map, Value};

fn exercise(path: &str, doc: &Value) {
    stepwise_fuzz::dump(path);
    let Ok(path) = JsonPath::parse(path) else {
        return;
    };
    let mut vars = Map::new();
    vars.insert("x".into(), doc.clone());
    let scope = Scope {
        input: doc,
        context: doc,
        vars: &vars,
    };
    let _ = path.select(&scope);
    let _ = path.select_in(doc);
    let _ = path.invalid_path_cause(&scope);
    let _ = path.normalized();
    if path.is_reference_path() {
        let _ = path.assign(doc.clone(), Value::Bool(true));
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(text) = stepwise_fuzz::as_text(data) {
        // The JSONPath cases file: every case's path against its document.
        let Some(file) = stepwise_fuzz::parse(text) else {
            return;
        };
        let doc = file.get("doc").cloned().unwrap_or(Value::Null);
        if let Some(cases) = file.get("cases").and_then(Value::as_array) {
            for case in cases.iter() {
                if let Some(path) = case.get("path").and_then(Value::as_str) {
                    exercise(path, &doc);
                }
            }
        }
        return;
    }
    let mut u = Unstructured::new(data);
    let Ok(path) = (|| -> arbitrary::Result<String> {
        Ok(match u.int_in_range(0..=3u8)? {
            0 => u.arbitrary::<&str>()?.to_owned(),
            1 => {
                // Segments joined: long and repetitive paths.
                let mut p = String::from("$");
                for _ in 0..u.int_in_range(0..=40)? {
                    p.push_str(stepwise_fuzz::pick(
                        &mut u,
                        &[
                            ".a",
                            "..a",
                            "[0]",
                            "[*]",
                            "..*",
                            "['b']",
                            "[-1]",
                            "[0:2]",
                            "[?(@.a > 1)]",
                            ".length()",
                            "[1,2]",
                        ],
                    )?);
                }
                p
            }
            _ => stepwise_fuzz::pick(&mut u, stepwise_fuzz::dictionary::PATHS)?.to_owned(),
        })
    })() else {
        return;
    };
    let Ok(doc) = stepwise_fuzz::values::json(&mut u) else {
        return;
    };
    let Some(doc) = stepwise_fuzz::parse(&doc) else {
        return;
    };
    exercise(&path, &doc);
});
