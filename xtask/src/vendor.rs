//! The `vendor` layer of `cargo xtask test`: the patched jsonata-core in `vendor/jsonata-core`,
//! which is not a workspace member (its tests would join `cargo test --workspace`, its optional
//! dependencies the workspace lock), checked as a crate of its own:
//! - VENDORED.md's file table against the published crate (`UPSTREAM_FILES`): every file that
//!   differs from it or is ours has a row, every row names such a file, and every published
//!   file left out is named under "Left out of the copy";
//! - `cargo fmt --check` (upstream's code is rustfmt-clean, and so are our changes);
//! - clippy with warnings as errors, which includes the crate's `clippy.toml` ban on wall
//!   clocks;
//! - its tests: unit tests, the integration tests kept from upstream, doc tests.
//!
//! The first three count as one test each, the tests one by one.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::setup;
use crate::test::{harness_outcome, Outcome};
use crate::util::{self, Result};

/// The vendored crate, relative to the workspace root.
const CRATE_DIR: &str = "vendor/jsonata-core";

pub fn test() -> Result<Outcome> {
    let root = util::root();
    let dir = root.join(CRATE_DIR);
    // Built on its own, the crate has its own lock: it starts as the workspace's, so the tests
    // run on the versions the product uses (cargo adds the optional dependencies the workspace
    // never resolves). It is not committed (vendor/jsonata-core/.gitignore).
    util::copy_file(&root.join("Cargo.lock"), &dir.join("Cargo.lock"))?;
    let mut outcome = Outcome::default();
    let mut failures = Vec::new();
    let table = check_file_table(&root);
    let mut fmt = cargo_in_crate(&root, "fmt");
    fmt.arg("--check");
    let mut clippy = cargo_in_crate(&root, "clippy");
    clippy.args(["--all-targets", "--", "-D", "warnings"]);
    for (name, result) in [
        ("VENDORED.md file table", table),
        ("cargo fmt --check", util::run(&mut fmt)),
        ("clippy", util::run(&mut clippy)),
    ] {
        match result {
            Ok(()) => outcome.passed += 1,
            Err(error) => {
                println!("{name}: {error}");
                outcome.failed += 1;
                failures.push(name);
            }
        }
    }
    // --no-fail-fast: every test binary runs, so the counts cover all of them.
    let mut test = cargo_in_crate(&root, "test");
    test.arg("--no-fail-fast");
    let tests = harness_outcome(&mut test)?;
    outcome.passed += tests.passed;
    outcome.failed += tests.failed;
    if !tests.note.is_empty() {
        failures.push("tests");
    }
    if !failures.is_empty() {
        outcome.note = format!("failed: {}", failures.join(", "));
    }
    Ok(outcome)
}

/// `cargo SUBCOMMAND` on the vendored crate's manifest, building into the workspace's target
/// dir (a crate of its own would otherwise make `vendor/jsonata-core/target`).
fn cargo_in_crate(root: &Path, subcommand: &str) -> Command {
    let mut cmd = setup::cargo();
    cmd.arg(subcommand)
        .arg("--manifest-path")
        .arg(root.join(CRATE_DIR).join("Cargo.toml"));
    if subcommand != "fmt" {
        cmd.arg("--target-dir").arg(util::target_dir());
    }
    cmd
}

/// Compares the copy with the published crate and VENDORED.md's account of it.
fn check_file_table(root: &Path) -> Result<()> {
    let dir = root.join(CRATE_DIR);
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| format!("reading {CRATE_DIR}/{name}: {e}"))
    };
    let upstream = parse_upstream(&read("UPSTREAM_FILES")?)?;
    let vendored = read("VENDORED.md")?;
    let copy = copy_blobs(root)?;
    let problems = file_table_problems(
        &upstream,
        &copy,
        &table_rows(&vendored),
        &left_out(&vendored),
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "VENDORED.md does not match the copy:\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// `(blob id, path)` per line of `UPSTREAM_FILES`; `#` starts a comment line.
fn parse_upstream(text: &str) -> Result<Vec<(String, String)>> {
    text.lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            line.split_once(' ')
                .map(|(blob, path)| (blob.to_owned(), path.to_owned()))
                .ok_or_else(|| format!("UPSTREAM_FILES: no `blob path` in `{line}`"))
        })
        .collect()
}

/// The copy's files (tracked, or new and not ignored) with their git blob ids, paths relative to
/// the crate.
fn copy_blobs(root: &Path) -> Result<Vec<(String, String)>> {
    let listed = Command::new("git")
        .current_dir(root)
        .args([
            "ls-files",
            "--cached",
            "--others",
            "--exclude-standard",
            "--",
        ])
        .arg(CRATE_DIR)
        .output()
        .map_err(|e| format!("running git ls-files: {e}"))?;
    if !listed.status.success() {
        return Err(format!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&listed.stderr)
        ));
    }
    let paths: BTreeSet<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter(|path| root.join(path).is_file())
        .map(str::to_owned)
        .collect();
    let paths: Vec<String> = paths.into_iter().collect();
    let hashed = Command::new("git")
        .current_dir(root)
        .arg("hash-object")
        .arg("--")
        .args(&paths)
        .output()
        .map_err(|e| format!("running git hash-object: {e}"))?;
    let blobs: Vec<String> = String::from_utf8_lossy(&hashed.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    if !hashed.status.success() || blobs.len() != paths.len() {
        return Err(format!(
            "git hash-object failed: {}",
            String::from_utf8_lossy(&hashed.stderr)
        ));
    }
    let prefix = format!("{CRATE_DIR}/");
    Ok(blobs
        .into_iter()
        .zip(paths)
        .map(|(blob, path)| (blob, path.strip_prefix(&prefix).unwrap_or(&path).to_owned()))
        .collect())
}

/// The paths in the first column of the "## Files" table: rows that start with ``| `path` |``.
fn table_rows(vendored: &str) -> BTreeSet<String> {
    section(vendored, "## Files")
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`'))
        .map(|(path, _)| path.to_owned())
        .collect()
}

/// Everything in backticks under "## Left out of the copy" (a path ending in `/` covers the
/// folder).
fn left_out(vendored: &str) -> Vec<String> {
    let text: Vec<&str> = section(vendored, "## Left out of the copy").collect();
    text.join("\n")
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The lines of the `## ` section titled `title`, up to the next `## `.
fn section<'a>(text: &'a str, title: &'a str) -> impl Iterator<Item = &'a str> {
    text.lines()
        .skip_while(move |line| line.trim_end() != title)
        .skip(1)
        .take_while(|line| !line.starts_with("## "))
}

/// What does not match: a changed or added file without a row, a row for an unchanged or
/// missing file, a published file left out without saying so.
fn file_table_problems(
    upstream: &[(String, String)],
    copy: &[(String, String)],
    rows: &BTreeSet<String>,
    left_out: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut differing = BTreeSet::new();
    for (blob, path) in copy {
        match upstream.iter().find(|(_, p)| p == path) {
            Some((published, _)) if published == blob => {}
            Some(_) => {
                differing.insert(path.clone());
            }
            None => {
                differing.insert(path.clone());
            }
        }
    }
    for path in &differing {
        if !rows.contains(path) {
            problems.push(format!(
                "`{path}` differs from the published crate (or is ours) but has no row"
            ));
        }
    }
    for path in rows {
        if !differing.contains(path) {
            problems.push(format!(
                "the row for `{path}` names a file that is missing or identical to the published one"
            ));
        }
    }
    for (_, path) in upstream {
        let kept = copy.iter().any(|(_, p)| p == path);
        let named = left_out
            .iter()
            .any(|item| item == path || (item.ends_with('/') && path.starts_with(item.as_str())));
        if !kept && !named {
            problems.push(format!(
                "`{path}` of the published crate is neither in the copy nor left out by name"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(b, p)| ((*b).to_owned(), (*p).to_owned()))
            .collect()
    }

    const VENDORED: &str =
        "# title\n\n## Left out of the copy\n- `tests/`, `benches/` and\n  more\n\
        - `SECURITY.md`\n\n## Files\n| File | Changes |\n|---|---|\n| `src/a.rs` | 1 |\n\
        | `src/new.rs` | 2 |\n\n## Later\n| `src/not-a-row.rs` | x |\n";

    #[test]
    fn reads_the_table_and_the_left_out_list() {
        assert_eq!(
            table_rows(VENDORED).into_iter().collect::<Vec<_>>(),
            ["src/a.rs", "src/new.rs"]
        );
        assert_eq!(left_out(VENDORED), ["tests/", "benches/", "SECURITY.md"]);
    }

    #[test]
    fn every_difference_needs_a_row_and_every_row_a_difference() {
        let upstream = pairs(&[
            ("1", "src/a.rs"),
            ("2", "src/b.rs"),
            ("3", "tests/x.rs"),
            ("4", "SECURITY.md"),
            ("5", "CONTRIBUTORS.md"),
        ]);
        let rows = table_rows(VENDORED);
        let left = left_out(VENDORED);
        // a.rs changed and new.rs added, both with rows; b.rs unchanged; CONTRIBUTORS.md kept.
        let copy = pairs(&[
            ("9", "src/a.rs"),
            ("2", "src/b.rs"),
            ("7", "src/new.rs"),
            ("5", "CONTRIBUTORS.md"),
        ]);
        assert_eq!(
            file_table_problems(&upstream, &copy, &rows, &left),
            Vec::<String>::new()
        );
        // b.rs changed without a row; a.rs back to the published text while keeping its row;
        // CONTRIBUTORS.md dropped without a word.
        let copy = pairs(&[("1", "src/a.rs"), ("8", "src/b.rs"), ("7", "src/new.rs")]);
        let problems = file_table_problems(&upstream, &copy, &rows, &left);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].starts_with("`src/b.rs` differs"));
        assert!(problems[1].starts_with("the row for `src/a.rs`"));
        assert!(problems[2].starts_with("`CONTRIBUTORS.md` of the published crate"));
    }

    #[test]
    fn the_real_table_matches_the_copy() {
        // The same check the layer runs, so that `cargo test -p xtask` catches a stale table.
        check_file_table(&util::root()).unwrap();
    }
}
