//! `cargo xtask test`: every test layer in turn, each timed, with one total at the end.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::setup::{self, CHROMEDRIVER};
use crate::util::{self, run_tee, secs, step, Result};

/// Conformance cases (of `tests/corpus/conformance/cases`) that must pass; raise it as the engine
/// improves so that a regression fails CI.
pub const CONFORMANCE_FLOOR: usize = 796;

/// Packages whose `#[wasm_bindgen_test]` tests `wasm-pack test --headless --chrome` runs in
/// headless Chromium, with their folders and whether they also have tests for Node (test files
/// without `run_in_browser`, run by `--node`). A package other than the first joins the run once
/// its sources mention `wasm_bindgen_test`.
const WASM_TEST_PACKAGES: &[WasmTests] = &[
    WasmTests {
        package: "stepwise-web-tests",
        dir: "tests/web",
        node: false,
    },
    WasmTests {
        package: "stepwise-playground",
        dir: "crates/playground",
        node: false,
    },
    WasmTests {
        package: "stepwise-wasm",
        dir: "crates/wasm",
        node: true,
    },
    WasmTests {
        package: "stepwise-embed",
        dir: "crates/embed",
        node: false,
    },
];

#[derive(Debug, PartialEq, Eq)]
struct WasmTests {
    package: &'static str,
    dir: &'static str,
    node: bool,
}

/// Packages that only make sense on wasm32, kept out of the native run.
const WASM_ONLY_PACKAGES: &[&str] = &[
    "stepwise-playground",
    "stepwise-wasm",
    "stepwise-embed",
    "stepwise-web-tests",
    "stepwise-jsonata-wasm",
    "stepwise-templates-wasm",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    Lint,
    Native,
    Vendor,
    Export,
    Wasm,
    Conformance,
    Package,
    E2e,
}

pub const LAYERS: [Layer; 8] = [
    Layer::Lint,
    Layer::Native,
    Layer::Vendor,
    Layer::Export,
    Layer::Wasm,
    Layer::Conformance,
    Layer::Package,
    Layer::E2e,
];

impl Layer {
    pub fn name(self) -> &'static str {
        match self {
            Layer::Lint => "lint",
            Layer::Native => "native",
            Layer::Vendor => "vendor",
            Layer::Export => "export",
            Layer::Wasm => "wasm",
            Layer::Conformance => "conformance",
            Layer::Package => "package",
            Layer::E2e => "e2e",
        }
    }

    pub fn parse(name: &str) -> Option<Layer> {
        LAYERS.into_iter().find(|layer| layer.name() == name)
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub passed: usize,
    pub failed: usize,
    pub note: String,
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
        Layer::Lint => lint(),
        Layer::Native => native(),
        Layer::Vendor => crate::vendor::test(),
        Layer::Export => export(),
        Layer::Wasm => wasm(),
        Layer::Conformance => conformance(),
        Layer::Package => crate::npm_package::test(),
        Layer::E2e => e2e(),
    }
}

/// The export crate's test that lints generated templates with cfn-lint; ignored in `native`
/// (it needs a tool from PyPI), run by the `export` layer.
const CFN_LINT_TEST: &str = "cfn_lint";

/// Formatting and clippy (warnings are errors), natively and for the wasm-only packages on their
/// own target (and the JS API with JSONata in its own module): each check counts as one test.
fn lint() -> Result<Outcome> {
    setup::lint_tools()?;
    setup::wasm_target()?;
    let mut clippy_native = setup::cargo();
    clippy_native.args(["clippy", "--workspace", "--all-targets"]);
    for package in WASM_ONLY_PACKAGES {
        clippy_native.args(["--exclude", package]);
    }
    clippy_native.args(["--", "-D", "warnings"]);
    let mut clippy_wasm = setup::cargo();
    clippy_wasm.args(["clippy", "--all-targets", "--target", setup::WASM_TARGET]);
    for package in WASM_ONLY_PACKAGES {
        clippy_wasm.args(["-p", package]);
    }
    clippy_wasm.args(["--", "-D", "warnings"]);
    // The JS API, the playground and the embed as `cargo xtask build` ships them, with JSONata
    // and the templates left to modules of their own: on their own, as features unify over the
    // packages of one run.
    let mut clippy_module = setup::cargo();
    clippy_module.args(["clippy", "--all-targets", "--target", setup::WASM_TARGET]);
    clippy_module.args([
        "-p",
        "stepwise-wasm",
        "-p",
        "stepwise-playground",
        "-p",
        "stepwise-embed",
        "--features",
    ]);
    clippy_module.arg(
        "stepwise-wasm/jsonata-module,stepwise-playground/jsonata-module,\
         stepwise-playground/template-module,stepwise-embed/jsonata-module",
    );
    clippy_module.args(["--", "-D", "warnings"]);
    let mut fmt = setup::cargo();
    fmt.args(["fmt", "--all", "--check"]);
    let mut outcome = Outcome::default();
    let mut failures = Vec::new();
    for (name, cmd) in [
        ("cargo fmt --check", &mut fmt),
        ("clippy (native)", &mut clippy_native),
        ("clippy (wasm32)", &mut clippy_wasm),
        (
            "clippy (wasm32, JSONata and template modules)",
            &mut clippy_module,
        ),
    ] {
        match util::run(cmd) {
            Ok(()) => outcome.passed += 1,
            Err(error) => {
                println!("{name}: {error}");
                outcome.failed += 1;
                failures.push(name);
            }
        }
    }
    if !failures.is_empty() {
        outcome.note = format!("failed: {}", failures.join(", "));
    }
    Ok(outcome)
}

fn native() -> Result<Outcome> {
    let mut cmd = setup::cargo();
    // --no-fail-fast: every test binary runs, so the counts cover all of them.
    cmd.args(["test", "--workspace", "--no-fail-fast"]);
    for package in WASM_ONLY_PACKAGES {
        cmd.args(["--exclude", package]);
    }
    harness_outcome(&mut cmd)
}

fn export() -> Result<Outcome> {
    let cfn_lint = setup::cfn_lint()?;
    let mut cmd = setup::cargo();
    cmd.env("STEPWISE_CFN_LINT", cfn_lint).args([
        "test",
        "-p",
        "stepwise-export",
        "--test",
        CFN_LINT_TEST,
        "--",
        "--ignored",
    ]);
    harness_outcome(&mut cmd)
}

/// `wasm-pack test --headless --chrome` (and `--node` where there are Node tests) per package, as
/// a user would run it. `--mode no-install` keeps wasm-pack from downloading anything: it uses the
/// `wasm-bindgen-test-runner` on PATH (the locked version, checked by `setup::wasm_bindgen`) and
/// the chromedriver named here.
fn wasm() -> Result<Outcome> {
    setup::wasm_target()?;
    setup::wasm_bindgen()?;
    setup::wasm_pack()?;
    setup::chromium()?;
    let root = util::root();
    let mut total = Outcome::default();
    for tests in wasm_test_packages(&root) {
        println!("wasm tests of {} ({})", tests.package, tests.dir);
        let outcome = harness_outcome(&mut wasm_pack_test(&root, tests))?;
        total.passed += outcome.passed;
        total.failed += outcome.failed;
        if !outcome.note.is_empty() {
            total.note = format!("{}: {}", tests.package, outcome.note);
        }
    }
    Ok(total)
}

fn wasm_pack_test(root: &Path, tests: &WasmTests) -> Command {
    let mut cmd = Command::new("wasm-pack");
    cmd.current_dir(root)
        .args(["test", "--mode", "no-install", "--headless", "--chrome"])
        .arg("--chromedriver")
        .arg(CHROMEDRIVER)
        .env("CHROMEDRIVER", CHROMEDRIVER)
        // The Chromium flags of tests/web/webdriver.json (no sandbox as root, no network).
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            root.join("tests/web/webdriver.json"),
        );
    if tests.node {
        cmd.arg("--node");
    }
    cmd.arg(tests.dir);
    cmd
}

fn wasm_test_packages(root: &Path) -> Vec<&'static WasmTests> {
    WASM_TEST_PACKAGES
        .iter()
        .enumerate()
        .filter(|(i, tests)| {
            *i == 0
                || util::rust_files(&root.join(tests.dir)).iter().any(|file| {
                    std::fs::read_to_string(file)
                        .is_ok_and(|text| text.contains("wasm_bindgen_test"))
                })
        })
        .map(|(_, tests)| tests)
        .collect()
}

/// Runs a libtest-style harness and sums its `test result:` lines; a failure outside of any test
/// (a build error, a crashed runner) counts as one failed test so the total cannot read as green.
pub(crate) fn harness_outcome(cmd: &mut Command) -> Result<Outcome> {
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
    let dist = crate::dist::build_once()?;
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
        assert_eq!(packages.first().map(|t| t.dir), Some("tests/web"));
        for tests in WASM_TEST_PACKAGES {
            assert!(
                WASM_ONLY_PACKAGES.contains(&tests.package),
                "{} would also run natively",
                tests.package
            );
        }
    }

    #[test]
    fn node_tests_are_declared_where_they_exist() {
        // A test file without `run_in_browser` runs under Node: its package must ask for --node.
        let root = util::root();
        for tests in WASM_TEST_PACKAGES {
            let has_node_tests = std::fs::read_dir(root.join(tests.dir).join("tests"))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|entry| entry.path().extension().is_some_and(|e| e == "rs"))
                .any(|entry| {
                    std::fs::read_to_string(entry.path()).is_ok_and(|text| {
                        text.contains("wasm_bindgen_test") && !text.contains("run_in_browser")
                    })
                });
            assert_eq!(has_node_tests, tests.node, "{}", tests.package);
        }
    }

    #[test]
    fn wasm_pack_never_installs_and_uses_the_system_chromedriver() {
        let root = util::root();
        let cmd = wasm_pack_test(&root, &WASM_TEST_PACKAGES[2]);
        let args = util::describe(&cmd);
        assert!(
            args.contains("test --mode no-install --headless --chrome --chromedriver /usr/bin/chromedriver --node crates/wasm"),
            "{args}"
        );
    }
}
