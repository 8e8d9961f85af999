//! The Map state: its items (ItemsPath/Items, ItemBatcher), MaxConcurrency and tolerated failures,
//! `MapStateStarted` (and the Map Run of a Distributed Map), and launching one iteration frame per
//! item through ItemSelector. Iterations end in `states/branches.rs`.

use crate::dataflow::{self, states_value, Jsonata};
use crate::engine::Engine;
use crate::execution::{FrameRef, FrameRole, Join, Phase};
use crate::history::{Details, EventType};
use crate::run::Res;
use crate::states::branches::NewChild;
use crate::states::io::path_reads_context;
use stepwise_asl::error::names;
use stepwise_asl::model::{Dynamic, Kind, MapState, State};
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

impl Engine {
    pub(crate) fn number_field(
        &mut self,
        at: FrameRef,
        d: &Option<Dynamic>,
        field: &str,
        input: &Value,
    ) -> Res<Option<f64>> {
        let Some(d) = d else { return Ok(None) };
        let v = self.dynamic_value(at, d, field, input)?;
        match (&v, d) {
            (Value::Number(n), _) => Ok(n.as_f64()),
            // AWS accepts numbers written as strings ("1") in these fields.
            (Value::String(s), Dynamic::Path(_)) if s.trim().parse::<f64>().is_ok() => {
                Ok(s.trim().parse::<f64>().ok())
            }
            (_, Dynamic::Path(p)) => {
                let kind = if field == "ToleratedFailurePercentage" {
                    "a valid float"
                } else {
                    "a valid integer"
                };
                let shown = match &v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Err(StatesError::runtime(format!(
                    "The {field}Path field refers to value \"{shown}\" which is not {kind}: {}",
                    p.text()
                )))
            }
            _ => Err(StatesError::new(
                names::QUERY_EVALUATION_ERROR,
                format!("The {field} field must be a number, got: {v}"),
            )),
        }
    }

    pub(crate) fn start_map(&mut self, at: FrameRef, st: &State, m: &MapState) -> Res<()> {
        let eff = self.effective_input(at, st)?;
        let items_value = if st.is_jsonata() {
            match &m.items {
                Some(i) => {
                    let v = self.jsonata_eval(at, None, None, |j, rng| j.value(i, "Items", rng))?;
                    if !v.is_array() {
                        let text = i.as_str().map_or_else(|| i.to_string(), str::to_owned);
                        return Err(stepwise_asl::query::unexpected_type(
                            &text, "Items", "array", &v,
                        ));
                    }
                    v
                }
                None => eff.clone(),
            }
        } else {
            self.scope_eval(at, &eff, None, path_reads_context(&m.items_path), |s, _| {
                dataflow::select(&m.items_path, s)
            })?
        };
        let Value::Array(items) = items_value else {
            let msg = format!(
                "Map state input must be an array but was: {}",
                items_value.to_json_string()
            );
            let name = if st.is_jsonata() {
                names::QUERY_EVALUATION_ERROR
            } else {
                names::RUNTIME
            };
            return Err(StatesError::new(name, msg));
        };
        let items = items.into_vec();
        let maxc = self
            .number_field(at, &m.max_concurrency, "MaxConcurrency", &eff)?
            .unwrap_or(0.0);
        // AWS reads the tolerated-failure settings only after the Map has started.
        let tolerance = (|| {
            let c = self.number_field(
                at,
                &m.tolerated_failure_count,
                "ToleratedFailureCount",
                &eff,
            )?;
            let p = self.number_field(
                at,
                &m.tolerated_failure_percentage,
                "ToleratedFailurePercentage",
                &eff,
            )?;
            if c.is_some_and(|c| c < 0.0) {
                return Err(StatesError::runtime(
                    "ToleratedFailureCount cannot be negative.",
                ));
            }
            if p.is_some_and(|p| !(0.0..=100.0).contains(&p)) {
                return Err(StatesError::runtime(
                    "ToleratedFailurePercentage must be between 0 and 100.",
                ));
            }
            Ok((c, p))
        })();
        let (tol_count, tol_pct, start_error) = match tolerance {
            Ok((c, p)) => (c, p, None),
            Err(e) => (None, None, Some(e)),
        };
        let items = match &m.item_batcher {
            Some(b) => self.batch(at, b, items, &eff)?,
            None => items,
        };
        let n = items.len();
        self.frame_mut(at).effective_input = eff;
        self.frame_mut(at).join = Some(Join {
            is_map: true,
            items,
            results: vec![None; n],
            next_index: 0,
            running: 0,
            succeeded: 0,
            failed: 0,
            max_concurrency: if maxc <= 0.0 {
                usize::MAX
            } else {
                maxc as usize
            },
            tolerated_count: tol_count.map(|c| c as u64),
            tolerated_percentage: tol_pct,
            children: Vec::new(),
            failure: None,
            last_iteration_event: 0,
            distributed: m.distributed,
            start_error,
            resume: Default::default(),
            map_run: None,
        });
        self.apply_redrive_join(at);
        self.frame_mut(at).phase = Phase::MapStarted;
        self.schedule(at);
        Ok(())
    }

    /// ItemBatcher: groups items into `{"Items": [...], "BatchInput": ...}`.
    pub(crate) fn batch(
        &mut self,
        at: FrameRef,
        b: &Value,
        items: Vec<Value>,
        eff: &Value,
    ) -> Res<Vec<Value>> {
        let max_items = b
            .get("MaxItemsPerBatch")
            .and_then(Value::as_u64)
            .unwrap_or(items.len().max(1) as u64)
            .max(1) as usize;
        let batch_input = match b.get("BatchInput") {
            Some(t) => Some(self.scope_eval(at, eff, None, true, |s, rng| {
                dataflow::template_value(t, s, rng)
            })?),
            None => None,
        };
        Ok(items
            .chunks(max_items)
            .map(|c| {
                let mut o = Map::new();
                if let Some(bi) = &batch_input {
                    o.insert("BatchInput".into(), bi.clone());
                }
                o.insert("Items".into(), Value::from(c.to_vec()));
                Value::Object(o)
            })
            .collect())
    }

    pub(crate) fn map_started(&mut self, at: FrameRef) {
        let h = self.here(at.exec);
        let Some(st) = self.current(&h, at) else {
            return;
        };
        let name = st.name.clone();
        let len = self.frame(at).join.as_ref().map_or(0, |j| j.items.len());
        self.emit(
            at,
            EventType::MapStateStarted,
            Details::new("mapStateStartedEventDetails").int("length", len as i64),
            Some(name.clone()),
        );
        let (start_error, distributed) = match self.frame_mut(at).join.as_mut() {
            Some(j) => (j.start_error.take(), j.distributed),
            None => (None, false),
        };
        if let Some(e) = start_error {
            self.handle_error(at, e);
            return;
        }
        let redriven_run = self.frame(at).join.as_ref().and_then(|j| j.map_run.clone());
        match redriven_run {
            // AWS: a redriven parent redrives the Map Run it started before.
            Some((arn, count)) if distributed => {
                let d = Details::new("mapRunRedrivenEventDetails")
                    .text("mapRunArn", arn)
                    .int("redriveCount", count as i64);
                self.emit(at, EventType::MapRunRedriven, d, Some(name));
            }
            _ if distributed => {
                let machine = self.executions[at.exec].machine_name.clone();
                let run_id = stepwise_asl::scope::uuid_v4(&mut self.rng);
                let arn: std::sync::Arc<str> = format!(
                    "arn:aws:states:{}:{}:mapRun:{machine}/{name}:{run_id}",
                    self.config.region, self.config.account
                )
                .into();
                if let Some(j) = self.frame_mut(at).join.as_mut() {
                    j.map_run = Some((arn.clone(), 0));
                }
                self.emit(
                    at,
                    EventType::MapRunStarted,
                    Details::new("mapRunStartedEventDetails").text("mapRunArn", arn),
                    Some(name),
                );
            }
            _ => {}
        }
        self.frame_mut(at).phase = if len == 0 {
            Phase::JoinDone
        } else {
            Phase::MapLaunch
        };
        self.schedule(at);
    }

    /// An item as its iteration receives it: through ItemSelector (with `$$.Map.Item`), or as
    /// it is. TestState reports the same values as `afterItemSelector`.
    pub(crate) fn select_item(
        &mut self,
        at: FrameRef,
        st: &State,
        m: &MapState,
        i: usize,
        raw_item: Value,
    ) -> Res<Value> {
        match &m.item_selector {
            Some(sel) if st.is_jsonata() => {
                let ctx = {
                    let mut c = self.context(at, Some((i, &raw_item)));
                    if let Some(o) = c.as_object_mut() {
                        o.remove("Task");
                    }
                    c
                };
                let states = states_value(self.frame(at).state_input.clone(), ctx, None, None);
                let vars = std::mem::take(&mut self.frame_mut(at).vars);
                let r = {
                    let jn = Jsonata {
                        states: &states,
                        vars: &vars,
                        now_millis: self.now,
                    };
                    jn.template(&sel.raw, "ItemSelector", &mut self.rng)
                };
                self.frame_mut(at).vars = vars;
                r
            }
            Some(sel) => {
                let eff = self.frame(at).effective_input.clone();
                self.scope_eval(
                    at,
                    &eff,
                    Some((i, &raw_item)),
                    sel.reads_context,
                    |s, rng| dataflow::template(sel, s, rng),
                )
            }
            None => Ok(raw_item),
        }
    }

    pub(crate) fn map_launch(&mut self, at: FrameRef) {
        let h = self.here(at.exec);
        let Some(st) = self.current(&h, at) else {
            return;
        };
        let Kind::Map(m) = &st.kind else {
            return self.wrong_state_type(at, "MapLaunch");
        };
        let Some(j) = self.frame_mut(at).join.as_mut() else {
            return self.no_join(at, "MapLaunch");
        };
        // Under a redrive, the iterations that succeeded before keep their results.
        let first = j.next_index;
        while j.results.get(j.next_index).is_some_and(Option::is_some) {
            j.next_index += 1;
        }
        if j.next_index > first
            && j.next_index >= j.items.len()
            && j.running == 0
            && j.failure.is_none()
        {
            self.frame_mut(at).phase = Phase::JoinDone;
            self.schedule(at);
            return;
        }
        if j.next_index >= j.items.len() || j.running >= j.max_concurrency || j.failure.is_some() {
            return;
        }
        let i = j.next_index;
        // Each item is launched once (a retried Map computes its items again), so it moves out.
        let raw_item = std::mem::take(&mut j.items[i]);
        // An iteration a redrive resumes goes on where it stopped, without ItemSelector.
        let resumed = j.resume.remove(&i);
        let item = match resumed {
            Some(_) => Ok(Value::Null),
            None => self.select_item(at, st, m, i, raw_item),
        };
        let item = match item {
            Ok(v) => v,
            Err(e) => {
                self.fail_join(at, e);
                return;
            }
        };
        let map_name = st.name.clone();
        if let Some(j) = self.frame_mut(at).join.as_mut() {
            j.next_index += 1;
            j.running += 1;
        }
        let started = if m.distributed {
            self.frame(at).last_event
        } else {
            let d = Details::new("mapIterationStartedEventDetails")
                .int("index", i as i64)
                .text("name", map_name.clone());
            self.emit(at, EventType::MapIterationStarted, d, Some(map_name))
        };
        let role = FrameRole::Iteration {
            parent: at.frame,
            index: i,
        };
        // Distributed Map iterations run as child workflow executions of a Map Run: their
        // events are not part of this execution's history.
        self.spawn_child(
            at,
            NewChild {
                role,
                branch: 0,
                start_at: m.processor.start_at,
                input: item,
                resumed,
                started,
                silent: m.distributed,
            },
        );
        let more = self
            .frame(at)
            .join
            .as_ref()
            .is_some_and(|j| j.next_index < j.items.len() && j.running < j.max_concurrency);
        if more {
            self.frame_mut(at).phase = Phase::MapLaunch;
            self.schedule(at);
        }
    }
}
