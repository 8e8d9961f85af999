//! Files to machines: definition files (JSON or YAML) and CloudFormation/SAM templates, read
//! through `stepwise-templates`; this module only does the file reading that crate leaves out
//! (the template, the files its `DefinitionUri`s name, `--machine` files).

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;
use stepwise_asl::validate::{self, MachineType};
use stepwise_templates::{workspace, Definition, Diagnostic, Machine, Options, ReadError, Source};

pub fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// A machine of the workspace, its definition read (or why it could not be).
pub struct Loaded {
    pub machine: Machine,
    pub definition: Result<Definition, Diagnostic>,
    /// The file the machine was declared in (a template, or the definition file itself).
    pub declared_in: String,
}

impl Loaded {
    pub fn machine_type(&self, forced: Option<MachineType>) -> MachineType {
        forced.unwrap_or(self.machine.machine_type)
    }
}

/// Every machine in `path`: one for a definition file, each state machine of a template.
pub fn load(path: &str, options: &Options) -> Result<Vec<Loaded>, ReadError> {
    let text = read(path).map_err(|message| ReadError {
        file: path.to_owned(),
        message,
        pos: None,
    })?;
    let machines = stepwise_templates::read(path, &text, options)?;
    Ok(machines.into_iter().map(|m| resolve(path, m)).collect())
}

/// `--machine NAME=FILE`: a definition file under the name the user gives it.
pub fn load_named(name: &str, path: &str, options: &Options) -> Result<Loaded, ReadError> {
    let text = read(path).map_err(|message| ReadError {
        file: path.to_owned(),
        message,
        pos: None,
    })?;
    let definition = stepwise_templates::read_definition_file(path, &text, &options.substitutions)?;
    let machine = Machine {
        name: name.to_owned(),
        logical_id: None,
        machine_type: MachineType::Standard,
        source: Source::Definition(definition.clone()),
    };
    Ok(Loaded {
        machine,
        definition: Ok(definition),
        declared_in: path.to_owned(),
    })
}

/// Reads the file a `DefinitionUri` names, relative to the template's folder.
fn resolve(template: &str, machine: Machine) -> Loaded {
    let definition = match &machine.source {
        Source::Definition(d) => Ok(d.clone()),
        Source::Unavailable(d) => Err(d.clone()),
        Source::File {
            path,
            substitutions,
        } => {
            let full = Path::new(template)
                .parent()
                .unwrap_or(Path::new(""))
                .join(path);
            let full = full.to_string_lossy().into_owned();
            match read(&full) {
                Ok(text) => stepwise_templates::read_definition_file(&full, &text, substitutions)
                    .map_err(|e| e.to_diagnostic()),
                Err(message) => Err(ReadError {
                    file: template.to_owned(),
                    message: format!("DefinitionUri: {message}"),
                    pos: None,
                }
                .to_diagnostic()),
            }
        }
    };
    Loaded {
        machine,
        definition,
        declared_in: template.to_owned(),
    }
}

/// One machine's report: its diagnostics (located in the file they are about), the workspace's
/// warnings included when `known` names the workspace.
pub fn check(
    loaded: &Loaded,
    forced: Option<MachineType>,
    known: Option<&[&str]>,
) -> (String, Vec<Diagnostic>) {
    match &loaded.definition {
        Err(d) => (loaded.declared_in.clone(), vec![d.clone()]),
        Ok(def) => {
            let options = validate::Options {
                machine_type: loaded.machine_type(forced),
            };
            let mut diags = def.diagnostics(&options);
            if let (Some(known), Some(value)) = (known, def.value()) {
                diags.extend(def.locate(workspace::unknown_machines(&value, known)));
            }
            (def.file.clone(), diags)
        }
    }
}

/// `file:line:column: SEVERITY CODE message`, the way compilers print, for a terminal.
pub fn print_human(file: &str, machine: &str, diags: &[Diagnostic]) {
    for d in diags {
        let place = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            _ => file.to_owned(),
        };
        eprintln!(
            "{place}: {:?} {} [{machine}] {}",
            d.severity,
            d.code,
            d.message.lines().next().unwrap_or_default()
        );
    }
}

pub fn report(
    loaded: &Loaded,
    file: &str,
    diags: &[Diagnostic],
    forced: Option<MachineType>,
) -> Value {
    let ok = validate::is_valid(diags);
    let mut out = json!({
        "name": loaded.machine.name,
        "type": loaded.machine_type(forced).as_str(),
        "file": file,
        "result": if ok { "OK" } else { "FAIL" },
        "diagnostics": diags,
    });
    if let Some(id) = &loaded.machine.logical_id {
        out["logicalId"] = json!(id);
    }
    out
}

/// `KEY=VALUE` pairs of `--substitute`.
pub fn parse_substitution(arg: &str, into: &mut BTreeMap<String, String>) -> Result<(), String> {
    let (k, v) = arg.split_once('=').ok_or("--substitute needs KEY=VALUE")?;
    into.insert(k.to_owned(), v.to_owned());
    Ok(())
}

pub fn parse_type(arg: &str) -> Result<MachineType, String> {
    match arg.to_ascii_uppercase().as_str() {
        "STANDARD" => Ok(MachineType::Standard),
        "EXPRESS" => Ok(MachineType::Express),
        _ => Err(format!("--type is STANDARD or EXPRESS, not {arg}")),
    }
}
