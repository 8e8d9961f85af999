//! Builds the site into `dist/`: the playground (Yew app) at its root, the embed's module
//! (`embed_view*`, loaded by `www/embed.js`) next to it, the JS API in `dist/pkg/` with the
//! JSONata module (`stepwise_jsonata*`) its `init()` loads beside it, and which the playground
//! and the embed load from there too; the template module (`stepwise_templates*`) at the root.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::setup::{self, WASM_TARGET};
use crate::util::{self, run, step, Result};

const PLAYGROUND: &str = "stepwise-playground";
const JS_API: &str = "stepwise-wasm";
/// The embed: the JS API plus the playground's graph view, one module for every embed of a page.
const EMBED: &str = "stepwise-embed";
/// JSONata's evaluator as a module of its own (crates/jsonata-wasm).
const JSONATA: &str = "stepwise-jsonata-wasm";
/// The JS API's feature that leaves JSONata to that module.
const JSONATA_MODULE_FEATURE: &str = "jsonata-module";
/// The template reader and the exporter as a module of its own (crates/templates-wasm), which
/// the playground loads on its first Import of a template or Export to AWS.
const TEMPLATES: &str = "stepwise-templates-wasm";
/// The playground's feature that leaves the template reader and the exporter to that module.
const TEMPLATE_MODULE_FEATURE: &str = "template-module";
/// The template module's name in `dist/`, as crates/playground/src/templates_module.rs imports it.
const TEMPLATES_OUT: &str = "stepwise_templates";

/// `build()` once per run of xtask: the `package` and `e2e` layers share one build.
pub fn build_once() -> Result<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf>> = OnceLock::new();
    BUILT.get_or_init(build).clone()
}

pub fn build() -> Result<PathBuf> {
    setup::wasm_target()?;
    setup::wasm_bindgen()?;
    setup::npm_tools()?;
    setup::editor_packages()?;
    let root = util::root();
    let dist = util::dist_dir();

    step(
        "cargo build (wasm32, profile web): JSONata and template modules",
        || {
            run(setup::cargo().args([
                "build",
                "--profile",
                "web",
                "--target",
                WASM_TARGET,
                "-p",
                JSONATA,
                "-p",
                TEMPLATES,
            ]))
        },
    )?;
    // On their own: cargo unifies features over the packages of one build, and `jsonata-module`
    // must not reach the two modules above, which are built without it. This build comes last,
    // so its stepwise_wasm.wasm is the one in the output folder.
    step(
        "cargo build (wasm32, profile web): JS API, playground and embed, JSONata and templates in their own modules",
        || {
            run(setup::cargo().args([
                "build",
                "--profile",
                "web",
                "--target",
                WASM_TARGET,
                "-p",
                JS_API,
                "-p",
                PLAYGROUND,
                "-p",
                EMBED,
                "--features",
                &format!(
                    "{JS_API}/{JSONATA_MODULE_FEATURE},{PLAYGROUND}/{JSONATA_MODULE_FEATURE},\
                     {PLAYGROUND}/{TEMPLATE_MODULE_FEATURE},{EMBED}/{JSONATA_MODULE_FEATURE}"
                ),
            ]))
        },
    )?;
    let out = util::target_dir().join(WASM_TARGET).join("web");

    step("wasm-bindgen + wasm-opt", || {
        if dist.exists() {
            std::fs::remove_dir_all(&dist)
                .map_err(|e| format!("removing {}: {e}", dist.display()))?;
        }
        // The page imports `./playground.js`; the bin's own name would give `stepwise-playground.js`.
        bindgen(
            &out.join(format!("{PLAYGROUND}.wasm")),
            &dist,
            "playground",
            false,
        )?;
        optimize(&dist.join("playground_bg.wasm"))?;
        bindgen(
            &out.join(format!("{}.wasm", EMBED.replace('-', "_"))),
            &dist,
            "embed_view",
            false,
        )?;
        optimize(&dist.join("embed_view_bg.wasm"))?;
        bindgen(
            &out.join(format!("{}.wasm", TEMPLATES.replace('-', "_"))),
            &dist,
            TEMPLATES_OUT,
            false,
        )?;
        optimize(&dist.join(format!("{TEMPLATES_OUT}_bg.wasm")))?;
        let pkg = dist.join("pkg");
        js_api(
            &root,
            &out.join(format!("{}.wasm", JS_API.replace('-', "_"))),
            &pkg,
        )?;
        optimize(&pkg.join("stepwise_wasm_bg.wasm"))?;
        jsonata_module(
            &out.join(format!("{}.wasm", JSONATA.replace('-', "_"))),
            &pkg,
        )?;
        optimize(&pkg.join(crate::npm_package::JSONATA_WASM))?;
        crate::npm_package::complete(&root, &pkg)
    })?;

    step("copy index.html and www/", || {
        util::copy_file(&root.join("index.html"), &dist.join("index.html"))?;
        copy_site(&root.join("www"), &dist)
    })?;

    step(
        "esbuild: the code editor (CodeMirror 6) into editor.js",
        || editor_bundle(&dist),
    )?;

    step("precompress (gzip and brotli copies for `serve`)", || {
        run(Command::new("node")
            .arg(root.join("xtask/precompress.mjs"))
            .arg(&dist))
    })?;

    for file in [
        dist.join("playground_bg.wasm"),
        dist.join("embed_view_bg.wasm"),
        dist.join(format!("{TEMPLATES_OUT}_bg.wasm")),
        dist.join("pkg/stepwise_wasm_bg.wasm"),
        dist.join("pkg").join(crate::npm_package::JSONATA_WASM),
        dist.join(EDITOR_BUNDLE),
    ] {
        println!("{}", size_line(&file));
    }
    // Only reported here; the `package` test layer fails on a file over its budget.
    for verdict in check_budgets(&dist) {
        match verdict {
            Ok(line) => println!("size budget: {line}"),
            Err(line) => println!("size budget EXCEEDED: {line}"),
        }
    }
    Ok(dist)
}

/// The editor's bundle; the playground's loader (`crates/playground/js/editor_loader.js`) imports
/// it by this name after the first paint.
const EDITOR_BUNDLE: &str = "editor.js";

/// `www/` into `dist/`, but for the editor's sources and packages (`www/editor/`), which go in
/// bundled as `editor.js`.
fn copy_site(www: &Path, dist: &Path) -> Result<()> {
    let entries = std::fs::read_dir(www).map_err(|e| format!("reading {}: {e}", www.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", www.display()))?;
        let (src, dst) = (entry.path(), dist.join(entry.file_name()));
        if src == util::editor_dir() {
            continue;
        }
        if src.is_dir() {
            util::copy_tree(&src, &dst)?;
        } else {
            util::copy_file(&src, &dst)?;
        }
    }
    Ok(())
}

/// One minified ES module with everything the editor needs, and the licence texts of the
/// packages inside it next to it (CodeMirror and Lezer are MIT: their notices travel with them).
fn editor_bundle(dist: &Path) -> Result<()> {
    let dir = util::editor_dir();
    let esbuild = util::npm_dir().join("node_modules/.bin/esbuild");
    let licences = "editor.licenses.txt";
    run(Command::new(esbuild)
        .current_dir(&dir)
        .args([
            "src/main.js",
            "--bundle",
            "--format=esm",
            "--minify",
            "--target=es2020",
            "--legal-comments=none",
        ])
        .arg(format!(
            "--banner:js=/* Stepwise's editor: CodeMirror 6 and Lezer, MIT licensed; see {licences} */"
        ))
        .arg(format!("--outfile={}", dist.join(EDITOR_BUNDLE).display())))?;
    let mut text = String::new();
    for package in bundled_packages(&dir.join("node_modules")) {
        let Some(licence) = ["LICENSE", "LICENSE.md", "LICENSE.txt"]
            .iter()
            .map(|name| package.join(name))
            .find(|path| path.is_file())
        else {
            continue;
        };
        let body = std::fs::read_to_string(&licence)
            .map_err(|e| format!("reading {}: {e}", licence.display()))?;
        let name = package
            .strip_prefix(dir.join("node_modules"))
            .unwrap_or(&package);
        text.push_str(&format!(
            "== {} ==\n\n{}\n\n",
            name.display(),
            body.trim_end()
        ));
    }
    std::fs::write(dist.join(licences), text)
        .map_err(|e| format!("writing {}: {e}", dist.join(licences).display()))
}

/// Every package directory under `node_modules` (scoped ones included), sorted.
fn bundled_packages(node_modules: &Path) -> Vec<PathBuf> {
    let list = |dir: &Path| -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| entries.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        found.retain(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        });
        found.sort();
        found
    };
    list(node_modules)
        .into_iter()
        .flat_map(|p| {
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('@'))
            {
                list(&p)
            } else {
                vec![p]
            }
        })
        .collect()
}

fn bindgen(wasm: &Path, out_dir: &Path, out_name: &str, typescript: bool) -> Result<()> {
    run(&mut bindgen_command(wasm, out_dir, out_name, typescript))
}

fn bindgen_command(wasm: &Path, out_dir: &Path, out_name: &str, typescript: bool) -> Command {
    let mut cmd = Command::new("wasm-bindgen");
    cmd.args(["--target", "web", "--out-name", out_name, "--out-dir"])
        .arg(out_dir)
        .arg(wasm);
    if !typescript {
        cmd.arg("--no-typescript");
    }
    cmd
}

/// The JS API package: wasm-bindgen's bindings renamed `stepwise_wasm_bindings.*`, behind the
/// entry point `crates/wasm/js/stepwise_wasm.js`, which guards every call against a trap and
/// resets the instance with the bindings' `__wbg_reset_state` (hence that flag).
fn js_api(root: &Path, wasm: &Path, pkg: &Path) -> Result<()> {
    let name = JS_API.replace('-', "_");
    run(bindgen_command(wasm, pkg, &name, true).arg("--experimental-reset-state-function"))?;
    for ext in ["js", "d.ts"] {
        let (from, to) = (
            pkg.join(format!("{name}.{ext}")),
            pkg.join(format!("{name}_bindings.{ext}")),
        );
        std::fs::rename(&from, &to)
            .map_err(|e| format!("renaming {} to {}: {e}", from.display(), to.display()))?;
        util::copy_file(
            &root.join(format!("crates/wasm/js/{name}.{ext}")),
            &pkg.join(format!("{name}.{ext}")),
        )?;
    }
    Ok(())
}

/// The JSONata module's bindings (`stepwise_jsonata.js`, imported by the JS API's entry point),
/// with wasm-bindgen's reset function: a trap inside it leaves its instance mid-call, and the
/// main module's bridge then starts it afresh.
fn jsonata_module(wasm: &Path, pkg: &Path) -> Result<()> {
    let name = crate::npm_package::JSONATA_GLUE.trim_end_matches(".js");
    run(bindgen_command(wasm, pkg, name, false).arg("--experimental-reset-state-function"))
}

/// What `optimize` passes to wasm-opt. `-Oz` alone inlines every function that has one caller,
/// however large, into that caller; keeping those apart (`-ocimfs=0`, binaryen's
/// `--one-caller-inline-max-function-size`) makes the module about 1 % larger raw but 8 % smaller
/// gzipped for the JS API (596.0 -> 549.0 KiB; brotli 459.5 -> 431.6) and 1 % for the playground
/// (751.9 -> 746.3): repeated code stays in small functions that compress alike instead of being
/// spread, renumbered, through a few very large ones. Values 0 to 20 measured alike; 100 loses half
/// the gain.
/// `--reorder-functions-by-name` (run last) then puts functions in name order: the copies of one
/// generic function, and the functions of one module, end up next to each other, within reach of
/// gzip's 32 KiB window. Same code, same raw size; gzip -2.7 % for the playground (830.7 -> 808.6
/// KiB), -3.3 % for the embed's view (639.0 -> 617.8), -2.2 % for the JS API (341.5 -> 334.1),
/// -1.1 % for the JSONata module (316.8 -> 313.2); brotli, whose window is larger, -0.8 to -1.5 %.
const WASM_OPT_FLAGS: [&str; 3] = ["-Oz", "-ocimfs=0", "--reorder-functions-by-name"];

/// wasm-opt ([`WASM_OPT_FLAGS`]) in place. binaryen's npm build takes a minute or more on a large
/// module, so the result is kept next to a copy of its input and reused while wasm-bindgen's
/// output and the flags are unchanged.
fn optimize(wasm: &Path) -> Result<()> {
    let binaryen = setup::installed_npm_version(&util::npm_dir(), "binaryen").unwrap_or_default();
    let flags = WASM_OPT_FLAGS.join("");
    let cache = util::target_dir().join(format!("xtask/wasm-opt-{binaryen}{flags}"));
    let name = wasm
        .file_name()
        .expect("a file")
        .to_string_lossy()
        .into_owned();
    let (cached_in, cached_out) = (
        cache.join(format!("{name}.in")),
        cache.join(format!("{name}.out")),
    );
    let input = std::fs::read(wasm).map_err(|e| format!("reading {}: {e}", wasm.display()))?;
    if cached_out.is_file() && std::fs::read(&cached_in).is_ok_and(|old| old == input) {
        println!("{name}: unchanged since the last build, reusing its wasm-opt output");
        return util::copy_file(&cached_out, wasm);
    }
    let tmp = wasm.with_extension("opt.wasm");
    run(Command::new(setup::wasm_opt())
        .args(WASM_OPT_FLAGS)
        .arg(wasm)
        .arg("-o")
        .arg(&tmp))?;
    std::fs::rename(&tmp, wasm).map_err(|e| format!("replacing {}: {e}", wasm.display()))?;
    // A failure to cache only costs the next build time.
    let _ = std::fs::create_dir_all(&cache)
        .and_then(|()| std::fs::write(&cached_in, &input))
        .and_then(|()| std::fs::copy(wasm, &cached_out).map(drop));
    Ok(())
}

/// How large each wasm file of the site may be, gzipped (`gzip -9`, the `.gz` copy `build` writes),
/// in bytes. Every byte is downloaded before the first render, so a change that grows them has to
/// raise its figure here, in review. Issue 19 aims at 600 KiB for the playground and 450 KiB for
/// the JS API (the embed's view has no target of its own); until those are reached each figure
/// sits about 10 KiB above the file's size when it was last lowered, so that what has been saved
/// stays saved.
/// The playground's figure rose from 757 to 820 KiB with the recorded-execution UI of issue 22
/// (import, replay, compare, export: `stepwise-recording` ≈ 62 KB of code before wasm-opt, its
/// UI ≈ 34 KB, their Yew and collection instances ≈ 40 KB; +60 KiB gzipped): loading that part
/// only when a user imports an execution is the way back under the old figure.
/// TestState and the engine's per-stage records (issues 18, 20) raised all three: playground
/// 820 -> 835, embed view 660 -> 665, JS API 567 -> 572 KiB (measured 827.8 / 661.0 / 567.2
/// before the local-run test export landed beside them).
/// JSONata as the JS API's second module (crates/jsonata-wasm) lowered the JS API to 373 KiB
/// (measured 362.9, from 566.7); the JSONata module itself measured 316.8 (budget 327).
/// Functions in name order (`WASM_OPT_FLAGS`), one request reader in the JS API and fewer sort
/// instances lowered three: playground 835 -> 815, embed view 665 -> 624, JS API 373 -> 340 KiB
/// (measured 808.6 / 617.8 / 334.1, from 832.2 / 662.1 / 364.4).
/// The playground loading JSONata's module instead of linking it lowered its figure 815 -> 638
/// (measured 625.1 from 810.8, then 628.2 with TestState's context; the module, 313.2, comes
/// after the first paint, or before it for a workspace that uses JSONata).
/// The template reader moved to a module of its own (loaded on the first Import of a template)
/// brought the playground to the target: 638 -> 600 KiB (measured 595.9 from 637.5; the module
/// 112.9). The exporter joined it there (loaded when Export to AWS first opens): playground
/// 571.9, the module 205.2 (budget 215). The playground's budget stays at the target.
/// The embed loading JSONata's module too (www/embed.js) lowered its figure 624 -> 450 (measured
/// 438.9 from 622.5).
pub const GZIP_BUDGETS: [(&str, u64); 5] = [
    ("playground_bg.wasm", 600 * 1024),
    ("embed_view_bg.wasm", 450 * 1024),
    ("pkg/stepwise_wasm_bg.wasm", 340 * 1024),
    ("pkg/stepwise_jsonata_bg.wasm", 327 * 1024),
    ("stepwise_templates_bg.wasm", 215 * 1024),
];

/// One line per wasm file of `dist`: within its gzip budget (`Ok`) or over it (`Err`, saying
/// which file and by how much).
pub fn check_budgets(dist: &Path) -> Vec<std::result::Result<String, String>> {
    GZIP_BUDGETS
        .iter()
        .map(|&(file, budget)| {
            let gz = dist.join(format!("{file}.gz"));
            let size = std::fs::metadata(&gz)
                .map_err(|e| {
                    format!(
                        "{}: {e} (does `cargo xtask build` precompress it?)",
                        gz.display()
                    )
                })?
                .len();
            budget_verdict(file, size, budget)
        })
        .collect()
}

fn budget_verdict(file: &str, size: u64, budget: u64) -> std::result::Result<String, String> {
    let kib = |bytes: u64| bytes as f64 / 1024.0;
    if size <= budget {
        Ok(format!(
            "{file}: {:.1} KiB gzipped, within its {:.0} KiB budget ({:.1} KiB to spare)",
            kib(size),
            kib(budget),
            kib(budget - size)
        ))
    } else {
        Err(format!(
            "{file}: {:.1} KiB gzipped, {:.1} KiB over its {:.0} KiB budget (xtask/src/dist.rs \
             GZIP_BUDGETS; issue 19)",
            kib(size),
            kib(size - budget),
            kib(budget)
        ))
    }
}

/// `name: 1789.2 KiB (731.4 KiB gzipped, 540.0 KiB brotli)`, from the precompressed copies.
pub fn size_line(file: &Path) -> String {
    let kb = |path: &Path| std::fs::metadata(path).map(|m| m.len() as f64 / 1024.0);
    let compressed = |suffix: &str, label: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        kb(Path::new(&name))
            .map(|size| format!("{size:.1} KiB {label}"))
            .ok()
    };
    let details: Vec<String> = [compressed(".gz", "gzipped"), compressed(".br", "brotli")]
        .into_iter()
        .flatten()
        .collect();
    format!(
        "{}: {:.1} KiB{}",
        file.display(),
        kb(file).unwrap_or(0.0),
        if details.is_empty() {
            String::new()
        } else {
            format!(" ({})", details.join(", "))
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_its_budget_says_which_and_by_how_much() {
        let over = budget_verdict("playground_bg.wasm", 615 * 1024, 600 * 1024).unwrap_err();
        assert!(
            over.starts_with(
                "playground_bg.wasm: 615.0 KiB gzipped, 15.0 KiB over its 600 KiB budget"
            ),
            "{over}"
        );
        let within = budget_verdict("pkg/stepwise_wasm_bg.wasm", 440 * 1024, 450 * 1024).unwrap();
        assert!(within.contains("10.0 KiB to spare"), "{within}");
    }
}
