//! `cargo xtask test`: every test layer in turn, each timed, with one total at the end.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::setup::{self, CHROMEDRIVER, WASM_TARGET};
use crate::util::{self, run_tee, secs, step, Result};

/// Conformance cases (of `tests/corpus/conformance/cases`) that must pass; raise it as the engine
/// improves so that a regression fails CI.
pub const CONFORMANCE_FLOOR: usize = 790;

/// Packages whose `#[wasm_bindgen_test]` tests run in headless Chromium, with their folders. A
/// package other than the first joins the run once its sources mention `wasm_bindgen_test`, so
/// adding browser tests to the playground or the JS API needs no change here.
const WASM_TEST_PACKAGES: &[(&str, &str)] = &[
    ("stepwise-web-tests", "tests/web"),
    ("stepwise-playground", "crates/playground"),
    ("stepwise-wasm", "crates/wasm"),
];

/// Packages that only make sense on wasm32, kept out of the native run.
const WASM_ONLY_PACKAGES: &[&str] = &["stepwise-playground", "stepwise-wasm", "stepwise-web-tests"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    Native,
    Wasm,
    Conformance,
    E2e,
}

pub const LAYERS: [Layer; 4] = [Layer::Native, Layer::Wasm, Layer::Conformance, Layer::E2e];

impl Layer {
    pub fn name(self) -> &'static str {
        match self {
            Layer::Native => "native",
            Layer::Wasm => "wasm",
            Layer::Conformance => "conformance",
            Layer::E2e => "e2e",
        }
    }

    pub fn parse(name: &str) -> Option<Layer> {
        LAYERS.into_iter().find(|layer| layer.name() == name)
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    passed: usize,
    failed: usize,
    note: String,
}

/// Runs the given layers and prints the summary; `Ok(true)` when nothing failed.
pub fn run(layers: &[Layer]) -> Result<bool> {
    let started = Instant::now();
    let mut rows = Vec::new();
    for &layer in layers {
        let layer_started = Instant::now();
        let outcome = step(&format!("test layer: {}", layer.name()), || {
            run_layer(layer)
        })
        .unwrap_or_else(|error| {
            println!("error: {error}");
            Outcome {
                passed: 0,
                failed: 1,
                note: format!("error: {error}"),
            }
        });
        rows.push((layer, outcome, secs(layer_started)));
    }

    println!("\n== summary ({} in all)", secs(started));
    for (layer, outcome, took) in &rows {
        let note = if outcome.note.is_empty() {
            String::new()
        } else {
            format!("  {}", outcome.note)
        };
        println!(
            "{:<12} {:>5} passed, {:>3} failed  {:>7}{note}",
            layer.name(),
            outcome.passed,
            outcome.failed,
            took
        );
    }
    let passed: usize = rows.iter().map(|(_, o, _)| o.passed).sum();
    let failed: usize = rows.iter().map(|(_, o, _)| o.failed).sum();
    println!("{passed} passed, {failed} failed");
    Ok(failed == 0)
}

fn run_layer(layer: Layer) -> Result<Outcome> {
    match layer {
        Layer::Native => native(),
        Layer::Wasm => wasm(),
        Layer::Conformance => conformance(),
        Layer::E2e => e2e(),
    }
}

fn native() -> Result<Outcome> {
    // The export tests lint generated CloudFormation with cfn-lint when it is there.
    let cfn_lint = setup::cfn_lint()?;
    let mut cmd = setup::cargo();
    cmd.env("STEPWISE_CFN_LINT", cfn_lint);
    // --no-fail-fast: every test binary runs, so the counts cover all of them.
    cmd.args(["test", "--workspace", "--no-fail-fast"]);
    for package in WASM_ONLY_PACKAGES {
        cmd.args(["--exclude", package]);
    }
    harness_outcome(&mut cmd)
}

fn wasm() -> Result<Outcome> {
    setup::wasm_target()?;
    setup::wasm_bindgen()?;
    setup::chromium()?;
    let root = util::root();
    let mut cmd = setup::cargo();
    // No -q: wasm-bindgen-test-runner rejects `--quiet`. `--tests` leaves out doc-tests, which
    // run natively.
    cmd.args(["test", "--no-fail-fast", "--target", WASM_TARGET, "--tests"])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            root.join("tests/web/webdriver.json"),
        );
    for (package, dir) in wasm_test_packages(&root) {
        println!("wasm tests of {package} ({dir})");
        cmd.args(["-p", package]);
    }
    harness_outcome(&mut cmd)
}

fn wasm_test_packages(root: &Path) -> Vec<(&'static str, &'static str)> {
    WASM_TEST_PACKAGES
        .iter()
        .enumerate()
        .filter(|(i, (_, dir))| {
            *i == 0
                || util::rust_files(&root.join(dir)).iter().any(|file| {
                    std::fs::read_to_string(file)
                        .is_ok_and(|text| text.contains("wasm_bindgen_test"))
                })
        })
        .map(|(_, &package)| package)
        .collect()
}

/// Runs a libtest-style harness and sums its `test result:` lines; a failure outside of any test
/// (a build error, a crashed runner) counts as one failed test so the total cannot read as green.
fn harness_outcome(cmd: &mut Command) -> Result<Outcome> {
    let (success, lines) = run_tee(cmd, |_| true)?;
    let mut outcome = Outcome::default();
    for line in &lines {
        if let Some((passed, failed)) = parse_test_result(line) {
            outcome.passed += passed;
            outcome.failed += failed;
        }
    }
    if !success && outcome.failed == 0 {
        outcome.failed = 1;
        outcome.note = format!(
            "`{}` failed outside of any test (see above)",
            util::describe(cmd)
        );
    }
    Ok(outcome)
}

/// `(passed, failed)` of a libtest summary such as
/// `test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s`.
fn parse_test_result(line: &str) -> Option<(usize, usize)> {
    let rest = &line[line.find("test result:")? + "test result:".len()..];
    Some((count_before(rest, "passed")?, count_before(rest, "failed")?))
}

/// The number written just before `word` in a summary line: `12 passed` → 12.
fn count_before(text: &str, word: &str) -> Option<usize> {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ';' || c == ',' || c == '.')
        .filter(|w| !w.is_empty())
        .collect();
    let at = words.iter().position(|w| *w == word)?;
    words.get(at.checked_sub(1)?)?.parse().ok()
}

fn conformance() -> Result<Outcome> {
    let root = util::root();
    let cases = "tests/corpus/conformance/cases";
    if !root.join(cases).is_dir() {
        return Err(format!(
            "{} does not exist: the corpus belongs to the repository",
            root.join(cases).display()
        ));
    }
    let mut cmd = setup::cargo();
    cmd.args([
        "run",
        "--release",
        "-p",
        "stepwise-cli",
        "--",
        "conformance",
        cases,
    ]);
    // One JSON line per case is too much for a CI log: they go to a file, the rest is shown.
    let (success, lines) = run_tee(&mut cmd, |line| !line.trim_start().starts_with('{'))?;
    let log = util::target_dir().join("xtask/conformance.jsonl");
    let _ = std::fs::create_dir_all(log.parent().expect("has a parent"));
    let _ = std::fs::write(
        &log,
        lines
            .iter()
            .filter(|l| l.trim_start().starts_with('{'))
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    );
    println!("per-case results: {}", log.display());
    let Some((passed, failed)) = lines.iter().rev().find_map(|line| parse_total(line)) else {
        return Err(format!(
            "the conformance run printed no final `N passed, M failed` line ({})",
            if success {
                "it exited with 0"
            } else {
                "it failed"
            }
        ));
    };
    let ok = meets_floor(passed, CONFORMANCE_FLOOR);
    println!(
        "conformance: {passed} of {} cases pass; floor {CONFORMANCE_FLOOR}: {}",
        passed + failed,
        if ok { "ok" } else { "BELOW THE FLOOR" }
    );
    Ok(Outcome {
        passed: usize::from(ok),
        failed: usize::from(!ok),
        note: format!(
            "{passed} of {} cases pass (floor {CONFORMANCE_FLOOR})",
            passed + failed
        ),
    })
}

// A function, not an inline comparison: with the floor at 0, clippy rejects `passed >= 0`.
fn meets_floor(passed: usize, floor: usize) -> bool {
    passed >= floor
}

/// A line that is exactly `N passed, M failed`.
fn parse_total(line: &str) -> Option<(usize, usize)> {
    let (passed, failed) = line.trim().split_once(", ")?;
    let passed = passed.strip_suffix(" passed")?.parse().ok()?;
    let failed = failed.strip_suffix(" failed")?.parse().ok()?;
    Some((passed, failed))
}

fn e2e() -> Result<Outcome> {
    let dist = crate::dist::build()?;
    setup::chromium()?;
    let addr = crate::serve::serve_in_background(dist)?;
    let base_url = format!("http://{addr}");
    let mut cmd = Command::new("node");
    cmd.current_dir(util::root())
        .arg("tests/e2e/run.mjs")
        .arg(&base_url);
    let (success, lines) = run_tee(&mut cmd, |_| true)?;
    let mut outcome = Outcome::default();
    for line in &lines {
        if line.starts_with("e2e ok ") {
            outcome.passed += 1;
        } else if line.starts_with("e2e FAIL ") {
            outcome.failed += 1;
        }
    }
    if !success && outcome.failed == 0 {
        outcome.failed = 1;
        outcome.note = "the e2e driver failed outside of any spec (see above)".into();
    } else if outcome.passed + outcome.failed == 0 {
        return Err("the e2e driver ran no spec".into());
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libtest_summaries() {
        let cases = [
            ("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s", Some((12, 0))),
            ("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.20s", Some((3, 2))),
            ("test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s", Some((0, 0))),
            ("test result: ok. 1 passed; 0 failed; 0 ignored; 0 filtered out; finished in 0.05s", Some((1, 0))),
            ("test foo ... ok", None),
            ("running 3 tests", None),
        ];
        for (line, want) in cases {
            assert_eq!(parse_test_result(line), want, "{line}");
        }
    }

    #[test]
    fn parses_the_conformance_total_line_only() {
        assert_eq!(parse_total("312 passed, 489 failed"), Some((312, 489)));
        assert_eq!(parse_total("  0 passed, 0 failed\n"), Some((0, 0)));
        assert_eq!(parse_total(r#"{"name":"base/x","passed":true}"#), None);
        assert_eq!(parse_total("312 passed, 489 failed, 3 skipped"), None);
    }

    #[test]
    fn the_floor_is_a_minimum() {
        assert!(meets_floor(10, 10) && meets_floor(11, 10) && !meets_floor(9, 10));
    }

    #[test]
    fn layers_round_trip_through_their_names() {
        for layer in LAYERS {
            assert_eq!(Layer::parse(layer.name()), Some(layer));
        }
        assert_eq!(Layer::parse("unit"), None);
    }

    #[test]
    fn the_browser_test_crate_always_runs() {
        let packages = wasm_test_packages(&util::root());
        assert_eq!(packages.first(), Some(&("stepwise-web-tests", "tests/web")));
        for (package, _) in WASM_TEST_PACKAGES {
            assert!(
                WASM_ONLY_PACKAGES.contains(package),
                "{package} would also run natively"
            );
        }
    }
}
