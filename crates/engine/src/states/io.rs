//! The data-flow stages every state type runs, applied to a frame: InputPath, ResultSelector,
//! ResultPath/OutputPath or Output, Assign, and values given literally, by path or by expression
//! (`dataflow.rs` holds the stage functions themselves). Each stage's value is recorded in the
//! state run's [`Pipeline`].

use crate::dataflow;
#[cfg(feature = "pipelines")]
use crate::dataflow::Pipeline;
use crate::execution::FrameRef;

/// The stages `Engine::record` writes (output, Assign and the error have their own).
#[derive(Clone, Copy)]
pub(crate) enum Stage {
    AfterInputPath,
    AfterParameters,
    Result,
    ResultUnlessRecorded,
    AfterResultSelector,
    AfterResultPath,
}
use crate::engine::Engine;
use crate::run::Res;
use stepwise_asl::model::{Dynamic, State, Template};
use stepwise_asl::StatesError;
use stepwise_json::{Map, Value};

/// Whether an InputPath/OutputPath/ItemsPath reads the context object.
pub(crate) fn path_reads_context(field: &stepwise_asl::model::PathField) -> bool {
    matches!(field, stepwise_asl::model::PathField::Path(p) if p.reads_context())
}

impl Engine {
    /// Starts the record of a state run that was just entered (its `…StateEntered` event is
    /// `entered`), when the engine keeps records. A frame whose events stay out of the history
    /// records nothing.
    #[cfg(feature = "pipelines")]
    pub(crate) fn begin_pipeline(
        &mut self,
        at: FrameRef,
        entered: u64,
        input: &Value,
        jsonata: bool,
    ) {
        let e = &mut self.executions[at.exec];
        if !self.config.record_pipelines || e.frames[at.frame].cache.silent {
            e.frames[at.frame].cache.pipeline = None;
            return;
        }
        e.frames[at.frame].cache.pipeline = Some(e.pipelines.len());
        e.pipelines
            .push(Pipeline::entered(entered, input.clone(), jsonata));
    }

    /// Without the `pipelines` feature nothing is recorded (and no code for it is built).
    #[cfg(not(feature = "pipelines"))]
    #[inline(always)]
    pub(crate) fn begin_pipeline(&mut self, _: FrameRef, _: u64, _: &Value, _: bool) {}

    /// The record of the state run frame `frame` is in, if it keeps one.
    #[cfg(feature = "pipelines")]
    fn pipeline_mut(&mut self, at: FrameRef) -> Option<&mut Pipeline> {
        let e = &mut self.executions[at.exec];
        e.frames[at.frame]
            .cache
            .pipeline
            .and_then(|i| e.pipelines.get_mut(i))
    }

    /// Records a stage in the current state run's pipeline, if it has one. One out-of-line
    /// function for every stage (instead of a closure inlined at each one) keeps the code small.
    #[cfg(feature = "pipelines")]
    #[inline]
    pub(crate) fn record(&mut self, at: FrameRef, stage: Stage, v: &Value) {
        // The common case, checked first: an engine that keeps no records.
        if self.config.record_pipelines {
            self.record_stage(at, stage, v);
        }
    }

    #[cfg(feature = "pipelines")]
    #[inline(never)]
    fn record_stage(&mut self, at: FrameRef, stage: Stage, v: &Value) {
        let Some(p) = self.pipeline_mut(at) else {
            return;
        };
        let slot = match stage {
            Stage::AfterInputPath => &mut p.after_input_path,
            Stage::AfterParameters => &mut p.after_parameters,
            Stage::Result => &mut p.result,
            // A Pass state's result reaches the output stages directly; a Task's was recorded
            // before its ResultSelector.
            Stage::ResultUnlessRecorded if p.result.is_some() => return,
            Stage::ResultUnlessRecorded => &mut p.result,
            Stage::AfterResultSelector => &mut p.after_result_selector,
            Stage::AfterResultPath => &mut p.after_result_path,
        };
        *slot = Some(v.clone());
    }

    /// The error a state ran into, in its run's record.
    #[cfg(feature = "pipelines")]
    #[inline(never)]
    pub(crate) fn record_error(&mut self, at: FrameRef, error: &StatesError) {
        if let Some(p) = self.pipeline_mut(at) {
            p.error = Some(error.clone());
        }
    }

    #[cfg(not(feature = "pipelines"))]
    #[inline(always)]
    pub(crate) fn record(&mut self, _: FrameRef, _: Stage, _: &Value) {}

    #[cfg(not(feature = "pipelines"))]
    #[inline(always)]
    pub(crate) fn record_error(&mut self, _: FrameRef, _: &StatesError) {}

    /// The value a state hands on and what it assigns, as its run's last stages.
    #[cfg(feature = "pipelines")]
    #[inline(never)]
    pub(crate) fn record_output(&mut self, at: FrameRef, output: &Value, assign: Option<&Map>) {
        if !self.config.record_pipelines {
            return;
        }
        if let Some(p) = self.pipeline_mut(at) {
            p.output = Some(output.clone());
            p.assigned = assign.cloned();
        }
    }

    #[cfg(not(feature = "pipelines"))]
    #[inline(always)]
    pub(crate) fn record_output(&mut self, _: FrameRef, _: &Value, _: Option<&Map>) {}

    /// JSONPath: InputPath. JSONata: the raw input. (Values share their contents, so handing
    /// the raw input on copies nothing.)
    pub(crate) fn effective_input(&mut self, at: FrameRef, st: &State) -> Res<Value> {
        let input = self.frame(at).state_input.clone();
        if st.is_jsonata() {
            return Ok(input);
        }
        let eff = self.apply_path(at, &st.common.input_path, input)?;
        self.record(at, Stage::AfterInputPath, &eff);
        Ok(eff)
    }

    /// Parameters (JSONPath) or Arguments (JSONata) of a Pass, Task or Parallel state; without them, the
    /// effective input.
    pub(crate) fn parameters_stage(&mut self, at: FrameRef, st: &State, eff: &Value) -> Res<Value> {
        let params = if st.is_jsonata() {
            match &st.common.arguments {
                Some(a) => {
                    self.jsonata_eval(at, None, None, |j, rng| j.template(a, "Arguments", rng))?
                }
                None => eff.clone(),
            }
        } else {
            match &st.common.parameters {
                Some(p) => self.scope_eval(at, eff, None, p.reads_context, |s, rng| {
                    dataflow::template(p, s, rng)
                })?,
                None => eff.clone(),
            }
        };
        self.record(at, Stage::AfterParameters, &params);
        Ok(params)
    }

    /// InputPath or OutputPath applied to `value` (an identity path hands it on untouched).
    pub(crate) fn apply_path(
        &mut self,
        at: FrameRef,
        field: &stepwise_asl::model::PathField,
        value: Value,
    ) -> Res<Value> {
        if dataflow::is_identity(field) {
            return Ok(value);
        }
        self.scope_eval(at, &value, None, path_reads_context(field), |s, _| {
            dataflow::select(field, s)
        })
    }

    /// ResultPath + OutputPath (JSONPath) or Output (JSONata), then Assign: what a state hands on.
    pub(crate) fn finish_output(
        &mut self,
        at: FrameRef,
        st: &State,
        result: Value,
    ) -> Res<(Value, Option<Map>)> {
        self.record(at, Stage::ResultUnlessRecorded, &result);
        if st.is_jsonata() {
            let (out, assign) = self.jsonata_eval(at, Some(&result), None, |j, rng| {
                let out = match &st.common.output {
                    Some(o) => j.template(o, "Output", rng)?,
                    None => result.clone(),
                };
                let assign = st
                    .common
                    .assign
                    .as_ref()
                    .map(|a| j.assign(a, rng))
                    .transpose()?;
                Ok::<_, StatesError>((out, assign))
            })?;
            return Ok((out, assign));
        }
        let assign = match &st.common.assign {
            Some(a) => Some(
                self.scope_eval(at, &result, None, a.reads_context, |s, rng| {
                    dataflow::assign_jsonpath(a, s, rng)
                })?,
            ),
            None => None,
        };
        // The raw input is needed only when the result goes inside it or replaces nothing.
        let raw = match st.common.result_path {
            stepwise_asl::model::ResultPathField::Default => Value::Null,
            _ => self.frame(at).state_input.clone(),
        };
        let combined = dataflow::apply_result_path(&st.common.result_path, raw, result)?;
        self.record(at, Stage::AfterResultPath, &combined);
        let out = self.apply_path(at, &st.common.output_path, combined)?;
        Ok((out, assign))
    }

    /// Output and Assign of a state that produces no result of its own (Choice, Wait): JSONata
    /// templates over `$states.input`, or OutputPath and a JSONPath Assign over the effective input.
    pub(crate) fn without_result(
        &mut self,
        at: FrameRef,
        st: &State,
        eff: Value,
        output: Option<&Value>,
        assign: Option<&Template>,
    ) -> Res<(Value, Option<Map>)> {
        if st.is_jsonata() {
            return self.jsonata_eval(at, None, None, |j, rng| {
                let out = match output {
                    Some(o) => j.template(o, "Output", rng)?,
                    None => eff,
                };
                let assign = assign.map(|a| j.assign(a, rng)).transpose()?;
                Ok((out, assign))
            });
        }
        let assigned = match assign {
            Some(a) => Some(self.scope_eval(at, &eff, None, a.reads_context, |s, rng| {
                dataflow::assign_jsonpath(a, s, rng)
            })?),
            None => None,
        };
        self.note_passthrough(at, st);
        Ok((self.apply_path(at, &st.common.output_path, eff)?, assigned))
    }

    /// A JSONPath state whose InputPath and OutputPath are both `$` outputs exactly its input.
    pub(crate) fn note_passthrough(&mut self, at: FrameRef, st: &State) {
        if dataflow::is_identity(&st.common.input_path)
            && dataflow::is_identity(&st.common.output_path)
        {
            self.frame_mut(at).cache.output_is_input = true;
        }
    }

    /// ResultSelector, then ResultPath/OutputPath or Output, then Assign.
    pub(crate) fn after_result(
        &mut self,
        at: FrameRef,
        st: &State,
        result: Value,
    ) -> Res<(Value, Option<Map>)> {
        self.record(at, Stage::Result, &result);
        let selected = match (&st.common.result_selector, st.is_jsonata()) {
            (Some(rs), false) => {
                self.scope_eval(at, &result, None, rs.reads_context, |s, rng| {
                    dataflow::template(rs, s, rng)
                })?
            }
            _ => result,
        };
        if !st.is_jsonata() {
            self.record(at, Stage::AfterResultSelector, &selected);
        }
        self.finish_output(at, st, selected)
    }

    /// A number from a literal, a `…Path` or a JSONata expression.
    pub(crate) fn dynamic_value(
        &mut self,
        at: FrameRef,
        d: &Dynamic,
        field: &str,
        input: &Value,
    ) -> Res<Value> {
        match d {
            Dynamic::Literal(v) => Ok(v.clone()),
            Dynamic::Expression(text) => {
                let v = Value::String(text.clone());
                self.jsonata_eval(at, None, None, |j, rng| j.value(&v, field, rng))
            }
            Dynamic::Path(p) => {
                self.scope_eval(at, input, None, p.reads_context(), |s, _| {
                    p.try_select_cow(s).map(|v| v.map(std::borrow::Cow::into_owned))
                })?
                .ok_or_else(|| {
                    StatesError::runtime(format!(
                        "The JSONPath '{}' specified for the field '{field}Path' could not be found in the input '{}'",
                        p.text(),
                        input
                    ))
                })
            }
            Dynamic::Intrinsic(call) => {
                let path_field = format!("{field}Path");
                let reads_context = call.text().contains("$$");
                self.scope_eval(at, input, None, reads_context, |s, rng| call.evaluate_in_field(Some(&path_field), s, rng))
            }
        }
    }
}
