//! Executions AWS recorded: the "Import execution" dialog (what the AWS CLI prints, pasted or as
//! files), their place in the executions tree (read-only, marked "recorded"), and the
//! Recording tab: import warnings, "Replay locally" with the first divergence side by side,
//! and "Export test". The model is `crate::recorded`.

use gloo::file::callbacks::FileReader;
use stepwise_engine::ExecutionId;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::tree::{exec_item, ExecItem};
use crate::context::{use_workspace, WorkspaceHandle};
use crate::history::pretty;
use crate::recorded::{self, Kind};
use crate::state::{use_ui, Action, BottomTab, Level, UiHandle};
use crate::workspace::Workspace;

/// Imports `sources` as a new workspace: the recorded definitions as its machines, the root's
/// input as its input, the recordings on show. The workspace it replaces is kept for Restore.
fn import_into(
    ws: &WorkspaceHandle,
    ui: &UiHandle,
    sources: &[(String, String)],
) -> Result<(), Vec<String>> {
    let rec = recorded::import(sources)
        .map_err(|errs| errs.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let root_id = rec.tree.roots().first().copied();
    let root = rec.replay_target(root_id);
    let first = &rec.import.executions[root];
    let mut new = Workspace::new(rec.machines(), pretty(&first.input), String::new());
    new.title = Some(format!(
        "Recorded: {}",
        first
            .identity
            .as_ref()
            .map_or(first.machine.name.as_str(), |i| i.name.as_str())
    ));
    new.entry = Some(first.machine.name.clone());
    let count = rec.import.executions.len();
    let not_kept = not_kept(&rec);
    let warnings: Vec<String> = rec
        .import
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    new.recording = Some(Box::new(rec));
    crate::switch::replace_local(ws, ui, new, "Before you imported an execution")
        .map_err(|e| vec![format!("Nothing was replaced: {e}")])?;
    if let Some(id) = root_id {
        crate::hooks::select_execution(ws, ui, id, None);
    }
    ui.dispatch(Action::SetBottom(BottomTab::Recording));
    let what = if count == 1 {
        "1 recorded execution".to_string()
    } else {
        format!("{count} recorded executions")
    };
    let warn = if warnings.is_empty() {
        String::new()
    } else {
        format!(" {} warning(s): see the Recording tab.", warnings.len())
    };
    let message = format!("Imported {what}; their definitions are the machines now (the workspace they replaced is under Restore). Step through with the timeline, or Replay locally.{warn}");
    ui.dispatch(match not_kept {
        None => Action::Notify(Level::Info, message),
        Some(why) => Action::Notify(Level::Error, format!("{message} {why}")),
    });
    Ok(())
}

/// Why an import is not saved with the workspace (it is over `recorded::MAX_KEPT_BYTES`).
fn not_kept(r: &recorded::Recorded) -> Option<String> {
    (!r.kept()).then(|| {
        format!(
            "These recordings ({} of text) are over the {} a workspace keeps: they will not come back after a reload, in a share link or an exported workspace. Keep the files you imported.",
            recorded::megabytes(r.size()),
            recorded::megabytes(recorded::MAX_KEPT_BYTES)
        )
    })
}

/// The header's "Import execution" button and its dialog.
#[function_component]
pub fn ImportExecution() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let open = use_state(|| false);
    let text = use_state(String::new);
    let errors = use_state(Vec::<String>::new);
    // Files read so far (the order they were chosen in, name, text), and the readers still at
    // work. Kept in the order chosen whichever is read first (a large history takes longer),
    // so that an import, and the machines it gives, do not depend on reading times.
    let files = use_mut_ref(Vec::<(u64, String, String)>::new);
    let chosen = use_mut_ref(|| 0u64);
    let readers = use_mut_ref(Vec::<FileReader>::new);
    let loaded = use_state(|| 0usize);

    let on_open = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(true))
    };
    let close = {
        let (open, errors) = (open.clone(), errors.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            errors.set(Vec::new());
        })
    };
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_files = {
        let (files, readers, loaded) = (files.clone(), readers.clone(), loaded.clone());
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(list) = input.files() else { return };
            for i in 0..list.length() {
                let Some(f) = list.get(i) else { continue };
                let file = gloo::file::File::from(f);
                let name = file.name();
                let seq = {
                    let mut n = chosen.borrow_mut();
                    *n += 1;
                    *n
                };
                let (files, loaded) = (files.clone(), loaded.clone());
                let reader = gloo::file::callbacks::read_as_text(&file, move |res| {
                    let text = res.unwrap_or_else(|e| format!("(could not be read: {e})"));
                    let mut list = files.borrow_mut();
                    let at = list.partition_point(|(s, _, _)| *s < seq);
                    list.insert(at, (seq, name, text));
                    drop(list);
                    loaded.set(files.borrow().len());
                });
                readers.borrow_mut().push(reader);
            }
            input.set_value("");
        })
    };
    let on_clear_files = {
        let (files, loaded) = (files.clone(), loaded.clone());
        Callback::from(move |_: MouseEvent| {
            files.borrow_mut().clear();
            loaded.set(0);
        })
    };
    let on_import = {
        let (ws, ui, text, files, errors, open, loaded) = (
            ws.clone(),
            ui.clone(),
            text.clone(),
            files.clone(),
            errors.clone(),
            open.clone(),
            loaded.clone(),
        );
        let readers = readers.clone();
        Callback::from(move |_: MouseEvent| {
            let mut sources: Vec<(String, String)> = (files.borrow().iter())
                .map(|(_, name, text)| (name.clone(), text.clone()))
                .collect();
            if !text.trim().is_empty() {
                sources.push(("pasted text".into(), (*text).clone()));
            }
            if sources.is_empty() {
                errors.set(vec![
                    "Paste what the AWS CLI printed, or choose its files.".into()
                ]);
                return;
            }
            match import_into(&ws, &ui, &sources) {
                Ok(()) => {
                    errors.set(Vec::new());
                    files.borrow_mut().clear();
                    readers.borrow_mut().clear();
                    loaded.set(0);
                    text.set(String::new());
                    open.set(false);
                }
                Err(e) => errors.set(e),
            }
        })
    };

    let file_names: Vec<String> = files.borrow().iter().map(|(_, n, _)| n.clone()).collect();
    html! {
        <>
            <button data-testid="import-execution" title="Import an execution AWS ran: what the AWS CLI prints for it" onclick={on_open}>{ "Import execution" }</button>
            if *open {
                <div class="modal-backdrop" onclick={close.clone()}>
                    <div class="modal recording-import" role="dialog" aria-label="Import execution" data-testid="import-execution-dialog"
                        onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                        <div class="toolbar">
                            <h2>{ "Import an execution from AWS" }</h2>
                            <span class="spacer" />
                            <button data-testid="import-execution-close" onclick={close}>{ "Close" }</button>
                        </div>
                        <p class="muted">
                            { "Paste (or choose files of) what these AWS CLI commands print, for the execution and for each child execution it started:" }
                        </p>
                        <pre class="commands">{ "aws stepfunctions get-execution-history --execution-arn ARN --output json\naws stepfunctions describe-execution --execution-arn ARN\naws stepfunctions describe-state-machine-for-execution --execution-arn ARN" }</pre>
                        <p class="muted small">{ "Several pages, documents and executions may follow each other; children are linked to their parent through AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID." }</p>
                        <textarea class="mono" rows="12" data-testid="import-execution-text" aria-label="AWS CLI output"
                            placeholder="{ \"events\": [ … ] }" value={(*text).clone()} oninput={on_text} />
                        <div class="row">
                            <label class="file-pick">{ "Files: " }
                                <input type="file" multiple={true} accept=".json,application/json,text/plain" data-testid="import-execution-files" onchange={on_files} />
                            </label>
                            if !file_names.is_empty() {
                                <span class="muted small" data-testid="import-execution-loaded">{ file_names.join(", ") }</span>
                                <button class="link" onclick={on_clear_files}>{ "clear" }</button>
                            }
                            <span class="spacer" />
                            <button class="primary" data-testid="import-execution-go" onclick={on_import}>{ "Import" }</button>
                        </div>
                        if !errors.is_empty() {
                            <ul class="field-error import-errors" role="alert" data-testid="import-execution-errors">
                                { for errors.iter().map(|e| html! { <li data-testid="import-execution-error">{ e.clone() }</li> }) }
                            </ul>
                        }
                    </div>
                </div>
            }
        </>
    }
}

fn node(
    w: &Workspace,
    id: ExecutionId,
    selected: Option<ExecutionId>,
    on_select: &Callback<ExecutionId>,
    depth: usize,
) -> Html {
    let Some(exec) = recorded::exec(w, id) else {
        return html! {};
    };
    let (source, mark, title) = match recorded::kind(id) {
        Kind::Recorded => (
            "recorded",
            "recorded",
            "Recorded by AWS, imported: read-only",
        ),
        _ => (
            "replay",
            "local replay",
            "The local replay of a recording: read-only",
        ),
    };
    let children = recorded::children(w, id);
    exec_item(ExecItem {
        id,
        exec,
        testid: format!("rec-exec-{}", exec.machine_name),
        source: Some(source),
        title: format!("{title}\n{}", exec.arn),
        badges: html! { <span class={classes!("badge", source)}>{ mark }</span> },
        name: exec.name.clone(),
        started_by: recorded::parent(w, id).and_then(|(_, s)| s),
        depth,
        selected: selected == Some(id),
        on_select,
        children: (!children.is_empty()).then(|| {
            (children.iter())
                .map(|c| node(w, *c, selected, on_select, depth + 1))
                .collect()
        }),
    })
}

#[derive(Properties, PartialEq)]
pub struct RecordedNodesProps {
    /// The executions tree's select callback (the same for local and recorded items).
    pub on_select: Callback<ExecutionId>,
}

/// The recorded executions and the last replay's, as items of the executions tree.
#[function_component]
pub fn RecordedNodes(props: &RecordedNodesProps) -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let on_select = &props.on_select;
    let w = ws.read();
    let Some(r) = w.recording.as_ref() else {
        return html! {};
    };
    let mut roots = r.tree.roots();
    if let Some(rep) = &r.replay {
        roots.extend(rep.tree.roots());
    }
    html! { <>{ for roots.iter().map(|id| node(&w, *id, ui.execution, on_select, 0)) }</> }
}

/// Whether the executions tree has recorded executions to list.
pub fn has_recorded(w: &Workspace) -> bool {
    w.recording.is_some()
}

fn event_side(
    title: &str,
    testid: &str,
    view: Option<&stepwise_recording::EventView>,
    show: Option<Callback<MouseEvent>>,
    show_testid: &str,
) -> Html {
    let body = match view {
        None => html! { <p class="muted">{ "(no event: this history ended here)" }</p> },
        Some(v) => html! {
            <>
                <dl class="facts">
                    <dt>{ "Event" }</dt><dd data-testid={format!("{testid}-type")}>{ format!("{} · {}", v.id, v.event_type) }</dd>
                    <dt>{ "State" }</dt><dd data-testid={format!("{testid}-state")}>{ v.state_name.clone().unwrap_or_else(|| "—".into()) }</dd>
                </dl>
                <pre class="json">{ serde_json::to_string_pretty(&v.event).unwrap_or_default() }</pre>
            </>
        },
    };
    html! {
        <div class="divergence-side" data-testid={testid.to_string()}>
            <h3>{ title.to_string() }
                if let Some(onclick) = show {
                    <button class="link" data-testid={show_testid.to_string()} {onclick}>{ "show" }</button>
                }
            </h3>
            { body }
        </div>
    }
}

/// Selects `id` and moves its timeline to event `event_id`.
fn show_event(ws: &WorkspaceHandle, ui: &UiHandle, id: ExecutionId, event_id: u64) {
    let pos = recorded::position_of_event(&ws.read(), id, event_id);
    if let Some(pos) = pos {
        ws.update(|w| recorded::seek(w, id, pos));
    }
    let state = recorded::exec_head(&ws.read(), id).and_then(|e| {
        e.history
            .iter()
            .find(|h| h.id == event_id)
            .and_then(|h| crate::history::event_state(h).map(str::to_owned))
    });
    crate::hooks::select_execution(ws, ui, id, state);
    ui.dispatch(Action::ToggleEvent(event_id));
    ui.dispatch(Action::SetBottom(BottomTab::History));
}

/// The local execution a divergence's local event is in: the replayed execution of the
/// recorded one it names, found by machine and by the event at its place.
fn local_of(w: &Workspace, d: &stepwise_recording::Divergence) -> Option<ExecutionId> {
    let r = w.recording.as_ref()?;
    let rep = r.replay.as_ref()?;
    let view = d.local.as_ref()?;
    let machine = r
        .recorded_named(&d.execution)
        .and_then(|id| r.tree.whole(id))
        .map(|e| e.machine_name.clone());
    (0..rep.tree.len()).map(|i| rep.tree.id(i)).find(|id| {
        rep.tree.whole(*id).is_some_and(|e| {
            machine.as_ref().is_none_or(|m| *m == e.machine_name)
                && e.history
                    .get(view.index)
                    .is_some_and(|h| h.id == view.id && h.event_type.as_str() == view.event_type)
        })
    })
}

/// The Recording tab: what was imported, Replay locally, the divergence, Export test.
#[function_component]
pub fn RecordingPanel() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let w = ws.read();
    let Some(r) = w.recording.as_ref() else {
        return html! {
            <div class="recording" data-testid="recording">
                <p class="empty">{ "No recorded execution. Import one with Import execution (what the AWS CLI prints for it)." }</p>
            </div>
        };
    };
    let target = r.replay_target(ui.execution);
    let target_label = r.import.executions[target].label();

    let on_replay = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_: MouseEvent| {
            ui.dispatch(Action::Pause);
            let result = ws.update(|w| {
                let machines = w.machines.clone();
                let Some(r) = w.recording.as_mut() else {
                    return Err("Nothing to replay: import an execution first.".to_string());
                };
                let target = r.replay_target(ui.execution);
                let out = r.replay(target, &machines);
                w.revision += 1;
                out
            });
            match result {
                Ok(()) => {
                    let (msg, root) = {
                        let w = ws.read();
                        let rep = w.recording.as_ref().and_then(|r| r.replay.as_ref());
                        let msg = match rep.and_then(|r| r.report.divergence.as_ref()) {
                            None => {
                                "Replayed locally: no divergence from the recording.".to_string()
                            }
                            Some(d) => format!(
                                "Replayed locally: it diverges from the recording: {}",
                                d.what
                            ),
                        };
                        (msg, rep.and_then(|r| r.tree.roots().first().copied()))
                    };
                    if let Some(root) = root {
                        crate::hooks::select_execution(&ws, &ui, root, None);
                    }
                    ui.dispatch(Action::SetBottom(BottomTab::Recording));
                    ui.dispatch(Action::Notify(Level::Info, msg));
                }
                Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
            }
        })
    };
    let on_export = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_: MouseEvent| {
            let file = {
                let w = ws.read();
                w.recording
                    .as_ref()
                    .map(|r| r.export_test(r.replay_target(ui.execution)))
            };
            match file {
                Some(Ok((name, text))) => match crate::storage::download(&name, &text) {
                    Ok(()) => ui.dispatch(Action::Notify(
                        Level::Info,
                        format!("Saved {name}: run it with `stepwise test {name}`."),
                    )),
                    Err(e) => {
                        ui.dispatch(Action::Notify(Level::Error, format!("Export failed: {e}")))
                    }
                },
                Some(Err(e)) => ui.dispatch(Action::Notify(Level::Error, e)),
                None => {}
            }
        })
    };

    let warnings: Html = r
        .import
        .warnings
        .iter()
        .map(|w| html! { <li data-testid="recording-warning">{ w.to_string() }</li> })
        .collect();

    let result = r.replay.as_ref().map(|rep| {
        let edited = (!rep.edited.is_empty()).then(|| {
            html! { <p data-testid="replay-edited">{ format!("Replayed with your edits to {}.", rep.edited.join(", ")) }</p> }
        });
        let notes: Html = rep
            .report
            .stuck
            .iter()
            .chain(rep.report.missing.iter())
            .map(|s| html! { <p class="hint" data-testid="replay-note">{ s.clone() }</p> })
            .collect();
        let body = match &rep.report.divergence {
            None => html! {
                <p class="ok" data-testid="replay-verdict">
                    { format!("No divergence: the local run ({}) did what AWS recorded ({}), event by event, over {} execution(s).",
                        rep.report.local_status, rep.report.recorded_status, rep.report.compared.len()) }
                </p>
            },
            Some(d) => {
                let rec_show = r.recorded_named(&d.execution).zip(d.recorded.as_ref()).map(|(id, v)| {
                    let (ws, ui, ev) = (ws.clone(), ui.clone(), v.id);
                    Callback::from(move |_: MouseEvent| show_event(&ws, &ui, id, ev))
                });
                let loc_show = local_of(&w, d).zip(d.local.as_ref()).map(|(id, v)| {
                    let (ws, ui, ev) = (ws.clone(), ui.clone(), v.id);
                    Callback::from(move |_: MouseEvent| show_event(&ws, &ui, id, ev))
                });
                html! {
                    <div class="divergence" data-testid="divergence">
                        <p class="field-error" data-testid="divergence-what">
                            <strong>{ "First divergence" }</strong>{ format!(" in {}: {}", d.execution, d.what) }
                        </p>
                        <div class="divergence-sides">
                            { event_side("Recorded by AWS", "divergence-recorded", d.recorded.as_ref(), rec_show, "show-recorded-event") }
                            { event_side("Local replay", "divergence-local", d.local.as_ref(), loc_show, "show-local-event") }
                        </div>
                    </div>
                }
            }
        };
        html! {
            <div class="replay-result" data-testid="replay-result" data-divergence={rep.report.divergence.is_some().to_string()}>
                <h3>{ format!("Replay of {}", r.import.executions[rep.of].label()) }</h3>
                { for edited }
                { body }
                { notes }
            </div>
        }
    });

    html! {
        <div class="recording" data-testid="recording">
            <div class="toolbar">
                <span class="muted">{ format!("{} recorded execution(s) imported · replaying {}", r.import.executions.len(), target_label) }</span>
                <span class="spacer" />
                <button class="primary" data-testid="replay" title="Run the same definition and input locally, every task answered as AWS recorded it, and compare event by event (edit a definition first to try a fix)" onclick={on_replay}>{ "Replay locally" }</button>
                <button data-testid="export-test" title="Save this recording as a test case for `stepwise test`" onclick={on_export}>{ "Export test" }</button>
            </div>
            if let Some(why) = not_kept(r) {
                <p class="hint" data-testid="recording-not-kept">{ why }</p>
            }
            if !r.import.warnings.is_empty() {
                <ul class="recording-warnings">{ warnings }</ul>
            }
            { for result }
        </div>
    }
}
