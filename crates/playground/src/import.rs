//! What Import makes of a file: a Stepwise workspace (what Export writes), or the state machines
//! of a definition or template the way users keep them (ASL in JSON or YAML, SAM and
//! CloudFormation templates), read by `stepwise-templates`. Plain Rust, no UI.

use stepwise_templates::{Machine, MachineType, Source};

use crate::workspace::{MachineDoc, Workspace};

/// An imported workspace and what the user should know about it (machines left out, values
/// only a deployment knows).
pub struct Imported {
    pub workspace: Workspace,
    pub notes: Vec<String>,
}

/// The most Import reads at once (bytes, all chosen files together): far above what it is for
/// (a template is at most 1 MB, a definition 1 MiB, and a saved workspace has to fit the
/// browser's 5 MB of storage), low enough that a wrong file chosen by mistake is refused before
/// it is read into memory, and copied again to reach the template reader.
pub const MAX_IMPORT_BYTES: f64 = 16e6;

/// Why files of these sizes (name and bytes each) are not read; `None` when they may be.
pub fn too_large<'a>(files: impl IntoIterator<Item = (&'a str, f64)>) -> Option<String> {
    let (names, total) =
        files
            .into_iter()
            .fold((Vec::new(), 0.0), |(mut names, total), (name, bytes)| {
                names.push(name);
                (names, total + bytes)
            });
    (total > MAX_IMPORT_BYTES).then(|| {
        format!(
            "{}: {} is more than Import reads ({}). Templates and definitions are far smaller: \
             was another file chosen?",
            names.join(", "),
            crate::recorded::megabytes(total as usize),
            crate::recorded::megabytes(MAX_IMPORT_BYTES as usize)
        )
    })
}

/// A JSON object with `machines`: the workspace format.
fn is_workspace(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.get("machines").is_some())
}

/// Reads the files chosen for Import (name and text each, in the order chosen) and hands the
/// outcome to `then`: at once for a workspace, after the template reader (`templates_module.rs`,
/// maybe still to be fetched) for anything else, a template and the definition files its
/// `DefinitionUri`s name read together. An error names the file (and where in it, when known).
pub fn read(files: Vec<(String, String)>, then: impl FnOnce(Result<Imported, String>) + 'static) {
    if let Some((name, text)) = files.iter().find(|(_, text)| is_workspace(text)) {
        return then(if files.len() == 1 {
            read_workspace(text).map_err(|e| format!("{name}: {e}"))
        } else {
            Err(format!(
                "{name} is a Stepwise workspace: import it on its own, not with other files."
            ))
        });
    }
    let label = files
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let several = files.len() > 1;
    crate::templates_module::read(&files, move |machines| {
        then(
            machines
                .map_err(|e| e.to_string())
                .and_then(|m| from_machines(&label, m, several)),
        )
    });
}

/// Whether a definition file's text is meant as ASL: an object with `StartAt` or `States` (or
/// text that is not JSON, whose errors the editor shows).
fn is_definition(d: &stepwise_templates::Definition) -> bool {
    d.value()
        .is_none_or(|v| v.get("StartAt").is_some() || v.get("States").is_some())
}

fn read_workspace(text: &str) -> Result<Imported, String> {
    Workspace::from_json(text).map(|mut workspace| Imported {
        notes: (workspace.recording_problem.take())
            .map(|e| {
                format!("Its recorded executions could not be read ({e}); it opened without them.")
            })
            .into_iter()
            .collect(),
        workspace,
    })
}

/// The machines of definition and template files as a workspace, with what the user should
/// know about them. Among `several` files chosen together (a project's folder, say), a JSON or
/// YAML file that is no definition at all (`package.json`, a test event) is left out and named;
/// chosen alone, it opens with its errors shown.
fn from_machines(
    file_name: &str,
    machines: Vec<Machine>,
    several: bool,
) -> Result<Imported, String> {
    let (mut docs, mut notes) = (Vec::new(), Vec::new());
    for m in machines {
        match &m.source {
            Source::Definition(d) if several && m.logical_id.is_none() && !is_definition(d) => {
                notes.push(format!(
                    "{} was left out: it is not a state machine definition (no StartAt or \
                     States).",
                    d.file
                ));
            }
            Source::Definition(d) => {
                let unresolved = d
                    .diagnostics(&Default::default())
                    .iter()
                    .filter(|x| {
                        x.code == stepwise_templates::UNRESOLVED_PLACEHOLDER
                            || x.message == "Value is not a valid resource ARN"
                    })
                    .count();
                if unresolved > 0 {
                    notes.push(format!("{}: {unresolved} value(s) known only at deploy time are left as ${{...}}; fill them in.", m.name));
                }
                if m.machine_type == MachineType::Express {
                    notes.push(format!(
                        "{}: an EXPRESS machine in the template; it runs with Express semantics.",
                        m.name
                    ));
                }
                // Pretty text in the editor when the definition is JSON (it is, unless the
                // template's text is not).
                let definition = d
                    .value()
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
                    .unwrap_or_else(|| d.text.clone());
                docs.push(MachineDoc::new(
                    m.name.clone(),
                    definition,
                    m.machine_type == MachineType::Express,
                ));
            }
            Source::File { path, .. } => notes.push(format!(
                "{}: its definition is in {path} (DefinitionUri); import that file together \
                 with the template (choose both) to add it.",
                m.name
            )),
            Source::Unavailable(d) => notes.push(format!("{}: {}", m.name, d.message)),
        }
    }
    if docs.is_empty() {
        let why = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(" "))
        };
        return Err(format!(
            "{file_name} holds no state machine definition to import{why}"
        ));
    }
    Ok(Imported {
        workspace: Workspace::new(docs, "{}".into(), String::new()),
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_too_large_to_read_is_refused_before_reading() {
        assert_eq!(
            too_large([("template.yaml", 51_200.0), ("a.asl.json", 1e6)]),
            None
        );
        assert_eq!(too_large([("exactly.json", MAX_IMPORT_BYTES)]), None);
        let e = too_large([("a.json", 10e6), ("b.json", 7e6)]).unwrap();
        assert!(
            e.starts_with("a.json, b.json: 17.0 MB is more than Import reads (16.0 MB)"),
            "{e}"
        );
    }

    fn read_now(file_name: &str, text: &str) -> Result<Imported, String> {
        read_all(vec![(file_name.to_owned(), text.to_owned())])
    }

    fn names(imported: &Imported) -> Vec<&str> {
        let machines = &imported.workspace.machines;
        machines.iter().map(|m| m.name.as_str()).collect()
    }

    /// The tests link the template reader in, so `read` answers before it returns.
    fn read_all(files: Vec<(String, String)>) -> Result<Imported, String> {
        let outcome = std::rc::Rc::new(std::cell::RefCell::new(None));
        let put = std::rc::Rc::clone(&outcome);
        read(files, move |o| *put.borrow_mut() = Some(o));
        let answered = outcome.borrow_mut().take();
        answered.expect("answered at once")
    }

    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Resources:
  Parent:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Go
        States:
          Go:
            Type: Task
            Resource: arn:aws:states:::states:startExecution.sync:2
            Parameters:
              StateMachineArn: !Ref Child
              Input: {stage: !Ref Stage}
            End: true
  Child:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: !Sub child-${Stage}
      DefinitionString: !Sub |
        {\"StartAt\": \"Hi\", \"States\": {\"Hi\": {\"Type\": \"Pass\", \"Result\": \"${Stage}\", \"End\": true}}}
  Later:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/later.asl.yaml
";

    #[test]
    fn a_sam_template_becomes_a_workspace_that_runs() {
        let imported = read_now("template.yaml", TEMPLATE).unwrap();
        let names = names(&imported);
        assert_eq!(names, ["Parent", "child-dev"]);
        assert_eq!(imported.notes.len(), 1);
        assert!(
            imported.notes[0].contains("statemachine/later.asl.yaml"),
            "{:?}",
            imported.notes
        );
        let mut ws = imported.workspace;
        ws.start("Parent").unwrap();
        ws.run_frame(1_000, true);
        let e = &ws.engine().executions()[0];
        assert_eq!(e.status.as_str(), "SUCCEEDED", "{:?}", e.error);
        // The child is the template's Child, found through `!Ref Child`, with the parameter's default.
        let output = e.output.as_ref().map(|o| o.to_string()).unwrap_or_default();
        assert!(output.contains("\"Output\":\"dev\""), "{output}");
        assert!(output.contains(":child-dev:"), "{output}");
    }

    #[test]
    fn yaml_definitions_and_workspaces_and_bad_files() {
        let imported = read_now(
            "flow.asl.yaml",
            "StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n",
        )
        .unwrap();
        assert_eq!(imported.workspace.machines[0].name, "flow");
        assert!(imported.workspace.machines[0]
            .definition
            .contains("\"StartAt\": \"A\""));
        let saved = imported.workspace.to_json();
        assert_eq!(
            read_now("stepwise-workspace.json", &saved)
                .unwrap()
                .workspace
                .machines[0]
                .name,
            "flow"
        );
        let e = read_now("bad.yaml", "StartAt: [A\n").err().unwrap();
        assert!(e.starts_with("bad.yaml:"), "{e}");
        let e = read_now("t.yaml", "Resources:\n  Q: {Type: AWS::SQS::Queue}\n")
            .err()
            .unwrap();
        assert!(e.contains("no state machine"), "{e}");
    }

    /// A SAM project as it lies on disk: the template and the definition file its
    /// `DefinitionUri` names, chosen together, give one machine with that definition.
    #[test]
    fn a_template_imported_with_its_definition_files() {
        let later = "StartAt: Wait\nStates:\n  Wait: {Type: Wait, Seconds: 1, End: true}\n";
        let imported = read_all(vec![
            ("template.yaml".into(), TEMPLATE.into()),
            ("later.asl.yaml".into(), later.into()),
        ])
        .unwrap();
        let names = names(&imported);
        assert_eq!(names, ["Parent", "child-dev", "Later"]);
        assert!(imported.workspace.machines[2]
            .definition
            .contains("\"Seconds\": 1"));
        assert!(imported.notes.is_empty(), "{:?}", imported.notes);

        // Chosen with a project's other files, what is no definition is left out and named.
        let imported = read_all(vec![
            ("template.yaml".into(), TEMPLATE.into()),
            ("later.asl.yaml".into(), later.into()),
            (
                "package.json".into(),
                r#"{"name": "orders", "version": "1.0.0"}"#.into(),
            ),
            ("event.yaml".into(), "orderId: o-17\n".into()),
        ])
        .unwrap();
        assert_eq!(imported.workspace.machines.len(), 3);
        assert_eq!(imported.notes.len(), 2, "{:?}", imported.notes);
        assert!(imported.notes[0].starts_with("package.json was left out"));
        // Alone, it opens with its errors shown.
        let alone = read_now("package.json", r#"{"name": "orders"}"#).unwrap();
        assert_eq!(alone.workspace.machines[0].name, "package");

        // A workspace goes alone.
        let saved = imported.workspace.to_json();
        let e = read_all(vec![
            ("stepwise-workspace.json".into(), saved),
            ("later.asl.yaml".into(), later.into()),
        ])
        .err()
        .unwrap();
        assert!(e.contains("import it on its own"), "{e}");
        // Errors name the file they are about.
        let e = read_all(vec![
            ("template.yaml".into(), TEMPLATE.into()),
            ("later.asl.yaml".into(), "StartAt: [\n".into()),
        ])
        .err()
        .unwrap();
        assert!(e.starts_with("later.asl.yaml:"), "{e}");
    }

    /// The live warning of the machines panel, on what Import gives and on the gallery.
    #[test]
    fn a_start_execution_naming_no_machine_of_the_workspace_is_a_warning() {
        use crate::components::machines::workspace_diagnostics_for;
        let parent = r#"{"StartAt": "Go", "States": {"Go": {"Type": "Task", "End": true,
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Chlid", "Input": {}}}}}"#;
        let names = vec!["Parent".to_owned(), "Child".to_owned()];
        let diags = workspace_diagnostics_for(parent, Default::default(), &names);
        let d = diags
            .iter()
            .find(|d| d.code == "UNKNOWN_STATE_MACHINE")
            .expect("a warning");
        assert_eq!(
            d.message,
            "No state machine named 'Chlid' in the workspace: did you mean 'Child'?"
        );
        assert_eq!(d.line, Some(3));
        assert!(stepwise_asl::validate::is_valid(&diags));

        // An imported template's machines find each other; the gallery's examples too.
        let imported = read_now("template.yaml", TEMPLATE).unwrap().workspace;
        let mut workspaces = vec![imported];
        for e in crate::examples::EXAMPLES {
            workspaces.push(Workspace::from_json(e.json).unwrap());
        }
        for w in workspaces {
            let names: Vec<String> = w.machines.iter().map(|m| m.name.clone()).collect();
            for m in &w.machines {
                let diags = workspace_diagnostics_for(&m.definition, m.machine_type(), &names);
                assert!(
                    !diags.iter().any(|d| d.code == "UNKNOWN_STATE_MACHINE"),
                    "{}: {diags:?}",
                    m.name
                );
            }
        }
    }
}
