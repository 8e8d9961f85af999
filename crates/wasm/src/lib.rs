//! The JavaScript API of Stepwise: one `Stepwise` class whose methods mirror the AWS Step
//! Functions API (camelCase request and response objects, as the AWS SDK for JavaScript has
//! them), plus the engine's stepping and clock controls.
//!
//! The crate only translates: requests are read in `convert`, the engine does the work, and
//! answers go back as plain JSON-compatible objects. An `ApiError` is thrown as a JS `Error` whose
//! `name` is AWS's exception name (`ExecutionDoesNotExist`, `InvalidDefinition`, ...).

#![forbid(unsafe_code)]

mod convert;
mod from_js;
mod panics;
mod recorded;
mod redrive;
mod versions;

use convert::{request, to_js};
use stepwise_engine::api::names;
use stepwise_engine::clock::iso8601;
use stepwise_engine::{ApiError, Engine};
use wasm_bindgen::prelude::*;

use std::cell::RefCell;
use std::rc::Rc;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// Installs the panic hook once the module is instantiated: a bug in the engine is then thrown
/// as an `InternalError` and the module resets itself for the next call (see `panics`).
#[wasm_bindgen(start)]
fn start() {
    panics::install();
}

/// A Step Functions engine on a virtual clock. Nothing happens until `step()`,
/// `runUntilIdle()` or a clock method is called.
#[wasm_bindgen]
pub struct Stepwise {
    // Shared so that a host in the same module (the embed, `crates/embed`) can render the very
    // engine that `controller.stepwise` hands to its page.
    engine: Rc<RefCell<Engine>>,
}

fn api<T>(r: Result<T, stepwise_engine::ApiError>) -> Result<T, JsValue> {
    r.map_err(|e| convert::api_error(&e))
}

#[wasm_bindgen]
impl Stepwise {
    /// A new engine. Options: `seed` (names, tokens and random functions), `epoch` (start of the
    /// virtual clock: millis, ISO-8601 text or a `Date`), `region`, `account`, `maxHistoryEvents`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "StepwiseOptions")] options: Option<
            js_sys::Object,
        >,
    ) -> Result<Stepwise, JsValue> {
        let config = convert::config(options.map_or(JsValue::UNDEFINED, JsValue::from))?;
        Ok(Stepwise {
            engine: Rc::new(RefCell::new(Engine::new(config))),
        })
    }

    // ---- TestState ----------------------------------------------------------------------------

    /// AWS's TestState: runs one state definition (or `stateName` of a whole machine) on
    /// `input` and answers `status`, `nextState`, `output`, `error`/`cause` and, at
    /// `inspectionLevel` DEBUG or TRACE, `inspectionData` (every data-flow stage). A Task needs
    /// `mock` (`result` or `errorOutput`): no service is called. The engine itself is unchanged.
    #[wasm_bindgen(js_name = testState, unchecked_return_type = "TestStateOutput")]
    pub fn test_state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TestStateInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let fields = api(from_js::all_request_fields(&input, "testState"))?;
        let req = api(convert::test_state(&serde_json::Value::Object(fields)))?;
        let run = api(self.engine.borrow().test_state_run(&req))?;
        to_js(&run.aws_json(&req))
    }

    // ---- state machines ---------------------------------------------------------------------

    #[wasm_bindgen(js_name = createStateMachine, unchecked_return_type = "CreateStateMachineOutput")]
    pub fn create_state_machine(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CreateStateMachineInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "createStateMachine")?;
        let (name, definition) = (req.required("name")?, req.required("definition")?);
        // AWS's `publish`: also publish version 1.
        let publish = req.bool("publish")?.unwrap_or(false);
        let description = req.string("versionDescription")?;
        let mut engine = self.engine.borrow_mut();
        let (arn, version) = api(engine.create_state_machine_publishing(
            &name,
            &definition,
            stepwise_engine::MachineType::Standard,
            publish,
            description.as_deref(),
        ))?;
        let created = api(engine.describe_state_machine(&arn))?;
        let mut out =
            serde_json::json!({"stateMachineArn": arn, "creationDate": created["creationDate"]});
        if let Some(v) = version {
            out["stateMachineVersionArn"] = serde_json::json!(v);
        }
        to_js(&out)
    }

    #[wasm_bindgen(js_name = updateStateMachine, unchecked_return_type = "UpdateStateMachineOutput")]
    pub fn update_state_machine(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "UpdateStateMachineInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "updateStateMachine")?;
        let arn = req.required("stateMachineArn")?;
        let definition = req.required("definition")?;
        // AWS's `publish`: also publish a version of the new revision.
        let publish = req.bool("publish")?.unwrap_or(false);
        let description = req.string("versionDescription")?;
        let mut engine = self.engine.borrow_mut();
        let updated = api(engine.update_state_machine_publishing(
            &arn,
            &definition,
            publish,
            description.as_deref(),
        ))?;
        to_js(&versions::update_answer(engine.now_millis(), &updated))
    }

    #[wasm_bindgen(js_name = deleteStateMachine, unchecked_return_type = "{}")]
    pub fn delete_state_machine(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "StateMachineRef")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let arn = request(input, "deleteStateMachine")?.required("stateMachineArn")?;
        let mut engine = self.engine.borrow_mut();
        api(engine.delete_state_machine(&arn))?;
        Ok(convert::empty())
    }

    #[wasm_bindgen(js_name = describeStateMachine, unchecked_return_type = "DescribeStateMachineOutput")]
    pub fn describe_state_machine(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StateMachineRef")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let arn = request(input, "describeStateMachine")?.required("stateMachineArn")?;
        let engine = self.engine.borrow();
        to_js(&api(engine.describe_state_machine(&arn))?)
    }

    /// All state machines; the request object is accepted for symmetry with the SDK and ignored.
    #[wasm_bindgen(js_name = listStateMachines, unchecked_return_type = "ListStateMachinesOutput")]
    pub fn list_state_machines(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListStateMachinesInput")] input: Option<
            js_sys::Object,
        >,
    ) -> Result<JsValue, JsValue> {
        // The whole list fits in one answer, so the paging fields have nothing to do.
        let _ = input;
        let engine = self.engine.borrow();
        to_js(&engine.list_state_machines())
    }

    /// Loads a Step Functions Local mock config (an object or its JSON text). Tasks it does not
    /// cover wait to be completed by hand through `listPendingTasks()` and `sendTask*`.
    #[wasm_bindgen(js_name = setMockConfig)]
    pub fn set_mock_config(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "MockConfig")] config: JsValue,
    ) -> Result<(), JsValue> {
        let text = from_js::json_text(&config, "setMockConfig", "config", names::VALIDATION)
            .and_then(|t| {
                t.ok_or_else(|| {
                    ApiError::new(names::VALIDATION, "setMockConfig: config is required")
                })
            })
            .map_err(|e| convert::api_error(&e))?;
        let mut engine = self.engine.borrow_mut();
        let value: stepwise_json::Value = serde_json::from_str(&text).map_err(|e| {
            convert::invalid_argument(format!("setMockConfig: the config is not JSON: {e}"))
        })?;
        api(engine.set_mock_config(&value))
    }

    // ---- executions -------------------------------------------------------------------------

    #[wasm_bindgen(js_name = startExecution, unchecked_return_type = "StartExecutionOutput")]
    pub fn start_execution(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "StartExecutionInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "startExecution")?;
        let arn = req.required("stateMachineArn")?;
        let (name, text) = (req.string("name")?, req.string("input")?);
        let mut engine = self.engine.borrow_mut();
        let id = api(engine.start_execution(&arn, name.as_deref(), text.as_deref()))?;
        let e = engine.execution(id);
        to_js(&serde_json::json!({"executionArn": e.arn, "startDate": iso8601(e.start_millis)}))
    }

    #[wasm_bindgen(js_name = stopExecution, unchecked_return_type = "StopExecutionOutput")]
    pub fn stop_execution(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "StopExecutionInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "stopExecution")?;
        let arn = req.required("executionArn")?;
        let (error, cause) = (req.string("error")?, req.string("cause")?);
        let mut engine = self.engine.borrow_mut();
        api(engine.stop_execution(&arn, error.as_deref(), cause.as_deref()))?;
        // Stopping a finished execution is allowed and keeps its own stop date.
        let stop = engine
            .execution_by_arn(&arn)
            .and_then(|id| engine.execution(id).stop_millis)
            .unwrap_or_else(|| engine.now_millis());
        to_js(&serde_json::json!({"stopDate": iso8601(stop)}))
    }

    #[wasm_bindgen(js_name = describeExecution, unchecked_return_type = "DescribeExecutionOutput")]
    pub fn describe_execution(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ExecutionRef")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let arn = request(input, "describeExecution")?.required("executionArn")?;
        let engine = self.engine.borrow();
        to_js(&api(engine.describe_execution(&arn))?)
    }

    /// Executions, newest first, optionally of one state machine, with one status and/or
    /// redriven or not (`redriveFilter`).
    #[wasm_bindgen(js_name = listExecutions, unchecked_return_type = "ListExecutionsOutput")]
    pub fn list_executions(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListExecutionsInput")] input: Option<
            js_sys::Object,
        >,
    ) -> Result<JsValue, JsValue> {
        let (mut machine, mut status, mut redrive) = (None, None, None);
        if let Some(o) = input {
            let req = request(o.into(), "listExecutions")?;
            machine = req.string("stateMachineArn")?;
            status = req.string("statusFilter")?;
            redrive = req.string("redriveFilter")?;
        }
        let engine = self.engine.borrow();
        to_js(&api(engine.list_executions_filtered(
            machine.as_deref(),
            status.as_deref(),
            redrive.as_deref(),
        ))?)
    }

    #[wasm_bindgen(js_name = getExecutionHistory, unchecked_return_type = "GetExecutionHistoryOutput")]
    pub fn get_execution_history(
        &self,
        #[wasm_bindgen(unchecked_param_type = "GetExecutionHistoryInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "getExecutionHistory")?;
        let arn = req.required("executionArn")?;
        let reverse = req.bool("reverseOrder")?.unwrap_or(false);
        // AWS's default is to include inputs and outputs.
        let data = req.bool("includeExecutionData")?.unwrap_or(true);
        let engine = self.engine.borrow();
        let history = engine.get_execution_history(&arn, reverse, data);
        to_js(&api(history)?)
    }

    /// The executions as a forest: each root with the executions it started (`.sync`,
    /// fire-and-forget, or linked by `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`).
    #[wasm_bindgen(js_name = executionTree, unchecked_return_type = "ExecutionTreeOutput")]
    pub fn execution_tree(&self) -> Result<JsValue, JsValue> {
        let engine = self.engine.borrow();
        convert::execution_tree(&engine)
    }

    // ---- task tokens ------------------------------------------------------------------------

    /// Completes a waiting task. `output` is JSON text, or any other value to be encoded as JSON.
    #[wasm_bindgen(js_name = sendTaskSuccess, unchecked_return_type = "{}")]
    pub fn send_task_success(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SendTaskSuccessInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "sendTaskSuccess")?;
        let (token, output) = (req.required("taskToken")?, req.required("output")?);
        let mut engine = self.engine.borrow_mut();
        api(engine.send_task_success(&token, &output))?;
        Ok(convert::empty())
    }

    #[wasm_bindgen(js_name = sendTaskFailure, unchecked_return_type = "{}")]
    pub fn send_task_failure(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SendTaskFailureInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "sendTaskFailure")?;
        let token = req.required("taskToken")?;
        let (error, cause) = (req.string("error")?, req.string("cause")?);
        let mut engine = self.engine.borrow_mut();
        api(engine.send_task_failure(&token, error.as_deref(), cause.as_deref()))?;
        Ok(convert::empty())
    }

    #[wasm_bindgen(js_name = sendTaskHeartbeat, unchecked_return_type = "{}")]
    pub fn send_task_heartbeat(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "SendTaskHeartbeatInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let token = request(input, "sendTaskHeartbeat")?.required("taskToken")?;
        let mut engine = self.engine.borrow_mut();
        api(engine.send_task_heartbeat(&token))?;
        Ok(convert::empty())
    }

    /// Tasks waiting for the outside world: `.waitForTaskToken` callbacks and tasks without a mock.
    #[wasm_bindgen(js_name = listPendingTasks, unchecked_return_type = "ListPendingTasksOutput")]
    pub fn list_pending_tasks(&self) -> Result<JsValue, JsValue> {
        let engine = self.engine.borrow();
        to_js(&convert::pending_tasks(&engine.pending_tasks()))
    }

    // ---- stepping and time ------------------------------------------------------------------

    /// Performs the next unit of work that is due now (one history event, occasionally a few);
    /// `null` when nothing is due.
    #[wasm_bindgen(unchecked_return_type = "StepReport | null")]
    pub fn step(&mut self) -> Result<JsValue, JsValue> {
        let mut engine = self.engine.borrow_mut();
        match engine.step() {
            Some(report) => to_js(&convert::step_report(&engine, &report)),
            None => Ok(JsValue::NULL),
        }
    }

    /// Steps until nothing is due now or `budget` steps (default 10,000; a whole number up to
    /// 10,000,000, else a `ValidationException`) were taken, and says why it stopped. The clock
    /// does not move: see `advanceToNextTimer()`.
    #[wasm_bindgen(js_name = runUntilIdle, unchecked_return_type = "RunUntilIdleOutput")]
    pub fn run_until_idle(&mut self, budget: Option<f64>) -> Result<JsValue, JsValue> {
        // Taken as a JS number, not u32: wasm-bindgen would wrap -1 to 4,294,967,295.
        let budget = match budget {
            None => convert::DEFAULT_BUDGET as usize,
            Some(b) => convert::step_budget(b)?,
        };
        let mut engine = self.engine.borrow_mut();
        let idle = engine.run_until_idle(budget);
        to_js(&convert::idle(&idle))
    }

    /// Moves the virtual clock forward by `ms` milliseconds (a whole, non-negative number).
    #[wasm_bindgen(js_name = advanceClock)]
    pub fn advance_clock(&mut self, ms: f64) -> Result<(), JsValue> {
        let mut engine = self.engine.borrow_mut();
        let target = convert::whole_millis(ms)
            .filter(|ms| *ms >= 0)
            .and_then(|ms| convert::whole_millis((engine.now_millis() + ms) as f64));
        match target {
            Some(t) => {
                let now = engine.now_millis();
                engine.advance_clock(t - now);
                Ok(())
            }
            None => Err(convert::invalid_argument(format!(
                "advanceClock: {ms} is not a whole, non-negative number of milliseconds \
                 that keeps the clock within the range of a JS Date"
            ))),
        }
    }

    /// Moves the clock to the next pending timer; `false` when no timer is pending.
    #[wasm_bindgen(js_name = advanceToNextTimer)]
    pub fn advance_to_next_timer(&mut self) -> bool {
        let mut engine = self.engine.borrow_mut();
        engine.advance_to_next_timer()
    }

    /// The virtual time, as ISO-8601 text (`2025-01-01T00:00:00.000Z`).
    pub fn now(&self) -> String {
        let engine = self.engine.borrow();
        iso8601(engine.now_millis())
    }
}

/// For Rust hosts linked into the same module: the engine this object drives. Not exported to JS.
impl Stepwise {
    pub fn shared_engine(&self) -> Rc<RefCell<Engine>> {
        Rc::clone(&self.engine)
    }
}

/// Validates a definition as AWS's ValidateStateMachineDefinition does, without an engine.
#[wasm_bindgen(js_name = validateStateMachineDefinition, unchecked_return_type = "ValidateStateMachineDefinitionOutput")]
pub fn validate_state_machine_definition(
    #[wasm_bindgen(unchecked_param_type = "ValidateStateMachineDefinitionInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let definition = request(input, "validateStateMachineDefinition")?.required("definition")?;
    to_js(&convert::validation(&stepwise_engine::validate(
        &definition,
    )))
}

/// Reads what the AWS CLI printed for recorded executions (`get-execution-history`,
/// `describe-execution`, `describe-state-machine-for-execution`, `--output json`; several
/// documents per text allowed): the executions with AWS's events verbatim, their definitions,
/// parents and children. Unreadable input throws `InvalidRecording` with `problems`, each
/// located (`source`, `line`, `column`).
#[wasm_bindgen(js_name = importExecution, unchecked_return_type = "ImportExecutionOutput")]
pub fn import_execution(
    #[wasm_bindgen(unchecked_param_type = "ImportExecutionInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let req = request(input, "importExecution")?;
    let imported = recorded::read(&convert::import_sources(&req)?)?;
    to_js(&imported)
}

/// Replays a recorded execution locally (same definition and input, every task answered as
/// recorded, on a clock started when AWS started it) and compares the local history with the
/// recorded one: `divergence` is the first difference, with both events, or `null`. Also gives
/// the local run's events (`localHistory`) and the test case that replays it (`testCase`).
/// Throws `InvalidRecording` for unreadable input and `NotReplayable` when the recording cannot
/// be replayed (an unknown event type, activities).
#[wasm_bindgen(js_name = replayExecution, unchecked_return_type = "ReplayExecutionOutput")]
pub fn replay_execution(
    #[wasm_bindgen(unchecked_param_type = "ReplayExecutionInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let req = request(input, "replayExecution")?;
    to_js(&recorded::replay(&req)?)
}
