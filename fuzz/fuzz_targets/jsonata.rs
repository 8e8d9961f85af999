//! JSONata through the crate's public API (compile, then evaluate with an input and bindings),
//! under the default counted evaluation budget (steps, bytes, value depth) set explicitly as
//! the engine sets it: whatever the expression, it ends with a value or an error, within the
//! run's time and memory bounds (`-timeout=10 -rss_limit_mb=512`).
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use stepwise_json::{Map, Value};
use stepwise_jsonata::{budget, Env, Expression};

fn exercise(expr: &str, input: Option<&Value>, bindings: &Map) {
    stepwise_fuzz::dump(expr);
    let Ok(expression) = Expression::compile(expr) else {
        return;
    };
    let mut seed = 0.25f64;
    let mut random = move || {
        seed = (seed * 3.7).fract();
        seed
    };
    let mut env = Env {
        now_millis: 1_700_000_000_000,
        random: &mut random,
    };
    budget::scoped(budget::DEFAULT_BUDGET, || {
        let _ = expression.evaluate(input, bindings, &mut env);
    });
}

fuzz_target!(|data: &[u8]| {
    if let Some(text) = stepwise_fuzz::as_text(data) {
        let Some(file) = stepwise_fuzz::parse(text) else {
            return;
        };
        if let Some(expr) = file.get("expr").and_then(Value::as_str) {
            // A case of the JSONata suite.
            let bindings = file
                .get("bindings")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            exercise(expr, file.get("data"), &bindings);
        } else {
            // A conformance case: every `{% %}` expression against its input.
            let input = file.get("input").cloned().unwrap_or(Value::Null);
            for s in stepwise_fuzz::strings(&file) {
                if let Some(expr) = s
                    .trim()
                    .strip_prefix("{%")
                    .and_then(|s| s.strip_suffix("%}"))
                {
                    exercise(expr, Some(&input), &Map::new());
                }
            }
        }
        return;
    }
    let mut u = Unstructured::new(data);
    let Ok(expr) = (|| -> arbitrary::Result<String> {
        Ok(match u.int_in_range(0..=3u8)? {
            0 => u.arbitrary::<&str>()?.to_owned(),
            _ => stepwise_fuzz::definition::jsonata_text(&mut u)?,
        })
    })() else {
        return;
    };
    let Ok(input) = stepwise_fuzz::values::json(&mut u) else {
        return;
    };
    let Some(input) = stepwise_fuzz::parse(&input) else {
        return;
    };
    let mut bindings = Map::new();
    bindings.insert("x".into(), input.clone());
    exercise(&expr, Some(&input), &bindings);
});
