//! What an embed shows: the bar (title, Run, Step, Skip to next timer, Reset, status, clock),
//! the execution picker, errors, the definitions and input, and the panels (graph, output,
//! pending tasks, history). The graph is the playground's own `GraphSvg`, laid out by
//! `graph::layout_definition` and coloured by `history::state_statuses`.
//!
//! The `data-sw-*` attributes are the embed's documented hooks for pages and tests.

use std::rc::Rc;

use stepwise_engine::clock::iso8601;
use stepwise_engine::{ApiError, Engine, ExecutionId, PendingKind};
use stepwise_playground::components::graph_view::{statuses_of, GraphSvg};
use wasm_bindgen::JsCast;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::model::Shared;
use crate::options::pretty;

#[derive(Properties, PartialEq)]
pub struct EmbedProps {
    pub model: Shared,
    /// The `.sw-embed` element this view renders into: it carries `data-sw-idle` and sends
    /// `stepwise-change`.
    pub root: web_sys::Element,
    /// Numbers this embed on the page, for the ids inside it.
    pub id: u32,
}

fn textarea_text(e: &InputEvent) -> String {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
        .map(|t| t.value())
        .unwrap_or_default()
}

/// `Machine:name`, the end of an execution ARN.
fn last_two(arn: &str) -> String {
    let mut parts: Vec<&str> = arn.rsplitn(3, ':').take(2).collect();
    parts.reverse();
    parts.join(":")
}

/// `RUNNING` → `running`, `TIMED_OUT` → `timed out`.
fn status_words(status: &str) -> String {
    if status == "NOT_STARTED" {
        "not started".into()
    } else {
        status.replacen('_', " ", 1).to_lowercase()
    }
}

/// The last error, or an empty hidden box (as the embed always had one).
fn error_view(error: Option<&ApiError>) -> Html {
    let Some(e) = error else {
        return html! { <div class="sw-error" role="alert" hidden=true /> };
    };
    let items = e.diagnostics.iter().map(|d| {
        let place = match (d.line, d.column, &d.location) {
            (Some(l), Some(c), _) => format!(" (line {l}:{c})"),
            (Some(l), None, _) => format!(" (line {l})"),
            (None, _, Some(loc)) => format!(" ({loc})"),
            _ => String::new(),
        };
        html! { <li>{ format!("{}: {}{place}", d.code, d.message) }</li> }
    });
    html! {
        <div class="sw-error" role="alert">
            { format!("{}: {}", e.name, e.message) }
            if !e.diagnostics.is_empty() { <ul>{ for items }</ul> }
        </div>
    }
}

/// Executions for the picker: the newest runs first, each followed by the executions it
/// started (indented, in start order).
fn picker_options(engine: &Engine) -> Vec<(String, String)> {
    fn walk(engine: &Engine, ids: &[ExecutionId], depth: usize, out: &mut Vec<(String, String)>) {
        for &id in ids {
            let e = engine.execution(id);
            let name = if e.name.chars().count() > 24 {
                format!("{}…", e.name.chars().take(8).collect::<String>())
            } else {
                e.name.clone()
            };
            let indent = "\u{a0}\u{a0}".repeat(depth);
            let arrow = if depth > 0 { "↳ " } else { "" };
            let label = format!(
                "{indent}{arrow}{name} · {} · {}",
                e.machine_name,
                e.status.as_str().to_lowercase()
            );
            out.push((e.arn.clone(), label));
            walk(engine, &engine.children(id), depth + 1, out);
        }
    }
    let executions = engine.executions();
    let known = |id: ExecutionId| executions.iter().any(|e| e.id == id);
    let roots: Vec<ExecutionId> = executions
        .iter()
        .rev()
        .filter(|e| e.parent.as_ref().is_none_or(|p| !known(p.execution)))
        .map(|e| e.id)
        .collect();
    let mut out = Vec::new();
    walk(engine, &roots, 0, &mut out);
    out
}

#[function_component]
pub fn EmbedView(props: &EmbedProps) -> Html {
    let force = use_force_update();
    let picker = use_node_ref();
    let history = use_node_ref();
    let model = props.model.clone();
    model.0.borrow_mut().notify = Some(Rc::new(move || force.force_update()));

    let mut guard = model.0.borrow_mut();
    let m = &mut *guard;
    let o = m.opts.clone();
    let status = m.status_of(m.current.as_deref());
    let idle = m.idle();
    let ready = m.ready;
    let edited = m.edited;
    let finished = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"].contains(&status);
    let selected_id = m.selected_id();
    let (machine_arn, exec_text) = {
        let engine = m.engine.borrow();
        let exec = selected_id.map(|id| engine.execution(id));
        let start_arn = engine.machine_arn(&o.start);
        let arn = exec.map_or(start_arn, |e| e.machine_arn.clone());
        (arn, exec.map(|e| e.definition_text.to_string()))
    };
    // The graph of the execution on show, as it ran; else the main machine's.
    let definition = exec_text.or_else(|| {
        m.engine
            .borrow()
            .machine(&machine_arn)
            .map(|mm| mm.definition_text.to_string())
    });
    let layout = definition.and_then(|text| m.layout(&text));

    let act = |f: fn(&Shared)| {
        let model = model.clone();
        Callback::from(move |_: MouseEvent| f(&model))
    };
    let playing = m.playing;
    let run_click = {
        let model = model.clone();
        Callback::from(move |_: MouseEvent| {
            let playing = model.0.borrow().playing;
            if playing {
                model.pause()
            } else {
                model.run()
            }
        })
    };

    let engine = m.engine.borrow();
    let clock = iso8601(engine.now_millis())
        .replacen('T', " ", 1)
        .replacen(".000Z", "Z", 1);
    let options = picker_options(&engine);
    let selected = m.selected.clone().unwrap_or_default();
    let on_pick = {
        let model = model.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
                .map(|s| s.value())
                .unwrap_or_default();
            model.select(Some(value).filter(|v| !v.is_empty()));
        })
    };

    let source = if o.read_only {
        let machines = o.machines.iter().map(|(name, text)| {
            html! { <><div class="sw-label">{ name.clone() }</div><pre class="sw-code">{ pretty(text) }</pre></> }
        });
        html! {
            <details class="sw-source">
                <summary>{ "Definition and input" }</summary>
                { for machines }
                <div class="sw-label">{ "Input" }</div>
                <pre class="sw-code">{ pretty(&o.input_text) }</pre>
            </details>
        }
    } else {
        let editors = o.machines.iter().map(|(name, _)| {
            let (model, key) = (model.clone(), name.clone());
            let oninput = Callback::from(move |e: InputEvent| model.edit_definition(&key, textarea_text(&e)));
            html! {
                <label class="sw-label">{ name.clone() }
                    <textarea class="sw-code" rows="10" spellcheck="false" data-sw-definition={name.clone()}
                        value={m.definitions.get(name).cloned().unwrap_or_default()} {oninput} />
                </label>
            }
        });
        let oninput = {
            let model = model.clone();
            Callback::from(move |e: InputEvent| model.edit_input(textarea_text(&e)))
        };
        html! {
            <details class="sw-source">
                <summary>{ "Edit definition and input" }</summary>
                { for editors }
                <label class="sw-label">{ "Input" }
                    <textarea class="sw-code" rows="4" spellcheck="false" data-sw-input="" value={m.input_text.clone()} {oninput} />
                </label>
            </details>
        }
    };

    let selected_exec = selected_id.map(|id| engine.execution(id));
    let graph = o.has("graph").then(|| {
        let svg = match &layout {
            Some(layout) => {
                let statuses = selected_id.map(|id| statuses_of(&engine, id)).unwrap_or_default();
                let succeeded = selected_exec.is_some_and(|e| e.status.as_str() == "SUCCEEDED");
                html! {
                    <GraphSvg layout={layout.clone()} statuses={Rc::new(statuses)} {succeeded}
                        marker_id={format!("sw-arrow-{}", props.id)} width="100%"
                        style={format!("max-width:{}px;height:auto", layout.width)}
                        label="State machine graph" embed_attrs=true />
                }
            }
            None => html! { <p class="sw-muted">{ "No graph for this definition." }</p> },
        };
        html! { <section class="sw-panel sw-panel-graph" data-sw-panel="graph"><div class="sw-graph">{ svg }</div></section> }
    });

    let output = o.has("output").then(|| {
        let (text, data, failed) = match selected_exec {
            None => ("Press Run to start an execution.".to_string(), String::new(), false),
            Some(e) => {
                let status = e.status.as_str();
                let text = match status {
                    "SUCCEEDED" => e
                        .output
                        .as_ref()
                        .and_then(|v| serde_json::to_string_pretty(v).ok())
                        .unwrap_or_else(|| "null".into()),
                    "RUNNING" => "(running)".into(),
                    _ => {
                        let mut t = status.to_string();
                        if let Some(err) = &e.error {
                            t.push_str(&format!("\nerror: {err}"));
                        }
                        if let Some(cause) = &e.cause {
                            t.push_str(&format!("\ncause: {cause}"));
                        }
                        t
                    }
                };
                (text, status.to_string(), !matches!(status, "SUCCEEDED" | "RUNNING"))
            }
        };
        html! {
            <section class="sw-panel" data-sw-panel="output">
                <h4>{ "Output" }</h4>
                <pre class={classes!("sw-code", "sw-output", failed.then_some("sw-output-failed"))} data-sw-output={data}>{ text }</pre>
            </section>
        }
    });

    let pending = engine.pending_tasks();
    let tokens = o.has("tokens").then(|| {
        let list = if pending.is_empty() {
            html! { <p class="sw-muted">{ "No task is waiting." }</p> }
        } else {
            pending
                .iter()
                .map(|t| {
                    let exec_name = last_two(&t.execution_arn);
                    let kind = if t.kind == PendingKind::Callback { "task token" } else { "no mock" };
                    let value = m.task_outputs.get(&t.token).cloned().unwrap_or_else(|| o.task_output_text.clone());
                    let oninput = {
                        let (model, token) = (model.clone(), t.token.clone());
                        Callback::from(move |e: InputEvent| model.edit_task_output(&token, textarea_text(&e)))
                    };
                    let send = |success: bool| {
                        let (model, token) = (model.clone(), t.token.clone());
                        Callback::from(move |_: MouseEvent| model.send_task(&token, success))
                    };
                    html! {
                        <div class="sw-token" data-sw-token={t.token.clone()} key={t.token.clone()}>
                            <div><strong>{ t.state_name.clone() }</strong><span class="sw-muted">{ format!(" · {exec_name} · {kind}") }</span></div>
                            <textarea class="sw-code" rows="2" spellcheck="false" readonly={o.read_only} aria-label="Output to send" {value} {oninput} />
                            <div class="sw-token-actions">
                                <button type="button" data-sw-action="task-success" onclick={send(true)}>{ o.success_label.clone() }</button>
                                <button type="button" data-sw-action="task-failure" onclick={send(false)}>{ "Send failure" }</button>
                            </div>
                        </div>
                    }
                })
                .collect::<Html>()
        };
        html! { <section class="sw-panel" data-sw-panel="tokens"><h4>{ "Pending tasks" }</h4><div class="sw-tokens">{ list }</div></section> }
    });

    let history_panel = o.has("history").then(|| {
        let rows = selected_exec.into_iter().flat_map(|e| {
            e.history.iter().map(move |ev| {
                let offset = (ev.timestamp_millis - e.start_millis) as f64 / 1000.0;
                html! {
                    <li data-sw-event={ev.event_type.as_str()}>
                        <span class="sw-event-id">{ ev.id }</span>
                        <span class="sw-event-type">{ ev.event_type.as_str() }</span>
                        <span class="sw-event-state">{ ev.details.str("name").unwrap_or("").to_string() }</span>
                        <span class="sw-event-time">{ format!("+{offset:.1}s") }</span>
                    </li>
                }
            })
        });
        html! { <section class="sw-panel" data-sw-panel="history"><h4>{ "History" }</h4><ol class="sw-history" ref={history.clone()}>{ for rows }</ol></section> }
    });
    drop(engine);

    let side = (output.is_some() || tokens.is_some() || history_panel.is_some()).then(
        || html! { <div class="sw-side">{ for output }{ for tokens }{ for history_panel }</div> },
    );
    let option_list = if options.is_empty() {
        html! { <option value="" selected=true>{ "no execution yet" }</option> }
    } else {
        options
            .iter()
            .map(|(value, label)| html! { <option value={value.clone()} selected={*value == selected}>{ label.clone() }</option> })
            .collect::<Html>()
    };

    // After each render: the picker shows the selection, the history its end, and the page
    // hears what changed.
    {
        let (root, picker, history) = (props.root.clone(), picker.clone(), history.clone());
        let current = m.current.clone();
        let selected = selected.clone();
        use_effect(move || {
            if let Some(select) = picker.cast::<HtmlSelectElement>() {
                select.set_value(&selected);
            }
            if let Some(list) = history.cast::<web_sys::Element>() {
                list.set_scroll_top(list.scroll_height());
            }
            let _ = root.set_attribute("data-sw-idle", idle);
            crate::announce(&root, current.as_deref(), status, idle);
        });
    }

    html! {
        <>
            <div class="sw-bar">
                <strong class="sw-title">{ o.title.clone() }</strong>
                <button type="button" data-sw-action="run" disabled={!ready && !edited} onclick={run_click}>{ if playing { "Pause" } else { "▶ Run" } }</button>
                <button type="button" data-sw-action="step" disabled={(!ready || finished) && !edited} onclick={act(Shared::step)}>{ "Step" }</button>
                <button type="button" data-sw-action="next-timer" hidden={idle != "WaitingForTimer"} title="Move the virtual clock to the next timer" onclick={act(Shared::skip_to_timer)}>{ "Skip to next timer" }</button>
                <button type="button" data-sw-action="reset" onclick={act(Shared::reset)}>{ "Reset" }</button>
                <span class="sw-status" data-sw-status={status}>{ status_words(status) }</span>
                <span class="sw-clock" title="virtual clock">{ clock }</span>
            </div>
            <div class="sw-bar sw-bar-sub">
                <span class="sw-label">{ "Execution" }</span>
                <select class="sw-picker" aria-label="Execution to show" data-sw-picker="" ref={picker} disabled={options.is_empty()} onchange={on_pick}>
                    { option_list }
                </select>
            </div>
            { error_view(m.error.as_ref()) }
            { source }
            <div class="sw-panels">{ for graph }{ for side }</div>
        </>
    }
}
