//! The JS methods for state machine versions and aliases, with AWS's names and camelCase
//! shapes: `publishStateMachineVersion`, `listStateMachineVersions`,
//! `deleteStateMachineVersion`, `create/update/describe/list/deleteStateMachineAlias` and
//! `describeStateMachineForExecution`. The engine (`stepwise_engine::versions`) does the work.

use crate::convert::{self, request, to_js, Kind, Request};
use crate::{api, Stepwise};
use serde_json::{json, Value};
use stepwise_engine::clock::iso8601;
use stepwise_engine::versions::{Route, Updated};
use wasm_bindgen::prelude::*;

/// A `routingConfiguration`: `[{ stateMachineVersionArn, weight }]`, one or two routes.
fn routes(req: &Request) -> Result<Option<Vec<Route>>, JsValue> {
    let Some(list) = req.objects("routingConfiguration")? else {
        return Ok(None);
    };
    let mut routes = Vec::with_capacity(list.len());
    for (i, route) in list.iter().enumerate() {
        let at = format!("routingConfiguration[{i}]");
        let arn = req.member(route, &at, "stateMachineVersionArn", Kind::String)?;
        let weight = req.member(route, &at, "weight", Kind::Integer)?;
        routes.push(Route {
            version_arn: arn
                .and_then(Value::as_str)
                .ok_or_else(|| req.missing(&format!("{at}.stateMachineVersionArn")))?
                .to_owned(),
            weight: weight
                .and_then(Value::as_i64)
                .ok_or_else(|| req.missing(&format!("{at}.weight")))?,
        });
    }
    Ok(Some(routes))
}

/// UpdateStateMachine's answer: `updateDate`, and `revisionId` / `stateMachineVersionArn` when
/// there are.
pub(crate) fn update_answer(now: i64, updated: &Updated) -> serde_json::Value {
    let mut out = json!({ "updateDate": iso8601(now) });
    if let Some(r) = &updated.revision_id {
        out["revisionId"] = json!(r);
    }
    if let Some(v) = &updated.version_arn {
        out["stateMachineVersionArn"] = json!(v);
    }
    out
}

#[wasm_bindgen]
impl Stepwise {
    /// Publishes the machine's current revision as a version (or answers the version that
    /// already has it). `revisionId` (`"INITIAL"` before the first update) guards against
    /// publishing a revision other than the one expected.
    #[wasm_bindgen(js_name = publishStateMachineVersion, unchecked_return_type = "PublishStateMachineVersionOutput")]
    pub fn publish_state_machine_version(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "PublishStateMachineVersionInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "publishStateMachineVersion")?;
        let machine = req.required("stateMachineArn")?;
        let revision = req.string("revisionId")?;
        let description = req.string("description")?;
        let mut engine = self.engine.borrow_mut();
        let (arn, created) = api(engine.publish_state_machine_version(
            &machine,
            revision.as_deref(),
            description.as_deref(),
        ))?;
        to_js(&json!({"creationDate": iso8601(created), "stateMachineVersionArn": arn}))
    }

    /// The machine's versions, newest first.
    #[wasm_bindgen(js_name = listStateMachineVersions, unchecked_return_type = "ListStateMachineVersionsOutput")]
    pub fn list_state_machine_versions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListStateMachineVersionsInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let arn = request(input, "listStateMachineVersions")?.required("stateMachineArn")?;
        let engine = self.engine.borrow();
        to_js(&api(engine.list_state_machine_versions(&arn))?)
    }

    /// Deletes a version; `ConflictException` while an alias routes to it.
    #[wasm_bindgen(js_name = deleteStateMachineVersion, unchecked_return_type = "{}")]
    pub fn delete_state_machine_version(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "DeleteStateMachineVersionInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let arn =
            request(input, "deleteStateMachineVersion")?.required("stateMachineVersionArn")?;
        let mut engine = self.engine.borrow_mut();
        api(engine.delete_state_machine_version(&arn))?;
        Ok(convert::empty())
    }

    /// Creates an alias routing to one or two versions of one machine (weights adding up to 100).
    #[wasm_bindgen(js_name = createStateMachineAlias, unchecked_return_type = "CreateStateMachineAliasOutput")]
    pub fn create_state_machine_alias(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CreateStateMachineAliasInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "createStateMachineAlias")?;
        let name = req.required("name")?;
        let description = req.string("description")?;
        let routing = routes(&req)?.ok_or_else(|| req.missing("routingConfiguration"))?;
        let mut engine = self.engine.borrow_mut();
        to_js(&api(engine.create_state_machine_alias(
            &name,
            description.as_deref(),
            &routing,
        ))?)
    }

    #[wasm_bindgen(js_name = updateStateMachineAlias, unchecked_return_type = "UpdateStateMachineAliasOutput")]
    pub fn update_state_machine_alias(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "UpdateStateMachineAliasInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req = request(input, "updateStateMachineAlias")?;
        let arn = req.required("stateMachineAliasArn")?;
        let description = req.string("description")?;
        let routing = routes(&req)?;
        let mut engine = self.engine.borrow_mut();
        to_js(&api(engine.update_state_machine_alias(
            &arn,
            description.as_deref(),
            routing.as_deref(),
        ))?)
    }

    #[wasm_bindgen(js_name = describeStateMachineAlias, unchecked_return_type = "DescribeStateMachineAliasOutput")]
    pub fn describe_state_machine_alias(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StateMachineAliasRef")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let arn = request(input, "describeStateMachineAlias")?.required("stateMachineAliasArn")?;
        let engine = self.engine.borrow();
        to_js(&api(engine.describe_state_machine_alias(&arn))?)
    }

    /// The aliases of a machine, or (given a version ARN) those routing to that version; newest
    /// first.
    #[wasm_bindgen(js_name = listStateMachineAliases, unchecked_return_type = "ListStateMachineAliasesOutput")]
    pub fn list_state_machine_aliases(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListStateMachineAliasesInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let arn = request(input, "listStateMachineAliases")?.required("stateMachineArn")?;
        let engine = self.engine.borrow();
        to_js(&api(engine.list_state_machine_aliases(&arn))?)
    }

    #[wasm_bindgen(js_name = deleteStateMachineAlias, unchecked_return_type = "{}")]
    pub fn delete_state_machine_alias(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "StateMachineAliasRef")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let arn = request(input, "deleteStateMachineAlias")?.required("stateMachineAliasArn")?;
        let mut engine = self.engine.borrow_mut();
        api(engine.delete_state_machine_alias(&arn))?;
        Ok(convert::empty())
    }

    /// The definition an execution runs (its version's, or the revision it started with).
    #[wasm_bindgen(js_name = describeStateMachineForExecution, unchecked_return_type = "DescribeStateMachineForExecutionOutput")]
    pub fn describe_state_machine_for_execution(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ExecutionRef")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let arn = request(input, "describeStateMachineForExecution")?.required("executionArn")?;
        let engine = self.engine.borrow();
        to_js(&api(engine.describe_state_machine_for_execution(&arn))?)
    }
}
