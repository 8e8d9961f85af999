//! Versions and aliases of the selected machine: publish its definition as a version
//! (`…:stateMachine:Name:N`) and point an alias (`…:Name:live`) at one, so that other machines
//! can call the alias ARN. Shown under the machine's editor.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::context::use_workspace;
use crate::state::{use_ui, Action, Level};
use crate::workspace::machine_arn;

#[derive(Properties, PartialEq)]
pub struct VersionsBarProps {
    /// The machine whose versions are shown.
    pub machine: AttrValue,
}

#[function_component]
pub fn VersionsBar(props: &VersionsBarProps) -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let alias_ref = use_node_ref();
    let version_ref = use_node_ref();
    let machine = props.machine.to_string();
    let (versions, aliases) = ws.read().versions_of(&machine);

    let on_publish = {
        let (ws, ui, machine) = (ws.clone(), ui.clone(), machine.clone());
        Callback::from(move |_| match ws.update(|w| w.publish(&machine)) {
            Ok(n) => ui.dispatch(Action::Notify(
                Level::Info,
                format!("Published {}:{n}", machine_arn(&machine)),
            )),
            Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
        })
    };
    let on_alias = {
        let (ws, ui, machine) = (ws.clone(), ui.clone(), machine.clone());
        let (alias_ref, version_ref) = (alias_ref.clone(), version_ref.clone());
        Callback::from(move |_| {
            let alias = alias_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value().trim().to_string())
                .unwrap_or_default();
            let version = version_ref
                .cast::<HtmlSelectElement>()
                .and_then(|s| s.value().parse::<u32>().ok());
            let Some(version) = version else {
                ui.dispatch(Action::Notify(
                    Level::Error,
                    "Publish a version first".into(),
                ));
                return;
            };
            match ws.update(|w| w.set_alias(&machine, &alias, version)) {
                Ok(()) => ui.dispatch(Action::Notify(
                    Level::Info,
                    format!(
                        "{}:{alias} now runs version {version}",
                        machine_arn(&machine)
                    ),
                )),
                Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
            }
        })
    };

    let version_list = versions.iter().map(|n| {
        html! { <li class="badge version" data-testid={format!("version-{n}")}
        title={format!("{}:{n}", machine_arn(&machine))}>{ format!("v{n}") }</li> }
    });
    let alias_list = aliases.iter().map(|(name, to)| {
        let to: Vec<String> = to.iter().map(|n| format!("v{n}")).collect();
        html! { <li class="badge alias" data-testid={format!("alias-{name}")}
            title={format!("{}:{name}", machine_arn(&machine))}>{ format!("{name} → {}", to.join(" / ")) }</li> }
    });
    html! {
        <div class="versions" data-testid="versions" aria-label="Versions and aliases">
            <button data-testid="version-publish" onclick={on_publish}
                title="Publish the current definition as an immutable, numbered version">{ "Publish version" }</button>
            <ul class="version-list">{ for version_list }</ul>
            if !versions.is_empty() {
                <span class="alias-form">
                    <label for="alias-name">{ "Alias" }</label>
                    <input id="alias-name" data-testid="alias-name" ref={alias_ref} value="live" size="8" />
                    <label for="alias-version">{ "→" }</label>
                    <select id="alias-version" data-testid="alias-version" ref={version_ref}>
                        { for versions.iter().map(|n| html! { <option value={n.to_string()}>{ format!("v{n}") }</option> }) }
                    </select>
                    <button data-testid="alias-set" onclick={on_alias}
                        title="Create the alias, or point it at this version">{ "Set alias" }</button>
                </span>
            }
            <ul class="alias-list">{ for alias_list }</ul>
        </div>
    }
}
