//! JSONata mode (`"QueryLanguage": "JSONata"`): `{% ... %}` expressions in `Arguments`, `Output`,
//! `Assign`, `Condition`, `Items`, `TimeoutSeconds`, ... with the `$states` variable.
//!
//! What Step Functions adds to JSONata lives here: the `{% %}` template syntax, `$states` and the
//! workflow variables as bindings, and the causes of `States.QueryEvaluationError` worded as AWS
//! words them (the engine prefixes the state). The functions AWS provides (`$partition`, `$range`,
//! `$hash`, `$random` with a seed, `$uuid`, `$parse`) and the one it withdraws (`$eval`) live with
//! the evaluator (`stepwise_jsonata::aws`), which runs linked in or as a second wasm module
//! ([`evaluator`]).

use crate::error::{names, StatesError};
use crate::scope::Random;
use stepwise_json::{Map, Value};
use stepwise_jsonata::{Env, Error, Outcome};

mod evaluator;
#[cfg(all(feature = "jsonata-module", target_arch = "wasm32"))]
pub use evaluator::attach_jsonata;
pub use evaluator::{check, evaluator_ready};
use evaluator::{compile, Compiled, Prepared};

/// What JSONata may read from the engine: the virtual clock and the seeded generator.
pub struct QueryEnv<'a> {
    /// Milliseconds since the Unix epoch on the engine's virtual clock (`$now()`, `$millis()`).
    pub now_millis: i64,
    pub rng: &'a mut dyn Random,
}

/// True for a string of the form `{% ... %}`. AWS takes a string as an expression only when it
/// starts with `{%` and ends with `%}` exactly: with a space before or after, it is a literal.
pub fn is_expression(text: &str) -> bool {
    text.len() >= 4 && text.starts_with("{%") && text.ends_with("%}")
}

/// The expression inside `{% ... %}`, as AWS quotes it in error causes.
pub fn expression_text(text: &str) -> &str {
    text.strip_prefix("{%")
        .and_then(|t| t.strip_suffix("%}"))
        .unwrap_or(text)
        .trim()
}

/// Evaluates a JSONata template: every string of the form `{% expr %}` (at any depth inside
/// objects and arrays) is replaced by its value; everything else is literal. `states` is the value
/// of `$states` (`input`, `result`, `errorOutput`, `context`); `vars` are the variables in scope.
///
/// An expression that yields nothing (undefined) is an error wherever it stands, nested fields
/// included: AWS fails `"Assign": {"result": "{% $doesNotExist %}"}` with "returned nothing
/// (undefined)" for the field `Assign/result` (conformance case
/// `assign/..._undefined_reference__BASE_UNDEFINED_ASSIGN`).
///
/// Causes name the field as a path below the template (`FunctionResult`); use
/// [`evaluate_template_at`] to name the state's field too (`Output/FunctionResult`), as AWS does.
pub fn evaluate_template(
    template: &Value,
    states: &Value,
    vars: &Map,
    env: &mut QueryEnv,
) -> Result<Value, StatesError> {
    evaluate_template_at(template, "", states, vars, env)
}

/// [`evaluate_template`] for the state field `field` (`Arguments`, `Output`, `Assign`, `Items`,
/// ...), which error causes name: `The JSONata expression '...' specified for the field
/// 'Output/FunctionResult' ...`.
pub fn evaluate_template_at(
    template: &Value,
    field: &str,
    states: &Value,
    vars: &Map,
    env: &mut QueryEnv,
) -> Result<Value, StatesError> {
    if !contains_expression(template) {
        return Ok(template.clone());
    }
    let mut session = Session::new(states, vars);
    let mut path = field.to_owned();
    session.template(template, &mut path, env)
}

/// Evaluates a single `{% expr %}` string (Condition, Items, TimeoutSeconds, ...).
/// `Ok(None)` means the expression yielded nothing. A string that is not an expression is its
/// own value.
pub fn evaluate_expression(
    text: &str,
    states: &Value,
    vars: &Map,
    env: &mut QueryEnv,
) -> Result<Option<Value>, StatesError> {
    evaluate_expression_at(text, "", states, vars, env)
}

/// [`evaluate_expression`] for the state field `field`, which error causes name.
pub fn evaluate_expression_at(
    text: &str,
    field: &str,
    states: &Value,
    vars: &Map,
    env: &mut QueryEnv,
) -> Result<Option<Value>, StatesError> {
    if !is_expression(text) {
        return Ok(Some(Value::String(text.to_owned())));
    }
    Session::new(states, vars).expression(text, field, env)
}

/// The cause AWS gives when a field's expression returned a value of the wrong type:
/// `... returned an unexpected result type. Expected 'array', but was 'string' for value: "s"`.
pub fn unexpected_type(text: &str, field: &str, expected: &str, value: &Value) -> StatesError {
    let actual = value.type_name();
    query_error(format!(
        "{} returned an unexpected result type. Expected '{expected}', but was '{actual}' for value: {value}",
        subject(text, field)
    ))
}

/// The cause AWS gives when a field's expression returned nothing.
pub fn returned_nothing(text: &str, field: &str) -> StatesError {
    query_error(format!(
        "{} returned nothing (undefined).",
        subject(text, field)
    ))
}

fn subject(text: &str, field: &str) -> String {
    format!(
        "The JSONata expression '{}' specified for the field '{field}'",
        expression_text(text)
    )
}

fn query_error(cause: String) -> StatesError {
    StatesError::new(names::QUERY_EVALUATION_ERROR, cause)
}

fn contains_expression(value: &Value) -> bool {
    match value {
        Value::String(s) => is_expression(s),
        Value::Array(items) => items.iter().any(contains_expression),
        Value::Object(map) => map.values().any(contains_expression),
        _ => false,
    }
}

/// One template's evaluation: `$states` and the variables are converted for JSONata once and
/// shared by all its expressions.
struct Session<'a> {
    states_json: &'a Value,
    states: Option<Prepared>,
    vars: &'a Map,
    converted: Vec<(String, Prepared)>,
}

impl<'a> Session<'a> {
    fn new(states: &'a Value, vars: &'a Map) -> Self {
        Self {
            states_json: states,
            states: None,
            vars,
            converted: Vec::new(),
        }
    }

    fn template(
        &mut self,
        value: &Value,
        path: &mut String,
        env: &mut QueryEnv,
    ) -> Result<Value, StatesError> {
        match value {
            Value::String(s) if is_expression(s) => match self.expression(s, path, env)? {
                Some(v) => Ok(v),
                None => Err(returned_nothing(s, path)),
            },
            Value::Object(map) => {
                let mut out = Map::with_capacity(map.len());
                for (key, item) in map {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('/');
                    }
                    path.push_str(key);
                    let evaluated = self.template(item, path, env);
                    path.truncate(len);
                    out.insert(key.clone(), evaluated?);
                }
                Ok(Value::Object(out))
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('/');
                    }
                    path.push_str(&index.to_string());
                    let evaluated = self.template(item, path, env);
                    path.truncate(len);
                    out.push(evaluated?);
                }
                Ok(Value::Array(out.into()))
            }
            other => Ok(other.clone()),
        }
    }

    fn expression(
        &mut self,
        text: &str,
        field: &str,
        env: &mut QueryEnv,
    ) -> Result<Option<Value>, StatesError> {
        let threw = |e: Error| {
            query_error(format!(
                "{} threw an error during evaluation. {}: {}",
                subject(text, field),
                e.code,
                e.message
            ))
        };
        let expression = compile(expression_text(text)).map_err(threw)?;
        self.prepare(&expression);
        let states = self
            .states
            .as_ref()
            .filter(|_| expression.mentions("states"));
        let mut bindings: Vec<(&str, &Prepared)> = Vec::with_capacity(self.converted.len() + 1);
        for (name, value) in &self.converted {
            if expression.mentions(name) && name != "states" {
                bindings.push((name, value));
            }
        }
        if let Some(states) = states {
            bindings.push(("states", states));
        }
        let rng = &mut *env.rng;
        let mut draw = || rng.next_f64();
        let mut jenv = Env {
            now_millis: env.now_millis,
            random: &mut draw,
        };
        // AWS evaluates with no input document: `$` and bare field names find nothing.
        let outcome = evaluator::evaluate(&expression, &bindings, &mut jenv).map_err(threw)?;
        match outcome {
            Outcome::Value(v) => Ok(Some(v)),
            Outcome::Undefined => Ok(None),
            Outcome::Function => Err(query_error(format!(
                "{} returned an unsupported result type.",
                subject(text, field)
            ))),
        }
    }

    /// Converts what `expression` refers to and has not been converted yet.
    fn prepare(&mut self, expression: &Compiled) {
        if self.states.is_none() && expression.mentions("states") {
            self.states = Some(evaluator::prepare(self.states_json));
        }
        for (name, value) in self.vars {
            if expression.mentions(name) && !self.converted.iter().any(|(n, _)| n == name) {
                self.converted
                    .push((name.to_string(), evaluator::prepare(value)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::SplitMix64;
    use stepwise_json::json;

    fn states() -> Value {
        json!({"input": {"a": 1, "list": [1, 2, 3], "name": "Ada"}, "context": {"Execution": {"Name": "x"}}})
    }

    fn run_at(template: Value, field: &str, vars: Value) -> Result<Value, StatesError> {
        let Value::Object(vars) = vars else {
            panic!("vars must be an object")
        };
        let mut rng = SplitMix64(7);
        let mut env = QueryEnv {
            now_millis: 1_700_000_000_000,
            rng: &mut rng,
        };
        evaluate_template_at(&template, field, &states(), &vars, &mut env)
    }

    fn run(template: Value) -> Result<Value, StatesError> {
        run_at(template, "Output", json!({}))
    }

    fn expr(text: &str) -> Result<Value, StatesError> {
        run(Value::String(format!("{{% {text} %}}")))
    }

    fn cause(result: Result<Value, StatesError>) -> String {
        let e = result.unwrap_err();
        assert_eq!(e.error, names::QUERY_EVALUATION_ERROR);
        e.cause.unwrap()
    }

    #[test]
    fn expression_strings_are_recognised_exactly() {
        let cases = [
            ("{% 1 %}", true),
            ("{%1%}", true),
            ("{%%}", true),
            (" {% 1 %}", false),
            ("{% 1 %} ", false),
            ("{% 1", false),
            ("{%}", false),
            ("plain", false),
        ];
        for (text, expected) in cases {
            assert_eq!(is_expression(text), expected, "{text:?}");
        }
        assert_eq!(expression_text("{%  $x + 1 %}"), "$x + 1");
    }

    #[test]
    fn templates_evaluate_nested_expressions_and_keep_literals() {
        let template = json!({
            "static": "Hello",
            "title": "{% $states.input.name %}",
            "name": "{% $customerName %}",
            "not-evaluated": "$customerName",
            "spaced": " {% 1 %}",
            "nested": {"list": ["{% $states.input.a + 1 %}", 3, null]},
        });
        let out = run_at(template, "Arguments", json!({"customerName": "María"})).unwrap();
        assert_eq!(
            out,
            json!({
                "static": "Hello",
                "title": "Ada",
                "name": "María",
                "not-evaluated": "$customerName",
                "spaced": " {% 1 %}",
                "nested": {"list": [2, 3, null]},
            })
        );
    }

    #[test]
    fn undefined_results_are_errors_naming_the_field() {
        assert_eq!(
            cause(run_at(json!({"result": "{% $doesNotExist %}"}), "Assign", json!({}))),
            "The JSONata expression '$doesNotExist' specified for the field 'Assign/result' returned nothing (undefined)."
        );
        assert_eq!(
            cause(run_at(json!("{% $doesNotExist %}"), "Output", json!({}))),
            "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined)."
        );
        assert_eq!(
            cause(run_at(json!({"a": ["{% $nothing %}"]}), "Arguments", json!({}))),
            "The JSONata expression '$nothing' specified for the field 'Arguments/a/0' returned nothing (undefined)."
        );
        // Without a field, the path starts below the template.
        let mut rng = SplitMix64(1);
        let mut env = QueryEnv {
            now_millis: 0,
            rng: &mut rng,
        };
        let e = evaluate_template(&json!({"x": "{% $no %}"}), &states(), &Map::new(), &mut env)
            .unwrap_err();
        assert!(e.cause.unwrap().contains("for the field 'x'"));
    }

    #[test]
    fn evaluation_errors_quote_code_and_message() {
        assert_eq!(
            cause(run(json!({"FunctionResult": "{% $randomSeeded($states.input.a) %}"}))),
            "The JSONata expression '$randomSeeded($states.input.a)' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function"
        );
        assert!(cause(expr("'a' + 1")).ends_with("threw an error during evaluation. T2001: The left side of the + operator must evaluate to a number"));
        assert!(cause(expr("1 +")).contains("threw an error during evaluation. S0207: "));
        assert_eq!(
            cause(run_at(json!("{% $fn := function($x){$x} %}"), "Items", json!({}))),
            "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an unsupported result type."
        );
    }

    #[test]
    fn unexpected_type_cause() {
        let e = unexpected_type("{% $ItemsVar %}", "Items", "array", &json!("string"));
        assert_eq!(
            e.cause.unwrap(),
            "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'string' for value: \"string\""
        );
        let e = unexpected_type(
            "{% {'foo': 'bar'} %}",
            "Items",
            "array",
            &json!({"foo": "bar"}),
        );
        assert!(e
            .cause
            .unwrap()
            .ends_with("Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}"));
    }

    #[test]
    fn no_input_document_only_states_and_variables() {
        assert!(cause(expr("$")).contains("returned nothing"));
        assert!(cause(expr("input")).contains("returned nothing"));
        assert_eq!(expr("$states.context.Execution.Name").unwrap(), json!("x"));
        assert_eq!(
            run_at(json!("{% $v * 2 %}"), "Output", json!({"v": 21})).unwrap(),
            json!(42)
        );
    }

    #[test]
    fn expression_fields() {
        let mut rng = SplitMix64(3);
        let mut env = QueryEnv {
            now_millis: 0,
            rng: &mut rng,
        };
        let vars = Map::new();
        let s = states();
        assert_eq!(
            evaluate_expression("{% $states.input.a = 1 %}", &s, &vars, &mut env).unwrap(),
            Some(json!(true))
        );
        assert_eq!(
            evaluate_expression("{% $none %}", &s, &vars, &mut env).unwrap(),
            None
        );
        assert_eq!(
            evaluate_expression("literal", &s, &vars, &mut env).unwrap(),
            Some(json!("literal"))
        );
        let e =
            evaluate_expression_at("{% 1 + %}", "TimeoutSeconds", &s, &vars, &mut env).unwrap_err();
        assert!(e.cause.unwrap().starts_with(
            "The JSONata expression '1 +' specified for the field 'TimeoutSeconds' threw"
        ));
    }

    #[test]
    fn aws_partition() {
        let cases = [
            ("$partition([0], 2)", json!([[0]])),
            ("$partition([0, 1, 2], 1)", json!([[0], [1], [2]])),
            ("$partition([0, 1, 2], 2)", json!([[0, 1], [2]])),
            ("$partition([0, 1, 2, 3], 4)", json!([[0, 1, 2, 3]])),
            ("$partition([0, 1], 5)", json!([[0, 1]])),
            (
                "$partition([1,2,3,4,5,6,7,8,9], 3)",
                json!([[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(expr(text).unwrap(), expected, "{text}");
        }
        for bad in [
            "$partition([1], 0)",
            "$partition([1], 1.5)",
            "$partition([1], 'a')",
            "$partition()",
        ] {
            assert!(cause(expr(bad)).contains("T0410"), "{bad}");
        }
    }

    #[test]
    fn aws_range() {
        let cases = [
            ("$range(0, 9, 3)", json!([0, 3, 6, 9])),
            ("$range(0, 10, 3)", json!([0, 3, 6, 9])),
            ("$range(1, 9, 9)", json!(1)),
            ("$range(1, 9, 2)", json!([1, 3, 5, 7, 9])),
            ("$range(0, 10, 2)", json!([0, 2, 4, 6, 8, 10])),
            ("$range(10, 0, -5)", json!([10, 5, 0])),
        ];
        for (text, expected) in cases {
            assert_eq!(expr(text).unwrap(), expected, "{text}");
        }
        assert!(cause(expr("$range(0, 10, 0)")).contains("T0410"));
        assert!(cause(expr("$range(0, 10, -1)")).contains("returned nothing"));
        assert!(cause(expr("$range(0, 1e12, 1)")).contains("D2014"));
    }

    #[test]
    fn aws_hash() {
        let cases = [
            ("MD5", "5d41402abc4b2a76b9719d911017c592"),
            ("SHA-1", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
            (
                "SHA-256",
                "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            ),
        ];
        for (algorithm, digest) in cases {
            assert_eq!(
                expr(&format!("$hash('hello', '{algorithm}')")).unwrap(),
                json!(digest)
            );
        }
        assert_eq!(
            expr("$length($hash('hello', 'SHA-384'))").unwrap(),
            json!(96)
        );
        assert_eq!(
            expr("$length($hash('hello', 'SHA-512'))").unwrap(),
            json!(128)
        );
        assert!(cause(expr("$hash('hello', 'SHA-3')")).contains("T0410"));
        assert!(cause(expr("$hash(1, 'MD5')")).contains("T0410"));
    }

    #[test]
    fn aws_random_and_uuid_are_deterministic() {
        let a = expr("[$random(), $random(), $uuid()]").unwrap();
        let b = expr("[$random(), $random(), $uuid()]").unwrap();
        assert_eq!(a, b, "the same seed gives the same draws");
        let n = a[0].as_f64().unwrap();
        assert!((0.0..1.0).contains(&n) && a[0] != a[1]);
        let uuid = a[2].as_str().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!("89ab".contains(&uuid[19..20]));
        // Seeded: java.util.Random(42).nextDouble().
        assert_eq!(expr("$random(42)").unwrap(), json!(0.7275636800328681));
        assert_eq!(expr("$random(42) = $random(42)").unwrap(), json!(true));
        assert!(cause(expr("$random('fst')")).contains("T0410"));
    }

    #[test]
    fn aws_parse_and_withdrawn_eval() {
        let cases = [
            ("$parse('1')", json!(1)),
            ("$parse('1.1')", json!(1.1)),
            ("$parse('\"HelloWorld\"')", json!("HelloWorld")),
            (
                "$parse('{\"Arg1\": 1, \"Arg2\": []}')",
                json!({"Arg1": 1, "Arg2": []}),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(expr(text).unwrap(), expected, "{text}");
        }
        assert!(cause(expr("$parse('{')")).contains("threw an error during evaluation"));
        assert!(
            cause(expr("$eval('1 + 1')")).ends_with("T1006: Attempted to invoke a non-function")
        );
    }

    #[test]
    fn clock_and_numbers() {
        assert_eq!(expr("$millis()").unwrap(), json!(1_700_000_000_000i64));
        assert_eq!(expr("$now()").unwrap(), json!("2023-11-14T22:13:20.000Z"));
        assert_eq!(
            expr("$sum([34.45 * 2, 21.67])").unwrap().to_string(),
            "90.57000000000001"
        );
        assert_eq!(expr("858383.0").unwrap().to_string(), "858383");
        assert_eq!(expr("$number('2')").unwrap().to_string(), "2");
    }

    #[test]
    fn compiled_expressions_are_cached() {
        let text = "$states.input.a + 41";
        let first = compile(text).unwrap();
        let second = compile(text).unwrap();
        assert!(std::rc::Rc::ptr_eq(&first, &second));
    }
}
