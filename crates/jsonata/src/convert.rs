//! Between `serde_json` values and jsonata-core's, the way JavaScript's JSON does it.

use crate::Outcome;
use jsonata_core::value::{JArray, JValue};
use stepwise_json::{Map, Number, Value};

/// Converts a JSON value for evaluation (once; the result is cheap to clone).
pub fn from_json(value: &Value) -> JValue {
    match value {
        Value::Null => JValue::Null,
        Value::Bool(b) => JValue::Bool(*b),
        Value::Number(n) => JValue::Number(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => JValue::string(s.as_str()),
        Value::Array(items) => {
            let flat = !items.iter().any(Value::is_array);
            JValue::Array(JArray::new_flat(
                items.iter().map(from_json).collect(),
                flat,
            ))
        }
        Value::Object(map) => JValue::object(
            map.iter()
                .map(|(k, v)| (k.to_string(), from_json(v)))
                .collect(),
        ),
    }
}

/// The JSON form of an evaluated value, as `JSON.stringify` gives it: `None` for undefined and
/// for functions, fields holding either left out, `null` for them inside arrays.
pub fn to_json(value: &JValue) -> Option<Value> {
    match value {
        JValue::Undefined | JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex(_) => None,
        JValue::Null => Some(Value::Null),
        JValue::Bool(b) => Some(Value::Bool(*b)),
        JValue::Number(n) => Some(number(*n)),
        JValue::String(s) => Some(Value::String(String::from(&**s))),
        JValue::Array(items) => Some(Value::Array(
            items
                .iter()
                .map(|v| to_json(v).unwrap_or(Value::Null))
                .collect(),
        )),
        JValue::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map.iter() {
                if let Some(v) = to_json(v) {
                    out.insert(k.as_str().into(), v);
                }
            }
            Some(Value::Object(out))
        }
    }
}

pub(crate) fn outcome(value: &JValue) -> Outcome {
    match value {
        JValue::Undefined => Outcome::Undefined,
        JValue::Lambda(_) | JValue::Builtin { .. } | JValue::Regex(_) => Outcome::Function,
        other => to_json(other).map_or(Outcome::Undefined, Outcome::Value),
    }
}

/// A number as JavaScript writes it in JSON: integral values without a fraction (`858383`, not
/// `858383.0`), non-finite ones as `null`.
pub fn number(n: f64) -> Value {
    if !n.is_finite() {
        return Value::Null;
    }
    if n.fract() == 0.0 {
        // Exactly representable range of i64/u64; beyond it the float prints in exponent form,
        // as JavaScript does from 1e21 on.
        if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n) {
            return Value::Number((n as i64).into());
        }
        if n > 0.0 && n < 18_446_744_073_709_551_616.0 {
            return Value::Number((n as u64).into());
        }
    }
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}
