//! Every benchmark workload at a small size, run by plain `cargo test`: the engine must end each
//! one SUCCEEDED with the output, transition and execution counts the workload implies (no
//! timing here; `cargo bench` and `bench-report` measure).

use stepwise_bench::workloads::{run, Counts, Workload};
use stepwise_engine::EngineConfig;

fn check(workload: Workload, n: usize) -> Counts {
    match run(workload, n, EngineConfig::default()) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn loop_counts_to_n() {
    let c = check(Workload::Loop, 20);
    assert_eq!((c.transitions, c.executions), (43, 1));
    // Entered + Exited per state, plus ExecutionStarted/Succeeded.
    assert_eq!(c.events, 2 * 43 + 2);
}

#[test]
fn loop_with_zero_iterations() {
    assert_eq!(check(Workload::Loop, 0).transitions, 3);
}

#[test]
fn map_labels_every_item() {
    let c = check(Workload::Map, 20);
    assert_eq!((c.transitions, c.executions), (21, 1));
}

#[test]
fn map_over_no_items() {
    assert_eq!(check(Workload::Map, 0).transitions, 1);
}

#[test]
fn nested_runs_one_child_per_item() {
    let c = check(Workload::Nested, 20);
    assert_eq!((c.transitions, c.executions), (21 + 60, 21));
}

#[test]
fn callback_tasks_get_their_answers() {
    let c = check(Workload::Callback, 20);
    assert_eq!((c.transitions, c.executions), (21 + 60, 21));
}

#[test]
fn dataflow_moves_the_document() {
    let c = check(Workload::Dataflow, 1);
    assert_eq!((c.transitions, c.executions), (20, 1));
}

#[test]
fn the_aws_history_quota_stops_a_long_loop() {
    // 2 events per transition: N = 13,000 needs ~52,000 events, past AWS's 25,000.
    let err = run(Workload::Loop, 13_000, EngineConfig::default()).unwrap_err();
    assert!(
        err.message.contains("maximum number of history events"),
        "{err}"
    );
}
