//! One machine's definition: the JSON text the engine gets, and the way back from a place in
//! that text to the line and column of the file the user wrote.

use crate::intrinsics::{placeholders, substitute, substitute_json};
use crate::yaml::{Block, Node, Pos};
use crate::ReadError;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use stepwise_asl::validate::positions::PositionIndex;
use stepwise_asl::validate::{self, codes, Diagnostic, Severity};

/// The code of a warning about a `${...}` nobody gave a value.
pub const UNRESOLVED_PLACEHOLDER: &str = "UNRESOLVED_PLACEHOLDER";

/// AWS's answer to a `Resource` that is not an ARN, which a `${...}` left in place is not.
const NOT_AN_ARN: &str = "Value is not a valid resource ARN";

#[derive(Clone, Debug)]
pub struct Definition {
    /// The file the user wrote, which positions refer to.
    pub file: String,
    /// The definition as the engine takes it (substitutions applied).
    pub text: String,
    /// The text as written, when substitutions changed it: positions are looked up there, so
    /// that a value longer than its `${Name}` does not shift the columns after it.
    raw: Option<String>,
    origin: Origin,
}

#[derive(Clone, Debug)]
enum Origin {
    /// The text is the file's own (a JSON definition file): its positions are the file's.
    Text,
    /// A YAML or JSON value in the file (a YAML definition, a template's `Definition`).
    Tree(Box<Node>),
    /// Text inside a string of the file (`DefinitionString`): a literal block's lines are the
    /// file's lines; otherwise everything points at the string.
    Embedded { at: Pos, block: Option<Block> },
    /// Text joined from one string per line (`Fn::Join` with a line break): where each line's
    /// string starts in the file.
    Lines(Vec<Pos>),
    /// Read in another wasm module ([`crate::wire`]): only the text came over, so no place in the
    /// file is known.
    Detached,
}

fn changed(raw: &str, text: String) -> (String, Option<String>) {
    let raw = (raw != text).then(|| raw.to_owned());
    (text, raw)
}

impl Definition {
    pub(crate) fn from_text(
        file: &str,
        text: &str,
        substitutions: &BTreeMap<String, String>,
    ) -> Self {
        let (text, raw) = changed(text, substitute(text, substitutions));
        Definition {
            file: file.to_owned(),
            text,
            raw,
            origin: Origin::Text,
        }
    }

    /// A definition written as a YAML (or JSON-in-template) value without intrinsic functions.
    pub(crate) fn from_tree(
        file: &str,
        root: Node,
        substitutions: &BTreeMap<String, String>,
    ) -> Result<Self, ReadError> {
        if let Some(node) = find_intrinsic(&root) {
            let (name, _) = node.intrinsic().expect("found as an intrinsic");
            return Err(ReadError {
                file: file.to_owned(),
                message: format!("{name} in a definition file: only CloudFormation templates evaluate intrinsic functions"),
                pos: Some(node.pos),
            });
        }
        let json = root.to_json();
        Ok(Self::from_value(file, json, root, substitutions))
    }

    /// A template's `Definition`: its value with intrinsics evaluated, and the node it came from.
    pub(crate) fn from_value(
        file: &str,
        mut json: Json,
        node: Node,
        substitutions: &BTreeMap<String, String>,
    ) -> Self {
        substitute_json(&mut json, substitutions);
        Definition {
            file: file.to_owned(),
            text: json.to_string(),
            raw: None,
            origin: Origin::Tree(Box::new(node)),
        }
    }

    /// A template's `DefinitionString`, `at` the string node that holds its text as written
    /// (before `Fn::Sub`), or the lines it is joined from.
    pub(crate) fn from_embedded(
        file: &str,
        text: &str,
        at: &Node,
        lines: Option<Vec<Pos>>,
        substitutions: &BTreeMap<String, String>,
    ) -> Self {
        let written = at.as_str().unwrap_or(text);
        let (text, raw) = changed(written, substitute(text, substitutions));
        let origin = match lines {
            Some(lines) => Origin::Lines(lines),
            None => Origin::Embedded {
                at: at.pos,
                block: at.block,
            },
        };
        Definition {
            file: file.to_owned(),
            text,
            raw,
            origin,
        }
    }

    /// A definition whose text was read elsewhere ([`crate::wire::decode`]): its diagnostics
    /// carry pointers, not lines and columns.
    pub(crate) fn detached(file: &str, text: &str) -> Self {
        Definition {
            file: file.to_owned(),
            text: text.to_owned(),
            raw: None,
            origin: Origin::Detached,
        }
    }

    /// The definition as JSON, when it is JSON.
    pub fn value(&self) -> Option<Json> {
        serde_json::from_str(&self.text).ok()
    }

    /// Where a diagnostic is in the user's file: from its pointer (trees), or from its place in
    /// the definition's text (text the user wrote, possibly inside a string).
    fn place(
        &self,
        pointer: Option<&str>,
        text_pos: Option<(u32, u32)>,
        index: &mut Option<PositionIndex>,
    ) -> Option<Pos> {
        match &self.origin {
            Origin::Tree(root) => Some(root.lookup(pointer.unwrap_or("/")).pos),
            Origin::Detached => None,
            _ => {
                let mut written = || {
                    let raw = self
                        .raw
                        .as_deref()
                        .filter(|r| serde_json::from_str::<Json>(r).is_ok())?;
                    let index = index.get_or_insert_with(|| PositionIndex::build(raw));
                    index.lookup(pointer?).map(|p| (p.line, p.column))
                };
                let from_text = || {
                    text_pos.or_else(|| {
                        (self.raw.is_none())
                            .then(|| {
                                PositionIndex::build(&self.text)
                                    .lookup(pointer?)
                                    .map(|p| (p.line, p.column))
                            })
                            .flatten()
                    })
                };
                let (line, column) = written().or_else(from_text)?;
                match &self.origin {
                    Origin::Embedded { block: Some(b), .. } => Some(Pos {
                        line: b.first_line + line - 1,
                        column: b.indent + column,
                    }),
                    Origin::Embedded { at, .. } => Some(*at),
                    Origin::Lines(lines) => lines.get(line as usize - 1).map(|p| Pos {
                        line: p.line,
                        column: p.column + column,
                    }),
                    _ => Some(Pos { line, column }),
                }
            }
        }
    }

    /// AWS's diagnostics for this definition, plus the `${...}` placeholders left unfilled (an
    /// error in a `Resource`, as AWS answers there, a warning elsewhere), each at its line and
    /// column in [`Definition::file`].
    pub fn diagnostics(&self, options: &validate::Options) -> Vec<Diagnostic> {
        let mut diags = validate::validate_text_with(&self.text, options);
        if let Some(value) = self.value() {
            let mut found = Vec::new();
            unresolved(&value, "", &mut found);
            for (pointer, names) in found {
                let in_resource = is_state_resource(&pointer);
                let already = diags.iter().any(|d| {
                    d.location.as_deref() == Some(pointer.as_str()) && d.message == NOT_AN_ARN
                });
                if in_resource && already {
                    continue;
                }
                let list = names
                    .iter()
                    .map(|n| format!("${{{n}}}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let (severity, code, message) = if in_resource {
                    (
                        Severity::Error,
                        codes::SCHEMA_VALIDATION_FAILED,
                        NOT_AN_ARN.to_owned(),
                    )
                } else {
                    let hint = names
                        .iter()
                        .map(|n| format!("{n}=VALUE"))
                        .collect::<Vec<_>>()
                        .join(" ");
                    (
                        Severity::Warning,
                        UNRESOLVED_PLACEHOLDER,
                        format!("{list} has no value here: it is known only at deploy time (give one with --substitute {hint})"),
                    )
                };
                diags.push(Diagnostic {
                    severity,
                    code: code.to_owned(),
                    message,
                    location: Some(pointer),
                    line: None,
                    column: None,
                });
            }
        } else {
            let names: Vec<&str> = placeholders(&self.text);
            if !names.is_empty() {
                let list = names
                    .iter()
                    .map(|n| format!("${{{n}}}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                diags.push(Diagnostic {
                    severity: Severity::Warning,
                    code: UNRESOLVED_PLACEHOLDER.to_owned(),
                    message: format!("{list} has no value: the text is JSON only once it is substituted (--substitute NAME=VALUE)"),
                    location: None,
                    line: None,
                    column: None,
                });
            }
        }
        self.locate(diags)
    }

    /// Sets each diagnostic's line and column to the place in the user's file.
    pub fn locate(&self, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut index = None;
        for d in &mut diags {
            let pointer = d.location.as_deref().filter(|l| l.starts_with('/'));
            let text_pos = match (&self.origin, d.line, d.column) {
                (Origin::Tree(_), ..) => None,
                (_, Some(l), Some(c)) => Some((l, c)),
                _ => None,
            };
            let place = self.place(pointer, text_pos, &mut index);
            // A detached definition's text is not what the user wrote: no position rather than
            // one in the wrong text.
            if place.is_some() || matches!(self.origin, Origin::Detached) {
                d.line = place.map(|p| p.line);
                d.column = place.map(|p| p.column);
            }
        }
        diags
    }
}

fn find_intrinsic(node: &Node) -> Option<&Node> {
    if node.intrinsic().is_some() {
        return Some(node);
    }
    match &node.value {
        crate::yaml::Value::Seq(items) => items.iter().find_map(find_intrinsic),
        crate::yaml::Value::Map(members) => members.iter().find_map(|(_, n)| find_intrinsic(n)),
        _ => None,
    }
}

/// `/States/A/Resource`, `/States/P/Branches/0/States/B/Resource`, ... : a state's Resource.
fn is_state_resource(pointer: &str) -> bool {
    let parts: Vec<&str> = pointer.rsplitn(4, '/').collect();
    matches!(parts[..], ["Resource", _, "States", ..])
}

/// Strings with placeholders, by pointer.
fn unresolved(value: &Json, pointer: &str, out: &mut Vec<(String, Vec<String>)>) {
    let at = |key: &str| format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
    match value {
        Json::String(s) => {
            let names = placeholders(s);
            if !names.is_empty() {
                out.push((
                    if pointer.is_empty() {
                        "/".to_owned()
                    } else {
                        pointer.to_owned()
                    },
                    names.into_iter().map(str::to_owned).collect(),
                ));
            }
        }
        Json::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| unresolved(v, &at(&i.to_string()), out)),
        Json::Object(members) => {
            for (k, v) in members {
                let names = placeholders(k);
                if !names.is_empty() {
                    out.push((at(k), names.into_iter().map(str::to_owned).collect()));
                }
                unresolved(v, &at(k), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_recognised_by_their_pointer() {
        assert!(is_state_resource("/States/A/Resource"));
        assert!(is_state_resource("/States/P/Branches/0/States/B/Resource"));
        assert!(!is_state_resource("/States/A/Parameters/Resource"));
        assert!(!is_state_resource("/Resource"));
    }
}
