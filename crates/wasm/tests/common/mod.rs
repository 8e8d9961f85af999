//! Helpers shared by the browser and Node runs of the JS API tests (`api.rs` holds the tests).
//! They call the exported Rust functions exactly as JS would: with JS objects in, JS values
//! and thrown `Error`s out.

mod api;
mod boundary;
mod budget;
mod limits;
mod recorded;
mod redrive;
mod teststate;
mod validation;
mod versions;

use serde_json::Value;
use stepwise_wasm::Stepwise;
use wasm_bindgen::{JsCast, JsValue};

/// A JS object built from JSON, the way a caller writes a request literal.
pub fn js(v: Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).expect("valid JSON")
}

/// A returned value read back through `JSON.stringify`: a `Map` would come out as `{}`, so
/// equality with the expected JSON also proves the answer holds plain objects.
pub fn plain(v: &JsValue) -> Value {
    if v.is_undefined() {
        return Value::Null;
    }
    let text: String = js_sys::JSON::stringify(v).expect("stringifiable").into();
    serde_json::from_str(&text).expect("JSON")
}

/// Unwraps a call that must succeed, showing the thrown error's name and message otherwise.
pub fn ok(r: Result<JsValue, JsValue>) -> Value {
    match r {
        Ok(v) => plain(&v),
        Err(e) => panic!("unexpected error {}", describe(&e)),
    }
}

fn describe(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(err) => format!(
            "{}: {}",
            String::from(err.name()),
            String::from(err.message())
        ),
        None => format!("{e:?}"),
    }
}

/// The thrown value of a call that must fail: a real `Error`, whose name is returned.
pub fn err_name<T: std::fmt::Debug>(r: Result<T, JsValue>) -> String {
    let e = r.expect_err("the call should have thrown");
    let err = e
        .dyn_ref::<js_sys::Error>()
        .unwrap_or_else(|| panic!("threw a non-Error: {e:?}"));
    String::from(err.name())
}

/// The thrown `Error` itself, for checks beyond its name.
pub fn thrown<T: std::fmt::Debug>(r: Result<T, JsValue>) -> js_sys::Error {
    r.expect_err("the call should have thrown")
        .dyn_into::<js_sys::Error>()
        .expect("an Error")
}

pub fn engine() -> Stepwise {
    Stepwise::new(None).expect("default options")
}

/// Creates a machine and returns its ARN.
pub fn machine(sw: &mut Stepwise, name: &str, definition: Value) -> String {
    let out = ok(sw.create_state_machine(js(
        serde_json::json!({"name": name, "definition": definition.to_string()}),
    )));
    out["stateMachineArn"].as_str().expect("an ARN").to_owned()
}

/// Starts an execution and returns its ARN.
pub fn start(sw: &mut Stepwise, machine_arn: &str, input: Value) -> String {
    let out = ok(sw.start_execution(js(
        serde_json::json!({"stateMachineArn": machine_arn, "input": input.to_string()}),
    )));
    out["executionArn"].as_str().expect("an ARN").to_owned()
}

pub fn describe_execution(sw: &Stepwise, arn: &str) -> Value {
    ok(sw.describe_execution(js(serde_json::json!({"executionArn": arn}))))
}

/// An execution's output, parsed from AWS's JSON text.
pub fn output(sw: &Stepwise, arn: &str) -> Value {
    let d = describe_execution(sw, arn);
    serde_json::from_str(
        d["output"]
            .as_str()
            .unwrap_or_else(|| panic!("no output: {d}")),
    )
    .expect("JSON output")
}

pub fn event_types(sw: &Stepwise, arn: &str) -> Vec<String> {
    let h = ok(sw.get_execution_history(js(serde_json::json!({"executionArn": arn}))));
    h["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["type"].as_str().expect("type").to_owned())
        .collect()
}

pub fn run(sw: &mut Stepwise) -> Value {
    ok(sw.run_until_idle(None))
}

/// An optional request object, as the methods whose request may be left out take it.
pub fn obj(v: Value) -> Option<js_sys::Object> {
    Some(js(v).unchecked_into())
}
