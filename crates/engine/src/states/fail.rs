//! The Fail state: ends its branch, iteration or execution with an error and cause, literal,
//! from a path, an intrinsic or a JSONata expression.

use crate::engine::Engine;
use crate::execution::{FrameRef, Phase};
use crate::run::Res;
use stepwise_asl::model::{Dynamic, Fail};
use stepwise_asl::StatesError;
use stepwise_json::Value;

impl Engine {
    pub(crate) fn start_fail(&mut self, at: FrameRef, fail: &Fail) -> Res<()> {
        let input = self.frame(at).state_input.clone();
        let field = |this: &mut Self, d: &Option<Dynamic>, name: &str| -> Res<Option<String>> {
            let Some(d) = d else { return Ok(None) };
            let v = this.dynamic_value(at, d, name, &input)?;
            match v {
                Value::String(s) => Ok(Some(s)),
                Value::Null => Ok(None),
                other => Ok(Some(other.to_string())),
            }
        };
        let error = field(self, &fail.error, "Error")?;
        let cause = field(self, &fail.cause, "Cause")?;
        let e = StatesError {
            error: error.unwrap_or_default(),
            cause,
        };
        self.record_error(at, &e);
        self.frame_mut(at).phase = Phase::Finish(Err(e));
        self.schedule(at);
        Ok(())
    }
}
