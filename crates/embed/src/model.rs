//! One embed's state and verbs, in plain Rust: its engine (shared with the `Stepwise` object the
//! controller hands out), the run it started, what is on show, and the Run animation.
//!
//! Every verb changes the model and then asks the view to render (`Shared::act`), never while
//! the model is borrowed: a render reads it, and so may a listener of `stepwise-change`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use stepwise_engine::{ApiError, Engine, ExecutionId, Idle};
use stepwise_playground::graph::{layout_text, Layout};
use wasm_bindgen::prelude::*;

use crate::options::{pretty, Options};

const FINISHED: [&str; 4] = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

pub struct Model {
    pub opts: Options,
    /// Options for `new Stepwise()` (seed, epoch), kept for Reset.
    engine_options: JsValue,
    /// The `Stepwise` object of the JS API (`controller.stepwise`) and the engine inside it.
    pub stepwise: JsValue,
    pub engine: Rc<RefCell<Engine>>,
    /// The execution the last Run started, and the one the panels show.
    pub current: Option<String>,
    pub selected: Option<String>,
    pub playing: bool,
    timer: Option<Timeout>,
    /// The machines were created (the definitions are valid).
    pub ready: bool,
    /// A definition or the input was edited since the last Reset.
    pub edited: bool,
    pub error: Option<ApiError>,
    /// Editor texts, by machine, and the input's.
    pub definitions: BTreeMap<String, String>,
    pub input_text: String,
    /// What each pending task's output field holds, when edited.
    pub task_outputs: BTreeMap<String, String>,
    /// Layouts by definition text: a run redraws the graph at every step.
    layouts: BTreeMap<String, Option<Rc<Layout>>>,
    /// Asks the view to render.
    pub notify: Option<Notify>,
    pub destroyed: bool,
}

pub type Notify = Rc<dyn Fn()>;

/// A `Stepwise` object of the JS API and its engine.
pub fn new_engine(options: &JsValue) -> Result<(JsValue, Rc<RefCell<Engine>>), JsValue> {
    let options = options.dyn_ref::<js_sys::Object>().cloned();
    let stepwise = stepwise_wasm::Stepwise::new(options)?;
    let engine = stepwise.shared_engine();
    Ok((JsValue::from(stepwise), engine))
}

/// Frees a `Stepwise` object the page no longer gets from the controller, as the embed always did.
fn free(stepwise: &JsValue) {
    if let Ok(f) = js_sys::Reflect::get(stepwise, &JsValue::from_str("free")) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call0(stepwise);
        }
    }
}

impl Model {
    pub fn new(opts: Options, engine_options: JsValue) -> Result<Model, JsValue> {
        let (stepwise, engine) = new_engine(&engine_options)?;
        Ok(Model {
            // Editors show (and so deploy) the text pretty-printed; a read-only embed deploys it
            // as given.
            definitions: opts
                .machines
                .iter()
                .map(|(name, text)| {
                    let text = if opts.read_only {
                        text.clone()
                    } else {
                        pretty(text)
                    };
                    (name.clone(), text)
                })
                .collect(),
            input_text: pretty(&opts.input_text),
            opts,
            engine_options,
            stepwise,
            engine,
            current: None,
            selected: None,
            playing: false,
            timer: None,
            ready: false,
            edited: false,
            error: None,
            task_outputs: BTreeMap::new(),
            layouts: BTreeMap::new(),
            notify: None,
            destroyed: false,
        })
    }

    pub fn status_of(&self, arn: Option<&str>) -> &'static str {
        let engine = self.engine.borrow();
        arn.and_then(|arn| engine.execution_by_arn(arn))
            .map_or("NOT_STARTED", |id| engine.execution(id).status.as_str())
    }

    pub fn selected_id(&self) -> Option<ExecutionId> {
        self.selected
            .as_deref()
            .and_then(|arn| self.engine.borrow().execution_by_arn(arn))
    }

    pub fn machine_arn(&self, name: &str) -> Option<String> {
        let engine = self.engine.borrow();
        let arn = engine.machine_arn(name);
        engine.machine(&arn).map(|m| m.arn.clone())
    }

    /// The layout of a definition, computed once per text.
    pub fn layout(&mut self, text: &str) -> Option<Rc<Layout>> {
        self.layouts
            .entry(text.to_string())
            .or_insert_with(|| layout_text(text).map(Rc::new))
            .clone()
    }

    /// The idle reason, as the JS API names it; `Finished` before any run.
    pub fn idle(&self) -> &'static str {
        if self.current.is_none() {
            return "Finished";
        }
        // A zero budget only reports why nothing more can happen now.
        self.engine.borrow_mut().run_until_idle(0).name()
    }

    /// A fresh engine with the (possibly edited) definitions; no execution yet.
    fn reset(&mut self) {
        self.stop_timer();
        if let Ok((stepwise, engine)) = new_engine(&self.engine_options) {
            free(&self.stepwise);
            self.stepwise = stepwise;
            self.engine = engine;
        }
        self.current = None;
        self.selected = None;
        self.layouts.clear();
        self.error = None;
        self.edited = false;
        self.task_outputs.clear();
        self.create_machines();
    }

    /// Creates every machine in the engine; an invalid definition is shown as the error.
    fn create_machines(&mut self) {
        let result: Result<(), ApiError> = {
            let mut engine = self.engine.borrow_mut();
            self.opts.machines.iter().try_for_each(|(name, _)| {
                let text = &self.definitions[name];
                engine.create_state_machine(name, text).map(drop)
            })
        };
        self.ready = result.is_ok();
        self.error = result.err();
    }

    /// Starts a new execution of the main machine with the current input; false on an error.
    fn start_execution(&mut self) -> bool {
        if self.edited {
            self.reset();
        }
        if !self.ready {
            return false;
        }
        let arn = self.machine_arn(&self.opts.start).unwrap_or_default();
        let input = if self.opts.read_only {
            self.opts.input_text.clone()
        } else {
            self.input_text.clone()
        };
        let started = self
            .engine
            .borrow_mut()
            .start_execution(&arn, None, Some(&input));
        match started {
            Ok(id) => {
                let arn = self.engine.borrow().execution(id).arn.clone();
                self.current = Some(arn.clone());
                self.selected = Some(arn);
                self.error = None;
                true
            }
            Err(e) => {
                self.error = Some(e);
                false
            }
        }
    }

    fn stop_timer(&mut self) {
        self.playing = false;
        self.timer = None;
    }

    fn finished(&self) -> bool {
        FINISHED.contains(&self.status_of(self.current.as_deref()))
    }

    fn pending_count(&self) -> usize {
        self.engine.borrow().pending_tasks().len()
    }
}

/// A model shared by the view, the controller and the Run timer.
#[derive(Clone)]
pub struct Shared(pub Rc<RefCell<Model>>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Shared {
    /// Runs a verb, then renders (outside the borrow).
    fn act<R>(&self, f: impl FnOnce(&mut Model, &Shared) -> R) -> R {
        let result = f(&mut self.0.borrow_mut(), self);
        let notify = self.0.borrow().notify.clone();
        if let Some(notify) = notify {
            notify();
        }
        result
    }

    fn weak(&self) -> Weak<RefCell<Model>> {
        Rc::downgrade(&self.0)
    }

    /// The next frame of Run, `step_delay` from now.
    fn schedule(m: &mut Model, me: &Shared) {
        let weak = me.weak();
        m.timer = Some(Timeout::new(m.opts.step_delay, move || {
            if let Some(model) = weak.upgrade() {
                Shared(model).tick();
            }
        }));
    }

    pub fn reset(&self) {
        self.act(|m, _| m.reset());
    }

    /// The first set-up, on the engine made with the model.
    pub fn create_machines(&self) {
        self.0.borrow_mut().create_machines();
    }

    pub fn run(&self) {
        self.act(|m, me| {
            if (m.current.is_none() || m.finished() || m.edited) && !m.start_execution() {
                return;
            }
            m.playing = true;
            Self::schedule(m, me);
        });
    }

    pub fn pause(&self) {
        self.act(|m, _| m.stop_timer());
    }

    /// One frame of Run: a step, a timer jump, or a stop.
    fn tick(&self) {
        self.act(|m, me| {
            m.timer = None;
            if !m.playing {
                return;
            }
            if m.engine.borrow_mut().step().is_some() {
                return Self::schedule(m, me);
            }
            let idle = m.idle();
            if idle == "WaitingForTimer" && m.pending_count() == 0 {
                // A Wait state or a retry delay: nobody else can act, so time may jump.
                m.engine.borrow_mut().advance_to_next_timer();
                return Self::schedule(m, me);
            }
            // Waiting for a person (a task token, perhaps with a heartbeat timer) stays in play
            // mode, so that answering resumes the run.
            if idle == "Finished" {
                m.playing = false;
            }
        });
    }

    pub fn step(&self) {
        self.act(|m, _| {
            m.stop_timer();
            let finished = m.finished();
            // A finished run stays on screen: only Run (or an edit) starts the next one.
            if finished && !m.edited {
                return;
            }
            if m.current.is_none() || finished || m.edited {
                m.start_execution();
                return;
            }
            let mut engine = m.engine.borrow_mut();
            if engine.step().is_none()
                && matches!(engine.run_until_idle(0), Idle::WaitingForTimer(_))
                && engine.advance_to_next_timer()
            {
                engine.step();
            }
        });
    }

    pub fn skip_to_timer(&self) {
        self.act(|m, me| {
            m.engine.borrow_mut().advance_to_next_timer();
            if m.playing {
                Self::schedule(m, me);
            } else {
                m.engine.borrow_mut().step();
            }
        });
    }

    pub fn send_task(&self, token: &str, success: bool) {
        self.act(|m, me| {
            let output = m
                .task_outputs
                .get(token)
                .cloned()
                .unwrap_or_else(|| m.opts.task_output_text.clone());
            let result = {
                let mut engine = m.engine.borrow_mut();
                if success {
                    engine.send_task_success(token, &output)
                } else {
                    engine.send_task_failure(
                        token,
                        Some("Rejected"),
                        Some("Failed by hand in the embed"),
                    )
                }
            };
            m.error = result.err();
            if m.playing {
                Self::schedule(m, me);
            }
        });
    }

    pub fn select(&self, arn: Option<String>) {
        self.act(|m, _| m.selected = arn);
    }

    pub fn edit_definition(&self, name: &str, text: String) {
        self.act(|m, _| {
            m.definitions.insert(name.to_string(), text);
            m.edited = true;
        });
    }

    pub fn edit_input(&self, text: String) {
        self.act(|m, _| {
            m.input_text = text;
            m.edited = true;
        });
    }

    /// Keeps a task's output field as typed, without a render (the field shows it already).
    pub fn edit_task_output(&self, token: &str, text: String) {
        self.0
            .borrow_mut()
            .task_outputs
            .insert(token.to_string(), text);
    }

    pub fn destroy(&self) {
        let mut m = self.0.borrow_mut();
        m.stop_timer();
        m.destroyed = true;
        free(&m.stepwise);
        m.stepwise = JsValue::NULL;
    }
}
