//! Text that is not a JSON definition: empty text, JSON syntax errors, nesting too deep.
//!
//! AWS parses with Jackson and echoes its message, with a location that is not a JSON pointer but
//! Jackson's `[Source: (String)"..."; line: L, column: C]`. The common case, a bare word where a
//! value belongs (`not a definition`), is rebuilt in Jackson's words; other syntax errors keep
//! serde_json's description in the same frame.

use super::{codes, Diagnostic, Severity};
use serde_json::Value;

/// Jackson shows at most this many characters of the source in its messages.
const SOURCE_SNIPPET_CHARS: usize = 500;

pub(super) fn parse(text: &str) -> Result<Value, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic {
            severity: Severity::Error,
            code: codes::SCHEMA_VALIDATION_FAILED.into(),
            message: "Definition must be a valid JSON object".into(),
            location: None,
            line: None,
            column: None,
        });
    }
    serde_json::from_str::<Value>(text).map_err(|e| syntax_error(text, &e))
}

fn source_desc(text: &str, line: usize, column: usize) -> String {
    let total = text.chars().count();
    let shown: String = text.chars().take(SOURCE_SNIPPET_CHARS).collect();
    let truncated = if total > SOURCE_SNIPPET_CHARS {
        format!("[truncated {} chars]", total - SOURCE_SNIPPET_CHARS)
    } else {
        String::new()
    };
    format!("[Source: (String)\"{shown}\"{truncated}; line: {line}, column: {column}]")
}

/// serde_json counts columns in bytes; editors count characters.
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(line_text) = text.split('\n').nth(line.saturating_sub(1)) else {
        return byte_column;
    };
    let mut end = byte_column.min(line_text.len());
    while end > 0 && !line_text.is_char_boundary(end) {
        end -= 1;
    }
    line_text[..end].chars().count().max(1)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

fn syntax_error(text: &str, err: &serde_json::Error) -> Diagnostic {
    let line = err.line().max(1);
    let column = char_column(text, line, err.column());
    let raw = err.to_string();
    let described = raw.split(" at line ").next().unwrap_or(&raw).to_owned();

    if described.contains("recursion limit exceeded") {
        return Diagnostic {
            severity: Severity::Error,
            code: codes::TOO_DEEPLY_NESTED.into(),
            message: format!(
                "The definition nests objects and arrays too deeply (line {line}, column {column})"
            ),
            location: None,
            line: Some(line as u32),
            column: Some(column as u32),
        };
    }

    // A bare word where a value belongs: find the whole word, as Jackson reports it.
    let line_chars: Vec<char> = text
        .split('\n')
        .nth(line - 1)
        .unwrap_or("")
        .chars()
        .collect();
    let at = column.saturating_sub(1).min(line_chars.len());
    let mut start = at;
    while start > 0 && line_chars.get(start - 1).copied().is_some_and(is_word_char) {
        start -= 1;
    }
    let mut end = start;
    while line_chars.get(end).copied().is_some_and(is_word_char) {
        end += 1;
    }
    let word: String = line_chars
        .get(start..end)
        .map(|s| s.iter().collect())
        .unwrap_or_default();
    let is_value_error =
        described.starts_with("expected value") || described.starts_with("expected ident");
    let (message, report_column) = if is_value_error
        && !word.is_empty()
        && word.chars().next().is_some_and(char::is_alphabetic)
    {
        (
            format!(
                "Unrecognized token '{word}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
            ),
            end + 1,
        )
    } else {
        (capitalize(&described), column)
    };
    let source = source_desc(text, line, report_column);
    Diagnostic {
        severity: Severity::Error,
        code: codes::INVALID_JSON_DESCRIPTION.into(),
        message: format!("{message}\n at {source}"),
        location: Some(source),
        line: Some(line as u32),
        column: Some(report_column as u32),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
