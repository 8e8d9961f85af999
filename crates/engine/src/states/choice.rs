//! The Choice state: the first rule (JSONPath) or Condition (JSONata) that holds picks the next
//! state; else `Default`, else `States.NoChoiceMatched`.

use crate::engine::Engine;
use crate::execution::FrameRef;
use crate::run::Res;
use stepwise_asl::error::names;
use stepwise_asl::model::{Choice, State, Transition};
use stepwise_asl::StatesError;
use stepwise_json::Value;

impl Engine {
    pub(crate) fn start_choice(&mut self, at: FrameRef, st: &State, choice: &Choice) -> Res<()> {
        let eff = self.effective_input(at, st)?;
        let mut chosen = None;
        for (i, branch) in choice.choices.iter().enumerate() {
            let hit = match &branch.rule {
                stepwise_asl::model::ChoiceCondition::Rule(r) => {
                    self.scope_eval(at, &eff, None, st.uses_context(), |s, _| r.evaluate(s))?
                }
                stepwise_asl::model::ChoiceCondition::Jsonata(c) => {
                    let v =
                        self.jsonata_eval(at, None, None, |j, rng| j.value(c, "Condition", rng))?;
                    match v {
                        Value::Bool(b) => b,
                        other => {
                            return Err(StatesError::new(
                                names::QUERY_EVALUATION_ERROR,
                                format!(
                                "The Condition field evaluated to {other}, which is not a boolean."
                            ),
                            ))
                        }
                    }
                }
            };
            if hit {
                chosen = Some(i);
                break;
            }
        }
        let (next, output_tpl, assign_tpl) = match chosen {
            Some(i) => {
                let b = &choice.choices[i];
                (
                    b.next.clone(),
                    b.output.as_ref().or(st.common.output.as_ref()),
                    b.assign.as_ref().or(st.common.assign.as_ref()),
                )
            }
            None => match &choice.default {
                Some(d) => (
                    d.clone(),
                    st.common.output.as_ref(),
                    st.common.assign.as_ref(),
                ),
                None => return Err(StatesError::without_cause(names::NO_CHOICE_MATCHED)),
            },
        };
        let (out, assign) = self.without_result(at, st, eff, output_tpl, assign_tpl)?;
        self.go_exit(at, out, Transition::Next(next), assign);
        Ok(())
    }
}
