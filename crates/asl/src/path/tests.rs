use super::*;
use stepwise_json::json;

fn shared(rel: &str) -> std::path::PathBuf {
    crate::test_data::corpus().join(rel)
}

/// The 58 expressions of `tests/corpus/jsonpath/cases.json`, with what Step Functions gives.
#[test]
fn shared_jsonpath_table() {
    let file = shared("jsonpath/cases.json");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let data: Value = serde_json::from_str(&text).expect("cases.json is JSON");
    let doc = &data["doc"];
    let cases = data["cases"].as_array().expect("cases");
    let mut failures = Vec::new();
    for case in cases {
        let path = case["path"].as_str().expect("path");
        let expect = &case["expect"];
        let got = match JsonPath::parse(path) {
            Err(e) => json!(format!("PARSE ERROR {e}")),
            Ok(p) => p.select_in(doc).unwrap_or_else(|| json!("ERROR")),
        };
        if &got != expect {
            failures.push(format!("{path}: expected {expect}, got {got}"));
        }
    }
    eprintln!(
        "jsonpath table: {}/{} pass",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn roots_of_scope() {
    let input = json!({"a": {"b": 1}});
    let context = json!({"Execution": {"Id": "e-1"}});
    let mut vars = Map::new();
    vars.insert("count".into(), json!(3));
    vars.insert("obj".into(), json!({"list": [10, 20]}));
    let scope = Scope {
        input: &input,
        context: &context,
        vars: &vars,
    };
    let cases: &[(&str, Option<Value>)] = &[
        ("$", Some(input.clone())),
        ("$.a.b", Some(json!(1))),
        ("$$", Some(context.clone())),
        ("$$.Execution.Id", Some(json!("e-1"))),
        ("$count", Some(json!(3))),
        ("$obj.list[1]", Some(json!(20))),
        ("$obj.list[*]", Some(json!([10, 20]))),
        ("$nope", None),
        ("$nope.x", None),
        ("$.a.c", None),
    ];
    for (text, want) in cases {
        let p = JsonPath::parse(text).unwrap();
        assert_eq!(&p.select(&scope), want, "{text}");
    }
}

#[test]
fn features_table() {
    let doc = json!({
        "a": [0, 1, 2, 3, 4, 5],
        "o": {"x": 1, "y": {"x": 2, "z": [{"x": 3}]}},
        "people": [
            {"name": "ann", "age": 30, "tags": ["a"], "ok": true},
            {"name": "bob", "age": 17, "tags": [], "ok": false},
            {"name": "cy", "tags": ["a", "b"]}
        ],
        "limit": 18,
        "weird key": {"in.ner": 5}
    });
    let cases: &[(&str, Value)] = &[
        ("$.a[::2]", json!([0, 2, 4])),
        ("$.a[1:5:2]", json!([1, 3])),
        ("$.a[::-1]", json!([5, 4, 3, 2, 1, 0])),
        ("$.a[-2]", json!(4)),
        ("$.a[-10:2]", json!([0, 1])),
        ("$.a[4:100]", json!([4, 5])),
        ("$.a[0,-1]", json!([0, 5])),
        ("$.o..x", json!([1, 2, 3])),
        ("$..z[0].x", json!([3])),
        ("$.o.*", json!([1, {"x": 2, "z": [{"x": 3}]}])),
        ("$.people[?(@.age >= 18)].name", json!(["ann"])),
        ("$.people[?(@.age < $.limit)].name", json!(["bob"])),
        ("$.people[?(!(@.age))].name", json!(["cy"])),
        ("$.people[?(@.ok == true)].name", json!(["ann"])),
        (
            "$.people[?(@.ok == false || @.name == 'cy')].name",
            json!(["bob", "cy"]),
        ),
        ("$.people[?(@.tags size 2)].name", json!(["cy"])),
        ("$.people[?(@.tags empty true)].name", json!(["bob"])),
        ("$.people[?(@.name nin ['ann', 'bob'])].name", json!(["cy"])),
        ("$.people[?(@.name =~ /A.*/i)].name", json!(["ann"])),
        ("$.people[?(@.tags anyof ['b'])].name", json!(["cy"])),
        ("$.people[?(@.age != 30)].name", json!(["bob"])),
        ("$.people.length()", json!(3)),
        ("$.a.sum()", json!(15)),
        ("$.a.max()", json!(5)),
        ("$.people[*].age.length()", json!(2)),
        ("$['weird key']['in.ner']", json!(5)),
        ("$.o.y['x','z']", json!({"x": 2, "z": [{"x": 3}]})),
        ("$.o[?(@.x == 1)].x", json!([1])),
        ("$.a[?(@ > 2)]", json!([])),
        ("$.people[?(@.name == bob)].age", json!([17])),
        (
            "$.people[?(@.name in [ann, cy])].name",
            json!(["ann", "cy"]),
        ),
        ("$.people[?(@.ok == true)].name", json!(["ann"])),
        ("$.a[(@.length-1)]", json!(5)),
        ("$.people[( @.length - 2 )].name", json!("bob")),
    ];
    for (text, want) in cases {
        let p = JsonPath::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(p.select_in(&doc).as_ref(), Some(want), "{text}");
    }
}

#[test]
fn parse_errors() {
    for bad in [
        "",
        "a.b",
        "$.",
        "$..",
        "$[",
        "$[1",
        "$['a",
        "$.a[?(@.x >)]",
        "$.a[?(@.x == 1]",
        "$.a[1:2:0]",
        "$.a.nosuch()",
        "$.a.length().b",
        "$ .a",
        "$.a[?(@.x =~ /[/)]",
        "$.a]",
        "$$$",
        "$.a[(@.length)]",
        "$.a[(@.length-0)]",
        "$.a[(@.length+1)]",
        "$.a[(1+1)]",
        "$.a[(@.length-1]",
        "$.a[?(@.x == trueish.y)]",
    ] {
        assert!(JsonPath::parse(bad).is_err(), "{bad:?} should not parse");
    }
}

#[test]
fn reference_paths() {
    let cases = [
        ("$", true),
        ("$.a.b", true),
        ("$['a b'][0]", true),
        ("$.a[-1]", true),
        ("$.a[(@.length-1)]", true),
        ("$.a[*]", false),
        ("$..a", false),
        ("$.a[0:1]", false),
        ("$.a[0,1]", false),
        ("$.a[?(@.b)]", false),
        ("$.a['x','y']", false),
        ("$.a.length()", false),
    ];
    for (text, want) in cases {
        assert_eq!(
            JsonPath::parse(text).unwrap().is_reference_path(),
            want,
            "{text}"
        );
    }
}

#[test]
fn assign_table() {
    let cases: &[(&str, Value, Value, Result<Value, &str>)] = &[
        ("$", json!({"a": 1}), json!(5), Ok(json!(5))),
        (
            "$.r",
            json!({"a": 1}),
            json!(5),
            Ok(json!({"a": 1, "r": 5})),
        ),
        ("$.a", json!({"a": 1}), json!(5), Ok(json!({"a": 5}))),
        (
            "$.x.y.z",
            json!({}),
            json!(true),
            Ok(json!({"x": {"y": {"z": true}}})),
        ),
        (
            "$.a[1]",
            json!({"a": [1, 2]}),
            json!(9),
            Ok(json!({"a": [1, 9]})),
        ),
        (
            "$.a[-1].b",
            json!({"a": [{}, {}]}),
            json!(9),
            Ok(json!({"a": [{}, {"b": 9}]})),
        ),
        (
            "$.a.b",
            json!({"a": "s"}),
            json!(1),
            Err("Unable to apply step \"b\" to input \"s\""),
        ),
        (
            "$.a",
            json!("str"),
            json!(1),
            Err("Unable to apply step \"a\" to input \"str\""),
        ),
        (
            "$.a[5]",
            json!({"a": [1]}),
            json!(1),
            Err("Unable to apply step \"5\" to input [1]"),
        ),
    ];
    for (path, target, value, want) in cases {
        let got = JsonPath::parse(path)
            .unwrap()
            .assign(target.clone(), value.clone());
        assert_eq!(got, want.clone().map_err(str::to_owned), "{path}");
    }
    assert!(JsonPath::parse("$.a[*]")
        .unwrap()
        .assign(json!({}), json!(1))
        .is_err());
    assert!(JsonPath::parse("$$.a")
        .unwrap()
        .assign(json!({}), json!(1))
        .is_err());
}

/// Jayway's messages, as AWS prints them after `Invalid path '...' : `.
#[test]
fn missing_explanations() {
    let input = json!({"int-literal": 0, "s": "x", "l": [1]});
    let vars = Map::new();
    let scope = Scope {
        input: &input,
        context: &Value::Null,
        vars: &vars,
    };
    let cases = [
        (
            "$.NoSuchInputPath",
            "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']",
        ),
        (
            "$.no.such.result.path",
            "Invalid path '$.no.such.result.path' : Missing property in path $['no']",
        ),
        (
            "$.l[3]",
            "Invalid path '$.l[3]' : No results for path: $['l'][3]",
        ),
        (
            "$.l[3].x",
            "Invalid path '$.l[3].x' : Index out of bounds when evaluating path $['l'][3]",
        ),
    ];
    for (path, want) in cases {
        assert_eq!(
            JsonPath::parse(path).unwrap().invalid_path_cause(&scope),
            want
        );
    }
    assert_eq!(
        JsonPath::parse("$.a..b[*]").unwrap().normalized(),
        "$['a']..['b'][*]"
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            "[a-c]{0,3}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[a-c]{1,2}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn random_text_never_panics(text in "\\PC{0,40}") {
            if let Ok(p) = JsonPath::parse(&text) {
                let _ = p.select_in(&json!({"a": [1, {"b": 2}]}));
            }
        }

        #[test]
        fn path_like_text_never_panics(text in "\\$[$a-c.\\[\\]*?@()'=<>!&|0-9:, -]{0,30}", doc in arb_json()) {
            if let Ok(p) = JsonPath::parse(&text) {
                let _ = p.select_in(&doc);
                let _ = p.explain_missing(Some(&doc));
                let _ = p.assign(doc.clone(), json!(1));
            }
        }

        #[test]
        fn written_value_is_read_back(names in prop::collection::vec("[a-c]{1,2}", 1..4), doc in arb_json()) {
            let text = format!("$.{}", names.join("."));
            let p = JsonPath::parse(&text).unwrap();
            if let Ok(out) = p.assign(doc, json!("v")) {
                prop_assert_eq!(p.select_in(&out), Some(json!("v")));
            }
        }
    }
}
