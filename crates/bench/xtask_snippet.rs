// `cargo xtask bench [ARGS...]`: the native benchmark table, then the same table from wasm under
// Node. ARGS go to both (`--quick`, `--only loop,map`, `--repeat R`, `--max-n N`, `--n N`,
// `--raised`). To wire it (xtask is not mine to edit):
//   1. save this file as `xtask/src/bench.rs` and add `mod bench;` in `xtask/src/main.rs`;
//   2. in `dispatch`, add the arm
//          "bench" => bench::bench(rest).map(|_| true),
//   3. in USAGE, add the line
//          bench [ARGS]         native + wasm benchmark tables (crates/bench; --quick for a short run)
// It uses only `util::{run, step, Result}` and `setup::{cargo, wasm_target}` as they are today.

use crate::setup;
use crate::util::{run, step, Result};

pub fn bench(args: &[String]) -> Result<()> {
    setup::wasm_target()?;
    step("native benchmark table (bench-report)", || {
        run(setup::cargo()
            .args(["run", "-p", "stepwise-bench", "--profile", "bench", "--bin", "bench-report", "--"])
            .args(args))
    })?;
    step("wasm benchmark table (bench-wasm, Node)", || {
        // bench-wasm builds the wasm module itself (profile bench) and runs it with `node`.
        run(setup::cargo()
            .args(["run", "-p", "stepwise-bench", "--profile", "bench", "--bin", "bench-wasm", "--"])
            .args(args))
    })
}
