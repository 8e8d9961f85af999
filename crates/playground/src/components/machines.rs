//! The machines panel: a tab per machine (add, rename, duplicate, delete), the definition
//! editor, live diagnostics and Format.

use stepwise_asl::validate::{Diagnostic, MachineType, Options, Severity};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::editor::{reveal_line, CodeEditor};
use crate::context::use_workspace;
use crate::highlight::format_json;
use crate::state::{use_ui, Action, Level};

/// Validator diagnostics for a machine of type `machine_type` (the check `stepwise validate
/// --type` and machine creation run: an Express machine's `.sync` and `.waitForTaskToken` tasks
/// are errors), plus the JSON parse error when the validator has none for it (so a syntax error
/// is always shown with its line, whatever the validator reports).
pub fn diagnostics_for(text: &str, machine_type: MachineType) -> Vec<Diagnostic> {
    let mut diags: Vec<Diagnostic> =
        stepwise_asl::validate::validate_text_with(text, &Options { machine_type })
            .into_iter()
            .map(crate::jsonata::playground_diagnostic)
            .collect();
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        if !diags.iter().any(|d| d.severity == Severity::Error) {
            diags.insert(
                0,
                Diagnostic {
                    severity: Severity::Error,
                    code: "INVALID_JSON_DESCRIPTION".into(),
                    message: e.to_string(),
                    location: None,
                    line: Some(e.line() as u32),
                    column: Some(e.column() as u32),
                },
            );
        }
    }
    diags
}

/// [`diagnostics_for`] plus what only the workspace shows: a `states:startExecution` task whose
/// literal `StateMachineArn` names none of `machine_names` (a warning with the closest name).
pub fn workspace_diagnostics_for(
    text: &str,
    machine_type: MachineType,
    machine_names: &[String],
) -> Vec<Diagnostic> {
    let mut diags = diagnostics_for(text, machine_type);
    let known: Vec<&str> = machine_names.iter().map(String::as_str).collect();
    diags.extend(stepwise_templates::workspace::unknown_machines_in_text(
        text, &known,
    ));
    diags
}

/// A parse error in AWS's wording ends with `at [Source: (String)"<the whole text>"; line: …]`:
/// the editor already shows the text and the line, so only the first sentence is listed.
fn is_source_excerpt(text: &str) -> bool {
    text.trim_start().starts_with("[Source:")
}

pub fn short_message(message: &str) -> String {
    let first = match message.find("[Source:") {
        Some(i) => message[..i]
            .trim_end()
            .trim_end_matches(" at")
            .trim_end_matches("\n at")
            .trim_end(),
        None => message,
    };
    // Any other message that quotes a long text is cut too: the panel is a few lines high.
    const MAX: usize = 300;
    if first.chars().count() > MAX {
        format!("{}…", first.chars().take(MAX).collect::<String>())
    } else {
        first.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_parse_error_is_listed_without_the_text_it_quotes() {
        let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}\n";
        let d = super::diagnostics_for(text, super::MachineType::Standard)
            .into_iter()
            .next()
            .expect("a diagnostic");
        let shown = super::short_message(&d.message);
        assert!(!shown.contains("StartAt") && !shown.is_empty(), "{shown}");
        assert!(super::short_message(&"x".repeat(1000)).chars().count() <= 301);
    }

    #[test]
    fn an_express_machine_is_checked_as_the_cli_checks_it() {
        use super::{diagnostics_for, MachineType};
        let text = "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\",\n  \"Resource\": \"arn:aws:states:::sqs:sendMessage.waitForTaskToken\",\n  \"Parameters\": {\"QueueUrl\": \"q\", \"MessageBody\": {\"t.$\": \"$$.Task.Token\"}}, \"End\": true}}}";
        assert!(diagnostics_for(text, MachineType::Standard).is_empty());
        let diags = diagnostics_for(text, MachineType::Express);
        // The very list `stepwise validate m.asl.json --type EXPRESS` prints (the CLI reads the
        // file through stepwise-templates and checks it with the forced type).
        let read = stepwise_templates::read("m.asl.json", text, &Default::default()).unwrap();
        let stepwise_templates::Source::Definition(d) = &read[0].source else {
            panic!("a definition")
        };
        let cli = d.diagnostics(&stepwise_asl::validate::Options {
            machine_type: MachineType::Express,
        });
        assert_eq!(diags, cli);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0]
            .message
            .contains("Express state machine does not support '.waitForTaskToken'"));
        assert_eq!(diags[0].location.as_deref(), Some("/States/T/Resource"));
        assert_eq!(diags[0].line, Some(2));
    }
}

#[function_component]
pub fn MachinesPanel() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let renaming = use_state(|| None::<usize>);

    let (names, index, text, machine_type, id) = {
        let w = ws.read();
        let names: Vec<String> = w.machines.iter().map(|m| m.name.clone()).collect();
        let index = ui.machine.min(names.len().saturating_sub(1));
        let (text, machine_type, id) = w
            .machines
            .get(index)
            .map(|m| (m.definition.clone(), m.machine_type(), m.id))
            .unwrap_or_default();
        (names, index, text, machine_type, id)
    };
    let express = machine_type == MachineType::Express;
    // Checked for the chosen type as it is typed: switching to Express shows at once what
    // Start would refuse.
    // Checked again once JSONata's evaluator has arrived (or failed to).
    let jsonata = crate::jsonata::use_jsonata_settled();
    let diags = {
        let key = (text.clone(), machine_type, names.clone(), jsonata);
        use_memo(key, |(t, ty, n, _)| workspace_diagnostics_for(t, *ty, n))
    };

    let on_add = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_| {
            let i = ws.update(|w| w.add_machine());
            ui.dispatch(Action::SelectMachine(i));
        })
    };
    let on_dup = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_| {
            if let Some(i) = ws.update(|w| w.duplicate_machine(index)) {
                ui.dispatch(Action::SelectMachine(i));
            }
        })
    };
    let on_delete = {
        let (ws, ui) = (ws.clone(), ui.clone());
        let name = names.get(index).cloned().unwrap_or_default();
        Callback::from(move |_| {
            let ok = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(&format!("Delete the state machine {name}?"))
                        .ok()
                })
                .unwrap_or(false);
            if ok && ws.update(|w| w.delete_machine(index)) {
                ui.dispatch(Action::SelectMachine(index.saturating_sub(1)));
            }
        })
    };
    let on_rename_start = {
        let renaming = renaming.clone();
        Callback::from(move |_| renaming.set(Some(index)))
    };
    let commit_rename = {
        let (ws, ui, renaming) = (ws.clone(), ui.clone(), renaming.clone());
        Callback::from(move |(i, name): (usize, String)| {
            if let Err(e) = ws.update(|w| w.rename_machine(i, &name)) {
                ui.dispatch(Action::Notify(Level::Error, e));
            }
            renaming.set(None);
        })
    };
    let on_format = {
        let (ws, ui, text) = (ws.clone(), ui.clone(), text.clone());
        Callback::from(move |_| match format_json(&text) {
            Ok(f) => ws.update(|w| w.set_definition(index, f)),
            Err(e) => ui.dispatch(Action::Notify(Level::Error, format!("Cannot format: {e}"))),
        })
    };
    // The select shows the selected machine's type: an option's `selected` attribute no longer
    // moves a select the user has changed, so the value is set on every change of tab or type.
    let type_ref = use_node_ref();
    {
        let type_ref = type_ref.clone();
        use_effect_with((index, express), move |(_, express)| {
            if let Some(select) = type_ref.cast::<HtmlSelectElement>() {
                select.set_value(if *express { "EXPRESS" } else { "STANDARD" });
            }
        });
    }
    let on_type = {
        let ws = ws.clone();
        Callback::from(move |e: Event| {
            let express = e.target_unchecked_into::<HtmlSelectElement>().value() == "EXPRESS";
            ws.update(|w| w.set_express(index, express));
        })
    };
    // A callback that stays the same across renders lets the editor skip re-rendering while a
    // run steps (the handle's verbs work from any render's copy: the cell is shared).
    let on_text = {
        let ws = ws.clone();
        use_callback(index, move |t: String, index| {
            ws.update(|w| w.set_definition(*index, t))
        })
    };

    let tabs: Html = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            if *renaming == Some(i) {
                let commit = commit_rename.clone();
                let commit2 = commit_rename.clone();
                let renaming = renaming.clone();
                html! {
                    <input class="tab-rename" data-testid="machine-rename-input" value={name.clone()}
                        autofocus=true
                        onblur={Callback::from(move |e: FocusEvent| {
                            let v = e.target_unchecked_into::<HtmlInputElement>().value();
                            commit.emit((i, v));
                        })}
                        onkeydown={Callback::from(move |e: KeyboardEvent| {
                            if e.key() == "Enter" {
                                let v = e.target_unchecked_into::<HtmlInputElement>().value();
                                commit2.emit((i, v));
                            } else if e.key() == "Escape" {
                                renaming.set(None);
                            }
                        })} />
                }
            } else {
                let ui = ui.clone();
                let renaming = renaming.clone();
                html! {
                    <button role="tab" aria-selected={(i == index).to_string()}
                        class={classes!("tab", (i == index).then_some("active"))}
                        data-testid={format!("machine-tab-{name}")}
                        title="Double-click to rename"
                        onclick={Callback::from(move |_| ui.dispatch(Action::SelectMachine(i)))}
                        ondblclick={Callback::from(move |_| renaming.set(Some(i)))}>
                        { name.clone() }
                    </button>
                }
            }
        })
        .collect();

    let err_lines: Vec<u32> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter_map(|d| d.line)
        .collect();
    let warn_lines: Vec<u32> = diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .filter_map(|d| d.line)
        .collect();
    let diag_list: Html = if diags.is_empty() {
        html! { <div class="diag-ok" data-testid="diagnostics-ok">{ "✓ Valid definition" }</div> }
    } else {
        diags
            .iter()
            .map(|d| {
                let sev = if d.severity == Severity::Error { "error" } else { "warning" };
                let at = match (d.line, d.column) {
                    (Some(l), Some(c)) => format!("line {l}:{c}"),
                    (Some(l), None) => format!("line {l}"),
                    _ => String::new(),
                };
                let line = d.line;
                let onclick = Callback::from(move |_| {
                    if let Some(l) = line {
                        reveal_line("definition", l);
                    }
                });
                html! {
                    <li class={classes!("diag", sev)} data-testid="diagnostic" {onclick} title="Show in the editor">
                        <span class="diag-sev">{ if sev == "error" { "✕" } else { "⚠" } }</span>
                        <code class="diag-code">{ d.code.clone() }</code>
                        <span class="diag-msg">{ short_message(&d.message) }</span>
                        <span class="diag-loc">{ at }{ d.location.as_deref().filter(|l| !is_source_excerpt(l)).map(|l| format!(" {l}")).unwrap_or_default() }</span>
                    </li>
                }
            })
            .collect::<Html>()
    };

    html! {
        <section class="panel machines" data-testid="machines-panel" aria-label="State machines">
            <div class="tabs" role="tablist">
                { tabs }
                <button class="tab-add" data-testid="machine-add" title="Add a state machine" onclick={on_add}>{ "+" }</button>
            </div>
            <div class="toolbar">
                <span class="arn" title="The ARN other machines call this one by">
                    { names.get(index).map(|n| crate::workspace::machine_arn(n)).unwrap_or_default() }
                </span>
                <span class="spacer" />
                if !names.is_empty() {
                    <span class="machine-type" title="Standard or Express workflow. AWS fixes the type when a machine is created; Start here replaces a machine whose type changed.">
                        <label for="machine-type">{ "Type" }</label>
                        <select id="machine-type" data-testid="machine-type" ref={type_ref} onchange={on_type}>
                            <option value="STANDARD" selected={!express}>{ "Standard" }</option>
                            <option value="EXPRESS" selected={express}>{ "Express" }</option>
                        </select>
                    </span>
                }
                <button data-testid="machine-rename" disabled={names.is_empty()} onclick={on_rename_start}>{ "Rename" }</button>
                <button data-testid="machine-duplicate" disabled={names.is_empty()} onclick={on_dup}>{ "Duplicate" }</button>
                <button data-testid="machine-delete" disabled={names.is_empty()} onclick={on_delete}>{ "Delete" }</button>
                <button data-testid="format" disabled={names.is_empty()} onclick={on_format}>{ "Format" }</button>
            </div>
            if names.is_empty() {
                <p class="empty">{ "No state machine yet: add one with + or open an example." }</p>
            } else {
                <CodeEditor value={AttrValue::from(text)} oninput={on_text} testid="definition"
                    label="State machine definition (Amazon States Language)"
                    error_lines={err_lines} warning_lines={warn_lines}
                    diagnostics={diags.clone()} asl=true
                    doc_key={AttrValue::from(id.to_string())} />
                <ul class="diagnostics" data-testid="diagnostics" aria-live="polite">{ diag_list }</ul>
                <crate::components::versions::VersionsBar machine={AttrValue::from(names[index].clone())} />
            }
        </section>
    }
}
