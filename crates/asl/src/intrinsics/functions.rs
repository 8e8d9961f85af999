//! What each intrinsic does with its arguments, following the Step Functions developer guide's
//! argument rules. Failures are `States.IntrinsicFailure` with a cause naming the function.

use super::{parse::format_pieces, Arg, Call, EvalError, Function, Piece};
use crate::scope::{uuid_v4, Random, Scope};
use base64::Engine as _;
use std::borrow::Cow;
use stepwise_json::{Map, Number, Value};

/// Strings that Base64Encode/Base64Decode/Hash accept, in characters.
const MAX_STRING_CHARS: usize = 10_000;
/// Items States.ArrayRange may produce.
const MAX_RANGE_ITEMS: i64 = 1000;

type Res<T> = Result<T, EvalError>;

fn fail<T>(func: Function, msg: impl std::fmt::Display) -> Res<T> {
    Err(EvalError::Failure(format!(
        "Invalid arguments in {}: {msg}",
        func.name()
    )))
}

fn arg_value<'a>(arg: &'a Arg, scope: &Scope<'a>, rng: &mut dyn Random) -> Res<Cow<'a, Value>> {
    match arg {
        Arg::Lit(v) => Ok(Cow::Borrowed(v)),
        Arg::Str { value, .. } => Ok(Cow::Borrowed(value)),
        Arg::Path(p) => {
            let value = p
                .try_select_cow(scope)
                .map_err(|e| EvalError::DataLimit(e.cause.unwrap_or_default()))?
                .ok_or_else(|| EvalError::PathNotFound(p.text().to_owned()))?;
            // Text is copied when the argument becomes part of a result; containers are shared.
            crate::meter::charge_selected(value.as_ref(), "The text the intrinsic functions copy")
                .map_err(EvalError::DataLimit)?;
            Ok(value)
        }
        Arg::Call(c) => eval_call(c, scope, rng).map(Cow::Owned),
    }
}

fn ordinal(i: usize) -> &'static str {
    ["first", "second", "third"]
        .get(i)
        .copied()
        .unwrap_or("next")
}

fn want_str<'v>(f: Function, args: &'v [Cow<Value>], i: usize) -> Res<&'v str> {
    match args[i].as_ref() {
        Value::String(s) => Ok(s),
        other => fail(
            f,
            format_args!(
                "the {} argument must be a string, but was {}",
                ordinal(i),
                other.type_name()
            ),
        ),
    }
}

fn want_array<'v>(f: Function, args: &'v [Cow<Value>], i: usize) -> Res<&'v Vec<Value>> {
    match args[i].as_ref() {
        Value::Array(a) => Ok(a),
        other => fail(
            f,
            format_args!(
                "the {} argument must be an array, but was {}",
                ordinal(i),
                other.type_name()
            ),
        ),
    }
}

fn want_object<'v>(f: Function, args: &'v [Cow<Value>], i: usize) -> Res<&'v Map> {
    match args[i].as_ref() {
        Value::Object(o) => Ok(o),
        other => fail(
            f,
            format_args!(
                "the {} argument must be a JSON object, but was {}",
                ordinal(i),
                other.type_name()
            ),
        ),
    }
}

/// An integer argument; a number with a fractional part is refused.
fn want_int(f: Function, args: &[Cow<Value>], i: usize) -> Res<i64> {
    let v = args[i].as_ref();
    if let Some(n) = v.as_i64() {
        return Ok(n);
    }
    match v.as_f64() {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(x as i64),
        _ => fail(
            f,
            format_args!(
                "the {} argument must be an integer, but was {}",
                ordinal(i),
                short(v)
            ),
        ),
    }
}

/// An integer argument where AWS rounds a fractional value to the nearest integer (half up,
/// like Java's Math.round: 1.5 → 2, -1.5 → -1, -0.5 → 0).
fn want_rounded(f: Function, args: &[Cow<Value>], i: usize) -> Res<i64> {
    let v = args[i].as_ref();
    if let Some(n) = v.as_i64() {
        return Ok(n);
    }
    match v.as_f64() {
        Some(x) if x.is_finite() && x.abs() < 9.0e15 => Ok((x + 0.5).floor() as i64),
        _ => fail(
            f,
            format_args!(
                "the {} argument must be a number, but was {}",
                ordinal(i),
                short(v)
            ),
        ),
    }
}

fn short(v: &Value) -> String {
    let text = v.to_json_string();
    if text.chars().count() > 100 {
        format!("{}...", text.chars().take(100).collect::<String>())
    } else {
        text
    }
}

pub(super) fn eval_call(call: &Call, scope: &Scope, rng: &mut dyn Random) -> Res<Value> {
    let mut args = Vec::with_capacity(call.args.len());
    for a in &call.args {
        args.push(arg_value(a, scope, rng)?);
    }
    let f = call.func;
    match f {
        Function::Format => {
            written_within_budget(f, &args)?;
            written(format(call, &args)?)
        }
        Function::StringToJson => {
            let s = want_str(f, &args, 0)?;
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            match serde_json::from_str::<Value>(s) {
                Ok(v) => Ok(normalize_negative_zero(v)),
                Err(e) => fail(f, format_args!("the string is not valid JSON ({e})")),
            }
        }
        Function::JsonToString => {
            written_within_budget(f, &args)?;
            written(Value::String(args[0].to_json_string()))
        }
        Function::Array => Ok(Value::Array(
            args.into_iter().map(Cow::into_owned).collect(),
        )),
        Function::ArrayPartition => {
            let items = want_array(f, &args, 0)?;
            let size = want_int(f, &args, 1)?;
            if size <= 0 {
                return fail(
                    f,
                    format_args!("the chunk size must be a positive integer, but was {size}"),
                );
            }
            Ok(Value::Array(
                items
                    .chunks(size as usize)
                    .map(|c| Value::Array(c.to_vec().into()))
                    .collect(),
            ))
        }
        Function::ArrayContains => {
            let items = want_array(f, &args, 0)?;
            Ok(Value::Bool(items.iter().any(|v| v == args[1].as_ref())))
        }
        Function::ArrayRange => {
            let (start, end, step) = (
                want_int(f, &args, 0)?,
                want_int(f, &args, 1)?,
                want_int(f, &args, 2)?,
            );
            if step == 0 {
                return fail(f, "the step (third argument) cannot be 0");
            }
            let count = if (step > 0 && start <= end) || (step < 0 && start >= end) {
                (end.abs_diff(start) / step.unsigned_abs()).saturating_add(1)
            } else {
                0
            };
            if count > MAX_RANGE_ITEMS as u64 {
                return fail(f, format_args!("the range would have {count} items, more than the {MAX_RANGE_ITEMS} allowed"));
            }
            Ok(Value::Array(
                (0..count as i64)
                    .map(|k| Value::from(start + k * step))
                    .collect(),
            ))
        }
        Function::ArrayGetItem => {
            let items = want_array(f, &args, 0)?;
            let idx = want_int(f, &args, 1)?;
            match usize::try_from(idx).ok().and_then(|i| items.get(i)) {
                Some(v) => Ok(v.clone()),
                None => fail(
                    f,
                    format_args!(
                        "the index {idx} is out of bounds for an array of length {}",
                        items.len()
                    ),
                ),
            }
        }
        Function::ArrayLength => Ok(Value::from(want_array(f, &args, 0)?.len())),
        Function::ArrayUnique => {
            written_within_budget(f, &args)?;
            let items = want_array(f, &args, 0)?;
            // Keyed by a canonical text (sorted keys) so large arrays stay O(n log n).
            let mut seen = std::collections::BTreeSet::new();
            let mut out: Vec<Value> = Vec::with_capacity(items.len());
            for v in items {
                let mut key = String::new();
                canonical(v, &mut key);
                if seen.insert(key) {
                    out.push(v.clone());
                }
            }
            Ok(Value::Array(out.into()))
        }
        Function::Base64Encode => {
            let s = want_str(f, &args, 0)?;
            check_len(f, s)?;
            Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(s.as_bytes()),
            ))
        }
        Function::Base64Decode => {
            let s = want_str(f, &args, 0)?;
            check_len(f, s)?;
            let engine = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            );
            let bytes = match engine.decode(s) {
                Ok(b) => b,
                Err(e) => return fail(f, format_args!("the string is not valid base64 ({e})")),
            };
            match String::from_utf8(bytes) {
                Ok(text) => Ok(Value::String(text)),
                Err(_) => fail(f, "the decoded bytes are not UTF-8 text"),
            }
        }
        Function::Hash => {
            let data = want_str(f, &args, 0)?;
            let algo = want_str(f, &args, 1)?;
            check_len(f, data)?;
            hash(algo, data.as_bytes()).map(Value::String).ok_or_else(|| {
                EvalError::Failure(format!(
                    "Invalid arguments in {}: the hash algorithm '{algo}' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512",
                    f.name()
                ))
            })
        }
        Function::JsonMerge => {
            let a = want_object(f, &args, 0)?;
            let b = want_object(f, &args, 1)?;
            match args[2].as_ref() {
                Value::Bool(false) => {}
                Value::Bool(true) => {
                    return fail(
                        f,
                        "deep merging is not supported: the third argument must be false",
                    )
                }
                other => {
                    return fail(
                        f,
                        format_args!(
                            "the third argument must be a boolean, but was {}",
                            other.type_name()
                        ),
                    )
                }
            }
            let mut out = a.clone();
            for (k, v) in b {
                out.insert(k.clone(), v.clone());
            }
            Ok(Value::Object(out))
        }
        Function::MathRandom => {
            let start = want_rounded(f, &args, 0)?;
            let end = want_rounded(f, &args, 1)?;
            let span = match end.checked_sub(start) {
                Some(s) if s > 0 => s,
                _ => {
                    return fail(
                        f,
                        format_args!("the end ({end}) must be greater than the start ({start})"),
                    )
                }
            };
            let offset = if args.len() == 3 {
                let seed = want_rounded(f, &args, 2)?;
                match i32::try_from(span) {
                    Ok(bound) => i64::from(JavaRandom::new(seed).next_int(bound)),
                    Err(_) => return fail(f, "the range between start and end is too large"),
                }
            } else {
                (rng.next_u64() % span as u64) as i64
            };
            Ok(Value::from(start + offset))
        }
        Function::MathAdd => {
            let a = want_rounded(f, &args, 0)?;
            let b = want_rounded(f, &args, 1)?;
            for v in [a, b] {
                if i32::try_from(v).is_err() {
                    return fail(
                        f,
                        format_args!("{v} is outside the range of a 32-bit integer"),
                    );
                }
            }
            Ok(Value::from(a + b))
        }
        Function::StringSplit => {
            let s = want_str(f, &args, 0)?;
            let delims = want_str(f, &args, 1)?;
            // Every character of the second argument separates tokens and empty tokens are
            // dropped (Java's StringTokenizer): "a,,b" split on "," is ["a", "b"].
            let parts = s
                .split(|c: char| delims.contains(c))
                .filter(|t| !t.is_empty())
                .map(|t| Value::String(t.to_owned()))
                .collect();
            Ok(Value::Array(parts))
        }
        Function::Uuid => Ok(Value::String(uuid_v4(rng))),
    }
}

/// JSON text with object keys sorted: equal values (in serde_json's sense) give equal texts.
fn canonical(v: &Value, out: &mut String) {
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            // An object's keys are unique, so the faster, smaller unstable sort gives the same order.
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                stepwise_json::write_string(k, out);
                out.push(':');
                canonical(item, out);
            }
            out.push('}');
        }
        other => other.write_json(out),
    }
}

/// Refuses arguments whose text would pass the evaluation budget's bytes before writing it:
/// nested calls can repeat one large part of the input many times over (`States.Array` of
/// `States.Array`s), which costs nothing until it is written out.
fn written_within_budget(f: Function, args: &[Cow<Value>]) -> Res<()> {
    let max = crate::meter::max_bytes();
    let mut left = usize::try_from(max).unwrap_or(usize::MAX);
    for arg in args {
        match arg.json_len_within(left) {
            Some(used) => left -= used,
            None => {
                return Err(EvalError::DataLimit(crate::meter::cause(
                    &format!("The text {} would write", f.name()),
                    max,
                )))
            }
        }
    }
    Ok(())
}

/// Counts the text a function wrote against the budget.
fn written(text: Value) -> Res<Value> {
    if let Value::String(s) = &text {
        crate::meter::charge(s.len(), "The text the intrinsic functions write")
            .map_err(EvalError::DataLimit)?;
    }
    Ok(text)
}

fn check_len(f: Function, s: &str) -> Res<()> {
    let n = s.chars().count();
    if n > MAX_STRING_CHARS {
        return fail(
            f,
            format_args!("the string has {n} characters, more than the {MAX_STRING_CHARS} allowed"),
        );
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

fn hash(algo: &str, data: &[u8]) -> Option<String> {
    use sha2::Digest;
    Some(match algo {
        "MD5" => hex(&md5::Md5::digest(data)),
        "SHA-1" => hex(&sha1::Sha1::digest(data)),
        "SHA-256" => hex(&sha2::Sha256::digest(data)),
        "SHA-384" => hex(&sha2::Sha384::digest(data)),
        "SHA-512" => hex(&sha2::Sha512::digest(data)),
        _ => return None,
    })
}

/// `-0` parses as a float -0.0, which would print as `-0.0`; AWS gives `0`.
fn normalize_negative_zero(v: Value) -> Value {
    match v {
        Value::Number(n)
            if n.as_f64() == Some(0.0)
                && n.is_f64()
                && n.as_f64().is_some_and(|x| x.is_sign_negative()) =>
        {
            Value::Number(Number::from(0))
        }
        other => other,
    }
}

fn format(call: &Call, args: &[Cow<Value>]) -> Res<Value> {
    let f = Function::Format;
    let runtime;
    let pieces: &[Piece] = match &call.format {
        Some(p) => p,
        None => {
            let template = want_str(f, args, 0)?;
            runtime = format_pieces(template);
            &runtime
        }
    };
    let holes = pieces.iter().filter(|p| **p == Piece::Hole).count();
    let values = &args[1..];
    if holes != values.len() {
        return fail(
            f,
            format_args!(
                "the template has {holes} placeholder(s) '{{}}' but {} value(s) were given",
                values.len()
            ),
        );
    }
    let mut out = String::new();
    let mut next = values.iter();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Hole => {
                if let Some(v) = next.next() {
                    java_text(v, &mut out);
                }
            }
        }
    }
    Ok(Value::String(out))
}

/// How AWS prints a value inside States.Format: strings bare, objects and arrays the way Java
/// prints maps and lists (`{a=1, b=[x, y]}`).
fn java_text(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_text(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                java_text(item, out);
            }
            out.push('}');
        }
    }
}

/// java.util.Random, so that a seeded States.MathRandom gives the numbers a JVM would.
struct JavaRandom(u64);

impl JavaRandom {
    const MULT: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        Self((seed as u64 ^ Self::MULT) & Self::MASK)
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.0 = (self.0.wrapping_mul(Self::MULT).wrapping_add(0xB)) & Self::MASK;
        (self.0 >> (48 - bits)) as i64 as i32
    }

    fn next_int(&mut self, bound: i32) -> i32 {
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }
}

#[cfg(test)]
pub(super) fn java_random_first_ints(seed: i64, bound: i32, n: usize) -> Vec<i32> {
    let mut r = JavaRandom::new(seed);
    (0..n).map(|_| r.next_int(bound)).collect()
}

#[cfg(test)]
pub(super) fn java_random_next_int_unbounded(seed: i64) -> i32 {
    JavaRandom::new(seed).next(32)
}
