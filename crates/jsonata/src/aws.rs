//! JSONata's functions as Step Functions offers them: the ones AWS adds (`$partition`, `$range`,
//! `$hash`, `$random` with a seed, `$uuid`, `$parse`) and the one it withdraws (`$eval`).
//!
//! They live beside the evaluator (not in the ASL crate that uses them) so that wherever the
//! evaluator runs, natively or as the site's second wasm module, they run with it: only the
//! environment's draws cross from the host.

use crate::convert::{from_json, to_json};
use crate::{Env, Error, Functions};
use stepwise_json::Value;

/// JSONata's functions as Step Functions offers them.
pub fn functions() -> Functions {
    let mut functions = Functions::standard();
    functions
        .define("partition", partition)
        .define("range", range)
        .define("hash", hash)
        .define("random", random)
        .define("uuid", uuid)
        .define("parse", parse)
        .withdraw("eval");
    functions
}

fn argument_error(index: usize, function: &str) -> Error {
    Error::new(
        "T0410",
        format!("Argument {index} of function \"{function}\" does not match function signature"),
    )
}

fn number_arg(args: &[Option<Value>], index: usize, function: &str) -> Result<f64, Error> {
    args.get(index)
        .cloned()
        .flatten()
        .and_then(|v| v.as_f64())
        .ok_or_else(|| argument_error(index + 1, function))
}

fn integer_arg(args: &[Option<Value>], index: usize, function: &str) -> Result<i64, Error> {
    let n = number_arg(args, index, function)?;
    if n.fract() != 0.0 || n.abs() > 9_007_199_254_740_991.0 {
        return Err(Error::new(
            "T0410",
            format!(
                "Argument {} of function \"{function}\" must be an integer",
                index + 1
            ),
        ));
    }
    Ok(n as i64)
}

fn string_arg<'v>(
    args: &'v [Option<Value>],
    index: usize,
    function: &str,
) -> Result<&'v str, Error> {
    match args.get(index) {
        Some(Some(Value::String(s))) => Ok(s),
        _ => Err(argument_error(index + 1, function)),
    }
}

fn arity(args: &[Option<Value>], max: usize, function: &str) -> Result<(), Error> {
    if args.len() > max {
        return Err(argument_error(max + 1, function));
    }
    Ok(())
}

/// `$partition(array, size)`: the array in chunks of `size` (the last one may be shorter).
fn partition(args: &[Option<Value>], _: &mut Env) -> Result<Option<Value>, Error> {
    arity(args, 2, "partition")?;
    let items = match args.first() {
        Some(Some(Value::Array(items))) => items.as_slice(),
        Some(Some(single)) => std::slice::from_ref(single),
        _ => return Err(argument_error(1, "partition")),
    };
    let size = integer_arg(args, 1, "partition")?;
    if size <= 0 {
        return Err(Error::new(
            "T0410",
            "Argument 2 of function \"partition\" must be a positive integer",
        ));
    }
    let chunks = items
        .chunks(size as usize)
        .map(|c| Value::Array(c.to_vec().into()))
        .collect();
    Ok(Some(Value::Array(chunks)))
}

/// Most items `$range` makes, as for JSONata's own range operator.
const RANGE_LIMIT: i64 = 10_000_000;

/// `$range(start, end, step)`: integers from `start` up to `end` inclusive. Like a JSONata
/// sequence, a single item comes back on its own (AWS answers `1` for `$range(1, 9, 9)`).
fn range(args: &[Option<Value>], _: &mut Env) -> Result<Option<Value>, Error> {
    arity(args, 3, "range")?;
    let start = integer_arg(args, 0, "range")?;
    let end = integer_arg(args, 1, "range")?;
    let step = integer_arg(args, 2, "range")?;
    if step == 0 {
        return Err(Error::new(
            "T0410",
            "Argument 3 of function \"range\" must not be zero",
        ));
    }
    let count = if (end - start).signum() * step.signum() < 0 {
        0
    } else {
        (end - start) / step + 1
    };
    if count > RANGE_LIMIT {
        return Err(Error::new(
            "D2014",
            format!("The size of the sequence allocated by $range must not exceed 1e7.  Attempted to allocate {count}."),
        ));
    }
    // Within the bound above, the evaluation's byte budget is usually the tighter one.
    crate::budget::ensure_bytes(count as u64 * crate::budget::SLOT_BYTES)?;
    let mut items: Vec<Value> = (0..count).map(|i| Value::from(start + i * step)).collect();
    Ok(match items.len() {
        0 => None,
        1 => items.pop(),
        _ => Some(Value::Array(items.into())),
    })
}

/// `$hash(text, algorithm)`: the hex digest with MD5, SHA-1, SHA-256, SHA-384 or SHA-512.
fn hash(args: &[Option<Value>], _: &mut Env) -> Result<Option<Value>, Error> {
    use sha2::Digest;
    arity(args, 2, "hash")?;
    let data = string_arg(args, 0, "hash")?.as_bytes();
    let algorithm = string_arg(args, 1, "hash")?;
    let digest: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(data).to_vec(),
        "SHA-1" => sha1::Sha1::digest(data).to_vec(),
        "SHA-256" => sha2::Sha256::digest(data).to_vec(),
        "SHA-384" => sha2::Sha384::digest(data).to_vec(),
        "SHA-512" => sha2::Sha512::digest(data).to_vec(),
        other => {
            return Err(Error::new(
                "T0410",
                format!(
                    "Argument 2 of function \"hash\" must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512; got \"{other}\""
                ),
            ))
        }
    };
    Ok(Some(Value::String(
        digest.iter().map(|b| format!("{b:02x}")).collect(),
    )))
}

/// `$random([seed])`: without a seed, the engine's generator; with one, the first double of
/// `java.util.Random` seeded with it, so equal seeds give equal numbers.
fn random(args: &[Option<Value>], env: &mut Env) -> Result<Option<Value>, Error> {
    arity(args, 1, "random")?;
    let value = match args.first() {
        None | Some(None) => (env.random)(),
        Some(Some(_)) => java_next_double(integer_arg(args, 0, "random")?),
    };
    Ok(Some(crate::convert::number(value)))
}

/// `java.util.Random(seed).nextDouble()`.
fn java_next_double(seed: i64) -> f64 {
    const MULT: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;
    let mut state = (seed as u64 ^ MULT) & MASK;
    let mut next = |bits: u32| {
        state = (state.wrapping_mul(MULT).wrapping_add(0xB)) & MASK;
        state >> (48 - bits)
    };
    let high = next(26);
    let low = next(27);
    ((high << 27) + low) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// `$uuid()`: a version-4 UUID from the engine's generator.
fn uuid(args: &[Option<Value>], env: &mut Env) -> Result<Option<Value>, Error> {
    arity(args, 0, "uuid")?;
    // Each draw carries 53 random bits; three give the 122 a version-4 UUID needs.
    let mut bits = [0u8; 24];
    for chunk in bits.chunks_mut(8) {
        let draw = ((env.random)() * (1u64 << 53) as f64) as u64;
        chunk.copy_from_slice(&(draw << 11).to_be_bytes());
    }
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&bits[..6]);
    bytes[6..12].copy_from_slice(&bits[8..14]);
    bytes[12..].copy_from_slice(&bits[16..20]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let text = format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    );
    Ok(Some(Value::String(text)))
}

/// `$parse(text)`: the JSON value a string holds (AWS's replacement for `$eval`).
fn parse(args: &[Option<Value>], _: &mut Env) -> Result<Option<Value>, Error> {
    arity(args, 1, "parse")?;
    let text = string_arg(args, 0, "parse")?;
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Error::new(
            "D3140",
            format!("The argument of function \"parse\" is not valid JSON: {e}"),
        )
    })?;
    // Through JSONata's number form, so `1.0` comes back as `1` like any other number.
    Ok(to_json(&from_json(&value)))
}
