//! What crosses between a host and an evaluator that runs in another wasm module.
//!
//! The site loads the evaluator as a second module (`crates/jsonata-wasm`), so that the main
//! module does not carry it: the host sends an evaluation request as bytes and reads the outcome
//! back. Values travel losslessly (every JSON number keeps its exact form: unsigned, signed or
//! float), so the evaluator converts them with the same [`from_json`] and [`to_json`] as a host
//! that links it directly, and both give the same answers. The only thing the evaluator asks of
//! the host during an evaluation is a random draw (see [`serve_evaluate`]).
//!
//! The host side ([`evaluation_request`], [`read_outcome`], [`read_check`]) uses no part of
//! jsonata-core, so a module that only sends requests does not link the evaluator.

use crate::budget::{self, Budget};
use crate::convert::from_json;
use crate::{Env, Error, Expression, Functions, JValue, Outcome};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use stepwise_json::{Map, Number, Value};

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const UNSIGNED: u8 = 3;
const SIGNED: u8 = 4;
const FLOAT: u8 = 5;
const STRING: u8 = 6;
const ARRAY: u8 = 7;
const OBJECT: u8 = 8;

const OUT_VALUE: u8 = 0;
const OUT_UNDEFINED: u8 = 1;
const OUT_FUNCTION: u8 = 2;
const OUT_ERROR: u8 = 3;

/// A value written for [`evaluation_request`]: a host writes each binding once and sends it with
/// every expression that mentions it (as a linked host converts it once per template).
#[derive(Clone, Debug, PartialEq)]
pub struct Encoded(Vec<u8>);

impl Encoded {
    pub fn new(value: &Value) -> Self {
        let mut out = Vec::new();
        put_value(&mut out, value);
        Self(out)
    }
}

/// An evaluation of `text` with `bindings` as `$name` variables, no input document (as Step
/// Functions evaluates), the clock at `now_millis`, under `budget`.
pub fn evaluation_request(
    text: &str,
    bindings: &[(&str, &Encoded)],
    now_millis: i64,
    budget: Budget,
) -> Vec<u8> {
    let size: usize = bindings.iter().map(|(n, v)| 8 + n.len() + v.0.len()).sum();
    let mut out = Vec::with_capacity(40 + text.len() + size);
    put_str(&mut out, text);
    out.extend_from_slice(&now_millis.to_le_bytes());
    out.extend_from_slice(&budget.max_steps.to_le_bytes());
    out.extend_from_slice(&budget.max_bytes.to_le_bytes());
    out.extend_from_slice(&budget.max_value_depth.to_le_bytes());
    put_len(&mut out, bindings.len());
    for (name, value) in bindings {
        put_str(&mut out, name);
        out.extend_from_slice(&value.0);
    }
    out
}

/// The outcome an evaluator answered to [`evaluation_request`].
pub fn read_outcome(bytes: &[u8]) -> Result<Outcome, Error> {
    let mut reader = Reader { bytes, at: 0 };
    let outcome = match reader.byte()? {
        OUT_VALUE => Outcome::Value(reader.value()?),
        OUT_UNDEFINED => Outcome::Undefined,
        OUT_FUNCTION => Outcome::Function,
        OUT_ERROR => return Err(reader.error()?),
        _ => return Err(malformed()),
    };
    reader.end()?;
    Ok(outcome)
}

/// The answer of an evaluator to a syntax check ([`serve_check`]).
pub fn read_check(bytes: &[u8]) -> Result<(), Error> {
    let mut reader = Reader { bytes, at: 0 };
    match reader.byte()? {
        OUT_UNDEFINED => reader.end(),
        OUT_ERROR => Err(reader.error()?),
        _ => Err(malformed()),
    }
}

/// Compiles `text` (the syntax check a validator makes) and answers whether it compiled.
pub fn serve_check(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    match compiled(text) {
        Ok(_) => out.push(OUT_UNDEFINED),
        Err(e) => put_error(&mut out, &e),
    }
    out
}

/// Evaluates an [`evaluation_request`] with Step Functions' functions ([`crate::aws`]) and
/// answers its outcome. `draw` is the host's random source (`$random()`, `$uuid()`,
/// `$shuffle()`); a NaN from it means the host had no evaluation in progress, which fails this
/// one rather than answer with a made-up number.
pub fn serve_evaluate(request: &[u8], draw: &mut dyn FnMut() -> f64) -> Vec<u8> {
    let mut out = Vec::new();
    match evaluate(request, draw) {
        Ok(Outcome::Value(v)) => {
            out.push(OUT_VALUE);
            put_value(&mut out, &v);
        }
        Ok(Outcome::Undefined) => out.push(OUT_UNDEFINED),
        Ok(Outcome::Function) => out.push(OUT_FUNCTION),
        Err(e) => put_error(&mut out, &e),
    }
    out
}

/// Compiled expressions kept by text, as a host linking the evaluator keeps them: emptied when
/// it grows past this many (generated texts cannot grow it forever).
const CACHE_LIMIT: usize = 2048;

thread_local! {
    static CACHE: RefCell<HashMap<String, Rc<Expression>>> = RefCell::new(HashMap::new());
    static AWS: Functions = crate::aws::functions();
}

fn compiled(text: &str) -> Result<Rc<Expression>, Error> {
    if let Some(found) = CACHE.with(|c| c.borrow().get(text).cloned()) {
        return Ok(found);
    }
    let expression = Rc::new(Expression::compile(text)?);
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(text.to_owned(), Rc::clone(&expression));
    });
    Ok(expression)
}

fn evaluate(request: &[u8], draw: &mut dyn FnMut() -> f64) -> Result<Outcome, Error> {
    let mut reader = Reader {
        bytes: request,
        at: 0,
    };
    let text = reader.string()?;
    let now_millis = reader.i64()?;
    let budget = Budget {
        max_steps: reader.u64()?,
        max_bytes: reader.u64()?,
        max_value_depth: reader.u32()?,
    };
    let count = reader.len()?;
    let mut bindings: Vec<(String, JValue)> = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let name = reader.string()?;
        let value = reader.value()?;
        bindings.push((name, from_json(&value)));
    }
    reader.end()?;
    let expression = compiled(&text)?;
    let bound: Vec<(&str, &JValue)> = bindings.iter().map(|(n, v)| (n.as_str(), v)).collect();
    let mut host_failed = false;
    let mut random = || {
        let x = draw();
        if x.is_nan() {
            host_failed = true;
            return 0.0;
        }
        x
    };
    let mut env = Env {
        now_millis,
        random: &mut random,
    };
    let outcome = budget::scoped(budget, || {
        AWS.with(|functions| expression.evaluate_prepared(None, &bound, &mut env, functions))
    });
    if host_failed {
        return Err(Error::new(
            "D3001",
            "the host had no evaluation in progress to draw random numbers for",
        ));
    }
    outcome
}

fn malformed() -> Error {
    Error::new("D3001", "malformed message between the wasm modules")
}

fn put_len(out: &mut Vec<u8>, len: usize) {
    out.extend_from_slice(&(len as u32).to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_len(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

fn put_error(out: &mut Vec<u8>, e: &Error) {
    out.push(OUT_ERROR);
    put_str(out, &e.code);
    put_str(out, &e.message);
    match e.position {
        Some(at) => {
            out.push(1);
            out.extend_from_slice(&(at as u64).to_le_bytes());
        }
        None => out.push(0),
    }
}

/// A value, recursively: values reach here already built (at most as deep as the budget's
/// value depth), so the recursion is as deep as the conversions that follow it.
fn put_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(NULL),
        Value::Bool(false) => out.push(FALSE),
        Value::Bool(true) => out.push(TRUE),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push(UNSIGNED);
                out.extend_from_slice(&u.to_le_bytes());
            } else if let Some(i) = n.as_i64() {
                out.push(SIGNED);
                out.extend_from_slice(&i.to_le_bytes());
            } else {
                out.push(FLOAT);
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_le_bytes());
            }
        }
        Value::String(s) => {
            out.push(STRING);
            put_str(out, s);
        }
        Value::Array(items) => {
            out.push(ARRAY);
            put_len(out, items.len());
            for item in items.iter() {
                put_value(out, item);
            }
        }
        Value::Object(map) => {
            out.push(OBJECT);
            put_len(out, map.len());
            for (key, item) in map.iter() {
                put_str(out, key);
                put_value(out, item);
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        let end = self.at.checked_add(n).ok_or_else(malformed)?;
        let slice = self.bytes.get(self.at..end).ok_or_else(malformed)?;
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        self.take(N)?.try_into().map_err(|_| malformed())
    }

    fn byte(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn i64(&mut self) -> Result<i64, Error> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    fn len(&mut self) -> Result<usize, Error> {
        let len = self.u32()? as usize;
        // Every item takes at least one byte: a length beyond what is left is malformed (and
        // must not reserve memory for it).
        if len > self.bytes.len() - self.at {
            return Err(malformed());
        }
        Ok(len)
    }

    fn string(&mut self) -> Result<String, Error> {
        let len = self.len()?;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| malformed())
    }

    fn value(&mut self) -> Result<Value, Error> {
        Ok(match self.byte()? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            UNSIGNED => Value::Number(Number::from(self.u64()?)),
            SIGNED => Value::Number(Number::from(self.i64()?)),
            FLOAT => {
                let f = f64::from_le_bytes(self.array()?);
                Value::Number(Number::from_f64(f).ok_or_else(malformed)?)
            }
            STRING => Value::String(self.string()?),
            ARRAY => {
                let len = self.len()?;
                let mut items = Vec::with_capacity(len);
                for _ in 0..len {
                    items.push(self.value()?);
                }
                Value::Array(items.into())
            }
            OBJECT => {
                let len = self.len()?;
                let mut map = Map::with_capacity(len);
                for _ in 0..len {
                    let key = self.string()?;
                    let item = self.value()?;
                    map.insert(key.into(), item);
                }
                Value::Object(map)
            }
            _ => return Err(malformed()),
        })
    }

    fn error(&mut self) -> Result<Error, Error> {
        let code = self.string()?;
        let message = self.string()?;
        let position = match self.byte()? {
            0 => None,
            1 => Some(self.u64()? as usize),
            _ => return Err(malformed()),
        };
        self.end()?;
        Ok(Error {
            code,
            message,
            position,
        })
    }

    fn end(&self) -> Result<(), Error> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err(malformed())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepwise_json::json;

    fn roundtrip(value: &Value) -> Value {
        let mut out = Vec::new();
        put_value(&mut out, value);
        let mut reader = Reader { bytes: &out, at: 0 };
        let back = reader.value().unwrap();
        reader.end().unwrap();
        back
    }

    #[test]
    fn values_cross_unchanged_numbers_included() {
        let value = json!({
            "z": [null, true, false, "text ✓", {}, []],
            "a": {"big": u64::MAX, "neg": i64::MIN, "float": 0.1, "tiny": 5e-324, "int": 7},
        });
        let back = roundtrip(&value);
        assert_eq!(back, value);
        assert_eq!(
            back.to_string(),
            value.to_string(),
            "key order and number forms"
        );
        assert!(back["a"]["big"].is_u64() && back["a"]["neg"].is_i64());
        assert!(back["a"]["float"].is_f64());
    }

    fn draws() -> impl FnMut() -> f64 {
        let mut next = [0.25, 0.5, 0.75].into_iter().cycle();
        move || next.next().unwrap()
    }

    /// Through the wire, as the second module answers, against the evaluator called directly.
    fn both_ways(
        text: &str,
        bindings: &[(&str, &Value)],
    ) -> (Result<Outcome, Error>, Result<Outcome, Error>) {
        let budget = budget::current();
        let encoded: Vec<(&str, Encoded)> = bindings
            .iter()
            .map(|(n, v)| (*n, Encoded::new(v)))
            .collect();
        let sent: Vec<(&str, &Encoded)> = encoded.iter().map(|(n, v)| (*n, v)).collect();
        let request = evaluation_request(text, &sent, 1_700_000_000_123, budget);
        let wired = read_outcome(&serve_evaluate(&request, &mut draws()));
        let mut random = draws();
        let mut env = Env {
            now_millis: 1_700_000_000_123,
            random: &mut random,
        };
        let converted: Vec<(&str, JValue)> =
            bindings.iter().map(|(n, v)| (*n, from_json(v))).collect();
        let bound: Vec<(&str, &JValue)> = converted.iter().map(|(n, v)| (*n, v)).collect();
        let direct = Expression::compile(text)
            .and_then(|e| e.evaluate_prepared(None, &bound, &mut env, &crate::aws::functions()));
        (wired, direct)
    }

    #[test]
    fn the_wire_answers_as_the_evaluator_does() {
        let states =
            json!({"input": {"list": [3, 1, 2], "n": 1.5, "big": 12345678901234567890u64}});
        let texts = [
            "$states.input.list ~> $sort()",
            "$states.input.n * 2",
            "$states.input.big",
            "[$random(), $uuid(), $shuffle([1, 2, 3])]",
            "$now()",
            "$millis()",
            "$partition($states.input.list, 2)",
            "$hash('hello', 'SHA-256')",
            "$random(42)",
            "$parse('{\"a\": 1.0}')",
            "$nothing",
            "function($x) { $x }",
            "1 +",
            "'a' + 1",
            "$eval('1')",
            "[1..10000] ~> $count()",
        ];
        for text in texts {
            let (wired, direct) = both_ways(text, &[("states", &states)]);
            assert_eq!(wired, direct, "{text}");
        }
    }

    #[test]
    fn the_budget_travels_with_the_request() {
        let tight = Budget {
            max_steps: 1000,
            ..budget::current()
        };
        let request = evaluation_request("[1..100000] ~> $count()", &[], 0, tight);
        let e = read_outcome(&serve_evaluate(&request, &mut draws())).unwrap_err();
        assert_eq!(e.code, "U1004", "{e}");
    }

    #[test]
    fn a_host_without_an_evaluation_in_progress_fails_the_draw() {
        let request = evaluation_request("$random()", &[], 0, budget::current());
        let e = read_outcome(&serve_evaluate(&request, &mut || f64::NAN)).unwrap_err();
        assert_eq!(e.code, "D3001");
        let request = evaluation_request("1 + 1", &[], 0, budget::current());
        let ok = read_outcome(&serve_evaluate(&request, &mut || f64::NAN)).unwrap();
        assert_eq!(ok, Outcome::Value(json!(2)));
    }

    #[test]
    fn syntax_checks_answer_the_compilers_error() {
        assert_eq!(read_check(&serve_check("$x + 1")), Ok(()));
        let direct = Expression::compile("1 +").unwrap_err();
        assert_eq!(read_check(&serve_check("1 +")), Err(direct));
    }

    #[test]
    fn malformed_messages_are_errors_not_panics() {
        let x = Encoded::new(&json!([1, {"a": "b"}]));
        let request = evaluation_request("$x", &[("x", &x)], 0, budget::current());
        for cut in 0..request.len() {
            let answer = read_outcome(&serve_evaluate(&request[..cut], &mut draws()));
            assert_eq!(answer.unwrap_err().code, "D3001", "cut at {cut}");
        }
        assert!(read_outcome(&[9]).is_err());
        assert!(read_outcome(&[OUT_VALUE, ARRAY, 255, 255, 255, 255]).is_err());
        assert!(read_check(&[]).is_err());
    }
}
