//! Hostile values at the JS boundary: circular, absurdly deep, throwing getters and Proxy traps,
//! hostile `toJSON`, BigInts, huge strings, tokens of the wrong type. Each is refused with a JS
//! `Error` named as AWS names that operation's exception, and afterwards the engine that was
//! attacked and a new one both still work.

use super::*;
use serde_json::json;
use stepwise_wasm::{validate_state_machine_definition, Stepwise};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

/// A JS value built by JS source (`return ...`), as a page would build it.
fn build(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body)
        .call0(&JsValue::NULL)
        .expect("the builder runs")
}

/// A request object with one field set to a value JSON cannot express.
fn with(request: Value, field: &str, value: &JsValue) -> JsValue {
    let r = js(request);
    js_sys::Reflect::set(&r, &JsValue::from_str(field), value).expect("a plain object");
    r
}

/// Hostile values a JSON-text field (definition, input, output, mock config) may be given, each
/// with a part of the message it must produce.
fn hostile_values() -> Vec<(&'static str, JsValue, &'static [&'static str])> {
    vec![
        (
            "a cycle",
            build("const o = {a: {b: [1]}}; o.a.b.push(o); return o;"),
            &["circular"],
        ),
        (
            "2,300 levels",
            build("let v = {}; for (let i = 0; i < 2300; i++) v = {a: v}; return v;"),
            &["recursion limit", "too deeply"],
        ),
        (
            "100,000 levels",
            build("let v = []; for (let i = 0; i < 1e5; i++) v = [v]; return v;"),
            // Whether JSON.stringify gets through depends on the JS engine's stack (Node's
            // throws a RangeError, Chromium's main thread encodes it and the engine's parser
            // refuses the depth).
            &["recursion limit", "too deeply"],
        ),
        (
            "a throwing getter",
            build("return {a: 1, get b() { throw new Error('getter says no'); }};"),
            &["getter says no"],
        ),
        (
            "a throwing getter deep inside",
            build("return {a: [{b: {get c() { throw new TypeError('deep getter'); }}}]};"),
            &["deep getter"],
        ),
        (
            "a Proxy whose ownKeys trap throws",
            build("return new Proxy({}, {ownKeys() { throw new Error('no keys for you'); }});"),
            &["no keys for you"],
        ),
        (
            "a revoked Proxy",
            build("const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy;"),
            &["revoked"],
        ),
        (
            "a throwing toJSON",
            build("return {toJSON() { throw new Error('toJSON refuses'); }};"),
            &["toJSON refuses"],
        ),
        (
            "a toJSON that returns a cycle",
            build("return {toJSON() { const o = {}; o.o = o; return o; }};"),
            &["circular"],
        ),
        (
            // How an engine out of stack says so, as opposed to any other RangeError.
            "a stack overflow while encoding",
            build(
                "return {toJSON() { throw new RangeError('Maximum call stack size exceeded'); }};",
            ),
            &["nested too deeply"],
        ),
        (
            "a text too long for the JS engine",
            build("return {toJSON() { throw new RangeError('Invalid string length'); }};"),
            &["cannot be encoded as JSON: RangeError: Invalid string length"],
        ),
        ("a BigInt", build("return {n: 10n};"), &["BigInt"]),
        (
            "a thrown non-Error",
            build("return {get a() { throw 42; }};"),
            &["42"],
        ),
        (
            "a thrown object with a throwing message",
            build(
                "return {get a() { throw {get message() { throw new Error('again'); }, \
                 name: 'Weird'}; }};",
            ),
            &["an object that is not an Error", "Weird"],
        ),
    ]
}

/// The call threw an `Error` with this name whose message contains one of `fragments`.
fn refused<T: std::fmt::Debug>(r: Result<T, JsValue>, name: &str, fragments: &[&str], what: &str) {
    let e = thrown(r);
    let (got, message) = (String::from(e.name()), String::from(e.message()));
    assert_eq!(got, name, "{what}: {message}");
    assert!(
        fragments.iter().any(|f| message.contains(f)),
        "{what}: the message should mention one of {fragments:?}: {message}"
    );
}

fn pass_machine() -> Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})
}

/// The engine still creates machines and runs executions to the end, and so does a new one.
fn both_engines_work(sw: &mut Stepwise) {
    for sw in [sw, &mut engine()] {
        let count = ok(sw.list_state_machines(None))["stateMachines"]
            .as_array()
            .map_or(0, Vec::len);
        let m = machine(sw, &format!("Still{count}"), pass_machine());
        let e = start(sw, &m, json!({"fine": true}));
        assert_eq!(run(sw), json!({"idle": "Finished"}));
        assert_eq!(output(sw, &e), json!({"fine": true}));
    }
}

#[wasm_bindgen_test]
fn hostile_definitions_are_refused_by_validate_create_and_update() {
    let mut sw = engine();
    let arn = machine(&mut sw, "Target", pass_machine());
    for (what, value, fragments) in hostile_values() {
        let request = with(json!({}), "definition", &value);
        match validate_state_machine_definition(request.clone()) {
            // Deep but encodable: the text reaches the validator, which says what is wrong.
            Ok(answer) => assert_eq!(plain(&answer)["result"], "FAIL", "{what}"),
            Err(e) => refused(Err::<(), _>(e), "ValidationException", fragments, what),
        }
        let create = with(json!({"name": "Hostile"}), "definition", &value);
        let created = sw.create_state_machine(create);
        refused(created, "InvalidDefinition", fragments, what);
        let update = with(json!({"stateMachineArn": arn}), "definition", &value);
        refused(
            sw.update_state_machine(update),
            "InvalidDefinition",
            fragments,
            what,
        );
    }
    both_engines_work(&mut sw);
}

#[wasm_bindgen_test]
fn hostile_inputs_are_refused_by_start_execution() {
    let mut sw = engine();
    let m = machine(&mut sw, "M", pass_machine());
    for (what, value, fragments) in hostile_values() {
        let request = with(json!({"stateMachineArn": m}), "input", &value);
        refused(
            sw.start_execution(request),
            "InvalidExecutionInput",
            fragments,
            what,
        );
    }
    assert_eq!(
        ok(sw.list_executions(None))["executions"],
        json!([]),
        "nothing started"
    );
    both_engines_work(&mut sw);
}

fn approval() -> Value {
    json!({"StartAt": "Ask", "States": {"Ask": {
        "Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                       "MessageBody": {"token.$": "$$.Task.Token"}},
        "End": true}}})
}

/// An engine with one execution waiting for its task token: (engine, execution, token).
fn waiting_for_token() -> (Stepwise, String, String) {
    let mut sw = engine();
    let m = machine(&mut sw, "Approval", approval());
    let e = start(&mut sw, &m, json!({}));
    assert_eq!(run(&mut sw), json!({"idle": "WaitingForOutside"}));
    let token = ok(sw.list_pending_tasks())["tasks"][0]["taskToken"]
        .as_str()
        .expect("a token")
        .to_owned();
    (sw, e, token)
}

/// The task is still waiting and completes with a good output; the execution succeeds.
fn task_still_completes(sw: &mut Stepwise, e: &str, token: &str) {
    ok(sw.send_task_success(js(json!({"taskToken": token, "output": {"ok": 1}}))));
    assert_eq!(run(sw), json!({"idle": "Finished"}));
    assert_eq!(output(sw, e), json!({"ok": 1}));
}

#[wasm_bindgen_test]
fn hostile_outputs_are_refused_by_send_task_success() {
    let (mut sw, e, token) = waiting_for_token();
    for (what, value, fragments) in hostile_values() {
        let request = with(json!({"taskToken": token}), "output", &value);
        refused(
            sw.send_task_success(request),
            "InvalidOutput",
            fragments,
            what,
        );
    }
    task_still_completes(&mut sw, &e, &token);
    both_engines_work(&mut sw);
}

#[wasm_bindgen_test]
fn hostile_mock_configs_are_refused() {
    let mut sw = engine();
    for (what, value, fragments) in hostile_values() {
        refused(
            sw.set_mock_config(value),
            "ValidationException",
            fragments,
            what,
        );
    }
    both_engines_work(&mut sw);
}

#[wasm_bindgen_test]
fn hostile_request_objects_are_refused() {
    let (mut sw, e, token) = waiting_for_token();
    let requests = [
        (
            "getters on the fields",
            build(
                "return {get taskToken() { throw new Error('field getter'); }, \
                 get stateMachineArn() { throw new Error('field getter'); }, output: '{}'};",
            ),
            "field getter",
        ),
        (
            "a Proxy request whose get trap throws",
            build("return new Proxy({taskToken: 'x', output: '{}'}, {get() { throw new Error('get trap'); }});"),
            "get trap",
        ),
        (
            // Only the fields the operation takes are read, so the trap is never called.
            "a Proxy request whose ownKeys trap throws",
            build("return new Proxy({}, {ownKeys() { throw new Error('keys trap'); }});"),
            "missing field",
        ),
        ("null", JsValue::NULL, "must be an object"),
        ("a number", JsValue::from_f64(7.0), "must be an object"),
        (
            "a function",
            build("return function () {};"),
            "must be an object",
        ),
    ];
    for (what, request, fragment) in requests {
        refused(
            sw.send_task_success(request.clone()),
            "ValidationException",
            &[fragment],
            what,
        );
        refused(
            sw.start_execution(request),
            "ValidationException",
            &[fragment],
            what,
        );
    }
    task_still_completes(&mut sw, &e, &token);
    both_engines_work(&mut sw);
}

#[wasm_bindgen_test]
fn tokens_of_every_wrong_kind_are_refused() {
    let (mut sw, e, token) = waiting_for_token();
    let tokens: Vec<(&str, JsValue, &str)> = vec![
        ("empty", JsValue::from_str(""), "InvalidToken"),
        ("garbage", JsValue::from_str("💥\u{0}\"'\\"), "InvalidToken"),
        (
            "a megabyte",
            build("return 'A'.repeat(1 << 20);"),
            "InvalidToken",
        ),
        // Refused before it is copied into the module's memory.
        (
            "32 million characters",
            build("return 'A'.repeat(1 << 25);"),
            "ValidationException",
        ),
        ("a number", JsValue::from_f64(1.0), "ValidationException"),
        ("null", JsValue::NULL, "ValidationException"),
        ("a boolean", JsValue::TRUE, "ValidationException"),
        ("an array", build("return [1, 2];"), "ValidationException"),
        (
            "an object with toString and valueOf",
            build(
                "return {toString() { return 'x'; }, valueOf() { throw new Error('valueOf'); }};",
            ),
            "ValidationException",
        ),
        (
            "a BigInt",
            build("return 99n ** 99n;"),
            "ValidationException",
        ),
        (
            "a symbol",
            build("return Symbol('t');"),
            "ValidationException",
        ),
        (
            "a Proxy",
            build("return new Proxy({}, {get() { throw new Error('p'); }});"),
            "ValidationException",
        ),
    ];
    for (what, value, name) in tokens {
        let success = with(json!({"output": "{}"}), "taskToken", &value);
        assert_eq!(err_name(sw.send_task_success(success)), name, "{what}");
        let failure = with(json!({}), "taskToken", &value);
        assert_eq!(err_name(sw.send_task_failure(failure)), name, "{what}");
        let heartbeat = with(json!({}), "taskToken", &value);
        assert_eq!(err_name(sw.send_task_heartbeat(heartbeat)), name, "{what}");
    }
    // A token whose toJSON gives the real token is taken as that token, as the AWS SDK would
    // send it (it encodes requests with JSON.stringify).
    let disguised = build(&format!("return {{toJSON() {{ return '{token}'; }}}};"));
    let request = with(json!({"output": "{\"ok\": 1}"}), "taskToken", &disguised);
    ok(sw.send_task_success(request));
    assert_eq!(run(&mut sw), json!({"idle": "Finished"}));
    assert_eq!(output(&sw, &e), json!({"ok": 1}));
    both_engines_work(&mut sw);
}

#[wasm_bindgen_test]
fn huge_texts_are_refused_before_they_are_copied() {
    let (mut sw, e, token) = waiting_for_token();
    let huge = build("return 'x'.repeat(1 << 25);");
    let request = with(json!({"taskToken": token}), "output", &huge);
    refused(
        sw.send_task_success(request),
        "InvalidOutput",
        &["characters of JSON text"],
        "a 32 M string",
    );
    // Over the engine's payload limit but under the boundary's: the engine's own error.
    let big = build("return {s: 'x'.repeat(300000)};");
    let request = with(json!({"taskToken": token}), "output", &big);
    assert_eq!(err_name(sw.send_task_success(request)), "InvalidOutput");
    let huge_array = build("return ['x'.repeat(1 << 24)];");
    let m = machine(&mut sw, "M", pass_machine());
    let request = with(json!({"stateMachineArn": m}), "input", &huge_array);
    refused(
        sw.start_execution(request),
        "InvalidExecutionInput",
        &["characters of JSON text"],
        "an array holding a 16 M string",
    );
    task_still_completes(&mut sw, &e, &token);
    both_engines_work(&mut sw);
}

#[wasm_bindgen_test]
fn hostile_options_are_refused_by_the_constructor() {
    let options = [
        build("return {get seed() { throw new Error('seed getter'); }};"),
        build("return {seed: 2n ** 70n};"),
        build("const o = {}; o.region = o; return o;"),
        build("return new Proxy({}, {get() { throw new Error('k'); }});"),
        build("return {epoch: new Proxy(new Date(0), {getPrototypeOf() { throw new Error('proto'); }})};"),
    ];
    for o in options {
        assert_eq!(
            err_name(Stepwise::new(Some(o.unchecked_into())).map(|_| ())),
            "ValidationException"
        );
    }
    both_engines_work(&mut engine());
}

#[wasm_bindgen_test]
fn fields_an_operation_does_not_take_are_never_read() {
    let mut sw = engine();
    let m = machine(&mut sw, "M", pass_machine());
    let request = build(
        "const junk = {}; junk.self = junk; \
         return {input: '{\"kept\": true}', junk, get tags() { throw new Error('tags'); }, \
         deep: (() => { let v = []; for (let i = 0; i < 1e5; i++) v = [v]; return v; })()};",
    );
    js_sys::Reflect::set(&request, &"stateMachineArn".into(), &m.as_str().into()).unwrap();
    let e = ok(sw.start_execution(request))["executionArn"]
        .as_str()
        .unwrap()
        .to_owned();
    run(&mut sw);
    assert_eq!(output(&sw, &e), json!({"kept": true}));
    // Nor are the other fields of an object with a hundred thousand of them.
    let crowded = build(
        "const o = {}; for (let i = 0; i < 1e5; i++) o['f' + i] = i; \
         o.definition = '{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"End\": true}}}'; \
         return o;",
    );
    assert_eq!(
        plain(&validate_state_machine_definition(crowded).unwrap())["result"],
        "OK"
    );
}

#[wasm_bindgen_test]
fn json_values_keep_their_meaning() {
    // Values JSON encodes in its own way arrive as JSON.stringify encodes them.
    let mut sw = engine();
    let m = machine(&mut sw, "M", pass_machine());
    let input = build(
        "return {when: new Date(0), gone: undefined, f() {}, nan: NaN, list: [undefined, () => 1], \
         custom: {toJSON() { return 'custom'; }}};",
    );
    let request = with(json!({"stateMachineArn": m}), "input", &input);
    let e = ok(sw.start_execution(request))["executionArn"]
        .as_str()
        .unwrap()
        .to_owned();
    run(&mut sw);
    assert_eq!(
        output(&sw, &e),
        json!({"when": "1970-01-01T00:00:00.000Z", "nan": null, "list": [null, null], "custom": "custom"})
    );
    // An input left undefined is AWS's default, `{}`.
    let request = with(json!({"stateMachineArn": m}), "input", &JsValue::UNDEFINED);
    let e = ok(sw.start_execution(request))["executionArn"]
        .as_str()
        .unwrap()
        .to_owned();
    run(&mut sw);
    assert_eq!(output(&sw, &e), json!({}));
}

#[wasm_bindgen_test]
fn a_chain_of_thousands_of_linked_executions_is_a_tree_not_a_crash() {
    // Each execution's input names the one before it, so each is the child of the one before:
    // the tree is as deep as the chain is long.
    let mut sw = engine();
    let waiting =
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": true}}});
    let m = machine(&mut sw, "W", waiting);
    let mut previous: Option<String> = None;
    for _ in 0..5000 {
        let input = match &previous {
            Some(arn) => json!({"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": arn}),
            None => json!({}),
        };
        previous = Some(start(&mut sw, &m, input));
    }
    let tree = sw.execution_tree().expect("the tree");
    let mut depth = 0;
    let mut node = js_sys::Reflect::get(&tree, &"executions".into())
        .and_then(|roots| js_sys::Reflect::get(&roots, &0.into()))
        .unwrap();
    let mut last = String::new();
    while !node.is_undefined() {
        depth += 1;
        last = js_sys::Reflect::get(&node, &"executionArn".into())
            .unwrap()
            .as_string()
            .unwrap();
        node = js_sys::Reflect::get(&node, &"children".into())
            .and_then(|kids| js_sys::Reflect::get(&kids, &0.into()))
            .unwrap();
    }
    assert_eq!((depth, Some(last)), (5000, previous));
    // All of them run: each waits its ten seconds and succeeds.
    assert_eq!(
        ok(sw.run_until_idle(Some(100_000.0)))["idle"],
        "WaitingForTimer"
    );
    sw.advance_clock(10_000.0).unwrap();
    assert_eq!(
        ok(sw.run_until_idle(Some(100_000.0))),
        json!({"idle": "Finished"})
    );
    both_engines_work(&mut sw);
}
