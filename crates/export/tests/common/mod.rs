// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::path::PathBuf;

use stepwise_export::Workspace;

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every fixture workspace, by file stem, in name order.
pub fn fixtures() -> Vec<(String, Workspace)> {
    workspaces_in(fixtures_dir(), "")
}

/// The playground's built-in examples (`www/examples/*.json`, workspace files), by file stem.
pub fn gallery() -> Vec<(String, Workspace)> {
    workspaces_in(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../www/examples"),
        "example-",
    )
}

/// The workspace files of `dir` (`index.json`, a gallery's table of contents, is not one), named
/// `prefix` + file stem, in name order.
fn workspaces_in(dir: PathBuf, prefix: &str) -> Vec<(String, Workspace)> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && p.file_stem().is_some_and(|s| s != "index")
        })
        .collect();
    entries.sort();
    entries
        .into_iter()
        .map(|p| {
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let ws = Workspace::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (
                format!("{prefix}{}", p.file_stem().unwrap().to_string_lossy()),
                ws,
            )
        })
        .collect()
}

pub fn fixture(stem: &str) -> Workspace {
    fixtures()
        .into_iter()
        .find(|(s, _)| s == stem)
        .unwrap_or_else(|| panic!("no fixture {stem}"))
        .1
}
