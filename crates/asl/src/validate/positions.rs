//! Where each node of a JSON text starts: JSON pointer → 1-based line and column.
//!
//! A small scanner of our own rather than a span-giving JSON crate: it only has to find the
//! start of every value and member name in text that `serde_json` already accepted, and it must
//! never panic on anything (it stops quietly at the first surprise). Columns count Unicode
//! scalar values; a `\r\n` pair ends one line.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// Positions of every node, by JSON pointer (`""` is the root). For an object member the
/// position is that of its name, which is where an editor should put the cursor.
#[derive(Debug, Default)]
pub struct PositionIndex {
    map: BTreeMap<String, Pos>,
    duplicates: Vec<String>,
}

impl PositionIndex {
    pub fn build(text: &str) -> Self {
        let mut s = Scanner {
            chars: text.char_indices().peekable(),
            line: 1,
            column: 1,
            map: BTreeMap::new(),
            duplicates: Vec::new(),
        };
        s.skip_ws();
        let _ = s.value(String::new(), 0);
        Self {
            map: s.map,
            duplicates: s.duplicates,
        }
    }

    /// Object members whose name already appeared in the same object (the parsed value keeps
    /// only the last, so these are invisible after parsing), at the later occurrence.
    pub fn duplicate_members(&self) -> &[String] {
        &self.duplicates
    }

    /// The position of `pointer`, or of its nearest ancestor that exists in the text.
    pub fn lookup(&self, pointer: &str) -> Option<Pos> {
        let mut p = if pointer == "/" { "" } else { pointer };
        loop {
            if let Some(pos) = self.map.get(p) {
                return Some(*pos);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
}

/// Serde_json's own nesting limit is 128; deeper text never reaches this scanner, but the guard
/// keeps it safe if it is ever used on its own.
const MAX_DEPTH: usize = 256;

struct Scanner<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    line: u32,
    column: u32,
    map: BTreeMap<String, Pos>,
    duplicates: Vec<String>,
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

impl Scanner<'_> {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.column,
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|(_, c)| *c)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else if c == '\r' {
            // A lone \r ends a line too; in \r\n the \n does the counting.
            if self.peek() != Some('\n') {
                self.line = self.line.saturating_add(1);
                self.column = 1;
            }
        } else {
            self.column = self.column.saturating_add(1);
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    /// Reads a string literal (cursor on the opening quote) and returns its decoded text.
    fn string(&mut self) -> Option<String> {
        if self.bump()? != '"' {
            return None;
        }
        let mut out = String::new();
        loop {
            match self.bump()? {
                '"' => return Some(out),
                '\\' => match self.bump()? {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let hi = self.hex4()?;
                        let c = if (0xD800..0xDC00).contains(&hi) {
                            // A surrogate pair arrives as two escapes.
                            if self.bump()? != '\\' || self.bump()? != 'u' {
                                return None;
                            }
                            let lo = self.hex4()?;
                            let code =
                                0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)? & 0x3FF);
                            char::from_u32(code)?
                        } else {
                            char::from_u32(hi).unwrap_or('\u{FFFD}')
                        };
                        out.push(c);
                    }
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut v = 0;
        for _ in 0..4 {
            v = v * 16 + self.bump()?.to_digit(16)?;
        }
        Some(v)
    }

    fn value(&mut self, pointer: String, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.pos();
        self.map.entry(pointer.clone()).or_insert(start);
        match self.peek()? {
            '{' => {
                self.bump();
                self.skip_ws();
                if self.peek()? == '}' {
                    self.bump();
                    return Some(());
                }
                // Names already seen in this very object (not in an earlier twin of it).
                let mut seen = std::collections::BTreeSet::new();
                loop {
                    self.skip_ws();
                    let key_pos = self.pos();
                    let key = self.string()?;
                    let child = format!("{pointer}/{}", escape(&key));
                    // Duplicate names: the last one wins, as in the parsed value.
                    self.map.insert(child.clone(), key_pos);
                    if !seen.insert(key) {
                        self.duplicates.push(child.clone());
                    }
                    self.skip_ws();
                    if self.bump()? != ':' {
                        return None;
                    }
                    self.skip_ws();
                    let before = self.map.get(&child).copied();
                    self.value(child.clone(), depth + 1)?;
                    if let Some(p) = before {
                        self.map.insert(child, p);
                    }
                    self.skip_ws();
                    match self.bump()? {
                        ',' => continue,
                        '}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            '[' => {
                self.bump();
                self.skip_ws();
                if self.peek()? == ']' {
                    self.bump();
                    return Some(());
                }
                let mut i = 0usize;
                loop {
                    self.skip_ws();
                    self.value(format!("{pointer}/{i}"), depth + 1)?;
                    i += 1;
                    self.skip_ws();
                    match self.bump()? {
                        ',' => continue,
                        ']' => return Some(()),
                        _ => return None,
                    }
                }
            }
            '"' => self.string().map(|_| ()),
            _ => {
                // Numbers, true, false, null: a run of token characters.
                let mut any = false;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                {
                    self.bump();
                    any = true;
                }
                any.then_some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_members_elements_and_escaped_names() {
        let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A/b~c\": {\"Type\": \"Pass\", \"End\": true},\r\n    \"é\": [1, {\"x\": null}]\n  }\n}";
        let idx = PositionIndex::build(text);
        let table = [
            ("", (1, 1)),
            ("/", (1, 1)),
            ("/StartAt", (2, 3)),
            ("/States", (3, 3)),
            ("/States/A~1b~0c", (4, 5)),
            ("/States/A~1b~0c/End", (4, 31)),
            ("/States/é", (5, 5)),
            ("/States/é/0", (5, 11)),
            ("/States/é/1/x", (5, 15)),
            ("/States/é/1/missing", (5, 14)),
            ("/Nope/deeper", (1, 1)),
        ];
        for (ptr, (line, column)) in table {
            assert_eq!(idx.lookup(ptr), Some(Pos { line, column }), "{ptr}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "{",
            "{\"a\"",
            "[1,",
            "\"\\u12",
            "\"\\ud800\\u0041\"",
            "{\"a\":}",
            "nul",
            "\u{0}",
        ] {
            let _ = PositionIndex::build(text).lookup("/a/0");
        }
    }
}
