//! The evaluation budget: runaway expressions end with an error naming the limit they hit,
//! never a crash, a hang or a memory blow-up; ordinary ones are not affected.

use stepwise_json::{Map, Value};
use stepwise_jsonata::budget::{self, Budget, DEFAULT_BUDGET};
use stepwise_jsonata::{Env, Error, Expression};

fn eval_under(budget: Budget, text: &str) -> Result<Option<Value>, Error> {
    let mut random = || 0.5;
    let mut env = Env {
        now_millis: 0,
        random: &mut random,
    };
    let expression = Expression::compile(text)?;
    budget::scoped(budget, || expression.evaluate(None, &Map::new(), &mut env))
}

fn eval(text: &str) -> Result<Option<Value>, Error> {
    eval_under(DEFAULT_BUDGET, text)
}

fn fails_with(text: &str, code: &str, limit: &str) {
    match eval(text) {
        Err(e) => {
            assert_eq!(e.code, code, "{text}: {e}");
            assert!(e.message.contains(limit), "{text}: {e}");
        }
        Ok(v) => panic!("{text} gave {}", v.map_or(0, |v| v.to_string().len())),
    }
}

#[test]
fn values_nested_too_deep_are_refused_where_they_are_made() {
    let depth = DEFAULT_BUDGET.max_value_depth.to_string();
    fails_with(
        "$reduce([1..50000], function($acc, $i){ {'a': $acc} }, {})",
        "U1006",
        &depth,
    );
    fails_with(
        "$reduce([1..50000], function($acc, $i){ [[$acc]] }, [])",
        "U1006",
        &depth,
    );
    // Kept inside the evaluation and never returned: refused all the same.
    fails_with(
        "$count($reduce([1..50000], function($acc, $i){ {'a': $acc} }, {}))",
        "U1006",
        &depth,
    );
    // Up to the limit, fine.
    let ok = eval("$reduce([1..150], function($acc, $i){ {'a': $acc} }, {})").unwrap();
    assert!(ok.is_some());
}

#[test]
fn values_that_share_parts_are_counted_in_full_when_written() {
    fails_with(
        "$reduce([1..40], function($acc, $i){ [$acc, $acc] }, 0)",
        "U1005",
        "bytes",
    );
    fails_with(
        "$length($string($reduce([1..40], function($acc, $i){ [$acc, $acc] }, 0)))",
        "U1005",
        "bytes",
    );
}

#[test]
fn text_and_arrays_stop_at_the_byte_budget() {
    fails_with(
        "($f := function($s, $n){ $n = 0 ? $length($s) : $f($s & $s, $n - 1) }; $f('x', 31))",
        "U1005",
        "bytes",
    );
    fails_with("$length($pad('x', 2000000000))", "U1005", "bytes");
    fails_with("$sum([1..1e7].$sum([1..1e7]))", "U1005", "bytes");
    // A hundred million items in all, each inner range alive until the path ends.
    fails_with("$count([1..10000].[1..10000])", "U1005", "bytes");
    fails_with("$count([1..10000].([1..10000]))", "U1005", "bytes");
}

#[test]
fn loops_stop_at_the_step_budget() {
    fails_with(
        "($a := [1..100000]; $sum([1..100000].$sum($a)))",
        "U1004",
        "steps",
    );
    // Comparing two values that each hold one part 2^40 times over: stopped, not answered.
    fails_with(
        "($x := $reduce([1..40], function($a, $i){ [[$a], [$a]] }, 0); \
          $y := $reduce([1..40], function($a, $i){ [[$a], [$a]] }, 0); $x = $y)",
        "U1004",
        "steps",
    );
    // Copying a growing array on every call is quadratic work, counted as it is done.
    fails_with(
        "$count($reduce([1..100000], function($acc, $i){ [$acc, $i] }, []))",
        "U1004",
        "steps",
    );
}

#[test]
/// A million scalars go through `$distinct` (quadratic before the hash set: minutes); its
/// speed is the benchmark's business, what is checked here is the answer.
fn distinct_of_many_scalars() {
    let n = eval("$count($distinct([1..1000000].($ % 1000)))").unwrap();
    assert_eq!(n, Some(Value::from(1000)));
    let mixed =
        eval("$distinct([1, '1', 1.0, -0, 0, null, null, true, [1], [1], {'a': 1}, {'a': 1}])")
            .unwrap()
            .unwrap();
    assert_eq!(mixed.to_string(), r#"[1,"1",0,null,true,[1],{"a":1}]"#);
}

#[test]
fn a_smaller_budget_is_honoured_and_named() {
    let tight = Budget {
        max_steps: 1000,
        ..DEFAULT_BUDGET
    };
    let e = eval_under(tight, "$sum([1..5000])").unwrap_err();
    assert_eq!(e.code, "U1004");
    assert!(e.message.contains("1000 steps"), "{e}");
    let shallow = Budget {
        max_value_depth: 3,
        ..DEFAULT_BUDGET
    };
    assert!(eval_under(shallow, "[[[1]]]").is_ok());
    let e = eval_under(shallow, "[[[[1]]]]").unwrap_err();
    assert!(e.message.contains("deeper than 3 levels"), "{e}");
    let small = Budget {
        max_bytes: 1000,
        ..DEFAULT_BUDGET
    };
    let e = eval_under(small, "$join([1..500].$string())").unwrap_err();
    assert!(e.message.contains("1000 bytes"), "{e}");
}

#[test]
fn ordinary_expressions_are_untouched() {
    let v = eval("$sum([1..10000])").unwrap();
    assert_eq!(v, Some(Value::from(50_005_000)));
    let v = eval("[1..10000000] ~> $count()").unwrap();
    assert_eq!(v, Some(Value::from(10_000_000)));
}
