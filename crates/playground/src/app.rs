//! The application shell: loading at start-up, the providers, the layout grid and the notice
//! bar.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::export_dialog::ExportDialog;
use crate::components::graph_view::GraphView;
use crate::components::header::{Gallery, Header, RestoreDialog, ShareDialog, SharedBanner};
use crate::components::history_table::HistoryTable;
use crate::components::inspector::Inspector;
use crate::components::machines::MachinesPanel;
use crate::components::run::RunControls;
use crate::components::states_table::StatesTable;
use crate::components::tokens::{InputEditor, MocksEditor, PendingTokens};
use crate::components::tree::{Breadcrumb, ExecutionsTree};
use crate::context::{use_workspace, WorkspaceProvider};
use crate::hooks::{use_autosave, use_branch_notice, use_play_loop, use_shortcuts};
use crate::state::{use_ui, Action, BottomTab, Level, Theme, UiState};

pub use crate::switch::DEFAULT_EXAMPLE;
const THEME_KEY: &str = "stepwise.theme";

fn saved_theme() -> Theme {
    match crate::storage::read(THEME_KEY).as_deref() {
        Some("dark") => Theme::Dark,
        Some("light") => Theme::Light,
        _ => {
            let dark = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|m| m.matches());
            if dark {
                Theme::Dark
            } else {
                Theme::Light
            }
        }
    }
}

#[function_component]
pub fn App() -> Html {
    let boot = use_memo((), |_| {
        let b = crate::switch::boot();
        (
            std::cell::RefCell::new(Some(b.workspace)),
            b.notice,
            b.origin,
        )
    });
    let ui = use_reducer(|| UiState {
        notice: boot.1.clone(),
        origin: boot.2,
        theme: saved_theme(),
        input_open: crate::storage::read(crate::components::tokens::INPUT_OPEN_KEY).as_deref()
            == Some("1"),
        ..UiState::default()
    });
    let init = {
        let boot = Rc::clone(&boot);
        Callback::from(move |_| boot.0.borrow_mut().take().unwrap_or_default())
    };
    html! {
        <ContextProvider<UseReducerHandle<UiState>> context={ui}>
            <WorkspaceProvider {init}>
                <Shell />
            </WorkspaceProvider>
        </ContextProvider<UseReducerHandle<UiState>>>
    }
}

#[function_component]
fn Shell() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    use_play_loop(ws.clone(), ui.clone());
    use_autosave(ws.clone(), ui.clone());
    use_shortcuts(ws.clone(), ui.clone());
    use_branch_notice(ws.clone(), ui.clone());
    let theme = ui.theme;
    use_effect_with(theme, |t| {
        let name = if *t == Theme::Dark { "dark" } else { "light" };
        crate::storage::write(THEME_KEY, name);
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", name);
        }
    });

    // Info messages fade after a while; errors stay until dismissed.
    {
        let ui2 = ui.clone();
        use_effect_with(ui.notice.clone(), move |n| {
            let timer = n.as_ref().filter(|(l, _)| *l == Level::Info).map(|_| {
                gloo::timers::callback::Timeout::new(7_000, move || {
                    ui2.dispatch(Action::DismissNotice)
                })
            });
            move || drop(timer)
        });
    }
    let reset = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_: MouseEvent| {
            crate::hooks::do_reset(&ws, &ui);
            ui.dispatch(Action::Notify(
                Level::Info,
                "Every execution was forgotten: Start runs afresh.".into(),
            ));
        })
    };
    let notice = ui.notice.clone().map(|(level, text)| {
        let ui = ui.clone();
        html! {
            <div class={classes!("notice", if level == Level::Error { "error" } else { "info" })} role="status" data-testid="notice">
                <span title={text.clone()}>{ text }</span>
                if ui.notice_reset {
                    <button data-testid="notice-reset" onclick={reset.clone()}>{ "Reset" }</button>
                }
                <button class="link" aria-label="Dismiss" onclick={Callback::from(move |_| ui.dispatch(Action::DismissNotice))}>{ "✕" }</button>
            </div>
        }
    });
    let pending = ws.read().pending_tasks().len();
    // An Express execution has log records where a Standard one has its history.
    let express = ui.execution.is_some_and(|id| {
        crate::recorded::exec_head(&ws.read(), id).is_some_and(crate::history::is_express)
    });
    let tab = |t: BottomTab, label: String, testid: &'static str| {
        let ui2 = ui.clone();
        html! {
            <button role="tab" aria-selected={(ui.bottom == t).to_string()} class={classes!("tab", (ui.bottom == t).then_some("active"))}
                data-testid={testid} onclick={Callback::from(move |_| ui2.dispatch(Action::SetBottom(t)))}>{ label }</button>
        }
    };
    html! {
        <div id="app" class="app" data-theme={if theme == Theme::Dark { "dark" } else { "light" }} data-testid="app">
            <Header />
            <SharedBanner />
            <div class="notice-slot">{ for notice }</div>
            <main class="layout">
                <div class="area-editor"><MachinesPanel /><InputEditor /></div>
                <div class="area-run"><RunControls /></div>
                <div class="area-graph"><Breadcrumb />
                    if ui.states_table { <StatesTable /> } else { <GraphView /> }
                </div>
                <div class="area-side"><ExecutionsTree /><Inspector /></div>
                <section class="area-bottom panel" aria-label="Details">
                    <div class="tabs" role="tablist">
                        { tab(BottomTab::History, if express { "Logs (Express)".into() } else { "Event history".into() }, "tab-history") }
                        { tab(BottomTab::Tokens, if pending > 0 { format!("Pending tokens ({pending})") } else { "Pending tokens".into() }, "tab-tokens") }
                        { tab(BottomTab::Mocks, "Mocks".into(), "tab-mocks") }
                        if ws.read().recording.is_some() { { tab(BottomTab::Recording, "Recording".into(), "tab-recording") } }
                    </div>
                    <div class="tab-body">
                        { match ui.bottom {
                            BottomTab::History => html! { <HistoryTable /> },
                            BottomTab::Tokens => html! { <PendingTokens /> },
                            BottomTab::Mocks => html! { <MocksEditor /> },
                            BottomTab::Recording => html! { <crate::components::recording::RecordingPanel /> },
                        } }
                    </div>
                </section>
            </main>
            <Gallery />
            <ShareDialog />
            <RestoreDialog />
            <ExportDialog />
        </div>
    }
}
