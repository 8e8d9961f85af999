//! Replaying a recording: its scenario run locally, then compared with what AWS recorded,
//! the execution and every recorded child it started.

use crate::compare::{compare, CompareOptions, Divergence, Mapping};
use crate::import::Import;
use crate::scenario::{run, scenario, LocalRun, NotReplayable, Scenario};
use serde::Serialize;
use std::collections::BTreeMap;
use stepwise_engine::{EventType, ExecutionId};

/// What a replay found.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replay {
    /// The replayed execution (its recorded ARN, or where its history was given).
    pub execution: String,
    pub recorded_status: String,
    pub local_status: String,
    /// The first difference, or `None` when the local run did what AWS recorded.
    pub divergence: Option<Divergence>,
    /// Why the local run stopped early, if it did.
    pub stuck: Option<String>,
    /// What the import lacks for a faithful replay, if the run stopped for want of it: answers
    /// for the tasks of an execution whose history was not given (a child, or the iterations
    /// of a Distributed Map, which run as executions of their own).
    pub missing: Option<String>,
    /// Executions compared: the replayed one and the recorded children the local run started.
    pub compared: Vec<String>,
    /// The run's setup, which `--export-test` writes as a test case.
    pub scenario: Scenario,
    #[serde(skip)]
    pub local: LocalRun,
}

/// Replays execution `index` of `import`. `edits` replaces definitions by machine name (to try
/// a fix against the recorded data).
pub fn replay(
    import: &Import,
    index: usize,
    edits: &BTreeMap<String, String>,
    opts: &CompareOptions,
) -> Result<Replay, NotReplayable> {
    let mut s = scenario(import, index)?;
    for (name, definition) in edits {
        s.state_machines.insert(name.clone(), definition.clone());
    }
    let local = run(&s).map_err(NotReplayable)?;
    let mut mapping = Mapping::new(local_ids(&local));
    let mut compared = Vec::new();
    let divergence = compare_tree(
        import,
        index,
        &local,
        local.root,
        &mut mapping,
        opts,
        &mut compared,
    );
    let missing = local
        .stuck
        .as_ref()
        .and_then(|_| missing_answers(import, index, &local, &mapping));
    let rec = &import.executions[index];
    Ok(Replay {
        missing,
        execution: rec.label(),
        recorded_status: rec.status.clone(),
        local_status: local
            .engine
            .execution(local.root)
            .status
            .as_str()
            .to_owned(),
        divergence,
        stuck: local.stuck.clone(),
        compared,
        scenario: s,
        local,
    })
}

/// The identifiers only the local run knows: its task tokens, and the ARNs and names of the
/// executions and Map Runs it started.
pub(crate) fn local_ids(local: &LocalRun) -> Vec<String> {
    let mut ids = local.tokens.clone();
    for (i, e) in local.engine.executions().iter().enumerate() {
        if ExecutionId(i as u32) != local.root {
            ids.push(e.arn.clone());
            ids.push(e.name.clone());
        }
        for ev in &e.history {
            if let Some(arn) = ev.details.str("mapRunArn") {
                ids.push(arn.to_owned());
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn compare_tree(
    import: &Import,
    index: usize,
    local: &LocalRun,
    local_id: ExecutionId,
    mapping: &mut Mapping,
    opts: &CompareOptions,
    compared: &mut Vec<String>,
) -> Option<Divergence> {
    let rec = &import.executions[index];
    compared.push(rec.label());
    let exec = local.engine.execution(local_id);
    let own = compare(
        &rec.label(),
        &rec.events,
        rec.status == "RUNNING",
        &exec.history,
        mapping,
        opts,
    );
    // Children: the recorded execution each local child was paired with, when it was imported.
    // The divergence that happened first is the one to show (a child's changed output shows
    // in its parent's task only later).
    let mut found: Vec<Divergence> = own.into_iter().collect();
    for child in local.engine.children(local_id) {
        let arn = &local.engine.execution(child).arn;
        let Some(recorded_arn) = mapping.recorded(arn).map(str::to_owned) else {
            continue;
        };
        let Some(ci) = import
            .executions
            .iter()
            .position(|e| e.identity.as_ref().is_some_and(|i| i.arn == recorded_arn))
        else {
            continue;
        };
        found.extend(compare_tree(
            import, ci, local, child, mapping, opts, compared,
        ));
    }
    let when = |d: &Divergence| {
        d.recorded
            .as_ref()
            .and_then(|r| crate::event::timestamp_millis(&r.event["timestamp"]))
            .unwrap_or(i64::MAX)
    };
    // Ties go to the child (listed after its parent).
    found.into_iter().rev().min_by_key(when)
}

/// When the local run waits for tasks the import has no answers for because a history was not
/// given (rather than because the run went elsewhere): which ones, and why.
fn missing_answers(
    import: &Import,
    index: usize,
    local: &LocalRun,
    mapping: &Mapping,
) -> Option<String> {
    let recorded_for = |arn: &str| {
        if arn == local.engine.execution(local.root).arn {
            return Some(index);
        }
        let rec = mapping.recorded(arn)?;
        import
            .executions
            .iter()
            .position(|e| e.identity.as_ref().is_some_and(|i| i.arn == rec))
    };
    let mut why = Vec::new();
    for p in local.engine.pending_tasks() {
        let machine = &local.engine.execution(p.execution).machine_name;
        match recorded_for(&p.execution_arn) {
            None => why.push(format!(
                "{} of {machine}: that execution's history was not given",
                p.state_name
            )),
            Some(i) => {
                let rec = &import.executions[i];
                let invoked = rec.events.iter().any(|e| {
                    e.state_name.as_deref() == Some(&p.state_name)
                        && e.is_any(&[EventType::TaskScheduled, EventType::LambdaFunctionScheduled])
                });
                let map_run = rec.events.iter().any(|e| e.is(EventType::MapRunStarted));
                if !invoked && map_run {
                    why.push(format!(
                        "{} of {machine}: it runs in a Distributed Map, whose iterations AWS records as child executions of their own; their histories were not given",
                        p.state_name
                    ));
                }
            }
        }
    }
    why.dedup();
    (!why.is_empty()).then(|| format!("no recorded answers for {}", why.join("; ")))
}
