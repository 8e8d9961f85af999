//! Builds the site into `dist/`: the playground (Yew app) at its root, the embed's module
//! (`embed_view*`, loaded by `www/embed.js`) next to it, the JS API in `dist/pkg/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::setup::{self, WASM_TARGET};
use crate::util::{self, run, step, Result};

const PLAYGROUND: &str = "stepwise-playground";
const JS_API: &str = "stepwise-wasm";
/// The embed: the JS API plus the playground's graph view, one module for every embed of a page.
const EMBED: &str = "stepwise-embed";

/// `build()` once per run of xtask: the `package` and `e2e` layers share one build.
pub fn build_once() -> Result<PathBuf> {
    static BUILT: OnceLock<Result<PathBuf>> = OnceLock::new();
    BUILT.get_or_init(build).clone()
}

pub fn build() -> Result<PathBuf> {
    setup::wasm_target()?;
    setup::wasm_bindgen()?;
    setup::npm_tools()?;
    let root = util::root();
    let dist = util::dist_dir();

    step(
        "cargo build (wasm32, profile web): playground, embed and JS API",
        || {
            run(setup::cargo().args([
                "build",
                "--profile",
                "web",
                "--target",
                WASM_TARGET,
                "-p",
                PLAYGROUND,
                "-p",
                JS_API,
                "-p",
                EMBED,
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
        let pkg = dist.join("pkg");
        js_api(
            &root,
            &out.join(format!("{}.wasm", JS_API.replace('-', "_"))),
            &pkg,
        )?;
        optimize(&pkg.join("stepwise_wasm_bg.wasm"))?;
        crate::npm_package::complete(&root, &pkg)
    })?;

    step("copy index.html and www/", || {
        util::copy_file(&root.join("index.html"), &dist.join("index.html"))?;
        util::copy_tree(&root.join("www"), &dist)
    })?;

    step("precompress (gzip and brotli copies for `serve`)", || {
        run(Command::new("node")
            .arg(root.join("xtask/precompress.mjs"))
            .arg(&dist))
    })?;

    for wasm in [
        dist.join("playground_bg.wasm"),
        dist.join("embed_view_bg.wasm"),
        dist.join("pkg/stepwise_wasm_bg.wasm"),
    ] {
        println!("{}", size_line(&wasm));
    }
    Ok(dist)
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

/// `wasm-opt -Oz` in place. binaryen's npm build takes a minute or more on a large module, so the
/// result is kept next to a copy of its input and reused while wasm-bindgen's output is unchanged.
fn optimize(wasm: &Path) -> Result<()> {
    let binaryen = setup::installed_npm_version(&util::npm_dir(), "binaryen").unwrap_or_default();
    let cache = util::target_dir().join(format!("xtask/wasm-opt-{binaryen}"));
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
        .arg("-Oz")
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

/// `name: 1789.2 KB (731.4 KB gzipped, 540.0 KB brotli)`, from the precompressed copies.
pub fn size_line(file: &Path) -> String {
    let kb = |path: &Path| std::fs::metadata(path).map(|m| m.len() as f64 / 1024.0);
    let compressed = |suffix: &str, label: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        kb(Path::new(&name))
            .map(|size| format!("{size:.1} KB {label}"))
            .ok()
    };
    let details: Vec<String> = [compressed(".gz", "gzipped"), compressed(".br", "brotli")]
        .into_iter()
        .flatten()
        .collect();
    format!(
        "{}: {:.1} KB{}",
        file.display(),
        kb(file).unwrap_or(0.0),
        if details.is_empty() {
            String::new()
        } else {
            format!(" ({})", details.join(", "))
        }
    )
}
