//! The Succeed state: ends its branch, iteration or execution with its (filtered) input.

use crate::engine::Engine;
use crate::run::Res;
use stepwise_asl::model::{State, Transition};

impl Engine {
    pub(crate) fn start_succeed(&mut self, exec: usize, frame: usize, st: &State) -> Res<()> {
        let eff = self.effective_input(exec, frame, st)?;
        let out = if st.is_jsonata() {
            match &st.common.output {
                Some(o) => self.jsonata_eval(exec, frame, None, None, |j, rng| {
                    j.template(o, "Output", rng)
                })?,
                None => eff,
            }
        } else {
            self.note_passthrough(exec, frame, st);
            self.apply_path(exec, frame, &st.common.output_path, eff)?
        };
        self.go_exit(exec, frame, out, Transition::End, None);
        Ok(())
    }
}
