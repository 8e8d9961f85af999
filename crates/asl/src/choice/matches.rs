//! `StringMatches` patterns: `*` matches any run of characters (including none); `\*` is a
//! literal star and `\\` a literal backslash. A backslash before any other character stands for
//! itself, so `a\b` matches the text `a\b`.

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Char(char),
    Star,
}

/// A compiled `StringMatches` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WildcardPattern {
    pieces: Vec<Piece>,
}

impl WildcardPattern {
    pub fn compile(pattern: &str) -> Self {
        let mut pieces = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.peek() {
                    Some('*') | Some('\\') => {
                        let escaped = chars.next().unwrap_or('\\');
                        pieces.push(Piece::Char(escaped));
                    }
                    _ => pieces.push(Piece::Char('\\')),
                },
                '*' => {
                    // Consecutive stars match the same as one; collapsing keeps matching linear.
                    if pieces.last() != Some(&Piece::Star) {
                        pieces.push(Piece::Star);
                    }
                }
                other => pieces.push(Piece::Char(other)),
            }
        }
        Self { pieces }
    }

    /// Iterative matcher with single-star backtracking: O(text × pattern) in the worst case,
    /// no recursion, so hostile patterns cannot blow the stack.
    pub fn is_match(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let (mut t, mut p) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while t < text.len() {
            match self.pieces.get(p) {
                Some(Piece::Char(c)) if *c == text[t] => {
                    t += 1;
                    p += 1;
                }
                Some(Piece::Star) => {
                    star = Some((p, t));
                    p += 1;
                }
                _ => match star {
                    Some((sp, st)) => {
                        p = sp + 1;
                        t = st + 1;
                        star = Some((sp, st + 1));
                    }
                    None => return false,
                },
            }
        }
        self.pieces[p..].iter().all(|piece| *piece == Piece::Star)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_table() {
        let table: &[(&str, &str, bool)] = &[
            ("log-*.txt", "log-2024.txt", true),
            ("log-*.txt", "log-.txt", true),
            ("log-*.txt", "log-2024.csv", false),
            ("*", "", true),
            ("*", "anything", true),
            ("", "", true),
            ("", "a", false),
            ("a*b*c", "aXXbYYc", true),
            ("a*b*c", "aXXbYY", false),
            ("*.txt", "a.txt.txt", true),
            ("foo\\*", "foo*", true),
            ("foo\\*", "foobar", false),
            ("foo\\\\", "foo\\", true),
            ("foo\\\\*", "foo\\bar", true),
            ("a\\b", "a\\b", true),
            ("**a", "xa", true),
            ("exact", "exact", true),
            ("exact", "Exact", false),
            ("é*ü", "éabcü", true),
        ];
        for (pattern, text, want) in table {
            assert_eq!(
                WildcardPattern::compile(pattern).is_match(text),
                *want,
                "{pattern} ~ {text}"
            );
        }
    }

    #[test]
    fn pathological_pattern_is_fast() {
        let pattern = WildcardPattern::compile(&"*a".repeat(200));
        let text = "a".repeat(5000) + "b";
        assert!(!pattern.is_match(&text));
    }
}
