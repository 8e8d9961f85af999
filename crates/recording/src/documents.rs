//! Splitting pasted text or files into the JSON documents the AWS CLI printed, and telling them
//! apart by shape. A text may hold several documents one after the other (pages of
//! `get-execution-history` run with `--max-items`/`--starting-token`, or `cat *.json`).

use serde_json::Value;
use std::fmt;

/// Where something is: a source (a file name, or "pasted text") and a line and column in it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    pub source: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.source, self.line, self.column)
    }
}

/// A problem with the input, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImportError {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// What one printed document is.
#[derive(Clone, Debug, PartialEq)]
pub enum Document {
    /// `get-execution-history`: its events and the token of the next page, if any (`nextToken`
    /// from the service with `--no-paginate`, `NextToken` from the CLI with `--max-items`).
    HistoryPage {
        events: Vec<Value>,
        next_token: Option<String>,
    },
    /// `describe-execution`.
    Execution(serde_json::Map<String, Value>),
    /// `describe-state-machine-for-execution` (or `describe-state-machine`): a definition.
    Machine(serde_json::Map<String, Value>),
}

/// A document with where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    pub at: Location,
    pub doc: Document,
}

/// The most documents one text may hold: far more than any history has pages (AWS pages hold up
/// to 1,000 events and a history at most 25,000), few enough to refuse garbage early.
pub const MAX_DOCUMENTS: usize = 10_000;

/// Every document of `text`, in order. A text that is not JSON, or ends inside a document, is
/// an error located where the reading stopped.
pub fn split(source: &str, text: &str) -> Result<Vec<Located>, ImportError> {
    let mut out = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        // The document starts at the first non-blank byte after the previous one.
        let start = stream.byte_offset();
        let skipped = text[start..]
            .find(|c: char| !c.is_whitespace())
            .map_or(text.len(), |n| start + n);
        let at = location(source, text, skipped);
        match stream.next() {
            None => break,
            Some(Ok(v)) => {
                if out.len() == MAX_DOCUMENTS {
                    return Err(ImportError {
                        location: at,
                        message: format!("more than {MAX_DOCUMENTS} JSON documents in one text"),
                    });
                }
                let doc = classify(v).map_err(|message| ImportError {
                    location: at.clone(),
                    message,
                })?;
                out.push(Located { at, doc });
            }
            Some(Err(e)) => {
                let location = Location {
                    source: source.to_owned(),
                    line: e.line(),
                    column: e.column(),
                };
                let message = if e.is_eof() {
                    format!(
                        "the text ends inside the JSON document that starts at line {}: it was cut short (copy the whole output of the command)",
                        at.line
                    )
                } else {
                    format!("not JSON as the AWS CLI prints it (`--output json`): {e}")
                };
                return Err(ImportError { location, message });
            }
        }
    }
    if out.is_empty() {
        return Err(ImportError {
            location: location(source, text, 0),
            message: "no JSON document here: paste the output of `aws stepfunctions get-execution-history --output json`".into(),
        });
    }
    Ok(out)
}

fn location(source: &str, text: &str, offset: usize) -> Location {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.len(), |n| before.len() - n - 1)
        + 1;
    Location {
        source: source.to_owned(),
        line,
        column,
    }
}

fn classify(v: Value) -> Result<Document, String> {
    let Value::Object(mut o) = v else {
        return Err(format!(
            "expected an object as the AWS CLI prints one, found {}",
            kind(&v)
        ));
    };
    if let Some(events) = o.remove("events") {
        let Value::Array(events) = events else {
            return Err(format!(
                "`events` should be a list of history events, found {}",
                kind(&events)
            ));
        };
        let next_token = match o.get("nextToken").or_else(|| o.get("NextToken")) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(format!("`nextToken` should be text, found {}", kind(other)))
            }
        };
        return Ok(Document::HistoryPage { events, next_token });
    }
    if o.contains_key("executionArn") && o.contains_key("status") {
        return Ok(Document::Execution(o));
    }
    if o.contains_key("definition") {
        return Ok(Document::Machine(o));
    }
    let keys: Vec<&str> = o.keys().map(String::as_str).take(8).collect();
    Err(format!(
        "not an output of get-execution-history (`events`), describe-execution (`executionArn`, `status`) or describe-state-machine-for-execution (`definition`); its keys: {keys:?}"
    ))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_concatenated_pages_and_locates_them() {
        let text = "{\"events\": [], \"nextToken\": \"t\"}\n\n  {\"events\": []}\n{\"executionArn\": \"a\", \"status\": \"SUCCEEDED\"}{\"definition\": \"{}\"}";
        let docs = split("h.json", text).unwrap();
        assert_eq!(docs.len(), 4);
        assert_eq!(
            docs[0].doc,
            Document::HistoryPage {
                events: vec![],
                next_token: Some("t".into())
            }
        );
        assert_eq!((docs[1].at.line, docs[1].at.column), (3, 3));
        assert!(matches!(docs[2].doc, Document::Execution(_)));
        assert!(matches!(docs[3].doc, Document::Machine(_)));
        assert_eq!(docs[3].at.to_string(), "h.json:4:45");
    }

    #[test]
    fn a_cut_text_and_foreign_documents_are_located_errors() {
        let e = split("p", "{\"events\": [\n {\"id\": 1,").unwrap_err();
        assert!(e.message.contains("cut short"), "{e}");
        assert_eq!(e.location.line, 2);
        let e = split("p", "{\"events\": []}\n[1, 2]").unwrap_err();
        assert_eq!(e.location.line, 2);
        assert!(e.message.contains("found a list"), "{e}");
        let e = split("p", "{\"Items\": []}").unwrap_err();
        assert!(e.message.contains("Items"), "{e}");
        assert!(split("p", "  \n").unwrap_err().message.contains("no JSON"));
        assert!(split("p", "{\"events\": [] oops").is_err());
    }
}
