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

/// The wasm face of the report: no wasm-bindgen, just two imports (a clock and a line printer)
/// and one export, which is all a Node script needs to run the table.
#[cfg(target_arch = "wasm32")]
mod wasm {
    use crate::report::{run_table, Options};
    use crate::workloads::Workload;

    #[global_allocator]
    static ALLOC: crate::alloc::CountingAlloc = crate::alloc::CountingAlloc;

    #[link(wasm_import_module = "bench")]
    extern "C" {
        /// `performance.now()`.
        fn now_ms() -> f64;
        /// Writes one UTF-8 line to stdout.
        fn print_line(ptr: *const u8, len: usize);
    }

    /// Runs the table. `only_mask` bit i selects `Workload::ALL[i]` (0 = all); `max_n` 0 = no cap.
    /// Returns 0 when every case succeeded.
    #[no_mangle]
    pub extern "C" fn bench_main(repeat: u32, max_n: u32, only_mask: u32) -> u32 {
        let options = Options {
            repeat: repeat.max(1) as usize,
            only: Workload::ALL.into_iter().enumerate().filter(|(i, _)| only_mask & (1 << i) != 0).map(|(_, w)| w).collect(),
            max_n: if max_n == 0 { usize::MAX } else { max_n as usize },
        };
        let now = || unsafe { now_ms() };
        let mut print = |line: &str| unsafe { print_line(line.as_ptr(), line.len()) };
        u32::from(!run_table(&options, &now, &mut print))
    }
}
