//! Installs what the build and the tests need, only when it is missing or has the wrong version.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::util::{self, output_line, run, step, Result};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// wasm-pack runs the wasm test layer; pinned so a new release cannot change what CI runs.
pub const WASM_PACK_VERSION: &str = "0.15.1";

static OFFLINE: AtomicBool = AtomicBool::new(false);

/// `--offline`: nothing is installed or downloaded, and every cargo run (ours and wasm-pack's)
/// uses only what is already in the local registry cache. Call before any thread exists.
pub fn go_offline() {
    OFFLINE.store(true, Ordering::SeqCst);
    // cargo honours this in every child, including the cargo runs that wasm-pack starts.
    std::env::set_var("CARGO_NET_OFFLINE", "true");
}

pub fn offline() -> bool {
    OFFLINE.load(Ordering::SeqCst)
}

/// Runs `install` as the step `name`, unless `--offline` forbids installing: then says what is
/// missing and how to get it.
fn install(name: &str, install: impl FnOnce() -> Result<()>) -> Result<()> {
    if offline() {
        return Err(format!(
            "--offline forbids a needed step: {name} (the tool is missing or has another version). \
             Run `cargo xtask setup` once with network access, or drop --offline"
        ));
    }
    step(name, install)
}

/// Makes the binaries of `cargo install` reachable even when `~/.cargo/bin` is not on `PATH`
/// (cargo can be run by its full path in CI).
pub fn init_path() {
    let bin = cargo_home().join("bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if !dirs.contains(&bin) {
        dirs.push(bin);
        if let Ok(joined) = std::env::join_paths(dirs) {
            // Called first thing in main, before any thread exists.
            std::env::set_var("PATH", joined);
        }
    }
}

fn cargo_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CARGO_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(home);
    }
    PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo")
}

pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(util::root());
    if offline() {
        cmd.arg("--offline");
    }
    cmd
}

pub fn wasm_target() -> Result<()> {
    let Ok(out) = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
    else {
        // A toolchain without rustup (a distro's) may still have the target: cargo will judge.
        println!("rustup not found: assuming the {WASM_TARGET} standard library is installed");
        return Ok(());
    };
    if String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        return Ok(());
    }
    install(&format!("install the {WASM_TARGET} target"), || {
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
    })
}

/// rustfmt and clippy, for the lint layer: part of rustup's default profile, but a minimal
/// toolchain lacks them.
pub fn lint_tools() -> Result<()> {
    let missing: Vec<&str> = [("rustfmt", "fmt"), ("clippy", "clippy")]
        .into_iter()
        .filter(|(_, sub)| {
            !cargo()
                .args([sub, "--version"])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(|(component, _)| component)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    install(&format!("install {}", missing.join(" and ")), || {
        run(Command::new("rustup")
            .args(["component", "add"])
            .args(&missing))
    })
}

/// The version of the `wasm-bindgen` crate that Cargo.lock pins: the CLI must match it exactly.
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut in_package = false;
    for line in lock.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            in_package = false;
        } else if let Some(name) = line.strip_prefix("name = ") {
            in_package = name.trim_matches('"') == package;
        } else if let Some(version) = line.strip_prefix("version = ") {
            if in_package {
                return Some(version.trim_matches('"').to_string());
            }
        }
    }
    None
}

pub fn wasm_bindgen() -> Result<()> {
    let lock_path = util::root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .map_err(|e| format!("reading {}: {e}", lock_path.display()))?;
    let want = locked_version(&lock, "wasm-bindgen")
        .ok_or_else(|| format!("{} has no wasm-bindgen package", lock_path.display()))?;
    let have = |program: &str| output_line(program, &["--version"]);
    let matches = |line: Option<String>| {
        line.is_some_and(|l| l.split_whitespace().nth(1) == Some(want.as_str()))
    };
    if matches(have("wasm-bindgen")) && matches(have("wasm-bindgen-test-runner")) {
        return Ok(());
    }
    install(&format!("install wasm-bindgen-cli {want}"), || {
        // The one install without --locked: the lockfile published with wasm-bindgen-cli pins a
        // crate version that the registry mirror lacks, so a locked install cannot resolve.
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &want]))
    })?;
    if !matches(have("wasm-bindgen")) {
        return Err(format!(
            "wasm-bindgen {want} was installed but `wasm-bindgen --version` does not report it"
        ));
    }
    Ok(())
}

/// wasm-pack, which runs the browser tests (`wasm-pack test`) with the wasm-bindgen above: with
/// `--mode no-install` it takes the `wasm-bindgen` on PATH of the locked version and never
/// downloads one.
pub fn wasm_pack() -> Result<()> {
    let want = format!("wasm-pack {WASM_PACK_VERSION}");
    if output_line("wasm-pack", &["--version"]).as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    install(&format!("install {want}"), || {
        run(cargo().args([
            "install",
            "--locked",
            "wasm-pack",
            "--version",
            WASM_PACK_VERSION,
        ]))
    })?;
    match output_line("wasm-pack", &["--version"]) {
        Some(line) if line == want => Ok(()),
        other => Err(format!(
            "{want} was installed but `wasm-pack --version` says {other:?}"
        )),
    }
}

pub fn chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    install("install chromium and chromium-driver (apt-get)", || {
        if output_line("apt-get", &["--version"]).is_none() {
            return Err(no_apt_message());
        }
        let is_root = output_line("id", &["-u"]).as_deref() == Some("0");
        // -n: sudo fails at once instead of waiting for a password nobody will type.
        if !is_root && output_line("sudo", &["-n", "true"]).is_none() {
            return Err(format!(
                "{CHROMIUM} or {CHROMEDRIVER} is missing, and installing them needs root: `sudo -n` \
                 is not available without a password here. Run \
                 `sudo apt-get install -y chromium chromium-driver` yourself, then this again"
            ));
        }
        let apt = || {
            let mut cmd = if is_root {
                Command::new("apt-get")
            } else {
                let mut sudo = Command::new("sudo");
                sudo.args(["-n", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
                sudo
            };
            cmd.env("DEBIAN_FRONTEND", "noninteractive");
            // Waits for another apt run (unattended upgrades, a parallel job) instead of failing.
            cmd.args(["-o", "DPkg::Lock::Timeout=600"]);
            cmd
        };
        run(apt().arg("update"))?;
        run(apt().args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ]))?;
        for needed in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(needed).exists() {
                return Err(format!(
                    "apt-get installed chromium but {needed} is still missing"
                ));
            }
        }
        Ok(())
    })
}

/// What to do on a system whose packages do not come from apt.
fn no_apt_message() -> String {
    format!(
        "the browser tests need Chromium at {CHROMIUM} and its WebDriver at {CHROMEDRIVER}, and \
         this system has no apt-get to install them. Install them with your package manager \
         (Fedora: `dnf install chromium chromedriver`; Arch: `pacman -S chromium`; Alpine: \
         `apk add chromium chromium-chromedriver`; the WebDriver's major version must match \
         Chromium's) and link them to those two paths, or leave out the layers that need a \
         browser: `cargo xtask test --skip wasm,e2e`"
    )
}

/// cfn-lint (PyPI) in a virtual environment under `.tools/`, for the export tests. Returns the
/// executable.
pub fn cfn_lint() -> Result<PathBuf> {
    const VERSION: &str = "1.58.0";
    let venv = util::root().join(".tools").join("cfn-venv");
    let exe = venv.join("bin").join("cfn-lint");
    let stamp = venv.join("stepwise-cfn-lint-version");
    if exe.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(VERSION) {
        return Ok(exe);
    }
    let skip = "leave this layer out with `cargo xtask test --skip export`";
    install(
        &format!("install cfn-lint {VERSION} (PyPI, into .tools/cfn-venv)"),
        || {
            run(Command::new("python3").arg("-m").arg("venv").arg(&venv)).map_err(|e| {
                format!("{e}: cfn-lint needs Python 3 with its venv module (Debian: python3-venv); {skip}")
            })?;
            run(Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(format!("cfn-lint=={VERSION}")))
            .map_err(|e| {
                format!(
                    "{e}: pip could not install cfn-lint {VERSION} from PyPI (or the index that \
                     PIP_INDEX_URL names); is it reachable? Otherwise {skip}"
                )
            })?;
            std::fs::write(&stamp, VERSION)
                .map_err(|e| format!("writing {}: {e}", stamp.display()))?;
            Ok(())
        },
    )?;
    Ok(exe)
}

/// The npm packages pinned in `tests/e2e/package.json` (exact versions, with its lockfile).
pub fn npm_tools() -> Result<()> {
    let dir = util::npm_dir();
    let manifest = std::fs::read_to_string(dir.join("package.json"))
        .map_err(|e| format!("reading {}: {e}", dir.join("package.json").display()))?;
    let missing: Vec<String> = pinned_npm_packages(&manifest)
        .into_iter()
        .filter(|(name, version)| {
            installed_npm_version(&dir, name).as_deref() != Some(version.as_str())
        })
        .map(|(name, version)| format!("{name}@{version}"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    install(
        &format!("install npm packages ({})", missing.join(", ")),
        || {
            let mut cmd = Command::new("npm");
            cmd.current_dir(&dir)
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error"]);
            run(&mut cmd)
        },
    )
}

/// The code editor's packages (CodeMirror 6), pinned in `www/editor/package.json` and its
/// lockfile: `npm ci` installs exactly the locked tree when a pinned version is missing.
pub fn editor_packages() -> Result<()> {
    let dir = util::editor_dir();
    let manifest = std::fs::read_to_string(dir.join("package.json"))
        .map_err(|e| format!("reading {}: {e}", dir.join("package.json").display()))?;
    let missing: Vec<String> = pinned_npm_packages(&manifest)
        .into_iter()
        .filter(|(name, version)| {
            installed_npm_version(&dir, name).as_deref() != Some(version.as_str())
        })
        .map(|(name, version)| format!("{name}@{version}"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    install(
        &format!(
            "install the code editor's npm packages (npm ci: {})",
            missing.join(", ")
        ),
        || {
            run(Command::new("npm").current_dir(&dir).args([
                "ci",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ]))
        },
    )
}

/// `(name, version)` of the `devDependencies` in a package.json written as one entry per line.
fn pinned_npm_packages(manifest: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut inside = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with("\"devDependencies\"") {
            inside = true;
        } else if inside && line.starts_with('}') {
            break;
        } else if inside {
            let mut parts = line
                .trim_end_matches(',')
                .split(':')
                .map(|p| p.trim().trim_matches('"'));
            if let (Some(name), Some(version)) = (parts.next(), parts.next()) {
                found.push((name.to_string(), version.to_string()));
            }
        }
    }
    found
}

pub fn installed_npm_version(dir: &Path, name: &str) -> Option<String> {
    let text =
        std::fs::read_to_string(dir.join("node_modules").join(name).join("package.json")).ok()?;
    // The first top-level "version" key; package.json files put it near the top, before any nested one.
    let at = text.find("\"version\"")?;
    let rest = &text[at + "\"version\"".len()..];
    let value = rest
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    Some(value[..value.find('"')?].to_string())
}

pub fn wasm_opt() -> PathBuf {
    util::npm_dir().join("node_modules/.bin/wasm-opt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_locked_version_of_a_package() {
        let lock = r#"
[[package]]
name = "wasm-bindgen-macro"
version = "0.2.99"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        assert_eq!(
            locked_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            locked_version(lock, "wasm-bindgen-macro").as_deref(),
            Some("0.2.99")
        );
        assert_eq!(locked_version(lock, "yew"), None);
    }

    #[test]
    fn reads_pinned_dev_dependencies() {
        let manifest = "{\n  \"name\": \"x\",\n  \"devDependencies\": {\n    \"binaryen\": \"132.0.0\",\n    \"playwright-core\": \"1.57.0\"\n  }\n}\n";
        assert_eq!(
            pinned_npm_packages(manifest),
            [
                ("binaryen".to_string(), "132.0.0".to_string()),
                ("playwright-core".to_string(), "1.57.0".to_string())
            ]
        );
    }

    #[test]
    fn the_repository_pins_its_npm_tools_exactly() {
        let manifest = std::fs::read_to_string(util::npm_dir().join("package.json")).unwrap();
        let pinned = pinned_npm_packages(&manifest);
        let names: Vec<&str> = pinned.iter().map(|(n, _)| n.as_str()).collect();
        assert!(
            ["binaryen", "playwright-core", "esbuild"]
                .iter()
                .all(|tool| names.contains(tool)),
            "{pinned:?}"
        );
        for (name, version) in &pinned {
            assert!(
                version.chars().all(|c| c.is_ascii_digit() || c == '.'),
                "{name} is not pinned: {version}"
            );
        }
    }

    #[test]
    fn the_editor_pins_codemirror_exactly_with_a_lockfile() {
        let dir = util::editor_dir();
        let manifest = std::fs::read_to_string(dir.join("package.json")).unwrap();
        let pinned = pinned_npm_packages(&manifest);
        assert!(
            pinned.iter().any(|(n, _)| n == "@codemirror/view"),
            "{pinned:?}"
        );
        let lock = std::fs::read_to_string(dir.join("package-lock.json")).unwrap();
        for (name, version) in &pinned {
            assert!(
                version.chars().all(|c| c.is_ascii_digit() || c == '.'),
                "{name} is not pinned: {version}"
            );
            assert!(
                lock.contains(&format!(
                    "\"node_modules/{name}\": {{\n      \"version\": \"{version}\""
                )),
                "{name}@{version} is not what package-lock.json locks"
            );
        }
    }
}
