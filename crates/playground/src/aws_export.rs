//! Glue between the playground's workspace and `stepwise-export`: what the "Export to AWS"
//! dialog shows. Plain Rust (no UI imports) so it is tested natively and in the browser.

use serde_json::Value;
use stepwise_export::{Format, Options};

use crate::workspace::{Workspace, ACCOUNT, REGION};

/// What the dialog displays for one choice of format and syntax.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendered {
    /// The file the Download button saves (`template.yaml` or `template.json`).
    pub file_name: &'static str,
    pub mime: &'static str,
    pub text: String,
    /// The `aws cloudformation deploy` line for `file_name`.
    pub command: String,
}

/// The exporter's view of the editor contents. Definitions go over as the editor text, so a
/// definition that does not parse is reported by the exporter (naming the machine) rather
/// than silently dropped or rewritten here.
pub fn export_workspace(ws: &Workspace) -> stepwise_export::Workspace {
    stepwise_export::Workspace::new(
        ws.machines
            .iter()
            .map(|m| {
                stepwise_export::Machine::new(m.name.clone(), Value::String(m.definition.clone()))
            })
            .collect(),
    )
}

/// Renders the template, or a message fit to show the user.
pub fn render(ws: &Workspace, format: Format, yaml: bool) -> Result<Rendered, String> {
    let doc = export_workspace(ws);
    if doc.machines.is_empty() {
        return Err("The workspace has no state machine to export.".into());
    }
    // The playground writes ARNs for this region and account, so those are the ones the
    // exporter turns into the deploying stack's own.
    let options = Options {
        format,
        source_region: REGION.into(),
        source_account: ACCOUNT.into(),
        ..Options::default()
    };
    let template =
        stepwise_export::export(&doc, &options).map_err(|e| format!("Cannot export: {e}."))?;
    let (file_name, mime, text) = if yaml {
        let text =
            stepwise_export::to_yaml(&template).map_err(|e| format!("Cannot export: {e}."))?;
        ("template.yaml", "application/yaml", text)
    } else {
        (
            "template.json",
            "application/json",
            stepwise_export::to_json(&template),
        )
    };
    let command = stepwise_export::deploy_command(
        file_name,
        &stepwise_export::default_stack_name(&doc),
        format,
    );
    Ok(Rendered {
        file_name,
        mime,
        text,
        command,
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::examples;

    fn example(file: &str) -> Workspace {
        Workspace::from_json(examples::by_file(file).unwrap().json).unwrap()
    }

    fn resources_of_type(template_json: &str, ty: &str) -> Vec<String> {
        let v: Value = serde_json::from_str(template_json).unwrap();
        v["Resources"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, r)| r["Type"] == ty)
            .map(|(k, _)| k.clone())
            .collect()
    }

    #[test]
    fn one_state_machine_resource_per_machine_in_every_example() {
        let cases = [
            (Format::CloudFormation, "AWS::StepFunctions::StateMachine"),
            (Format::Sam, "AWS::Serverless::StateMachine"),
        ];
        for ex in examples::EXAMPLES {
            let ws = example(ex.file);
            for (format, ty) in cases {
                let r = render(&ws, format, false)
                    .unwrap_or_else(|e| panic!("{} {format:?}: {e}", ex.file));
                assert_eq!(r.file_name, "template.json");
                let found = resources_of_type(&r.text, ty);
                assert_eq!(
                    found.len(),
                    ws.machines.len(),
                    "{} {format:?}: {found:?}",
                    ex.file
                );
            }
        }
    }

    #[test]
    fn sync_start_yaml_and_command() {
        let ws = example("sync-start.json");
        let r = render(&ws, Format::CloudFormation, true).unwrap();
        assert_eq!(r.file_name, "template.yaml");
        assert_eq!(
            r.text.matches("AWS::StepFunctions::StateMachine").count(),
            ws.machines.len()
        );
        assert!(r.text.contains("states:StartExecution"), "{}", r.text);
        assert!(
            r.command
                .starts_with("aws cloudformation deploy --template-file template.yaml "),
            "{}",
            r.command
        );
        assert!(r.command.contains("CAPABILITY_IAM"), "{}", r.command);

        let sam = render(&ws, Format::Sam, true).unwrap();
        assert!(sam.text.contains("AWS::Serverless::StateMachine"));
        assert!(
            sam.command.contains("CAPABILITY_AUTO_EXPAND"),
            "{}",
            sam.command
        );
    }

    #[test]
    fn bad_workspaces_give_messages() {
        let mut broken = example("sync-start.json");
        broken.set_definition(1, "{ \"StartAt\": ".into());
        let mut empty = example("sync-start.json");
        while empty.delete_machine(0) {}
        let mut array = example("sync-start.json");
        array.set_definition(0, "[1, 2]".into());
        let name = broken.machines[1].name.clone();
        let cases = [
            (broken, name.as_str()),
            (empty, "no state machine"),
            (array, "JSON object"),
        ];
        for (ws, want) in cases {
            let err = render(&ws, Format::CloudFormation, true).unwrap_err();
            assert!(err.contains(want), "{want}: {err}");
        }
    }
}
