//! Glue between the playground's workspace and `stepwise-export`: what the "Export to AWS"
//! dialog asks for. The exporter itself runs in the templates module (`templates_module.rs`),
//! so the dialog sends a [`request`] there. Plain Rust (no UI imports), tested natively and in
//! the browser.

use stepwise_export::Format;

pub use stepwise_export::wire::Rendered;

use crate::workspace::{Workspace, ACCOUNT, REGION};

/// The exporter's request for the editor contents. Definitions go over as the editor text, so a
/// definition that does not parse is reported by the exporter (naming the machine) rather
/// than silently dropped or rewritten here. The playground writes ARNs for its own region and
/// account, so those are the ones the exporter turns into the deploying stack's own.
pub fn request(ws: &Workspace, format: Format, yaml: bool) -> String {
    let machines: Vec<(&str, &str)> = ws
        .machines
        .iter()
        .map(|m| (m.name.as_str(), m.definition.as_str()))
        .collect();
    stepwise_export::wire::request(&machines, format, yaml, REGION, ACCOUNT)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::examples;
    use serde_json::Value;

    /// What the dialog shows (the tests link the exporter in, so it answers at once).
    fn render(ws: &Workspace, format: Format, yaml: bool) -> Result<Rendered, String> {
        let outcome = std::rc::Rc::new(std::cell::RefCell::new(None));
        let put = std::rc::Rc::clone(&outcome);
        crate::templates_module::export(request(ws, format, yaml), move |r| {
            *put.borrow_mut() = Some(r)
        });
        let answered = outcome.borrow_mut().take();
        answered.expect("answered at once")
    }

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
