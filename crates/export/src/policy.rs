//! Least-privilege execution-role statements derived from a definition's Task states.
//!
//! The rules follow the AWS Step Functions guide, "How Step Functions generates IAM policies for
//! integrated services" and the per-service pages it links (Step Functions, Lambda, SQS, SNS,
//! DynamoDB, Distributed Map). Static resources are scoped to the resource the state names;
//! anything the definition only knows at run time (`.$` parameters, JSONata `{% %}` values,
//! integrations this module does not model) lands in a statement whose Sid starts with
//! `TodoReviewPermissions`, with a note saying which state needs it and why.

use serde_json::{json, Value};
use stepwise_asl::arn::{Integration, Pattern};
use stepwise_asl::model::{Definition, Kind, MapState, State, States, Task};
use stepwise_asl::query::is_expression;
use stepwise_json::Value as AslValue;

use crate::arn::{parse_arn, policy_arn, state_machine_name, Part};

/// The rule Step Functions manages for `.sync` child executions (documented name).
const SYNC_RULE: &str = "rule/StepFunctionsGetEventsForStepFunctionsExecutionRule";

pub struct Context<'a> {
    /// Names of all machines in the workspace: they deploy into the stack's region/account.
    pub workspace: &'a [String],
    /// The machine whose definition is being walked.
    pub machine: &'a str,
    pub source_region: &'a str,
    pub source_account: &'a str,
    pub rewrite_placeholders: bool,
}

impl Context<'_> {
    fn region<'b>(&self, r: &'b str) -> Part<'b> {
        if r.is_empty() || (self.rewrite_placeholders && r == self.source_region) {
            Part::Stack
        } else {
            Part::Literal(r)
        }
    }

    fn account<'b>(&self, a: &'b str) -> Part<'b> {
        if a.is_empty() || (self.rewrite_placeholders && a == self.source_account) {
            Part::Stack
        } else {
            Part::Literal(a)
        }
    }

    fn in_workspace(&self, name: &str) -> bool {
        self.workspace.iter().any(|m| m == name)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub actions: Vec<String>,
    pub resources: Vec<Value>,
    /// Versions and aliases (`states:StateMachineQualifier`) the statement is limited to; empty
    /// for a statement without that condition.
    pub qualifiers: Vec<String>,
}

/// What a definition needs: the statements it can justify, the ones to review, and notes.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Derived {
    pub statements: Vec<Statement>,
    pub todo: Vec<Statement>,
    pub notes: Vec<String>,
}

impl Derived {
    fn add(list: &mut Vec<Statement>, actions: &[&str], resource: Value) {
        let actions: Vec<String> = actions.iter().map(|a| a.to_string()).collect();
        if let Some(st) = list.iter_mut().find(|s| s.actions == actions) {
            if !st.resources.contains(&resource) {
                st.resources.push(resource);
            }
        } else {
            list.push(Statement {
                actions,
                resources: vec![resource],
                qualifiers: Vec::new(),
            });
        }
    }

    /// Allows `actions` on one machine only for the given version or alias. AWS authorizes
    /// version and alias calls against the unqualified machine ARN and scopes them with the
    /// `states:StateMachineQualifier` condition key ("Authorization for versions and aliases"),
    /// so each qualified machine gets a statement of its own listing its qualifiers.
    fn allow_qualified(&mut self, actions: &[&str], machine: Value, qualifier: &str) {
        let actions: Vec<String> = actions.iter().map(|a| a.to_string()).collect();
        let same = |s: &&mut Statement| {
            s.actions == actions && !s.qualifiers.is_empty() && s.resources == [machine.clone()]
        };
        if let Some(st) = self.statements.iter_mut().find(same) {
            if !st.qualifiers.iter().any(|q| q == qualifier) {
                st.qualifiers.push(qualifier.to_owned());
            }
        } else {
            self.statements.push(Statement {
                actions,
                resources: vec![machine],
                qualifiers: vec![qualifier.to_owned()],
            });
        }
    }

    fn allow(&mut self, actions: &[&str], resource: Value) {
        Self::add(&mut self.statements, actions, resource);
    }

    fn review(&mut self, actions: &[&str], resource: Value, note: String) {
        Self::add(&mut self.todo, actions, resource);
        self.note(note);
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// IAM policy statements: derived ones first, then the marked TODO ones. Sids must be
    /// unique within a policy, hence the counter on the TODO ones after the first.
    pub fn policy_statements(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for st in &self.statements {
            let mut s = json!({"Effect": "Allow", "Action": st.actions, "Resource": st.resources});
            if !st.qualifiers.is_empty() {
                s["Condition"] =
                    json!({"StringEquals": {"states:StateMachineQualifier": st.qualifiers}});
            }
            out.push(s);
        }
        for (i, st) in self.todo.iter().enumerate() {
            let sid = if i == 0 {
                "TodoReviewPermissions".to_string()
            } else {
                format!("TodoReviewPermissions{}", i + 1)
            };
            out.push(json!({
                "Sid": sid, "Effect": "Allow", "Action": st.actions, "Resource": st.resources
            }));
        }
        out
    }
}

/// Reads the definition into the ASL model once and walks it with [`derive_from`]. A definition
/// the model cannot hold (it would not validate either) is granted nothing: the notes say why.
pub fn derive(definition: &Value, ctx: &Context<'_>) -> Derived {
    match Definition::from_value(&AslValue::from(definition)) {
        Ok(model) => derive_from(&model, ctx),
        Err(e) => {
            let at = if e.pointer.is_empty() {
                String::new()
            } else {
                format!(" at {}", e.pointer)
            };
            let mut out = Derived::default();
            out.note(format!(
                "{}: the definition is not valid ASL ({e}{at}), so no permissions were derived from it; fix it and export again",
                ctx.machine
            ));
            out
        }
    }
}

/// Walks every state of a definition (Parallel branches and Map processors included).
pub fn derive_from(definition: &Definition, ctx: &Context<'_>) -> Derived {
    let mut out = Derived::default();
    walk(&definition.states, "", ctx, &mut out);
    out
}

fn walk(states: &States, prefix: &str, ctx: &Context<'_>, out: &mut Derived) {
    for state in &states.list {
        let path = format!("{prefix}{}", state.name);
        match &state.kind {
            Kind::Task(t) => task(state, t, &path, ctx, out),
            Kind::Parallel(p) => {
                for (i, branch) in p.branches.iter().enumerate() {
                    walk(branch, &format!("{path} > branch {} > ", i + 1), ctx, out);
                }
            }
            Kind::Map(m) => map_state(m, &path, ctx, out),
            _ => {}
        }
    }
}

/// A step's parameters: `Arguments` (JSONata) or `Parameters` (JSONPath), as written.
fn arguments(step: &AslValue) -> Option<&AslValue> {
    step.get("Arguments").or_else(|| step.get("Parameters"))
}

fn map_state(map: &MapState, path: &str, ctx: &Context<'_>, out: &mut Derived) {
    walk(&map.processor, &format!("{path} > "), ctx, out);
    if map.distributed {
        // A Distributed Map runs its iterations as child executions of this very machine.
        let me = ctx.machine;
        out.allow(
            &["states:StartExecution"],
            policy_arn(
                "states",
                Part::Stack,
                Part::Stack,
                &format!("stateMachine:{me}"),
            ),
        );
        out.allow(
            &["states:DescribeExecution", "states:StopExecution"],
            policy_arn(
                "states",
                Part::Stack,
                Part::Stack,
                &format!("execution:{me}/*"),
            ),
        );
    }
    if let Some(reader) = &map.item_reader {
        s3_step(reader, "ItemReader", path, ctx, out);
    }
    if let Some(writer) = &map.result_writer {
        let params = arguments(writer);
        // Documented ResultWriter needs: multipart upload of the result files under the prefix.
        let actions = [
            "s3:PutObject",
            "s3:GetObject",
            "s3:ListMultipartUploadParts",
            "s3:AbortMultipartUpload",
        ];
        let writer_path = format!("{path} (ResultWriter)");
        let prefix = match param(params, "Prefix") {
            Param::Static(p) => format!("{}/", p.trim_end_matches('/')),
            Param::Missing => String::new(),
            Param::Dynamic => "*/".into(),
            Param::Wildcard(p) => {
                out.review(
                    &actions,
                    s3_arn("*"),
                    wildcard_note(ctx.machine, &writer_path, "Prefix", p),
                );
                return;
            }
        };
        match param(params, "Bucket") {
            Param::Static(bucket) => out.allow(&actions, s3_arn(&format!("{bucket}/{prefix}*"))),
            p => out.review(
                &actions,
                s3_arn("*"),
                unscoped_note(ctx.machine, &writer_path, "Bucket", &p),
            ),
        }
    }
}

/// A parameter's value as the definition fixes it, if it does.
enum Param<'a> {
    Static(&'a str),
    /// Fixed, but with an IAM wildcard in it: scoping a grant to it would grant every resource
    /// it matches, so it is treated like a value known only at run time (marked for review).
    Wildcard(&'a str),
    Dynamic,
    Missing,
}

/// IAM reads `*` and `?` in a Resource as wildcards.
fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

fn param<'a>(params: Option<&'a AslValue>, key: &str) -> Param<'a> {
    match params {
        None => Param::Missing,
        Some(AslValue::Object(m)) => match m.get(key) {
            Some(AslValue::String(s)) if !is_expression(s) && has_wildcard(s) => Param::Wildcard(s),
            Some(AslValue::String(s)) if !is_expression(s) => Param::Static(s),
            Some(_) => Param::Dynamic,
            None if m.contains_key(&format!("{key}.$")) => Param::Dynamic,
            None => Param::Missing,
        },
        // `Arguments` as one JSONata expression: every field is dynamic.
        Some(_) => Param::Dynamic,
    }
}

fn task(state: &State, task: &Task, path: &str, ctx: &Context<'_>, out: &mut Derived) {
    let m = ctx.machine;
    if let Some(creds) = &task.credentials {
        credentials(creds, path, ctx, out);
    }
    let resource = task.resource.as_str();
    if is_expression(resource) {
        out.review(
            &["*"],
            json!("*"),
            format!("{m}: Task \"{path}\" has no static Resource; replace the wildcard with what it calls"),
        );
        return;
    }
    let params = state.common.arguments.as_ref().or(state
        .common
        .parameters
        .as_ref()
        .map(|t| &t.raw));
    if has_wildcard(resource) {
        // `aws-sdk:*:*` would otherwise become `*:*` on `*`: refused, the role gets nothing.
        out.note(format!(
            "{m}: Task \"{path}\": Resource {resource} contains an IAM wildcard (* or ?); no permission is granted for it, add what the task really calls"
        ));
        return;
    }
    let Some(arn) = parse_arn(resource) else {
        out.review(
            &["*"],
            json!("*"),
            format!("{m}: Task \"{path}\": unrecognised Resource {resource}"),
        );
        return;
    };
    if let Some(called) = Integration::parse(resource) {
        return integration(&called, params, path, ctx, out);
    }
    match (arn.service, arn.region, arn.account) {
        ("states", _, _) if arn.resource.starts_with("activity:") => {
            // Activity workers poll with their own credentials; the role needs nothing, but the
            // activity itself is not part of the workspace.
            out.note(format!(
                "{m}: Task \"{path}\" waits on {resource}; create that activity (AWS::StepFunctions::Activity) and run a worker for it"
            ));
        }
        ("lambda", region, account) if arn.resource.starts_with("function:") => out.allow(
            &["lambda:InvokeFunction"],
            policy_arn(
                "lambda",
                ctx.region(region),
                ctx.account(account),
                arn.resource,
            ),
        ),
        _ => out.review(
            &["*"],
            json!("*"),
            format!("{m}: Task \"{path}\": no permission rule for Resource {resource}"),
        ),
    }
}

/// `Credentials.RoleArn`: the execution role must be able to assume the target role.
fn credentials(creds: &AslValue, path: &str, ctx: &Context<'_>, out: &mut Derived) {
    match param(Some(creds), "RoleArn") {
        Param::Static(role) => out.allow(&["sts:AssumeRole"], json!(role)),
        Param::Wildcard(role) => out.review(
            &["sts:AssumeRole"],
            json!("*"),
            wildcard_note(ctx.machine, path, "Credentials.RoleArn", role),
        ),
        _ => out.review(
            &["sts:AssumeRole"],
            json!("*"),
            format!(
                "{}: Task \"{path}\" assumes a role chosen at run time",
                ctx.machine
            ),
        ),
    }
}

/// An optimized or SDK integration: `arn:aws:states:::<service>:<action>[.<pattern>]`.
fn integration(
    called: &Integration<'_>,
    params: Option<&AslValue>,
    path: &str,
    ctx: &Context<'_>,
    out: &mut Derived,
) {
    let m = ctx.machine;
    let (service, action) = (called.service(), called.action());
    let sync = matches!(called.pattern, Pattern::Sync | Pattern::Sync2);
    match (service, action) {
        ("lambda", "invoke") => lambda_invoke(params, path, ctx, out),
        ("states", "startExecution") => start_execution(params, sync, path, ctx, out),
        ("sqs", "sendMessage") => match param(params, "QueueUrl") {
            Param::Static(url) => match queue_arn(url, ctx) {
                Some(arn) => out.allow(&["sqs:SendMessage"], arn),
                None => out.review(
                    &["sqs:SendMessage"],
                    json!("*"),
                    format!("{m}: Task \"{path}\": QueueUrl {url} is not an SQS queue URL"),
                ),
            },
            p => out.review(
                &["sqs:SendMessage"],
                json!("*"),
                unscoped_note(m, path, "QueueUrl", &p),
            ),
        },
        ("sns", "publish") => match param(params, "TopicArn") {
            Param::Static(topic) => match parse_arn(topic) {
                Some(a) if a.service == "sns" => out.allow(
                    &["sns:Publish"],
                    policy_arn(
                        "sns",
                        ctx.region(a.region),
                        ctx.account(a.account),
                        a.resource,
                    ),
                ),
                _ => out.review(
                    &["sns:Publish"],
                    json!("*"),
                    format!("{m}: Task \"{path}\": TopicArn {topic} is not an SNS topic ARN"),
                ),
            },
            p @ (Param::Dynamic | Param::Wildcard(_)) => out.review(
                &["sns:Publish"],
                json!("*"),
                unscoped_note(m, path, "TopicArn", &p),
            ),
            // Publishing to TargetArn or PhoneNumber: the AWS guide grants "*" for these.
            Param::Missing => out.review(
                &["sns:Publish"],
                json!("*"),
                format!(
                    "{m}: Task \"{path}\" publishes without a TopicArn (TargetArn or PhoneNumber)"
                ),
            ),
        },
        ("dynamodb", "getItem" | "putItem" | "updateItem" | "deleteItem") => {
            let iam_action = format!("dynamodb:{}", pascal(action));
            match param(params, "TableName") {
                Param::Static(table) => out.allow(&[&iam_action], table_arn(table, ctx)),
                p => out.review(
                    &[&iam_action],
                    policy_arn("dynamodb", Part::Stack, Part::Stack, "table/*"),
                    unscoped_note(m, path, "TableName", &p),
                ),
            }
        }
        ("aws-sdk", _) => {
            let (sdk_service, sdk_action) = action.split_once(':').unwrap_or((action, ""));
            let iam = sdk_iam_action(sdk_service, sdk_action);
            if sdk_service == "s3" {
                if let Some(resource) = s3_resource(sdk_action, params) {
                    out.allow(&[&iam], resource);
                    return;
                }
                if let Some(key) = ["Bucket", "Key"]
                    .into_iter()
                    .find(|k| matches!(param(params, k), Param::Wildcard(_)))
                {
                    out.review(
                        &[&iam],
                        json!("*"),
                        unscoped_note(m, path, key, &param(params, key)),
                    );
                    return;
                }
            }
            out.review(
                &[&iam],
                json!("*"),
                format!("{m}: Task \"{path}\" calls {iam} through the AWS SDK integration; scope its Resource"),
            );
        }
        _ => {
            let iam = format!("{}:{}", iam_prefix(service), pascal(action));
            out.review(
                &[&iam],
                json!("*"),
                format!("{m}: Task \"{path}\" uses the {service}:{action} integration, which the exporter does not model; check the AWS guide for its policy"),
            );
        }
    }
}

/// An S3 ARN; literal text inside `Fn::Sub` must not start a `${...}` variable.
fn s3_arn(path: &str) -> Value {
    json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:s3:::{}", crate::arn::sub_literal(path))})
}

/// The S3 resource an S3 call touches when its Bucket (and, for objects, Key) are static:
/// the bucket for bucket-level calls (listing), `bucket/key` or `bucket/*` for object calls.
fn s3_resource(action: &str, params: Option<&AslValue>) -> Option<Value> {
    let Param::Static(bucket) = param(params, "Bucket") else {
        return None;
    };
    if action.starts_with("list") && !action.contains("Parts") || action.contains("Bucket") {
        Some(s3_arn(bucket))
    } else if action.contains("Object") || action.contains("Parts") {
        match param(params, "Key") {
            Param::Static(key) => Some(s3_arn(&format!("{bucket}/{key}"))),
            Param::Wildcard(_) => None,
            _ => Some(s3_arn(&format!("{bucket}/*"))),
        }
    } else {
        None
    }
}

/// A Distributed Map ItemReader: an S3 call described like a Task (Resource + Arguments).
fn s3_step(step: &AslValue, field: &str, path: &str, ctx: &Context<'_>, out: &mut Derived) {
    let params = arguments(step);
    let action = step
        .get("Resource")
        .and_then(AslValue::as_str)
        .and_then(Integration::parse)
        .and_then(|i| match i.service() {
            "s3" => Some(i.action()),
            "aws-sdk" => i.action().strip_prefix("s3:"),
            _ => None,
        });
    let Some(action) = action else {
        out.review(
            &["s3:GetObject", "s3:ListBucket"],
            s3_arn("*"),
            format!(
                "{}: Map state \"{path}\" has an {field} this exporter does not model",
                ctx.machine
            ),
        );
        return;
    };
    let iam = sdk_iam_action("s3", action);
    match s3_resource(action, params) {
        Some(resource) => out.allow(&[&iam], resource),
        None => out.review(
            &[&iam],
            s3_arn("*"),
            s3_note(ctx.machine, &format!("{path} ({field})"), params),
        ),
    }
}

/// Why an S3 call's resource could not be scoped: a wildcard in Bucket or Key, else a Bucket
/// known only at run time.
fn s3_note(machine: &str, path: &str, params: Option<&AslValue>) -> String {
    for key in ["Bucket", "Key"] {
        if let p @ Param::Wildcard(_) = param(params, key) {
            return unscoped_note(machine, path, key, &p);
        }
    }
    dynamic_note(machine, path, "Bucket")
}

fn dynamic_note(machine: &str, path: &str, field: &str) -> String {
    format!("{machine}: Task \"{path}\" takes {field} from the execution data; narrow the wildcard to the resources it can be")
}

fn wildcard_note(machine: &str, path: &str, field: &str, value: &str) -> String {
    format!("{machine}: Task \"{path}\": {field} \"{value}\" contains an IAM wildcard (* or ?); the exporter does not grant it as written, narrow the marked statement to the resources it means")
}

/// Why a statement could not be scoped: a wildcard written in the definition, or a value
/// known only at run time.
fn unscoped_note(machine: &str, path: &str, field: &str, p: &Param<'_>) -> String {
    match p {
        Param::Wildcard(v) => wildcard_note(machine, path, field, v),
        _ => dynamic_note(machine, path, field),
    }
}

fn lambda_invoke(params: Option<&AslValue>, path: &str, ctx: &Context<'_>, out: &mut Derived) {
    match param(params, "FunctionName") {
        Param::Static(f) => out.allow(&["lambda:InvokeFunction"], function_arn(f, ctx)),
        p => out.review(
            &["lambda:InvokeFunction"],
            policy_arn("lambda", Part::Stack, Part::Stack, "function:*"),
            unscoped_note(ctx.machine, path, "FunctionName", &p),
        ),
    }
}

/// FunctionName may be a name, `name:qualifier`, a partial ARN `account:function:name`, or a
/// full ARN; IAM wants the full function ARN.
fn function_arn(f: &str, ctx: &Context<'_>) -> Value {
    if let Some(a) = parse_arn(f) {
        return policy_arn(
            "lambda",
            ctx.region(a.region),
            ctx.account(a.account),
            a.resource,
        );
    }
    if let Some((account, name)) = f.split_once(":function:") {
        return policy_arn(
            "lambda",
            Part::Stack,
            ctx.account(account),
            &format!("function:{name}"),
        );
    }
    policy_arn("lambda", Part::Stack, Part::Stack, &format!("function:{f}"))
}

fn table_arn(table: &str, ctx: &Context<'_>) -> Value {
    match parse_arn(table) {
        Some(a) => policy_arn(
            "dynamodb",
            ctx.region(a.region),
            ctx.account(a.account),
            a.resource,
        ),
        None => policy_arn(
            "dynamodb",
            Part::Stack,
            Part::Stack,
            &format!("table/{table}"),
        ),
    }
}

/// `https://sqs.<region>.amazonaws.com/<account>/<queue>` (or the legacy
/// `<region>.queue.amazonaws.com` / `queue.amazonaws.com` hosts) → the queue ARN.
fn queue_arn(url: &str, ctx: &Context<'_>) -> Option<Value> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/')?;
    let mut segs = path.trim_end_matches('/').split('/');
    let (account, queue) = (segs.next()?, segs.next()?);
    if segs.next().is_some() || account.is_empty() || queue.is_empty() {
        return None;
    }
    let region = if host == "queue.amazonaws.com" {
        "us-east-1"
    } else if let Some(r) = host
        .strip_prefix("sqs.")
        .and_then(|h| h.split_once(".amazonaws.com"))
    {
        r.0
    } else {
        host.strip_suffix(".queue.amazonaws.com")?
    };
    Some(policy_arn(
        "sqs",
        ctx.region(region),
        ctx.account(account),
        queue,
    ))
}

fn start_execution(
    params: Option<&AslValue>,
    sync: bool,
    path: &str,
    ctx: &Context<'_>,
    out: &mut Derived,
) {
    let m = ctx.machine;
    if sync {
        out.allow(
            &["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            policy_arn("events", Part::Stack, Part::Stack, SYNC_RULE),
        );
    }
    let child = match param(params, "StateMachineArn") {
        Param::Static(arn) => parse_arn(arn)
            .filter(|a| a.service == "states")
            .and_then(|a| state_machine_name(a.resource).map(|(name, qual)| (a, name, qual))),
        _ => None,
    };
    let Some((arn, name, qualifier)) = child else {
        let note = unscoped_note(
            m,
            path,
            "StateMachineArn",
            &param(params, "StateMachineArn"),
        );
        out.review(
            &["states:StartExecution"],
            policy_arn("states", Part::Stack, Part::Stack, "stateMachine:*"),
            note.clone(),
        );
        if sync {
            out.review(
                &["states:DescribeExecution", "states:StopExecution"],
                policy_arn("states", Part::Stack, Part::Stack, "execution:*"),
                note,
            );
        }
        return;
    };
    // Workspace machines are deployed by this very stack, so they live in its region/account
    // whatever the playground ARN said.
    let (region, account) = if ctx.in_workspace(name) {
        (Part::Stack, Part::Stack)
    } else {
        // Kept exactly as written in the definition (the exporter leaves foreign ARNs alone).
        (Part::Literal(arn.region), Part::Literal(arn.account))
    };
    match qualifier.strip_prefix(':') {
        // A version or an alias: the machine's ARN, limited to that qualifier.
        Some(q) => out.allow_qualified(
            &["states:StartExecution"],
            policy_arn("states", region, account, &format!("stateMachine:{name}")),
            q,
        ),
        None => out.allow(
            &["states:StartExecution"],
            policy_arn(
                "states",
                region,
                account,
                &format!("stateMachine:{name}{qualifier}"),
            ),
        ),
    }
    if sync {
        out.allow(
            &["states:DescribeExecution", "states:StopExecution"],
            policy_arn("states", region, account, &format!("execution:{name}:*")),
        );
    }
}

/// `sendMessage` → `SendMessage`.
fn pascal(action: &str) -> String {
    let mut chars = action.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// SDK integration service names that differ from their IAM service prefix.
fn iam_prefix(service: &str) -> &str {
    match service {
        "sfn" => "states",
        "cloudwatchlogs" => "logs",
        "eventbridge" => "events",
        "apigatewayv2" | "apigatewaymanagementapi" => "execute-api",
        "efs" => "elasticfilesystem",
        "elasticloadbalancingv2" => "elasticloadbalancing",
        "emrserverless" => "emr-serverless",
        "emrcontainers" => "emr-containers",
        "sesv2" => "ses",
        "cognitoidentityprovider" => "cognito-idp",
        "costexplorer" => "ce",
        "opensearch" => "es",
        "acmpca" => "acm-pca",
        "iotdata" => "iot",
        "kinesisanalyticsv2" => "kinesisanalytics",
        "sagemakerruntime" => "sagemaker",
        "bedrockruntime" => "bedrock",
        "apigateway" => "execute-api",
        other => other,
    }
}

/// The IAM action an SDK call needs; a handful of APIs are authorised by a differently named action.
fn sdk_iam_action(service: &str, action: &str) -> String {
    let special = match (service, action) {
        ("s3", "listObjectsV2" | "listObjects" | "headBucket") => Some("s3:ListBucket"),
        ("s3", "headObject") => Some("s3:GetObject"),
        ("lambda", "invoke") => Some("lambda:InvokeFunction"),
        ("bedrockruntime", "invokeModel" | "converse") => Some("bedrock:InvokeModel"),
        _ => None,
    };
    match special {
        Some(a) => a.to_string(),
        None => format!("{}:{}", iam_prefix(service), pascal(action)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WS: &[&str] = &["Parent", "HelloWorld"];

    fn derive_one(task: Value) -> Derived {
        let names: Vec<String> = WS.iter().map(|s| s.to_string()).collect();
        let ctx = Context {
            workspace: &names,
            machine: "Parent",
            source_region: "us-east-1",
            source_account: "123456789012",
            rewrite_placeholders: true,
        };
        let def = json!({"StartAt": "T", "States": {"T": task}});
        derive(&def, &ctx)
    }

    fn sub(s: &str) -> Value {
        json!({ "Fn::Sub": s })
    }

    const HELLO: &str =
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:HelloWorld";
    const HELLO_EXEC: &str =
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:HelloWorld:*";
    const RULE: &str = "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule";

    fn st(actions: &[&str], resources: Vec<Value>) -> Statement {
        Statement {
            actions: actions.iter().map(|s| s.to_string()).collect(),
            resources,
            qualifiers: Vec::new(),
        }
    }

    #[test]
    fn start_execution_patterns() {
        let child = "arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld";
        let start = st(&["states:StartExecution"], vec![sub(HELLO)]);
        let events = st(
            &["events:PutTargets", "events:PutRule", "events:DescribeRule"],
            vec![sub(RULE)],
        );
        let describe = st(
            &["states:DescribeExecution", "states:StopExecution"],
            vec![sub(HELLO_EXEC)],
        );
        let cases = [
            (
                "arn:aws:states:::states:startExecution",
                vec![start.clone()],
            ),
            (
                "arn:aws:states:::states:startExecution.waitForTaskToken",
                vec![start.clone()],
            ),
            (
                "arn:aws:states:::states:startExecution.sync",
                vec![events.clone(), start.clone(), describe.clone()],
            ),
            (
                "arn:aws:states:::states:startExecution.sync:2",
                vec![events, start, describe],
            ),
        ];
        for (resource, want) in cases {
            let d = derive_one(json!({"Type": "Task", "Resource": resource,
                "Parameters": {"StateMachineArn": child, "Input": {"a": 1}}, "End": true}));
            assert_eq!(d.statements, want, "{resource}");
            assert!(d.todo.is_empty(), "{resource}");
        }
    }

    #[test]
    fn start_execution_outside_workspace_keeps_foreign_account() {
        let d = derive_one(
            json!({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
            "Arguments": {"StateMachineArn": "arn:aws:states:eu-west-1:999999999999:stateMachine:Other:prod"}, "End": true}),
        );
        let mut want = st(
            &["states:StartExecution"],
            vec![json!(
                "arn:aws:states:eu-west-1:999999999999:stateMachine:Other"
            )],
        );
        want.qualifiers = vec!["prod".into()];
        assert_eq!(d.statements, vec![want]);
    }

    #[test]
    fn versions_and_aliases_are_scoped_by_qualifier() {
        let child = "arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld";
        let call = |arn: String| {
            json!({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                   "Parameters": {"StateMachineArn": arn}, "Next": "N"})
        };
        let ctx = Context {
            workspace: &["HelloWorld".to_string()],
            machine: "Parent",
            source_region: "us-east-1",
            source_account: "123456789012",
            rewrite_placeholders: true,
        };
        let def = json!({"StartAt": "A", "States": {
            "A": call(format!("{child}:live")),
            "B": call(format!("{child}:3")),
            "C": call(format!("{child}:live")),
            "N": {"Type": "Succeed"}}});
        let mut def = def;
        def["States"]["A"]["Next"] = json!("B");
        def["States"]["B"]["Next"] = json!("C");
        let d = derive(&def, &ctx);
        let mut start = st(&["states:StartExecution"], vec![sub(HELLO)]);
        start.qualifiers = vec!["live".into(), "3".into()];
        assert!(d.statements.contains(&start), "{:?}", d.statements);
        let describe = st(
            &["states:DescribeExecution", "states:StopExecution"],
            vec![sub(HELLO_EXEC)],
        );
        assert!(d.statements.contains(&describe));
        let json = d.policy_statements();
        let started = json
            .iter()
            .find(|s| s["Action"] == json!(["states:StartExecution"]))
            .unwrap();
        assert_eq!(
            started["Condition"],
            json!({"StringEquals": {"states:StateMachineQualifier": ["live", "3"]}})
        );
        assert_eq!(started["Resource"], json!([sub(HELLO)]));
    }

    #[test]
    fn dynamic_parameters_become_todo() {
        let cases = [
            json!({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
                   "Parameters": {"StateMachineArn.$": "$.target"}, "End": true}),
            json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                   "Arguments": {"FunctionName": "{% $states.input.fn %}"}, "End": true}),
            json!({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                   "Arguments": "{% {'QueueUrl': $states.input.q} %}", "End": true}),
            json!({"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                   "Parameters": {"TableName.$": "$.t"}, "End": true}),
            json!({"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                   "Parameters": {"PhoneNumber": "+100", "Message": "x"}, "End": true}),
            json!({"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "End": true}),
            json!({"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listObjectsV2", "End": true}),
            json!({"Type": "Task", "Resource": "arn:aws:foo:bar", "End": true}),
        ];
        for task in cases {
            let d = derive_one(task.clone());
            assert!(!d.todo.is_empty(), "{task}");
            assert!(!d.notes.is_empty(), "{task}");
            let stmts = d.policy_statements();
            assert!(
                stmts.iter().any(|s| s["Sid"] == "TodoReviewPermissions"),
                "{task}"
            );
        }
    }

    #[test]
    fn service_integrations() {
        let acct = |s: &str| sub(&format!("arn:${{AWS::Partition}}:{s}"));
        let cases: Vec<(Value, &[&str], Value)> = vec![
            (
                json!({"Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fn"}),
                &["lambda:InvokeFunction"],
                acct("lambda:${AWS::Region}:${AWS::AccountId}:function:Fn"),
            ),
            (
                json!({"Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "Fn:live"}}),
                &["lambda:InvokeFunction"],
                acct("lambda:${AWS::Region}:${AWS::AccountId}:function:Fn:live"),
            ),
            (
                json!({"Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                    "Parameters": {"FunctionName": "arn:aws:lambda:eu-west-1:111122223333:function:X"}}),
                &["lambda:InvokeFunction"],
                json!("arn:aws:lambda:eu-west-1:111122223333:function:X"),
            ),
            (
                json!({"Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "111122223333:function:Y"}}),
                &["lambda:InvokeFunction"],
                acct("lambda:${AWS::Region}:111122223333:function:Y"),
            ),
            (
                json!({"Resource": "arn:aws:states:::sqs:sendMessage",
                    "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs"}}),
                &["sqs:SendMessage"],
                acct("sqs:${AWS::Region}:${AWS::AccountId}:jobs"),
            ),
            (
                json!({"Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"QueueUrl": "https://eu-west-1.queue.amazonaws.com/111122223333/q"}}),
                &["sqs:SendMessage"],
                json!("arn:aws:sqs:eu-west-1:111122223333:q"),
            ),
            (
                json!({"Resource": "arn:aws:states:::sns:publish",
                    "Arguments": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "Message": "{% $x %}"}}),
                &["sns:Publish"],
                acct("sns:${AWS::Region}:${AWS::AccountId}:alerts"),
            ),
            (
                json!({"Resource": "arn:aws:states:::dynamodb:putItem", "Parameters": {"TableName": "Orders"}}),
                &["dynamodb:PutItem"],
                acct("dynamodb:${AWS::Region}:${AWS::AccountId}:table/Orders"),
            ),
            (
                json!({"Resource": "arn:aws:states:::dynamodb:updateItem",
                    "Parameters": {"TableName": "arn:aws:dynamodb:us-west-2:111122223333:table/T"}}),
                &["dynamodb:UpdateItem"],
                json!("arn:aws:dynamodb:us-west-2:111122223333:table/T"),
            ),
        ];
        for (mut task, actions, resource) in cases {
            task["Type"] = json!("Task");
            task["End"] = json!(true);
            let d = derive_one(task.clone());
            assert_eq!(d.statements, vec![st(actions, vec![resource])], "{task}");
            assert!(d.todo.is_empty(), "{task}");
        }
    }

    #[test]
    fn activities_need_nothing_and_credentials_need_assume_role() {
        let d = derive_one(
            json!({"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:Work",
            "Credentials": {"RoleArn": "arn:aws:iam::111122223333:role/Target"}, "End": true}),
        );
        assert_eq!(
            d.statements,
            vec![st(
                &["sts:AssumeRole"],
                vec![json!("arn:aws:iam::111122223333:role/Target")]
            )]
        );
        assert!(d.todo.is_empty());
        assert!(d.notes[0].contains("activity:Work"), "{:?}", d.notes);
    }

    #[test]
    fn sdk_actions_map_to_iam_names() {
        let cases = [
            ("s3", "getObject", "s3:GetObject"),
            ("s3", "listObjectsV2", "s3:ListBucket"),
            ("sfn", "startExecution", "states:StartExecution"),
            ("cloudwatchlogs", "putLogEvents", "logs:PutLogEvents"),
            ("ec2", "describeInstances", "ec2:DescribeInstances"),
        ];
        for (svc, action, want) in cases {
            assert_eq!(sdk_iam_action(svc, action), want);
        }
    }

    #[test]
    fn walks_parallel_and_map_and_merges_resources() {
        let call = |arn: &str| {
            json!({"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
            "Parameters": {"StateMachineArn": arn}, "End": true})
        };
        let hello = "arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld";
        let parent = "arn:aws:states:us-east-1:123456789012:stateMachine:Parent";
        let def = json!({"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Next": "M", "Branches": [
                {"StartAt": "A", "States": {"A": call(hello)}},
                {"StartAt": "B", "States": {"B": call(parent)}}]},
            "M": {"Type": "Map", "End": true, "Iterator": {"StartAt": "C", "States": {"C": call(hello)}}}
        }});
        let names = vec!["Parent".to_string(), "HelloWorld".to_string()];
        let ctx = Context {
            workspace: &names,
            machine: "Parent",
            source_region: "us-east-1",
            source_account: "123456789012",
            rewrite_placeholders: true,
        };
        let d = derive(&def, &ctx);
        assert_eq!(d.statements, vec![st(&["states:StartExecution"], vec![sub(HELLO),
            sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:Parent")])]);
    }

    #[test]
    fn distributed_map_starts_its_own_executions() {
        let d = derive_one(json!({"Type": "Map", "End": true,
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                "Arguments": {"Bucket": "in-bucket", "Key": "items.json"}},
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                "Arguments": {"Bucket": "out-bucket", "Prefix": "runs/"}},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}}));
        let s3 = |p: &str| sub(&format!("arn:${{AWS::Partition}}:s3:::{p}"));
        assert_eq!(d.statements, vec![
            st(&["states:StartExecution"], vec![sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:Parent")]),
            st(&["states:DescribeExecution", "states:StopExecution"],
                vec![sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:Parent/*")]),
            st(&["s3:GetObject"], vec![s3("in-bucket/items.json")]),
            st(&["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"],
                vec![s3("out-bucket/runs/*")]),
        ]);
        assert!(d.todo.is_empty(), "{:?}", d.todo);
        let d = derive_one(json!({"Type": "Map", "End": true,
            "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket.$": "$.bucket"}},
            "ItemProcessor": {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}}));
        assert_eq!(d.todo, vec![st(&["s3:ListBucket"], vec![s3("*")])]);
    }

    #[test]
    fn s3_sdk_calls_with_static_buckets() {
        let s3 = |p: &str| sub(&format!("arn:${{AWS::Partition}}:s3:::{p}"));
        let cases = [
            (
                "listObjectsV2",
                json!({"Bucket": "b"}),
                "s3:ListBucket",
                s3("b"),
            ),
            (
                "getObject",
                json!({"Bucket": "b", "Key": "k/${x}.json"}),
                "s3:GetObject",
                s3("b/k/${!x}.json"),
            ),
            (
                "putObject",
                json!({"Bucket": "b", "Key.$": "$.k", "Body": "x"}),
                "s3:PutObject",
                s3("b/*"),
            ),
        ];
        for (action, params, iam, resource) in cases {
            let d = derive_one(json!({"Type": "Task", "End": true,
                "Resource": format!("arn:aws:states:::aws-sdk:s3:{action}"), "Parameters": params}));
            assert_eq!(d.statements, vec![st(&[iam], vec![resource])], "{action}");
            assert!(d.todo.is_empty(), "{action}");
        }
    }

    #[test]
    fn todo_sids_are_unique() {
        let def = json!({"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName.$": "$.f"}, "Next": "B"},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl.$": "$.q"}, "End": true}}});
        let names = vec!["Parent".to_string()];
        let ctx = Context {
            workspace: &names,
            machine: "Parent",
            source_region: "us-east-1",
            source_account: "123456789012",
            rewrite_placeholders: true,
        };
        let sids: Vec<Value> = derive(&def, &ctx)
            .policy_statements()
            .iter()
            .map(|s| s["Sid"].clone())
            .collect();
        assert_eq!(
            sids,
            vec![
                json!("TodoReviewPermissions"),
                json!("TodoReviewPermissions2")
            ]
        );
    }

    #[test]
    fn wildcards_in_definition_values_are_never_granted_as_written() {
        let task = |resource: &str, params: Value| json!({"Type": "Task", "End": true, "Resource": resource, "Parameters": params});
        let cases = [
            (
                task(
                    "arn:aws:states:::lambda:invoke",
                    json!({"FunctionName": "*"}),
                ),
                "FunctionName",
            ),
            (
                task(
                    "arn:aws:states:::lambda:invoke",
                    json!({"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:pay?"}),
                ),
                "FunctionName",
            ),
            (
                task(
                    "arn:aws:states:::sqs:sendMessage",
                    json!({"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/*"}),
                ),
                "QueueUrl",
            ),
            (
                task(
                    "arn:aws:states:::sns:publish",
                    json!({"TopicArn": "arn:aws:sns:*:*:*"}),
                ),
                "TopicArn",
            ),
            (
                task(
                    "arn:aws:states:::dynamodb:putItem",
                    json!({"TableName": "Orders*"}),
                ),
                "TableName",
            ),
            (
                task(
                    "arn:aws:states:::aws-sdk:s3:getObject",
                    json!({"Bucket": "*", "Key": "*"}),
                ),
                "Bucket",
            ),
            (
                task(
                    "arn:aws:states:::aws-sdk:s3:putObject",
                    json!({"Bucket": "b", "Key": "*"}),
                ),
                "Key",
            ),
            (
                task(
                    "arn:aws:states:::states:startExecution",
                    json!({"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:*"}),
                ),
                "StateMachineArn",
            ),
            (
                json!({"Type": "Task", "End": true, "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                    "Credentials": {"RoleArn": "arn:aws:iam::*:role/*"}}),
                "Credentials.RoleArn",
            ),
        ];
        let map = |reader_bucket: &str, writer: Value| {
            json!({"Type": "Map", "End": true, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
                "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": reader_bucket, "Key": "k"}},
                "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": writer}})
        };
        // A Distributed Map is granted its own executions (`execution:Parent/*`) and the
        // result prefix (`out/p/*`) by rule; what it must not get is the written wildcard.
        let distributed = [
            (
                map("in*", json!({"Bucket": "out", "Prefix": "p"})),
                "Bucket",
                "in*",
            ),
            (
                map("in", json!({"Bucket": "out", "Prefix": "runs/*"})),
                "Prefix",
                "runs/*",
            ),
            (
                map("in", json!({"Bucket": "out?", "Prefix": "p"})),
                "Bucket",
                "out?",
            ),
        ];
        let tasks = cases.into_iter().map(|(state, field)| (state, field, ""));
        for (state, field, written) in tasks.chain(distributed) {
            let d = derive_one(state.clone());
            for s in &d.statements {
                let text = serde_json::to_string(&s.resources).unwrap();
                let widened = if written.is_empty() {
                    text.contains(['*', '?'])
                } else {
                    text.contains(written)
                };
                assert!(!widened, "{state}: granted {text}");
            }
            assert!(!d.todo.is_empty(), "{state}: nothing marked for review");
            assert!(
                d.notes
                    .iter()
                    .any(|n| n.contains("IAM wildcard") && n.contains(field)),
                "{state}: {:?}",
                d.notes
            );
        }
    }

    #[test]
    fn a_definition_the_model_cannot_read_is_granted_nothing() {
        let names = vec!["Parent".to_string()];
        let ctx = Context {
            workspace: &names,
            machine: "Parent",
            source_region: "us-east-1",
            source_account: "123456789012",
            rewrite_placeholders: true,
        };
        let def =
            json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": 5, "End": true}}});
        let d = derive(&def, &ctx);
        assert!(d.statements.is_empty() && d.todo.is_empty(), "{d:?}");
        assert_eq!(d.notes.len(), 1);
        assert!(
            d.notes[0].contains("not valid ASL") && d.notes[0].contains("/States/T/Resource"),
            "{:?}",
            d.notes
        );
    }

    #[test]
    fn a_wildcard_resource_gets_no_statement_at_all() {
        for resource in [
            "arn:aws:states:::aws-sdk:*:*",
            "arn:aws:states:::lambda:*",
            "arn:aws:lambda:us-east-1:123456789012:function:*",
        ] {
            let d = derive_one(json!({"Type": "Task", "End": true, "Resource": resource}));
            assert!(
                d.statements.is_empty() && d.todo.is_empty(),
                "{resource}: {d:?}"
            );
            assert!(
                d.notes.iter().any(|n| n.contains("IAM wildcard")),
                "{resource}: {:?}",
                d.notes
            );
        }
    }
}
