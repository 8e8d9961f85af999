//! `stepwise calls FILE`: a script of Step Functions API calls, run in order against one engine.
//!
//! The file is a JSON array of calls, each `{"action": "StartExecution", "input": {...}}` with
//! AWS's action names and request fields (camelCase, as the AWS CLI's `--cli-input-json` takes
//! them), plus a few of Stepwise's own to move time along (`RunUntilIdle`, `Settle`,
//! `AdvanceTime`, `ListPendingTasks`, `SetMockConfig`). A call may carry an `"id"`; a later
//! string `"${id.path.to.field}"` (or `"${3.executionArn}"`, by position from 0) stands for that
//! field of its answer, so that generated ARNs and task tokens can be used. What it prints: one
//! JSON array with each call's `output`, or its `error` as AWS names it (`{"name", "message"}`).
//! It stops at the first error unless `--keep-going`; the exit code is 1 when a call failed.
//!
//! Why a script rather than one subcommand per call: the engine lives only as long as the
//! process, so versions, aliases and redrives (which act on what earlier calls made) are only
//! reachable when the calls share one run.

use crate::sources::{parse_type, read};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::process::ExitCode;
use stepwise_asl::validate::MachineType;
use stepwise_engine::api::names;
use stepwise_engine::clock::iso8601;
use stepwise_engine::versions::Route;
use stepwise_engine::{ApiError, Engine, EngineConfig};

/// The most calls one file may hold, and the most steps one `RunUntilIdle` or `Settle` takes.
const MAX_CALLS: usize = 100_000;
const MAX_STEPS: usize = 50_000_000;
/// `RunUntilIdle`'s budget when the call names none (as the JS API's `runUntilIdle()`).
const DEFAULT_BUDGET: usize = 10_000;

pub const USAGE: &str = "  stepwise calls FILE.json [--keep-going] [--seed N]
    FILE: a JSON array of {\"action\": \"CreateStateMachine\" | \"StartExecution\" | \"RedriveExecution\" | ..., \"input\": {...}, \"id\"?: NAME}
          run in order against one engine; \"${NAME.field}\" in a later input stands for that field of NAME's answer
          Stepwise's own actions: RunUntilIdle {budget?}, Settle {maxSteps?}, AdvanceTime {seconds}, ListPendingTasks, SetMockConfig {config}";

pub fn calls_cmd(args: &[String]) -> Result<ExitCode, String> {
    let mut file = None;
    let mut keep_going = false;
    let mut config = EngineConfig::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--keep-going" => keep_going = true,
            "--seed" => {
                let n = it.next().ok_or("--seed needs a number")?;
                config.seed = n.parse().map_err(|_| format!("bad number {n}"))?;
            }
            other if file.is_none() && !other.starts_with("--") => file = Some(other.to_owned()),
            other => return Err(format!("unexpected argument {other}\nusage:\n{USAGE}")),
        }
    }
    let file = file.ok_or_else(|| format!("usage:\n{USAGE}"))?;
    let text = read(&file)?;
    let script: Value =
        serde_json::from_str(&text).map_err(|e| format!("{file}: not JSON: {e}"))?;
    let calls = script
        .as_array()
        .ok_or_else(|| format!("{file}: expected a JSON array of calls"))?;
    if calls.len() > MAX_CALLS {
        return Err(format!("{file}: more than {MAX_CALLS} calls"));
    }
    let mut engine = Engine::new(config);
    let mut answers: Vec<Value> = Vec::new();
    let mut named: BTreeMap<String, usize> = BTreeMap::new();
    let mut printed = Vec::new();
    let mut failed = false;
    for (n, c) in calls.iter().enumerate() {
        let action = c.get("action").and_then(Value::as_str).unwrap_or("");
        let result = match c.get("input").cloned().unwrap_or_else(|| json!({})) {
            input @ Value::Object(_) => {
                resolve(input, &answers, &named).and_then(|input| call(&mut engine, action, &input))
            }
            _ => Err(ApiError::new(
                names::VALIDATION,
                format!("call {n}: input must be an object"),
            )),
        };
        let mut entry = Map::new();
        entry.insert("action".into(), json!(action));
        if let Some(id) = c.get("id").and_then(Value::as_str) {
            entry.insert("id".into(), json!(id));
            named.insert(id.to_owned(), n);
        }
        match result {
            Ok(out) => {
                entry.insert("output".into(), out.clone());
                answers.push(out);
            }
            Err(e) => {
                failed = true;
                entry.insert(
                    "error".into(),
                    json!({"name": e.name, "message": e.message}),
                );
                answers.push(Value::Null);
            }
        }
        printed.push(Value::Object(entry));
        if failed && !keep_going {
            break;
        }
    }
    let text = serde_json::to_string_pretty(&printed).map_err(|e| e.to_string())?;
    println!("{text}");
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Replaces each string `"${name.path}"` by what it names in an earlier answer.
fn resolve(
    v: Value,
    answers: &[Value],
    named: &BTreeMap<String, usize>,
) -> Result<Value, ApiError> {
    Ok(match v {
        Value::String(s) => match s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
            Some(path) => lookup(path, answers, named)?,
            None => Value::String(s),
        },
        Value::Array(a) => Value::Array(
            a.into_iter()
                .map(|x| resolve(x, answers, named))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, x)| Ok((k, resolve(x, answers, named)?)))
                .collect::<Result<_, ApiError>>()?,
        ),
        other => other,
    })
}

fn lookup(
    path: &str,
    answers: &[Value],
    named: &BTreeMap<String, usize>,
) -> Result<Value, ApiError> {
    let missing = || {
        ApiError::new(
            names::VALIDATION,
            format!("${{{path}}} names no field of an earlier answer"),
        )
    };
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or("");
    let index = match named.get(first) {
        Some(i) => *i,
        None => first.parse::<usize>().map_err(|_| missing())?,
    };
    let mut v = answers.get(index).ok_or_else(missing)?;
    for p in parts {
        v = match v {
            Value::Array(a) => p.parse::<usize>().ok().and_then(|i| a.get(i)),
            Value::Object(o) => o.get(p),
            _ => None,
        }
        .ok_or_else(missing)?;
    }
    Ok(v.clone())
}

fn text<'a>(i: &'a Value, key: &str) -> Option<&'a str> {
    i.get(key).and_then(Value::as_str)
}

fn required<'a>(i: &'a Value, key: &str) -> Result<&'a str, ApiError> {
    text(i, key).ok_or_else(|| {
        ApiError::new(
            names::VALIDATION,
            format!("1 validation error detected: Value null at '{key}' failed to satisfy constraint: Member must not be null"),
        )
    })
}

/// A JSON document given either as its text (as AWS takes it) or as JSON itself.
fn json_text(i: &Value, key: &str) -> Option<String> {
    match i.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn flag(i: &Value, key: &str) -> bool {
    i.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn count(i: &Value, key: &str, default: usize, max: usize) -> Result<usize, ApiError> {
    match i.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(v) => v
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .filter(|n| *n <= max)
            .ok_or_else(|| {
                ApiError::new(
                    names::VALIDATION,
                    format!("{key} must be a whole number from 0 to {max}"),
                )
            }),
    }
}

fn routes(i: &Value) -> Result<Option<Vec<Route>>, ApiError> {
    let Some(list) = i.get("routingConfiguration") else {
        return Ok(None);
    };
    let bad = || {
        ApiError::new(
            names::VALIDATION,
            "routingConfiguration must be a list of {stateMachineVersionArn, weight}",
        )
    };
    list.as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|r| {
            Ok(Route {
                version_arn: text(r, "stateMachineVersionArn")
                    .ok_or_else(bad)?
                    .to_owned(),
                weight: r.get("weight").and_then(Value::as_i64).ok_or_else(bad)?,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// An engine answer (the engine's own JSON type) as the CLI prints it.
fn out(v: stepwise_json::Value) -> Value {
    serde_json::to_value(&v).unwrap_or(Value::Null)
}

/// One call: AWS's action name and request, the answer AWS would give.
fn call(engine: &mut Engine, action: &str, i: &Value) -> Result<Value, ApiError> {
    let empty = || Ok(json!({}));
    match action {
        "CreateStateMachine" => {
            let ty = match text(i, "type") {
                None => MachineType::Standard,
                Some(t) => parse_type(t).map_err(|m| ApiError::new(names::VALIDATION, m))?,
            };
            let definition = json_text(i, "definition").unwrap_or_default();
            let (arn, version) = engine.create_state_machine_publishing(
                required(i, "name")?,
                &definition,
                ty,
                flag(i, "publish"),
                text(i, "versionDescription"),
            )?;
            let created = engine.describe_state_machine(&arn)?;
            let mut o =
                json!({"stateMachineArn": arn, "creationDate": out(created)["creationDate"]});
            if let Some(v) = version {
                o["stateMachineVersionArn"] = json!(v);
            }
            Ok(o)
        }
        "UpdateStateMachine" => {
            let definition = json_text(i, "definition").unwrap_or_default();
            let updated = engine.update_state_machine_publishing(
                required(i, "stateMachineArn")?,
                &definition,
                flag(i, "publish"),
                text(i, "versionDescription"),
            )?;
            let mut o = json!({"updateDate": iso8601(engine.now_millis())});
            if let Some(r) = updated.revision_id {
                o["revisionId"] = json!(r);
            }
            if let Some(v) = updated.version_arn {
                o["stateMachineVersionArn"] = json!(v);
            }
            Ok(o)
        }
        "DeleteStateMachine" => engine
            .delete_state_machine(required(i, "stateMachineArn")?)
            .and_then(|_| empty()),
        "DescribeStateMachine" => engine
            .describe_state_machine(required(i, "stateMachineArn")?)
            .map(out),
        "ListStateMachines" => Ok(out(engine.list_state_machines())),
        "StartExecution" => {
            let id = engine.start_execution(
                required(i, "stateMachineArn")?,
                text(i, "name"),
                json_text(i, "input").as_deref(),
            )?;
            let e = engine.execution(id);
            Ok(json!({"executionArn": e.arn, "startDate": iso8601(e.start_millis)}))
        }
        "StopExecution" => {
            let arn = required(i, "executionArn")?;
            engine.stop_execution(arn, text(i, "error"), text(i, "cause"))?;
            let stop = engine
                .execution_by_arn(arn)
                .and_then(|id| engine.execution(id).stop_millis)
                .unwrap_or_else(|| engine.now_millis());
            Ok(json!({"stopDate": iso8601(stop)}))
        }
        "DescribeExecution" => engine
            .describe_execution(required(i, "executionArn")?)
            .map(out),
        "ListExecutions" => engine
            .list_executions_filtered(
                text(i, "stateMachineArn"),
                text(i, "statusFilter"),
                text(i, "redriveFilter"),
            )
            .map(out),
        "GetExecutionHistory" => engine
            .get_execution_history(
                required(i, "executionArn")?,
                flag(i, "reverseOrder"),
                i.get("includeExecutionData")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
            )
            .map(out),
        "RedriveExecution" => engine
            .redrive_execution(required(i, "executionArn")?, text(i, "clientToken"))
            .map(out),
        "DescribeStateMachineForExecution" => engine
            .describe_state_machine_for_execution(required(i, "executionArn")?)
            .map(out),
        "PublishStateMachineVersion" => {
            let (arn, created) = engine.publish_state_machine_version(
                required(i, "stateMachineArn")?,
                text(i, "revisionId"),
                text(i, "description"),
            )?;
            Ok(json!({"creationDate": iso8601(created), "stateMachineVersionArn": arn}))
        }
        "ListStateMachineVersions" => engine
            .list_state_machine_versions(required(i, "stateMachineArn")?)
            .map(out),
        "DeleteStateMachineVersion" => engine
            .delete_state_machine_version(required(i, "stateMachineVersionArn")?)
            .and_then(|_| empty()),
        "CreateStateMachineAlias" => {
            let routing = routes(i)?.unwrap_or_default();
            engine
                .create_state_machine_alias(required(i, "name")?, text(i, "description"), &routing)
                .map(out)
        }
        "UpdateStateMachineAlias" => {
            let routing = routes(i)?;
            engine
                .update_state_machine_alias(
                    required(i, "stateMachineAliasArn")?,
                    text(i, "description"),
                    routing.as_deref(),
                )
                .map(out)
        }
        "DescribeStateMachineAlias" => engine
            .describe_state_machine_alias(required(i, "stateMachineAliasArn")?)
            .map(out),
        "ListStateMachineAliases" => engine
            .list_state_machine_aliases(required(i, "stateMachineArn")?)
            .map(out),
        "DeleteStateMachineAlias" => engine
            .delete_state_machine_alias(required(i, "stateMachineAliasArn")?)
            .and_then(|_| empty()),
        "SendTaskSuccess" => {
            let output = json_text(i, "output").unwrap_or_else(|| "null".into());
            engine
                .send_task_success(required(i, "taskToken")?, &output)
                .and_then(|_| empty())
        }
        "SendTaskFailure" => engine
            .send_task_failure(
                required(i, "taskToken")?,
                text(i, "error"),
                text(i, "cause"),
            )
            .and_then(|_| empty()),
        "SendTaskHeartbeat" => engine
            .send_task_heartbeat(required(i, "taskToken")?)
            .and_then(|_| empty()),
        // Stepwise's own: the engine moves only when asked to.
        "RunUntilIdle" => {
            let budget = count(i, "budget", DEFAULT_BUDGET, MAX_STEPS)?;
            Ok(engine.run_until_idle(budget).to_json())
        }
        "Settle" => {
            let steps = count(i, "maxSteps", MAX_STEPS, MAX_STEPS)?;
            Ok(engine.settle(steps).to_json())
        }
        "AdvanceTime" => {
            let seconds = i
                .get("seconds")
                .and_then(Value::as_f64)
                .filter(|s| s.is_finite() && *s >= 0.0)
                .ok_or_else(|| {
                    ApiError::new(names::VALIDATION, "seconds must be a number of at least 0")
                })?;
            engine.advance_clock((seconds * 1000.0).min(i64::MAX as f64) as i64);
            Ok(json!({"now": iso8601(engine.now_millis())}))
        }
        "ListPendingTasks" => {
            let tasks: Vec<Value> = engine.pending_tasks().iter().map(|t| t.to_json()).collect();
            Ok(json!({ "tasks": tasks }))
        }
        "SetMockConfig" => {
            let config = i.get("config").cloned().unwrap_or(Value::Null);
            engine
                .set_mock_config(&stepwise_json::Value::from(config))
                .and_then(|_| empty())
        }
        "" => Err(ApiError::new(names::VALIDATION, "a call needs an action")),
        other => Err(ApiError::new(
            "UnknownOperationException",
            format!("Unknown action {other}"),
        )),
    }
}
