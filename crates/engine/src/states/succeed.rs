//! The Succeed state: ends its branch, iteration or execution with its (filtered) input.

use crate::engine::Engine;
use crate::execution::FrameRef;
use crate::run::Res;
use stepwise_asl::model::{State, Transition};

impl Engine {
    pub(crate) fn start_succeed(&mut self, at: FrameRef, st: &State) -> Res<()> {
        let eff = self.effective_input(at, st)?;
        let out = if st.is_jsonata() {
            match &st.common.output {
                Some(o) => {
                    self.jsonata_eval(at, None, None, |j, rng| j.template(o, "Output", rng))?
                }
                None => eff,
            }
        } else {
            self.note_passthrough(at, st);
            self.apply_path(at, &st.common.output_path, eff)?
        };
        self.go_exit(at, out, Transition::End, None);
        Ok(())
    }
}
