//! A callback body that reads its parameter's fields (`function($v){ $v.a.b }`) runs on
//! jsonata-core's compiled fast path (our vendored change); the same body declared with a
//! signature runs on the tree-walker. Both must give the same result for every shape of value.

use stepwise_json::{json, Map, Value};
use stepwise_jsonata::{Env, Expression};

fn evaluate(text: &str, input: &Value) -> Result<Option<Value>, String> {
    evaluate_with(text, Some(input), &Map::new())
}

fn evaluate_with(
    text: &str,
    input: Option<&Value>,
    bindings: &Map,
) -> Result<Option<Value>, String> {
    let expression = Expression::compile(text).map_err(|e| e.to_string())?;
    let mut random = || 0.5;
    let mut env = Env {
        now_millis: 0,
        random: &mut random,
    };
    expression
        .evaluate(input, bindings, &mut env)
        .map_err(|e| e.to_string())
}

#[test]
fn compiled_callback_paths_match_the_tree_walker() {
    let input = json!({
        "items": [
            {"a": {"b": 1, "c": [1, 2]}, "s": "x"},
            {"a": [{"b": 2}, {"b": [3, 4]}, {"c": 5}], "s": "y"},
            {"a": {"b": {"c": [{"d": 6}, {"d": 7}]}}},
            {"a": null},
            {"a": [[{"b": 8}], {"b": 9}]},
            {},
            [ {"a": {"b": 10}} , {"a": {"b": 11}} ],
            "text",
            5,
            null
        ],
        "nested": [[{"a": {"b": 1}}], [{"a": {"b": 2}}, {"a": {"b": 3}}]],
        "single": {"a": {"b": {"c": 1}}}
    });
    let arrays = [
        "items",
        "nested",
        "items.a",
        "single",
        "items[0]",
        "nested[0]",
        "missing",
    ];
    let bodies = [
        "$v.a",
        "$v.a.b",
        "$v.a.b.c",
        "$v.a.b.c.d",
        "$v.s",
        "$v.a.c",
        "$v.b",
        "$v.a[b > 1]",
        "$v.a[b > 1].b",
        "$v.a.b[0]",
        "$count($v.a.b)",
        "$string($v.a.b)",
    ];
    for array in arrays {
        for body in bodies {
            for hof in ["$map", "$filter"] {
                let fast = format!("{hof}({array}, function($v) {{ {body} }})");
                let walked = format!("{hof}({array}, function($v)<x:x> {{ {body} }})");
                assert_eq!(
                    evaluate(&fast, &input),
                    evaluate(&walked, &input),
                    "{fast} and {walked} differ"
                );
            }
        }
    }
}

/// `$v.a.b...` over plain objects walks them directly (our vendored change); `($v).a.b...` always
/// takes jsonata-core's general path loop. Both must agree whatever `$v` holds.
#[test]
fn variable_paths_match_the_general_path_loop() {
    let values = [
        json!({"a": {"b": {"c": 1}}}),
        json!({"a": {"b": {"c": [1, 2]}}}),
        json!({"a": {"b": [{"c": 1}, {"c": [2, 3]}, {"d": 4}]}}),
        json!({"a": [{"b": {"c": 1}}, {"b": {"c": 2}}]}),
        json!({"a": {"b": null}}),
        json!({"a": {"b": "text"}}),
        json!({"a": {}}),
        json!({}),
        json!([{"a": {"b": {"c": 5}}}, {"a": {"b": {"c": 6}}}]),
        json!([[{"a": {"b": {"c": 7}}}]]),
        json!("text"),
        json!(null),
    ];
    let paths = ["a", "a.b", "a.b.c", "a.b.c.d", "a.x.c", "b"];
    for value in &values {
        let mut bindings = Map::new();
        bindings.insert("v".into(), value.clone());
        for path in paths {
            let direct = format!("$v.{path}");
            let general = format!("($v).{path}");
            assert_eq!(
                evaluate_with(&direct, None, &bindings),
                evaluate_with(&general, None, &bindings),
                "{direct} over {value}"
            );
        }
    }
}
