use super::*;
use std::path::PathBuf;
use stepwise_json::{json, Map};

fn eval_with(rule: Value, input: Value) -> Result<bool, StatesError> {
    let rule = ChoiceRule::parse(&rule).expect("rule parses");
    let context = json!({"Execution": {"Input": input.clone(), "Name": "run-1"}});
    let mut vars = Map::new();
    vars.insert("limit".into(), json!(10));
    vars.insert("who".into(), json!({"name": "Ann"}));
    let scope = Scope {
        input: &input,
        context: &context,
        vars: &vars,
    };
    rule.evaluate(&scope)
}

#[test]
fn operators_table() {
    let input = json!({
        "s": "beta", "n": 2, "f": 2.0, "b": true, "nul": null, "t": "2016-08-18T17:33:00Z",
        "t2": "2016-08-18T19:33:00+02:00", "arr": [1, 2], "obj": {"k": "v"},
        "s2": "beta", "n3": 3, "glob": "log-2024.txt", "big": 9007199254740993u64,
    });
    let table: Vec<(Value, bool)> = vec![
        (json!({"Variable": "$.s", "StringEquals": "beta"}), true),
        (json!({"Variable": "$.s", "StringEquals": "Beta"}), false),
        (json!({"Variable": "$.s", "StringLessThan": "gamma"}), true),
        (
            json!({"Variable": "$.s", "StringGreaterThan": "alpha"}),
            true,
        ),
        (
            json!({"Variable": "$.s", "StringLessThanEquals": "beta"}),
            true,
        ),
        (
            json!({"Variable": "$.s", "StringGreaterThanEquals": "betb"}),
            false,
        ),
        (json!({"Variable": "$.s", "StringEqualsPath": "$.s2"}), true),
        (json!({"Variable": "$.s", "StringEqualsPath": "$.n"}), false),
        (json!({"Variable": "$.n", "StringEquals": "2"}), false),
        (json!({"Variable": "$.n", "NumericEquals": 2.0}), true),
        (json!({"Variable": "$.f", "NumericEquals": 2}), true),
        (json!({"Variable": "$.n", "NumericLessThan": 2.5}), true),
        (json!({"Variable": "$.n", "NumericGreaterThan": 1}), true),
        (json!({"Variable": "$.n", "NumericLessThanEquals": 2}), true),
        (
            json!({"Variable": "$.n", "NumericGreaterThanEquals": 3}),
            false,
        ),
        (
            json!({"Variable": "$.n", "NumericLessThanPath": "$.n3"}),
            true,
        ),
        (
            json!({"Variable": "$.n", "NumericGreaterThanPath": "$.n3"}),
            false,
        ),
        (json!({"Variable": "$.n", "NumericEqualsPath": "$.f"}), true),
        (
            json!({"Variable": "$.big", "NumericEquals": 9007199254740992u64}),
            false,
        ),
        (json!({"Variable": "$.s", "NumericEquals": 2}), false),
        (json!({"Variable": "$.b", "BooleanEquals": true}), true),
        (json!({"Variable": "$.n", "BooleanEquals": true}), false),
        (json!({"Variable": "$.b", "BooleanEqualsPath": "$.b"}), true),
        (
            json!({"Variable": "$.t", "TimestampEquals": "2016-08-18T17:33:00Z"}),
            true,
        ),
        (
            json!({"Variable": "$.t", "TimestampEqualsPath": "$.t2"}),
            true,
        ),
        (
            json!({"Variable": "$.t", "TimestampLessThan": "2016-08-18T17:33:00.001Z"}),
            true,
        ),
        (
            json!({"Variable": "$.t", "TimestampGreaterThan": "2016-08-18T17:32:59Z"}),
            true,
        ),
        (
            json!({"Variable": "$.t", "TimestampLessThanEquals": "2016-08-18T17:33:00Z"}),
            true,
        ),
        (
            json!({"Variable": "$.t", "TimestampGreaterThanEquals": "2017-01-01T00:00:00Z"}),
            false,
        ),
        (
            json!({"Variable": "$.t", "TimestampGreaterThanPath": "$.t2"}),
            false,
        ),
        (
            json!({"Variable": "$.s", "TimestampEquals": "2016-08-18T17:33:00Z"}),
            false,
        ),
        (
            json!({"Variable": "$.glob", "StringMatches": "log-*.txt"}),
            true,
        ),
        (
            json!({"Variable": "$.glob", "StringMatches": "log-*.csv"}),
            false,
        ),
        (json!({"Variable": "$.n", "StringMatches": "*"}), false),
        (json!({"Variable": "$.s", "IsPresent": true}), true),
        (json!({"Variable": "$.missing", "IsPresent": true}), false),
        (json!({"Variable": "$.missing", "IsPresent": false}), true),
        (json!({"Variable": "$.nul", "IsPresent": true}), true),
        (json!({"Variable": "$.nul", "IsNull": true}), true),
        (json!({"Variable": "$.s", "IsNull": false}), true),
        (json!({"Variable": "$.f", "IsNumeric": true}), true),
        (json!({"Variable": "$.s", "IsString": true}), true),
        (json!({"Variable": "$.b", "IsBoolean": true}), true),
        (json!({"Variable": "$.t", "IsTimestamp": true}), true),
        (json!({"Variable": "$.s", "IsTimestamp": true}), false),
        (json!({"Variable": "$.arr", "IsString": false}), true),
        (
            json!({"And": [{"Variable": "$.n", "NumericEquals": 2}, {"Variable": "$.s", "StringEquals": "beta"}]}),
            true,
        ),
        (
            json!({"And": [{"Variable": "$.n", "NumericEquals": 2}, {"Variable": "$.s", "StringEquals": "x"}]}),
            false,
        ),
        (
            json!({"Or": [{"Variable": "$.n", "NumericEquals": 3}, {"Variable": "$.s", "StringEquals": "beta"}]}),
            true,
        ),
        (
            json!({"Not": {"Variable": "$.n", "NumericEquals": 3}}),
            true,
        ),
        // Short-circuit: the missing path in the second rule is never read.
        (
            json!({"And": [{"Variable": "$.n", "NumericEquals": 3}, {"Variable": "$.nope", "NumericEquals": 1}]}),
            false,
        ),
        (
            json!({"Or": [{"Variable": "$.n", "NumericEquals": 2}, {"Variable": "$.nope", "NumericEquals": 1}]}),
            true,
        ),
        // The context object and variables.
        (
            json!({"Variable": "$$.Execution.Name", "StringEquals": "run-1"}),
            true,
        ),
        (
            json!({"Variable": "$$.Execution.Input.n", "NumericEquals": 2}),
            true,
        ),
        (json!({"Variable": "$limit", "NumericGreaterThan": 5}), true),
        (
            json!({"Variable": "$who.name", "StringEquals": "Ann"}),
            true,
        ),
        (
            json!({"Variable": "$.n", "NumericLessThanPath": "$limit"}),
            true,
        ),
        (
            json!({"Variable": "$.obj.k", "StringEqualsPath": "$$.Execution.Input.obj.k"}),
            true,
        ),
    ];
    for (rule, want) in table {
        assert_eq!(eval_with(rule.clone(), input.clone()), Ok(want), "{rule}");
    }
}

/// AWS's recorded answers for the Timestamp operators (the corpus holds these cases back; the
/// recording's test table, T0 = 19:00:55Z and T1 = 19:00:56Z, gives the inputs).
#[test]
fn timestamp_operators_as_recorded_on_aws() {
    const T0: &str = "2012-10-09T19:00:55Z";
    const T1: &str = "2012-10-09T19:00:56Z";
    let base = [(T0, T0), (T0, T1), (T1, T0)];
    let table: [(&str, &[bool]); 5] = [
        ("TimestampEquals", &[true, false, false]),
        ("TimestampGreaterThan", &[false, false, true]),
        ("TimestampGreaterThanEquals", &[true, false, true]),
        ("TimestampLessThan", &[false, true, false]),
        ("TimestampLessThanEquals", &[true, true, false]),
    ];
    for (op, want) in table {
        for ((var, value), want) in base.iter().zip(want) {
            let literal = json!({"Variable": "$.Variable", op: value});
            let path = json!({"Variable": "$.Variable", format!("{op}Path"): "$.Value"});
            let input = json!({"Variable": var, "Value": value});
            assert_eq!(
                eval_with(literal, input.clone()),
                Ok(*want),
                "{op} {var} {value}"
            );
            assert_eq!(eval_with(path, input), Ok(*want), "{op}Path {var} {value}");
        }
    }
    // Values of other types, or strings that are not timestamps, never equal a timestamp.
    for var in [
        json!(null),
        json!(0),
        json!(0.0),
        json!(1),
        json!(1.1),
        json!(""),
        json!(" "),
        json!("2023-02-24 12:15:56.832957"),
        json!([]),
        json!([""]),
        json!({}),
        json!({"A": 0}),
        json!(false),
        json!(true),
    ] {
        let input = json!({"Variable": var, "Value": T0});
        assert_eq!(
            eval_with(
                json!({"Variable": "$.Variable", "TimestampEquals": T0}),
                input
            ),
            Ok(false),
            "{var}"
        );
    }
}

#[test]
fn missing_paths_are_runtime_errors() {
    let input = json!({"a": 1});
    let table = [
        (json!({"Variable": "$.nope", "NumericEquals": 1}), "$.nope"),
        (json!({"Variable": "$.nope", "IsNull": true}), "$.nope"),
        (
            json!({"Variable": "$.a", "NumericEqualsPath": "$.other"}),
            "$.other",
        ),
        (
            json!({"Not": {"Variable": "$.x.y", "StringEquals": "q"}}),
            "$.x.y",
        ),
        (
            json!({"Variable": "$undefinedVar", "IsString": true}),
            "$undefinedVar",
        ),
    ];
    for (rule, path) in table {
        let err = eval_with(rule.clone(), input.clone()).expect_err("missing path fails");
        assert_eq!(err.error, "States.Runtime", "{rule}");
        assert_eq!(
            err.cause.as_deref(),
            Some(format!("Invalid path '{path}': The choice state's condition path references an invalid value.").as_str()),
            "{rule}"
        );
    }
}

#[test]
fn malformed_rules_are_rejected_with_a_location() {
    let table: Vec<(Value, &str)> = vec![
        (json!("StringEquals"), ""),
        (json!({"Variable": "$.a"}), ""),
        (json!({"StringEquals": "x"}), ""),
        (
            json!({"Variable": "$.a", "StringEquals": 1}),
            "/StringEquals",
        ),
        (
            json!({"Variable": "$.a", "NumericEquals": "1"}),
            "/NumericEquals",
        ),
        (
            json!({"Variable": "$.a", "BooleanEquals": "true"}),
            "/BooleanEquals",
        ),
        (
            json!({"Variable": "$.a", "TimestampEquals": "yesterday"}),
            "/TimestampEquals",
        ),
        (json!({"Variable": "$.a", "IsNull": "yes"}), "/IsNull"),
        (
            json!({"Variable": "$.a", "StringMatches": 3}),
            "/StringMatches",
        ),
        (
            json!({"Variable": "$.a", "StringEquals": "x", "NumericEquals": 1}),
            "",
        ),
        (
            json!({"Variable": "$.a", "BooleanLessThan": true}),
            "/BooleanLessThan",
        ),
        (
            json!({"Variable": "$.a", "StringEqual": "x"}),
            "/StringEqual",
        ),
        (json!({"Variable": 5, "StringEquals": "x"}), "/Variable"),
        (
            json!({"Variable": "$.a", "StringEqualsPath": 5}),
            "/StringEqualsPath",
        ),
        (json!({"And": []}), "/And"),
        (json!({"Or": {"Variable": "$.a", "IsNull": true}}), "/Or"),
        (
            json!({"Not": [{"Variable": "$.a", "IsNull": true}]}),
            "/Not",
        ),
        (
            json!({"And": [{"Variable": "$.a", "IsNull": true, "Next": "X"}]}),
            "/And/0/Next",
        ),
        (
            json!({"And": [{"Variable": "$.a", "IsNull": true}], "Variable": "$.a"}),
            "/Variable",
        ),
        (
            json!({"Not": {"Or": [{"Variable": "$.a", "NumericEquals": "x"}]}}),
            "/Not/Or/0/NumericEquals",
        ),
    ];
    for (rule, pointer) in table {
        let err = ChoiceRule::parse_detailed(&rule).expect_err(&rule.to_string());
        assert_eq!(err.pointer, pointer, "{rule}: {}", err.message);
        assert!(!err.message.is_empty());
    }
    // Top-level extras the engine reads are accepted.
    let ok = json!({"Variable": "$.a", "IsNull": true, "Next": "X", "Comment": "c", "Assign": {}, "Output": {}});
    assert!(ChoiceRule::parse(&ok).is_ok());
}

#[test]
fn strings_compare_by_utf16_code_units() {
    // U+FF21 (BMP, one unit 0xFF21) sorts after U+1F600 (surrogates 0xD83D...) in UTF-16,
    // before it in code points.
    let input = json!({"a": "\u{FF21}"});
    assert_eq!(
        eval_with(
            json!({"Variable": "$.a", "StringGreaterThan": "\u{1F600}"}),
            input
        ),
        Ok(true)
    );
}

/// Runs every Choice-operator case of the conformance corpus: each case's Choice state picks a
/// branch (a Pass state whose `Result` names it) and AWS's recorded output shows which one ran.
#[test]
fn conformance_choice_operators() {
    let dir = crate::test_data::corpus().join("conformance/cases/choice_operators");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("conformance cases at {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    for path in &entries {
        let case: Value =
            serde_json::from_slice(&std::fs::read(path).expect("read case")).expect("case JSON");
        let def = &case["definition"];
        let states = def["States"].as_object().expect("States");
        let start = def["StartAt"].as_str().expect("StartAt");
        let choice = &states[start];
        assert_eq!(choice["Type"], "Choice");
        let choices = choice["Choices"].as_array().expect("Choices");
        let rules: Vec<ChoiceRule> = choices
            .iter()
            .map(|c| ChoiceRule::parse(c).expect("rule parses"))
            .collect();
        let input = &case["input"];
        let context = json!({"Execution": {"Input": input}});
        let vars = Map::new();
        let scope = Scope {
            input,
            context: &context,
            vars: &vars,
        };
        let outcome = match first_match(&rules, choices, &scope) {
            Ok(Some(next)) => Ok(next.to_owned()),
            Ok(None) => choice["Default"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| "States.NoChoiceMatched".to_owned()),
            Err(e) => Err(e.error),
        };
        let expected = &case["expected"];
        let matched = match (&outcome, expected["status"].as_str()) {
            (Ok(branch), Some("SUCCEEDED")) => {
                // The branch's Pass state produces its Result as the output.
                states.get(branch).map(|s| &s["Result"]) == Some(&expected["output"])
            }
            (Err(error), Some("FAILED")) => expected["error"].as_str() == Some(error.as_str()),
            _ => false,
        };
        if !matched {
            failures.push(format!("{}: got {outcome:?}", path.display()));
        }
    }
    let total = entries.len();
    let passed = total - failures.len();
    eprintln!("choice_operators conformance: {passed}/{total}");
    assert!(total > 0, "no cases found in {}", dir.display());
    assert!(
        failures.is_empty(),
        "{passed}/{total} matched; failures:\n{}",
        failures.join("\n")
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn arb_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            (-1e6f64..1e6).prop_map(|f| json!(f)),
            prop_oneof![
                Just("$.a".to_owned()),
                Just("$.b.c".to_owned()),
                Just("$$.Execution.Input.a".to_owned()),
                Just("$v".to_owned()),
                Just("2016-08-18T17:33:00Z".to_owned()),
                Just("a*b\\*".to_owned()),
                "[ -~]{0,12}".prop_map(String::from),
            ]
            .prop_map(Value::String),
        ];
        let keys = prop_oneof![
            Just("Variable".to_owned()),
            Just("And".to_owned()),
            Just("Or".to_owned()),
            Just("Not".to_owned()),
            Just("StringEquals".to_owned()),
            Just("NumericLessThanPath".to_owned()),
            Just("TimestampGreaterThan".to_owned()),
            Just("StringMatches".to_owned()),
            Just("IsPresent".to_owned()),
            Just("IsTimestamp".to_owned()),
            Just("BooleanEquals".to_owned()),
            Just("a".to_owned()),
            Just("b".to_owned()),
            Just("c".to_owned()),
        ];
        leaf.prop_recursive(5, 48, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec((keys.clone(), inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

        /// Any JSON as a rule and any input: parsing and evaluating give answers, never panics.
        #[test]
        fn parse_and_evaluate_never_panic(rule in arb_value(), input in arb_value(), var in arb_value()) {
            if let Ok(rule) = ChoiceRule::parse(&rule) {
                let context = json!({"Execution": {"Input": input.clone()}});
                let mut vars = Map::new();
                vars.insert("v".into(), var);
                let _ = rule.evaluate(&Scope { input: &input, context: &context, vars: &vars });
            }
        }

        /// Not inverts whatever a rule decides (errors stay errors).
        #[test]
        fn not_inverts(rule in arb_value(), input in arb_value()) {
            if let Ok(r) = ChoiceRule::parse(&rule) {
                if let Ok(negated) = ChoiceRule::parse(&json!({"Not": rule})) {
                    let context = json!({});
                    let vars = Map::new();
                    let scope = Scope { input: &input, context: &context, vars: &vars };
                    match (r.evaluate(&scope), negated.evaluate(&scope)) {
                        (Ok(a), Ok(b)) => prop_assert_eq!(a, !b),
                        (Err(a), Err(b)) => prop_assert_eq!(a, b),
                        other => prop_assert!(false, "{:?}", other),
                    }
                }
            }
        }
    }
}
