//! The CLI's `export` module, compiled here as well so it is tested even before `main.rs`
//! wires it in (the CLI crate belongs to someone else).

mod common;

#[path = "../../cli/src/export.rs"]
mod cli_export;

fn fixture_path(stem: &str) -> String {
    common::fixtures_dir()
        .join(format!("{stem}.json"))
        .to_string_lossy()
        .into_owned()
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn formats_and_syntaxes() {
    let path = fixture_path("nested-sync");
    let cases: [(&[&str], &[&str]); 5] = [
        (
            &[],
            &[
                "AWSTemplateFormatVersion: \"2010-09-09\"",
                "Type: AWS::StepFunctions::StateMachine",
            ],
        ),
        (&["--yaml"], &["Type: AWS::IAM::Role"]),
        (
            &["--json"],
            &["\"AWSTemplateFormatVersion\": \"2010-09-09\""],
        ),
        (
            &["--format", "sam"],
            &[
                "Transform: AWS::Serverless-2016-10-31",
                "AWS::Serverless::StateMachine",
            ],
        ),
        (
            &["--format=sam", "--json"],
            &["\"Transform\": \"AWS::Serverless-2016-10-31\""],
        ),
    ];
    for (flags, wants) in cases {
        let mut a = args(flags);
        a.push(path.clone());
        let out = cli_export::run(&a).unwrap_or_else(|e| panic!("{flags:?}: {e}"));
        for want in wants {
            assert!(out.contains(want), "{flags:?}: missing {want}\n{out}");
        }
    }
}

#[test]
fn errors_are_messages() {
    let path = fixture_path("nested-sync");
    let cases: [(&[&str], &str); 6] = [
        (&[], "missing WORKSPACE.json"),
        (&["--format"], "--format needs a value"),
        (&["--format", "terraform", "x.json"], "unknown format"),
        (&["--bogus", "x.json"], "unknown option --bogus"),
        (
            &["/nonexistent/ws.json"],
            "cannot read /nonexistent/ws.json",
        ),
        (&[&path, &path], "one workspace file expected"),
    ];
    for (a, want) in cases {
        let err = cli_export::run(&args(a)).unwrap_err();
        assert!(err.contains(want), "{a:?}: {err}");
    }
    let cargo_toml = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let err = cli_export::run(&args(&[cargo_toml])).unwrap_err();
    assert!(err.contains("not a workspace file"), "{err}");
}
