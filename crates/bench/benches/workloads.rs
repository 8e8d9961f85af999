//! `cargo bench -p stepwise-bench [-- <filter>]`: every workload at N = 1,000 and 5,000 (3,000 for
//! the ones that start child executions) within AWS's quotas, and at N = 10,000 with the quotas
//! raised (ids ending in `-raised-limits`). Throughput is in state transitions, so criterion
//! prints transitions/s. Timed: StartExecution and running to the end with history recorded;
//! engine setup (machine registration) and the output check are outside the timing, and every
//! size is checked once before it is measured (a wrong result stops the bench with the engine's
//! error; filter with `cargo bench -p stepwise-bench -- map` to leave a broken workload out).

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use std::time::Duration;
use stepwise_bench::report::default_cases;
use stepwise_bench::workloads::{config_with, raised_limits, Prepared, Workload};
use stepwise_engine::Limits;

fn workloads(c: &mut Criterion) {
    let cases = default_cases();
    for workload in Workload::ALL {
        let mut group = c.benchmark_group(workload.name());
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for case in cases.iter().filter(|c| c.workload == workload) {
            let limits = if case.raised {
                raised_limits()
            } else {
                Limits::default()
            };
            let prepare = || Prepared::new(case.workload, case.n, config_with(limits.clone()));
            // verify() checks the real count equals this one.
            group.throughput(Throughput::Elements(workload.expected_transitions(case.n)));
            let id = if case.raised {
                format!("{}-raised-limits", case.n)
            } else {
                case.n.to_string()
            };
            // The closure runs only for benchmarks the filter selects, so the check stays in it:
            // a wrong or failing run stops the bench with the engine's error instead of a figure.
            // Criterion calls the closure for warm-up and for every sample: check the first time only.
            let checked = std::cell::Cell::new(false);
            group.bench_function(BenchmarkId::from_parameter(id), |b| {
                if !checked.replace(true) {
                    if let Err(e) = prepare().and_then(|p| p.execute()).and_then(|f| f.verify()) {
                        panic!("{e}");
                    }
                }
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
