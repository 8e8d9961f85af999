//! The table view of an execution, like the console's: one row per entry into a state, with
//! its type, status, start and end on the virtual clock and duration. Statuses come from the
//! same reading of the history as the graph's colours (`history::state_entries`).

use yew::prelude::*;

use crate::components::graph_view::entries_in;
use crate::components::row::open_on_enter_or_space;
use crate::context::use_workspace;
use crate::history::{format_clock, format_elapsed, StateEntry};
use crate::state::{use_ui, Action, BottomTab};

/// Rows drawn at most: a long loop enters states thousands of times, and the rows past this are
/// better read in the history (the table says how many it left out).
const MAX_ROWS: usize = 2000;

/// The Graph / Table switch in the graph panel's toolbar.
#[function_component]
pub fn ViewSwitch() -> Html {
    let ui = use_ui();
    let button = |table: bool, label: &'static str, testid: &'static str| {
        let ui2 = ui.clone();
        let on = ui.states_table == table;
        html! {
            <button role="tab" class={classes!("tab", on.then_some("active"))} aria-selected={on.to_string()} data-testid={testid}
                onclick={Callback::from(move |_| ui2.dispatch(Action::ShowStatesTable(table)))}>{ label }</button>
        }
    };
    html! {
        <span class="view-switch" role="tablist" aria-label="Graph or table view">
            { button(false, "Graph", "view-graph") }
            { button(true, "Table", "view-table") }
        </span>
    }
}

/// Where an entry ran, for its row: "iteration 3" of a Map, "branch 2" of a Parallel.
fn place(entries: &[StateEntry], e: &StateEntry) -> Option<String> {
    let parent = &entries[e.parent?];
    let index = *e.scope.last()?;
    Some(match parent.kind.as_str() {
        "Map" => format!("iteration {index}"),
        _ => format!("branch {}", index + 1),
    })
}

#[function_component]
pub fn StatesTable() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let w = ws.read();
    let exec = ui.execution.and_then(|id| crate::recorded::exec(&w, id));
    let Some(exec) = exec else {
        return html! {
            <section class="panel graph states-table" data-testid="states-table" aria-label="States table">
                <div class="toolbar"><ViewSwitch /></div>
                <p class="empty">{ "Start or select an execution to see the states it ran." }</p>
            </section>
        };
    };
    let entries = entries_in(&w, exec.id);
    let start = exec.start_millis;
    let rows: Html = entries
        .iter()
        .take(MAX_ROWS)
        .map(|e| {
            let selected = ui.state.as_deref() == Some(e.name.as_str());
            let open = {
                let (ui, name) = (ui.clone(), e.name.clone());
                move || {
                    ui.dispatch(Action::SelectState(Some(name.clone())));
                    ui.dispatch(Action::ShowStateEvents(true));
                    ui.dispatch(Action::SetBottom(BottomTab::History));
                }
            };
            let onkeydown = open_on_enter_or_space(open.clone());
            let onclick = Callback::from(move |_| open());
            let duration = e.ended_millis.map(|end| format_elapsed(end - e.started_millis));
            let place = place(&entries, e);
            html! {
                <tr class={classes!("srow", selected.then_some("selected"))} data-testid="state-row" data-state={e.name.clone()}
                    data-status={e.status.label()} data-duration-ms={e.ended_millis.map(|end| (end - e.started_millis).to_string())}
                    data-place={place.clone()} tabindex="0" role="button" aria-pressed={selected.to_string()}
                    title="Select this state and list its events" {onclick} {onkeydown}>
                    <td class="c-name" style={format!("padding-left:{}px", 8 + 18 * e.scope.len())}>
                        { e.name.clone() }
                        if let Some(p) = place { <span class="muted small place">{ format!(" · {p}") }</span> }
                    </td>
                    <td>{ e.kind.clone() }</td>
                    <td><span class={classes!("status-chip", e.status.class())}>{ e.status.label() }</span></td>
                    <td class="mono small" title={format_clock(e.started_millis)}>{ format!("+{}", format_elapsed(e.started_millis - start)) }</td>
                    <td class="mono small" title={e.ended_millis.map(format_clock)}>
                        { e.ended_millis.map(|end| format!("+{}", format_elapsed(end - start))).unwrap_or_else(|| "—".into()) }
                    </td>
                    <td class="mono small" data-testid="state-duration">{ duration.unwrap_or_else(|| "—".into()) }</td>
                </tr>
            }
        })
        .collect();
    html! {
        <section class="panel graph states-table" data-testid="states-table" data-machine={exec.machine_name.clone()} aria-label="States table">
            <div class="toolbar">
                <strong>{ exec.machine_name.clone() }</strong>
                <span class="muted small" data-testid="states-count">
                    { if entries.len() > MAX_ROWS {
                        format!("first {MAX_ROWS} of {} state entries", entries.len())
                    } else {
                        format!("{} state entries", entries.len())
                    } }
                </span>
                <span class="spacer" />
                <ViewSwitch />
            </div>
            <div class="graph-scroll">
                <table class="states">
                    <thead><tr>
                        <th>{ "State" }</th><th>{ "Type" }</th><th>{ "Status" }</th>
                        <th title="Virtual time since the execution started">{ "Started" }</th>
                        <th title="Virtual time since the execution started">{ "Ended" }</th><th>{ "Duration" }</th>
                    </tr></thead>
                    <tbody>{ rows }</tbody>
                </table>
            </div>
        </section>
    }
}
