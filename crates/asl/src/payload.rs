//! Payload templates of JSONPath-mode states (`Parameters`, `ItemSelector`, `ResultSelector`,
//! Catch/Retry-free): fields whose name ends in `.$` are evaluated as a path, a context path, a
//! variable or an intrinsic function; everything else is copied.
//!
//! [`CompiledTemplate`] parses every path and intrinsic once; subtrees without `.$` fields are
//! kept as ready values and cloned whole.

use crate::{
    error::StatesError,
    intrinsics::{looks_like_intrinsic, Intrinsic},
    path::JsonPath,
    scope::{Random, Scope},
};
use stepwise_json::{Key, Map, Value};

pub use crate::intrinsics::path_not_found_cause;

/// A payload template compiled once per state and evaluated for every input.
#[derive(Clone, Debug)]
pub struct CompiledTemplate {
    root: Node,
}

#[derive(Clone, Debug)]
enum Node {
    Literal(Value),
    Object(Vec<(Key, Node)>),
    Array(Vec<Node>),
    /// `field` is the template's key as written (`x.$`), for error causes.
    Path {
        field: String,
        path: JsonPath,
    },
    Call {
        field: String,
        call: Intrinsic,
    },
}

impl CompiledTemplate {
    /// Compiles `template`. Errors name the offending field, e.g. a `.$` field whose value is
    /// not a string, not a path and not an intrinsic call.
    pub fn compile(template: &Value) -> Result<Self, String> {
        Ok(Self {
            root: compile_node(template)?,
        })
    }

    /// True when the template has no `.$` field at all (its value never depends on the scope).
    pub fn is_constant(&self) -> bool {
        matches!(self.root, Node::Literal(_))
    }

    pub fn evaluate(&self, scope: &Scope, rng: &mut dyn Random) -> Result<Value, StatesError> {
        if self.is_constant() {
            return eval_node(&self.root, scope, rng);
        }
        crate::meter::metered(|| {
            let value = eval_node(&self.root, scope, rng)?;
            if crate::meter::shares_containers() {
                within_budget(&value)?;
            }
            Ok(value)
        })
    }
}

fn compile_dynamic(key: &str, value: &Value) -> Result<Node, String> {
    let invalid = || {
        format!("The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call")
    };
    let Value::String(text) = value else {
        return Err(invalid());
    };
    if looks_like_intrinsic(text) {
        let call = Intrinsic::parse(text).map_err(|e| format!("{} ({e})", invalid()))?;
        Ok(Node::Call {
            field: key.to_owned(),
            call,
        })
    } else if text.starts_with('$') {
        let path = JsonPath::parse(text).map_err(|e| format!("{} ({e})", invalid()))?;
        Ok(Node::Path {
            field: key.to_owned(),
            path,
        })
    } else {
        Err(invalid())
    }
}

fn compile_node(v: &Value) -> Result<Node, String> {
    match v {
        Value::Object(map) => {
            let mut fields = Vec::with_capacity(map.len());
            for (k, child) in map {
                match k.strip_suffix(".$") {
                    Some(name) => fields.push((name.into(), compile_dynamic(k, child)?)),
                    None => fields.push((k.clone(), compile_node(child)?)),
                }
            }
            if fields.iter().all(|(_, n)| matches!(n, Node::Literal(_)))
                && !map.keys().any(|k| k.ends_with(".$"))
            {
                Ok(Node::Literal(v.clone()))
            } else {
                Ok(Node::Object(fields))
            }
        }
        Value::Array(items) => {
            let nodes = items
                .iter()
                .map(compile_node)
                .collect::<Result<Vec<_>, _>>()?;
            if nodes.iter().all(|n| matches!(n, Node::Literal(_))) {
                Ok(Node::Literal(v.clone()))
            } else {
                Ok(Node::Array(nodes))
            }
        }
        other => Ok(Node::Literal(other.clone())),
    }
}

fn eval_node(node: &Node, scope: &Scope, rng: &mut dyn Random) -> Result<Value, StatesError> {
    match node {
        Node::Literal(v) => Ok(v.clone()),
        Node::Object(fields) => {
            let mut out = Map::with_capacity(fields.len());
            for (k, child) in fields {
                out.insert(k.clone(), eval_node(child, scope, rng)?);
            }
            Ok(Value::Object(out))
        }
        Node::Array(items) => items
            .iter()
            .map(|n| eval_node(n, scope, rng))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Node::Path { field, path } => match path.try_select_cow(scope)? {
            Some(v) => {
                // Text is copied; containers are shared (and counted when written, below).
                crate::meter::charge_selected(v.as_ref(), "The text the payload template copies")
                    .map_err(crate::meter::data_limit)?;
                Ok(v.into_owned())
            }
            None => Err(StatesError::runtime(path_not_found_cause(
                path.text(),
                Some(field),
                scope.input,
            ))),
        },
        Node::Call { field, call } => call.evaluate_in_field(Some(field), scope, rng),
    }
}

/// Refuses a value whose JSON text would pass the evaluation budget's bytes. A template or an
/// intrinsic can hold one large part of its input many times over: the value itself stays
/// small (the parts are shared), but its text, which history and the next state need, would not.
fn within_budget(value: &Value) -> Result<(), StatesError> {
    let max = crate::meter::max_bytes();
    match value.json_len_within(usize::try_from(max).unwrap_or(usize::MAX)) {
        Some(_) => Ok(()),
        None => Err(crate::meter::data_limit(crate::meter::cause(
            "The payload template's result",
            max,
        ))),
    }
}

/// Evaluates `template` in `scope`. Errors carry AWS's error names and cause texts
/// (a missing path is `States.Runtime`, a failing intrinsic `States.IntrinsicFailure`, ...).
/// Compiles on every call: states evaluated repeatedly should keep a [`CompiledTemplate`].
pub fn evaluate(
    template: &Value,
    scope: &Scope,
    rng: &mut dyn Random,
) -> Result<Value, StatesError> {
    CompiledTemplate::compile(template)
        .map_err(StatesError::runtime)?
        .evaluate(scope, rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{error::names, scope::SplitMix64};
    use stepwise_json::json;

    fn eval_with(template: &Value, input: &Value) -> Result<Value, StatesError> {
        let mut vars = Map::new();
        vars.insert("who".into(), json!({"name": "ann"}));
        let context =
            json!({"Execution": {"Id": "arn:e", "Input": {"k": 1}}, "Map": {"Item": {"Index": 2}}});
        let scope = Scope {
            input,
            context: &context,
            vars: &vars,
        };
        evaluate(template, &scope, &mut SplitMix64(3))
    }

    #[test]
    fn evaluates_fields_table() {
        let input = json!({"a": 1, "list": [{"id": 1}, {"id": 2}], "s": "x"});
        let cases = [
            (json!({"x.$": "$.a"}), json!({"x": 1})),
            (json!({"x.$": "$"}), json!({"x": input.clone()})),
            (
                json!({"x.$": "$$.Execution.Input.k", "i.$": "$$.Map.Item.Index"}),
                json!({"x": 1, "i": 2}),
            ),
            (json!({"x.$": "$who.name"}), json!({"x": "ann"})),
            (
                json!({"x.$": "States.Format('{}-{}', $.s, $who.name)"}),
                json!({"x": "x-ann"}),
            ),
            (
                json!({"ids.$": "$.list[*].id", "none.$": "$.list[?(@.id > 5)]"}),
                json!({"ids": [1, 2], "none": []}),
            ),
            (
                json!({"n": {"deep": [{"v.$": "$.a"}, 2, "lit.$ no"], "c": true}}),
                json!({"n": {"deep": [{"v": 1}, 2, "lit.$ no"], "c": true}}),
            ),
            (
                json!({"plain": "$.a", "num": 1, "nul": null}),
                json!({"plain": "$.a", "num": 1, "nul": null}),
            ),
            (json!([{"a.$": "$.s"}, "x"]), json!([{"a": "x"}, "x"])),
            (json!("just a string"), json!("just a string")),
            (json!({}), json!({})),
        ];
        for (t, want) in cases {
            assert_eq!(eval_with(&t, &input), Ok(want), "{t}");
        }
    }

    #[test]
    fn errors_table() {
        let input = json!({"int-literal": 0});
        let runtime = |c: &str| Err(StatesError::runtime(c));
        let cases = [
            (
                json!({"value.$": "$.no_such_jsonpath"}),
                runtime("The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'"),
            ),
            (
                json!({"value.$": "$$.Execution.Input.no_such_jsonpath"}),
                runtime("The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'"),
            ),
            (
                json!({"outer": {"v.$": "$nobody"}}),
                runtime("The JSONPath '$nobody' specified for the field 'v.$' could not be found in the input '{\"int-literal\":0}'"),
            ),
            (
                json!({"v.$": "States.ArrayGetItem(States.Array(1), 3)"}),
                Err(StatesError::new(names::INTRINSIC_FAILURE, "Invalid arguments in States.ArrayGetItem: the index 3 is out of bounds for an array of length 1")),
            ),
        ];
        for (t, want) in cases {
            assert_eq!(eval_with(&t, &input), want, "{t}");
        }
    }

    #[test]
    fn compile_errors() {
        for (t, msg) in [
            (json!({"a.$": 1}), "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call"),
            (json!({"a.$": "abc"}), "The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call"),
            (json!({"x": [{"a.$": "$.["}]}), "The value for the field 'a.$' must be a valid JSONPath"),
            (json!({"a.$": "States.Nope()"}), "unknown intrinsic function 'States.Nope'"),
        ] {
            let err = CompiledTemplate::compile(&t).expect_err("must not compile");
            assert!(err.contains(msg), "{t}: {err}");
        }
        assert!(CompiledTemplate::compile(&json!({"a": {"b": [1]}}))
            .unwrap()
            .is_constant());
        assert!(!CompiledTemplate::compile(&json!({"a": [{"b.$": "$"}]}))
            .unwrap()
            .is_constant());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Templates whose keys may end in `.$` and whose strings look like paths or calls.
        fn arb_template() -> impl Strategy<Value = Value> {
            let text = prop_oneof![
                "\\$[.a-c\\[\\]0-9*]{0,8}",
                "States\\.(Array|Format|MathAdd)\\([$.a-c0-9', ]{0,12}\\)",
                "[a-c]{0,4}",
            ];
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<i32>().prop_map(Value::from),
                text.prop_map(Value::String)
            ];
            leaf.prop_recursive(3, 24, 4, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..3).prop_map(Value::from),
                    prop::collection::btree_map("[a-c]{1,2}(\\.\\$)?", inner, 0..4)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

            #[test]
            fn templates_never_panic(t in arb_template()) {
                if let Ok(c) = CompiledTemplate::compile(&t) {
                    let input = json!({"a": [1, 2], "b": {"c": "x"}, "c": 3});
                    let vars = Map::new();
                    let scope = Scope { input: &input, context: &input, vars: &vars };
                    let _ = c.evaluate(&scope, &mut SplitMix64(9));
                }
            }
        }
    }

    #[test]
    fn compiled_template_is_reusable() {
        let t =
            CompiledTemplate::compile(&json!({"id.$": "$.id", "u.$": "States.UUID()"})).unwrap();
        let vars = Map::new();
        let mut rng = SplitMix64(1);
        let mut uuids = Vec::new();
        for i in 0..3 {
            let input = json!({"id": i});
            let scope = Scope {
                input: &input,
                context: &Value::Null,
                vars: &vars,
            };
            let out = t.evaluate(&scope, &mut rng).unwrap();
            assert_eq!(out["id"], json!(i));
            uuids.push(out["u"].clone());
        }
        assert!(uuids[0] != uuids[1] && uuids[1] != uuids[2]);
    }
}
