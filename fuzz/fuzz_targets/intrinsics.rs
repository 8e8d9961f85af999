//! Intrinsic functions: parse any call and evaluate it against any input, context and
//! variables. Nested calls, huge ranges and long strings on purpose.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use stepwise_asl::intrinsics::{looks_like_intrinsic, Intrinsic};
use stepwise_asl::Scope;
use stepwise_json::{Map, Value};

fn exercise(text: &str, input: &Value) {
    stepwise_fuzz::dump(text);
    let Ok(call) = Intrinsic::parse(text) else {
        return;
    };
    let mut vars = Map::new();
    vars.insert("x".into(), input.clone());
    let scope = Scope {
        input,
        context: input,
        vars: &vars,
    };
    let _ = call.evaluate(&scope, &mut stepwise_fuzz::Counter(7));
}

fuzz_target!(|data: &[u8]| {
    if let Some(text) = stepwise_fuzz::as_text(data) {
        // A conformance case: every intrinsic in its definition, against its input.
        let Some(case) = stepwise_fuzz::parse(text) else {
            return;
        };
        let input = case.get("input").cloned().unwrap_or(Value::Null);
        for s in stepwise_fuzz::strings(&case) {
            if looks_like_intrinsic(&s) {
                exercise(&s, &input);
            }
        }
        return;
    }
    let mut u = Unstructured::new(data);
    let Ok(call) = (|| -> arbitrary::Result<String> {
        Ok(match u.int_in_range(0..=3u8)? {
            0 => u.arbitrary::<&str>()?.to_owned(),
            1 => stepwise_fuzz::pick(&mut u, stepwise_fuzz::dictionary::INTRINSICS)?.to_owned(),
            _ => stepwise_fuzz::definition::intrinsic_text(&mut u, 0)?,
        })
    })() else {
        return;
    };
    let Ok(input) = stepwise_fuzz::values::object(&mut u) else {
        return;
    };
    let Some(input) = stepwise_fuzz::parse(&input) else {
        return;
    };
    exercise(&call, &input);
});
