//! The Pass state: hands on its input, its `Result` or its `Parameters`, through the usual
//! output stages.

use crate::engine::Engine;
use crate::run::Res;
use stepwise_asl::model::State;
use stepwise_json::Value;

impl Engine {
    pub(crate) fn start_pass(
        &mut self,
        exec: usize,
        frame: usize,
        st: &State,
        result: Option<&Value>,
    ) -> Res<()> {
        let eff = self.effective_input(exec, frame, st)?;
        let value = if st.is_jsonata() {
            eff
        } else if let Some(r) = result {
            r.clone()
        } else {
            self.parameters_stage(exec, frame, st, &eff)?
        };
        let (out, assign) = self.finish_output(exec, frame, st, value)?;
        self.go_exit(exec, frame, out, Self::transition_of(st), assign);
        Ok(())
    }
}
