//! State machine definitions where users keep them: Amazon States Language in JSON (`.asl.json`)
//! or YAML (`.asl.yaml`, `.yml`), and CloudFormation or SAM templates (JSON or YAML, short-form
//! tags included) holding `AWS::StepFunctions::StateMachine` and `AWS::Serverless::StateMachine`
//! resources.
//!
//! Pure: the host reads files. A template's `DefinitionUri` comes back as [`Source::File`] for the
//! host to read and hand to [`read_definition_file`]. Diagnostics point at the line and column of
//! the file the user wrote ([`Definition::diagnostics`]).

#![forbid(unsafe_code)]

mod definition;
mod intrinsics;
mod template;
pub mod wire;
pub mod workspace;
pub mod yaml;

pub use definition::{Definition, UNRESOLVED_PLACEHOLDER};
pub use stepwise_asl::validate::{Diagnostic, MachineType, Severity};
pub use template::{Machine, Source};
pub use yaml::Pos;

use std::collections::BTreeMap;
use std::fmt;

/// What a reader needs besides the text.
#[derive(Clone, Debug)]
pub struct Options {
    /// Values known only at deploy time (`--substitute KEY=VALUE`): fill `${KEY}` and `!Ref KEY`
    /// / `!GetAtt KEY` wherever they appear.
    pub substitutions: BTreeMap<String, String>,
    /// The account machines are created in (`AWS::Region`, `AWS::AccountId`, machine ARNs).
    pub region: String,
    pub account: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            substitutions: BTreeMap::new(),
            region: "us-east-1".into(),
            account: "123456789012".into(),
        }
    }
}

/// A file that cannot be read as a definition or a template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub file: String,
    pub message: String,
    pub pos: Option<Pos>,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.column, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// The error as a diagnostic (code `INVALID_YAML` for text that is not YAML, else
    /// `INVALID_TEMPLATE`), for hosts that list problems rather than stop.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: if self.message.starts_with("YAML: ") {
                "INVALID_YAML"
            } else {
                "INVALID_TEMPLATE"
            }
            .to_owned(),
            message: self.message.trim_start_matches("YAML: ").to_owned(),
            location: None,
            line: self.pos.map(|p| p.line),
            column: self.pos.map(|p| p.column),
        }
    }
}

fn yaml_error(file: &str, e: yaml::Error) -> ReadError {
    ReadError {
        file: file.to_owned(),
        message: format!("YAML: {}", e.message),
        pos: e.pos,
    }
}

/// True for names read as JSON text (`.json`); everything else is read as YAML.
fn is_json_name(file: &str) -> bool {
    file.rsplit('.')
        .next()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"))
}

/// The name a definition file gives its machine: the file name without `.asl.json`, `.yaml`...
pub fn machine_name_of(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let lower = base.to_ascii_lowercase();
    let cut = [
        ".asl.json",
        ".asl.yaml",
        ".asl.yml",
        ".json",
        ".yaml",
        ".yml",
    ]
    .iter()
    .find(|ext| lower.ends_with(*ext))
    .map_or(base.len(), |ext| base.len() - ext.len());
    let name = &base[..cut];
    if name.is_empty() {
        "Main".to_owned()
    } else {
        name.to_owned()
    }
}

/// Reads a file: a template gives every state machine it declares, a definition gives one
/// machine named after the file.
pub fn read(file: &str, text: &str, options: &Options) -> Result<Vec<Machine>, ReadError> {
    if is_json_name(file) {
        // A JSON definition is checked as the text it is (AWS's JSON errors, its positions); a
        // JSON template is read through the YAML reader, which knows where each value is.
        let parsed: Option<serde_json::Value> = serde_json::from_str(text).ok();
        if !parsed.as_ref().is_some_and(template::looks_like_template) {
            let definition = read_definition_file(file, text, &options.substitutions)?;
            return Ok(vec![Machine::from_file(file, definition)]);
        }
    }
    let root = yaml::parse(text).map_err(|e| yaml_error(file, e))?;
    if template::node_looks_like_template(&root) {
        template::machines(file, &root, options)
    } else {
        let definition = Definition::from_tree(file, root, &options.substitutions)?;
        Ok(vec![Machine::from_file(file, definition)])
    }
}

/// A definition file (`.asl.json`, `.asl.yaml`), standalone or named by a `DefinitionUri`, with
/// `DefinitionSubstitutions`-style values applied.
pub fn read_definition_file(
    file: &str,
    text: &str,
    substitutions: &BTreeMap<String, String>,
) -> Result<Definition, ReadError> {
    if is_json_name(file) {
        return Ok(Definition::from_text(file, text, substitutions));
    }
    let root = yaml::parse(text).map_err(|e| yaml_error(file, e))?;
    Definition::from_tree(file, root, substitutions)
}
