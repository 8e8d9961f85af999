//! The executions tree (parents with the children they started) and the breadcrumb above the
//! graph that leads back from a child to its parent's Task state.

use stepwise_engine::{Engine, Execution, ExecutionId};
use yew::prelude::*;

use crate::components::graph_view::find_exec;
use crate::context::use_workspace;
use crate::state::use_ui;

pub fn status_class(status: &str) -> &'static str {
    match status {
        "RUNNING" => "badge running",
        "SUCCEEDED" => "badge succeeded",
        "FAILED" => "badge failed",
        "TIMED_OUT" => "badge failed",
        "ABORTED" => "badge aborted",
        _ => "badge",
    }
}

pub fn status_label(status: &str) -> String {
    match status {
        "RUNNING" => "Running",
        "SUCCEEDED" => "Succeeded",
        "FAILED" => "Failed",
        "TIMED_OUT" => "Timed out",
        "ABORTED" => "Aborted",
        other => other,
    }
    .to_string()
}

/// What one item of the executions tree shows: local, recorded and replayed executions alike.
pub struct ExecItem<'a> {
    pub id: ExecutionId,
    pub exec: &'a Execution,
    /// `exec-<machine>`, or `rec-exec-<machine>` for a recorded or replayed one.
    pub testid: String,
    /// `data-source` of a recorded or replayed execution.
    pub source: Option<&'static str>,
    pub title: String,
    /// Badges after its status (waiting for a token, version, redriven; recorded, replay).
    pub badges: Html,
    pub name: String,
    /// The parent's state that started it.
    pub started_by: Option<String>,
    pub depth: usize,
    pub selected: bool,
    pub on_select: &'a Callback<ExecutionId>,
    /// The items of the executions it started.
    pub children: Option<Html>,
}

/// One item of the executions tree; a click selects the execution.
pub fn exec_item(i: ExecItem<'_>) -> Html {
    let status = i.exec.status.as_str();
    let onclick = {
        let (cb, id) = (i.on_select.clone(), i.id);
        Callback::from(move |_| cb.emit(id))
    };
    let started_by = i.started_by.map(|s| format!(" ← {s}")).unwrap_or_default();
    html! {
        <li>
            <button class={classes!("exec", i.selected.then_some("selected"))}
                data-testid={i.testid} data-source={i.source} data-exec-name={i.exec.name.clone()}
                data-status={status} style={format!("padding-left:{}px", 8 + i.depth * 14)} {onclick}
                title={i.title}>
                <span class={status_class(status)}>{ status_label(status) }</span>
                { i.badges }
                <span class="exec-machine">{ i.exec.machine_name.clone() }</span>
                <span class="exec-name">{ i.name }{ started_by }</span>
            </button>
            if let Some(children) = i.children { <ul>{ children }</ul> }
        </li>
    }
}

fn node(
    engine: &Engine,
    waiting: &[ExecutionId],
    id: ExecutionId,
    selected: Option<ExecutionId>,
    on_select: &Callback<ExecutionId>,
    depth: usize,
) -> Html {
    let Some(exec) = find_exec(engine, id) else {
        return html! {};
    };
    let children = engine.children(id);
    let badges = html! {
        <>
            if waiting.contains(&id) { <span class="badge waiting" title="Waiting for a task token">{ "token" }</span> }
            if let Some(v) = &exec.origin.version_arn {
                <span class="badge version" data-testid="exec-version"
                    title={exec.origin.alias_arn.clone().unwrap_or_else(|| v.clone())}>
                    { version_label(v, exec.origin.alias_arn.as_deref()) }
                </span>
            }
            if exec.redrive_count > 0 {
                <span class="badge redriven" data-testid="exec-redriven" title="RedriveExecution resumed it where it stopped">
                    { format!("redriven ×{}", exec.redrive_count) }
                </span>
            }
        </>
    };
    exec_item(ExecItem {
        id,
        exec,
        testid: format!("exec-{}", exec.machine_name),
        source: None,
        title: exec.arn.clone(),
        badges,
        name: short_name(&exec.name),
        started_by: exec.parent.as_ref().and_then(|p| p.state_name.clone()),
        depth,
        selected: selected == Some(id),
        on_select,
        children: (!children.is_empty()).then(|| {
            children
                .iter()
                .map(|c| node(engine, waiting, *c, selected, on_select, depth + 1))
                .collect()
        }),
    })
}

/// `v3`, or `live · v3` for an execution started through an alias.
fn version_label(version_arn: &str, alias_arn: Option<&str>) -> String {
    let n = crate::workspace::version_number(version_arn);
    match alias_arn.and_then(|a| a.rsplit(':').next()) {
        Some(alias) => format!("{alias} · v{n}"),
        None => format!("v{n}"),
    }
}

fn short_name(name: &str) -> String {
    if name.len() > 14 && name.chars().filter(|c| *c == '-').count() == 4 {
        format!("{}…", &name[..8])
    } else {
        name.to_string()
    }
}

#[function_component]
pub fn ExecutionsTree() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let on_select = {
        let (ui, ws) = (ui.clone(), ws.clone());
        Callback::from(move |id: ExecutionId| crate::hooks::select_execution(&ws, &ui, id, None))
    };
    let w = ws.read();
    let engine = w.engine();
    let roots: Vec<ExecutionId> = engine
        .executions()
        .iter()
        .filter(|e| e.parent.is_none())
        .map(|e| e.id)
        .collect();
    let waiting: Vec<ExecutionId> = crate::workspace::outside_tasks(engine)
        .iter()
        .map(|p| p.execution)
        .collect();
    html! {
        <section class="panel tree" data-testid="executions" aria-label="Executions">
            <h2>{ "Executions" }</h2>
            if roots.is_empty() && !crate::components::recording::has_recorded(&w) {
                <p class="empty">{ "No execution yet. Press Start (N)." }</p>
            } else {
                <ul class="exec-tree">
                    { for roots.iter().rev().map(|r| node(engine, &waiting, *r, ui.execution, &on_select, 0)) }
                    <crate::components::recording::RecordedNodes on_select={on_select.clone()} />
                </ul>
            }
        </section>
    }
}

#[function_component]
pub fn Breadcrumb() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let Some(id) = ui.execution else {
        return html! { <nav class="breadcrumb" data-testid="breadcrumb" /> };
    };
    let w = ws.read();
    let mut chain: Vec<(ExecutionId, String, Option<String>)> = Vec::new();
    // Each entry carries the Task state of its parent that started it.
    let mut cur = Some(id);
    while let Some(c) = cur {
        let Some(e) = crate::recorded::exec(&w, c) else {
            break;
        };
        let parent = crate::recorded::parent(&w, c);
        let via = parent.as_ref().and_then(|p| p.1.clone());
        chain.push((
            c,
            format!("{} · {}", e.machine_name, short_name(&e.name)),
            via,
        ));
        cur = parent.map(|p| p.0);
        if chain.len() > 64 {
            break;
        }
    }
    chain.reverse();
    let items: Html = chain
        .iter()
        .enumerate()
        .map(|(i, (eid, label, _))| {
            let last = i + 1 == chain.len();
            let ui2 = ui.clone();
            let ws2 = ws.clone();
            let eid = *eid;
            let next_via = chain.get(i + 1).and_then(|n| n.2.clone());
            let go = {
                let via = next_via.clone();
                Callback::from(move |_| crate::hooks::select_execution(&ws2, &ui2, eid, via.clone()))
            };
            html! {
                <>
                    if last {
                        <span class="crumb current" data-testid="crumb-current">{ label.clone() }</span>
                    } else {
                        <button class="crumb" data-testid={format!("crumb-{i}")} onclick={go}>{ label.clone() }</button>
                        <span class="crumb-sep">{ "›" }</span>
                        if let Some(s) = next_via.clone() {
                            <span class="crumb-state" title="The Task state that started the next execution">{ s }</span>
                            <span class="crumb-sep">{ "›" }</span>
                        }
                    }
                </>
            }
        })
        .collect();
    html! { <nav class="breadcrumb" data-testid="breadcrumb" aria-label="Execution path">{ items }</nav> }
}
