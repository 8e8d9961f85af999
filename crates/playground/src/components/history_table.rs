//! The event history table, like the console's: id, type, state, elapsed virtual time, with
//! expandable details. Only the rows in view are rendered, so 10,000+ events stay fast.

use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::components::row::open_on_enter_or_space;
use crate::context::use_workspace;
use crate::history::{event_state, format_elapsed, is_express};
use crate::state::{use_ui, Action};

pub const ROW_H: f64 = 28.0;
pub const DETAIL_H: f64 = 240.0;
const OVERSCAN: usize = 8;

/// Rows `[first, last)` to render for a viewport, given which row (if any) is expanded.
pub fn window(
    rows: usize,
    scroll_top: f64,
    view_h: f64,
    expanded: Option<usize>,
) -> (usize, usize) {
    let row_at = |y: f64| -> usize {
        let y = y.max(0.0);
        match expanded {
            Some(e) if y > (e as f64 + 1.0) * ROW_H => {
                let past = ((y - DETAIL_H) / ROW_H).floor() as usize;
                past.max(e + 1)
            }
            _ => (y / ROW_H).floor() as usize,
        }
    };
    let first = row_at(scroll_top).saturating_sub(OVERSCAN).min(rows);
    let last = (row_at(scroll_top + view_h) + 1 + OVERSCAN).min(rows);
    (first, last.max(first))
}

#[function_component]
pub fn HistoryTable() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let scroll = use_state(|| (0.0f64, 400.0f64));
    let follow = use_state(|| true);
    // Where the viewport was at the last scroll event: only a move up (the user reading back)
    // stops following. A scroll event that arrives late, after more rows were added below,
    // looks "not at the bottom" but is no reason to stop.
    let last_top = use_mut_ref(|| 0.0f64);
    let viewport = use_node_ref();

    let w = ws.read();
    // The whole run stays listed while the timeline is earlier; events written after the
    // timeline's step are marked as later.
    let exec = ui
        .execution
        .and_then(|id| crate::recorded::exec_head(&w, id));
    let present = ui
        .execution
        .and_then(|id| crate::recorded::exec(&w, id))
        .map_or(0, |e| e.history.len());
    let filter = ui.filter.to_lowercase();
    // Selecting a state can narrow the history to that state's events.
    let only_state = ui.state.as_deref().filter(|_| ui.state_events_only);
    let rows: Vec<usize> = exec
        .map(|exec| {
            exec.history
                .iter()
                .enumerate()
                .filter(|(_, e)| only_state.is_none_or(|s| event_state(e) == Some(s)))
                .filter(|(_, e)| {
                    filter.is_empty()
                        || crate::recorded::type_label(&w, exec.id, e)
                            .to_lowercase()
                            .contains(&filter)
                        || event_state(e).is_some_and(|s| s.to_lowercase().contains(&filter))
                        || e.id.to_string() == filter
                })
                .map(|(i, _)| i)
                .collect()
        })
        .unwrap_or_default();

    // Follow the tail as events arrive, like a log viewer (hooks run before any early return).
    {
        let (viewport, scroll) = (viewport.clone(), scroll.clone());
        let n = rows.len();
        let following = *follow && ui.event.is_none();
        use_effect_with((n, following, ui.execution), move |(_, following, _)| {
            if *following {
                if let Some(el) = viewport.cast::<HtmlElement>() {
                    let h = el.client_height() as f64;
                    el.set_scroll_top(el.scroll_height());
                    let top = el.scroll_top() as f64;
                    if (top, h) != *scroll {
                        scroll.set((top, h));
                    }
                }
            }
        });
    }

    let Some(exec) = exec else {
        return html! { <div class="history" data-testid="history"><p class="empty">{ "Select an execution to see its events." }</p></div> };
    };
    let expanded_row = ui
        .event
        .and_then(|id| rows.iter().position(|&i| exec.history[i].id == id));
    let total_h = rows.len() as f64 * ROW_H
        + if expanded_row.is_some() {
            DETAIL_H
        } else {
            0.0
        };
    let (scroll_top, view_h) = *scroll;
    let (first, last) = window(rows.len(), scroll_top, view_h, expanded_row);
    let top_of = |r: usize| {
        r as f64 * ROW_H
            + if expanded_row.is_some_and(|e| r > e) {
                DETAIL_H
            } else {
                0.0
            }
    };

    let onscroll = {
        let (scroll, follow, last_top) = (scroll.clone(), follow.clone(), last_top.clone());
        Callback::from(move |e: Event| {
            let el: HtmlElement = e.target_unchecked_into();
            let (top, h, sh) = (
                el.scroll_top() as f64,
                el.client_height() as f64,
                el.scroll_height() as f64,
            );
            scroll.set((top, h));
            let moved_up = top + 1.0 < *last_top.borrow();
            *last_top.borrow_mut() = top;
            // Follow new events while the user stays at the bottom; stop when they scroll up.
            if moved_up && top + h < sh - ROW_H * 1.5 {
                follow.set(false);
            } else if top + h >= sh - ROW_H * 1.5 {
                follow.set(true);
            }
        })
    };

    let start = exec.start_millis;
    let body: Html = (first..last)
        .map(|r| {
            let e = &exec.history[rows[r]];
            let id = e.id;
            let expanded = expanded_row == Some(r);
            let later = rows[r] >= present;
            let of_selected = ui.state.is_some() && event_state(e) == ui.state.as_deref();
            let state = event_state(e).unwrap_or("").to_string();
            // Opening an event moves the timeline to the step that wrote it and selects its
            // state, which the graph highlights.
            let open = {
                let (ws, ui, state, exec_id) = (ws.clone(), ui.clone(), state.clone(), exec.id);
                move || {
                    if !expanded {
                        ui.dispatch(Action::Pause);
                        if crate::recorded::is_read_only(exec_id) {
                            // A recorded or replayed execution: its own timeline.
                            let pos = crate::recorded::position_of_event(&ws.read(), exec_id, id);
                            if let Some(pos) = pos {
                                ws.update(|w| crate::recorded::seek(w, exec_id, pos));
                            }
                        } else {
                            let tick = ws.read().tick_of_event(exec_id, id);
                            if let Some(tick) = tick {
                                ws.update(|w| w.seek(tick));
                                crate::hooks::notify_position(&ws, &ui);
                            }
                        }
                        if !state.is_empty() {
                            ui.dispatch(Action::SelectState(Some(state.clone())));
                        }
                    }
                    ui.dispatch(Action::ToggleEvent(id));
                }
            };
            let onkeydown = open_on_enter_or_space(open.clone());
            let onclick = Callback::from(move |_| open());
            let cls = if e.event_type.is_failure() || e.event_type.is_aborted() {
                "ev-bad"
            } else if e.event_type.is_success() {
                "ev-good"
            } else {
                ""
            };
            html! {
                <>
                    <div class={classes!("hrow", cls, expanded.then_some("open"), later.then_some("later"), of_selected.then_some("of-state"))} style={format!("top:{}px", top_of(r))}
                        data-testid="history-row" data-event-type={crate::recorded::type_label(&w, exec.id, e).to_string()} data-later={later.to_string()} data-state={state.clone()} role="row" tabindex="0"
                        title={if later { "Written after the timeline's step: open it to move there" } else { "Open to move the timeline to the step that wrote it" }}
                        aria-expanded={expanded.to_string()} {onclick} {onkeydown}>
                        <span class="c-id">{ if expanded { "▾ " } else { "▸ " } }{ id }</span>
                        <span class="c-type">{ crate::recorded::type_label(&w, exec.id, e).to_string() }</span>
                        <span class="c-state">{ state }</span>
                        <span class="c-time">{ format_elapsed(e.timestamp_millis - start) }</span>
                    </div>
                    if expanded {
                        <pre class="hdetail json" style={format!("top:{}px;height:{}px", top_of(r) + ROW_H, DETAIL_H - 4.0)} data-testid="history-detail">
                            { crate::recorded::event_detail(&w, exec, e) }
                        </pre>
                    }
                </>
            }
        })
        .collect();

    let on_filter = {
        let ui = ui.clone();
        Callback::from(move |e: InputEvent| {
            ui.dispatch(Action::SetFilter(
                e.target_unchecked_into::<HtmlInputElement>().value(),
            ))
        })
    };
    let state_toggle = ui.state.clone().map(|state| {
        let ui = ui.clone();
        let on = ui.state_events_only;
        let onchange = Callback::from(move |e: Event| ui.dispatch(Action::ShowStateEvents(e.target_unchecked_into::<HtmlInputElement>().checked())));
        html! {
            <label class="only-state" title="List only the events of the state selected on the graph or in the table">
                <input type="checkbox" data-testid="history-only-state" checked={on} {onchange} />
                { format!(" Only \u{201c}{state}\u{201d}") }
            </label>
        }
    });
    // AWS keeps no history of an Express execution; the same events are its log records.
    let express = is_express(exec);
    let noun = if express { "log records" } else { "events" };
    html! {
        <div class="history" data-testid="history" data-express={express.to_string()}>
            if express {
                <p class="express-note" data-testid="express-logs-note">
                    <strong>{ "Express execution: CloudWatch Logs records, not an execution history." }</strong>
                    { " AWS keeps no history for Express workflows (GetExecutionHistory does not support them); \
                       it writes each event to CloudWatch Logs. These are those records, at log level ALL \
                       with execution data: open one to see it as logged." }
                </p>
            }
            <div class="toolbar">
                <input type="search" class="filter" placeholder="Filter by type, state or id" aria-label="Filter events"
                    data-testid="history-filter" value={ui.filter.clone()} oninput={on_filter} />
                { for state_toggle }
                <span class="muted" data-testid="history-count">{ if present < exec.history.len() {
                    format!("{} of {} {noun} · {present} up to the timeline's step", rows.len(), exec.history.len())
                } else {
                    format!("{} of {} {noun}", rows.len(), exec.history.len())
                } }</span>
            </div>
            <div class="hrow head" role="row">
                <span class="c-id">{ "ID" }</span><span class="c-type">{ "Type" }</span>
                <span class="c-state">{ "Step" }</span><span class="c-time">{ "Elapsed" }</span>
            </div>
            <div class="hviewport" ref={viewport} {onscroll} data-testid="history-viewport" role="table"
                aria-label={if express { "CloudWatch Logs records" } else { "Event history" }}>
                <div class="hspacer" style={format!("height:{total_h}px")}>{ body }</div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn window_covers_the_viewport_and_no_more() {
        let (a, b) = window(10_000, 0.0, 280.0, None);
        assert_eq!(a, 0);
        assert!((10..=10 + 2 * OVERSCAN).contains(&b));
        let (a, b) = window(10_000, 28_000.0, 280.0, None);
        assert!((1000 - OVERSCAN - 1..=1000).contains(&a) && b <= 1011 + OVERSCAN);
        assert_eq!(window(5, 0.0, 1000.0, None), (0, 5));
        assert_eq!(window(0, 100.0, 1000.0, None), (0, 0));
        // Below an expanded row, the detail's height shifts the rows.
        let (a, _) = window(10_000, 100.0 * ROW_H + DETAIL_H, 280.0, Some(10));
        assert_eq!(a, 100 - OVERSCAN);
    }
}
