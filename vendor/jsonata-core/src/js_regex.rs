//! JSONata regex literals are JavaScript regular expressions (without the `u` flag); the engine
//! that runs them is `regex-lite` (Stepwise: VENDORED.md, change 15), whose syntax is the same for
//! everything JSONata patterns use, but whose `\s` and `/i` only know ASCII. This module rewrites
//! the two places where JavaScript reaches beyond ASCII, so that they keep JavaScript's meaning:
//!
//! - `\s` / `\S` are JavaScript's whitespace (`WhiteSpace` and `LineTerminator`: NBSP, the
//!   U+2000 spaces, U+2028/9, U+3000, BOM and the rest), written out as explicit ranges;
//! - with `i`, a non-ASCII letter also matches the letters JavaScript's `Canonicalize` (non-`u`
//!   mode: simple upper-casing, never from non-ASCII to ASCII) makes equal to it: `/é/i` matches
//!   `É`. ASCII letters are folded by the engine itself, the same way.
//!
//! `\w`, `\d` and `\b` are ASCII in JavaScript and in `regex-lite` alike: nothing to do.
//! Everything else is copied unchanged, so a pattern the engine rejects is still rejected.
//! Tests: `crates/jsonata/tests/regex.rs`, against what JavaScript gives.

use std::fmt::Write;

/// JavaScript's `\s`: `WhiteSpace` and `LineTerminator` code points, as sorted inclusive ranges.
const WHITESPACE: &[(u32, u32)] = &[
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
];

/// Ranges of a class this wide or wider are not expanded for `/i` (a whole block of letters
/// would make a pattern of thousands of items); JSONata patterns name a few letters at a time.
const MAX_FOLDED_RANGE: u32 = 0x400;

/// The pattern `regex-lite` should compile for a JavaScript `pattern` (flags are applied by the
/// caller; `case_insensitive` is whether they include `i`).
pub fn translate(pattern: &str, case_insensitive: bool) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if in_class && c == ']' {
            in_class = false;
            out.push(c);
            i += 1;
            continue;
        }
        if !in_class && c == '[' {
            in_class = true;
            out.push(c);
            i += 1;
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            // A `]` first in a class is a literal `]` for the engine: copy it, not as the end.
            if chars.get(i) == Some(&']') {
                out.push(']');
                i += 1;
            }
            continue;
        }
        if c == '\\' && matches!(chars.get(i + 1), Some('s') | Some('S')) {
            let ranges = if chars[i + 1] == 's' {
                WHITESPACE.to_vec()
            } else {
                complement(WHITESPACE)
            };
            if !in_class {
                out.push('[');
            }
            push_ranges(&mut out, &ranges);
            if !in_class {
                out.push(']');
            }
            i += 2;
            continue;
        }
        // A literal character (possibly escaped as \uXXXX or \xXX), and in a class possibly the
        // start of a range.
        let Some((first, after_first)) = literal_at(&chars, i) else {
            // Another escape: copied as it is (two characters; the engine reads the rest).
            out.push(c);
            if c == '\\' {
                if let Some(&next) = chars.get(i + 1) {
                    out.push(next);
                    i += 1;
                }
            }
            i += 1;
            continue;
        };
        if in_class
            && chars.get(after_first) == Some(&'-')
            && chars.get(after_first + 1) != Some(&']')
        {
            if let Some((last, after_last)) = literal_at(&chars, after_first + 1) {
                out.extend(&chars[i..after_last]);
                if case_insensitive && (first as u32 > 0x7F || last as u32 > 0x7F) && last >= first
                {
                    let (lo, hi) = (first as u32, last as u32);
                    if hi - lo < MAX_FOLDED_RANGE {
                        let mut extra = Vec::new();
                        for cp in lo..=hi {
                            if let Some(ch) = char::from_u32(cp) {
                                extra.extend(
                                    case_variants(ch)
                                        .into_iter()
                                        .filter(|v| (*v as u32) < lo || (*v as u32) > hi),
                                );
                            }
                        }
                        extra.sort_unstable();
                        extra.dedup();
                        for v in extra {
                            push_class_char(&mut out, v);
                        }
                    }
                }
                i = after_last;
                continue;
            }
        }
        let variants = if case_insensitive && first as u32 > 0x7F {
            case_variants(first)
        } else {
            Vec::new()
        };
        if variants.len() > 1 {
            if !in_class {
                out.push('[');
            }
            for v in variants {
                push_class_char(&mut out, v);
            }
            if !in_class {
                out.push(']');
            }
        } else {
            out.extend(&chars[i..after_first]);
        }
        i = after_first;
    }
    out
}

/// The character at `i` if it is a literal one (not a metacharacter of the pattern, though a
/// metacharacter can be a literal in a class, where this is asked only for range ends), with the
/// index after it. `\uXXXX` and `\xXX` escapes count as their character.
fn literal_at(chars: &[char], i: usize) -> Option<(char, usize)> {
    let c = *chars.get(i)?;
    if c != '\\' {
        return (!c.is_ascii()).then_some((c, i + 1)).or_else(|| {
            // ASCII needs no folding of ours; still a range end when it is a plain character.
            (c.is_ascii_alphanumeric() || " !\"#%&',-/:;<=>@_`~".contains(c)).then_some((c, i + 1))
        });
    }
    let digits = match chars.get(i + 1)? {
        'u' => 4,
        'x' => 2,
        _ => return None,
    };
    let hex: String = chars.get(i + 2..i + 2 + digits)?.iter().collect();
    if !hex.chars().all(|h| h.is_ascii_hexdigit()) {
        return None;
    }
    let ch = char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?;
    Some((ch, i + 2 + digits))
}

/// JavaScript's `Canonicalize` for a pattern without the `u` flag: the upper case of `c` when it
/// is a single character and does not take a non-ASCII character to ASCII.
fn canonicalize(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) if c.is_ascii() || !u.is_ascii() => u,
        _ => c,
    }
}

/// `c` and the characters `/i` makes equal to it (same canonical form), sorted.
fn case_variants(c: char) -> Vec<char> {
    let canonical = canonicalize(c);
    let mut candidates = vec![c, canonical];
    candidates.extend(c.to_lowercase());
    candidates.extend(canonical.to_lowercase());
    let mut variants: Vec<char> = candidates
        .into_iter()
        .filter(|&v| canonicalize(v) == canonical)
        .collect();
    variants.sort_unstable();
    variants.dedup();
    variants
}

/// The code points not in `ranges` (sorted, disjoint), as ranges.
fn complement(ranges: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = 0;
    for &(lo, hi) in ranges {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = hi + 1;
    }
    out.push((next, 0x10FFFF));
    out
}

fn push_ranges(out: &mut String, ranges: &[(u32, u32)]) {
    for &(lo, hi) in ranges {
        let _ = write!(out, "\\x{{{lo:X}}}");
        if hi != lo {
            let _ = write!(out, "-\\x{{{hi:X}}}");
        }
    }
}

/// A character inside a class, escaped so no character means anything there.
fn push_class_char(out: &mut String, c: char) {
    let _ = write!(out, "\\x{{{:X}}}", c as u32);
}
