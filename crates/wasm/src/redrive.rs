//! The JS method `redriveExecution`, with AWS's name and shapes: it restarts a failed, timed
//! out or aborted execution from its unsuccessful states (`stepwise_engine::redrive` does the
//! work) and answers `{ redriveDate }`.

use crate::convert::{request, to_js};
use crate::{api, Stepwise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
impl Stepwise {
    /// Redrives an execution: `ExecutionNotRedrivable` (with AWS's reason) when it succeeded,
    /// still runs, stopped more than 14 days ago or ran an Express machine. The same
    /// `clientToken` within 15 minutes answers the same redrive again.
    #[wasm_bindgen(js_name = redriveExecution, unchecked_return_type = "RedriveExecutionOutput")]
    pub fn redrive_execution(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RedriveExecutionInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "redriveExecution")?;
        let (arn, token) = (req.required("executionArn")?, req.string("clientToken")?);
        let mut engine = self.engine.borrow_mut();
        to_js(&api(engine.redrive_execution(&arn, token.as_deref()))?)
    }
}
