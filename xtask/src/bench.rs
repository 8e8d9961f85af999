//! `cargo xtask bench [ARGS...]`: the native benchmark table, then the same table from the wasm
//! build under Node. ARGS go to both (`--quick`, `--only loop,map`, `--repeat R`, `--warmup W`,
//! `--max-n N`, `--n N`, `--raised`); see crates/bench/README.md.

use crate::setup;
use crate::util::{run, step, Result};

pub fn bench(args: &[String]) -> Result<()> {
    setup::wasm_target()?;
    setup::wasm_bindgen()?;
    step("native benchmark table (bench-report)", || {
        run(setup::cargo()
            .args([
                "run",
                "-p",
                "stepwise-bench",
                "--profile",
                "bench",
                "--bin",
                "bench-report",
                "--",
            ])
            .args(args))
    })?;
    step("wasm benchmark table (bench-wasm, Node)", || {
        // bench-wasm builds the wasm module itself (profile bench) and runs it with `node`.
        run(setup::cargo()
            .args([
                "run",
                "-p",
                "stepwise-bench",
                "--profile",
                "bench",
                "--bin",
                "bench-wasm",
                "--",
            ])
            .args(args))
    })
}
