use super::*;
use crate::scope::SplitMix64;
use stepwise_json::{json, Map};

fn run(text: &str, input: &Value) -> Result<Value, StatesError> {
    let mut vars = Map::new();
    vars.insert("v".into(), json!({"list": [3, 1, 3]}));
    vars.insert("tpl".into(), json!("<{}>"));
    let context = json!({"StateMachine": {"Id": "arn:sm:m-1", "Name": "m-1"}});
    let scope = Scope {
        input,
        context: &context,
        vars: &vars,
    };
    let f = Intrinsic::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    f.evaluate_in_field(Some("r.$"), &scope, &mut SplitMix64(7))
}

fn ok(text: &str, input: Value, want: Value) {
    assert_eq!(run(text, &input), Ok(want), "{text}");
}

fn intrinsic_failure(text: &str, input: Value, cause: &str) {
    assert_eq!(
        run(text, &input),
        Err(StatesError::new(names::INTRINSIC_FAILURE, cause)),
        "{text}"
    );
}

#[test]
fn format() {
    let cases = [
        (
            "States.Format('Hello {}!', $.n)",
            json!({"n": "you"}),
            json!("Hello you!"),
        ),
        (
            "States.Format('{} {} {}', 1, null, true)",
            json!({}),
            json!("1 null true"),
        ),
        (
            "States.Format('{}', $.o)",
            json!({"o": {"a": 1, "b": [1, "x"]}}),
            json!("{a=1, b=[1, x]}"),
        ),
        (
            "States.Format('\\{\"key\":\"{}\"\\}', $.v)",
            json!({"v": "t"}),
            json!("{\"key\":\"t\"}"),
        ),
        (
            "States.Format('it\\'s {}', 1.5)",
            json!({}),
            json!("it's 1.5"),
        ),
        (
            "States.Format('back\\\\slash {}', 1)",
            json!({}),
            json!("back\\slash 1"),
        ),
        ("States.Format('no holes')", json!({}), json!("no holes")),
        ("States.Format($tpl, 'x')", json!({}), json!("<x>")),
        (
            "States.Format('{}-{}', $$.StateMachine.Name, States.ArrayLength($v.list))",
            json!({}),
            json!("m-1-3"),
        ),
        ("States.Format('a{b}c{}', 'x')", json!({}), json!("a{b}cx")),
        ("States.Format('{}', 'a,b)')", json!({}), json!("a,b)")),
    ];
    for (t, i, w) in cases {
        ok(t, i, w);
    }
    intrinsic_failure(
        "States.Format('{} {}', 1)",
        json!({}),
        "Invalid arguments in States.Format: the template has 2 placeholder(s) '{}' but 1 value(s) were given",
    );
    intrinsic_failure(
        "States.Format($.t)",
        json!({"t": 5}),
        "Invalid arguments in States.Format: the first argument must be a string, but was number",
    );
}

#[test]
fn json_functions() {
    ok(
        "States.StringToJson($.s)",
        json!({"s": "{\"a\": [1]}"}),
        json!({"a": [1]}),
    );
    ok("States.StringToJson($.s)", json!({"s": " "}), json!(null));
    ok("States.StringToJson($.s)", json!({"s": "-0"}), json!(0));
    ok(
        "States.JsonToString($.o)",
        json!({"o": {"a": 1, "b": [true]}}),
        json!("{\"a\":1,\"b\":[true]}"),
    );
    ok("States.JsonToString('x')", json!({}), json!("\"x\""));
    ok(
        "States.JsonMerge($.a, $.b, false)",
        json!({"a": {"x": 1, "y": {"p": 1}}, "b": {"y": {"q": 2}, "z": 3}}),
        json!({"x": 1, "y": {"q": 2}, "z": 3}),
    );
    assert!(run("States.StringToJson($.s)", &json!({"s": "{"})).is_err());
    intrinsic_failure(
        "States.JsonMerge($.a, $.a, true)",
        json!({"a": {}}),
        "Invalid arguments in States.JsonMerge: deep merging is not supported: the third argument must be false",
    );
    intrinsic_failure(
        "States.JsonMerge($.a, 1, false)",
        json!({"a": {}}),
        "Invalid arguments in States.JsonMerge: the second argument must be a JSON object, but was number",
    );
}

#[test]
fn arrays() {
    let cases = [
        ("States.Array()", json!({}), json!([])),
        (
            "States.Array(1, 'a', $.x, States.Array())",
            json!({"x": {"k": null}}),
            json!([1, "a", {"k": null}, []]),
        ),
        (
            "States.ArrayPartition($.a, 2)",
            json!({"a": [1, 2, 3, 4, 5]}),
            json!([[1, 2], [3, 4], [5]]),
        ),
        ("States.ArrayPartition($.a, 9)", json!({"a": []}), json!([])),
        (
            "States.ArrayContains($.a, $.b)",
            json!({"a": [1, {"x": [2]}], "b": {"x": [2]}}),
            json!(true),
        ),
        (
            "States.ArrayContains($.a, 3)",
            json!({"a": [1, 2]}),
            json!(false),
        ),
        (
            "States.ArrayRange(1, 9, 2)",
            json!({}),
            json!([1, 3, 5, 7, 9]),
        ),
        ("States.ArrayRange(10, 0, -4)", json!({}), json!([10, 6, 2])),
        ("States.ArrayRange(0, 5, -1)", json!({}), json!([])),
        (
            "States.ArrayRange(0, 999, 1)",
            json!({}),
            Value::Array((0..1000).map(Value::from).collect()),
        ),
        (
            "States.ArrayGetItem($.a, 1)",
            json!({"a": ["x", "y"]}),
            json!("y"),
        ),
        ("States.ArrayLength($v.list)", json!({}), json!(3)),
        ("States.ArrayUnique($v.list)", json!({}), json!([3, 1])),
        (
            "States.ArrayUnique($.a)",
            json!({"a": [{"a": 1}, {"a": 1}, [null], [null], 1.5]}),
            json!([{"a": 1}, [null], 1.5]),
        ),
    ];
    for (t, i, w) in cases {
        ok(t, i, w);
    }
    let fails = [
        ("States.ArrayPartition($.a, 0)", "Invalid arguments in States.ArrayPartition: the chunk size must be a positive integer, but was 0"),
        ("States.ArrayPartition($.a, 1.5)", "Invalid arguments in States.ArrayPartition: the second argument must be an integer, but was 1.5"),
        ("States.ArrayRange(0, 1000, 1)", "Invalid arguments in States.ArrayRange: the range would have 1001 items, more than the 1000 allowed"),
        ("States.ArrayRange(0, 10, 0)", "Invalid arguments in States.ArrayRange: the step (third argument) cannot be 0"),
        ("States.ArrayGetItem($.a, 2)", "Invalid arguments in States.ArrayGetItem: the index 2 is out of bounds for an array of length 2"),
        ("States.ArrayGetItem($.a, -1)", "Invalid arguments in States.ArrayGetItem: the index -1 is out of bounds for an array of length 2"),
        ("States.ArrayLength('x')", "Invalid arguments in States.ArrayLength: the first argument must be an array, but was string"),
    ];
    for (t, cause) in fails {
        intrinsic_failure(t, json!({"a": [1, 2]}), cause);
    }
}

#[test]
fn encoding_and_hashing() {
    let cases = [
        ("States.Base64Encode('Data to encode')", json!("RGF0YSB0byBlbmNvZGU=")),
        ("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", json!("Data to encode")),
        ("States.Base64Decode('RGF0YSB0byBlbmNvZGU')", json!("Data to encode")),
        ("States.Hash('input data', 'MD5')", json!("812f45842bc6d66ee14572ce20db8e86")),
        ("States.Hash('input data', 'SHA-1')", json!("aaff4a450a104cd177d28d18d74485e8cae074b7")),
        ("States.Hash('input data', 'SHA-256')", json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")),
        ("States.Hash('', 'SHA-384')", json!("38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b")),
    ];
    for (t, w) in cases {
        ok(t, json!({}), w);
    }
    intrinsic_failure(
        "States.Hash('x', 'SHA-3')",
        json!({}),
        "Invalid arguments in States.Hash: the hash algorithm 'SHA-3' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512",
    );
    intrinsic_failure(
        "States.Base64Decode('!!!')",
        json!({}),
        "Invalid arguments in States.Base64Decode: the string is not valid base64 (Invalid symbol 33, offset 0.)",
    );
    let long = "a".repeat(10_001);
    intrinsic_failure(
        "States.Base64Encode($.s)",
        json!({"s": long}),
        "Invalid arguments in States.Base64Encode: the string has 10001 characters, more than the 10000 allowed",
    );
}

#[test]
fn math_strings_uuid() {
    let cases = [
        ("States.MathAdd(1.49, 1.5)", json!(3)),
        ("States.MathAdd(-1.5, -1.51)", json!(-3)),
        ("States.MathAdd(-0.5, 0)", json!(0)),
        ("States.MathAdd(States.MathAdd(1, 2), -10)", json!(-7)),
        ("States.StringSplit('a,b,,c', ',')", json!(["a", "b", "c"])),
        (
            "States.StringSplit('This.is+a,test=string', '.+,=')",
            json!(["This", "is", "a", "test", "string"]),
        ),
        ("States.StringSplit(',,,', ',')", json!([])),
        ("States.StringSplit('abc', '')", json!(["abc"])),
    ];
    for (t, w) in cases {
        ok(t, json!({}), w);
    }
    intrinsic_failure(
        "States.MathAdd(2147483648, 1)",
        json!({}),
        "Invalid arguments in States.MathAdd: 2147483648 is outside the range of a 32-bit integer",
    );
    let uuid = run("States.UUID()", &json!({})).unwrap();
    let s = uuid.as_str().unwrap();
    assert_eq!((s.len(), &s[14..15]), (36, "4"), "{s}");
    for _ in 0..50 {
        let r = run("States.MathRandom(5, 8)", &json!({}))
            .unwrap()
            .as_i64()
            .unwrap();
        assert!((5..8).contains(&r));
    }
    // Same seed, same number, whatever the engine's generator.
    let a = run("States.MathRandom(0, 1000, 42)", &json!({})).unwrap();
    let b = run("States.MathRandom(0, 1000, 42)", &json!({})).unwrap();
    assert_eq!(a, b);
    assert_eq!(a, json!(functions::java_random_first_ints(42, 1000, 1)[0]));
    intrinsic_failure(
        "States.MathRandom(5, 5)",
        json!({}),
        "Invalid arguments in States.MathRandom: the end (5) must be greater than the start (5)",
    );
}

#[test]
fn java_random_matches_the_jvm() {
    // Well-known JVM outputs: new Random(42).nextInt() and new Random(0).nextInt(100) x 5.
    assert_eq!(
        functions::java_random_next_int_unbounded(42),
        -1_170_105_035
    );
    assert_eq!(
        functions::java_random_first_ints(0, 100, 5),
        vec![60, 48, 29, 47, 15]
    );
}

#[test]
fn missing_path_argument() {
    let got = run("States.Format('{}', $.nope)", &json!({"a": 1}));
    assert_eq!(
        got,
        Err(StatesError::runtime("The JSONPath '$.nope' specified for the field 'r.$' could not be found in the input '{\"a\":1}'"))
    );
    // An indefinite path that matches nothing is an empty array, not an error.
    assert_eq!(run("States.ArrayLength($.a[*])", &json!({})), Ok(json!(0)));
}

#[test]
fn parse_table() {
    let good = [
        "States.Array()",
        " States.Array( 1 , 'a' ) ",
        "States.Format('{}', $.a[?(@.b == 'x,y)')].c)",
        "States.Array($$.Execution.Id, $var, $var.x[0], -1.5e3, true, false, null)",
        "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.a, '/'), 2), '.'), 0)",
    ];
    for g in good {
        assert!(
            Intrinsic::parse(g).is_ok(),
            "{g}: {:?}",
            Intrinsic::parse(g).err()
        );
    }
    let bad = [
        ("States.Nope()", "unknown intrinsic function 'States.Nope'"),
        ("States.Array(", "expected an argument"),
        ("States.Array(1,)", "expected an argument"),
        ("States.Array('x)", "unterminated string literal"),
        ("States.Array(1) x", "unexpected text after the call"),
        ("States.Array(1 2)", "expected ',' or ')'"),
        ("States.Array($.)", "Invalid JSONPath"),
        ("States.UUID(1)", "States.UUID takes 0 argument(s), got 1"),
        (
            "States.JsonMerge($.a, $.b)",
            "States.JsonMerge takes 3 argument(s), got 2",
        ),
        (
            "States.MathRandom(1)",
            "States.MathRandom takes 2 to 3 argument(s), got 1",
        ),
        ("States.Array(abc)", "expected an argument"),
        ("$.a", "unknown intrinsic function"),
    ];
    for (b, msg) in bad {
        let err = Intrinsic::parse(b).expect_err(b);
        assert!(err.contains(msg), "{b}: {err}");
    }
    let nested = |n: usize| format!("{}1{}", "States.Array(".repeat(n), ")".repeat(n));
    assert!(Intrinsic::parse(&nested(10)).is_ok());
    assert!(Intrinsic::parse(&nested(11))
        .unwrap_err()
        .contains("more than 10 nested"));
    assert!(looks_like_intrinsic(" States.Array()"));
    assert!(!looks_like_intrinsic("$.States"));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn random_text_never_panics(text in "\\PC{0,60}") {
            let _ = Intrinsic::parse(&text);
        }

        #[test]
        fn call_like_text_never_panics(text in "States\\.(Format|Array|ArrayGetItem|StringSplit|MathAdd|Hash|JsonMerge)\\([$.a-c0-9'{}\\\\, ()\\[\\]-]{0,30}") {
            if let Ok(f) = Intrinsic::parse(&text) {
                let input = json!({"a": [1, "b", {"c": 2}], "b": "x,y", "c": 3});
                let vars = Map::new();
                let scope = Scope { input: &input, context: &input, vars: &vars };
                let _ = f.evaluate(&scope, &mut SplitMix64(1));
            }
        }

        #[test]
        fn format_of_any_string_is_identity(s in "[^{}\\\\']{0,20}") {
            let text = format!("States.Format('{s}')");
            prop_assert_eq!(run(&text, &json!({})), Ok(Value::String(s)));
        }
    }
}

#[test]
fn array_unique_ignores_key_order_and_keeps_first() {
    ok(
        "States.ArrayUnique($.a)",
        json!({"a": [{"x": 1, "y": 2}, {"y": 2, "x": 1}, 1, 1.0, "1", null, null]}),
        json!([{"x": 1, "y": 2}, 1, 1.0, "1", null]),
    );
}
