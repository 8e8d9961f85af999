//! `cargo xtask fuzz`: runs the libFuzzer targets of fuzz/ (cargo-fuzz) one after the other,
//! each seeded from tests/corpus, under the bounds issue 16 sets for any attack: 10 s and
//! 512 MiB per input. A crash, panic, hang or memory blow-up fails the command and leaves the
//! input in fuzz/artifacts/TARGET/; minimize it (`cargo fuzz tmin`), keep it in
//! fuzz/regressions/TARGET/ and add a test where a user would meet it.

use std::fs;
use std::path::Path;
use std::process::Stdio;

use crate::setup;
use crate::util::{self, run, step, Result};

/// Each target with the corpus folders that seed it (relative to tests/corpus).
pub const TARGETS: &[(&str, &[&str])] = &[
    ("definition", &["conformance/cases", "validation-external"]),
    ("jsonpath", &["jsonpath"]),
    ("intrinsics", &["conformance/cases/intrinsic_functions"]),
    (
        "jsonata",
        &["jsonata-suite/groups", "conformance/cases/evaluate_jsonata"],
    ),
    ("mock_config", &[]),
    ("execution", &["conformance/cases"]),
    (
        "json_text",
        &["conformance/cases/base", "jsonata-suite/datasets"],
    ),
    // The corpus holds no templates or CLI output: seeded from the CLI's template fixtures and
    // from the recording fixtures, each execution's documents joined into one text (fuzz/seeds).
    ("template", &["../../crates/cli/tests/fixtures"]),
    ("import", &["../../fuzz/seeds/import"]),
];

/// libFuzzer's bounds: an input over 10 s or 512 MiB is a finding, as a crash is.
const BOUNDS: &[&str] = &["-timeout=10", "-rss_limit_mb=512", "-malloc_limit_mb=512"];

pub fn fuzz(args: &[String]) -> Result<bool> {
    let mut seconds = 60u64;
    let mut only: Option<String> = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or(format!("{name} wants a value"))
        };
        match name {
            "--seconds" => {
                let v = value()?;
                seconds = v.parse().map_err(|_| format!("--seconds wants a number, not `{v}`"))?;
            }
            "--target" => only = Some(value()?),
            _ => return Err(format!("unexpected argument `{arg}`; usage: cargo xtask fuzz [--seconds N] [--target NAME]")),
        }
    }
    let targets: Vec<&(&str, &[&str])> = match &only {
        Some(name) => vec![TARGETS.iter().find(|(t, _)| t == name).ok_or_else(|| {
            let names: Vec<&str> = TARGETS.iter().map(|(t, _)| *t).collect();
            format!("unknown fuzz target `{name}`; one of {}", names.join(", "))
        })?],
        None => TARGETS.iter().collect(),
    };
    cargo_fuzz()?;
    let mut failed = Vec::new();
    for (target, seeds) in targets {
        if !step(&format!("fuzz {target} for {seconds}s"), || {
            run_target(target, seeds, seconds)
        })? {
            failed.push(*target);
        }
    }
    if failed.is_empty() {
        println!("fuzz: every target ran clean");
        Ok(true)
    } else {
        println!(
            "fuzz: findings in {} (inputs under fuzz/artifacts/)",
            failed.join(", ")
        );
        Ok(false)
    }
}

/// Installs cargo-fuzz when `cargo fuzz` is not there.
fn cargo_fuzz() -> Result<()> {
    let present = setup::cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    if setup::offline() {
        return Err("cargo-fuzz is missing and --offline forbids installing it: run `cargo xtask fuzz` once with network access".into());
    }
    step("install cargo-fuzz", || {
        run(setup::cargo().args(["install", "--locked", "cargo-fuzz"]))
    })
}

/// Replays the target's kept regressions, then fuzzes it for `seconds`. `Ok(false)` on a finding.
fn run_target(target: &str, seeds: &[&str], seconds: u64) -> Result<bool> {
    let root = util::root();
    let fuzz_dir = root.join("fuzz");
    let corpus = fuzz_dir.join("corpus").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    let logs = fuzz_dir.join("logs");
    for dir in [&corpus, &artifacts, &logs] {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let dict = fuzz_dir.join("dict").join(format!("{target}.dict"));
    let mut libfuzzer_args = vec![
        format!("-artifact_prefix={}/", artifacts.display()),
        "-print_final_stats=1".to_owned(),
    ];
    libfuzzer_args.extend(BOUNDS.iter().map(|b| b.to_string()));
    if dict.exists() {
        libfuzzer_args.push(format!("-dict={}", dict.display()));
    }

    let regressions = fuzz_dir.join("regressions").join(target);
    if has_files(&regressions) {
        let mut args = vec![
            regressions.display().to_string(),
            "--".into(),
            "-runs=0".into(),
        ];
        args.extend(libfuzzer_args.iter().cloned());
        if !cargo_fuzz_run(
            target,
            &args,
            &logs.join(format!("{target}-regressions.log")),
        )? {
            return Ok(false);
        }
    }

    let mut args = vec![corpus.display().to_string()];
    args.extend(
        seeds
            .iter()
            .map(|s| root.join("tests/corpus").join(s).display().to_string()),
    );
    args.push("--".into());
    args.push(format!("-max_total_time={seconds}"));
    args.extend(libfuzzer_args);
    cargo_fuzz_run(target, &args, &logs.join(format!("{target}.log")))
}

/// `cargo fuzz run TARGET ARGS`, libFuzzer's report going to `log`; prints its summary lines.
fn cargo_fuzz_run(target: &str, args: &[String], log: &Path) -> Result<bool> {
    let file =
        fs::File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let mut cmd = setup::cargo();
    cmd.args(["fuzz", "run", "--sanitizer", "none", target])
        .args(args)
        // cargo-fuzz passes nightly-only flags (`-Zsanitizer`, `-Cpasses=sancov-module`,
        // `-Zbuild-std` paths...) to rustc. This machine, like CI, has only the stable toolchain
        // and none other can be downloaded; RUSTC_BOOTSTRAP=1 lets stable accept them. The
        // sanitizer is `none`: Rust code is memory-safe, and AddressSanitizer's shadow memory
        // would triple RSS and time, so the 512 MiB / 10 s bounds would measure it, not us.
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", util::root().join("fuzz").join("target"))
        .stderr(file.try_clone().map_err(|e| e.to_string())?)
        .stdout(file);
    println!("$ {} (log: {})", util::describe(&cmd), log.display());
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start cargo fuzz: {e}"))?;
    let text = fs::read_to_string(log).unwrap_or_default();
    for line in text.lines() {
        if line.contains(" DONE ")
            || line.starts_with("stat::")
            || line.contains("SUMMARY")
            || line.contains("Test unit written")
            || line.contains("panicked at")
            || line.starts_with("error")
        {
            println!("  {line}");
        }
    }
    Ok(status.success())
}

fn has_files(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}
