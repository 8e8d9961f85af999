//! What an expression in a state sees: the context object (`$$`), the JSONPath scope (input,
//! context, variables) and JSONata's `$states`.

use crate::dataflow::{states_value, Jsonata};
use crate::engine::Engine;
use crate::execution::{state_at, FrameRef};
use stepwise_asl::model::Kind;
use stepwise_asl::scope::{Random, Scope};
use stepwise_json::{json, Map, Value};

impl Engine {
    /// The context object (`$$`) of a frame's current state, with the parts the state can read
    /// (all of them unless its definition names only particular leaves).
    pub(crate) fn context(&self, at: FrameRef, item: Option<(usize, &Value)>) -> Value {
        use stepwise_asl::model::ContextField as F;
        let e = &self.executions[at.exec];
        let f = &e.frames[at.frame];
        // Read while the state's step runs, after `Engine::current` found it.
        let Some(st) = state_at(&e.definition, f) else {
            return Value::Null;
        };
        if !st.uses_context() {
            return Value::Null;
        }
        if let Some(given) = &e.given_context {
            // TestState's context, as given; a Map still hands each item to its ItemSelector.
            return match (given, item) {
                (Value::Object(m), Some((i, v))) if st.context_fields.has(F::MapItem) => {
                    let mut m = m.clone();
                    m.insert("Map".into(), json!({"Item": {"Index": i, "Value": v}}));
                    Value::Object(m)
                }
                _ => given.clone(),
            };
        }
        let need = st.context_fields;
        // Keys are inserted in AWS's order, so that `$$` or `$$.Execution` read whole print as AWS's do.
        let part = |leaves: &[(bool, &str, &dyn Fn() -> Value)]| -> Option<Value> {
            let m: Map = leaves
                .iter()
                .filter(|(wanted, ..)| *wanted)
                .map(|(_, key, value)| (stepwise_json::Key::from(*key), value()))
                .collect();
            (!m.is_empty()).then_some(Value::Object(m))
        };
        let execution = part(&[
            (need.has(F::ExecutionId), "Id", &|| json!(e.arn)),
            (need.has(F::ExecutionInput), "Input", &|| e.input.clone()),
            (need.has(F::ExecutionStartTime), "StartTime", &|| {
                json!(crate::clock::iso8601(e.start_millis))
            }),
            (need.has(F::ExecutionName), "Name", &|| json!(e.name)),
            (need.has(F::ExecutionRoleArn), "RoleArn", &|| {
                json!(self.config.role_arn)
            }),
            (need.has(F::ExecutionRedriveCount), "RedriveCount", &|| {
                json!(e.redrive_count)
            }),
            // AWS: only once the execution was redriven.
            (
                need.has(F::ExecutionRedriveTime) && e.redrive_millis.is_some(),
                "RedriveTime",
                &|| json!(e.redrive_millis.map(crate::clock::iso8601)),
            ),
        ]);
        let machine = part(&[
            (need.has(F::StateMachineId), "Id", &|| json!(e.machine_arn)),
            (need.has(F::StateMachineName), "Name", &|| {
                json!(e.machine_name)
            }),
        ]);
        let state = part(&[
            (need.has(F::StateName), "Name", &|| {
                Value::String(st.name.to_string())
            }),
            (need.has(F::StateEnteredTime), "EnteredTime", &|| {
                json!(crate::clock::iso8601(f.entered_millis))
            }),
            (
                matches!(st.kind, Kind::Task(_)) && need.has(F::StateRetryCount),
                "RetryCount",
                &|| json!(f.retry_count),
            ),
        ]);
        let mut ctx = Map::new();
        for (key, value) in [
            ("Execution", execution),
            ("StateMachine", machine),
            ("State", state),
        ] {
            if let Some(v) = value {
                ctx.insert(key.into(), v);
            }
        }
        if need.has(F::TaskToken) {
            if let Some(t) = f.task.as_ref().and_then(|t| t.token.as_ref()) {
                ctx.insert("Task".into(), json!({ "Token": t }));
            }
        }
        if let (true, Some((i, v))) = (need.has(F::MapItem), item) {
            ctx.insert("Map".into(), json!({"Item": {"Index": i, "Value": v}}));
        }
        Value::Object(ctx)
    }

    /// Evaluates JSONPath-mode work over `input`; `reads_context` says whether it may read `$$`
    /// (building the context object is a good part of a transition's cost).
    pub(crate) fn scope_eval<T>(
        &mut self,
        at: FrameRef,
        input: &Value,
        item: Option<(usize, &Value)>,
        reads_context: bool,
        f: impl FnOnce(&Scope, &mut dyn Random) -> T,
    ) -> T {
        let ctx = if reads_context {
            self.context(at, item)
        } else {
            Value::Null
        };
        let vars = std::mem::take(&mut self.frame_mut(at).vars);
        let out = {
            let scope = Scope {
                input,
                context: &ctx,
                vars: &vars,
            };
            f(&scope, &mut self.rng)
        };
        self.frame_mut(at).vars = vars;
        out
    }

    pub(crate) fn jsonata_eval<T>(
        &mut self,
        at: FrameRef,
        result: Option<&Value>,
        error_output: Option<&Value>,
        f: impl FnOnce(&Jsonata, &mut dyn Random) -> T,
    ) -> T {
        let ctx = self.context(at, None);
        let input = self.frame(at).state_input.clone();
        let states = states_value(input, ctx, result, error_output);
        let vars = std::mem::take(&mut self.frame_mut(at).vars);
        let out = {
            let j = Jsonata {
                states: &states,
                vars: &vars,
                now_millis: self.now,
            };
            f(&j, &mut self.rng)
        };
        self.frame_mut(at).vars = vars;
        out
    }
}
