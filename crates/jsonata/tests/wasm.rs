//! The limits on runaway expressions hold in the browser too, where the native stack is small
//! and cannot grow: recursion stops with U1001 instead of overrunning the stack.
#![cfg(target_arch = "wasm32")]

use stepwise_json::Map;
use stepwise_jsonata::{Env, Expression};
use wasm_bindgen_test::wasm_bindgen_test;

fn eval(text: &str) -> Result<Option<stepwise_json::Value>, stepwise_jsonata::Error> {
    let mut random = || 0.5;
    let mut env = Env {
        now_millis: 0,
        random: &mut random,
    };
    Expression::compile(text)?.evaluate(None, &Map::new(), &mut env)
}

#[wasm_bindgen_test]
fn deep_recursion_ends_with_u1001() {
    let error =
        eval("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))").unwrap_err();
    assert_eq!(error.code, "U1001");
    let error = eval("($inf := function(){ $inf() }; $inf())").unwrap_err();
    assert_eq!(error.code, "U1001");
}

#[wasm_bindgen_test]
fn recursion_within_the_limit_completes() {
    let value = eval("($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(120))").unwrap();
    assert_eq!(value, Some(stepwise_json::json!(120)));
}
