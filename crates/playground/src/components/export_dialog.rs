//! "Export to AWS": the workspace's machines as a CloudFormation or SAM template, with the
//! command that deploys it. The template is regenerated only when the machines or the choice
//! of format change, and only while the dialog is open; the exporter answers from the templates
//! module (`templates_module.rs`), which the first opening fetches.

use stepwise_export::Format;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::aws_export::{request, Rendered};
use crate::context::use_workspace;
use crate::state::{use_ui, Action, Level};

#[function_component]
pub fn ExportDialog() -> Html {
    let ui = use_ui();
    if !ui.export {
        return html! {};
    }
    html! { <ExportBody /> }
}

/// Split from `ExportDialog` so its choices start fresh each time the dialog opens and its
/// hooks run only while it is shown.
#[function_component]
fn ExportBody() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let format = use_state(|| Format::CloudFormation);
    let yaml = use_state(|| true);
    let copied = use_state(|| false);
    let doc_revision = ws.read().doc_revision;
    // `None` until the exporter has answered for the current choices.
    let result = use_state(|| None::<Result<Rendered, String>>);
    {
        let (ws, result) = (ws.clone(), result.clone());
        use_effect_with((doc_revision, *format, *yaml), move |(_, f, y)| {
            let request = request(&ws.read(), *f, *y);
            crate::templates_module::export(request, move |answer| result.set(Some(answer)));
        });
    }

    let close = {
        let ui = ui.clone();
        Callback::from(move |_| ui.dispatch(Action::ShowExport(false)))
    };
    let on_format = {
        let (format, copied) = (format.clone(), copied.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            // The options' values are `Format::as_str`'s.
            format.set(v.parse().unwrap_or_default());
            copied.set(false);
        })
    };
    let on_yaml = {
        let (yaml, copied) = (yaml.clone(), copied.clone());
        Callback::from(move |e: Event| {
            yaml.set(e.target_unchecked_into::<HtmlInputElement>().checked());
            copied.set(false);
        })
    };

    let body = match &*result {
        None => html! {
            <p class="muted" data-testid="export-loading">{ "Preparing the template…" }</p>
        },
        Some(Ok(r)) => {
            let on_download = {
                let (r, ui) = (r.clone(), ui.clone());
                Callback::from(move |_| {
                    if let Err(e) = crate::storage::download_as(&r.file_name, &r.text, &r.mime) {
                        ui.dispatch(Action::Notify(
                            Level::Error,
                            format!("Download failed: {e}"),
                        ));
                    }
                })
            };
            let on_copy = {
                let (text, copied) = (r.text.clone(), copied.clone());
                Callback::from(move |_| {
                    if let Some(clip) = web_sys::window().map(|w| w.navigator().clipboard()) {
                        // The promise is not awaited: the browser may refuse without a user
                        // gesture, and the template stays selectable by hand either way.
                        let _ = clip.write_text(&text);
                        copied.set(true);
                    }
                })
            };
            html! {
                <>
                    <pre class="export-template code" tabindex="0" aria-label="Template" data-testid="export-template">{ r.text.clone() }</pre>
                    <div class="row">
                        <button class="primary" data-testid="export-download" onclick={on_download}>{ format!("Download {}", r.file_name) }</button>
                        <button data-testid="export-copy" onclick={on_copy}>{ if *copied { "Copied" } else { "Copy" } }</button>
                    </div>
                    <p class="muted">{ "Deploy it with the AWS CLI (the roles hold only what each machine's tasks call; review statements marked TodoReviewPermissions):" }</p>
                    <code class="export-command" data-testid="export-command">{ r.command.clone() }</code>
                </>
            }
        }
        Some(Err(msg)) => html! {
            <p class="field-error export-error" role="alert" data-testid="export-error">
                { msg.clone() }
                // The exporter's own refusals are about the definitions; a module that did not
                // arrive says what to do itself.
                if !msg.starts_with(crate::templates_module::EXPORTER_NOT_LOADED) {
                    { " Fix the definition in the editor; this dialog updates as you type." }
                }
            </p>
        },
    };

    html! {
        <div class="modal-backdrop" onclick={close.clone()}>
            <div class="modal export-dialog" role="dialog" aria-label="Export to AWS" data-testid="export-dialog"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <div class="toolbar">
                    <h2>{ "Export to AWS" }</h2>
                    <span class="spacer" />
                    <button data-testid="export-close" onclick={close}>{ "Close" }</button>
                </div>
                <div class="row">
                    <label>{ "Template " }
                        <select data-testid="export-format" onchange={on_format}>
                            <option value={Format::CloudFormation.as_str()} selected={*format == Format::CloudFormation}>{ "CloudFormation" }</option>
                            <option value={Format::Sam.as_str()} selected={*format == Format::Sam}>{ "SAM" }</option>
                        </select>
                    </label>
                    <label><input type="checkbox" data-testid="export-yaml" checked={*yaml} onchange={on_yaml} />{ " YAML (unchecked: JSON)" }</label>
                </div>
                { body }
            </div>
        </div>
    }
}
