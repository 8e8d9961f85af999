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

/// Reads files chosen together, as a SAM or CloudFormation project holds them (a template and the
/// definition files its `DefinitionUri`s name). A `DefinitionUri` is resolved to the one chosen
/// file with the same name (its last path segment: a browser gives no folders), read with the
/// resource's `DefinitionSubstitutions`, and that file is then no machine of its own. Other
/// definition files give one machine each; a `DefinitionUri` naming no chosen file, or two,
/// stays a [`Source::File`]. Machines come in the order of the files.
pub fn read_files(files: &[(&str, &str)], options: &Options) -> Result<Vec<Machine>, ReadError> {
    fn base(path: &str) -> &str {
        path.rsplit(['/', '\\']).next().unwrap_or(path)
    }
    let mut read_each = Vec::with_capacity(files.len());
    for (name, text) in files {
        read_each.push(read(name, text, options)?);
    }
    let mut referenced = vec![false; files.len()];
    for machines in &mut read_each {
        for m in machines.iter_mut().filter(|m| m.logical_id.is_some()) {
            let Source::File {
                path,
                substitutions,
            } = &m.source
            else {
                continue;
            };
            let named: Vec<usize> = (0..files.len())
                .filter(|&i| base(files[i].0) == base(path))
                .collect();
            if let [i] = named[..] {
                let (name, text) = files[i];
                m.source = Source::Definition(read_definition_file(name, text, substitutions)?);
                referenced[i] = true;
            }
        }
    }
    Ok(read_each
        .into_iter()
        .zip(referenced)
        .flat_map(|(machines, referenced)| {
            // A definition file a template took in is that template's machine.
            machines
                .into_iter()
                .filter(move |m| !(referenced && m.logical_id.is_none()))
        })
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/orders.asl.yaml
      DefinitionSubstitutions: {Queue: https://sqs.example/q}
  Missing:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/missing.asl.json
";
    const ORDERS: &str = "StartAt: Send
States:
  Send:
    Type: Pass
    Result: {queue: '${Queue}'}
    End: true
";
    const LOOSE: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;

    #[test]
    fn a_template_takes_in_the_definition_files_chosen_with_it() {
        let files = [
            ("orders.asl.yaml", ORDERS),
            ("template.yaml", TEMPLATE),
            ("loose.asl.json", LOOSE),
        ];
        let machines = read_files(&files, &Options::default()).unwrap();
        let names: Vec<&str> = machines.iter().map(|m| m.name.as_str()).collect();
        // orders.asl.yaml is the template's Orders, not a machine of its own.
        assert_eq!(names, ["Orders", "Missing", "loose"]);
        let Source::Definition(orders) = &machines[0].source else {
            panic!("{:?}", machines[0].source)
        };
        assert_eq!(orders.file, "orders.asl.yaml");
        // Read with the resource's DefinitionSubstitutions.
        assert!(
            orders.text.contains("https://sqs.example/q"),
            "{}",
            orders.text
        );
        assert!(
            matches!(&machines[1].source, Source::File { path, .. } if path == "statemachine/missing.asl.json")
        );
    }

    #[test]
    fn two_chosen_files_of_the_same_name_leave_the_uri_unresolved() {
        let files = [
            ("template.yaml", TEMPLATE),
            ("orders.asl.yaml", ORDERS),
            ("orders.asl.yaml", ORDERS),
        ];
        let machines = read_files(&files, &Options::default()).unwrap();
        assert!(matches!(machines[0].source, Source::File { .. }));
        assert_eq!(machines.len(), 4, "both files stay machines of their own");
    }

    #[test]
    fn a_file_that_cannot_be_read_fails_the_whole_choice() {
        let files = [
            ("template.yaml", TEMPLATE),
            ("orders.asl.yaml", "StartAt: [A\n"),
        ];
        let e = read_files(&files, &Options::default()).unwrap_err();
        assert_eq!(e.file, "orders.asl.yaml");
    }
}
