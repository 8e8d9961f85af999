//! `stepwise import` (executions AWS recorded: show, replay, export as a test case) and
//! `stepwise test` (run test cases, with a JUnit report).

use crate::sources::read;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stepwise_recording::{
    import, junit_xml, replay, CaseOutcome, CompareOptions, Import, Source, TestCase,
};

/// `stepwise import FILE... [--replay] [--definition NAME=FILE]... [--export-test CASE.json]`
pub fn import_cmd(args: &[String]) -> Result<ExitCode, String> {
    let mut files = Vec::new();
    let mut do_replay = false;
    let mut export = None;
    let mut edits = BTreeMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--replay" => do_replay = true,
            "--export-test" => {
                export = Some(it.next().ok_or("--export-test needs a file")?.clone())
            }
            "--definition" => {
                let v = it.next().ok_or("--definition needs NAME=FILE")?;
                let (n, f) = v.split_once('=').ok_or("--definition needs NAME=FILE")?;
                edits.insert(n.to_owned(), read(f)?);
            }
            other if other.starts_with("--") => return Err(format!("unexpected argument {other}")),
            file => files.push(file.to_owned()),
        }
    }
    if files.is_empty() {
        return Err("stepwise import needs files: the output of `aws stepfunctions get-execution-history --output json`, `describe-execution` and `describe-state-machine-for-execution`".into());
    }
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|f| Ok((f.clone(), read(f)?)))
        .collect::<Result<_, String>>()?;
    let sources: Vec<Source> = texts
        .iter()
        .map(|(name, text)| Source { name, text })
        .collect();
    let imp = import(&sources).map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    for w in &imp.warnings {
        eprintln!("warning: {w}");
    }
    let mut out = json!({
        "executions": imp.executions.iter().map(|e| summary(&imp, e)).collect::<Vec<_>>(),
        "machines": imp.machines.iter().map(|m| m.name.clone()).collect::<Vec<_>>(),
        "warnings": imp.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    let roots: Vec<usize> = (0..imp.executions.len())
        .filter(|i| {
            imp.executions[*i]
                .parent
                .as_ref()
                .is_none_or(|p| p.execution.is_none())
        })
        .collect();
    let mut code = ExitCode::SUCCESS;
    if do_replay {
        let mut replays = Vec::new();
        for &i in &roots {
            match replay(&imp, i, &edits, &CompareOptions::default()) {
                Ok(r) => {
                    if let Some(d) = &r.divergence {
                        code = ExitCode::from(1);
                        let at = d
                            .recorded
                            .as_ref()
                            .map(|e| format!(" at recorded event {} ({})", e.id, e.event_type))
                            .unwrap_or_default();
                        eprintln!("{}: diverges{at}: {}", d.execution, d.what);
                    }
                    replays.push(json!({
                        "execution": r.execution,
                        "recordedStatus": r.recorded_status,
                        "localStatus": r.local_status,
                        "divergence": r.divergence,
                        "stuck": r.stuck,
                        "missing": r.missing,
                        "compared": r.compared,
                    }));
                }
                Err(why) => {
                    code = ExitCode::from(1);
                    eprintln!("{}: cannot be replayed: {why}", imp.executions[i].label());
                    replays.push(
                        json!({"execution": imp.executions[i].label(), "notReplayable": why.0}),
                    );
                }
            }
        }
        out["replay"] = Value::from(replays);
    }
    if let Some(path) = export {
        let &first = roots.first().ok_or("no execution to export")?;
        let mut case = TestCase::from_recording(&imp, first).map_err(|w| w.0)?;
        for (n, d) in &edits {
            case.scenario.state_machines.insert(n.clone(), d.clone());
        }
        let text = serde_json::to_string_pretty(&case).map_err(|e| e.to_string())?;
        std::fs::write(&path, text + "\n").map_err(|e| format!("cannot write {path}: {e}"))?;
        eprintln!("wrote test case {path}");
    }
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(code)
}

fn summary(imp: &Import, e: &stepwise_recording::Recording) -> Value {
    let label = |i: usize| imp.executions[i].label();
    json!({
        "execution": e.label(),
        "stateMachine": e.machine.name,
        "status": e.status,
        "events": e.events.len(),
        "parent": e.parent.as_ref().map(|p| json!({"executionArn": p.arn, "eventId": p.event_id, "state": p.state_name})),
        "children": e.children.iter().map(|c| label(*c)).collect::<Vec<_>>(),
        "unknownEvents": e.unknown_events().map(|u| json!({"id": u.id, "type": u.event_type})).collect::<Vec<_>>(),
    })
}

/// `stepwise test CASE|DIR... [--junit FILE]`
pub fn test_cmd(args: &[String]) -> Result<ExitCode, String> {
    let mut paths = Vec::new();
    let mut junit = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--junit" => junit = Some(it.next().ok_or("--junit needs a file")?.clone()),
            other if other.starts_with("--") => return Err(format!("unexpected argument {other}")),
            p => paths.push(PathBuf::from(p)),
        }
    }
    if paths.is_empty() {
        return Err("stepwise test needs test case files (or folders of them)".into());
    }
    let mut files = Vec::new();
    for p in &paths {
        if p.is_dir() {
            crate::collect_cases(p, &mut files)?;
        } else {
            files.push(p.clone());
        }
    }
    let outcomes: Vec<CaseOutcome> = files.iter().map(|f| run_file(f)).collect();
    for o in &outcomes {
        println!("{}", serde_json::to_string(o).unwrap_or_default());
    }
    let failed = outcomes.iter().filter(|o| !o.pass).count();
    eprintln!("{} passed, {failed} failed", outcomes.len() - failed);
    if let Some(path) = junit {
        std::fs::write(&path, junit_xml("stepwise", &outcomes))
            .map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One case file, run; a file that cannot be read as a case is a failed case saying why.
fn run_file(path: &Path) -> CaseOutcome {
    let shown = path.display().to_string();
    let failed = |why: String| CaseOutcome {
        name: shown.clone(),
        pass: false,
        status: "ERROR".into(),
        failures: vec![why],
    };
    let text = match read(&shown) {
        Ok(t) => t,
        Err(e) => return failed(e),
    };
    match serde_json::from_str::<TestCase>(&text) {
        Ok(case) => case.run(),
        Err(e) => failed(format!("{shown}: not a test case: {e}")),
    }
}
