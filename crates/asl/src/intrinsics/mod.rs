//! Intrinsic functions (`States.Format(...)`, `States.Array(...)`, ...).
//!
//! A call is parsed once into a tree ([`Intrinsic::parse`]) whose paths are compiled
//! [`JsonPath`]s and whose literal States.Format templates are already split into pieces.

mod functions;
mod parse;

use crate::{
    error::{names, StatesError},
    path::JsonPath,
    scope::{Random, Scope},
};
use stepwise_json::Value;

/// A parsed intrinsic function call, compiled once and evaluated many times.
#[derive(Clone, Debug)]
pub struct Intrinsic {
    text: String,
    call: Call,
}

#[derive(Clone, Debug)]
pub(crate) struct Call {
    func: Function,
    args: Vec<Arg>,
    /// States.Format's template, split at parse time when it is a literal.
    format: Option<Vec<Piece>>,
}

#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Lit(Value),
    /// `value` is the string without its escapes; `raw` keeps `\{`, `\}` and `\\` for States.Format.
    Str {
        value: Value,
        raw: String,
    },
    Path(JsonPath),
    Call(Box<Call>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    Text(String),
    Hole,
}

/// Every intrinsic AWS offers in JSONPath states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

impl Function {
    const ALL: [(&'static str, Function); 18] = [
        ("States.Format", Function::Format),
        ("States.StringToJson", Function::StringToJson),
        ("States.JsonToString", Function::JsonToString),
        ("States.Array", Function::Array),
        ("States.ArrayPartition", Function::ArrayPartition),
        ("States.ArrayContains", Function::ArrayContains),
        ("States.ArrayRange", Function::ArrayRange),
        ("States.ArrayGetItem", Function::ArrayGetItem),
        ("States.ArrayLength", Function::ArrayLength),
        ("States.ArrayUnique", Function::ArrayUnique),
        ("States.Base64Encode", Function::Base64Encode),
        ("States.Base64Decode", Function::Base64Decode),
        ("States.Hash", Function::Hash),
        ("States.JsonMerge", Function::JsonMerge),
        ("States.MathRandom", Function::MathRandom),
        ("States.MathAdd", Function::MathAdd),
        ("States.StringSplit", Function::StringSplit),
        ("States.UUID", Function::Uuid),
    ];

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map_or("States.?", |(n, _)| n)
    }

    /// Smallest and largest number of arguments (`None`: no upper bound).
    fn arity(self) -> (usize, Option<usize>) {
        use Function::*;
        match self {
            Format => (1, None),
            Array => (0, None),
            Uuid => (0, Some(0)),
            StringToJson | JsonToString | ArrayLength | ArrayUnique | Base64Encode
            | Base64Decode => (1, Some(1)),
            ArrayPartition | ArrayContains | ArrayGetItem | Hash | MathAdd | StringSplit => {
                (2, Some(2))
            }
            ArrayRange | JsonMerge => (3, Some(3)),
            MathRandom => (2, Some(3)),
        }
    }
}

/// Why an evaluation failed, before it is worded for the field it happened in.
#[derive(Debug)]
pub(crate) enum EvalError {
    /// A definite path argument selected nothing.
    PathNotFound(String),
    /// A function rejected its arguments (`States.IntrinsicFailure`).
    Failure(String),
    /// What a function would copy or write passes the evaluation budget (`States.DataLimitExceeded`).
    DataLimit(String),
}

impl EvalError {
    /// AWS's error for this failure inside the payload field `field` (e.g. `a.$`).
    pub(crate) fn into_states_error(self, field: Option<&str>, scope: &Scope) -> StatesError {
        match self {
            EvalError::PathNotFound(path) => {
                StatesError::runtime(path_not_found_cause(&path, field, scope.input))
            }
            EvalError::Failure(msg) => StatesError::new(names::INTRINSIC_FAILURE, msg),
            EvalError::DataLimit(msg) => StatesError::new(names::DATA_LIMIT_EXCEEDED, msg),
        }
    }
}

/// AWS's cause when a path in a field selects nothing (payload `.$` fields, ErrorPath,
/// CausePath, intrinsic arguments): `The JSONPath '$.x' specified for the field 'x.$' could not
/// be found in the input '{"a":1}'` (the state's input as compact JSON).
pub fn path_not_found_cause(path: &str, field: Option<&str>, input: &Value) -> String {
    let input = input.to_json_string();
    match field {
        Some(f) => format!("The JSONPath '{path}' specified for the field '{f}' could not be found in the input '{input}'"),
        None => format!("The JSONPath '{path}' could not be found in the input '{input}'"),
    }
}

impl Intrinsic {
    /// Parses a call such as `States.Format('{} {}', $.a, States.Array(1, 2))`.
    pub fn parse(text: &str) -> Result<Self, String> {
        Ok(Self {
            text: text.to_owned(),
            call: parse::parse(text)?,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The outermost function called.
    pub fn function(&self) -> Function {
        self.call.func
    }

    pub fn evaluate(&self, scope: &Scope, rng: &mut dyn Random) -> Result<Value, StatesError> {
        self.evaluate_in_field(None, scope, rng)
    }

    /// As [`evaluate`](Self::evaluate), naming the payload field (`x.$`) in error causes.
    pub fn evaluate_in_field(
        &self,
        field: Option<&str>,
        scope: &Scope,
        rng: &mut dyn Random,
    ) -> Result<Value, StatesError> {
        crate::meter::metered(|| functions::eval_call(&self.call, scope, rng))
            .map_err(|e| e.into_states_error(field, scope))
    }
}

/// True when a `.$` field's value is an intrinsic call rather than a path.
pub fn looks_like_intrinsic(text: &str) -> bool {
    text.trim_start().starts_with("States.")
}

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod tests;
