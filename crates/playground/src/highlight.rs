//! A forgiving JSON tokenizer for the editor's highlighted layer.
//!
//! It never fails: half-typed text still gets coloured, and whatever it cannot classify is
//! passed through as plain text so that the highlighted layer always has exactly the same
//! characters as the textarea above it (otherwise the caret and the colours drift apart).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Key,
    Str,
    Num,
    Lit,
    Punct,
    Plain,
}

impl Tok {
    pub fn class(self) -> &'static str {
        match self {
            Tok::Key => "tk-key",
            Tok::Str => "tk-str",
            Tok::Num => "tk-num",
            Tok::Lit => "tk-lit",
            Tok::Punct => "tk-punct",
            Tok::Plain => "tk-plain",
        }
    }
}

/// Splits `text` into lines of classified pieces. Concatenating every piece of every line, with
/// `\n` between lines, gives back `text` exactly.
pub fn highlight_lines(text: &str) -> Vec<Vec<(Tok, String)>> {
    let mut lines: Vec<Vec<(Tok, String)>> = vec![Vec::new()];
    let mut push = |tok: Tok, piece: &str| {
        for (i, part) in piece.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if !part.is_empty() {
                let line = lines.last_mut().expect("lines is never empty");
                match line.last_mut() {
                    Some((t, s)) if *t == tok => s.push_str(part),
                    _ => line.push((tok, part.to_string())),
                }
            }
        }
    };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        match c {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' && i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                        i += 1;
                    }
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'"' {
                    i += 1;
                }
                // A string followed (after blanks) by ':' is an object key.
                let mut j = i;
                while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
                    j += 1;
                }
                let tok = if j < bytes.len() && bytes[j] == b':' {
                    Tok::Key
                } else {
                    Tok::Str
                };
                push(tok, &text[start..i]);
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                push(Tok::Num, &text[start..i]);
            }
            b'{' | b'}' | b'[' | b']' | b':' | b',' => {
                i += 1;
                push(Tok::Punct, &text[start..i]);
            }
            b'a'..=b'z' | b'A'..=b'Z' => {
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                let word = &text[start..i];
                let tok = if matches!(word, "true" | "false" | "null") {
                    Tok::Lit
                } else {
                    Tok::Plain
                };
                push(tok, word);
            }
            _ => {
                // Advance by one whole UTF-8 character so slicing stays on boundaries.
                let ch = text[i..].chars().next().map(char::len_utf8).unwrap_or(1);
                i += ch;
                push(Tok::Plain, &text[start..i]);
            }
        }
    }
    lines
}

/// Pretty-prints JSON text with two-space indentation, keeping key order; `Err` carries the
/// parse error so the Format button can say why it did nothing.
pub fn format_json(text: &str) -> Result<String, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&value).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn rebuild(lines: &[Vec<(Tok, String)>]) -> String {
        lines
            .iter()
            .map(|l| l.iter().map(|(_, s)| s.as_str()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn round_trips_every_character() {
        for text in [
            "",
            "{\n  \"a\": [1, -2.5e3, true, null],\n  \"b\": \"x\\\"y\"\n}",
            "{\"unterminated: \n  still here é ü 😀",
            "\n\n",
            "nonsense ~~~ \\ \"",
        ] {
            assert_eq!(rebuild(&highlight_lines(text)), text, "{text:?}");
        }
    }

    #[test]
    fn classifies_keys_strings_numbers_and_literals() {
        let lines = highlight_lines("{\"k\" : \"v\", \"n\": 12, \"t\": true}");
        let kinds: Vec<(Tok, &str)> = lines[0].iter().map(|(t, s)| (*t, s.as_str())).collect();
        assert!(kinds.contains(&(Tok::Key, "\"k\"")));
        assert!(kinds.contains(&(Tok::Str, "\"v\"")));
        assert!(kinds.contains(&(Tok::Num, "12")));
        assert!(kinds.contains(&(Tok::Lit, "true")));
    }

    #[test]
    fn line_count_matches_the_text() {
        assert_eq!(highlight_lines("a\nb\nc").len(), 3);
        assert_eq!(highlight_lines("a\n").len(), 2);
    }

    #[test]
    fn format_keeps_key_order_and_reports_errors() {
        assert_eq!(
            format_json("{\"b\":1,\"a\":2}").unwrap(),
            "{\n  \"b\": 1,\n  \"a\": 2\n}"
        );
        assert!(format_json("{").is_err());
    }
}
