//! "Take it to AWS": turns a Stepwise [`Workspace`] into a CloudFormation or SAM template.
//!
//! Each machine becomes an `AWS::StepFunctions::StateMachine` (or `AWS::Serverless::StateMachine`)
//! whose `Definition` is the ASL object, with every hard-coded ARN of a workspace machine turned
//! into a `${<Stem>Arn}` placeholder filled through `DefinitionSubstitutions`, so the stack
//! deploys in any account and region. Each machine gets its own execution role holding only what
//! its Task states need (see [`policy`]); what cannot be derived is granted in statements whose
//! Sid starts with `TodoReviewPermissions` and explained in `Metadata.Stepwise.Todo`.
//!
//! Pure library: no I/O, builds for `wasm32-unknown-unknown` (the playground calls it).

#![forbid(unsafe_code)]

pub mod arn;
pub mod policy;
mod versions;
pub mod wire;
pub mod workspace;

use std::fmt;

use serde_json::{json, Map, Value};

pub use workspace::{Machine, Workspace, WORKSPACE_VERSION};

/// A generated template, as a JSON value ready for [`to_json`] or [`to_yaml`].
pub type Template = Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain CloudFormation: state machines plus explicit IAM roles.
    #[default]
    CloudFormation,
    /// AWS SAM: `AWS::Serverless::StateMachine` with inline `Policies`; SAM makes the roles.
    Sam,
}

impl Format {
    /// The spelling [`FromStr`](std::str::FromStr) reads back (`--format`, the export wire).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CloudFormation => "cloudformation",
            Format::Sam => "sam",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "cloudformation" | "cfn" => Ok(Format::CloudFormation),
            "sam" => Ok(Format::Sam),
            other => Err(format!(
                "unknown format {other:?} (expected cloudformation or sam)"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub format: Format,
    /// The region the workspace's ARNs were written for (the playground uses `us-east-1`).
    pub source_region: String,
    /// The account the workspace's ARNs were written for (the playground uses `123456789012`).
    pub source_account: String,
    /// Rewrite ARNs carrying the source region/account (Lambda functions, queues, topics...) to
    /// the deploying stack's region/account. Machines of the workspace are always rewritten.
    pub rewrite_placeholders: bool,
    /// Template `Description`; a generated one when `None`.
    pub description: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            format: Format::CloudFormation,
            source_region: "us-east-1".into(),
            source_account: "123456789012".into(),
            rewrite_placeholders: true,
            description: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    InvalidWorkspace(String),
    InvalidMachineName { name: String, reason: String },
    DuplicateMachine(String),
    InvalidDefinition { machine: String, reason: String },
    Render(String),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::InvalidWorkspace(r) => write!(f, "invalid workspace: {r}"),
            ExportError::InvalidMachineName { name, reason } => {
                write!(
                    f,
                    "state machine name {name:?} cannot be deployed: {reason}"
                )
            }
            ExportError::DuplicateMachine(n) => write!(f, "two state machines are named {n:?}"),
            ExportError::InvalidDefinition { machine, reason } => {
                write!(f, "state machine {machine:?}: {reason}")
            }
            ExportError::Render(r) => write!(f, "cannot render the template: {r}"),
        }
    }
}

impl std::error::Error for ExportError {}

const SUB_REGION: &str = "Region";
const SUB_ACCOUNT: &str = "AccountId";

/// One machine on its way into the template.
struct Planned {
    name: String,
    stem: String,
    definition: Value,
    /// Workspace machines this one references, by index, in first-seen order.
    refs: Vec<usize>,
    uses_region: bool,
    uses_account: bool,
    arn_subs: Vec<(String, Value)>,
    derived: policy::Derived,
}

/// Builds the template for `workspace`.
pub fn export(workspace: &Workspace, options: &Options) -> Result<Template, ExportError> {
    if workspace.machines.is_empty() {
        return Err(ExportError::InvalidWorkspace(
            "the workspace has no state machines".into(),
        ));
    }
    let names: Vec<String> = workspace.machines.iter().map(|m| m.name.clone()).collect();
    for (i, name) in names.iter().enumerate() {
        arn::check_machine_name(name).map_err(|reason| ExportError::InvalidMachineName {
            name: name.clone(),
            reason,
        })?;
        if names[..i].contains(name) {
            return Err(ExportError::DuplicateMachine(name.clone()));
        }
    }
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let stems = arn::unique_stems(&name_refs);

    let mut planned = Vec::new();
    let mut todo_notes: Vec<String> = Vec::new();
    // The aliases the workspace's machines call, per machine: each becomes a published version
    // of that machine and an alias routing to it.
    let mut aliases_of: Vec<Vec<String>> = vec![Vec::new(); names.len()];
    for (machine, stem) in workspace.machines.iter().zip(&stems) {
        let original = machine.definition_object()?;
        let mut rw = Rewriter {
            names: &names,
            stems: &stems,
            options,
            refs: Vec::new(),
            uses_region: false,
            uses_account: false,
            foreign: Vec::new(),
            has_dollar_brace: false,
            arn_subs: Vec::new(),
            qualified: Vec::new(),
        };
        let definition = rw.value(&original);
        let ctx = policy::Context {
            workspace: &names,
            machine: &machine.name,
            source_region: &options.source_region,
            source_account: &options.source_account,
            rewrite_placeholders: options.rewrite_placeholders,
        };
        let derived = policy::derive(&original, &ctx);
        for arn in &rw.foreign {
            push_unique(&mut todo_notes, format!(
                "{}: references {arn}, which is not in the workspace; it is kept as written, deploy it separately or fix the ARN",
                machine.name
            ));
        }
        if rw.has_dollar_brace {
            push_unique(&mut todo_notes, format!(
                "{}: the definition contains \"${{\" text, which DefinitionSubstitutions may treat as a placeholder",
                machine.name
            ));
        }
        for n in &derived.notes {
            push_unique(&mut todo_notes, n.clone());
        }
        for (idx, q) in &rw.qualified {
            if q.bytes().all(|b| b.is_ascii_digit()) {
                push_unique(&mut todo_notes, format!(
                    "{}: calls version {q} of {}; CloudFormation numbers versions as it publishes them, so check that the deployed version {q} is the one meant (or call an alias)",
                    machine.name, names[*idx]
                ));
            } else if !aliases_of[*idx].contains(q) {
                aliases_of[*idx].push(q.clone());
            }
        }
        planned.push(Planned {
            name: machine.name.clone(),
            stem: stem.clone(),
            definition,
            refs: rw.refs,
            uses_region: rw.uses_region,
            uses_account: rw.uses_account,
            arn_subs: rw.arn_subs.into_iter().map(|(k, _, v)| (k, v)).collect(),
            derived,
        });
    }

    let ref_plan = plan_refs(&planned);
    let mut notes: Vec<String> = Vec::new();
    let mut resources = Map::new();
    let mut outputs = Map::new();
    for (i, p) in planned.iter().enumerate() {
        let mut subs = Map::new();
        for (&j, &use_ref) in p.refs.iter().zip(&ref_plan[i]) {
            let target = &planned[j];
            let value = if use_ref {
                json!({"Ref": format!("{}StateMachine", target.stem)})
            } else {
                // A Ref here would close a dependency cycle (self-call or mutual recursion);
                // the ARN is predictable because StateMachineName is fixed.
                json!({"Fn::Sub": format!(
                    "arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{}",
                    target.name
                )})
            };
            subs.insert(format!("{}Arn", target.stem), value);
        }
        for (key, value) in &p.arn_subs {
            subs.insert(key.clone(), value.clone());
        }
        if p.uses_region {
            subs.insert(SUB_REGION.into(), json!({"Ref": "AWS::Region"}));
        }
        if p.uses_account {
            subs.insert(SUB_ACCOUNT.into(), json!({"Ref": "AWS::AccountId"}));
        }
        let statements = p.derived.policy_statements();
        let machine_id = format!("{}StateMachine", p.stem);
        let mut props = Map::new();
        // CloudFormation evaluates intrinsic functions anywhere inside an object property, so a
        // definition holding e.g. a Pass `Result` of `{"Ref": ...}` must travel as text.
        let as_text = has_intrinsic_lookalike(&p.definition);
        if as_text {
            notes.push(format!(
                "{}: the definition contains an object shaped like a CloudFormation intrinsic function, so it is stored as DefinitionString{}",
                p.name,
                if options.format == Format::Sam { " on a plain AWS::StepFunctions::StateMachine" } else { "" }
            ));
        }
        match (options.format, as_text) {
            (Format::CloudFormation, _) | (Format::Sam, true) => {
                let role_id = format!("{}Role", p.stem);
                let mut role_props = Map::new();
                role_props.insert("AssumeRolePolicyDocument".into(), trust_policy());
                if !statements.is_empty() {
                    role_props.insert(
                        "Policies".into(),
                        json!([{
                            "PolicyName": format!("{}ExecutionPolicy", p.stem),
                            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}
                        }]),
                    );
                }
                resources.insert(
                    role_id.clone(),
                    json!({"Type": "AWS::IAM::Role", "Properties": role_props}),
                );
                props.insert("StateMachineName".into(), json!(p.name));
                if as_text {
                    let text = serde_json::to_string_pretty(&p.definition).unwrap_or_default();
                    props.insert("DefinitionString".into(), json!(text));
                } else {
                    props.insert("Definition".into(), p.definition.clone());
                }
                if !subs.is_empty() {
                    props.insert("DefinitionSubstitutions".into(), Value::Object(subs));
                }
                props.insert("RoleArn".into(), json!({"Fn::GetAtt": [role_id, "Arn"]}));
                resources.insert(
                    machine_id.clone(),
                    json!({"Type": "AWS::StepFunctions::StateMachine", "Properties": props}),
                );
            }
            (Format::Sam, false) => {
                props.insert("Name".into(), json!(p.name));
                props.insert("Definition".into(), p.definition.clone());
                if !subs.is_empty() {
                    props.insert("DefinitionSubstitutions".into(), Value::Object(subs));
                }
                // SAM creates the role from these; an empty list still yields a role that
                // Step Functions can assume.
                props.insert(
                    "Policies".into(),
                    if statements.is_empty() {
                        json!([])
                    } else {
                        json!([{"Version": "2012-10-17", "Statement": statements}])
                    },
                );
                resources.insert(
                    machine_id.clone(),
                    json!({"Type": "AWS::Serverless::StateMachine", "Properties": props}),
                );
            }
        }
        if !aliases_of[i].is_empty() {
            versions::emit(&machine_id, &p.stem, &aliases_of[i], &mut resources);
        }
        outputs.insert(
            format!("{}Arn", p.stem),
            json!({
                "Description": format!("ARN of state machine {}", p.name),
                "Value": {"Ref": machine_id}
            }),
        );
    }

    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    if options.format == Format::Sam {
        template.insert("Transform".into(), json!("AWS::Serverless-2016-10-31"));
    }
    template.insert(
        "Description".into(),
        json!(description(&planned, &todo_notes, options)),
    );
    let mut stepwise = json!({
        "Generator": concat!("stepwise-export ", env!("CARGO_PKG_VERSION")),
        "Machines": names,
        "Todo": todo_notes,
    });
    if !notes.is_empty() {
        stepwise["Notes"] = json!(notes);
    }
    template.insert("Metadata".into(), json!({ "Stepwise": stepwise }));
    template.insert("Resources".into(), Value::Object(resources));
    template.insert("Outputs".into(), Value::Object(outputs));
    Ok(Value::Object(template))
}

/// An object with a single `Ref` or `Fn::...` key anywhere in the value.
fn has_intrinsic_lookalike(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            let lookalike = m.len() == 1
                && m.keys()
                    .next()
                    .is_some_and(|k| k == "Ref" || k.starts_with("Fn::"));
            lookalike || m.values().any(has_intrinsic_lookalike)
        }
        Value::Array(items) => items.iter().any(has_intrinsic_lookalike),
        _ => false,
    }
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn trust_policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "states.amazonaws.com"},
            "Action": "sts:AssumeRole",
            // Confused-deputy guard recommended by the Step Functions guide.
            "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
        }]
    })
}

fn description(planned: &[Planned], todo: &[String], options: &Options) -> String {
    if let Some(d) = &options.description {
        return truncate(d, 1024);
    }
    let names: Vec<&str> = planned.iter().map(|p| p.name.as_str()).collect();
    let mut d = format!(
        "Stepwise export: {} state machine{} ({})",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    );
    // CloudFormation caps Description at 1024 bytes; keep room for the TODO sentence.
    d = truncate(&d, 900);
    if !todo.is_empty() {
        d.push_str(&format!(
            ". TODO: {} item{} to review before deploying, listed in Metadata.Stepwise.Todo",
            todo.len(),
            if todo.len() == 1 { "" } else { "s" }
        ));
    }
    d
}

fn truncate(s: &str, max_bytes: usize) -> String {
    if s.len() <= max_bytes {
        return s.to_string();
    }
    let mut end = max_bytes.saturating_sub(3);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// For each machine and each of its references: `true` → `Ref` (gives CloudFormation the
/// deployment order), `false` → `Fn::Sub` of the ARN because a `Ref` would create a cycle.
fn plan_refs(planned: &[Planned]) -> Vec<Vec<bool>> {
    let n = planned.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut plan = Vec::with_capacity(n);
    for (i, p) in planned.iter().enumerate() {
        let mut row = Vec::new();
        for &j in &p.refs {
            let ok = i != j && !reaches(&edges, j, i);
            if ok {
                edges[i].push(j);
            }
            row.push(ok);
        }
        plan.push(row);
    }
    plan
}

fn reaches(edges: &[Vec<usize>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![from];
    while let Some(k) = stack.pop() {
        if k == to {
            return true;
        }
        if !std::mem::replace(&mut seen[k], true) {
            stack.extend(edges[k].iter().copied());
        }
    }
    false
}

/// Rewrites ARNs inside a definition's string values (keys are left alone).
struct Rewriter<'a> {
    names: &'a [String],
    stems: &'a [String],
    options: &'a Options,
    refs: Vec<usize>,
    uses_region: bool,
    uses_account: bool,
    foreign: Vec<String>,
    has_dollar_brace: bool,
    /// Whole-value ARNs moved into their own substitution: (key, value for the substitution).
    arn_subs: Vec<(String, String, Value)>,
    /// Versions and aliases of workspace machines this one calls: (machine index, qualifier).
    qualified: Vec<(usize, String)>,
}

impl Rewriter<'_> {
    fn value(&mut self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.string(s)),
            Value::Array(items) => Value::Array(items.iter().map(|x| self.value(x)).collect()),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, x)| (k.clone(), self.value(x))).collect())
            }
            other => other.clone(),
        }
    }

    fn string(&mut self, s: &str) -> String {
        if s.contains("${") {
            self.has_dollar_brace = true;
        }
        let arns = arn::find_arns(s);
        if arns == [(0, s.len())] {
            if let Some(key) = self.whole_arn(s) {
                return format!("${{{key}}}");
            }
        }
        if let Some(url) = self.queue_url(s) {
            return url;
        }
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for (start, end) in arns {
            out.push_str(&s[last..start]);
            out.push_str(&self.arn(&s[start..end]));
            last = end;
        }
        out.push_str(&s[last..]);
        out
    }

    /// A string value that is exactly one ARN written for the source region/account becomes a
    /// placeholder of its own (`${LambdaEnrichArn}`), filled with an `Fn::Sub` of the stack's
    /// region/account. Whole-value placeholders keep fields such as a Task `Resource` valid for
    /// linters that check ARN shapes, and read better than a spliced-in `${AccountId}`.
    fn whole_arn(&mut self, text: &str) -> Option<String> {
        let a = arn::parse_arn(text)?;
        if !self.options.rewrite_placeholders
            || a.service == "states" && arn::state_machine_name(a.resource).is_some()
        {
            return None;
        }
        let region_hit = !a.region.is_empty() && a.region == self.options.source_region;
        let account_hit = !a.account.is_empty() && a.account == self.options.source_account;
        if !region_hit && !account_hit {
            return None;
        }
        if let Some((key, _, _)) = self.arn_subs.iter().find(|(_, t, _)| t == text) {
            return Some(key.clone());
        }
        let region = if region_hit {
            "${AWS::Region}".into()
        } else {
            arn::sub_literal(a.region)
        };
        let account = if account_hit {
            "${AWS::AccountId}".into()
        } else {
            arn::sub_literal(a.account)
        };
        let sub = json!({"Fn::Sub": format!(
            "arn:${{AWS::Partition}}:{}:{region}:{account}:{}", arn::sub_literal(a.service), arn::sub_literal(a.resource))});
        let last = a
            .resource
            .rsplit([':', '/'])
            .find(|p| !p.is_empty())
            .unwrap_or("");
        let base = format!(
            "{}{}Arn",
            arn::logical_stem(a.service),
            arn::logical_stem(last)
        );
        let taken = |k: &str, me: &Self| {
            k == SUB_REGION
                || k == SUB_ACCOUNT
                || me.stems.iter().any(|st| format!("{st}Arn") == k)
                || me.arn_subs.iter().any(|(x, _, _)| x == k)
        };
        let mut key = base.clone();
        let mut n = 2;
        while taken(&key, self) {
            key = format!("{base}{n}");
            n += 1;
        }
        self.arn_subs.push((key.clone(), text.to_string(), sub));
        Some(key)
    }

    /// `https://sqs.<source region>.amazonaws.com/<source account>/<queue>` → the stack's own.
    fn queue_url(&mut self, s: &str) -> Option<String> {
        if !self.options.rewrite_placeholders {
            return None;
        }
        let rest = s.strip_prefix("https://sqs.")?;
        let (region, rest) = rest.split_once(".amazonaws.com/")?;
        let (account, queue) = rest.split_once('/')?;
        if queue.is_empty() || queue.contains('/') {
            return None;
        }
        let region = if region == self.options.source_region {
            self.uses_region = true;
            format!("${{{SUB_REGION}}}")
        } else {
            region.to_string()
        };
        let account = if account == self.options.source_account {
            self.uses_account = true;
            format!("${{{SUB_ACCOUNT}}}")
        } else {
            account.to_string()
        };
        Some(format!(
            "https://sqs.{region}.amazonaws.com/{account}/{queue}"
        ))
    }

    fn arn(&mut self, text: &str) -> String {
        let Some(a) = arn::parse_arn(text) else {
            return text.to_string();
        };
        if a.service == "states" {
            if let Some((name, rest)) = arn::state_machine_name(a.resource) {
                if let Some(idx) = self.names.iter().position(|n| n == name) {
                    if !self.refs.contains(&idx) {
                        self.refs.push(idx);
                    }
                    if let Some(q) = rest.strip_prefix(':') {
                        let call = (idx, q.to_string());
                        if !self.qualified.contains(&call) {
                            self.qualified.push(call);
                        }
                    }
                    return format!("${{{}Arn}}{rest}", self.stems[idx]);
                }
                push_unique(&mut self.foreign, text.to_string());
                return text.to_string();
            }
        }
        if !self.options.rewrite_placeholders || a.region.is_empty() && a.account.is_empty() {
            return text.to_string();
        }
        let region = if a.region == self.options.source_region {
            self.uses_region = true;
            format!("${{{SUB_REGION}}}")
        } else {
            a.region.to_string()
        };
        let account = if a.account == self.options.source_account {
            self.uses_account = true;
            format!("${{{SUB_ACCOUNT}}}")
        } else {
            a.account.to_string()
        };
        format!(
            "arn:{}:{}:{region}:{account}:{}",
            a.partition, a.service, a.resource
        )
    }
}

/// Pretty JSON text of a template.
pub fn to_json(template: &Template) -> String {
    // A serde_json::Value always serializes.
    serde_json::to_string_pretty(template).unwrap_or_default() + "\n"
}

/// YAML text of a template (long-form intrinsics such as `Fn::Sub:`, which YAML needs no tags for).
pub fn to_yaml(template: &Template) -> Result<String, ExportError> {
    let options = serde_saphyr::ser_options! {
        // Quote every string a YAML 1.1 reader would take for a bool, number, null or date.
        yaml_12: false,
        // Long JSONata expressions and messages stay on one line instead of being folded.
        folded_wrap_chars: usize::MAX,
    };
    serde_saphyr::to_string_with_options(template, options)
        .map_err(|e| ExportError::Render(e.to_string()))
}

/// A stack name derived from the workspace: `stepwise-<first machine>`, limited to the
/// characters CloudFormation allows.
pub fn default_stack_name(workspace: &Workspace) -> String {
    let first = workspace
        .machines
        .first()
        .map(|m| m.name.as_str())
        .unwrap_or("workspace");
    let mut name = String::from("stepwise-");
    for c in first.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            name.push(c);
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let mut name = name.trim_end_matches('-').to_string();
    name.truncate(128);
    name
}

/// The `aws cloudformation deploy` command for a template saved at `template_file`.
pub fn deploy_command(template_file: &str, stack_name: &str, format: Format) -> String {
    let capabilities = match format {
        Format::CloudFormation => "CAPABILITY_IAM",
        // The SAM transform is a macro; acknowledging it lets the deploy run unattended.
        Format::Sam => "CAPABILITY_IAM CAPABILITY_AUTO_EXPAND",
    };
    format!(
        "aws cloudformation deploy --template-file {} --stack-name {} --capabilities {capabilities}",
        shell_quote(template_file),
        shell_quote(stack_name)
    )
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> Value {
        json!({"StartAt": "Hi", "States": {"Hi": {"Type": "Pass", "End": true}}})
    }

    fn caller(target: &str) -> Value {
        json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Arguments": {"StateMachineArn": format!("arn:aws:states:us-east-1:123456789012:stateMachine:{target}")},
            "End": true}}})
    }

    #[test]
    fn rewrites_workspace_machine_arns_and_refs_children() {
        let ws = Workspace::new(vec![
            Machine::new("Parent", caller("HelloWorld")),
            Machine::new("HelloWorld", hello()),
        ]);
        let t = export(&ws, &Options::default()).unwrap();
        let sm = &t["Resources"]["ParentStateMachine"]["Properties"];
        assert_eq!(
            sm["Definition"]["States"]["Call"]["Arguments"]["StateMachineArn"],
            "${HelloWorldArn}"
        );
        assert_eq!(
            sm["DefinitionSubstitutions"],
            json!({"HelloWorldArn": {"Ref": "HelloWorldStateMachine"}})
        );
        assert_eq!(sm["RoleArn"], json!({"Fn::GetAtt": ["ParentRole", "Arn"]}));
        assert_eq!(
            t["Resources"]["HelloWorldRole"]["Properties"].get("Policies"),
            None
        );
        assert_eq!(t["Metadata"]["Stepwise"]["Todo"], json!([]));
    }

    #[test]
    fn any_valid_name_is_found_in_arns() {
        // A name may hold dots (and other characters beyond [A-Za-z0-9_-]): the ARN's name runs
        // to the next `:` or `/`, by the same rules the engine checks names with.
        let ws = Workspace::new(vec![
            Machine::new("Parent", caller("orders.v2")),
            Machine::new("orders.v2", hello()),
        ]);
        let t = export(&ws, &Options::default()).unwrap();
        let sm = &t["Resources"]["ParentStateMachine"]["Properties"];
        assert_eq!(
            sm["Definition"]["States"]["Call"]["Arguments"]["StateMachineArn"],
            "${OrdersV2Arn}"
        );
        assert_eq!(t["Metadata"]["Stepwise"]["Todo"], json!([]));
    }

    #[test]
    fn cycles_use_sub_instead_of_ref() {
        let ws = Workspace::new(vec![
            Machine::new("A", caller("B")),
            Machine::new("B", caller("A")),
            Machine::new("Self", caller("Self")),
        ]);
        let t = export(&ws, &Options::default()).unwrap();
        let subs = |id: &str| t["Resources"][id]["Properties"]["DefinitionSubstitutions"].clone();
        assert_eq!(
            subs("AStateMachine")["BArn"],
            json!({"Ref": "BStateMachine"})
        );
        let sub_arn = |n: &str| json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{n}")});
        assert_eq!(subs("BStateMachine")["AArn"], sub_arn("A"));
        assert_eq!(subs("SelfStateMachine")["SelfArn"], sub_arn("Self"));
    }

    #[test]
    fn foreign_machines_and_placeholder_accounts() {
        let def = json!({"StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fn", "Next": "B"},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                  "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:Elsewhere"}, "End": true}}});
        let ws = Workspace::new(vec![Machine::new("Main", def)]);
        let t = export(&ws, &Options::default()).unwrap();
        let props = &t["Resources"]["MainStateMachine"]["Properties"];
        assert_eq!(
            props["Definition"]["States"]["A"]["Resource"],
            "${LambdaFnArn}"
        );
        assert_eq!(
            props["Definition"]["States"]["B"]["Parameters"]["StateMachineArn"],
            "arn:aws:states:us-east-1:123456789012:stateMachine:Elsewhere"
        );
        assert_eq!(
            props["DefinitionSubstitutions"],
            json!({"LambdaFnArn":
            {"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:Fn"}})
        );
        let todo = t["Metadata"]["Stepwise"]["Todo"].as_array().unwrap();
        assert!(todo[0].as_str().unwrap().contains("Elsewhere"), "{todo:?}");
        assert!(t["Description"].as_str().unwrap().contains("TODO: 1 item"));
        let stmts =
            &t["Resources"]["MainRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
        assert_eq!(
            stmts[1]["Resource"],
            json!(["arn:aws:states:us-east-1:123456789012:stateMachine:Elsewhere"])
        );
    }

    #[test]
    fn placeholder_rewrites_by_position() {
        let def = json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "B", "Arguments": {
                "FunctionName": "{% 'arn:aws:lambda:us-east-1:123456789012:function:' & $states.input.fn %}"}},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Next": "C", "Arguments": {
                "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", "MessageBody": "x"}},
            "C": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true, "Arguments": {
                "TopicArn": "arn:aws:sns:eu-west-1:123456789012:Lambda", "Message": "x"}}}});
        // A machine whose key would clash with the topic's natural key.
        let ws = Workspace::new(vec![
            Machine::new("M", def),
            Machine::new("SnsLambda", hello()),
        ]);
        let t = export(&ws, &Options::default()).unwrap();
        let props = &t["Resources"]["MStateMachine"]["Properties"];
        let states = &props["Definition"]["States"];
        assert_eq!(
            states["A"]["Arguments"]["FunctionName"],
            "{% 'arn:aws:lambda:${Region}:${AccountId}:function:' & $states.input.fn %}"
        );
        assert_eq!(
            states["B"]["Arguments"]["QueueUrl"],
            "https://sqs.${Region}.amazonaws.com/${AccountId}/jobs"
        );
        assert_eq!(states["C"]["Arguments"]["TopicArn"], "${SnsLambdaArn2}");
        assert_eq!(
            props["DefinitionSubstitutions"]["SnsLambdaArn2"],
            json!({"Fn::Sub": "arn:${AWS::Partition}:sns:eu-west-1:${AWS::AccountId}:Lambda"})
        );
        assert_eq!(
            props["DefinitionSubstitutions"]["Region"],
            json!({"Ref": "AWS::Region"})
        );
        let no_rewrite = Options {
            rewrite_placeholders: false,
            ..Options::default()
        };
        let t = export(&ws, &no_rewrite).unwrap();
        let props = &t["Resources"]["MStateMachine"]["Properties"];
        assert_eq!(
            props["Definition"]["States"]["C"]["Arguments"]["TopicArn"],
            "arn:aws:sns:eu-west-1:123456789012:Lambda"
        );
        assert!(props.get("DefinitionSubstitutions").is_none());
    }

    #[test]
    fn intrinsic_lookalikes_travel_as_text() {
        let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true,
            "Result": {"Ref": "not-a-resource", "list": [{"Fn::Join": "x"}]}}}});
        let ws = Workspace::new(vec![Machine::new("Echo", def.clone())]);
        for format in [Format::CloudFormation, Format::Sam] {
            let t = export(
                &ws,
                &Options {
                    format,
                    ..Options::default()
                },
            )
            .unwrap();
            let sm = &t["Resources"]["EchoStateMachine"];
            assert_eq!(sm["Type"], "AWS::StepFunctions::StateMachine", "{format:?}");
            let text = sm["Properties"]["DefinitionString"].as_str().unwrap();
            assert_eq!(serde_json::from_str::<Value>(text).unwrap(), def);
            assert!(sm["Properties"].get("Definition").is_none());
            assert!(t["Resources"].get("EchoRole").is_some(), "{format:?}");
            assert_eq!(
                t["Metadata"]["Stepwise"]["Notes"].as_array().unwrap().len(),
                1
            );
        }
        assert!(!has_intrinsic_lookalike(&json!({"Ref": 1, "Other": 2})));
    }

    #[test]
    fn odd_definition_shapes_export_without_panicking() {
        let odd = [
            json!({}),
            json!({"States": []}),
            json!({"States": {"A": 1, "B": {"Type": 7}}}),
            json!({"States": {"P": {"Type": "Parallel", "Branches": {"x": 1}}}}),
            json!({"States": {"P": {"Type": "Parallel", "Branches": [1, {"States": "x"}]}}}),
            json!({"States": {"M": {"Type": "Map", "ItemProcessor": "x", "ItemReader": 3, "ResultWriter": []}}}),
            json!({"States": {"T": {"Type": "Task", "Resource": 5}}}),
            json!({"States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::", "Parameters": []}}}),
            json!({"States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
                "Parameters": {"StateMachineArn": "arn:aws:states:r:a:stateMachine:"}}}}),
            json!({"States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": "https://sqs..amazonaws.com//"}}}}),
            json!({"States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:",
                "Credentials": "x"}}}),
            json!({"Comment": "ünïcödé arn:aws:states:us-east-1:123456789012:stateMachine:Odd:é arn:"}),
        ];
        for def in odd {
            let ws = Workspace::new(vec![Machine::new("Odd", def.clone())]);
            for format in [Format::CloudFormation, Format::Sam] {
                let t = export(
                    &ws,
                    &Options {
                        format,
                        ..Options::default()
                    },
                )
                .unwrap_or_else(|e| panic!("{def}: {e}"));
                to_yaml(&t).unwrap();
            }
        }
    }

    #[test]
    fn sam_format() {
        let ws = Workspace::new(vec![
            Machine::new("Parent", caller("HelloWorld")),
            Machine::new("HelloWorld", hello()),
        ]);
        let t = export(
            &ws,
            &Options {
                format: Format::Sam,
                ..Options::default()
            },
        )
        .unwrap();
        assert_eq!(t["Transform"], "AWS::Serverless-2016-10-31");
        let sm = &t["Resources"]["ParentStateMachine"];
        assert_eq!(sm["Type"], "AWS::Serverless::StateMachine");
        assert_eq!(sm["Properties"]["Name"], "Parent");
        assert_eq!(
            sm["Properties"]["Policies"][0]["Statement"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        assert!(t["Resources"].get("ParentRole").is_none());
    }

    #[test]
    fn refuses_bad_workspaces() {
        let cases = [
            (Workspace::new(vec![]), "no state machines"),
            (
                Workspace::new(vec![Machine::new("a b", hello())]),
                "cannot be deployed",
            ),
            (
                Workspace::new(vec![Machine::new("A", hello()), Machine::new("A", hello())]),
                "two state machines",
            ),
            (
                Workspace::new(vec![Machine::new("A", json!("{oops"))]),
                "not valid JSON",
            ),
        ];
        for (ws, want) in cases {
            let err = export(&ws, &Options::default()).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
        }
    }

    #[test]
    fn renders_yaml_and_json() {
        let ws = Workspace::new(vec![Machine::new("HelloWorld", hello())]);
        let t = export(&ws, &Options::default()).unwrap();
        let yaml = to_yaml(&t).unwrap();
        assert!(yaml.contains("AWS::StepFunctions::StateMachine"));
        let back: Value = serde_saphyr::from_str(&yaml).unwrap();
        assert_eq!(back, t);
        let back: Value = serde_json::from_str(&to_json(&t)).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn yaml_quotes_yaml_1_1_look_alikes() {
        let tricky = [
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "n",
            "~",
            "null",
            "2020-01-01",
            "12:30:00",
            "0x1F",
            "1_000",
            "0o17",
            ".5",
            "1e3",
            "=",
            "<<",
            "- x",
            "# x",
            "a: b",
            "!Ref x",
            "*x",
            "&x",
            "",
        ];
        let t = json!({"Values": tricky});
        let yaml = to_yaml(&t).unwrap();
        for s in tricky {
            assert!(
                yaml.contains(&format!("- \"{s}\"")) || yaml.contains(&format!("- '{s}'")),
                "{s:?} unquoted in:\n{yaml}"
            );
        }
        let long = "x ".repeat(200);
        let yaml = to_yaml(&json!({"Long": long})).unwrap();
        assert_eq!(yaml.lines().count(), 1, "{yaml}");
        assert_eq!(
            serde_saphyr::from_str::<Value>(&yaml).unwrap()["Long"],
            json!(long)
        );
    }

    #[test]
    fn deploy_commands() {
        assert_eq!(deploy_command("template.yaml", "stepwise-Parent", Format::CloudFormation),
            "aws cloudformation deploy --template-file template.yaml --stack-name stepwise-Parent --capabilities CAPABILITY_IAM");
        assert_eq!(deploy_command("my dir/t.json", "s", Format::Sam),
            "aws cloudformation deploy --template-file 'my dir/t.json' --stack-name s --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND");
        let ws = Workspace::new(vec![Machine::new("order_processor", hello())]);
        assert_eq!(default_stack_name(&ws), "stepwise-order-processor");
    }

    #[test]
    fn formats_parse() {
        assert_eq!("SAM".parse::<Format>(), Ok(Format::Sam));
        assert_eq!(
            "cloudformation".parse::<Format>(),
            Ok(Format::CloudFormation)
        );
        assert!("terraform".parse::<Format>().is_err());
        for f in [Format::CloudFormation, Format::Sam] {
            assert_eq!(f.as_str().parse::<Format>(), Ok(f));
        }
    }
}
