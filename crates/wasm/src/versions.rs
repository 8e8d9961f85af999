//! The JS methods for state machine versions and aliases, with AWS's names and camelCase
//! shapes: `publishStateMachineVersion`, `listStateMachineVersions`,
//! `deleteStateMachineVersion`, `create/update/describe/list/deleteStateMachineAlias` and
//! `describeStateMachineForExecution`. The engine (`stepwise_engine::versions`) does the work.

use crate::convert::{self, request, to_js};
use crate::{api, Stepwise};
use serde::Deserialize;
use serde_json::json;
use stepwise_engine::clock::iso8601;
use stepwise_engine::versions::{Route, Updated};
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PublishVersion {
    state_machine_arn: String,
    revision_id: Option<String>,
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VersionRef {
    state_machine_version_arn: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RouteIn {
    state_machine_version_arn: String,
    weight: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateAlias {
    name: String,
    description: Option<String>,
    routing_configuration: Vec<RouteIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateAlias {
    state_machine_alias_arn: String,
    description: Option<String>,
    routing_configuration: Option<Vec<RouteIn>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AliasRef {
    state_machine_alias_arn: String,
}

fn routes(list: Vec<RouteIn>) -> Vec<Route> {
    list.into_iter()
        .map(|r| Route {
            version_arn: r.state_machine_version_arn,
            weight: r.weight,
        })
        .collect()
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
        let req: PublishVersion = request(input, "publishStateMachineVersion")?;
        let mut engine = self.engine.borrow_mut();
        let (arn, created) = api(engine.publish_state_machine_version(
            &req.state_machine_arn,
            req.revision_id.as_deref(),
            req.description.as_deref(),
        ))?;
        to_js(&json!({"creationDate": iso8601(created), "stateMachineVersionArn": arn}))
    }

    /// The machine's versions, newest first.
    #[wasm_bindgen(js_name = listStateMachineVersions, unchecked_return_type = "ListStateMachineVersionsOutput")]
    pub fn list_state_machine_versions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListStateMachineVersionsInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: convert::StateMachineRef = request(input, "listStateMachineVersions")?;
        let engine = self.engine.borrow();
        to_js(&api(
            engine.list_state_machine_versions(&req.state_machine_arn)
        )?)
    }

    /// Deletes a version; `ConflictException` while an alias routes to it.
    #[wasm_bindgen(js_name = deleteStateMachineVersion, unchecked_return_type = "{}")]
    pub fn delete_state_machine_version(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "DeleteStateMachineVersionInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: VersionRef = request(input, "deleteStateMachineVersion")?;
        let mut engine = self.engine.borrow_mut();
        api(engine.delete_state_machine_version(&req.state_machine_version_arn))?;
        Ok(convert::empty())
    }

    /// Creates an alias routing to one or two versions of one machine (weights adding up to 100).
    #[wasm_bindgen(js_name = createStateMachineAlias, unchecked_return_type = "CreateStateMachineAliasOutput")]
    pub fn create_state_machine_alias(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "CreateStateMachineAliasInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: CreateAlias = request(input, "createStateMachineAlias")?;
        let mut engine = self.engine.borrow_mut();
        to_js(&api(engine.create_state_machine_alias(
            &req.name,
            req.description.as_deref(),
            &routes(req.routing_configuration),
        ))?)
    }

    #[wasm_bindgen(js_name = updateStateMachineAlias, unchecked_return_type = "UpdateStateMachineAliasOutput")]
    pub fn update_state_machine_alias(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "UpdateStateMachineAliasInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: UpdateAlias = request(input, "updateStateMachineAlias")?;
        let mut engine = self.engine.borrow_mut();
        let routing = req.routing_configuration.map(routes);
        to_js(&api(engine.update_state_machine_alias(
            &req.state_machine_alias_arn,
            req.description.as_deref(),
            routing.as_deref(),
        ))?)
    }

    #[wasm_bindgen(js_name = describeStateMachineAlias, unchecked_return_type = "DescribeStateMachineAliasOutput")]
    pub fn describe_state_machine_alias(
        &self,
        #[wasm_bindgen(unchecked_param_type = "StateMachineAliasRef")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: AliasRef = request(input, "describeStateMachineAlias")?;
        let engine = self.engine.borrow();
        to_js(&api(
            engine.describe_state_machine_alias(&req.state_machine_alias_arn)
        )?)
    }

    /// The aliases of a machine, or (given a version ARN) those routing to that version; newest
    /// first.
    #[wasm_bindgen(js_name = listStateMachineAliases, unchecked_return_type = "ListStateMachineAliasesOutput")]
    pub fn list_state_machine_aliases(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListStateMachineAliasesInput")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: convert::StateMachineRef = request(input, "listStateMachineAliases")?;
        let engine = self.engine.borrow();
        to_js(&api(
            engine.list_state_machine_aliases(&req.state_machine_arn)
        )?)
    }

    #[wasm_bindgen(js_name = deleteStateMachineAlias, unchecked_return_type = "{}")]
    pub fn delete_state_machine_alias(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "StateMachineAliasRef")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: AliasRef = request(input, "deleteStateMachineAlias")?;
        let mut engine = self.engine.borrow_mut();
        api(engine.delete_state_machine_alias(&req.state_machine_alias_arn))?;
        Ok(convert::empty())
    }

    /// The definition an execution runs (its version's, or the revision it started with).
    #[wasm_bindgen(js_name = describeStateMachineForExecution, unchecked_return_type = "DescribeStateMachineForExecutionOutput")]
    pub fn describe_state_machine_for_execution(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ExecutionRef")] input: JsValue,
    ) -> Result<JsValue, JsValue> {
        let req: convert::ExecutionRef = request(input, "describeStateMachineForExecution")?;
        let engine = self.engine.borrow();
        to_js(&api(
            engine.describe_state_machine_for_execution(&req.execution_arn)
        )?)
    }
}
