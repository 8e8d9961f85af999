//! Paths, steps and child processes shared by the subcommands.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub type Result<T> = std::result::Result<T, String>;

/// The workspace root: xtask sits one level below it. `cargo run` names xtask's folder at run
/// time; the path compiled in is only a fallback, since a binary built in another clone that
/// shares the target dir would otherwise work on that clone.
pub fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask has a parent")
        .to_path_buf()
}

/// Where cargo puts its output for the commands xtask runs: the caller's `CARGO_TARGET_DIR` if
/// set (cargo resolves a relative one against the current directory), else `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir()
                    .map(|cwd| cwd.join(&dir))
                    .unwrap_or(dir)
            }
        }
        _ => root().join("target"),
    }
}

/// The npm project whose `node_modules` holds the pinned JS tools (wasm-opt and playwright-core).
pub fn npm_dir() -> PathBuf {
    root().join("tests/e2e")
}

/// The code editor's npm package (CodeMirror 6 and our ASL support), bundled into `dist/`.
pub fn editor_dir() -> PathBuf {
    root().join("www/editor")
}

pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

/// Runs `f` as a named step, printing its name first and its duration after.
pub fn step<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    println!("==> {name}");
    let _ = std::io::stdout().flush();
    let started = Instant::now();
    let result = f();
    let took = secs(started);
    match &result {
        Ok(_) => println!("<== {name}: done in {took}"),
        Err(_) => println!("<== {name}: FAILED after {took}"),
    }
    result
}

pub fn secs(since: Instant) -> String {
    format!("{:.1}s", since.elapsed().as_secs_f64())
}

pub fn describe(cmd: &Command) -> String {
    let mut text = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// Runs a command with inherited output and fails unless it exits with 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let text = describe(cmd);
    println!("$ {text}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{text}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{text}` failed ({status})"))
    }
}

/// Runs a command, echoing its stdout line by line (through `show`) while keeping every line for
/// parsing; stderr is passed through. The exit status is returned, not judged: test harnesses
/// exit non-zero on failing tests, and the caller still wants the counts.
pub fn run_tee(
    cmd: &mut Command,
    mut show: impl FnMut(&str) -> bool,
) -> Result<(bool, Vec<String>)> {
    let text = describe(cmd);
    println!("$ {text}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start `{text}`: {e}"))?;
    let mut lines = Vec::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading the output of `{text}`: {e}"))?;
        if show(&line) {
            println!("{line}");
        }
        lines.push(line);
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for `{text}`: {e}"))?;
    Ok((status.success(), lines))
}

/// The first line of a command's stdout, or `None` when it cannot run or fails.
pub fn output_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string(),
    )
}

/// Copies a directory tree into `to`, creating directories as needed.
pub fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", from.display()))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry
            .file_type()
            .map_err(|e| format!("{}: {e}", src.display()))?
            .is_dir()
        {
            copy_tree(&src, &dst)?;
        } else {
            copy_file(&src, &dst)?;
        }
    }
    Ok(())
}

pub fn copy_file(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

/// Every `.rs` file under `dir` (skipping `target*` folders), for the source scans below.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if path.is_dir() {
                if !name.to_string_lossy().starts_with("target") {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
