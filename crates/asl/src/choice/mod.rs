//! Choice rules of JSONPath-mode Choice states: comparison operators, `And`/`Or`/`Not`, type tests.
//!
//! A rule is compiled once ([`ChoiceRule::parse`]) and evaluated per execution. The semantics are
//! AWS's, as recorded in the conformance corpus:
//! - a comparison whose operand has another type than the operator expects is simply false
//!   (`NumericEquals` against a string, `BooleanEquals` against `0`, ...);
//! - numbers compare by value (`1 == 1.0`); strings compare by UTF-16 code units, as Java does;
//! - timestamps compare as instants (see [`timestamp`]); a string that is not a timestamp makes
//!   the comparison false;
//! - a `Variable` (or `…Path` operand) that selects nothing is a `States.Runtime` error, except
//!   for `IsPresent`, whose whole purpose is to ask.

mod matches;
pub mod timestamp;

pub use matches::WildcardPattern;
pub use timestamp::{parse_timestamp, Timestamp};

use crate::{error::StatesError, path::JsonPath, scope::Scope};
use std::cmp::Ordering;
use stepwise_json::{Number, Value};

/// A Choice rule compiled from its JSON (the `Next`, `Comment`, `Assign` and `Output` fields of a
/// top-level rule are ignored here: the engine reads them).
#[derive(Clone, Debug)]
pub struct ChoiceRule {
    node: Node,
}

/// Why a rule did not compile, and where: `pointer` is relative to the rule (`/And/0/Variable`,
/// empty for the rule itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub pointer: String,
    pub message: String,
}

impl RuleError {
    fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    fn nest(mut self, prefix: &str) -> Self {
        self.pointer = format!("{prefix}{}", self.pointer);
        self
    }
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.pointer.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{} (at {})", self.message, self.pointer)
        }
    }
}

#[derive(Clone, Debug)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Test { variable: JsonPath, test: Test },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    String,
    Numeric,
    Boolean,
    Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Equals,
    LessThan,
    GreaterThan,
    LessThanEquals,
    GreaterThanEquals,
}

impl Cmp {
    fn holds(self, ord: Ordering) -> bool {
        match self {
            Cmp::Equals => ord == Ordering::Equal,
            Cmp::LessThan => ord == Ordering::Less,
            Cmp::GreaterThan => ord == Ordering::Greater,
            Cmp::LessThanEquals => ord != Ordering::Greater,
            Cmp::GreaterThanEquals => ord != Ordering::Less,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TypeTest {
    Present,
    Null,
    Numeric,
    String,
    Boolean,
    Timestamp,
}

#[derive(Clone, Debug)]
enum Operand {
    Literal(Value),
    Path(JsonPath),
}

#[derive(Clone, Debug)]
enum Test {
    Compare {
        kind: Kind,
        cmp: Cmp,
        operand: Operand,
    },
    Matches(WildcardPattern),
    Is {
        test: TypeTest,
        expected: bool,
    },
}

const KINDS: [(&str, Kind); 4] = [
    ("String", Kind::String),
    ("Numeric", Kind::Numeric),
    ("Boolean", Kind::Boolean),
    ("Timestamp", Kind::Timestamp),
];

const CMPS: [(&str, Cmp); 5] = [
    ("Equals", Cmp::Equals),
    ("LessThan", Cmp::LessThan),
    ("GreaterThan", Cmp::GreaterThan),
    ("LessThanEquals", Cmp::LessThanEquals),
    ("GreaterThanEquals", Cmp::GreaterThanEquals),
];

const TYPE_TESTS: [(&str, TypeTest); 6] = [
    ("IsPresent", TypeTest::Present),
    ("IsNull", TypeTest::Null),
    ("IsNumeric", TypeTest::Numeric),
    ("IsString", TypeTest::String),
    ("IsBoolean", TypeTest::Boolean),
    ("IsTimestamp", TypeTest::Timestamp),
];

/// What an operator name means: `(kind, cmp, is_path)` for comparisons.
enum OperatorName {
    Compare(Kind, Cmp, bool),
    Matches,
    Is(TypeTest),
}

fn operator_name(name: &str) -> Option<OperatorName> {
    if name == "StringMatches" {
        return Some(OperatorName::Matches);
    }
    if let Some((_, t)) = TYPE_TESTS.iter().find(|(n, _)| *n == name) {
        return Some(OperatorName::Is(*t));
    }
    for (kind_name, kind) in KINDS {
        let Some(rest) = name.strip_prefix(kind_name) else {
            continue;
        };
        let (rest, is_path) = match rest.strip_suffix("Path") {
            Some(r) => (r, true),
            None => (rest, false),
        };
        if let Some((_, cmp)) = CMPS.iter().find(|(n, _)| *n == rest) {
            // Boolean has only Equals.
            if kind == Kind::Boolean && *cmp != Cmp::Equals {
                return None;
            }
            return Some(OperatorName::Compare(kind, *cmp, is_path));
        }
    }
    None
}

/// True for the names of comparison operators and type tests (`StringEquals`, `IsNull`, ...).
pub fn is_operator_name(name: &str) -> bool {
    operator_name(name).is_some()
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Parses a path used in a rule: `Variable` and `…Path` operands must be reference paths.
fn parse_reference_path(text: &Value, field: &str) -> Result<JsonPath, RuleError> {
    let pointer = format!("/{}", escape_pointer(field));
    let Some(s) = text.as_str() else {
        return Err(RuleError::at(
            pointer,
            format!("The value of '{field}' must be a string"),
        ));
    };
    let path = JsonPath::parse(s).map_err(|e| {
        RuleError::at(
            pointer.clone(),
            format!("Value must be a valid JSONPath: {e}"),
        )
    })?;
    if !path.is_reference_path() {
        return Err(RuleError::at(pointer, "Value is not a Reference Path"));
    }
    Ok(path)
}

fn parse_node(rule: &Value, top_level: bool) -> Result<Node, RuleError> {
    let Some(obj) = rule.as_object() else {
        return Err(RuleError::at("", "A Choice rule must be a JSON object"));
    };
    let mut operators: Vec<&str> = Vec::new();
    for key in obj.keys() {
        let known = match key.as_str() {
            "And" | "Or" | "Not" => {
                operators.push(key);
                true
            }
            "Variable" | "Comment" => true,
            "Next" | "Assign" | "Output" => top_level,
            k if is_operator_name(k) => {
                operators.push(key);
                true
            }
            _ => false,
        };
        if !known {
            return Err(RuleError::at(
                format!("/{}", escape_pointer(key)),
                format!("Field '{key}' is not supported"),
            ));
        }
    }
    let op = match operators.as_slice() {
        [] => {
            return Err(RuleError::at(
                "",
                "A Choice rule needs one comparison operator (such as StringEquals or IsPresent) or one of And, Or, Not",
            ))
        }
        [op] => *op,
        many => {
            return Err(RuleError::at(
                "",
                format!("There should only be one of the following fields: [{}]", many.join(", ")),
            ))
        }
    };
    let value = &obj[op];
    match op {
        "And" | "Or" => {
            if obj.contains_key("Variable") {
                return Err(RuleError::at(
                    "/Variable",
                    "Field 'Variable' is not supported",
                ));
            }
            let items = value.as_array().filter(|a| !a.is_empty()).ok_or_else(|| {
                RuleError::at(
                    format!("/{op}"),
                    format!("'{op}' must be a non-empty array of Choice rules"),
                )
            })?;
            let mut nodes = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                nodes.push(parse_node(item, false).map_err(|e| e.nest(&format!("/{op}/{i}")))?);
            }
            Ok(if op == "And" {
                Node::And(nodes)
            } else {
                Node::Or(nodes)
            })
        }
        "Not" => {
            if obj.contains_key("Variable") {
                return Err(RuleError::at(
                    "/Variable",
                    "Field 'Variable' is not supported",
                ));
            }
            if !value.is_object() {
                return Err(RuleError::at(
                    "/Not",
                    "'Not' must be a single Choice rule (an object)",
                ));
            }
            Ok(Node::Not(Box::new(
                parse_node(value, false).map_err(|e| e.nest("/Not"))?,
            )))
        }
        _ => {
            let Some(var) = obj.get("Variable") else {
                return Err(RuleError::at("", "These fields are required: [Variable]"));
            };
            let variable = parse_reference_path(var, "Variable")?;
            let test = parse_test(op, value)?;
            Ok(Node::Test { variable, test })
        }
    }
}

fn parse_test(op: &str, value: &Value) -> Result<Test, RuleError> {
    let pointer = format!("/{op}");
    let Some(name) = operator_name(op) else {
        return Err(RuleError::at(
            pointer,
            format!("Field '{op}' is not supported"),
        ));
    };
    match name {
        OperatorName::Matches => match value.as_str() {
            Some(p) => Ok(Test::Matches(WildcardPattern::compile(p))),
            None => Err(RuleError::at(
                pointer,
                "The value of 'StringMatches' must be a string",
            )),
        },
        OperatorName::Is(test) => match value.as_bool() {
            Some(expected) => Ok(Test::Is { test, expected }),
            None => Err(RuleError::at(
                pointer,
                format!("The value of '{op}' must be a boolean"),
            )),
        },
        OperatorName::Compare(kind, cmp, true) => {
            let path = parse_reference_path(value, op)?;
            Ok(Test::Compare {
                kind,
                cmp,
                operand: Operand::Path(path),
            })
        }
        OperatorName::Compare(kind, cmp, false) => {
            let ok = match kind {
                Kind::String => value.is_string(),
                Kind::Numeric => value.is_number(),
                Kind::Boolean => value.is_boolean(),
                Kind::Timestamp => value.as_str().and_then(parse_timestamp).is_some(),
            };
            if !ok {
                let what = match kind {
                    Kind::String => "a string",
                    Kind::Numeric => "a number",
                    Kind::Boolean => "a boolean",
                    Kind::Timestamp => "a timestamp such as 2016-08-18T17:33:00Z",
                };
                return Err(RuleError::at(
                    pointer,
                    format!("The value of '{op}' must be {what}"),
                ));
            }
            Ok(Test::Compare {
                kind,
                cmp,
                operand: Operand::Literal(value.clone()),
            })
        }
    }
}

fn missing_path(path: &JsonPath) -> StatesError {
    StatesError::runtime(format!(
        "Invalid path '{}': The choice state's condition path references an invalid value.",
        path.text()
    ))
}

/// Numbers by value: integers exactly, anything with a fraction as f64.
fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    let int = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (int(a), int(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// Java compares strings by UTF-16 code units; so does AWS.
fn compare_strings(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn compare(kind: Kind, cmp: Cmp, left: &Value, right: &Value) -> bool {
    let ord = match (kind, left, right) {
        (Kind::String, Value::String(a), Value::String(b)) => Some(compare_strings(a, b)),
        (Kind::Numeric, Value::Number(a), Value::Number(b)) => compare_numbers(a, b),
        (Kind::Boolean, Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Kind::Timestamp, Value::String(a), Value::String(b)) => {
            match (parse_timestamp(a), parse_timestamp(b)) {
                (Some(x), Some(y)) => Some(x.cmp(&y)),
                _ => None,
            }
        }
        _ => None,
    };
    ord.is_some_and(|o| cmp.holds(o))
}

fn type_test(test: TypeTest, value: &Value) -> bool {
    match test {
        TypeTest::Present => true,
        TypeTest::Null => value.is_null(),
        TypeTest::Numeric => value.is_number(),
        TypeTest::String => value.is_string(),
        TypeTest::Boolean => value.is_boolean(),
        TypeTest::Timestamp => value.as_str().and_then(parse_timestamp).is_some(),
    }
}

fn eval(node: &Node, scope: &Scope) -> Result<bool, StatesError> {
    match node {
        // Short-circuit like AWS: a later rule's missing path does not matter once decided.
        Node::And(nodes) => {
            for n in nodes {
                if !eval(n, scope)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Node::Or(nodes) => {
            for n in nodes {
                if eval(n, scope)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Node::Not(inner) => Ok(!eval(inner, scope)?),
        Node::Test { variable, test } => {
            // Borrowed from the scope where possible: inputs can be large, rules run often.
            let value = variable.try_select_cow(scope)?;
            if let Test::Is {
                test: TypeTest::Present,
                expected,
            } = test
            {
                return Ok(value.is_some() == *expected);
            }
            let value = value.ok_or_else(|| missing_path(variable))?;
            Ok(match test {
                Test::Is { test, expected } => type_test(*test, &value) == *expected,
                Test::Matches(pattern) => value.as_str().is_some_and(|s| pattern.is_match(s)),
                Test::Compare { kind, cmp, operand } => match operand {
                    Operand::Literal(lit) => compare(*kind, *cmp, &value, lit),
                    Operand::Path(path) => {
                        let other = path
                            .try_select_cow(scope)?
                            .ok_or_else(|| missing_path(path))?;
                        compare(*kind, *cmp, &value, &other)
                    }
                },
            })
        }
    }
}

impl ChoiceRule {
    pub fn parse(rule: &Value) -> Result<Self, String> {
        Self::parse_detailed(rule).map_err(|e| e.to_string())
    }

    /// Like [`ChoiceRule::parse`], with the location of the problem inside the rule.
    pub fn parse_detailed(rule: &Value) -> Result<Self, RuleError> {
        Ok(Self {
            node: parse_node(rule, true)?,
        })
    }

    /// Whether the rule matches. Errors (e.g. an invalid path in `Variable`) use AWS's names.
    pub fn evaluate(&self, scope: &Scope) -> Result<bool, StatesError> {
        eval(&self.node, scope)
    }
}

/// Evaluates a Choice state's rules in order and returns the `Next` of the first that matches,
/// or `Ok(None)` when none does (the caller then takes `Default` or fails with
/// `States.NoChoiceMatched`). Rules must have been parsed from `choices` (same order).
pub fn first_match<'a>(
    rules: &[ChoiceRule],
    choices: &'a [Value],
    scope: &Scope,
) -> Result<Option<&'a str>, StatesError> {
    for (rule, raw) in rules.iter().zip(choices) {
        if rule.evaluate(scope)? {
            return Ok(raw.get("Next").and_then(Value::as_str));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
