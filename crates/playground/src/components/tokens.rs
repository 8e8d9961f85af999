//! Pending task tokens (callbacks and unmocked tasks) with forms to answer them, the mocks
//! editor (Step Functions Local mock-config format) and the execution input editor.

use stepwise_engine::{PendingKind, PendingTask};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::editor::CodeEditor;
use crate::components::graph_view::find_exec;
use crate::context::use_workspace;
use crate::history::{format_clock, format_elapsed};
use crate::state::{use_ui, Action, Level};

fn json_error_line(text: &str) -> (Vec<u32>, Option<String>) {
    if text.trim().is_empty() {
        return (Vec::new(), None);
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => (Vec::new(), None),
        Err(e) => (vec![e.line() as u32], Some(e.to_string())),
    }
}

#[derive(Properties, PartialEq)]
struct TokenRowProps {
    task: PendingTaskView,
    now: i64,
}

/// The part of a `PendingTask` the row shows (owned, comparable props).
#[derive(Clone, PartialEq)]
struct PendingTaskView {
    token: String,
    execution_label: String,
    execution: stepwise_engine::ExecutionId,
    state: String,
    resource: String,
    input: String,
    since: i64,
    heartbeat: Option<i64>,
    timeout: Option<i64>,
    manual: bool,
}

impl PendingTaskView {
    fn new(p: &PendingTask, label: String) -> Self {
        PendingTaskView {
            token: p.token.clone(),
            execution_label: label,
            execution: p.execution,
            state: p.state_name.clone(),
            resource: p.resource.clone(),
            input: serde_json::to_string_pretty(&p.input).unwrap_or_default(),
            since: p.since_millis,
            heartbeat: p.heartbeat_deadline_millis,
            timeout: p.timeout_deadline_millis,
            manual: p.kind == PendingKind::Manual,
        }
    }
}

#[function_component]
fn TokenRow(props: &TokenRowProps) -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let output = use_state(|| "{}".to_string());
    let error = use_state(String::new);
    let cause = use_state(String::new);
    let t = &props.task;
    let report = {
        let ui = ui.clone();
        move |r: Result<(), String>, ok: String| match r {
            Ok(()) => ui.dispatch(Action::Notify(Level::Info, ok)),
            Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
        }
    };
    let on_success = {
        let (ws, output, token, report) =
            (ws.clone(), output.clone(), t.token.clone(), report.clone());
        Callback::from(move |_| {
            let r = ws.update(|w| w.send_success(&token, &output));
            report(
                r,
                "SendTaskSuccess sent. Step or run to see the parent continue.".into(),
            );
        })
    };
    let on_failure = {
        let (ws, error, cause, token, report) = (
            ws.clone(),
            error.clone(),
            cause.clone(),
            t.token.clone(),
            report.clone(),
        );
        Callback::from(move |_| {
            let r = ws.update(|w| w.send_failure(&token, &error, &cause));
            report(r, "SendTaskFailure sent.".into());
        })
    };
    let on_heartbeat = {
        let (ws, token, report) = (ws.clone(), t.token.clone(), report.clone());
        Callback::from(move |_| {
            let r = ws.update(|w| w.send_heartbeat(&token));
            report(r, "SendTaskHeartbeat sent.".into());
        })
    };
    let on_open = {
        let (ui, ws, id) = (ui.clone(), ws.clone(), t.execution);
        let state = t.state.clone();
        Callback::from(move |_| crate::hooks::select_execution(&ws, &ui, id, Some(state.clone())))
    };
    let (err_lines, err_msg) = json_error_line(&output);
    let text_input = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |e: InputEvent| {
            h.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let on_output = {
        let output = output.clone();
        Callback::from(move |s: String| output.set(s))
    };
    html! {
        <li class="token" data-testid="pending-token" data-state={t.state.clone()}>
            <div class="token-head">
                <span class={classes!("badge", if t.manual { "manual" } else { "waiting" })}>{ if t.manual { "Manual task" } else { "Callback" } }</span>
                <button class="link" onclick={on_open}>{ format!("{} › {}", t.execution_label, t.state) }</button>
                <span class="muted">{ format!("waiting {}", format_elapsed(props.now - t.since)) }</span>
                if let Some(hb) = t.heartbeat { <span class="muted" title={format_clock(hb)}>{ format!("heartbeat due in {}", format_elapsed(hb - props.now)) }</span> }
                if let Some(to) = t.timeout { <span class="muted" title={format_clock(to)}>{ format!("times out in {}", format_elapsed(to - props.now)) }</span> }
            </div>
            <div class="token-body">
                <div class="token-sent">
                    <h3>{ "Sent by the task" }</h3>
                    <p class="mono small muted resource">{ t.resource.clone() }</p>
                    <pre class="json">{ t.input.clone() }</pre>
                    <p class="mono small token-text" title="Task token">{ t.token.clone() }</p>
                </div>
                <div class="token-answer">
                    <h3>{ "Output (SendTaskSuccess)" }</h3>
                    <CodeEditor value={AttrValue::from((*output).clone())} oninput={on_output} testid="token-output"
                        label="Task output JSON" error_lines={err_lines} />
                    if let Some(m) = err_msg { <p class="field-error">{ m }</p> }
                    <div class="row">
                        <button class="primary" data-testid="send-success" onclick={on_success}>{ "Send success" }</button>
                        <button data-testid="send-heartbeat" onclick={on_heartbeat}>{ "Send heartbeat" }</button>
                    </div>
                    <div class="row">
                        <input data-testid="failure-error" placeholder="Error (e.g. Rejected)" value={(*error).clone()} oninput={text_input(&error)} />
                        <input data-testid="failure-cause" placeholder="Cause" value={(*cause).clone()} oninput={text_input(&cause)} />
                        <button class="danger" data-testid="send-failure" onclick={on_failure}>{ "Send failure" }</button>
                    </div>
                </div>
            </div>
        </li>
    }
}

#[function_component]
pub fn PendingTokens() -> Html {
    let ws = use_workspace();
    let w = ws.read();
    let engine = w.engine();
    let now = engine.now_millis();
    let tasks: Vec<PendingTaskView> = crate::workspace::outside_tasks(engine)
        .iter()
        .map(|p| {
            let label = find_exec(engine, p.execution)
                .map(|e| e.machine_name.clone())
                .unwrap_or_default();
            PendingTaskView::new(p, label)
        })
        .collect();
    html! {
        <div class="tokens" data-testid="tokens">
            if tasks.is_empty() {
                <p class="empty">{ "No task is waiting. Callback tasks (.waitForTaskToken) and tasks with no mock appear here to be completed by hand." }</p>
            } else {
                <ul>{ for tasks.into_iter().map(|t| { let key = t.token.clone(); html! { <TokenRow {key} task={t} {now} /> } }) }</ul>
            }
        </div>
    }
}

#[function_component]
pub fn MocksEditor() -> Html {
    let ws = use_workspace();
    let text = ws.read().mocks.clone();
    let (err_lines, err_msg) = json_error_line(&text);
    let oninput = {
        let ws = ws.clone();
        use_callback((), move |t: String, _| ws.update(|w| w.set_mocks(t)))
    };
    html! {
        <div class="mocks" data-testid="mocks">
            <p class="muted small">
                { "Mocked answers for tasks, in the Step Functions Local mock-config format ({\"StateMachines\": {...}, \"MockedResponses\": {...}}). Applied at the next Start; tasks without a mock wait for you in Pending tokens." }
            </p>
            <CodeEditor value={AttrValue::from(text)} {oninput} testid="mocks-text" label="Mock config JSON"
                error_lines={err_lines} placeholder="{ }" />
            if let Some(m) = err_msg { <p class="field-error" data-testid="mocks-error">{ m }</p> }
        </div>
    }
}

/// Where the Input panel's open or closed state is kept between page loads.
pub const INPUT_OPEN_KEY: &str = "stepwise.input.open";

/// The execution input, under a disclosure: closed, it is one line (its text in short, and
/// whether it is valid JSON) and the definition editor above takes the room.
#[function_component]
pub fn InputEditor() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let open = ui.input_open;
    let text = ws.read().input.clone();
    let (err_lines, err_msg) = json_error_line(&text);
    let oninput = {
        let ws = ws.clone();
        use_callback((), move |t: String, _| ws.update(|w| w.set_input(t)))
    };
    let on_format = {
        let (ws, text) = (ws.clone(), text.clone());
        Callback::from(move |_| {
            if let Ok(f) = crate::highlight::format_json(&text) {
                ws.update(|w| w.set_input(f));
            }
        })
    };
    let on_toggle = Callback::from(move |_: MouseEvent| {
        crate::storage::write(INPUT_OPEN_KEY, if open { "0" } else { "1" });
        ui.dispatch(Action::ShowInput(!open));
    });
    // Closed, the start of the text stands for it, on one line (CSS folds its spaces and
    // cuts the rest).
    let summary: String = text.chars().take(200).collect();
    html! {
        <section class={classes!("panel", "input", (!open).then_some("closed"))} data-testid="input-panel" aria-label="Execution input">
            <div class="toolbar">
                <h2><button class="disclosure" data-testid="input-toggle" aria-expanded={open.to_string()} aria-controls="input-body"
                    onclick={on_toggle}>
                    <span aria-hidden="true">{ if open { "▾ " } else { "▸ " } }</span>{ "Input" }</button></h2>
                if !open { <code class="input-summary" data-testid="input-summary">{ summary }</code> }
                <span class="spacer" />
                if let Some(m) = err_msg.clone() { <span class="field-error" data-testid="input-error" title={m.clone()}>{ "✕ invalid JSON" }</span> }
                else { <span class="diag-ok">{ "✓ JSON" }</span> }
                if open { <button onclick={on_format} disabled={err_msg.is_some()}>{ "Format" }</button> }
            </div>
            // Hidden rather than removed: the editor keeps its undo history while closed.
            <div id="input-body" class="input-body" hidden={!open}>
                <CodeEditor value={AttrValue::from(text)} {oninput} testid="input" label="Execution input JSON" error_lines={err_lines} />
            </div>
        </section>
    }
}
