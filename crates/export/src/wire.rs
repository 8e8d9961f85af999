//! Export as JSON text in and out, for a host that runs the exporter in another wasm module (the
//! playground leaves it, and the YAML writer, out of its first download and loads them with the
//! template reader on demand). The host builds a [`request`], the module [`serve`]s it, the host
//! reads the [`answer`]. Only the request and answer code lives in the host's module.

use serde_json::{json, Value};

use crate::{Format, Machine, Options, Workspace};

/// What a host shows for one choice of format and syntax.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The file a download saves (`template.yaml` or `template.json`).
    pub file_name: String,
    pub mime: String,
    pub text: String,
    /// The `aws cloudformation deploy` line for `file_name`.
    pub command: String,
}

/// A request to export `machines` (name and definition text, as the user wrote it: a definition
/// that does not parse is reported by the exporter, naming its machine). ARNs of
/// `source_region` / `source_account` become the deploying stack's own.
pub fn request(
    machines: &[(&str, &str)],
    format: Format,
    yaml: bool,
    source_region: &str,
    source_account: &str,
) -> String {
    let machines: Vec<Value> = machines
        .iter()
        .map(|(name, definition)| json!({ "name": name, "definition": definition }))
        .collect();
    json!({
        "machines": machines,
        "format": format.as_str(),
        "yaml": yaml,
        "sourceRegion": source_region,
        "sourceAccount": source_account,
    })
    .to_string()
}

/// Renders a [`request`] (the module's side): `{"rendered": {...}}`, or `{"error": "..."}` with
/// a message fit to show the user.
pub fn serve(request: &str) -> String {
    match read_request(request).and_then(|(ws, options, yaml)| render(&ws, &options, yaml)) {
        Ok(r) => json!({ "rendered": {
            "fileName": r.file_name,
            "mime": r.mime,
            "text": r.text,
            "command": r.command,
        }}),
        Err(message) => json!({ "error": message }),
    }
    .to_string()
}

/// Reads what [`serve`] answered. Text that is not such an answer (a module of another
/// version, a damaged download) is an error, never a panic.
pub fn answer(text: &str) -> Result<Rendered, String> {
    let broken = || "Cannot export: the exporter gave an answer that could not be read.".to_owned();
    let value: Value = serde_json::from_str(text).map_err(|_| broken())?;
    if let Some(message) = value.get("error") {
        return Err(message.as_str().ok_or_else(broken)?.to_owned());
    }
    let r = value.get("rendered").ok_or_else(broken)?;
    let field = |key: &str| r.get(key).and_then(Value::as_str).map(str::to_owned);
    Ok(Rendered {
        file_name: field("fileName").ok_or_else(broken)?,
        mime: field("mime").ok_or_else(broken)?,
        text: field("text").ok_or_else(broken)?,
        command: field("command").ok_or_else(broken)?,
    })
}

fn read_request(text: &str) -> Result<(Workspace, Options, bool), String> {
    let broken = || "Cannot export: the request could not be read.".to_owned();
    let value: Value = serde_json::from_str(text).map_err(|_| broken())?;
    let string = |key: &str| value.get(key).and_then(Value::as_str).ok_or_else(broken);
    let machines = value
        .get("machines")
        .and_then(Value::as_array)
        .ok_or_else(broken)?
        .iter()
        .map(|m| {
            let name = m.get("name").and_then(Value::as_str).ok_or_else(broken)?;
            let definition = m.get("definition").and_then(Value::as_str);
            let definition = definition.ok_or_else(broken)?;
            Ok(Machine::new(name, Value::String(definition.to_owned())))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let options = Options {
        format: string("format")?.parse().map_err(|_| broken())?,
        source_region: string("sourceRegion")?.to_owned(),
        source_account: string("sourceAccount")?.to_owned(),
        ..Options::default()
    };
    let yaml = value
        .get("yaml")
        .and_then(Value::as_bool)
        .ok_or_else(broken)?;
    Ok((Workspace::new(machines), options, yaml))
}

/// The template in the chosen syntax and the command that deploys it, or a message fit to show
/// the user.
pub fn render(workspace: &Workspace, options: &Options, yaml: bool) -> Result<Rendered, String> {
    if workspace.machines.is_empty() {
        return Err("The workspace has no state machine to export.".into());
    }
    let template = crate::export(workspace, options).map_err(|e| format!("Cannot export: {e}."))?;
    let (file_name, mime, text) = if yaml {
        let text = crate::to_yaml(&template).map_err(|e| format!("Cannot export: {e}."))?;
        ("template.yaml", "application/yaml", text)
    } else {
        (
            "template.json",
            "application/json",
            crate::to_json(&template),
        )
    };
    let command = crate::deploy_command(
        file_name,
        &crate::default_stack_name(workspace),
        options.format,
    );
    Ok(Rendered {
        file_name: file_name.into(),
        mime: mime.into(),
        text,
        command,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASS: &str = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;

    #[test]
    fn a_request_renders_as_the_exporter_does() {
        for (format, yaml) in [(Format::CloudFormation, true), (Format::Sam, false)] {
            let text = request(
                &[("Hello", PASS)],
                format,
                yaml,
                "eu-west-1",
                "111122223333",
            );
            let got = answer(&serve(&text)).unwrap();
            let ws = Workspace::new(vec![Machine::new("Hello", Value::String(PASS.into()))]);
            let options = Options {
                format,
                source_region: "eu-west-1".into(),
                source_account: "111122223333".into(),
                ..Options::default()
            };
            assert_eq!(got, render(&ws, &options, yaml).unwrap());
            assert_eq!(
                got.file_name,
                if yaml {
                    "template.yaml"
                } else {
                    "template.json"
                }
            );
        }
    }

    #[test]
    fn the_exporters_refusals_cross_as_messages() {
        let empty = request(
            &[],
            Format::CloudFormation,
            true,
            "us-east-1",
            "123456789012",
        );
        assert_eq!(
            answer(&serve(&empty)).unwrap_err(),
            "The workspace has no state machine to export."
        );
        let broken = request(
            &[("Broken", "{ \"StartAt\": ")],
            Format::Sam,
            true,
            "us-east-1",
            "123456789012",
        );
        let e = answer(&serve(&broken)).unwrap_err();
        assert!(
            e.starts_with("Cannot export: ") && e.contains("Broken"),
            "{e}"
        );
    }

    #[test]
    fn what_is_not_a_request_or_an_answer_is_an_error() {
        for text in ["", "[]", "{}", r#"{"machines": [{"name": 1}]}"#] {
            let e = answer(&serve(text)).unwrap_err();
            assert!(e.contains("request could not be read"), "{text}: {e}");
        }
        let bad_format = r#"{"machines": [], "format": "terraform", "yaml": true, "sourceRegion": "r", "sourceAccount": "a"}"#;
        assert!(answer(&serve(bad_format)).is_err());
        for text in [
            "",
            "{}",
            r#"{"rendered": {"fileName": "t"}}"#,
            r#"{"error": 3}"#,
        ] {
            let e = answer(text).unwrap_err();
            assert!(e.contains("could not be read"), "{text}: {e}");
        }
    }
}
