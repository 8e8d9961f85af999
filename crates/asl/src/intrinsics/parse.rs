//! The call syntax: `States.Name(arg, ...)` where an argument is a nested call, a path (`$.x`,
//! `$$.x`, `$var`), a string in single quotes (escapes `\'`, `\{`, `\}`, `\\`), a number,
//! `true`, `false` or `null`.

use super::{Arg, Call, Function, Piece};
use crate::path::JsonPath;
use stepwise_json::Value;

/// AWS allows up to 10 nested intrinsic functions in one field.
pub(super) const MAX_NESTING: usize = 10;

pub(super) fn parse(text: &str) -> Result<Call, String> {
    let mut p = Parser {
        s: text,
        pos: 0,
        depth: 0,
    };
    p.ws();
    let call = p.call()?;
    p.ws();
    if p.pos != text.len() {
        return Err(p.err("unexpected text after the call"));
    }
    Ok(call)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> String {
        format!(
            "Invalid intrinsic function call '{}': {what} at position {}",
            self.s, self.pos
        )
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn call(&mut self) -> Result<Call, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err(&format!(
                "more than {MAX_NESTING} nested intrinsic functions"
            )));
        }
        let start = self.pos;
        while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
        {
            self.pos += 1;
        }
        let name = &self.s[start..self.pos];
        let func = Function::from_name(name).ok_or_else(|| {
            self.pos = start;
            self.err(&format!("unknown intrinsic function '{name}'"))
        })?;
        self.ws();
        if self.peek() != Some(b'(') {
            return Err(self.err("expected '('"));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.ws();
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            loop {
                self.ws();
                args.push(self.arg()?);
                self.ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.err("expected ',' or ')'")),
                }
            }
        }
        let (min, max) = func.arity();
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            let expected = match max {
                Some(m) if m == min => format!("{min}"),
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            return Err(format!(
                "Invalid intrinsic function call '{}': {} takes {expected} argument(s), got {}",
                self.s,
                func.name(),
                args.len()
            ));
        }
        self.depth -= 1;
        let format = match (func, args.first()) {
            (Function::Format, Some(Arg::Str { raw, .. })) => Some(format_pieces(raw)),
            _ => None,
        };
        Ok(Call { func, args, format })
    }

    fn arg(&mut self) -> Result<Arg, String> {
        match self.peek() {
            Some(b'\'') => self.string(),
            Some(b'$') => self.path(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'S') if self.s[self.pos..].starts_with("States.") => {
                Ok(Arg::Call(Box::new(self.call()?)))
            }
            _ => {
                for (word, v) in [
                    ("true", Value::Bool(true)),
                    ("false", Value::Bool(false)),
                    ("null", Value::Null),
                ] {
                    if self.s[self.pos..].starts_with(word) {
                        self.pos += word.len();
                        return Ok(Arg::Lit(v));
                    }
                }
                Err(self.err("expected an argument (a call, a path, a string, a number, true, false or null)"))
            }
        }
    }

    /// A string in single quotes. `value` drops the escaping backslashes; `raw` keeps `\{`,
    /// `\}` and `\\` so that States.Format can tell escaped braces from placeholders.
    fn string(&mut self) -> Result<Arg, String> {
        self.pos += 1;
        let mut value = String::new();
        let mut raw = String::new();
        let mut chars = self.s[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    let Some((_, e)) = chars.next() else { break };
                    match e {
                        '\'' => {
                            value.push('\'');
                            raw.push('\'');
                        }
                        '{' | '}' | '\\' => {
                            value.push(e);
                            raw.push('\\');
                            raw.push(e);
                        }
                        other => {
                            value.push('\\');
                            value.push(other);
                            raw.push('\\');
                            raw.push('\\');
                            raw.push(other);
                        }
                    }
                }
                '\'' => {
                    self.pos += i + 1;
                    return Ok(Arg::Str {
                        value: Value::String(value),
                        raw,
                    });
                }
                c => {
                    value.push(c);
                    raw.push(c);
                }
            }
        }
        self.pos = self.s.len();
        Err(self.err("unterminated string literal"))
    }

    fn number(&mut self) -> Result<Arg, String> {
        let start = self.pos;
        while matches!(
            self.peek(),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.pos += 1;
        }
        let text = &self.s[start..self.pos];
        serde_json::from_str::<serde_json::Number>(text)
            .map(|n| Arg::Lit(Value::Number(n)))
            .map_err(|_| {
                self.pos = start;
                self.err(&format!("invalid number '{text}'"))
            })
    }

    /// A path runs to the `,` or `)` that closes it, skipping brackets, parentheses and quotes
    /// of filters (`$.a[?(@.b == 'x,y')]`).
    fn path(&mut self) -> Result<Arg, String> {
        let start = self.pos;
        let bytes = self.s.as_bytes();
        let mut depth = 0usize;
        let mut quote: Option<u8> = None;
        while self.pos < bytes.len() {
            let b = bytes[self.pos];
            match quote {
                Some(q) => {
                    if b == b'\\' {
                        self.pos += 1;
                    } else if b == q {
                        quote = None;
                    }
                }
                None => match b {
                    b'\'' | b'"' => quote = Some(b),
                    b'[' | b'(' => depth += 1,
                    b']' | b')' if depth > 0 => depth -= 1,
                    b',' | b')' => break,
                    _ => {}
                },
            }
            self.pos += 1;
        }
        let end = self.pos.min(bytes.len());
        let text = self.s[start..end].trim_end();
        JsonPath::parse(text).map(Arg::Path).map_err(|e| {
            self.pos = start;
            self.err(&e)
        })
    }
}

/// Splits a States.Format template into text and `{}` placeholders. A backslash escapes the
/// next character (`\{`, `\}`, `\\`); a brace that is not part of `{}` stays as it is.
pub(super) fn format_pieces(raw: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) => text.push(e),
                None => text.push('\\'),
            },
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Hole);
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
}
