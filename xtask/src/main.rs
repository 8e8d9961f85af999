//! Project automation: `cargo xtask serve` and `cargo xtask test` set up everything they need on a
//! fresh machine (wasm target, wasm-bindgen-cli, Chromium, npm tools) and then do their job.

#![forbid(unsafe_code)]

mod bench;
mod dist;
mod fuzz;
mod npm_package;
mod serve;
mod setup;
mod test;
mod util;
mod vendor;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  serve [--port N]     build the playground into dist/ and serve it on http://127.0.0.1:8080
  test [--only LAYERS] [--skip LAYERS] [--offline]
                       run the test layers (lint, native, vendor, export, wasm, conformance,
                       package, e2e)
                       and print the total; LAYERS is one name or several separated by commas.
                       --offline installs nothing and runs cargo offline (tools must be there)
  build                build dist/ only (prints the wasm sizes: raw, gzip, brotli)
  first-load [--dir DIR]
                       median time to the first rendered graph over 5 fresh loads in headless
                       Chromium, unthrottled and at 10 Mbit/s (the default workspace, a saved
                       JSONata one, the embed page), then the JS API's time to a ready init() (builds dist/
                       unless DIR is given)
  bench [ARGS]         native and wasm benchmark tables (crates/bench; --quick for a short run)
  fuzz [--seconds N] [--target NAME]
                       run the libFuzzer targets of fuzz/ (N seconds each, default 60)
  setup                install the missing tools only";

fn main() -> ExitCode {
    setup::init_path();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(args: &[String]) -> util::Result<bool> {
    let (command, rest) = args
        .split_first()
        .map(|(c, r)| (c.as_str(), r))
        .unwrap_or(("help", &[]));
    match command {
        "serve" => {
            let port = match flag(rest, "--port")? {
                Some(port) => port
                    .parse()
                    .map_err(|_| format!("--port wants a number, not `{port}`"))?,
                None => 8080,
            };
            // Binding first reports a busy port before minutes of building.
            let listener = serve::bind(port)?;
            let dist = dist::build()?;
            println!(
                "serving {} on http://127.0.0.1:{port} (Ctrl-C to stop)",
                dist.display()
            );
            serve::serve(listener, dist)?;
            Ok(true)
        }
        "test" => {
            let options = test_options(rest)?;
            if options.offline {
                setup::go_offline();
            }
            test::run(&options.layers)
        }
        "build" => {
            no_more(rest)?;
            dist::build().map(|_| true)
        }
        "first-load" => {
            let dist = match flag(rest, "--dir")? {
                Some(dir) => std::path::PathBuf::from(dir),
                None => dist::build()?,
            };
            setup::chromium()?;
            let addr = serve::serve_in_background(dist)?;
            // The playground's first graph (of the default workspace, then of a saved one that
            // waits for JSONata's module), the embed page's first graph, then the JS API's
            // init() (both of its modules).
            for (script, workspace) in [
                ("first-load.mjs", None),
                ("first-load.mjs", Some("--jsonata")),
                ("first-load.mjs", Some("--embed")),
                ("js-api-load.mjs", None),
            ] {
                let script = util::root().join("tests/e2e/perf").join(script);
                for throttle in [None, Some("--throttle")] {
                    let mut cmd = std::process::Command::new("node");
                    cmd.arg(&script).arg(format!("http://{addr}")).arg("5");
                    cmd.args(throttle).args(workspace);
                    util::run(&mut cmd)?;
                }
            }
            Ok(true)
        }
        "bench" => bench::bench(rest).map(|_| true),
        "fuzz" => fuzz::fuzz(rest),
        "setup" => {
            no_more(rest)?;
            setup::wasm_target()?;
            setup::wasm_bindgen()?;
            setup::wasm_pack()?;
            setup::chromium()?;
            setup::npm_tools()?;
            setup::editor_packages()?;
            setup::cfn_lint()?;
            Ok(true)
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(true)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

#[derive(Debug, PartialEq)]
struct TestOptions {
    layers: Vec<test::Layer>,
    offline: bool,
}

/// `test`'s arguments: `--only A,B`, `--skip A,B` (each also as `--only=A,B`) and `--offline`, in
/// any order; the layers keep their usual order whatever order they are named in.
fn test_options(args: &[String]) -> util::Result<TestOptions> {
    let layer_list = |names: &str| {
        names
            .split(',')
            .map(|name| {
                test::Layer::parse(name.trim())
                    .ok_or_else(|| format!("unknown layer `{name}`\n\n{USAGE}"))
            })
            .collect::<util::Result<Vec<_>>>()
    };
    let (mut only, mut skip, mut offline) = (None, Vec::new(), false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next().cloned())
                .ok_or_else(|| format!("{name} wants a list of layers\n\n{USAGE}"))
        };
        match name {
            "--only" => only = Some(layer_list(&value()?)?),
            "--skip" => skip.extend(layer_list(&value()?)?),
            "--offline" if inline.is_none() => offline = true,
            _ => return Err(format!("unexpected argument `{arg}`\n\n{USAGE}")),
        }
    }
    let layers = test::LAYERS
        .into_iter()
        .filter(|layer| only.as_ref().is_none_or(|only| only.contains(layer)))
        .filter(|layer| !skip.contains(layer))
        .collect::<Vec<_>>();
    if layers.is_empty() {
        return Err(format!("no test layer is left to run\n\n{USAGE}"));
    }
    Ok(TestOptions { layers, offline })
}

/// The value of `--name V` or `--name=V`, the only arguments the commands take.
fn flag<'a>(args: &'a [String], name: &str) -> util::Result<Option<&'a str>> {
    match args {
        [] => Ok(None),
        [flag, value] if flag == name => Ok(Some(value)),
        [flag] if flag.strip_prefix(name).is_some_and(|v| v.starts_with('=')) => {
            Ok(Some(&flag[name.len() + 1..]))
        }
        _ => Err(format!("unexpected arguments {args:?}\n\n{USAGE}")),
    }
}

fn no_more(args: &[String]) -> util::Result<()> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(format!("unexpected arguments {args:?}\n\n{USAGE}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_flags() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(flag(&args(&[]), "--port"), Ok(None));
        assert_eq!(flag(&args(&["--port", "9000"]), "--port"), Ok(Some("9000")));
        assert_eq!(flag(&args(&["--port=9000"]), "--port"), Ok(Some("9000")));
        assert!(flag(&args(&["--portal"]), "--port").is_err());
        assert!(flag(&args(&["--port"]), "--port").is_err());
        assert!(flag(&args(&["--only", "wasm", "x"]), "--only").is_err());
    }

    #[test]
    fn reads_test_options() {
        use test::Layer::*;
        let read =
            |list: &[&str]| test_options(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            read(&[]),
            Ok(TestOptions {
                layers: test::LAYERS.to_vec(),
                offline: false
            })
        );
        assert_eq!(
            read(&["--offline", "--only", "e2e,native"]),
            Ok(TestOptions {
                layers: vec![Native, E2e],
                offline: true
            })
        );
        let all_but = |left_out: &[test::Layer]| {
            test::LAYERS
                .into_iter()
                .filter(|l| !left_out.contains(l))
                .collect::<Vec<_>>()
        };
        assert_eq!(read(&["--skip=export"]).unwrap().layers, all_but(&[Export]));
        assert_eq!(
            read(&["--skip", "wasm", "--skip", "e2e"]).unwrap().layers,
            all_but(&[Wasm, E2e])
        );
        assert!(read(&["--only", "native", "--skip", "native"]).is_err());
        assert!(read(&["--only", "unit"]).is_err());
        assert!(read(&["--only"]).is_err());
        assert!(read(&["--offline=yes"]).is_err());
        assert!(read(&["--fast"]).is_err());
    }
}
