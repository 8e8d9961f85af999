//! `stepwise`: the engine in a terminal. Run a definition, validate one, run the AWS-recorded
//! conformance corpus, or export a workspace to CloudFormation.

mod export;

use stepwise_json::{json, Value};
use std::path::{Path, PathBuf};
use std::io::Write;
use std::process::ExitCode;
use stepwise_engine::{conformance, Engine, EngineConfig, Idle};

/// Steps `run` takes at most (one history event each): every execution ends within AWS's history
/// quota long before, so this only bounds a machine that starts executions without end.
const MAX_STEPS: usize = 50_000_000;

const USAGE: &str = "usage:
  stepwise run DEFINITION.json [--input JSON|@file] [--machine NAME=FILE]... [--mocks FILE] [--history] [--max-events N]
  stepwise validate DEFINITION.json
  stepwise conformance DIR [--verbose]
  stepwise export [--format cloudformation|sam] [--yaml|--json] WORKSPACE.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("validate") => validate(&args[1..]),
        Some("conformance") => conformance_cmd(&args[1..]),
        Some("export") => export::run(&args[1..]).map(|t| {
            print!("{t}");
            ExitCode::SUCCESS
        }),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn file_stem(path: &str) -> String {
    Path::new(path).file_stem().and_then(|s| s.to_str()).unwrap_or("Main").to_owned()
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut definition = None;
    let mut input = String::from("{}");
    let mut machines = Vec::new();
    let mut mocks = None;
    let mut history = false;
    let mut config = EngineConfig::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--input" => {
                let v = it.next().ok_or("--input needs a value")?;
                input = match v.strip_prefix('@') {
                    Some(p) => read(p)?,
                    None => v.clone(),
                };
            }
            "--machine" => {
                let v = it.next().ok_or("--machine needs NAME=FILE")?;
                let (n, f) = v.split_once('=').ok_or("--machine needs NAME=FILE")?;
                machines.push((n.to_owned(), read(f)?));
            }
            "--mocks" => mocks = Some(read(it.next().ok_or("--mocks needs a file")?)?),
            "--history" => history = true,
            "--max-events" => {
                let n = it.next().ok_or("--max-events needs a number")?;
                config.limits.max_history_events = n.parse().map_err(|_| format!("bad number {n}"))?;
            }
            other if definition.is_none() && !other.starts_with("--") => definition = Some(other.to_owned()),
            other => return Err(format!("unexpected argument {other}\n{USAGE}")),
        }
    }
    let path = definition.ok_or(USAGE)?;
    let mut engine = Engine::new(config);
    for (n, text) in &machines {
        engine.create_state_machine(n, text).map_err(|e| api_error(&e))?;
    }
    if let Some(m) = mocks {
        let v: Value = serde_json::from_str(&m).map_err(|e| format!("mocks: {e}"))?;
        engine.set_mock_config(&v).map_err(|e| api_error(&e))?;
    }
    let arn = engine.create_state_machine(&file_stem(&path), &read(&path)?).map_err(|e| api_error(&e))?;
    let id = engine.start_execution(&arn, None, Some(&input)).map_err(|e| api_error(&e))?;
    // Time is virtual: jump over waits and timeouts; stop when only the outside world could help.
    match engine.settle(MAX_STEPS) {
        Idle::Finished => {}
        Idle::BudgetSpent | Idle::WaitingForTimer(_) => eprintln!("stopped after {MAX_STEPS} steps without the executions ending"),
        Idle::WaitingForOutside => {
            if engine.execution(id).is_running() {
                let pending: Vec<Value> = engine
                    .pending_tasks()
                    .iter()
                    .map(|p| json!({"token": p.token, "execution": p.execution_arn, "state": p.state_name, "input": p.input}))
                    .collect();
                eprintln!("waiting for the outside world: {}", Value::from(pending));
            }
        }
    }
    let e = engine.execution(id);
    let mut out = json!({
        "executionArn": e.arn, "status": e.status.as_str(),
        "output": e.output, "error": e.error, "cause": e.cause,
    });
    out["executions"] = tree(&engine, id);
    if history {
        out["history"] = engine.get_execution_history(&e.arn, false, true).map_err(|e| api_error(&e))?["events"].clone();
    }
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(ExitCode::SUCCESS)
}

/// The execution and the children it started, recursively.
fn tree(engine: &Engine, id: stepwise_engine::ExecutionId) -> Value {
    let e = engine.execution(id);
    let children: Vec<Value> = engine.children(id).into_iter().map(|c| tree(engine, c)).collect();
    json!({"executionArn": e.arn, "status": e.status.as_str(), "children": children})
}

fn api_error(e: &stepwise_engine::ApiError) -> String {
    let mut s = e.to_string();
    for d in &e.diagnostics {
        s.push_str(&format!("\n  {:?} {} at {}: {}", d.severity, d.code, d.location.as_deref().unwrap_or("/"), d.message));
    }
    s
}

fn validate(args: &[String]) -> Result<ExitCode, String> {
    let path = args.first().ok_or(USAGE)?;
    let diags = stepwise_engine::validate(&read(path)?);
    let ok = stepwise_asl::validate::is_valid(&diags);
    println!("{}", serde_json::to_string_pretty(&serde_json::json!({"result": if ok {"OK"} else {"FAIL"}, "diagnostics": diags})).unwrap_or_default());
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn collect_cases(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_cases(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    Ok(())
}

fn conformance_cmd(args: &[String]) -> Result<ExitCode, String> {
    let dir = args.iter().find(|a| !a.starts_with("--")).ok_or(USAGE)?;
    let verbose = args.iter().any(|a| a == "--verbose");
    let mut files = Vec::new();
    collect_cases(Path::new(dir), &mut files)?;
    let mut results = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let case: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("skipping {}: {e}", f.display());
                continue;
            }
        };
        let r = conformance::run_case(&case);
        // A closed pipe (`| head`) ends the listing quietly instead of panicking.
        if writeln!(std::io::stdout(), "{}", serde_json::to_string(&r).unwrap_or_default()).is_err() {
            return Ok(ExitCode::SUCCESS);
        }
        results.push(r);
    }
    let tally = conformance::tally(&results);
    if verbose {
        eprintln!("{:<22} {:>6} {:>6} {:>8}", "group", "cases", "pass", "history");
        for (g, t) in &tally {
            eprintln!("{g:<22} {:>6} {:>6} {:>8}", t.total, t.pass, t.history_pass);
        }
    }
    let passed = results.iter().filter(|r| r.pass).count();
    println!("{passed} passed, {} failed", results.len() - passed);
    Ok(ExitCode::SUCCESS)
}
