//! Benchmarks of the Stepwise engine.
//!
//! - [`workloads`]: drivers for the shared benchmark machines (build the engine, run to the end,
//!   check the result, count transitions, events and executions).
//! - [`report`]: the table printed by `bench-report` (native) and `bench-wasm` (the same code
//!   compiled to wasm and run under Node).
//! - [`alloc`]: a counting global allocator for peak-memory figures.
//!
//! `cargo bench -p stepwise-bench` runs the criterion benches; `cargo run -p stepwise-bench
//! --profile bench --bin bench-report` prints the table; `cargo run -p stepwise-bench --bin
//! bench-wasm` builds this crate for wasm32 and prints the same table from Node.

pub mod alloc;
pub mod report;
pub mod workloads;

/// The wasm face of the report: one export for `bench-wasm`'s Node script, a clock and a line
/// printer from JavaScript.
#[cfg(target_arch = "wasm32")]
mod wasm {
    use crate::report::{run_table, Options};
    use crate::workloads::Workload;
    use wasm_bindgen::prelude::wasm_bindgen;

    #[global_allocator]
    static ALLOC: crate::alloc::CountingAlloc = crate::alloc::CountingAlloc;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance)]
        fn now() -> f64;
        #[wasm_bindgen(js_namespace = console)]
        fn log(line: &str);
    }

    /// Runs the table. `only_mask` bit i selects `Workload::ALL[i]` (0 = all); `max_n` 0 = no cap;
    /// `n` 0 = the default sizes, else that one size (`raised` lifts the quotas for it); `warmup`
    /// unmeasured runs precede each case's measured ones.
    /// Returns 0 when every case succeeded.
    #[wasm_bindgen]
    pub fn bench_main(
        repeat: u32,
        max_n: u32,
        only_mask: u32,
        n: u32,
        raised: bool,
        warmup: u32,
    ) -> u32 {
        let options = Options {
            repeat: repeat.max(1) as usize,
            warmup: warmup as usize,
            only: Workload::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| only_mask & (1 << i) != 0)
                .map(|(_, w)| w)
                .collect(),
            max_n: if max_n == 0 {
                usize::MAX
            } else {
                max_n as usize
            },
            n: (n > 0).then_some(n as usize),
            raised,
        };
        let mut print = |line: &str| log(line);
        u32::from(!run_table(&options, &now, &mut print))
    }
}
