//! `cargo run -p stepwise-bench --bin bench-wasm -- [--profile bench|release] [--quick] [--only
//! loop,map] [--repeat R] [--max-n N] [--n N [--raised]]`: builds this crate's library for
//! `wasm32-unknown-unknown` as a cdylib, then runs its `bench_main` under Node, which prints the
//! same table as `bench-report`. `--profile bench` (the default) is opt-level 3 like the native
//! report; `--profile release` measures the size-optimized build the playground ships.
//!
//! Needs `wasm-bindgen` (the CLI of the version in Cargo.lock, as `cargo xtask setup` installs)
//! and `node` on PATH.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use stepwise_bench::report::Options;
use stepwise_bench::workloads::Workload;

const RUNNER: &str = include_str!("../../wasm/run.cjs");

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("bench-wasm: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut profile = "bench".to_owned();
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        profile = args.get(i + 1).cloned().ok_or("--profile needs a value")?;
        args.drain(i..i + 2);
    }
    let options = Options::parse(&args)?;

    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("bench-wasm: building stepwise-bench for wasm32-unknown-unknown (profile {profile})");
    // The artifact's path comes from cargo's JSON messages: `cargo rustc --crate-type` leaves it
    // under `deps/` with a hash in its name.
    let output = Command::new(&cargo)
        .current_dir(&root)
        .args([
            "rustc",
            "-p",
            "stepwise-bench",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
            "--crate-type",
            "cdylib",
            "--profile",
            &profile,
        ])
        .arg("--message-format=json-render-diagnostics")
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "the wasm build failed ({}); is the target installed? `rustup target add wasm32-unknown-unknown`",
            output.status
        ));
    }
    let wasm = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "stepwise_bench")
        .flat_map(|m| m["filenames"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f.as_str().map(PathBuf::from))
        .find(|f| f.extension().is_some_and(|e| e == "wasm"))
        .ok_or("cargo reported no .wasm artifact for stepwise-bench")?;
    let out_dir = target_dir.join("bench-wasm");
    let status = Command::new("wasm-bindgen")
        .args(["--target", "nodejs", "--no-typescript", "--out-name", "stepwise_bench", "--out-dir"])
        .arg(&out_dir)
        .arg(&wasm)
        .status()
        .map_err(|e| format!("cannot run wasm-bindgen: {e} (install it with `cargo xtask setup`, or `cargo install wasm-bindgen-cli --version <the wasm-bindgen version in Cargo.lock>`)"))?;
    if !status.success() {
        return Err(format!("wasm-bindgen failed ({status}); its version must match the wasm-bindgen crate in Cargo.lock"));
    }
    let runner = out_dir.join("run.cjs");
    std::fs::write(&runner, RUNNER)
        .map_err(|e| format!("cannot write {}: {e}", runner.display()))?;
    let glue = out_dir.join("stepwise_bench.js");
    let node_version = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run node: {e} (install Node.js)"))?;
    let size = std::fs::metadata(out_dir.join("stepwise_bench_bg.wasm"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "wasm under Node {} (profile {profile}, {} KiB module)\n",
        String::from_utf8_lossy(&node_version.stdout).trim(),
        size / 1024
    );
    let mask: u32 = options
        .only
        .iter()
        .map(|w| 1u32 << Workload::ALL.iter().position(|x| x == w).unwrap_or(0))
        .sum();
    let max_n = if options.max_n == usize::MAX {
        0
    } else {
        options.max_n.min(u32::MAX as usize)
    };
    let status = Command::new("node")
        .arg(&runner)
        .arg(&glue)
        .args(
            [
                options.repeat,
                max_n,
                mask as usize,
                options.n.unwrap_or(0),
                usize::from(options.raised),
                options.warmup,
            ]
            .map(|v| v.to_string()),
        )
        .status()
        .map_err(|e| format!("cannot run node: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
