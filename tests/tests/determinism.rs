//! The same commands give the same history, byte for byte, and the browser build agrees
//! (`tests/web/tests/engine.rs` compares with the same golden file).

#[path = "../golden/scenario.rs"]
mod scenario;

#[test]
fn same_commands_same_history_and_golden_file() {
    let first = scenario::render();
    assert_eq!(first, scenario::render());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/golden/determinism.json");
    if std::env::var_os("STEPWISE_BLESS").is_some() {
        std::fs::write(path, format!("{first}\n")).expect("write golden file");
    }
    let golden = std::fs::read_to_string(path)
        .expect("golden file (run with STEPWISE_BLESS=1 to create it)");
    assert_eq!(
        first,
        golden.trim_end(),
        "history changed: review, then re-run with STEPWISE_BLESS=1"
    );
}
