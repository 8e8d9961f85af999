//! Prints the benchmark table (wall time, transitions/s, peak memory, growth ratio) natively.
//! Build it with speed: `cargo run -p stepwise-bench --profile bench --bin bench-report -- [--quick]
//! [--only loop,map] [--repeat R] [--max-n N]`.

#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOC: stepwise_bench::alloc::CountingAlloc = stepwise_bench::alloc::CountingAlloc;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match stepwise_bench::report::Options::parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench-report: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let start = std::time::Instant::now();
    let now = || start.elapsed().as_secs_f64() * 1000.0;
    let mut print = |line: &str| println!("{line}");
    println!(
        "native ({} build)\n",
        if cfg!(debug_assertions) {
            "DEBUG — figures meaningless"
        } else {
            "optimized"
        }
    );
    if stepwise_bench::report::run_table(&options, &now, &mut print) {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
