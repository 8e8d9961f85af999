//! The inspector: the selected state's data flow, stage by stage as the engine recorded it
//! (`Execution::pipeline`; from the history for imported executions, which have no record), its
//! error and retries, and "Test this state" (TestState); or, with no state selected, the
//! execution's own input, output and error.

use stepwise_engine::dataflow::Pipeline;
use stepwise_engine::teststate::state_type;
use stepwise_engine::EventType;
use yew::prelude::*;

use crate::components::test_state::TestStatePanel;

use crate::components::tree::{status_class, status_label};
use crate::context::use_workspace;
use crate::history::{format_clock, format_elapsed, pretty, state_io_run, state_statuses};
use crate::state::{use_ui, Action};

fn block(title: &str, testid: &str, body: Option<String>) -> Html {
    match body {
        None => html! {},
        Some(text) => html! {
            <div class="io-block" data-testid={testid.to_string()}>
                <h3>{ title.to_string() }</h3>
                <pre class="json">{ pretty(&text) }</pre>
            </div>
        },
    }
}

/// Text for HTML: the stages hold whatever the user's data holds.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One titled block of JSON, as HTML text (see `pipeline_blocks`).
pub fn block_html(out: &mut String, title: &str, testid: &str, attrs: &str, json: Option<&str>) {
    use std::fmt::Write;
    let _ = write!(
        out,
        r#"<div class="io-block" data-testid="{testid}"{attrs}><h3>{title}"#
    );
    match json {
        Some(j) => {
            let _ = write!(
                out,
                r#"</h3><pre class="json">{}</pre></div>"#,
                escape(&pretty(j))
            );
        }
        None => out.push_str(r#"<span class="same"> (unchanged)</span></h3></div>"#),
    }
}

/// The stages of one state run, each with its own heading (`data-testid` `<prefix>-<stage>`,
/// `data-stage` AWS's name); a stage that handed on what it received says so instead of
/// repeating it. The inspector shows an execution's records with it, "Test this state" its run.
/// Written as HTML text: a read-only view has no use for a virtual DOM per element.
pub fn pipeline_blocks(p: &Pipeline, prefix: &str) -> Html {
    let mut out = String::from("<div>");
    let mut previous: Option<&stepwise_json::Value> = None;
    for (name, value) in p.stages() {
        let (title, id) = match name {
            "input" => ("Input", "input"),
            "afterInputPath" => ("After InputPath", "after-input-path"),
            "afterParameters" => ("After Parameters", "parameters"),
            "afterArguments" => ("After Arguments", "parameters"),
            "result" => ("Result", "result"),
            "afterResultSelector" => ("After ResultSelector", "after-result-selector"),
            "afterResultPath" => ("After ResultPath", "after-result-path"),
            _ => ("Output", "output"),
        };
        let same = previous == Some(value) && name != "output";
        previous = Some(value);
        let text = (!same).then(|| value.to_json_text());
        block_html(
            &mut out,
            title,
            &format!("{prefix}-{id}"),
            &format!(r#" data-stage="{name}""#),
            text.as_deref(),
        );
    }
    if let Some(a) = &p.assigned {
        let text = stepwise_json::Value::Object(a.clone()).to_json_text();
        block_html(
            &mut out,
            "Assigned variables",
            &format!("{prefix}-assigned"),
            "",
            Some(&text),
        );
    }
    out.push_str("</div>");
    Html::from_html_unchecked(AttrValue::from(out))
}

#[function_component]
pub fn Inspector() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    // Which run of the selected state to show (`None`: the latest); reset when the state changes.
    let run = use_state(|| None::<usize>);
    // Whether "Test this state" is open; closed when the state changes.
    let testing = use_state(|| false);
    {
        let (run, testing) = (run.clone(), testing.clone());
        use_effect_with((ui.state.clone(), ui.execution), move |_| {
            run.set(None);
            testing.set(false);
        });
    }
    let w = ws.read();
    let engine = w.engine();
    let Some(exec) = ui.execution.and_then(|id| crate::recorded::exec(&w, id)) else {
        return html! {
            <section class="panel inspector" data-testid="inspector" aria-label="Inspector">
                <h2>{ "Inspector" }</h2>
                <p class="empty">{ "Start or select an execution, then click a state in the graph to see its input and output." }</p>
            </section>
        };
    };
    let id = exec.id;
    let status = exec.status.as_str();

    if let Some(state) = ui.state.clone() {
        let io = state_io_run(&exec.history, &state, *run);
        let shown_run = run
            .unwrap_or(io.runs.saturating_sub(1))
            .min(io.runs.saturating_sub(1));
        let go_run = |delta: isize| {
            let run = run.clone();
            let runs = io.runs;
            Callback::from(move |_| {
                let next =
                    (shown_run as isize + delta).clamp(0, runs.saturating_sub(1) as isize) as usize;
                run.set(Some(next));
            })
        };
        let waiting: Vec<String> = crate::workspace::outside_tasks(engine)
            .into_iter()
            .filter(|p| p.execution == id)
            .map(|p| p.state_name)
            .collect();
        let st = state_statuses(&exec.history, &waiting).get(&state).copied();
        let children: Vec<(stepwise_engine::ExecutionId, String)> =
            crate::recorded::children(&w, id)
                .into_iter()
                .filter(|c| {
                    crate::recorded::parent(&w, *c)
                        .is_some_and(|p| p.1.as_deref() == Some(state.as_str()))
                })
                .filter_map(|c| crate::recorded::exec(&w, c))
                .map(|c| (c.id, format!("{} · {}", c.machine_name, c.name)))
                .collect();
        // The engine's record of this run; imported executions have none (their stages come
        // from the history below).
        let pipeline = io.entered_id.and_then(|id| exec.pipeline(id));
        // The test sends the whole machine with the state's name, as AWS's TestState takes it.
        let test_panel = state_type(&exec.definition_text, &state).map(|ty| {
            let json =
                |v: Option<&stepwise_json::Value>, fallback: &Option<String>, empty: &str| {
                    v.map(|v| v.to_json_text().to_string())
                        .or_else(|| fallback.clone())
                        .map_or_else(|| empty.into(), |t| pretty(&t))
                };
            let input = json(pipeline.map(|p| &p.input), &io.input, "{}");
            let recorded = pipeline.and_then(|p| p.result.as_ref());
            let is_task = ty == "Task";
            // Tasks, Maps and Parallels answer with a mock: the run's result, if it has one.
            let mock_result = match ty.as_str() {
                "Task" => Some(json(recorded, &io.task_result, "{}")),
                "Map" | "Parallel" => Some(json(recorded, &None, "[]")),
                _ => None,
            };
            // Keyed by state and run, so that another run's input is prefilled afresh.
            let key = format!("{state}#{}", io.entered_id.unwrap_or(0));
            (key, input, mock_result, is_task)
        });
        let toggle_test = {
            let testing = testing.clone();
            Callback::from(move |_| testing.set(!*testing))
        };
        let back = {
            let ui = ui.clone();
            Callback::from(move |_| ui.dispatch(Action::SelectState(None)))
        };
        return html! {
            <section class="panel inspector" data-testid="inspector" aria-label="Inspector">
                <h2>
                    <button class="link" onclick={back} title="Back to the execution">{ "Execution" }</button>
                    { " › " }<span data-testid="inspector-state">{ state.clone() }</span>
                    <span class={classes!("status-chip", st.map(|s| s.class()).unwrap_or("st-none"))} data-testid="inspector-state-status">
                        { st.map(|s| s.label()).unwrap_or("Not reached") }
                    </span>
                </h2>
                if io.runs == 0 {
                    <p class="empty">{ "This state has not run in this execution." }</p>
                } else {
                    if io.runs > 1 {
                        <div class="run-picker" data-testid="run-picker">
                            <button data-testid="run-prev" disabled={shown_run == 0} onclick={go_run(-1)}>{ "‹" }</button>
                            <span>{ format!("Run {} of {}", shown_run + 1, io.runs) }</span>
                            <button data-testid="run-next" disabled={shown_run + 1 >= io.runs} onclick={go_run(1)}>{ "›" }</button>
                            <span class="muted small">{ "(Map iterations and loops enter a state many times)" }</span>
                        </div>
                    }
                    <p class="muted">
                        { if io.retries > 0 { format!("{} retr{}. ", io.retries, if io.retries == 1 { "y" } else { "ies" }) } else { String::new() } }
                        { io.resource.clone().map(|r| format!("Resource: {r}")).unwrap_or_default() }
                    </p>
                    if let Some(p) = pipeline {
                        { pipeline_blocks(p, "io") }
                    } else {
                        { block("Input", "io-input", io.input.clone()) }
                        { block(&format!("Task parameters ({})", EventType::TaskScheduled), "io-parameters", io.parameters.clone()) }
                        { block("Task result", "io-result", io.task_result.clone()) }
                        { block("Output", "io-output", io.output.clone()) }
                        { block("Assigned variables", "io-assigned", io.assigned.clone()) }
                    }
                    if let Some(err) = io.error.clone() {
                        <div class="io-block error" data-testid="io-error">
                            <h3>{ "Error" }</h3>
                            <pre class="json">{ err }{ io.cause.clone().map(|c| format!("\n\n{}", pretty(&c))).unwrap_or_default() }</pre>
                        </div>
                    }
                }
                if let Some((key, input, mock_result, is_task)) = test_panel {
                    <button data-testid="test-state-toggle" aria-expanded={(*testing).to_string()} onclick={toggle_test}>
                        { if *testing { "Close the test" } else { "Test this state" } }
                    </button>
                    if *testing {
                        <TestStatePanel {key} definition={exec.definition_text.to_string()} state={state.clone()} {input} {mock_result} {is_task} />
                    }
                }
                { for children.into_iter().map(|(cid, label)| {
                    let (ui, ws) = (ui.clone(), ws.clone());
                    html! {
                        <button class="link child-link" data-testid="open-child"
                            onclick={Callback::from(move |_| crate::hooks::select_execution(&ws, &ui, cid, None))}>
                            { format!("Open child execution {label} →") }
                        </button>
                    }
                }) }
            </section>
        };
    }

    let duration = exec
        .stop_millis
        .map(|s| format_elapsed(s - exec.start_millis));
    let on_stop = {
        let (ws, ui, arn) = (ws.clone(), ui.clone(), exec.arn.clone());
        Callback::from(move |_| {
            if let Err(e) = ws.update(|w| w.stop(&arn)) {
                ui.dispatch(Action::Notify(crate::state::Level::Error, e));
            }
        })
    };
    let on_reset = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_: MouseEvent| crate::hooks::do_reset(&ws, &ui))
    };
    // Offered on every execution that has ended; the engine says why when it cannot be.
    // Only for executions this workspace ran (a recorded one and its replay are read-only).
    let local = !crate::recorded::is_read_only(id);
    let (redrivable, redrive_reason) = w.redrive_status(id);
    let on_redrive = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_| match ws.update(|w| w.redrive(id)) {
            Ok(()) => ui.dispatch(Action::Notify(
                crate::state::Level::Info,
                "Redriven: it resumes where it stopped. Step with S, run with R.".into(),
            )),
            Err(e) => ui.dispatch(Action::Notify(crate::state::Level::Error, e)),
        })
    };
    // A finished local run becomes a test case the way a recording does (its task answers as
    // mocks, its outcome and history expected).
    let on_export_test = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_: MouseEvent| {
            let file = crate::recorded::export_local_test(ws.read().engine(), id);
            let msg = file.and_then(|(name, text)| {
                crate::storage::download(&name, &text)
                    .map(|()| format!("Saved {name}: run it with `stepwise test {name}`."))
                    .map_err(|e| format!("Export failed: {e}"))
            });
            ui.dispatch(match msg {
                Ok(m) => Action::Notify(crate::state::Level::Info, m),
                Err(e) => Action::Notify(crate::state::Level::Error, e),
            });
        })
    };
    html! {
        <section class="panel inspector" data-testid="inspector" aria-label="Inspector">
            <h2>
                { "Execution " }<span class={status_class(status)} data-testid="exec-status">{ status_label(status) }</span>
                if crate::recorded::is_read_only(id) {
                    <span class="badge recorded" data-testid="exec-read-only" title="Imported or replayed: read-only">
                        { if crate::recorded::kind(id) == crate::recorded::Kind::Recorded { "recorded" } else { "local replay" } }
                    </span>
                } else if status == "RUNNING" {
                    <span class="spacer" />
                    <button class="danger" data-testid="stop-execution" title="StopExecution (aborts it and the children it waits for)" onclick={on_stop}>{ "Stop" }</button>
                } else {
                    <span class="spacer" />
                    <button data-testid="redrive-execution" disabled={!redrivable} onclick={on_redrive}
                        title={if redrivable { "RedriveExecution: resume at the state that did not succeed, with the versions and aliases as they are now".to_string() } else { redrive_reason.clone() }}>{ "Redrive" }</button>
                    <button data-testid="export-run-test" title="Save this run as a test case for `stepwise test`: its task answers become mocks, its outcome and history are expected" onclick={on_export_test}>{ "Export test" }</button>
                }
            </h2>
            <dl class="facts">
                <dt>{ "Machine" }</dt><dd>{ exec.machine_name.clone() }</dd>
                <dt>{ "Name" }</dt><dd class="mono">{ exec.name.clone() }</dd>
                <dt>{ "ARN" }</dt><dd class="mono small">{ exec.arn.clone() }</dd>
                <dt>{ "Started" }</dt><dd>{ format_clock(exec.start_millis) }</dd>
                if let Some(d) = duration { <dt>{ "Duration" }</dt><dd>{ d }</dd> }
                <dt>{ "Events" }</dt><dd>{ exec.history.len() }</dd>
            </dl>
            { block("Input", "exec-input", Some(exec.input.to_string())) }
            { block("Output", "exec-output", exec.output.as_ref().map(|o| o.to_string())) }
            if local && !redrivable && status != "SUCCEEDED" {
                <p class="muted small" data-testid="redrive-reason">{ format!("Not redrivable: {redrive_reason}") }</p>
            }
            if let Some(err) = exec.error.clone() {
                <div class="io-block error" data-testid="exec-error">
                    <h3>{ "Error" }</h3>
                    <pre class="json">{ err }{ exec.cause.clone().map(|c| format!("\n\n{}", pretty(&c))).unwrap_or_default() }</pre>
                    if let Some(hint) = crate::hooks::explain_already_exists(exec) {
                        <p class="hint" data-testid="exec-error-hint">{ hint }</p>
                        <button data-testid="hint-reset" onclick={on_reset.clone()}>{ "Reset" }</button>
                    }
                </div>
            }
        </section>
    }
}
