//! [`crate::read_files`] as JSON text, for a host that reads templates in another wasm module
//! (the playground keeps the YAML reader out of its first download and loads it on the first
//! Import): the host sends a [`files_request`], the module [`serve_files`] it, answering
//! [`encode`]'s text, and the host [`decode`]s that.
//!
//! A definition crosses as its text: the way back to the file's lines and columns (the YAML
//! tree) stays in the module, so a decoded [`Definition`]'s diagnostics carry pointers and no
//! positions. What the host needs from an import (the machines, their text, what is left to
//! fill in) is all there.

use serde_json::{json, Map, Value as Json};

use crate::{
    Definition, Diagnostic, Machine, MachineType, Options, Pos, ReadError, Severity, Source,
};

/// Files to read together (name and text each), as text.
pub fn files_request(files: &[(&str, &str)]) -> String {
    let files: Vec<Json> = files
        .iter()
        .map(|(name, text)| json!({ "name": name, "text": text }))
        .collect();
    Json::Array(files).to_string()
}

/// The module's side: reads a [`files_request`] with [`crate::read_files`] and answers
/// [`encode`]'s text.
pub fn serve_files(request: &str, options: &Options) -> String {
    let files: Option<Vec<(String, String)>> =
        serde_json::from_str::<Json>(request).ok().and_then(|v| {
            v.as_array()?
                .iter()
                .map(|f| Some((str_at(f, "name")?.to_owned(), str_at(f, "text")?.to_owned())))
                .collect()
        });
    let read = match &files {
        Some(files) => {
            let files: Vec<(&str, &str)> = files
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            crate::read_files(&files, options)
        }
        None => Err(ReadError {
            file: String::new(),
            message: "the template reader got a request it could not read".into(),
            pos: None,
        }),
    };
    encode(&read)
}

/// The answer as text: `{"machines": [...]}` or `{"error": {...}}`.
pub fn encode(read: &Result<Vec<Machine>, ReadError>) -> String {
    match read {
        Ok(machines) => json!({ "machines": machines.iter().map(machine).collect::<Vec<_>>() }),
        Err(e) => json!({ "error": {
            "file": e.file,
            "message": e.message,
            "line": e.pos.map(|p| p.line),
            "column": e.pos.map(|p| p.column),
        }}),
    }
    .to_string()
}

fn machine(m: &Machine) -> Json {
    let source = match &m.source {
        Source::Definition(d) => json!({ "definition": { "file": d.file, "text": d.text } }),
        Source::File {
            path,
            substitutions,
        } => json!({ "file": { "path": path, "substitutions": substitutions } }),
        Source::Unavailable(d) => json!({ "unavailable": d }),
    };
    json!({
        "name": m.name,
        "logicalId": m.logical_id,
        "type": m.machine_type,
        "source": source,
    })
}

/// Reads [`encode`]'s text back. Text that is not such an answer (a module of another version,
/// a damaged download) is a [`ReadError`] naming `file`, never a panic.
pub fn decode(file: &str, text: &str) -> Result<Vec<Machine>, ReadError> {
    let broken = || ReadError {
        file: file.to_owned(),
        message: "the template reader gave an answer that could not be read".into(),
        pos: None,
    };
    let answer: Json = serde_json::from_str(text).map_err(|_| broken())?;
    if let Some(e) = answer.get("error") {
        let number = |key: &str| {
            e.get(key)
                .and_then(Json::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        return Err(ReadError {
            file: str_at(e, "file").ok_or_else(broken)?.to_owned(),
            message: str_at(e, "message").ok_or_else(broken)?.to_owned(),
            pos: number("line")
                .zip(number("column"))
                .map(|(line, column)| Pos { line, column }),
        });
    }
    answer
        .get("machines")
        .and_then(Json::as_array)
        .ok_or_else(broken)?
        .iter()
        .map(|m| decode_machine(m).ok_or_else(broken))
        .collect()
}

fn str_at<'a>(value: &'a Json, key: &str) -> Option<&'a str> {
    value.get(key)?.as_str()
}

fn decode_machine(m: &Json) -> Option<Machine> {
    let source = m.get("source")?;
    let source = if let Some(d) = source.get("definition") {
        Source::Definition(Definition::detached(str_at(d, "file")?, str_at(d, "text")?))
    } else if let Some(f) = source.get("file") {
        let substitutions = match f.get("substitutions") {
            Some(Json::Object(members)) => strings(members)?,
            _ => return None,
        };
        Source::File {
            path: str_at(f, "path")?.to_owned(),
            substitutions,
        }
    } else {
        Source::Unavailable(decode_diagnostic(source.get("unavailable")?)?)
    };
    Some(Machine {
        name: str_at(m, "name")?.to_owned(),
        logical_id: match m.get("logicalId")? {
            Json::Null => None,
            id => Some(id.as_str()?.to_owned()),
        },
        machine_type: match str_at(m, "type")? {
            "STANDARD" => MachineType::Standard,
            "EXPRESS" => MachineType::Express,
            _ => return None,
        },
        source,
    })
}

/// Read by hand rather than through serde: the playground carries this code in its first
/// download, and serde's reader of a `Value` costs more there than these lines.
fn decode_diagnostic(d: &Json) -> Option<Diagnostic> {
    let number = |key: &str| match d.get(key) {
        None | Some(Json::Null) => Some(None),
        Some(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()).map(Some),
    };
    Some(Diagnostic {
        severity: match str_at(d, "severity")? {
            "ERROR" => Severity::Error,
            "WARNING" => Severity::Warning,
            _ => return None,
        },
        code: str_at(d, "code")?.to_owned(),
        message: str_at(d, "message")?.to_owned(),
        location: match d.get("location") {
            None | Some(Json::Null) => None,
            Some(l) => Some(l.as_str()?.to_owned()),
        },
        line: number("line")?,
        column: number("column")?,
    })
}

fn strings(members: &Map<String, Json>) -> Option<std::collections::BTreeMap<String, String>> {
    members
        .iter()
        .map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read, Options};

    /// Everything a read can give (a definition, a DefinitionUri, a machine with nothing to
    /// check, an Express type, a logical id) crosses unchanged.
    #[test]
    fn a_template_read_crosses_unchanged() {
        let template = "Transform: AWS::Serverless-2016-10-31
Resources:
  Parent:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Go
        States:
          Go: {Type: Task, Resource: '${Fn}', End: true}
  Later:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/later.asl.yaml
      DefinitionSubstitutions: {Fn: arn:aws:lambda:us-east-1:123456789012:function:f}
  Elsewhere:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionS3Location: {Bucket: b, Key: k}
";
        let read = read("template.yaml", template, &Options::default());
        let machines = read.as_ref().unwrap();
        assert_eq!(machines.len(), 3);
        let back = decode("template.yaml", &encode(&read)).unwrap();
        for (m, b) in machines.iter().zip(&back) {
            assert_eq!(
                (&m.name, &m.logical_id, m.machine_type),
                (&b.name, &b.logical_id, b.machine_type)
            );
            match (&m.source, &b.source) {
                (Source::Definition(x), Source::Definition(y)) => {
                    assert_eq!((&x.file, &x.text), (&y.file, &y.text));
                    // The same findings, by pointer; only positions stay behind.
                    let strip = |d: &Definition| {
                        d.diagnostics(&Default::default())
                            .into_iter()
                            .map(|d| (d.code, d.message, d.location))
                            .collect::<Vec<_>>()
                    };
                    assert_eq!(strip(x), strip(y));
                    assert!(y
                        .diagnostics(&Default::default())
                        .iter()
                        .all(|d| d.line.is_none()));
                }
                (
                    Source::File {
                        path: p,
                        substitutions: s,
                    },
                    Source::File {
                        path: q,
                        substitutions: t,
                    },
                ) => assert_eq!((p, s), (q, t)),
                (Source::Unavailable(x), Source::Unavailable(y)) => assert_eq!(x, y),
                (x, y) => panic!("{x:?} came back as {y:?}"),
            }
        }
        assert_eq!(back[0].machine_type, MachineType::Express);
    }

    #[test]
    fn files_cross_to_the_reader_and_back() {
        let files = [
            (
                "flow.asl.yaml",
                "StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n",
            ),
            (
                "other.asl.json",
                r#"{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}"#,
            ),
        ];
        let answer = serve_files(&files_request(&files), &Options::default());
        let names: Vec<String> = decode("files", &answer)
            .unwrap()
            .into_iter()
            .map(|m| m.name)
            .collect();
        assert_eq!(names, ["flow", "other"]);
        for broken in ["", "{}", r#"[{"name": 1}]"#] {
            let e = decode("files", &serve_files(broken, &Options::default())).unwrap_err();
            assert!(e.message.contains("could not read"), "{broken}: {e}");
        }
    }

    #[test]
    fn a_read_error_crosses_with_its_position() {
        let read = read("bad.yaml", "StartAt: [A\n", &Options::default());
        let e = read.clone().unwrap_err();
        assert!(e.pos.is_some());
        assert_eq!(decode("bad.yaml", &encode(&read)).unwrap_err(), e);
    }

    #[test]
    fn what_is_not_an_answer_is_an_error() {
        for text in [
            "",
            "null",
            "[]",
            "{}",
            r#"{"machines": 3}"#,
            r#"{"machines": [{"name": "A"}]}"#,
            r#"{"machines": [{"name": "A", "logicalId": null, "type": "LOCAL", "source": {"definition": {"file": "f", "text": "{}"}}}]}"#,
            r#"{"machines": [{"name": "A", "logicalId": null, "type": "STANDARD", "source": {"file": {"path": "p", "substitutions": {"X": 1}}}}]}"#,
            r#"{"error": {"file": 1}}"#,
        ] {
            let e = decode("t.yaml", text).unwrap_err();
            assert_eq!(e.file, "t.yaml");
            assert!(e.message.contains("could not be read"), "{text}: {e}");
        }
        let unavailable = Diagnostic {
            severity: Severity::Warning,
            code: "X".into(),
            message: "m".into(),
            location: None,
            line: None,
            column: None,
        };
        let m = Machine {
            name: "A".into(),
            logical_id: None,
            machine_type: MachineType::Standard,
            source: Source::Unavailable(unavailable.clone()),
        };
        let back = decode("t.yaml", &encode(&Ok(vec![m]))).unwrap();
        assert!(matches!(&back[0].source, Source::Unavailable(d) if *d == unavailable));
    }
}
