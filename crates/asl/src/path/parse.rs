//! The JSONPath grammar Step Functions accepts (Jayway's dialect): dot and bracket names, the
//! `.[` form, dashes in dot names, indexes, unions, slices, wildcards, `..`, filters (whose
//! unquoted words are strings, as Step Functions accepts them), the `(@.length-N)` script
//! expression and a trailing function such as `.length()`.

use super::{Cmp, Expr, Func, Operand, Root, Seg, Sel};
use stepwise_json::Value;

/// Nesting bound for filters (parenthesised groups, nested `@` paths), so hostile input can
/// neither overflow the stack nor take long to reject.
const MAX_DEPTH: usize = 64;

pub(super) struct Parsed {
    pub root: Root,
    pub segs: Vec<Seg>,
    pub func: Option<Func>,
}

pub(super) fn parse(text: &str) -> Result<Parsed, String> {
    let mut p = Parser {
        s: text,
        pos: 0,
        depth: 0,
    };
    let root = p.root()?;
    let (segs, func) = p.segments(false)?;
    if p.pos != text.len() {
        return Err(p.err("unexpected character"));
    }
    Ok(Parsed { root, segs, func })
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
}

fn is_name_byte(b: u8) -> bool {
    !matches!(
        b,
        b'.' | b'['
            | b']'
            | b'('
            | b')'
            | b'\''
            | b'"'
            | b' '
            | b'\t'
            | b'\n'
            | b'\r'
            | b'='
            | b'!'
            | b'<'
            | b'>'
            | b'&'
            | b'|'
            | b','
            | b'*'
            | b'@'
            | b'$'
            | b'~'
    )
}

impl<'a> Parser<'a> {
    fn err(&self, what: &str) -> String {
        format!(
            "Invalid JSONPath '{}': {} at position {}",
            self.s, what, self.pos
        )
    }

    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<u8> {
        self.s.as_bytes().get(self.pos + off).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.err(&format!("expected '{}'", b as char)))
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn root(&mut self) -> Result<Root, String> {
        if !self.eat(b'$') {
            return Err(self.err("a path must start with '$'"));
        }
        if self.eat(b'$') {
            return Ok(Root::Context);
        }
        match self.peek() {
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                let start = self.pos;
                while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || b == b'_') {
                    self.pos += 1;
                }
                Ok(Root::Var(self.s[start..self.pos].to_owned()))
            }
            _ => Ok(Root::Input),
        }
    }

    /// Segments up to the end of the text or, inside a filter (`nested`), up to the first
    /// character that cannot continue a path.
    fn segments(&mut self, nested: bool) -> Result<(Vec<Seg>, Option<Func>), String> {
        let mut segs = Vec::new();
        loop {
            match self.peek() {
                None => return Ok((segs, None)),
                Some(b'.') if self.peek_at(1) == Some(b'.') => {
                    self.pos += 2;
                    let sel = match self.peek() {
                        Some(b'[') => self.bracket()?,
                        Some(b'*') => {
                            self.pos += 1;
                            Sel::Wildcard
                        }
                        _ => Sel::Name(self.dot_name()?),
                    };
                    segs.push(Seg::Descend(sel));
                }
                Some(b'.') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'[') => segs.push(Seg::Child(self.bracket()?)),
                        Some(b'*') => {
                            self.pos += 1;
                            segs.push(Seg::Child(Sel::Wildcard));
                        }
                        _ => {
                            let name = self.dot_name()?;
                            if self.peek() == Some(b'(') {
                                let func = self.function(&name)?;
                                if !nested && self.pos != self.s.len() {
                                    return Err(self.err("a function must end the path"));
                                }
                                return Ok((segs, Some(func)));
                            }
                            segs.push(Seg::Child(Sel::Name(name)));
                        }
                    }
                }
                Some(b'[') => segs.push(Seg::Child(self.bracket()?)),
                Some(_) if nested => return Ok((segs, None)),
                Some(_) => return Err(self.err("unexpected character")),
            }
        }
    }

    fn function(&mut self, name: &str) -> Result<Func, String> {
        self.expect(b'(')?;
        self.ws();
        self.expect(b')')?;
        Ok(match name {
            "length" | "size" => Func::Length,
            "min" => Func::Min,
            "max" => Func::Max,
            "avg" => Func::Avg,
            "sum" => Func::Sum,
            "keys" => Func::Keys,
            "first" => Func::First,
            "last" => Func::Last,
            _ => return Err(self.err(&format!("unknown function '{name}()'"))),
        })
    }

    fn dot_name(&mut self) -> Result<String, String> {
        let start = self.pos;
        while matches!(self.peek(), Some(b) if is_name_byte(b)) {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(self.err("expected a property name"));
        }
        Ok(self.s[start..self.pos].to_owned())
    }

    fn quoted(&mut self) -> Result<String, String> {
        let q = self.peek().ok_or_else(|| self.err("expected a quote"))?;
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.s[self.pos..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                // Only the delimiter is unescaped; AWS keeps any other backslash as written
                // (`$['Test\""Name"']` names the key `Test\""Name"`).
                '\\' => match chars.next() {
                    Some((_, e)) if e as u32 == q as u32 => out.push(e),
                    Some((_, e)) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => break,
                },
                c if c as u32 == q as u32 => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                c => out.push(c),
            }
        }
        self.pos = self.s.len();
        Err(self.err("unterminated string"))
    }

    fn int(&mut self) -> Result<i64, String> {
        let start = self.pos;
        self.eat(b'-');
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.s[start..self.pos]
            .parse()
            .map_err(|_| self.err("expected an integer"))
    }

    fn bracket(&mut self) -> Result<Sel, String> {
        self.expect(b'[')?;
        self.ws();
        let sel = match self.peek() {
            Some(b'?') => {
                self.pos += 1;
                self.ws();
                self.expect(b'(')?;
                let e = self.or_expr()?;
                self.ws();
                self.expect(b')')?;
                Sel::Filter(Box::new(e))
            }
            Some(b'*') => {
                self.pos += 1;
                Sel::Wildcard
            }
            Some(b'\'' | b'"') => {
                let mut names = vec![self.quoted()?];
                loop {
                    self.ws();
                    if !self.eat(b',') {
                        break;
                    }
                    self.ws();
                    names.push(self.quoted()?);
                }
                if names.len() == 1 {
                    Sel::Name(names.pop().unwrap_or_default())
                } else {
                    Sel::Names(names)
                }
            }
            Some(b'0'..=b'9' | b'-' | b':') => self.index_or_slice()?,
            Some(b'(') => self.script()?,
            _ => return Err(self.err("expected an index, a name, '*' or a filter")),
        };
        self.ws();
        self.expect(b']')?;
        Ok(sel)
    }

    fn index_or_slice(&mut self) -> Result<Sel, String> {
        let opt_int = |p: &mut Self| -> Result<Option<i64>, String> {
            p.ws();
            if matches!(p.peek(), Some(b'0'..=b'9' | b'-')) {
                Ok(Some(p.int()?))
            } else {
                Ok(None)
            }
        };
        let first = opt_int(self)?;
        self.ws();
        if self.eat(b':') {
            let end = opt_int(self)?;
            self.ws();
            let step = if self.eat(b':') { opt_int(self)? } else { None };
            if step == Some(0) {
                return Err(self.err("slice step cannot be 0"));
            }
            return Ok(Sel::Slice(first, end, step));
        }
        let first = first.ok_or_else(|| self.err("expected an integer"))?;
        let mut idx = vec![first];
        loop {
            self.ws();
            if !self.eat(b',') {
                break;
            }
            self.ws();
            idx.push(self.int()?);
        }
        Ok(if idx.len() == 1 {
            Sel::Index(first)
        } else {
            Sel::Indexes(idx)
        })
    }

    /// A script expression. Step Functions accepts them when a machine is created; the one in
    /// real use, Goessner's `(@.length-N)` ("the N-th element from the end"), is the negative
    /// index `-N`. Others cannot be given a meaning without a script engine and are refused.
    fn script(&mut self) -> Result<Sel, String> {
        self.expect(b'(')?;
        self.ws();
        let start = self.pos;
        let unsupported =
            |p: &Self| p.err("the only script expression supported is (@.length-N), N >= 1");
        if !self.s[self.pos..].starts_with("@.length") {
            return Err(unsupported(self));
        }
        self.pos += "@.length".len();
        self.ws();
        if !self.eat(b'-') {
            self.pos = start;
            return Err(unsupported(self));
        }
        self.ws();
        let n = self.int()?;
        self.ws();
        if n < 1 || !self.eat(b')') {
            self.pos = start;
            return Err(unsupported(self));
        }
        Ok(Sel::Index(-n))
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(self.err("filter nested too deeply"))
        } else {
            Ok(())
        }
    }

    fn or_expr(&mut self) -> Result<Expr, String> {
        self.enter()?;
        let mut left = self.and_expr()?;
        loop {
            self.ws();
            if self.s[self.pos..].starts_with("||") {
                self.pos += 2;
                let right = self.and_expr()?;
                left = Expr::Or(Box::new(left), Box::new(right));
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        loop {
            self.ws();
            if self.s[self.pos..].starts_with("&&") {
                self.pos += 2;
                let right = self.unary()?;
                left = Expr::And(Box::new(left), Box::new(right));
            } else {
                break;
            }
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.ws();
        if self.peek() == Some(b'!') && self.peek_at(1) != Some(b'=') {
            self.pos += 1;
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if self.eat(b'(') {
            let e = self.or_expr()?;
            self.ws();
            self.expect(b')')?;
            return Ok(e);
        }
        let left = self.operand()?;
        self.ws();
        let rest = &self.s[self.pos..];
        let ops: [(&str, Cmp); 14] = [
            ("==", Cmp::Eq),
            ("!=", Cmp::Ne),
            ("<=", Cmp::Le),
            (">=", Cmp::Ge),
            ("=~", Cmp::Regex),
            ("<", Cmp::Lt),
            (">", Cmp::Gt),
            ("nin", Cmp::Nin),
            ("in", Cmp::In),
            ("subsetof", Cmp::SubsetOf),
            ("anyof", Cmp::AnyOf),
            ("noneof", Cmp::NoneOf),
            ("size", Cmp::Size),
            ("empty", Cmp::Empty),
        ];
        let Some((tok, cmp)) = ops.iter().find(|(t, _)| rest.starts_with(t)) else {
            return Ok(Expr::Exists(left));
        };
        self.pos += tok.len();
        self.ws();
        let right = if *cmp == Cmp::Regex {
            self.regex()?
        } else {
            self.operand()?
        };
        Ok(Expr::Compare(left, *cmp, right))
    }

    fn operand(&mut self) -> Result<Operand, String> {
        self.ws();
        match self.peek() {
            Some(b'@') => {
                self.pos += 1;
                self.enter()?;
                let (segs, func) = self.segments(true)?;
                self.depth -= 1;
                Ok(Operand::Current(super::Rel { segs, func }))
            }
            Some(b'$') => {
                let root = self.root()?;
                if root != Root::Input {
                    return Err(self.err("only '$' and '@' paths may appear in a filter"));
                }
                self.enter()?;
                let (segs, func) = self.segments(true)?;
                self.depth -= 1;
                Ok(Operand::Root(super::Rel { segs, func }))
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if !self.eat(b']') {
                    loop {
                        items.push(self.literal()?);
                        self.ws();
                        if self.eat(b']') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(Operand::Value(Value::Array(items.into())))
            }
            _ => Ok(Operand::Value(self.literal()?)),
        }
    }

    fn literal(&mut self) -> Result<Value, String> {
        self.ws();
        match self.peek() {
            Some(b'\'' | b'"') => Ok(Value::String(self.quoted()?)),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.pos;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.pos += 1;
                }
                let text = &self.s[start..self.pos];
                serde_json::from_str::<serde_json::Number>(text)
                    .map(Value::Number)
                    .map_err(|_| self.err("invalid number"))
            }
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                let start = self.pos;
                while matches!(self.peek(), Some(b) if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
                {
                    self.pos += 1;
                }
                Ok(match &self.s[start..self.pos] {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    // An unquoted word (`@.lang == es`): Step Functions creates such machines,
                    // so it is read as the string it spells.
                    word => Value::String(word.to_owned()),
                })
            }
            _ => Err(self.err("expected a value")),
        }
    }

    fn regex(&mut self) -> Result<Operand, String> {
        self.expect(b'/')?;
        let start = self.pos;
        let bytes = self.s.as_bytes();
        while self.pos < bytes.len() && bytes[self.pos] != b'/' {
            if bytes[self.pos] == b'\\' {
                self.pos += 1;
            }
            self.pos += 1;
        }
        if self.pos >= bytes.len() {
            return Err(self.err("unterminated regular expression"));
        }
        let pattern = &self.s[start..self.pos];
        self.pos += 1;
        let mut case_insensitive = false;
        while let Some(f) = self.peek().filter(u8::is_ascii_alphabetic) {
            case_insensitive |= f == b'i';
            self.pos += 1;
        }
        // Jayway matches the whole string (Java's Matcher.matches), hence the anchors.
        let full = format!(
            "{}^(?:{pattern})$",
            if case_insensitive { "(?i)" } else { "" }
        );
        let re = regex_lite::Regex::new(&full)
            .map_err(|e| self.err(&format!("invalid regular expression: {e}")))?;
        Ok(Operand::Regex(re))
    }
}
