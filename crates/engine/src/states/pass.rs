//! The Pass state: hands on its input, its `Result` or its `Parameters`, through the usual
//! output stages.

use crate::engine::Engine;
use crate::execution::FrameRef;
use crate::run::Res;
use stepwise_asl::model::State;
use stepwise_json::Value;

impl Engine {
    pub(crate) fn start_pass(
        &mut self,
        at: FrameRef,
        st: &State,
        result: Option<&Value>,
    ) -> Res<()> {
        let eff = self.effective_input(at, st)?;
        let value = if st.is_jsonata() {
            eff
        } else if let Some(r) = result {
            r.clone()
        } else {
            self.parameters_stage(at, st, &eff)?
        };
        let (out, assign) = self.finish_output(at, st, value)?;
        self.go_exit(at, out, Self::transition_of(st), assign);
        Ok(())
    }
}
