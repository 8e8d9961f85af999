//! The state machines a CloudFormation or SAM template declares.

use crate::definition::Definition;
use crate::intrinsics::{placeholders, Scope};
use crate::yaml::{Node, Value};
use crate::{machine_name_of, Options, ReadError};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use stepwise_asl::validate::{codes, Diagnostic, MachineType, Severity};

const STEP_FUNCTIONS: &str = "AWS::StepFunctions::StateMachine";
const SERVERLESS: &str = "AWS::Serverless::StateMachine";

/// One state machine: from a definition file, or a resource of a template.
#[derive(Clone, Debug)]
pub struct Machine {
    /// The name it is created with: the template's `Name`/`StateMachineName` when written out,
    /// else the resource's logical id; a definition file's name without its extension.
    pub name: String,
    /// The resource's logical id in its template.
    pub logical_id: Option<String>,
    /// `Type` (SAM) or `StateMachineType`; Standard when not said.
    pub machine_type: MachineType,
    pub source: Source,
}

#[derive(Clone, Debug)]
pub enum Source {
    Definition(Definition),
    /// SAM's `DefinitionUri` naming a local file: `path` is relative to the template's folder.
    /// The host reads it and calls [`crate::read_definition_file`] with `substitutions`.
    File {
        path: String,
        substitutions: BTreeMap<String, String>,
    },
    /// Nothing here can be checked (a definition in S3, none at all): the diagnostic says why.
    Unavailable(Diagnostic),
}

impl Machine {
    pub(crate) fn from_file(file: &str, definition: Definition) -> Self {
        Machine {
            name: machine_name_of(file),
            logical_id: None,
            machine_type: MachineType::Standard,
            source: Source::Definition(definition),
        }
    }
}

/// A document with `Resources` (and, for JSON read with serde, that is an object) is a template.
pub(crate) fn looks_like_template(value: &Json) -> bool {
    value.get("Resources").is_some_and(Json::is_object) && value.get("StartAt").is_none()
}

pub(crate) fn node_looks_like_template(node: &Node) -> bool {
    node.get("Resources")
        .is_some_and(|r| matches!(r.value, Value::Map(_)))
        && node.get("StartAt").is_none()
}

fn resource_type(resource: &Node) -> Option<&str> {
    resource.get("Type")?.as_str()
}

/// Every `AWS::StepFunctions::StateMachine` and `AWS::Serverless::StateMachine`, in the order written.
pub(crate) fn machines(
    file: &str,
    root: &Node,
    options: &Options,
) -> Result<Vec<Machine>, ReadError> {
    let resources = root.get("Resources").map(Node::members).unwrap_or_default();
    // Inserted one by one: collecting into a BTreeMap sorts first, a sort instance of its own.
    let mut pseudo = BTreeMap::new();
    for (k, v) in [
        ("AWS::Region", options.region.as_str()),
        ("AWS::AccountId", options.account.as_str()),
        ("AWS::Partition", "aws"),
        ("AWS::URLSuffix", "amazonaws.com"),
    ] {
        pseudo.insert(k.to_owned(), v.to_owned());
    }
    let mut scope = Scope {
        user: &options.substitutions,
        pseudo,
        template: Some(root),
        machine_arns: BTreeMap::new(),
        machine_names: BTreeMap::new(),
        file,
    };
    let declared: Vec<(&String, &Node)> = resources
        .iter()
        .filter(|(_, r)| matches!(resource_type(r), Some(STEP_FUNCTIONS | SERVERLESS)))
        .map(|(k, r)| (k, r))
        .collect();
    // Names first: a machine may start another declared after it (`!Ref Child`).
    for (id, resource) in &declared {
        let props = resource.get("Properties");
        let name_field = if resource_type(resource) == Some(SERVERLESS) {
            "Name"
        } else {
            "StateMachineName"
        };
        let name = props
            .and_then(|p| p.get(name_field))
            .and_then(|n| scope.eval_string(n).ok())
            .filter(|n| placeholders(n).is_empty());
        let name = name.unwrap_or_else(|| (*id).clone());
        let arn = format!(
            "arn:aws:states:{}:{}:stateMachine:{name}",
            options.region, options.account
        );
        scope.machine_arns.insert((*id).clone(), arn);
        scope.machine_names.insert((*id).clone(), name);
    }
    declared
        .into_iter()
        .map(|(id, resource)| machine(&scope, id, resource))
        .collect()
}

fn machine(scope: &Scope, id: &str, resource: &Node) -> Result<Machine, ReadError> {
    let serverless = resource_type(resource) == Some(SERVERLESS);
    let props = resource.get("Properties");
    let prop = |key: &str| props.and_then(|p| p.get(key));
    let type_field = if serverless {
        "Type"
    } else {
        "StateMachineType"
    };
    let machine_type = match prop(type_field)
        .map(|t| scope.eval_string(t))
        .transpose()?
        .as_deref()
    {
        Some("EXPRESS") => MachineType::Express,
        _ => MachineType::Standard,
    };
    // DefinitionSubstitutions, as far as the template knows them; the user's values win.
    let mut substitutions = BTreeMap::new();
    if let Some(subs) = prop("DefinitionSubstitutions") {
        for (k, v) in subs.members() {
            let value = scope.eval_string(v)?;
            if placeholders(&value).is_empty() {
                substitutions.insert(k.clone(), value);
            }
        }
    }
    substitutions.extend(scope.user.iter().map(|(k, v)| (k.clone(), v.clone())));
    let name = scope
        .machine_names
        .get(id)
        .cloned()
        .unwrap_or_else(|| id.to_owned());
    let source = if let Some(def) = prop("Definition") {
        let json = scope.eval(def)?;
        Source::Definition(Definition::from_value(
            scope.file,
            json,
            def.clone(),
            &substitutions,
        ))
    } else if let Some(def) = prop("DefinitionString").filter(|_| !serverless) {
        let text = scope.eval_string(def)?;
        Source::Definition(Definition::from_embedded(
            scope.file,
            &text,
            text_node(def),
            joined_lines(def),
            &substitutions,
        ))
    } else if let Some(uri) = prop("DefinitionUri").filter(|_| serverless) {
        match scope.eval(uri)? {
            Json::String(path) if !path.starts_with("s3://") => Source::File {
                path,
                substitutions,
            },
            _ => unavailable(
                uri,
                "the definition is in S3 (DefinitionUri): it is not checked here",
            ),
        }
    } else if let Some(s3) = prop("DefinitionS3Location") {
        unavailable(
            s3,
            "the definition is in S3 (DefinitionS3Location): it is not checked here",
        )
    } else {
        let wanted = if serverless {
            "Definition or DefinitionUri"
        } else {
            "Definition, DefinitionString or DefinitionS3Location"
        };
        Source::Unavailable(Diagnostic {
            severity: Severity::Error,
            code: codes::SCHEMA_VALIDATION_FAILED.to_owned(),
            message: format!("{id} has no definition: one of {wanted} is required"),
            location: None,
            line: Some(resource.pos.line),
            column: Some(resource.pos.column),
        })
    };
    Ok(Machine {
        name,
        logical_id: Some(id.to_owned()),
        machine_type,
        source,
    })
}

fn unavailable(at: &Node, message: &str) -> Source {
    Source::Unavailable(Diagnostic {
        severity: Severity::Warning,
        code: "DEFINITION_NOT_LOCAL".to_owned(),
        message: message.to_owned(),
        location: None,
        line: Some(at.pos.line),
        column: Some(at.pos.column),
    })
}

/// `Fn::Join` of literal strings with a line break: where each line starts (inside its quote
/// when quoted).
fn joined_lines(def: &Node) -> Option<Vec<crate::Pos>> {
    let (name, arg) = def.intrinsic()?;
    let Value::Seq(parts) = &arg.value else {
        return None;
    };
    let [delimiter, list] = &parts[..] else {
        return None;
    };
    let Value::Seq(items) = &list.value else {
        return None;
    };
    if delimiter.as_str() != Some("\n") || name != "Fn::Join" {
        return None;
    }
    items
        .iter()
        .map(|n| {
            n.as_str().map(|_| crate::Pos {
                line: n.pos.line,
                column: n.pos.column + u32::from(n.quoted) - 1,
            })
        })
        .collect()
}

/// The string node whose text a `DefinitionString` holds: itself, or the text of its `Fn::Sub`,
/// so that a literal block's lines can be followed.
fn text_node(def: &Node) -> &Node {
    match def.intrinsic() {
        Some(("Fn::Sub", arg)) => match &arg.value {
            Value::Seq(parts) if !parts.is_empty() => &parts[0],
            _ => arg,
        },
        _ => def,
    }
}
