//! `stepwise`: the engine in a terminal. Run a definition, validate one, run the AWS-recorded
//! conformance corpus, export a workspace to CloudFormation, or run a script of API calls
//! (versions, aliases, redrive) against one engine.

#![forbid(unsafe_code)]

mod calls;
mod export;
mod recorded;
mod sources;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stepwise_asl::validate::MachineType;
use stepwise_engine::{conformance, Engine, EngineConfig, Idle};
use stepwise_json::{json, Value};

/// Steps `run` takes at most (one history event each): every execution ends within AWS's history
/// quota long before, so this only bounds a machine that starts executions without end.
const MAX_STEPS: usize = 50_000_000;

const USAGE: &str = "usage:
  stepwise run FILE [--state-machine NAME] [--type STANDARD|EXPRESS] [--input JSON|@file] [--machine NAME=FILE]...
               [--substitute KEY=VALUE]... [--mocks FILE] [--history] [--max-events N]
               [--max-evaluation-steps N] [--max-evaluation-bytes N] [--max-value-depth N]
               [--export-test CASE.json]
    --history: the execution's events (an Express execution's as CloudWatch Logs records, under \"logs\")
    --export-test: the finished run as a test case for `stepwise test` (its task answers as mocks)
  stepwise validate FILE [--type STANDARD|EXPRESS] [--machine NAME=FILE]... [--substitute KEY=VALUE]...
    FILE: a definition (.asl.json, .asl.yaml, .yml) or a CloudFormation/SAM template (JSON or YAML)
  stepwise conformance DIR [--verbose]
  stepwise export [--format cloudformation|sam] [--yaml|--json] WORKSPACE.json
  stepwise import FILE... [--replay] [--definition NAME=FILE]... [--export-test CASE.json]
    FILE: output of aws stepfunctions get-execution-history / describe-execution /
          describe-state-machine-for-execution (--output json), one or several documents per file
  stepwise test CASE|DIR... [--junit FILE]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("validate") => validate(&args[1..]),
        Some("conformance") => conformance_cmd(&args[1..]),
        Some("import") => recorded::import_cmd(&args[1..]),
        Some("test") => recorded::test_cmd(&args[1..]),
        Some("calls") => calls::calls_cmd(&args[1..]),
        Some("export") => export::run(&args[1..]).map(|t| {
            print!("{t}");
            ExitCode::SUCCESS
        }),
        _ => Err(format!("{USAGE}\n{}", calls::USAGE)),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

use sources::read;

/// What `run` and `validate` share: the file, `--machine`, `--substitute` and `--type`.
#[derive(Default)]
struct Workspace {
    file: Option<String>,
    machines: Vec<(String, String)>,
    options: stepwise_templates::Options,
    forced_type: Option<MachineType>,
}

impl Workspace {
    /// Takes the argument (and its value) if it is one of the shared ones.
    fn take(&mut self, a: &str, it: &mut std::slice::Iter<'_, String>) -> Result<bool, String> {
        match a {
            "--machine" => {
                let v = it.next().ok_or("--machine needs NAME=FILE")?;
                let (n, f) = v.split_once('=').ok_or("--machine needs NAME=FILE")?;
                self.machines.push((n.to_owned(), f.to_owned()));
            }
            "--substitute" => sources::parse_substitution(
                it.next().ok_or("--substitute needs KEY=VALUE")?,
                &mut self.options.substitutions,
            )?,
            "--type" => {
                self.forced_type = Some(sources::parse_type(
                    it.next().ok_or("--type needs STANDARD or EXPRESS")?,
                )?)
            }
            other if self.file.is_none() && !other.starts_with("--") => {
                self.file = Some(other.to_owned())
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The `--machine` files, read.
    fn named(&self) -> Result<Vec<sources::Loaded>, String> {
        self.machines
            .iter()
            .map(|(n, f)| sources::load_named(n, f, &self.options).map_err(|e| e.to_string()))
            .collect()
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let mut ws = Workspace::default();
    let mut input = String::from("{}");
    let mut mocks = None;
    let mut history = false;
    let mut export: Option<String> = None;
    let mut chosen: Option<String> = None;
    let mut config = EngineConfig::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if ws.take(a, &mut it)? {
            continue;
        }
        match a.as_str() {
            "--input" => {
                let v = it.next().ok_or("--input needs a value")?;
                input = match v.strip_prefix('@') {
                    Some(p) => read(p)?,
                    None => v.clone(),
                };
            }
            "--state-machine" => {
                chosen = Some(it.next().ok_or("--state-machine needs a name")?.clone())
            }
            "--mocks" => mocks = Some(read(it.next().ok_or("--mocks needs a file")?)?),
            "--history" => history = true,
            "--export-test" => {
                export = Some(it.next().ok_or("--export-test needs a file")?.clone())
            }
            "--max-events" => {
                let n = it.next().ok_or("--max-events needs a number")?;
                config.limits.max_history_events =
                    n.parse().map_err(|_| format!("bad number {n}"))?;
            }
            "--max-evaluation-steps" => config.limits.max_evaluation_steps = number(a, it.next())?,
            "--max-evaluation-bytes" => config.limits.max_evaluation_bytes = number(a, it.next())?,
            "--max-value-depth" => config.limits.max_value_depth = number(a, it.next())?,
            other => return Err(format!("unexpected argument {other}\n{USAGE}")),
        }
    }
    let path = ws.file.clone().ok_or(USAGE)?;
    ws.options.region = config.region.clone();
    ws.options.account = config.account.clone();
    let loaded = sources::load(&path, &ws.options).map_err(|e| e.to_string())?;
    let target = pick(&loaded, chosen.as_deref())?;
    let mut engine = Engine::new(config);
    let named = ws.named()?;
    let mut target_arn = None;
    for (i, l) in named.iter().chain(&loaded).enumerate() {
        let is_target = i >= named.len() && i - named.len() == target;
        let machine_type = if is_target {
            l.machine_type(ws.forced_type)
        } else {
            l.machine.machine_type
        };
        let forced = is_target.then_some(machine_type);
        // What validate would refuse is not run: placeholders left in a Resource included.
        let (file, diags) = sources::check(l, forced, None);
        let definition = match &l.definition {
            Ok(d) if stepwise_asl::validate::is_valid(&diags) => d,
            _ => {
                sources::print_human(&file, &l.machine.name, &diags);
                if is_target {
                    return Err(format!("{}: {} is not valid", file, l.machine.name));
                }
                eprintln!("{}: {} is not created", l.declared_in, l.machine.name);
                continue;
            }
        };
        match engine.create_state_machine_of_type(&l.machine.name, &definition.text, machine_type) {
            Ok(arn) if is_target => target_arn = Some(arn),
            Ok(_) => {}
            Err(e) => {
                let diags = definition.locate(e.diagnostics.clone());
                sources::print_human(&definition.file, &l.machine.name, &diags);
                if is_target || !l.declared_in.eq(&path) {
                    return Err(api_error(&e));
                }
                eprintln!("{}: {} is not created: {e}", l.declared_in, l.machine.name);
            }
        }
    }
    let arn = target_arn.ok_or("no state machine to run")?;
    if let Some(m) = mocks {
        let v: Value = serde_json::from_str(&m).map_err(|e| format!("mocks: {e}"))?;
        engine.set_mock_config(&v).map_err(|e| api_error(&e))?;
    }
    let id = engine
        .start_execution(&arn, None, Some(&input))
        .map_err(|e| api_error(&e))?;
    // Time is virtual: jump over waits and timeouts; stop when only the outside world could help.
    match engine.settle(MAX_STEPS) {
        Idle::Finished => {}
        Idle::BudgetSpent | Idle::WaitingForTimer(_) => {
            eprintln!("stopped after {MAX_STEPS} steps without the executions ending")
        }
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
    if let Some(path) = export {
        let case = stepwise_recording::case_from_local_run(&engine, id)?;
        let text = serde_json::to_string_pretty(&case).map_err(|e| e.to_string())?;
        std::fs::write(&path, text + "\n").map_err(|e| format!("cannot write {path}: {e}"))?;
        eprintln!("wrote test case {path}");
    }
    let e = engine.execution(id);
    let mut out = json!({
        "executionArn": e.arn, "status": e.status.as_str(),
        "output": e.output, "error": e.error, "cause": e.cause,
    });
    out["executions"] = tree(&engine, id);
    let express = engine
        .machine(&arn)
        .is_some_and(|m| m.machine_type == MachineType::Express);
    if history && express {
        // AWS keeps no history of an Express execution: its events are CloudWatch Logs records.
        out["logs"] = Value::from(stepwise_engine::express::log_records(e, true));
    } else if history {
        out["history"] = engine
            .get_execution_history(&e.arn, false, true)
            .map_err(|e| api_error(&e))?["events"]
            .clone();
    }
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(ExitCode::SUCCESS)
}

/// The number after a flag (`--max-value-depth 50`).
fn number<T: std::str::FromStr>(flag: &str, value: Option<&String>) -> Result<T, String> {
    let text = value.ok_or(format!("{flag} needs a number"))?;
    text.parse()
        .map_err(|_| format!("{flag}: bad number {text}"))
}

/// The execution and the children it started, recursively.
fn tree(engine: &Engine, id: stepwise_engine::ExecutionId) -> Value {
    let e = engine.execution(id);
    let children: Vec<Value> = engine
        .children(id)
        .into_iter()
        .map(|c| tree(engine, c))
        .collect();
    json!({"executionArn": e.arn, "status": e.status.as_str(), "children": children})
}

fn api_error(e: &stepwise_engine::ApiError) -> String {
    let mut s = e.to_string();
    for d in &e.diagnostics {
        s.push_str(&format!(
            "\n  {:?} {} at {}: {}",
            d.severity,
            d.code,
            d.location.as_deref().unwrap_or("/"),
            d.message
        ));
    }
    s
}

/// The machine `run` starts: the one `--state-machine` names (name or logical id), else the only one.
fn pick(loaded: &[sources::Loaded], chosen: Option<&str>) -> Result<usize, String> {
    let names = || {
        loaded
            .iter()
            .map(|l| l.machine.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match chosen {
        Some(c) => loaded
            .iter()
            .position(|l| l.machine.name == c || l.machine.logical_id.as_deref() == Some(c))
            .ok_or_else(|| format!("no state machine {c} in the file (it has {})", names())),
        None if loaded.len() == 1 => Ok(0),
        None if loaded.is_empty() => Err("the file declares no state machine".to_owned()),
        None => Err(format!(
            "the file declares several state machines: choose one with --state-machine NAME ({})",
            names()
        )),
    }
}

fn validate(args: &[String]) -> Result<ExitCode, String> {
    let mut ws = Workspace::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if !ws.take(a, &mut it)? {
            return Err(format!("unexpected argument {a}\n{USAGE}"));
        }
    }
    let path = ws.file.clone().ok_or(USAGE)?;
    let print =
        |v: serde_json::Value| println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    let loaded = match sources::load(&path, &ws.options) {
        Ok(l) => l,
        // Text that is not YAML is a finding about the file, reported as such.
        Err(e) if e.pos.is_some() => {
            let d = e.to_diagnostic();
            sources::print_human(&path, "-", std::slice::from_ref(&d));
            print(serde_json::json!({"result": "FAIL", "diagnostics": [d]}));
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.to_string()),
    };
    let named = ws.named()?;
    let from_template = loaded.iter().any(|l| l.machine.logical_id.is_some());
    // The workspace: a template's machines, and those `--machine` adds.
    let names: Vec<&str> = named
        .iter()
        .chain(&loaded)
        .map(|l| l.machine.name.as_str())
        .collect();
    let known = (from_template || !named.is_empty()).then_some(&names[..]);
    let mut reports = Vec::new();
    let mut ok = !loaded.is_empty();
    for l in &loaded {
        let (file, diags) = sources::check(l, ws.forced_type, known);
        sources::print_human(&file, &l.machine.name, &diags);
        ok &= stepwise_asl::validate::is_valid(&diags);
        reports.push(sources::report(l, &file, &diags, ws.forced_type));
    }
    let result = if ok { "OK" } else { "FAIL" };
    if from_template || loaded.len() != 1 {
        if loaded.is_empty() {
            eprintln!("{path}: no AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine in this template");
        }
        print(serde_json::json!({"result": result, "machines": reports}));
    } else {
        print(serde_json::json!({"result": result, "diagnostics": reports[0]["diagnostics"]}));
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
        if writeln!(
            std::io::stdout(),
            "{}",
            serde_json::to_string(&r).unwrap_or_default()
        )
        .is_err()
        {
            return Ok(ExitCode::SUCCESS);
        }
        results.push(r);
    }
    let tally = conformance::tally(&results);
    if verbose {
        eprintln!(
            "{:<22} {:>6} {:>6} {:>8}",
            "group", "cases", "pass", "history"
        );
        for (g, t) in &tally {
            eprintln!("{g:<22} {:>6} {:>6} {:>8}", t.total, t.pass, t.history_pass);
        }
    }
    let passed = results.iter().filter(|r| r.pass).count();
    println!("{passed} passed, {} failed", results.len() - passed);
    Ok(ExitCode::SUCCESS)
}
