//! The header: examples gallery, new/import/export, export to AWS, share link, theme, shortcuts help.

use gloo::file::callbacks::FileReader;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::context::use_workspace;
use crate::examples;
use crate::state::{use_ui, Action, Level, Theme};
use crate::storage::Origin;
use crate::workspace::Workspace;

/// Puts `new` on screen in place of your workspace, which is kept for Restore first.
fn open_as_local(
    ws: &crate::context::WorkspaceHandle,
    ui: &crate::state::UiHandle,
    new: Workspace,
    label: &str,
    done: String,
) {
    match crate::switch::replace_local(ws, ui, new, label) {
        Ok(()) => ui.dispatch(Action::Notify(Level::Info, done)),
        Err(e) => ui.dispatch(Action::Notify(
            Level::Error,
            format!("Nothing was replaced: {e}"),
        )),
    }
}

#[function_component]
pub fn Header() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let readers = use_mut_ref(Vec::<FileReader>::new);
    let file_input = use_node_ref();

    let on_gallery = {
        let ui = ui.clone();
        Callback::from(move |_| ui.dispatch(Action::ShowGallery(true)))
    };
    let on_export = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_| {
            let text = ws.read().to_json();
            if let Err(e) = crate::storage::download("stepwise-workspace.json", &text) {
                ui.dispatch(Action::Notify(Level::Error, format!("Export failed: {e}")));
            }
        })
    };
    let on_import_click = {
        let file_input = file_input.clone();
        Callback::from(move |_| {
            // Fetched while the user picks a file, so that a template opens without a wait.
            crate::templates_module::prepare();
            if let Some(i) = file_input.cast::<HtmlInputElement>() {
                i.click();
            }
        })
    };
    let on_import = {
        let (ws, ui, readers) = (ws.clone(), ui.clone(), readers.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let files: Vec<gloo::file::File> = match input.files() {
                Some(list) => (0..list.length())
                    .filter_map(|i| list.get(i))
                    .map(gloo::file::File::from)
                    .collect(),
                None => Vec::new(),
            };
            input.set_value("");
            if files.is_empty() {
                return;
            }
            let sizes: Vec<(String, f64)> =
                files.iter().map(|f| (f.name(), f.size() as f64)).collect();
            if let Some(why) = crate::import::too_large(sizes.iter().map(|(n, b)| (n.as_str(), *b)))
            {
                ui.dispatch(Action::Notify(Level::Error, why));
                return;
            }
            let names = files
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", ");
            // The template reader may still be on its way: say what is happening meanwhile.
            ui.dispatch(Action::Notify(Level::Info, format!("Reading {names}…")));
            let (ws, ui) = (ws.clone(), ui.clone());
            read_all(&readers, files, move |read| match read {
                // A workspace file, or definitions and templates as users keep them.
                Ok(files) => crate::import::read(files, move |read| match read {
                    Ok(imported) => open_as_local(
                        &ws,
                        &ui,
                        imported.workspace,
                        &format!("Before you imported {names}"),
                        format!(
                            "Imported {names}. The workspace it replaced is under Restore.{}",
                            imported
                                .notes
                                .iter()
                                .map(|n| format!(" {n}"))
                                .collect::<String>()
                        ),
                    ),
                    Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
                }),
                Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
            });
        })
    };
    let on_share = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_| {
            let frag = crate::share::encode_fragment(&ws.read().to_json());
            let Some(loc) = web_sys::window().map(|w| w.location()) else {
                return;
            };
            let base = format!(
                "{}{}{}",
                loc.origin().unwrap_or_default(),
                loc.pathname().unwrap_or_default(),
                loc.search().unwrap_or_default()
            );
            let link = format!("{base}#{frag}");
            if let Some(clip) = web_sys::window().map(|w| w.navigator().clipboard()) {
                let _ = clip.write_text(&link);
            }
            ui.dispatch(Action::ShowShare(Some(link)));
        })
    };
    let on_new = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_| {
            let mut w = Workspace::default();
            w.add_machine();
            open_as_local(
                &ws,
                &ui,
                w,
                "Before you started a new workspace",
                "A new workspace. The one it replaced is under Restore.".into(),
            );
        })
    };
    let on_aws = {
        let ui = ui.clone();
        Callback::from(move |_| ui.dispatch(Action::ShowExport(true)))
    };
    let on_restore = {
        let ui = ui.clone();
        Callback::from(move |_| ui.dispatch(Action::ShowRestore(true)))
    };
    let on_theme = {
        let ui = ui.clone();
        Callback::from(move |_| ui.dispatch(Action::ToggleTheme))
    };

    let title = ws.read().title.clone();
    html! {
        <header class="header" data-testid="header">
            <span class="logo">{ "Stepwise" }</span>
            <span class="tagline">{ title.unwrap_or_else(|| "Step Functions playground".into()) }</span>
            <span class="spacer" />
            <button data-testid="examples" onclick={on_gallery}>{ "Examples" }</button>
            <button data-testid="new-workspace" onclick={on_new}>{ "New" }</button>
            <button data-testid="import" onclick={on_import_click}>{ "Import" }</button>
            <crate::components::recording::ImportExecution />
            <input type="file" multiple={true} accept=".json,.yaml,.yml,.template,application/json,application/x-yaml,text/yaml" class="hidden" ref={file_input}
                data-testid="import-file" onchange={on_import} />
            <button data-testid="restore" title="Workspaces replaced by an example, a file, New or a shared link" onclick={on_restore}>{ "Restore" }</button>
            <button data-testid="export" onclick={on_export}>{ "Export" }</button>
            <button data-testid="export-open" title="CloudFormation or SAM template of these machines" onclick={on_aws}>{ "Export to AWS" }</button>
            <button data-testid="share" onclick={on_share}>{ "Share link" }</button>
            <button data-testid="theme" title="Light / dark theme" aria-label="Toggle theme" onclick={on_theme}>
                { if ui.theme == Theme::Dark { "☀" } else { "☾" } }
            </button>
            <span class="kbd-help" title="Shortcuts: N start · S step · B step back · R run · E run to end · P pause · T next timer">{ "⌨" }</span>
        </header>
    }
}

/// Reads `files` as text and hands them to `then` (name and text each, in the order given) once
/// all are read, or the first failure. `readers` keeps the reads alive until then.
fn read_all(
    readers: &std::rc::Rc<std::cell::RefCell<Vec<FileReader>>>,
    files: Vec<gloo::file::File>,
    then: impl FnOnce(Result<Vec<(String, String)>, String>) + 'static,
) {
    use std::cell::RefCell;
    use std::rc::Rc;

    let count = files.len();
    // Each file's name and text, in the order given, once read.
    let slots = Rc::new(RefCell::new(vec![None::<(String, String)>; count]));
    let then = Rc::new(RefCell::new(Some(then)));
    let mut started = Vec::with_capacity(count);
    for (i, file) in files.into_iter().enumerate() {
        let (slots, then, name) = (slots.clone(), then.clone(), file.name());
        started.push(gloo::file::callbacks::read_as_text(&file, move |res| {
            let outcome = match res {
                Err(e) => Some(Err(format!("Could not read {name}: {e}"))),
                Ok(text) => {
                    let mut slots = slots.borrow_mut();
                    slots[i] = Some((name, text));
                    slots
                        .iter()
                        .all(Option::is_some)
                        .then(|| Ok(slots.iter_mut().flat_map(Option::take).collect()))
                }
            };
            if let Some(outcome) = outcome {
                if let Some(then) = then.borrow_mut().take() {
                    then(outcome);
                }
            }
        }));
    }
    *readers.borrow_mut() = started;
}

#[function_component]
pub fn Gallery() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    if !ui.gallery {
        return html! {};
    }
    let close = {
        let ui = ui.clone();
        Callback::from(move |_| ui.dispatch(Action::ShowGallery(false)))
    };
    let cards: Html = examples::gallery()
        .into_iter()
        .map(|(ex, title, desc)| {
            let (ws, ui) = (ws.clone(), ui.clone());
            let file = ex.file;
            let label = format!("Before you opened the example {title}");
            let onclick = Callback::from(move |_| match Workspace::from_json(ex.json) {
                Ok(w) => open_as_local(
                    &ws,
                    &ui,
                    w,
                    &label,
                    "Example loaded. Press Start (N), then Step (S) or Run (R). Your previous workspace is under Restore.".into(),
                ),
                Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
            });
            html! {
                <button class="card" data-testid={format!("example-{}", file.trim_end_matches(".json"))} {onclick}>
                    <strong>{ title }</strong>
                    <span>{ desc }</span>
                </button>
            }
        })
        .collect();
    html! {
        <div class="modal-backdrop" onclick={close.clone()}>
            <div class="modal" role="dialog" aria-label="Examples" data-testid="gallery"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <div class="toolbar"><h2>{ "Examples" }</h2><span class="spacer" />
                    <button data-testid="gallery-close" onclick={close}>{ "Close" }</button></div>
                <p class="muted">{ "Opening an example replaces the machines, input and mocks on screen; the workspace it replaces is kept under Restore." }</p>
                <div class="cards">{ cards }</div>
            </div>
        </div>
    }
}

#[function_component]
pub fn ShareDialog() -> Html {
    let ui = use_ui();
    let Some(link) = ui.share_link.clone() else {
        return html! {};
    };
    let close = {
        let ui = ui.clone();
        Callback::from(move |_| ui.dispatch(Action::ShowShare(None)))
    };
    let long = link.len() > crate::share::LONG_LINK;
    html! {
        <div class="modal-backdrop" onclick={close.clone()}>
            <div class="modal small" role="dialog" aria-label="Share link" data-testid="share-dialog"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <h2>{ "Share link" }</h2>
                <p class="muted">{ "The link holds the machines, input, mocks and the machine Start runs (compressed, in the part after #, never sent to a server). Opening it shows that workspace beside the opener's own, which it never overwrites. It was copied to the clipboard if the browser allowed it." }</p>
                <input class="share-link" data-testid="share-link" readonly=true value={link.clone()}
                    onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
                if long { <p class="field-error">{ format!("This link is {} characters long; some tools cut links that long. Export a file instead.", link.len()) }</p> }
                <div class="row"><span class="spacer" /><button onclick={close}>{ "Close" }</button></div>
            </div>
        </div>
    }
}

/// Shown while a workspace opened from a share link is on screen.
#[function_component]
pub fn SharedBanner() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    if ui.origin != Origin::Link {
        return html! {};
    }
    let keep = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_| crate::switch::keep_shared(&ws, &ui))
    };
    let back = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_| crate::switch::back_to_local(&ws, &ui))
    };
    html! {
        <div class="shared-banner" role="region" aria-label="Shared workspace" data-testid="shared-banner">
            <span>{ "A shared workspace, opened from a link. Yours is kept as it was; edits here are saved apart." }</span>
            <span class="spacer" />
            <button class="primary" data-testid="shared-keep" onclick={keep}>{ "Keep this as my workspace" }</button>
            <button data-testid="shared-back" onclick={back}>{ "Back to my workspace" }</button>
        </div>
    }
}

fn describe_doc(text: &str) -> String {
    match Workspace::from_json(text) {
        Ok(w) if w.machines.is_empty() => "no state machine".into(),
        Ok(w) => w
            .machines
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        Err(_) => "unreadable".into(),
    }
}

/// The workspaces that something replaced, to put one back.
#[function_component]
pub fn RestoreDialog() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    if !ui.restore {
        return html! {};
    }
    let close = {
        let ui = ui.clone();
        Callback::from(move |_| ui.dispatch(Action::ShowRestore(false)))
    };
    let (list, problem) = crate::storage::previous();
    let shared = (ui.origin == Origin::Local)
        .then(|| crate::storage::saved(crate::storage::LINK_KEY))
        .flatten()
        .map(|saved| saved.workspace);
    let rows: Html = list
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (ws, ui) = (ws.clone(), ui.clone());
            let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(p.at)).to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED);
            html! {
                <li class="restore-item" data-testid="restore-item">
                    <div><strong>{ p.label.clone() }</strong><span class="muted small">{ format!(" · {}", String::from(when)) }</span></div>
                    <div class="muted small">{ describe_doc(&p.workspace) }</div>
                    <button data-testid="restore-open" onclick={Callback::from(move |_| crate::switch::restore_previous(&ws, &ui, i))}>{ "Open" }</button>
                </li>
            }
        })
        .collect();
    let shared_row = shared.map(|text| {
        let (ws, ui) = (ws.clone(), ui.clone());
        html! {
            <li class="restore-item">
                <div><strong>{ "The shared workspace opened from a link" }</strong></div>
                <div class="muted small">{ describe_doc(&text) }</div>
                <button data-testid="restore-shared" onclick={Callback::from(move |_| crate::switch::reopen_shared(&ws, &ui))}>{ "Open" }</button>
            </li>
        }
    });
    let empty = list.is_empty() && shared_row.is_none();
    html! {
        <div class="modal-backdrop" onclick={close.clone()}>
            <div class="modal small" role="dialog" aria-label="Restore a workspace" data-testid="restore-dialog"
                onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                <h2>{ "Restore a workspace" }</h2>
                <p class="muted">{ "Opening an example, a file, New or keeping a shared link keeps the workspace it replaces here (in this browser). Opening one puts the workspace on screen in its place." }</p>
                if let Some(p) = problem { <p class="field-error">{ p }</p> }
                if empty { <p class="muted">{ "Nothing has been replaced yet." }</p> }
                <ul class="restore-list">{ for shared_row }{ rows }</ul>
                <div class="row"><span class="spacer" /><button data-testid="restore-close" onclick={close}>{ "Close" }</button></div>
            </div>
        </div>
    }
}
