//! Lints the templates of every fixture and every built-in playground example (CloudFormation
//! and SAM, JSON and YAML) with cfn-lint, a tool from PyPI: ignored by a plain `cargo test`, run by
//! the `export` layer of `cargo xtask test`, which installs cfn-lint and sets `STEPWISE_CFN_LINT`.
//! By hand: `python3 -m venv .tools/cfn-venv && .tools/cfn-venv/bin/pip install cfn-lint` then
//! `STEPWISE_CFN_LINT=$PWD/.tools/cfn-venv/bin/cfn-lint cargo test -p stepwise-export --test cfn_lint -- --ignored`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use stepwise_export::{export, to_json, to_yaml, Format, Options};

fn write_templates(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (stem, ws) in common::fixtures().into_iter().chain(common::gallery()) {
        for (format, tag) in [(Format::CloudFormation, "cfn"), (Format::Sam, "sam")] {
            let t = export(
                &ws,
                &Options {
                    format,
                    ..Options::default()
                },
            )
            .unwrap_or_else(|e| panic!("{stem}: {e}"));
            for (ext, text) in [("json", to_json(&t)), ("yaml", to_yaml(&t).unwrap())] {
                let path = dir.join(format!("{stem}.{tag}.{ext}"));
                std::fs::write(&path, text).unwrap();
                files.push(path);
            }
        }
    }
    files
}

#[test]
#[ignore = "needs cfn-lint from PyPI: `cargo xtask test --only export` runs it"]
fn templates_pass_cfn_lint() {
    let cfn_lint = std::env::var_os("STEPWISE_CFN_LINT")
        .expect("STEPWISE_CFN_LINT must name the cfn-lint executable");
    // STEPWISE_EXPORT_OUT keeps the templates somewhere for a human to read.
    let keep = std::env::var_os("STEPWISE_EXPORT_OUT").map(PathBuf::from);
    let dir = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("stepwise-export-cfn-lint-{}", std::process::id()))
    });
    std::fs::create_dir_all(&dir).unwrap();
    let files = write_templates(&dir);
    assert_eq!(
        files.len(),
        (common::fixtures().len() + common::gallery().len()) * 4
    );
    let out = Command::new(&cfn_lint)
        // Informational findings are advice, not defects; errors and warnings fail the test.
        .args([
            "--format",
            "parseable",
            "--non-zero-exit-code",
            "warning",
            "--",
        ])
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", cfn_lint.to_string_lossy()));
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "cfn-lint found problems in {}:\n{report}",
        dir.display()
    );
    println!(
        "cfn-lint: {} templates clean ({})",
        files.len(),
        dir.display()
    );
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
