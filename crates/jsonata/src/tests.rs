use super::*;
use stepwise_json::json;

fn counter() -> impl FnMut() -> f64 {
    let mut draws = [0.25, 0.5, 0.75, 0.125].into_iter().cycle();
    move || draws.next().unwrap()
}

fn eval_with(text: &str, input: Option<Value>, bindings: Value) -> Result<Option<Value>, Error> {
    let mut random = counter();
    let mut env = Env {
        now_millis: 1_700_000_000_123,
        random: &mut random,
    };
    let Value::Object(bindings) = bindings else {
        panic!("bindings must be an object")
    };
    Expression::compile(text)?.evaluate(input.as_ref(), &bindings, &mut env)
}

fn eval(text: &str) -> Result<Option<Value>, Error> {
    eval_with(text, None, json!({}))
}

#[test]
fn numbers_come_out_as_javascript_writes_them() {
    let cases: &[(&str, &str)] = &[
        ("858383", "858383"),
        ("2 * 3", "6"),
        ("1 / 4", "0.25"),
        ("-0", "0"),
        ("$sum([1.5, 2.5])", "4"),
        ("1e21", "1e+21"),
        ("[1, 2.0, 3.5]", "[1,2,3.5]"),
    ];
    for (text, expected) in cases {
        let value = eval(text).unwrap().unwrap();
        assert_eq!(value.to_string(), *expected, "{text}");
    }
}

#[test]
fn sum_and_average_add_left_to_right_like_javascript() {
    // JavaScript: 0.1 + 0.2 = 0.30000000000000004, + 0.3 = 0.6000000000000001.
    let cases: &[(&str, f64)] = &[
        ("$sum([0.1, 0.2, 0.3])", 0.1 + 0.2 + 0.3),
        ("$sum([34.45 * 2, 21.67])", 34.45 * 2.0 + 21.67),
        ("$average([0.1, 0.2, 0.3])", (0.1 + 0.2 + 0.3) / 3.0),
    ];
    for (text, expected) in cases {
        let value = eval(text).unwrap().unwrap();
        assert_eq!(value.as_f64(), Some(*expected), "{text}");
    }
    assert_eq!(
        eval("$sum([34.45 * 2, 21.67])")
            .unwrap()
            .unwrap()
            .to_string(),
        "90.57000000000001"
    );
}

#[test]
fn input_and_bindings() {
    let input = json!({"a": {"b": [1, 2, 3]}});
    assert_eq!(
        eval_with("a.b[1]", Some(input.clone()), json!({})).unwrap(),
        Some(json!(2))
    );
    assert_eq!(
        eval_with("$x + 1", None, json!({"x": 41})).unwrap(),
        Some(json!(42))
    );
    assert_eq!(
        eval_with(
            "$states.input.a",
            None,
            json!({"states": {"input": {"a": "z"}}})
        )
        .unwrap(),
        Some(json!("z"))
    );
    // No input at all: paths find nothing.
    assert_eq!(eval_with("a", None, json!({})).unwrap(), None);
    assert_eq!(eval_with("$", None, json!({})).unwrap(), None);
}

#[test]
fn undefined_and_functions_have_no_json_value() {
    assert_eq!(eval("$nothing").unwrap(), None);
    assert_eq!(eval("function($x){$x}").unwrap(), None);
    assert_eq!(
        eval("{'a': 1, 'b': $nothing, 'f': $sum}").unwrap(),
        Some(json!({"a": 1}))
    );
    let mut random = counter();
    let mut env = Env {
        now_millis: 0,
        random: &mut random,
    };
    let outcome = Expression::compile("$uppercase")
        .unwrap()
        .evaluate_prepared(None, &[], &mut env, &Functions::standard())
        .unwrap();
    assert_eq!(outcome, Outcome::Function);
}

#[test]
fn clock_comes_from_the_environment() {
    assert_eq!(
        eval("$millis()").unwrap(),
        Some(json!(1_700_000_000_123i64))
    );
    assert_eq!(
        eval("$now()").unwrap(),
        Some(json!("2023-11-14T22:13:20.123Z"))
    );
    assert_eq!(
        eval("$now('[Y0001]-[M01]-[D01]')").unwrap(),
        Some(json!("2023-11-14"))
    );
    assert_eq!(
        eval("$now('[H01]:[m01]', '+0100')").unwrap(),
        Some(json!("23:13"))
    );
    // A time without a date is taken to be on the environment's day.
    assert_eq!(
        eval("$toMillis('13:45', '[H]:[m]')").unwrap(),
        Some(json!(1_699_969_500_000i64))
    );
    assert_eq!(
        eval("$toMillis('2020-01-02', '[Y]-[M]-[D]')").unwrap(),
        Some(json!(1_577_923_200_000i64))
    );
}

#[test]
fn iso8601_matches_javascript() {
    let cases: &[(i64, &str)] = &[
        (0, "1970-01-01T00:00:00.000Z"),
        (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (253_402_300_800_000, "+010000-01-01T00:00:00.000Z"),
    ];
    for (millis, text) in cases {
        assert_eq!(host::iso8601(*millis), *text);
    }
}

#[test]
fn randomness_comes_from_the_environment() {
    assert_eq!(
        eval("[$random(), $random()]").unwrap(),
        Some(json!([0.25, 0.5]))
    );
    // Inside-out Fisher-Yates with draws 0.25, 0.5, 0.75, 0.125: the first three stay, the
    // fourth swaps with the first.
    assert_eq!(
        eval("$shuffle([1, 2, 3, 4])").unwrap(),
        Some(json!([4, 2, 3, 1]))
    );
    assert_eq!(eval("$random(1)").unwrap_err().code, "T0410");
}

#[test]
fn errors_carry_their_codes() {
    let cases: &[(&str, &str)] = &[
        ("1 +", "S0207"),
        ("'a' + 1", "T2001"),
        ("$undefinedFunction()", "T1006"),
        ("$number('x')", "D3030"),
        ("/* open", "S0106"),
        ("[1,2", "S0203"),
    ];
    for (text, code) in cases {
        let error = eval(text).unwrap_err();
        assert_eq!(error.code, *code, "{text}: {error}");
        assert!(
            !error.message.is_empty() && !error.message.starts_with(code),
            "{error:?}"
        );
    }
    assert_eq!(
        eval("$undefinedFunction()").unwrap_err().message,
        "Attempted to invoke a non-function"
    );
}

#[test]
fn runaway_expressions_stop_with_u1001() {
    let cases = [
        // Non-tail recursion: the depth limit.
        "($f := function($n){ $n + $f($n + 1) }; $f(0))",
        // Tail recursion that never ends: the call budget.
        "($inf := function(){ $inf() }; $inf())",
        "($even := function($n){ $odd($n) }; $odd := function($n){ $even($n) }; $even(1))",
    ];
    for text in cases {
        let mut random = counter();
        let mut env = Env {
            now_millis: 0,
            random: &mut random,
        };
        let mut functions = Functions::standard();
        functions.set_max_tail_calls(10_000);
        let error = Expression::compile(text)
            .unwrap()
            .evaluate_prepared(None, &[], &mut env, &functions)
            .unwrap_err();
        assert_eq!(error.code, "U1001", "{text}: {error}");
    }
    // A long but finite tail-recursive loop stays within the default budget.
    let sum =
        "($loop := function($i, $acc){ $i = 0 ? $acc : $loop($i - 1, $acc + $i) }; $loop(5000, 0))";
    assert_eq!(eval(sum).unwrap(), Some(json!(12_502_500)));
}

#[test]
fn host_functions_and_withdrawn_builtins() {
    let mut functions = Functions::standard();
    functions.define("twice", |args, _| {
        let n = args
            .first()
            .cloned()
            .flatten()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        Ok(Some(convert::number(n * 2.0)))
    });
    functions.define("draw", |_, env| Ok(Some(convert::number((env.random)()))));
    functions.define("fails", |_, _| Err(Error::new("D9999", "it failed")));
    functions.withdraw("eval");
    let mut random = counter();
    let mut env = Env {
        now_millis: 0,
        random: &mut random,
    };
    let mut run = |text: &str| {
        Expression::compile(text)
            .unwrap()
            .evaluate_prepared(None, &[], &mut env, &functions)
            .map(Outcome::into_value)
    };
    assert_eq!(run("$twice(21)").unwrap(), Some(json!(42)));
    assert_eq!(run("[1,2].$twice($)").unwrap(), Some(json!([2, 4])));
    assert_eq!(run("$draw()").unwrap(), Some(json!(0.25)));
    let error = run("$fails()").unwrap_err();
    assert_eq!(
        (error.code.as_str(), error.message.as_str()),
        ("D9999", "it failed")
    );
    let error = run("$eval('1 + 1')").unwrap_err();
    assert_eq!(error.code, "T1006");
}

#[test]
fn variable_names_are_found_in_the_text() {
    assert_eq!(
        variable_names("$a + $bc.$d($e_1) & '$f'"),
        ["a", "bc", "d", "e_1", "f"]
    );
    assert_eq!(variable_names("$ + $$"), Vec::<String>::new());
}

/// `$uppercase`/`$lowercase` map ASCII text in place (a vendored jsonata-core change) and
/// anything else by Unicode's full mapping, as JavaScript does.
#[test]
fn case_mapping_of_ascii_and_unicode_text() {
    let cases: &[(&str, &str)] = &[
        ("$uppercase('a-1 bC')", "A-1 BC"),
        ("$lowercase('A-1 Bc')", "a-1 bc"),
        ("$uppercase('')", ""),
        ("$uppercase('straße')", "STRASSE"),
        ("$lowercase('ÀÉ Ω')", "àé ω"),
        ("$uppercase('ǆ')", "Ǆ"),
    ];
    for (text, expected) in cases {
        assert_eq!(eval(text).unwrap(), Some(json!(expected)), "{text}");
    }
}
