//! The header: examples gallery, new/import/export, export to AWS, share link, theme, shortcuts help.

use gloo::file::callbacks::FileReader;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::context::use_workspace;
use crate::examples;
use crate::state::{use_ui, Action, Level, Theme};
use crate::workspace::Workspace;

fn confirm(msg: &str) -> bool {
    web_sys::window().and_then(|w| w.confirm_with_message(msg).ok()).unwrap_or(false)
}

#[function_component]
pub fn Header() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let reader = use_mut_ref(|| None::<FileReader>);
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
            if let Some(i) = file_input.cast::<HtmlInputElement>() {
                i.click();
            }
        })
    };
    let on_import = {
        let (ws, ui, reader) = (ws.clone(), ui.clone(), reader.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let (ws, ui) = (ws.clone(), ui.clone());
            let file = gloo::file::File::from(file);
            let name = file.name();
            *reader.borrow_mut() = Some(gloo::file::callbacks::read_as_text(&file, move |res| match res {
                Ok(text) => match Workspace::from_json(&text) {
                    Ok(w) => {
                        ws.update(|cur| cur.load(w));
                        ui.dispatch(Action::Loaded);
                        ui.dispatch(Action::Notify(Level::Info, format!("Imported {name}.")));
                    }
                    Err(e) => ui.dispatch(Action::Notify(Level::Error, format!("{name}: {e}"))),
                },
                Err(e) => ui.dispatch(Action::Notify(Level::Error, format!("Could not read {name}: {e}"))),
            }));
        })
    };
    let on_share = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_| {
            let frag = crate::share::encode_fragment(&ws.read().to_json());
            let Some(loc) = web_sys::window().map(|w| w.location()) else { return };
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
            if confirm("Start an empty workspace? Export first if you want to keep this one.") {
                let mut w = Workspace::default();
                w.add_machine();
                ws.update(|cur| cur.load(w));
                ui.dispatch(Action::Loaded);
            }
        })
    };
    let on_aws = {
        let ui = ui.clone();
        Callback::from(move |_| ui.dispatch(Action::ShowExport(true)))
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
            <input type="file" accept=".json,application/json" class="hidden" ref={file_input}
                data-testid="import-file" onchange={on_import} />
            <button data-testid="export" onclick={on_export}>{ "Export" }</button>
            <button data-testid="export-open" title="CloudFormation or SAM template of these machines" onclick={on_aws}>{ "Export to AWS" }</button>
            <button data-testid="share" onclick={on_share}>{ "Share link" }</button>
            <button data-testid="theme" title="Light / dark theme" aria-label="Toggle theme" onclick={on_theme}>
                { if ui.theme == Theme::Dark { "☀" } else { "☾" } }
            </button>
            <span class="kbd-help" title="Shortcuts: N start · S step · R run · E run to end · P pause · T next timer">{ "⌨" }</span>
        </header>
    }
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
            let onclick = Callback::from(move |_| match Workspace::from_json(ex.json) {
                Ok(w) => {
                    ws.update(|cur| cur.load(w));
                    ui.dispatch(Action::Loaded);
                    ui.dispatch(Action::Notify(Level::Info, "Example loaded. Press Start (N), then Step (S) or Run (R).".into()));
                }
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
                <p class="muted">{ "Opening an example replaces the machines, input and mocks of this workspace (export first to keep them)." }</p>
                <div class="cards">{ cards }</div>
            </div>
        </div>
    }
}

#[function_component]
pub fn ShareDialog() -> Html {
    let ui = use_ui();
    let Some(link) = ui.share_link.clone() else { return html! {} };
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
                <p class="muted">{ "The link holds the machines, input and mocks (compressed, in the part after #, never sent to a server). It was copied to the clipboard if the browser allowed it." }</p>
                <input class="share-link" data-testid="share-link" readonly=true value={link.clone()}
                    onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
                if long { <p class="field-error">{ format!("This link is {} characters long; some tools cut links that long. Export a file instead.", link.len()) }</p> }
                <div class="row"><span class="spacer" /><button onclick={close}>{ "Close" }</button></div>
            </div>
        </div>
    }
}
