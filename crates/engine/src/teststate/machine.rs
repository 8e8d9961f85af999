//! The scratch machine a tested state runs in, and the stepping that stops as soon as the state
//! is left, retried or failed.

use super::request::{invalid, Checked};
use super::MapInspection;
use crate::api::{names, ApiError};
use crate::config::EngineConfig;
use crate::engine::Engine;
use crate::execution::{Phase, TaskOutcome};
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

/// Far more steps than one state takes (a Task: about six); a bound, not a budget to tune.
const MAX_STEPS: usize = 10_000;

/// A machine holding the state and a placeholder for each state it may go to (`Next`,
/// `Default`, a choice's or a catcher's `Next`).
fn wrapper(state: Value, name: &str, query_language: Option<Value>) -> String {
    let mut states = Map::new();
    let mut add = |v: Option<&Value>| {
        if let Some(t) = v.and_then(Value::as_str).filter(|t| *t != name) {
            states.insert(t.into(), stepwise_json::json!({"Type": "Succeed"}));
        }
    };
    add(state.get("Next"));
    add(state.get("Default"));
    for list in ["Choices", "Catch"] {
        for item in state
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            add(item.get("Next"));
        }
    }
    states.insert(name.into(), state);
    let mut machine = Map::new();
    if let Some(q) = query_language {
        machine.insert("QueryLanguage".into(), q);
    }
    machine.insert("StartAt".into(), Value::String(name.to_owned()));
    machine.insert("States".into(), Value::Object(states));
    Value::Object(machine).to_json_text().to_string()
}

/// How the tested state's run ended.
pub(super) enum Outcome {
    /// Left for `next` (or ended its branch when `None`) with this output.
    Left {
        output: Value,
        next: Option<String>,
        caught: bool,
    },
    Failed(StatesError),
    Retriable,
}

impl Engine {
    /// A scratch engine on `config` with the checked state wrapped in its machine, started on
    /// the request's input and variables; also the index of its execution.
    pub(super) fn start_tested_state(
        config: EngineConfig,
        checked: Checked,
    ) -> Result<(Engine, usize), ApiError> {
        let mut scratch = Engine::new(config);
        // Of a whole machine (stateName), AWS validates all of it; the state then runs with
        // placeholders for the states it may go to.
        if let Some(whole) = &checked.machine {
            scratch.create_state_machine("TestStateMachine", whole)?;
        }
        let text = wrapper(checked.state, &checked.name, checked.query_language);
        let machine = scratch.create_state_machine("TestState", &text)?;
        let id = scratch.start_with_value(&machine, Some("test-state"), checked.input, None)?;
        let exec = id.0 as usize;
        scratch.executions[exec].frames[0].vars = checked.variables;
        scratch.executions[exec].given_context = checked.context.map(Value::Object);
        Ok((scratch, exec))
    }

    /// Steps the scratch execution until its only frame has left the tested state (or ended),
    /// answering the Task with `mock` when it would call its service, a Map or Parallel when it
    /// would start its children (`failures`: its iterations that failed). Also a Map's stages.
    pub(super) fn run_tested_state(
        &mut self,
        exec: usize,
        mut mock: Option<TaskOutcome>,
        retried: Option<u32>,
        failures: Option<u32>,
    ) -> Result<(Outcome, Option<MapInspection>), ApiError> {
        let mut entered = false;
        let mut caught = false;
        let mut map = None;
        for _ in 0..MAX_STEPS {
            // A Map or Parallel that has computed its input ends with the mock instead of
            // launching its iterations or branches.
            let phase = &self.executions[exec].frames[0].phase;
            if matches!(phase, Phase::MapStarted | Phase::ParallelStarted) {
                if let Some(answer) = mock.take() {
                    map = self.answer_join(exec, answer, failures);
                }
            }
            let h = self.here(exec);
            let f = &mut self.executions[exec].frames[0];
            match &f.phase {
                Phase::Enter(output) if entered => {
                    let next = h.states.list[f.state].name.to_string();
                    let left = Outcome::Left {
                        output: output.clone(),
                        next: Some(next),
                        caught,
                    };
                    return Ok((left, map));
                }
                Phase::Finish(Ok(output)) => {
                    let left = Outcome::Left {
                        output: output.clone(),
                        next: None,
                        caught,
                    };
                    return Ok((left, map));
                }
                Phase::Finish(Err(e)) => return Ok((Outcome::Failed(e.clone()), map)),
                Phase::TaskScheduled | Phase::Restart if f.retry_count > 0 => {
                    return Ok((Outcome::Retriable, map))
                }
                // Where the task would reach its service, the mock answers instead.
                Phase::TaskStarted => {
                    if let Some(answer) = mock.take() {
                        f.phase = Phase::TaskDone(answer);
                    }
                }
                Phase::Exit { .. } => caught = f.exiting_catcher,
                _ => {}
            }
            // A retried Map or Parallel emits nothing until its retry is due: the step that
            // scheduled the retry reports no event, and the clock must not move on past it.
            let stepped = self.step().is_some();
            let f = &self.executions[exec].frames[0];
            let retrying = f.retry_count > 0 && matches!(f.phase, Phase::Restart);
            if !stepped && !retrying && !self.advance_to_next_timer() {
                break;
            }
            if !entered {
                entered = true;
                if let Some(n) = retried {
                    let f = &mut self.executions[exec].frames[0];
                    f.retry_attempts.iter_mut().for_each(|a| *a = n);
                }
            }
        }
        Err(invalid(names::VALIDATION, "the state did not finish"))
    }
}
