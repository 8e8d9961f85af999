//! Project automation: `cargo xtask serve` and `cargo xtask test` set up everything they need on a
//! fresh machine (wasm target, wasm-bindgen-cli, Chromium, npm tools) and then do their job.

mod bench;
mod dist;
mod serve;
mod setup;
mod test;
mod util;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  serve [--port N]     build the playground into dist/ and serve it on http://127.0.0.1:8080
  test [--only LAYER]  run every test layer (native, wasm, conformance, e2e) and print the total;
                       LAYER is one of them, or several separated by commas
  build                build dist/ only
  bench [ARGS]         native and wasm benchmark tables (crates/bench; --quick for a short run)
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
            let layers = match flag(rest, "--only")? {
                Some(names) => names
                    .split(',')
                    .map(|name| {
                        test::Layer::parse(name.trim())
                            .ok_or_else(|| format!("unknown layer `{name}`\n\n{USAGE}"))
                    })
                    .collect::<util::Result<Vec<_>>>()?,
                None => test::LAYERS.to_vec(),
            };
            test::run(&layers)
        }
        "build" => {
            no_more(rest)?;
            dist::build().map(|_| true)
        }
        "bench" => bench::bench(rest).map(|_| true),
        "setup" => {
            no_more(rest)?;
            setup::wasm_target()?;
            setup::wasm_bindgen()?;
            setup::chromium()?;
            setup::npm_tools()?;
            Ok(true)
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(true)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
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
}
