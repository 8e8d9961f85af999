//! Versions and aliases of the selected machine: publish its definition as a version
//! (`…:stateMachine:Name:N`) and point an alias (`…:Name:live`) at one version, or split it
//! between two by weight as AWS allows, so that other machines can call the alias ARN. Shown
//! under the machine's editor. Both are part of the workspace: saved, shared and kept by Reset.
//! Each can be deleted, as DeleteStateMachineVersion and DeleteStateMachineAlias do, with the
//! engine's refusals (a version an alias routes to) shown in AWS's words.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::context::use_workspace;
use crate::state::{use_ui, Action, Level};
use crate::workspace::{machine_arn, Routing};

#[derive(Properties, PartialEq)]
pub struct VersionsBarProps {
    /// The machine whose versions are shown.
    pub machine: AttrValue,
}

fn input_value(r: &NodeRef) -> String {
    r.cast::<HtmlInputElement>()
        .map(|i| i.value().trim().to_string())
        .unwrap_or_default()
}

fn select_value(r: &NodeRef) -> String {
    r.cast::<HtmlSelectElement>()
        .map(|s| s.value())
        .unwrap_or_default()
}

/// The routing the alias form describes: the first version with its weight, and the second
/// one when chosen. A weight that is not a whole number reads as -1, so that the engine refuses
/// it in its own words, as it does a range or a sum that is wrong.
fn routing_of(first: &str, first_weight: &str, second: &str, second_weight: &str) -> Routing {
    let mut routing = Vec::new();
    for (version, weight) in [(first, first_weight), (second, second_weight)] {
        if let Ok(n) = version.parse::<u32>() {
            routing.push((n, weight.parse::<i64>().unwrap_or(-1)));
        }
    }
    routing
}

/// `v2`, or `v2 90% / v3 10%` for a split alias.
pub fn routing_label(routing: &[(u32, i64)]) -> String {
    match routing {
        [(n, _)] => format!("v{n}"),
        _ => routing
            .iter()
            .map(|(n, w)| format!("v{n} {w}%"))
            .collect::<Vec<_>>()
            .join(" / "),
    }
}

#[function_component]
pub fn VersionsBar(props: &VersionsBarProps) -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let description_ref = use_node_ref();
    let alias_ref = use_node_ref();
    let version_ref = use_node_ref();
    let weight_ref = use_node_ref();
    let second_ref = use_node_ref();
    let second_weight_ref = use_node_ref();
    let machine = props.machine.to_string();
    let (versions, aliases) = ws.read().versions_of(&machine);

    let on_publish = {
        let (ws, ui, machine) = (ws.clone(), ui.clone(), machine.clone());
        let description_ref = description_ref.clone();
        Callback::from(move |_| {
            let description = input_value(&description_ref);
            let description = (!description.is_empty()).then_some(description.as_str());
            match ws.update(|w| w.publish(&machine, description)) {
                Ok(n) => {
                    if let Some(i) = description_ref.cast::<HtmlInputElement>() {
                        i.set_value("");
                    }
                    ui.dispatch(Action::Notify(
                        Level::Info,
                        format!("Published {}:{n}", machine_arn(&machine)),
                    ))
                }
                Err(e) => ui.dispatch(Action::Notify(Level::Error, format!("Not published: {e}"))),
            }
        })
    };
    let on_alias = {
        let (ws, ui, machine) = (ws.clone(), ui.clone(), machine.clone());
        let refs = (
            alias_ref.clone(),
            version_ref.clone(),
            weight_ref.clone(),
            second_ref.clone(),
            second_weight_ref.clone(),
        );
        Callback::from(move |_| {
            let alias = input_value(&refs.0);
            let routing = routing_of(
                &select_value(&refs.1),
                &input_value(&refs.2),
                &select_value(&refs.3),
                &input_value(&refs.4),
            );
            match ws.update(|w| w.set_alias(&machine, &alias, &routing)) {
                Ok(()) => ui.dispatch(Action::Notify(
                    Level::Info,
                    format!(
                        "{}:{alias} now runs {}",
                        machine_arn(&machine),
                        routing_label(&routing)
                    ),
                )),
                Err(e) => ui.dispatch(Action::Notify(Level::Error, format!("Alias not set: {e}"))),
            }
        })
    };

    // One handler for every delete button: the button says what it deletes.
    let on_delete = {
        let (ws, ui, machine) = (ws.clone(), ui.clone(), machine.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(button) = e.target_dyn_into::<web_sys::Element>() else {
                return;
            };
            let arn = machine_arn(&machine);
            let version = button.get_attribute("data-version");
            let result = match (
                version.and_then(|n| n.parse::<u32>().ok()),
                button.get_attribute("data-alias"),
            ) {
                (Some(n), _) => {
                    // A version's text may be kept nowhere else: ask first, as for a machine.
                    let ok = web_sys::window()
                        .and_then(|w| {
                            w.confirm_with_message(&format!(
                                "Delete version {n} of {machine}? Its definition goes with it."
                            ))
                            .ok()
                        })
                        .unwrap_or(false);
                    if !ok {
                        return;
                    }
                    (ws.update(|w| w.delete_version(&machine, n)))
                        .map(|()| format!("Deleted {arn}:{n}"))
                }
                (None, Some(name)) => (ws.update(|w| w.delete_alias(&machine, &name)))
                    .map(|()| format!("Deleted {arn}:{name}; the versions it routed to stay")),
                (None, None) => return,
            };
            ui.dispatch(match result {
                Ok(m) => Action::Notify(Level::Info, m),
                Err(e) => Action::Notify(Level::Error, format!("Not deleted: {e}")),
            });
        })
    };

    let version_list = versions.iter().map(|&n| {
        html! { <li class="badge version" title={format!("{}:{n}", machine_arn(&machine))}>
            <span data-testid={format!("version-{n}")}>{ format!("v{n}") }</span>
            <button class="badge-delete" data-testid={format!("version-delete-{n}")} data-version={n.to_string()}
                onclick={on_delete.clone()} aria-label={format!("Delete version {n}")}>{ "×" }</button>
        </li> }
    });
    let alias_list = aliases.iter().map(|(name, routing)| {
        html! { <li class="badge alias" title={format!("{}:{name}", machine_arn(&machine))}>
            <span data-testid={format!("alias-{name}")}>{ format!("{name} → {}", routing_label(routing)) }</span>
            <button class="badge-delete" data-testid={format!("alias-delete-{name}")} data-alias={name.clone()}
                onclick={on_delete.clone()} aria-label={format!("Delete alias {name}")}>{ "×" }</button>
        </li> }
    });
    let options = || {
        versions
            .iter()
            .map(|n| html! { <option value={n.to_string()}>{ format!("v{n}") }</option> })
            .collect::<Html>()
    };
    // The form's fields are uncontrolled (`defaultValue`): a render, such as the one a refused
    // alias' notice causes, must not reset what was typed.
    html! {
        <div class="versions" data-testid="versions" aria-label="Versions and aliases">
            <button data-testid="version-publish" onclick={on_publish}
                title="Publish the current definition as an immutable, numbered version">{ "Publish version" }</button>
            <input class="short" data-testid="version-description" ref={description_ref} size="14"
                placeholder="description (optional)" aria-label="Version description" />
            <ul class="version-list">{ for version_list }</ul>
            if !versions.is_empty() {
                <span class="alias-form">
                    <label for="alias-name">{ "Alias" }</label>
                    <input id="alias-name" data-testid="alias-name" ref={alias_ref} ~defaultValue="live" size="8" />
                    <label for="alias-version">{ "→" }</label>
                    <select id="alias-version" data-testid="alias-version" ref={version_ref}>{ options() }</select>
                    <input class="weight" type="number" min="0" max="100" data-testid="alias-weight" ref={weight_ref}
                        ~defaultValue="100" aria-label="Percent of executions to the first version" />
                    <span class="muted">{ "% and" }</span>
                    <select data-testid="alias-version-2" ref={second_ref} aria-label="Second version (optional)">
                        <option value="" selected=true>{ "—" }</option>{ options() }</select>
                    <input class="weight" type="number" min="0" max="100" data-testid="alias-weight-2" ref={second_weight_ref}
                        ~defaultValue="0" aria-label="Percent to the second version" />
                    <span class="muted">{ "%" }</span>
                    <button data-testid="alias-set" onclick={on_alias}
                        title="Create the alias, or point it at these versions">{ "Set alias" }</button>
                </span>
            }
            <ul class="alias-list">{ for alias_list }</ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    use super::{routing_label, routing_of};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_alias_form_reads_one_or_two_routes() {
        assert_eq!(routing_of("2", "100", "", "0"), [(2, 100)]);
        assert_eq!(routing_of("2", "90", "3", "10"), [(2, 90), (3, 10)]);
        // The sum and range are the engine's to check; the form only reads numbers.
        assert_eq!(routing_of("2", "90", "", "10"), [(2, 90)]);
        assert_eq!(routing_of("1", "ninety", "", "0"), [(1, -1)]);
        assert_eq!(routing_label(&[(2, 100)]), "v2");
        assert_eq!(routing_label(&[(2, 90), (3, 10)]), "v2 90% / v3 10%");
    }
}
