//! `cargo bench -p stepwise-bench [-- <filter>]`: every workload at N = 1,000 and 5,000 (3,000 for
//! the ones that start child executions) within AWS's quotas, and at N = 10,000 with the quotas
//! raised (ids ending in `-raised-limits`). Throughput is in state transitions, so criterion
//! prints transitions/s. Timed: StartExecution and running to the end with history recorded;
//! engine setup (machine registration) and the output check are outside the timing, and every
//! size is checked once before it is measured.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use std::time::Duration;
use stepwise_bench::report::default_cases;
use stepwise_bench::workloads::{config_with, raised_limits, Prepared, Workload};
use stepwise_engine::Limits;

fn workloads(c: &mut Criterion) {
    let cases = default_cases();
    for workload in Workload::ALL {
        let mut group = c.benchmark_group(workload.name());
        group.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
        for case in cases.iter().filter(|c| c.workload == workload) {
            let limits = if case.raised { raised_limits() } else { Limits::default() };
            let prepare = || Prepared::new(case.workload, case.n, config_with(limits.clone()));
            // A wrong or failing run gives no figure: say why and go on with the other cases.
            let counts = match prepare().and_then(|p| p.execute()).and_then(|f| f.verify()) {
                Ok(counts) => counts,
                Err(e) => {
                    eprintln!("SKIPPED {}: {e}", case.workload);
                    continue;
                }
            };
            group.throughput(Throughput::Elements(counts.transitions));
            let id = if case.raised { format!("{}-raised-limits", case.n) } else { case.n.to_string() };
            group.bench_function(BenchmarkId::from_parameter(id), |b| {
                b.iter_batched(
                    || prepare().expect("prepared once already"),
                    |p| p.execute().expect("ran once already"),
                    BatchSize::PerIteration,
                )
            });
        }
        group.finish();
    }
}

criterion_group!(benches, workloads);
criterion_main!(benches);
