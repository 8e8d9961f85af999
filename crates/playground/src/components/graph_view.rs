//! The graph of the selected machine, coloured by the selected execution's progress.

use std::collections::BTreeMap;
use std::rc::Rc;

use stepwise_engine::{Engine, Execution, ExecutionId};
use yew::prelude::*;

use crate::context::use_workspace;
use crate::graph::{layout_text, EdgeKind, Layout, END_ID, START_ID};
use crate::history::{state_entries, state_statuses, StateEntry, StateStatus};
use crate::state::{use_ui, Action};
use crate::workspace::Workspace;

pub fn find_exec(engine: &Engine, id: ExecutionId) -> Option<&Execution> {
    engine.executions().iter().find(|e| e.id == id)
}

/// The machine on show is the selected tab's. When the selected execution ran that machine,
/// its definition as deployed for the run is drawn (the editor may have changed since) and
/// `true` says the run's colours apply.
pub fn shown_machine(
    w: &Workspace,
    machine_tab: usize,
    execution: Option<ExecutionId>,
) -> (String, String, bool) {
    let tab_name = w.machines.get(machine_tab).map(|m| m.name.as_str());
    let exec = execution
        .and_then(|id| crate::recorded::exec(w, id))
        .filter(|e| tab_name.is_none_or(|n| n == e.machine_name));
    if let Some(exec) = exec {
        return (
            exec.machine_name.clone(),
            exec.definition_text.to_string(),
            true,
        );
    }
    w.machines
        .get(machine_tab)
        .map(|m| (m.name.clone(), m.definition.clone(), false))
        .unwrap_or_default()
}

/// Each state's status in execution `id`, local, recorded or replayed.
pub fn statuses_in(w: &Workspace, id: ExecutionId) -> BTreeMap<String, StateStatus> {
    if crate::recorded::is_read_only(id) {
        return crate::recorded::exec(w, id)
            .map(|e| state_statuses(&e.history, &[]))
            .unwrap_or_default();
    }
    statuses_of(w.engine(), id)
}

/// Every entry into a state of execution `id`, local, recorded or replayed.
pub fn entries_in(w: &Workspace, id: ExecutionId) -> Vec<StateEntry> {
    if crate::recorded::is_read_only(id) {
        return crate::recorded::exec(w, id)
            .map(|e| state_entries(&e.history, &[]))
            .unwrap_or_default();
    }
    entries_of(w.engine(), id)
}

pub fn statuses_of(engine: &Engine, id: ExecutionId) -> BTreeMap<String, StateStatus> {
    let Some(exec) = find_exec(engine, id) else {
        return BTreeMap::new();
    };
    state_statuses(&exec.history, &waiting_states(engine, id))
}

/// Every entry into a state of the execution, with the statuses the graph's colours fold.
pub fn entries_of(engine: &Engine, id: ExecutionId) -> Vec<StateEntry> {
    let Some(exec) = find_exec(engine, id) else {
        return Vec::new();
    };
    state_entries(&exec.history, &waiting_states(engine, id))
}

fn waiting_states(engine: &Engine, id: ExecutionId) -> Vec<String> {
    crate::workspace::outside_tasks(engine)
        .into_iter()
        .filter(|p| p.execution == id)
        .map(|p| p.state_name)
        .collect()
}

#[function_component]
pub fn GraphView() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    // `None` fits the graph to the panel's width (never enlarging it); `Some(z)` is a fixed zoom.
    let zoom = use_state(|| None::<f64>);
    let (name, text, statuses) = {
        let w = ws.read();
        let (name, text, of_run) = shown_machine(&w, ui.machine, ui.execution);
        let statuses = ui
            .execution
            .filter(|_| of_run)
            .map(|id| statuses_in(&w, id))
            .unwrap_or_default();
        (name, text, statuses)
    };
    // Keep the last good layout while the definition is being typed and does not parse.
    let last_good = use_mut_ref(|| None::<(String, std::rc::Rc<Layout>)>);
    let layout = {
        let text = text.clone();
        use_memo(text, |t| layout_text(t).map(std::rc::Rc::new))
    };
    let layout: Option<std::rc::Rc<Layout>> = match (*layout).clone() {
        Some(l) => {
            *last_good.borrow_mut() = Some((name.clone(), l.clone()));
            Some(l)
        }
        None => last_good
            .borrow()
            .as_ref()
            .filter(|(n, _)| *n == name)
            .map(|(_, l)| l.clone()),
    };
    let stale = layout.is_some() && serde_json::from_str::<serde_json::Value>(&text).is_err();
    // The run used the definition deployed at its start; say so when the editor has moved on.
    let as_run = {
        let w = ws.read();
        ui.execution.is_some()
            && w.machines
                .get(ui.machine)
                .is_some_and(|m| m.name == name && m.definition != text)
            && !statuses.is_empty()
    };

    let Some(layout) = layout else {
        return html! {
            <section class="panel graph" data-testid="graph" aria-label="Graph">
                <div class="toolbar"><span class="spacer" /><crate::components::states_table::ViewSwitch /></div>
                <p class="empty">{ "The graph appears when the definition is valid JSON." }</p>
            </section>
        };
    };

    let z = *zoom;
    let zoom_btn = |label: &'static str, f: f64, testid: &'static str, title: &'static str| {
        let zoom = zoom.clone();
        let onclick = Callback::from(move |_| {
            zoom.set(match f {
                0.0 => None,
                1.0 => Some(1.0),
                f => Some(((*zoom).unwrap_or(1.0) * f).clamp(0.3, 3.0)),
            })
        });
        html! { <button data-testid={testid} {title} {onclick}>{ label }</button> }
    };
    let (svg_w, svg_h, svg_style) = match z {
        // Fit the width (never enlarging) and scroll vertically: a tall machine squeezed into
        // the panel's height would be unreadable.
        // (No height attribute: the viewBox's aspect ratio gives it.)
        None => (
            "100%".to_string(),
            None,
            format!("max-width:{}px;height:auto", layout.width),
        ),
        Some(z) => (
            (layout.width * z).to_string(),
            Some((layout.height * z).to_string()),
            String::new(),
        ),
    };

    let succeeded = ui.execution.is_some_and(|id| {
        crate::recorded::exec(&ws.read(), id).is_some_and(|e| e.status.as_str() == "SUCCEEDED")
    });
    let on_select = {
        let ui = ui.clone();
        Callback::from(move |id: String| ui.dispatch(Action::SelectState(Some(id))))
    };
    let legend = [
        ("st-progress", "In progress"),
        ("st-waiting", "Waiting for callback"),
        ("st-succeeded", "Succeeded"),
        ("st-failed", "Failed"),
        ("st-caught", "Caught error"),
        ("st-aborted", "Cancelled"),
        ("st-none", "Not reached"),
    ];
    let ui_clear = ui.clone();
    html! {
        <section class="panel graph" data-testid="graph" data-machine={name.clone()} aria-label="Graph">
            <div class="toolbar">
                <strong>{ name.clone() }</strong>
                if stale { <span class="stale" title="The definition does not parse: showing the last valid graph">{ "(last valid graph)" }</span> }
                if as_run { <span class="stale" data-testid="graph-as-run" title="The definition was edited after this execution started: the graph shows the version it ran">{ "(as run; edited since)" }</span> }
                <span class="spacer" />
                { zoom_btn("−", 1.0 / 1.2, "zoom-out", "Zoom out") }
                <span class="zoom">{ z.map(|z| format!("{:.0}%", z * 100.0)).unwrap_or_else(|| "Fit".into()) }</span>
                { zoom_btn("+", 1.2, "zoom-in", "Zoom in") }
                { zoom_btn("Fit", 0.0, "zoom-fit", "Fit the graph to the panel's width") }
                { zoom_btn("1:1", 1.0, "zoom-reset", "Actual size") }
                <crate::components::states_table::ViewSwitch />
            </div>
            <div class="graph-scroll" onclick={Callback::from(move |_| ui_clear.dispatch(Action::SelectState(None)))}>
                <GraphSvg layout={layout.clone()} statuses={Rc::new(statuses)} {succeeded}
                    selected={ui.state.clone()} on_select={Some(on_select)} marker_id="arrow"
                    width={svg_w} height={svg_h} style={svg_style} label={format!("Graph of {name}")} />
            </div>
            <div class="legend">
                { for legend.iter().map(|(c, l)| html! { <span class="legend-item"><i class={classes!("swatch", *c)} />{ *l }</span> }) }
            </div>
        </section>
    }
}

/// What the graph shows: a layout, each state's status in the execution on show, and whether
/// that execution succeeded (the End marker is then reached).
#[derive(Properties, PartialEq)]
pub struct GraphSvgProps {
    pub layout: Rc<Layout>,
    pub statuses: Rc<BTreeMap<String, StateStatus>>,
    pub succeeded: bool,
    #[prop_or_default]
    pub selected: Option<String>,
    /// Clicking a state (or Enter on it); `None` leaves states inert, as in an embed.
    #[prop_or_default]
    pub on_select: Option<Callback<String>>,
    /// The arrowhead's element id: unique per document, since several graphs may share one.
    pub marker_id: AttrValue,
    pub width: AttrValue,
    #[prop_or_default]
    pub height: Option<String>,
    #[prop_or_default]
    pub style: AttrValue,
    pub label: AttrValue,
    /// Also writes the embed's hooks, `data-sw-state` and `data-sw-state-status` (see `embed_status`).
    #[prop_or_default]
    pub embed_attrs: bool,
}

/// A state's status in the words of the embed's `data-sw-state-status`: `idle`, `active`,
/// `waiting`, `done`, `caught` or `failed` (an aborted run's states count as failed).
pub fn embed_status(status: Option<StateStatus>) -> &'static str {
    match status {
        None => "idle",
        Some(StateStatus::InProgress) => "active",
        Some(StateStatus::Waiting) => "waiting",
        Some(StateStatus::Succeeded) => "done",
        Some(StateStatus::Caught) => "caught",
        Some(StateStatus::Failed | StateStatus::Aborted) => "failed",
    }
}

/// The graph itself, shared by the playground's graph panel and the embeds (`crates/embed`):
/// boxes from `graph::layout_definition`, coloured by `history::state_statuses`.
#[function_component]
pub fn GraphSvg(props: &GraphSvgProps) -> Html {
    let layout = &props.layout;
    let statuses = &props.statuses;
    let marker_url = format!("url(#{})", props.marker_id);
    let edges: Html = layout
        .edges
        .iter()
        .map(|e| {
            let cls = match e.kind {
                EdgeKind::Catch => "edge catch",
                EdgeKind::Choice => "edge choice",
                EdgeKind::Default => "edge default",
                EdgeKind::Marker => "edge marker",
                EdgeKind::Next => "edge",
            };
            let reached = statuses.contains_key(&e.to) && (statuses.contains_key(&e.from) || e.from == START_ID);
            let label = e.label.clone().map(|l| {
                let w = l.chars().count() as f64 * 6.2 + 10.0;
                html! {
                    <g class="edge-label">
                        <rect x={(e.label_x - w / 2.0).to_string()} y={(e.label_y - 9.0).to_string()} width={w.to_string()} height="18" rx="4" />
                        <text x={e.label_x.to_string()} y={(e.label_y + 4.0).to_string()} text-anchor="middle">{ l }</text>
                    </g>
                }
            });
            html! {
                <g>
                    <path class={classes!(cls, reached.then_some("reached"))} d={e.d.clone()} marker-end={marker_url.clone()} />
                    { for label }
                </g>
            }
        })
        .collect();

    let nodes: Html = layout
        .nodes
        .iter()
        .map(|n| {
            let status = statuses.get(&n.id).copied();
            let selected = props.selected.as_deref() == Some(n.id.as_str());
            match n.kind.as_str() {
                "Start" | "End" => {
                    let done = (n.id == START_ID && !statuses.is_empty())
                        || (n.id == END_ID && props.succeeded);
                    let (sw_state, sw_status) = if props.embed_attrs {
                        (Some(n.label.clone()), Some(if done { "done" } else { "idle" }))
                    } else {
                        (None, None)
                    };
                    html! {
                        <g class={classes!("marker", done.then_some("reached"))}
                            data-sw-state={sw_state} data-sw-state-status={sw_status}>
                            <rect x={n.x.to_string()} y={n.y.to_string()} width={n.w.to_string()} height={n.h.to_string()} rx="14" />
                            <text x={(n.x + n.w / 2.0).to_string()} y={(n.y + n.h / 2.0 + 4.0).to_string()} text-anchor="middle">{ n.label.clone() }</text>
                        </g>
                    }
                }
                "Branch" => html! {
                    <g class="branch">
                        <rect x={n.x.to_string()} y={n.y.to_string()} width={n.w.to_string()} height={n.h.to_string()} rx="6" />
                        <text x={(n.x + 8.0).to_string()} y={(n.y + 13.0).to_string()}>{ n.label.clone() }</text>
                    </g>
                },
                kind => {
                    let compound = n.h > crate::graph::LEAF_H + 1.0;
                    let select = props.on_select.clone().map(|on_select| {
                        let id = n.id.clone();
                        move || on_select.emit(id.clone())
                    });
                    let onkeydown = select.clone().map(|select| {
                        Callback::from(move |e: KeyboardEvent| {
                            if e.key() == "Enter" || e.key() == " " {
                                e.prevent_default();
                                select();
                            }
                        })
                    });
                    let onclick = select.clone().map(|select| {
                        Callback::from(move |e: MouseEvent| {
                            e.stop_propagation();
                            select();
                        })
                    });
                    let interactive = select.is_some();
                    let title = format!("{} ({kind}){}", n.id, status.map(|s| format!(" — {}", s.label())).unwrap_or_default());
                    let (sw_state, sw_status) = if props.embed_attrs {
                        (Some(n.id.clone()), Some(embed_status(status)))
                    } else {
                        (None, None)
                    };
                    html! {
                        <g class={classes!("state", format!("k-{}", kind.to_lowercase()), compound.then_some("compound"),
                                status.map(|s| s.class()), selected.then_some("selected"))}
                            data-testid={format!("state-{}", n.id)}
                            data-status={status.map(|s| s.label()).unwrap_or("Not reached")}
                            data-sw-state={sw_state} data-sw-state-status={sw_status}
                            tabindex={interactive.then_some("0")} role={interactive.then_some("button")}
                            aria-label={title.clone()} aria-pressed={interactive.then(|| selected.to_string())}
                            {onclick} {onkeydown}>
                            <title>{ title }</title>
                            <rect x={n.x.to_string()} y={n.y.to_string()} width={n.w.to_string()} height={n.h.to_string()} rx="6" />
                            if compound {
                                <text class="compound-label" x={(n.x + 10.0).to_string()} y={(n.y + 19.0).to_string()}>
                                    { format!("{}  ·  {kind}", n.label) }
                                </text>
                            } else {
                                <text x={(n.x + n.w / 2.0).to_string()} y={(n.y + 17.0).to_string()} text-anchor="middle">{ n.label.clone() }</text>
                                <text class="kind" x={(n.x + n.w / 2.0).to_string()} y={(n.y + 31.0).to_string()} text-anchor="middle">{ kind.to_string() }</text>
                            }
                        </g>
                    }
                }
            }
        })
        .collect();

    html! {
        <svg width={props.width.clone()} height={props.height.clone()} style={props.style.clone()} preserveAspectRatio="xMidYMin meet"
            viewBox={format!("0 0 {} {}", layout.width, layout.height)} role="img"
            aria-label={props.label.clone()}>
            <defs>
                <marker id={props.marker_id.clone()} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                </marker>
            </defs>
            { nodes }
            { edges }
        </svg>
    }
}
