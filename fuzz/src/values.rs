//! JSON text built from fuzz bytes. Besides ordinary small values it makes, on purpose, values
//! near and past the engine's limits: nesting around serde_json's 128 levels, wide arrays,
//! long strings and payloads around the 256 KiB quota.

use crate::dictionary::{KEYS, NUMBERS, STRINGS};
use crate::pick;
use arbitrary::{Result, Unstructured};
use stepwise_json::write_string;

/// Text larger than this is not grown further (keeps attempts fast; the quotas sit below it).
pub const MAX_TEXT: usize = 300 * 1024;
/// Deeper than this only scalars are made (past serde_json's limit of 128 and the engine's own).
const MAX_DEPTH: usize = 160;

thread_local! {
    static DEPTH_CAP: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

/// Caps how deep values get (a definition meant to be valid stays under the nesting limit).
pub fn set_depth_cap(depth: usize) {
    DEPTH_CAP.with(|c| c.set(depth));
}

/// A JSON value as text.
pub fn json(u: &mut Unstructured) -> Result<String> {
    let mut out = String::new();
    value(u, &mut out, 0)?;
    Ok(out)
}

/// A JSON object as text (for mocks, bindings, variables).
pub fn object(u: &mut Unstructured) -> Result<String> {
    let mut out = String::from("{");
    let n = u.int_in_range(0..=4)?;
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        key(u, &mut out)?;
        out.push(':');
        value(u, &mut out, 1)?;
    }
    out.push('}');
    Ok(out)
}

pub fn key(u: &mut Unstructured, out: &mut String) -> Result<()> {
    if u.ratio(1, 8)? {
        let s: &str = u.arbitrary()?;
        write_string(s, out);
    } else {
        write_string(pick(u, KEYS)?, out);
    }
    Ok(())
}

pub fn string(u: &mut Unstructured, out: &mut String) -> Result<()> {
    match u.int_in_range(0..=5)? {
        0 => {
            let s: &str = u.arbitrary()?;
            write_string(s, out);
        }
        1 => {
            // A long string: the byte quotas and every function that copies strings.
            let unit = pick(u, STRINGS)?;
            let times = log_uniform(u, (MAX_TEXT / unit.len().max(1)).min(300_000))?;
            write_string(&unit.repeat(times), out);
        }
        _ => write_string(pick(u, STRINGS)?, out),
    }
    Ok(())
}

pub fn value(u: &mut Unstructured, out: &mut String, depth: usize) -> Result<()> {
    let max_depth = MAX_DEPTH.min(DEPTH_CAP.with(std::cell::Cell::get));
    if out.len() > MAX_TEXT || depth > max_depth || u.is_empty() {
        out.push_str(pick(u, NUMBERS)?);
        return Ok(());
    }
    match u.int_in_range(0..=11)? {
        0 => out.push_str("null"),
        1 => out.push_str(if u.arbitrary()? { "true" } else { "false" }),
        2 => out.push_str(pick(u, NUMBERS)?),
        3 => {
            let n: i64 = u.arbitrary()?;
            out.push_str(&n.to_string());
        }
        4 => {
            let f: f64 = u.arbitrary()?;
            // JSON has no NaN or infinities.
            out.push_str(&if f.is_finite() {
                format!("{f:?}")
            } else {
                "1e308".into()
            });
        }
        5 | 6 => string(u, out)?,
        7 => {
            out.push('[');
            let n = u.int_in_range(0..=4)?;
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                value(u, out, depth + 1)?;
            }
            out.push(']');
        }
        8 | 9 => {
            out.push('{');
            let n = u.int_in_range(0..=4)?;
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                key(u, out)?;
                out.push(':');
                value(u, out, depth + 1)?;
            }
            out.push('}');
        }
        10 => {
            // Deep: nesting right around the parsers' and the engine's depth limits.
            let levels = log_uniform(u, max_depth.saturating_sub(depth))?;
            let object = u.arbitrary::<bool>()?;
            for _ in 0..levels {
                out.push_str(if object { "{\"a\":" } else { "[" });
            }
            value(u, out, depth + levels)?;
            for _ in 0..levels {
                out.push(if object { '}' } else { ']' });
            }
        }
        _ => {
            // Wide: one small value repeated, up to past the payload quota.
            let mut unit = String::new();
            value(u, &mut unit, depth + 1)?;
            let room = (MAX_TEXT.saturating_sub(out.len()) / (unit.len() + 1)).clamp(1, 100_000);
            let times = log_uniform(u, room)?;
            out.push('[');
            for i in 0..times {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&unit);
            }
            out.push(']');
        }
    }
    Ok(())
}

/// A count in `1..=max`, as often below 10 as between 10,000 and 100,000: most values stay
/// quick to make and to process, and some still reach the quotas.
fn log_uniform(u: &mut Unstructured, max: usize) -> Result<usize> {
    let bits = u.int_in_range(0..=usize::BITS - 1 - max.max(1).leading_zeros())?;
    Ok(u.int_in_range(1usize << bits..=((2usize << bits) - 1))?
        .min(max.max(1)))
}
