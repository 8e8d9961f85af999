//! JSONata for Step Functions behind a small interface of our own: compile once, evaluate with
//! bindings and an environment that supplies the clock and randomness.
//!
//! The language itself comes from the `jsonata-core` crate. This layer makes it fit a
//! deterministic simulator that also runs in the browser:
//! - `$now()`, `$millis()`, `$random()` and `$shuffle()` read [`Env`], never the wall clock or
//!   the OS generator;
//! - runaway recursion ends with error `U1001` after a bounded evaluation depth, without any
//!   wall-clock timeout (which would make results depend on machine speed);
//! - results follow JavaScript's JSON: integral numbers are JSON integers, `$sum`/`$average`
//!   add left to right as JavaScript does;
//! - errors carry the JSONata code (`T2001`, `D3030`, ...) apart from the message;
//! - the host may add functions (`$uuid`, `$partition`, ...) or withdraw built-ins ([`Functions`]).

// One reviewed block in host.rs lends the environment out; nothing else may be unsafe.
#![deny(unsafe_code)]

pub mod aws;
pub mod budget;
mod convert;
mod guard;
mod host;
pub mod wire;

use jsonata_core::ast::AstNode;
use jsonata_core::evaluator::{Context, Evaluator, EvaluatorError, EvaluatorOptions};
use jsonata_core::parser::{self, ParserError};
use stepwise_json::{Map, Value};

pub use budget::Budget;
pub use convert::{from_json, number as number_value, to_json};
pub use host::{lend_env, with_lent_env, Functions, HostFunction};
pub use jsonata_core::value::JValue;

/// A JSONata error with its code (`S0201`, `T2001`, `D3030`, `U1001`, ...) kept apart from the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: String,
    pub message: String,
    pub position: Option<usize>,
}

impl Error {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            position: None,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// What an evaluation may read from the host: never the wall clock, never OS randomness.
pub struct Env<'a> {
    /// Milliseconds since the Unix epoch (`$now()`, `$millis()`).
    pub now_millis: i64,
    /// Uniform floats in `[0, 1)` (`$random()`), and the source of `$uuid()`.
    pub random: &'a mut dyn FnMut() -> f64,
}

/// The result of an evaluation, with JSONata's two values that JSON lacks kept apart.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// No value at all (JavaScript's `undefined`).
    Undefined,
    /// A function (lambda or built-in), which has no JSON form.
    Function,
    Value(Value),
}

impl Outcome {
    /// The JSON value, `None` for undefined and for a function (which JSON cannot hold either).
    pub fn into_value(self) -> Option<Value> {
        match self {
            Outcome::Value(v) => Some(v),
            Outcome::Undefined | Outcome::Function => None,
        }
    }
}

/// Evaluation depth (nested evaluation levels, about three per non-tail recursive call) past
/// which an evaluation fails with `U1001`. The same everywhere, so an expression that works in
/// the CLI works in the browser: there the stack cannot grow, and a debug build under Node
/// exhausts V8's call stack between 400 and 800 levels (`tests/wasm.rs`).
pub const DEFAULT_MAX_DEPTH: usize = 400;

/// Calls of tail-calling functions (the only ones that can loop without deepening the
/// evaluation) past which an evaluation fails with `U1001`.
pub const DEFAULT_MAX_TAIL_CALLS: u64 = 1_000_000;

/// A compiled expression.
pub struct Expression {
    text: String,
    ast: AstNode,
    /// Which `$name`s the text mentions: bindings and host functions are installed only for
    /// those, which keeps each evaluation cheap.
    names: Names,
    /// Whether the tree counts calls of tail-calling functions (see `guard`).
    counted: bool,
}

impl std::fmt::Debug for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expression")
            .field("text", &self.text)
            .finish()
    }
}

impl Expression {
    pub fn compile(text: &str) -> Result<Self, Error> {
        let mut ast = parser::parse(text).map_err(parse_error)?;
        let counted = guard::instrument(&mut ast);
        Ok(Self {
            text: text.to_owned(),
            ast,
            names: Names::of(text),
            counted,
        })
    }

    /// The source text this expression was compiled from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True if the text mentions `$name` (a variable or function reference, or the same
    /// characters inside a string literal). Lets a caller skip preparing a binding it will not need.
    pub fn mentions(&self, name: &str) -> bool {
        self.names.mentions(name)
    }

    /// Evaluates against `input` (`None`: no input at all, JavaScript's `undefined`) with `bindings`
    /// as `$name` variables. `Ok(None)` means the result is undefined (a function result, which
    /// JSON cannot hold, also gives `None`).
    pub fn evaluate(
        &self,
        input: Option<&Value>,
        bindings: &Map,
        env: &mut Env,
    ) -> Result<Option<Value>, Error> {
        let input = input.map(from_json);
        let bindings: Vec<(&str, JValue)> = bindings
            .iter()
            .filter(|(name, _)| self.mentions(name))
            .map(|(name, value)| (name.as_str(), from_json(value)))
            .collect();
        let bound: Vec<(&str, &JValue)> = bindings.iter().map(|(n, v)| (*n, v)).collect();
        self.evaluate_prepared(input.as_ref(), &bound, env, &Functions::standard())
            .map(Outcome::into_value)
    }

    /// Evaluates with values already converted by [`from_json`] (convert a large input once and
    /// evaluate many expressions against it) and with the host's own `functions`.
    pub fn evaluate_prepared(
        &self,
        input: Option<&JValue>,
        bindings: &[(&str, &JValue)],
        env: &mut Env,
        functions: &Functions,
    ) -> Result<Outcome, Error> {
        let mut context = Context::new();
        for (name, value) in bindings {
            context.bind((*name).to_owned(), (*value).clone());
        }
        let budget = budget::current();
        let options = EvaluatorOptions {
            max_stack_depth: Some(functions.max_depth()),
            budget: Some(budget),
            // jsonata-core's own `$now()`/`$millis()`/`$toMillis` read this, the same instant
            // our overrides in `host` read: no evaluation sees a wall clock.
            now_millis: Some(env.now_millis),
            ..Default::default()
        };
        let mut evaluator = Evaluator::with_options(context, options);
        let data = input.cloned().unwrap_or(JValue::Undefined);
        if self.counted {
            let budget = functions.max_tail_calls();
            let calls = std::cell::Cell::new(0u64);
            evaluator
                .register_fn_override(guard::STEP_FUNCTION, move |_: &[JValue]| {
                    let made = calls.get() + 1;
                    calls.set(made);
                    if made > budget {
                        return Err(EvaluatorError::EvaluationError(format!(
                            "U1001: Expression evaluation made more than {budget} tail calls: \
                             Check for infinite loop"
                        )));
                    }
                    Ok(JValue::Bool(true))
                })
                .map_err(evaluation_error)?;
        }
        let result = host::with_env(env, |slot| {
            functions.install(&mut evaluator, slot, |name| self.mentions(name))?;
            evaluator
                .evaluate(&self.ast, &data)
                .map_err(evaluation_error)
        })?;
        Ok(convert::outcome(&result))
    }
}

/// The `$name`s an expression's text mentions, known without compiling it (a host whose
/// evaluator runs elsewhere sends only the bindings an expression mentions).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names(Vec<String>);

impl Names {
    pub fn of(text: &str) -> Self {
        Self(variable_names(text))
    }

    /// True if the text mentions `$name` (a variable or function reference, or the same
    /// characters inside a string literal), or `$eval` (which could reach any name).
    pub fn mentions(&self, name: &str) -> bool {
        self.0.iter().any(|n| n == name) || self.0.iter().any(|n| n == "eval")
    }
}

/// The `$name` tokens of `text` (without the `$`), sorted and deduplicated.
fn variable_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '$' {
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while let Some(&(j, d)) = chars.peek() {
            if d.is_alphanumeric() || d == '_' {
                end = j + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        if end > start {
            names.push(text[start..end].to_owned());
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Finds the JSONata code in `text` (`"T2001: message"`, or after a prefix such as
/// `"Invalid syntax: T1006: message"`) and splits it from the message; `fallback` when none.
fn split_code(text: &str, fallback: &str) -> Error {
    let bytes = text.as_bytes();
    let at = (0..bytes.len().saturating_sub(5)).find(|&i| {
        (i == 0 || bytes[i - 1] == b' ')
            && bytes[i].is_ascii_uppercase()
            && bytes[i + 1..i + 5].iter().all(u8::is_ascii_digit)
            && bytes[i + 5] == b':'
    });
    let mut error = match at {
        Some(i) => Error::new(&text[i..i + 5], text[i + 6..].trim_start()),
        None => Error::new(fallback, text),
    };
    if let Some((_, text)) = REFERENCE_MESSAGES
        .iter()
        .find(|(code, _)| *code == error.code)
    {
        error.message = (*text).to_owned();
    }
    error
}

fn parse_error(e: ParserError) -> Error {
    if matches!(e, ParserError::UnclosedComment) {
        return Error::new("S0106", "Comment has no closing tag");
    }
    // Every syntax error the parser reports without a code of its own is, in jsonata-js terms,
    // a token it did not expect (S0201).
    split_code(&e.to_string(), "S0201")
}

/// jsonata-js's wording for errors whose text has no variable part, where jsonata-core words
/// them differently: hosts quote these messages (Step Functions puts them in error causes).
const REFERENCE_MESSAGES: &[(&str, &str)] = &[
    ("T1006", "Attempted to invoke a non-function"),
    ("T1008", "Attempted to partially apply a non-function"),
    (
        "T2003",
        "The left side of the range operator (..) must evaluate to an integer",
    ),
    (
        "T2004",
        "The right side of the range operator (..) must evaluate to an integer",
    ),
    (
        "D3010",
        "Second argument of replace function cannot be an empty string",
    ),
    (
        "D3138",
        "The $single() function expected exactly 1 matching result.  Instead it matched more.",
    ),
    (
        "D3139",
        "The $single() function expected exactly 1 matching result.  Instead it matched 0.",
    ),
];

pub(crate) fn evaluation_error(e: EvaluatorError) -> Error {
    let error = split_code(e.message(), "D3001");
    let too_deep = error.code == "D1011"
        || error.code == "U1001" && error.message.starts_with("Stack overflow");
    if too_deep {
        // The depth guard: reported as jsonata-js's reference test harness does.
        return Error::new(
            "U1001",
            "Stack overflow error: Check for non-terminating recursive function. \
             Consider rewriting as tail-recursive.",
        );
    }
    error
}

#[cfg(test)]
mod tests;
