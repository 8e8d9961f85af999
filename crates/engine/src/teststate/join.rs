//! Map and Parallel states under TestState. AWS runs them only with a mock: the state computes
//! its input (InputPath, ItemsPath, ItemSelector, ItemBatcher for a Map; Parameters for a
//! Parallel), the mocked result stands for what the iterations or branches returned (or the
//! mocked error for their failure), and the state goes on through ResultSelector, ResultPath and
//! OutputPath, its Retry and Catch. No iteration or branch runs.

use crate::api::{names, ApiError};
use crate::engine::Engine;
use crate::execution::{FrameRef, Phase, TaskOutcome};
use stepwise_asl::model::Kind;
use stepwise_asl::StatesError;
use stepwise_json::Value;

/// A Map's own stages, as AWS's `inspectionData` names them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapInspection {
    /// The items (JSONPath states; JSONata has no such stage).
    pub after_items_path: Option<Value>,
    /// What each iteration would receive, when the Map has an ItemSelector.
    pub after_item_selector: Option<Value>,
    /// The batches, when the Map has an ItemBatcher.
    pub after_item_batcher: Option<Value>,
    /// 0 when unbounded.
    pub max_concurrency: u64,
    pub tolerated_failure_count: Option<u64>,
    pub tolerated_failure_percentage: Option<f64>,
}

fn validation(message: &str) -> ApiError {
    ApiError::new(names::VALIDATION, message)
}

/// What AWS refuses before running a Map or Parallel: a mocked result that cannot be its result.
/// A Map reading its items from a data source (`ItemReader`) or writing them out
/// (`ResultWriter`) is refused too: nothing is read or written here.
pub(super) fn check_mocked_result(state: &Value, result: Option<&Value>) -> Result<(), ApiError> {
    let is_map = state.get("Type").and_then(Value::as_str) == Some("Map");
    if is_map && (state.get("ItemReader").is_some() || state.get("ResultWriter").is_some()) {
        return Err(validation(
            "A Map state with an ItemReader or a ResultWriter cannot be tested here: no data \
             source is read or written",
        ));
    }
    let Some(result) = result else { return Ok(()) };
    let Some(items) = result.as_array() else {
        return Err(validation("Mocked result must be an array."));
    };
    let branches = state.get("Branches").and_then(Value::as_array);
    if !is_map && branches.map_or(0, |b| b.len()) != items.len() {
        return Err(validation(
            "Mocked result must contain the same number of items as number of Parallel branches.",
        ));
    }
    Ok(())
}

impl Engine {
    /// At the tested Map's or Parallel's start (its items or input computed, frame 0 about to
    /// launch its children): ends it with `answer` instead. `failures` is
    /// `stateConfiguration.mapIterationFailureCount`, checked against the Map's tolerated
    /// failures. Answers the Map's own stages.
    pub(super) fn answer_join(
        &mut self,
        exec: usize,
        answer: TaskOutcome,
        failures: Option<u32>,
    ) -> Option<MapInspection> {
        let at = FrameRef { exec, frame: 0 };
        let h = self.here(exec);
        let st = self.current(&h, at)?;
        let mut j = self.frame_mut(at).join.take()?;
        let mut failure = j.start_error.take();
        let map = match &st.kind {
            Kind::Map(m) => {
                let batched = m.item_batcher.is_some();
                // Before ItemBatcher grouped them, the items are the batches' `Items`.
                let mut flat = Vec::with_capacity(j.items.len());
                for item in &j.items {
                    match item.get("Items").and_then(Value::as_array) {
                        Some(batch) if batched => flat.extend(batch.iter().cloned()),
                        _ => flat.push(item.clone()),
                    }
                }
                let mut selected = None;
                if m.item_selector.is_some() {
                    let mut out = Vec::with_capacity(j.items.len());
                    for (i, item) in j.items.iter().enumerate() {
                        match self.select_item(at, st, m, i, item.clone()) {
                            Ok(v) => out.push(v),
                            Err(e) => {
                                failure.get_or_insert(e);
                                break;
                            }
                        }
                    }
                    selected = Some(Value::from(out));
                }
                Some(MapInspection {
                    after_items_path: (!st.is_jsonata()).then(|| Value::from(flat)),
                    after_item_selector: selected,
                    after_item_batcher: batched.then(|| Value::from(j.items.clone())),
                    max_concurrency: if j.max_concurrency == usize::MAX {
                        0
                    } else {
                        j.max_concurrency as u64
                    },
                    tolerated_failure_count: j.tolerated_count,
                    tolerated_failure_percentage: j.tolerated_percentage,
                })
            }
            _ => None,
        };
        match answer {
            TaskOutcome::Succeeded(Value::Array(a)) => {
                j.results = a.iter().cloned().map(Some).collect();
            }
            TaskOutcome::Succeeded(_) => {}
            TaskOutcome::Failed(e) | TaskOutcome::TimedOut(e) => {
                failure.get_or_insert(e);
            }
        }
        // Failed iterations matter only against a tolerance the Map sets (AWS).
        if let Some(n) = failures.filter(|_| j.is_map) {
            let (n, total) = (u64::from(n), j.items.len().max(1) as f64);
            let tolerated = j.tolerated_count.is_some_and(|c| n <= c)
                || j.tolerated_percentage
                    .is_some_and(|p| n as f64 * 100.0 / total <= p);
            if (j.tolerated_count.is_some() || j.tolerated_percentage.is_some()) && !tolerated {
                failure.get_or_insert(StatesError::new(
                    stepwise_asl::error::names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                    "The specified tolerated failure threshold was exceeded",
                ));
            }
        }
        j.failure = failure;
        j.running = 0;
        j.next_index = j.results.len();
        let f = self.frame_mut(at);
        f.join = Some(j);
        f.phase = Phase::JoinDone;
        map
    }
}
