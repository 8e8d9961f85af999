//! What the CLI's integration tests share: running the `stepwise` binary and reading what it
//! printed, and files of their own under the target directory. Each test file is a crate of its
//! own that uses a part of this.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

/// What one run of the binary gave.
pub struct Outcome {
    /// Standard output as JSON; `Null` when it is not JSON.
    pub json: Value,
    pub stdout: String,
    pub stderr: String,
    /// The exit code; -1 when a signal ended the process.
    pub code: i32,
    /// Exit code 0.
    pub ok: bool,
}

/// `stepwise ARGS…`, run in the crate's folder (fixture paths such as `tests/fixtures/…` are
/// relative to it).
pub fn stepwise(args: &[&str]) -> Outcome {
    let out = Command::new(env!("CARGO_BIN_EXE_stepwise"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the stepwise binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    Outcome {
        json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
        ok: out.status.success(),
    }
}

/// A folder of the test suite `suite`'s own under the target directory, created if missing.
pub fn scratch(suite: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(suite);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

/// Writes `text` as `name` in `suite`'s scratch folder; returns its path.
pub fn write(suite: &str, name: &str, text: &str) -> PathBuf {
    let path = scratch(suite).join(name);
    std::fs::write(&path, text).expect("write a test file");
    path
}
