//! `dist/pkg/` as an npm package (manifest, README, Node entry), and the `package` test layer:
//! the packed tarball installed into an empty project, run from Node and from a bundler, and
//! `wasm-pack build` of the JS API crate for each of its targets.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::setup;
use crate::util::{self, run, run_tee, step, Result};

/// The package's name on npm; also the crate's name.
const NAME: &str = "stepwise-wasm";
/// The entry point (crates/wasm/js/stepwise_wasm.js, which guards calls against traps) and the
/// wasm-bindgen bindings behind it.
const GLUE: &str = "stepwise_wasm.js";
const TYPES: &str = "stepwise_wasm.d.ts";
const BINDINGS: &str = "stepwise_wasm_bindings.js";
const BINDINGS_TYPES: &str = "stepwise_wasm_bindings.d.ts";
const WASM: &str = "stepwise_wasm_bg.wasm";
const WASM_TYPES: &str = "stepwise_wasm_bg.wasm.d.ts";
/// The JSONata module (crates/jsonata-wasm), which `init()` loads beside the main one.
pub const JSONATA_GLUE: &str = "stepwise_jsonata.js";
pub const JSONATA_WASM: &str = "stepwise_jsonata_bg.wasm";
/// wasm-bindgen's copies of the crates' own JS (the bridge to the JSONata module), which the
/// bindings import.
const SNIPPETS: &str = "snippets";
/// Node's entry (crates/wasm/npm/node.js): `init()` reads the wasm file instead of fetching it.
const NODE_ENTRY: &str = "node.js";

/// Adds what makes wasm-bindgen's output in `pkg` an npm package: package.json, README.md and
/// the Node entry.
pub fn complete(root: &Path, pkg: &Path) -> Result<()> {
    let workspace = read(&root.join("Cargo.toml"))?;
    let krate = read(&root.join("crates/wasm/Cargo.toml"))?;
    let field = |text: &str, section: &str, key: &str| {
        toml_string(text, section, key)
            .ok_or_else(|| format!("Cargo.toml has no `{key}` in [{section}]"))
    };
    let manifest = Manifest {
        version: field(&workspace, "workspace.package", "version")?,
        license: field(&workspace, "workspace.package", "license")?,
        description: field(&krate, "package", "description")?,
        repository: toml_string(&workspace, "workspace.package", "repository"),
    };
    write(&pkg.join("package.json"), &manifest.to_json())?;
    write(
        &pkg.join("README.md"),
        &npm_readme(&read(&root.join("crates/wasm/README.md"))?)?,
    )?;
    util::copy_file(&root.join("crates/wasm/npm/node.js"), &pkg.join(NODE_ENTRY))
}

struct Manifest {
    version: String,
    license: String,
    description: String,
    repository: Option<String>,
}

impl Manifest {
    fn to_json(&self) -> String {
        let repository = self
            .repository
            .as_deref()
            .map(|url| {
                format!(
                    "\n  \"repository\": {{ \"type\": \"git\", \"url\": {}, \"directory\": \"crates/wasm\" }},",
                    json_string(url)
                )
            })
            .unwrap_or_default();
        format!(
            r#"{{
  "name": "{NAME}",
  "version": {version},
  "description": {description},
  "license": {license},{repository}
  "keywords": ["aws", "step-functions", "amazon-states-language", "wasm", "simulator"],
  "type": "module",
  "main": "./{GLUE}",
  "module": "./{GLUE}",
  "types": "./{TYPES}",
  "exports": {{
    ".": {{
      "types": "./{TYPES}",
      "node": "./{NODE_ENTRY}",
      "default": "./{GLUE}"
    }},
    "./{WASM}": {{
      "types": "./{WASM_TYPES}",
      "default": "./{WASM}"
    }},
    "./{JSONATA_WASM}": "./{JSONATA_WASM}",
    "./package.json": "./package.json"
  }},
  "files": ["{GLUE}", "{TYPES}", "{BINDINGS}", "{BINDINGS_TYPES}", "{WASM}", "{WASM_TYPES}", "{JSONATA_GLUE}", "{JSONATA_WASM}", "{SNIPPETS}/", "{NODE_ENTRY}", "README.md"],
  "sideEffects": false
}}
"#,
            version = json_string(&self.version),
            description = json_string(&self.description),
            license = json_string(&self.license),
        )
    }
}

/// The package's README: the JS API section of crates/wasm/README.md (up to the embed section,
/// which is about the site, not the package), importing from the package name.
fn npm_readme(crate_readme: &str) -> Result<String> {
    let api = crate_readme
        .split("\n### Embedding a playground")
        .next()
        .unwrap_or(crate_readme);
    let api: String = api
        .lines()
        .filter(|line| !line.starts_with("<!--"))
        .collect::<Vec<_>>()
        .join("\n");
    let body = api
        .trim()
        .strip_prefix("## JavaScript API")
        .ok_or("crates/wasm/README.md no longer starts with its `## JavaScript API` section")?;
    // Where the repository's build puts the package is no news to someone who installed it.
    let body = match (
        body.find("`cargo xtask build`"),
        body.find("`Stepwise` object is one engine")
            .and_then(|at| body[..at].rfind("One")),
    ) {
        (Some(start), Some(end)) if start < end => format!("{}{}", &body[..start], &body[end..]),
        _ => body.to_string(),
    };
    let from = "'./pkg/stepwise_wasm.js'";
    if !body.contains(from) {
        return Err(format!(
            "the example of crates/wasm/README.md no longer imports {from}"
        ));
    }
    Ok(format!(
        "# {NAME}\n\n\
         An AWS Step Functions (Amazon States Language) interpreter compiled to WebAssembly: \
         executions, history, task tokens and virtual time, deterministic, with no AWS account.\n\n\
         ```sh\nnpm install {NAME}\n```\n\n\
         It is an ES module. In browsers `init()` fetches `{WASM}` and the JSONata evaluator's \
         `{JSONATA_WASM}` next to the module (a bundler must emit both files; \
         `initSync({{ module, jsonata }})` takes their bytes instead); in Node (18+) the \
         package's Node entry reads the files, so `await init()` works there as written.\n\
         {}\n",
        body.replace(from, &format!("'{NAME}'"))
    ))
}

/// The `package` test layer.
pub fn test() -> Result<crate::test::Outcome> {
    let dist = crate::dist::build_once()?;
    let root = util::root();
    let work = util::target_dir().join("xtask/package-test");
    if work.exists() {
        std::fs::remove_dir_all(&work).map_err(|e| format!("removing {}: {e}", work.display()))?;
    }
    let app = work.join("app");
    std::fs::create_dir_all(&app).map_err(|e| format!("creating {}: {e}", app.display()))?;

    let tarball = step("npm pack dist/pkg", || pack(&dist.join("pkg"), &work))?;
    step("install the tarball into an empty project", || {
        write(
            &app.join("package.json"),
            "{ \"name\": \"app\", \"private\": true, \"type\": \"module\" }\n",
        )?;
        let mut cmd = Command::new("npm");
        // The tarball has no dependencies: nothing may come from the network.
        cmd.current_dir(&app)
            .args([
                "install",
                "--offline",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ])
            .arg(&tarball);
        run(&mut cmd)
    })?;
    let scripts = root.join("tests/package");
    for script in ["scenario.mjs", "node-esm.mjs", "bundle-entry.mjs"] {
        util::copy_file(&scripts.join(script), &app.join(script))?;
    }
    write(&app.join("readme-example.mjs"), &readme_example()?)?;

    let mut checks = vec![
        node_check(&app, &["node-esm.mjs"]),
        node_check(&app, &["readme-example.mjs"]),
    ];
    checks.push(
        step("esbuild: bundle the package for browsers", || {
            let esbuild = util::npm_dir().join("node_modules/.bin/esbuild");
            run(Command::new(esbuild).current_dir(&app).args([
                "bundle-entry.mjs",
                "--bundle",
                "--format=esm",
                "--platform=browser",
                // Browsers of 2023 on, and the Node that runs the bundle here: esbuild would
                // otherwise decode the inlined .wasm with Uint8Array.fromBase64, new in 2025.
                "--target=chrome120,firefox120,safari17,node20",
                "--loader:.wasm=binary",
                "--log-level=warning",
                "--outfile=out/bundle.mjs",
            ]))
        })
        .and_then(|()| node_check(&app, &["out/bundle.mjs"])),
    );
    for target in ["web", "bundler", "nodejs"] {
        checks.push(wasm_pack_build(&root, &work, target));
    }

    let mut outcome = crate::test::Outcome::default();
    // The downloads stay within their size budgets (issue 19).
    for verdict in crate::dist::check_budgets(&dist) {
        match verdict {
            Ok(line) => {
                println!("package ok size {line}");
                outcome.passed += 1;
            }
            Err(error) => {
                println!("package FAIL size {error}");
                outcome.failed += 1;
            }
        }
    }
    for check in checks {
        match check {
            Ok(passed) => outcome.passed += passed,
            Err(error) => {
                println!("package FAIL {error}");
                outcome.failed += 1;
            }
        }
    }
    Ok(outcome)
}

/// `npm pack` into `out`; the tarball's path.
fn pack(pkg: &Path, out: &Path) -> Result<PathBuf> {
    let mut cmd = Command::new("npm");
    cmd.current_dir(pkg)
        .args(["pack", "--loglevel=error", "--pack-destination"])
        .arg(out);
    let (success, lines) = run_tee(&mut cmd, |_| true)?;
    let name = lines
        .iter()
        .rev()
        .find(|line| line.ends_with(".tgz"))
        .filter(|_| success)
        .ok_or("`npm pack` failed or named no tarball")?;
    let tarball = out.join(name.trim());
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(&tarball)
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    let mut files: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(|l| l.trim_start_matches("package/").to_string())
        .collect();
    files.sort();
    let mut want: Vec<String> = [
        GLUE,
        TYPES,
        BINDINGS,
        BINDINGS_TYPES,
        WASM,
        WASM_TYPES,
        JSONATA_GLUE,
        JSONATA_WASM,
        NODE_ENTRY,
        "README.md",
        "package.json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    want.extend(files_under(pkg, Path::new(SNIPPETS)));
    want.sort();
    if files != want {
        return Err(format!("the tarball holds {files:?}, expected {want:?}"));
    }
    Ok(tarball)
}

/// The files under `dir` of `root`, as paths relative to `root` written with `/`.
fn files_under(root: &Path, dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let relative = dir.join(entry.file_name());
        if entry.path().is_dir() {
            found.extend(files_under(root, &relative));
        } else {
            found.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    found
}

/// Runs a script with Node in `dir`; it prints `package ok <what>` per check and throws on a
/// failure.
fn node_check(dir: &Path, args: &[&str]) -> Result<usize> {
    let mut cmd = Command::new("node");
    cmd.current_dir(dir).args(args);
    // A failure in a bundle quotes its line, which may be the whole inlined .wasm file.
    let (success, lines) = run_tee(&mut cmd, |line| match line.char_indices().nth(300) {
        Some((cut, _)) => {
            println!("{}... ({} bytes)", &line[..cut], line.len());
            false
        }
        None => true,
    })?;
    let passed = lines
        .iter()
        .filter(|l| l.starts_with("package ok "))
        .count();
    if !success || passed == 0 {
        return Err(format!("`node {}` failed (see above)", args.join(" ")));
    }
    Ok(passed)
}

/// The README's example (crates/wasm/js/readme-example.mjs) importing the installed package,
/// followed by a check that each `console.log(...); // text` printed that text (as Node prints
/// values).
fn readme_example() -> Result<String> {
    let source = read(&util::root().join("crates/wasm/js/readme-example.mjs"))?;
    let from = "'./pkg/stepwise_wasm.js'";
    if !source.contains(from) {
        return Err(format!("readme-example.mjs no longer imports {from}"));
    }
    let expected: Vec<String> = source
        .lines()
        .filter(|line| line.trim_start().starts_with("console.log("))
        .map(|line| line.split_once("// ").map(|(_, c)| c.trim().to_string()))
        .map(|c| c.unwrap_or_default())
        .collect();
    Ok(format!(
        "const printed = [];\n\
         const log = console.log;\n\
         console.log = (...args) => {{ printed.push(args); log(...args); }};\n\
         {}\n\
         console.log = log;\n\
         const {{ inspect }} = await import('node:util');\n\
         const expected = {};\n\
         if (printed.length !== expected.length) throw new Error(`printed ${{printed.length}} lines, expected ${{expected.length}}`);\n\
         printed.forEach((args, i) => {{\n\
           const text = args.map((a) => (typeof a === 'string' ? a : inspect(a, {{ breakLength: Infinity }}))).join(' ');\n\
           if (expected[i] && text !== expected[i]) throw new Error(`line ${{i + 1}}: printed ${{text}}, the README says ${{expected[i]}}`);\n\
         }});\n\
         console.log('package ok the README example in Node');\n",
        source.replace(from, &format!("'{NAME}'")),
        json_array(&expected)
    ))
}

/// `wasm-pack build crates/wasm --target <target>`, then the scenario against its output. The
/// `web` profile is the one `cargo xtask build` compiles, so no second optimised build is made.
fn wasm_pack_build(root: &Path, work: &Path, target: &str) -> Result<usize> {
    setup::wasm_pack()?;
    let out = work.join(format!("wasm-pack-{target}"));
    step(&format!("wasm-pack build --target {target}"), || {
        run(Command::new("wasm-pack")
            .current_dir(root)
            .args(["build", "--mode", "no-install", "--target", target])
            .args(["--profile", "web", "--out-dir"])
            .arg(&out)
            .arg("crates/wasm"))
    })?;
    let mut args = Vec::new();
    // The bundler target imports the .wasm file as a module (the WebAssembly/ES module
    // integration that bundlers implement); Node has it behind a flag.
    if target == "bundler" {
        args.push("--experimental-wasm-modules".to_string());
    }
    args.push(
        root.join("tests/package/wasm-pack-target.mjs")
            .display()
            .to_string(),
    );
    args.push(target.to_string());
    args.push(out.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    node_check(work, &args)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// A string value of `key` in `[section]` of a Cargo.toml written one key per line.
fn toml_string(text: &str, section: &str, key: &str) -> Option<String> {
    let mut in_section = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_section = line == format!("[{section}]");
        } else if in_section {
            if let Some((name, value)) = line.split_once('=') {
                if name.trim() == key {
                    let value = value.trim();
                    return value
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .map(str::to_string);
                }
            }
        }
    }
    None
}

fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_array(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| json_string(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_string_keys_of_a_section() {
        let toml = "[package]\nname = \"a\"\n\n[workspace.package]\nversion = \"1.2.3\"\nlicense = \"MIT\"\n";
        assert_eq!(
            toml_string(toml, "workspace.package", "version").as_deref(),
            Some("1.2.3")
        );
        assert_eq!(toml_string(toml, "package", "name").as_deref(), Some("a"));
        assert_eq!(toml_string(toml, "package", "version"), None);
    }

    #[test]
    fn the_manifest_follows_npm_conventions() {
        let manifest = Manifest {
            version: "1.2.3".into(),
            license: "MIT".into(),
            description: "An \"engine\"".into(),
            repository: Some("https://example.org/x.git".into()),
        }
        .to_json();
        for wanted in [
            "\"version\": \"1.2.3\"",
            "\"description\": \"An \\\"engine\\\"\"",
            "\"type\": \"module\"",
            "\"types\": \"./stepwise_wasm.d.ts\"",
            "\"node\": \"./node.js\"",
            "\"sideEffects\": false",
            // The entry point imports the bindings and the JSONata module: all ship.
            "\"stepwise_wasm_bindings.js\"",
            "\"stepwise_jsonata.js\", \"stepwise_jsonata_bg.wasm\"",
            "\"./stepwise_jsonata_bg.wasm\": \"./stepwise_jsonata_bg.wasm\"",
            "\"url\": \"https://example.org/x.git\"",
        ] {
            assert!(manifest.contains(wanted), "{wanted} in {manifest}");
        }
    }

    #[test]
    fn the_npm_readme_is_the_js_api_section_importing_the_package() {
        let readme =
            npm_readme(&read(&util::root().join("crates/wasm/README.md")).unwrap()).unwrap();
        assert!(readme.starts_with("# stepwise-wasm\n"));
        assert!(readme.contains("import init, { Stepwise } from 'stepwise-wasm';"));
        assert!(!readme.contains("./pkg/") && !readme.contains("Embedding"));
        assert!(
            !readme.contains("cargo xtask") && readme.contains("`Stepwise` object is one engine")
        );
    }
}
