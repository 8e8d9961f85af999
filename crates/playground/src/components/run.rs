//! Run controls: entry machine, Start, Step, Run (animated), Run to end, Pause, Reset, speed,
//! the virtual clock with timer controls, and the timeline slider that seeks backwards.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::context::use_workspace;
use crate::history::{format_clock, format_elapsed};
use crate::hooks::{do_advance_timer, do_reset, do_start, do_step};
use crate::state::{use_ui, Action, Level, Play};

/// Parses "10s", "5m", "2h", "1d", "250ms" or a bare number of seconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim().to_ascii_lowercase();
    let (num, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (t[..i].trim(), t[i..].trim()),
        None => (t.as_str(), "s"),
    };
    let n: f64 = num.parse().ok()?;
    let ms = match unit {
        "ms" => n,
        "s" | "sec" => n * 1000.0,
        "m" | "min" => n * 60_000.0,
        "h" => n * 3_600_000.0,
        "d" => n * 86_400_000.0,
        _ => return None,
    };
    (ms.is_finite() && ms > 0.0 && ms < 1e15).then(|| ms.round() as i64)
}

#[function_component]
pub fn RunControls() -> Html {
    let ws = use_workspace();
    let ui = use_ui();
    let advance_by = use_state(|| "10s".to_string());

    let (names, entry, now, next_timer, position, total, events, running, has_exec) = {
        let w = ws.read();
        let e = w.engine();
        let names: Vec<String> = w.machines.iter().map(|m| m.name.clone()).collect();
        let (pos, total) = w.position();
        let events: usize = e.executions().iter().map(|x| x.history.len()).sum();
        let running = e
            .executions()
            .iter()
            .filter(|x| x.status.as_str() == "RUNNING")
            .count();
        (
            names,
            w.entry_machine(),
            e.now_millis(),
            e.next_timer(),
            pos,
            total,
            events,
            running,
            !e.executions().is_empty(),
        )
    };
    let playing = ui.playing;
    // A recorded (or replayed) execution on show has a timeline of its own: its events.
    let recorded = ui
        .execution
        .filter(|id| crate::recorded::is_read_only(*id))
        .and_then(|id| crate::recorded::position(&ws.read(), id).map(|p| (id, p)));
    let (position, total, has_exec) = match recorded {
        Some((_, (pos, total))) => (pos, total, true),
        None => (position, total, has_exec),
    };
    // Its clock is when its latest shown event happened; it has no timers to advance.
    let (now, next_timer) = match recorded {
        Some((id, _)) => (
            crate::recorded::now_millis(&ws.read(), id).unwrap_or(now),
            None,
        ),
        None => (now, next_timer),
    };

    let click = |f: fn(&crate::context::WorkspaceHandle, &crate::state::UiHandle)| {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_: MouseEvent| f(&ws, &ui))
    };
    let on_step = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_: MouseEvent| {
            ui.dispatch(Action::Pause);
            do_step(&ws, &ui);
        })
    };
    let on_step_back = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |_: MouseEvent| crate::hooks::do_step_back(&ws, &ui))
    };
    let play = |p: Play| {
        let ui = ui.clone();
        Callback::from(move |_: MouseEvent| ui.dispatch(Action::Play(p)))
    };
    let on_pause = {
        let ui = ui.clone();
        Callback::from(move |_: MouseEvent| ui.dispatch(Action::Pause))
    };
    let on_entry = {
        let ws = ws.clone();
        Callback::from(move |e: Event| {
            let name = e.target_unchecked_into::<HtmlSelectElement>().value();
            ws.update(|w| w.set_entry(&name));
        })
    };
    let on_speed = {
        let ui = ui.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(v) = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse::<u32>()
            {
                ui.dispatch(Action::SetSpeed(v));
            }
        })
    };
    let on_seek = {
        let (ws, ui) = (ws.clone(), ui.clone());
        Callback::from(move |e: InputEvent| {
            if let Ok(v) = e
                .target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse::<usize>()
            {
                ui.dispatch(Action::Pause);
                match ui.execution.filter(|id| crate::recorded::is_read_only(*id)) {
                    Some(id) => {
                        ws.update(|w| crate::recorded::seek(w, id, v));
                    }
                    None => {
                        ws.update(|w| w.seek(v));
                        crate::hooks::notify_position(&ws, &ui);
                    }
                }
            }
        })
    };
    let branch_choice = use_state(|| 0usize);
    let on_branch_choice = {
        let branch_choice = branch_choice.clone();
        Callback::from(move |e: Event| {
            if let Ok(i) = e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .parse::<usize>()
            {
                branch_choice.set(i);
            }
        })
    };
    let on_branch_restore = {
        let (ws, ui, branch_choice) = (ws.clone(), ui.clone(), branch_choice.clone());
        Callback::from(move |_: MouseEvent| {
            ui.dispatch(Action::Pause);
            match ws.update(|w| w.restore_branch(*branch_choice)) {
                Ok(()) => {
                    branch_choice.set(0);
                    let (pos, _) = ws.read().position();
                    ui.dispatch(Action::Notify(
                        Level::Info,
                        format!("Branch restored and replayed to step {pos}, answers by hand included. The run it replaced is kept under Branches."),
                    ));
                }
                Err(e) => ui.dispatch(Action::Notify(Level::Error, e)),
            }
        })
    };
    let branches: Vec<String> = ws
        .read()
        .branches()
        .iter()
        .map(|b| {
            let answers = match b.answers {
                0 => String::new(),
                1 => ", 1 answer by hand".into(),
                n => format!(", {n} answers by hand"),
            };
            format!(
                "From step {}: {} more steps{answers}",
                b.fork,
                b.ticks - b.fork
            )
        })
        .collect();
    // Newest first in the list.
    let branch_options: Html = branches
        .iter()
        .enumerate()
        .rev()
        .map(|(i, label)| html! { <option value={i.to_string()} selected={i == *branch_choice}>{ label.clone() }</option> })
        .collect();
    let on_advance_by = {
        let (ws, ui, advance_by) = (ws.clone(), ui.clone(), advance_by.clone());
        Callback::from(move |_: MouseEvent| match parse_duration(&advance_by) {
            Some(ms) => {
                if let Err(e) = ws.update(|w| w.advance_by(ms)) {
                    ui.dispatch(Action::Notify(Level::Error, e));
                }
            }
            None => ui.dispatch(Action::Notify(
                Level::Error,
                format!("{:?} is not a duration (try 10s, 5m, 2h)", *advance_by),
            )),
        })
    };
    let on_advance_text = {
        let advance_by = advance_by.clone();
        Callback::from(move |e: InputEvent| {
            advance_by.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };

    // Each redrive (ExecutionRedriven) marked on the timeline; a click moves there.
    let redrive_marks: Html = ws
        .read()
        .redrive_ticks()
        .into_iter()
        .map(|(tick, arn)| {
            let (ws, ui) = (ws.clone(), ui.clone());
            let onclick = Callback::from(move |_: MouseEvent| {
                ui.dispatch(Action::Pause);
                ws.update(|w| w.seek(tick));
                crate::hooks::notify_position(&ws, &ui);
            });
            let name = arn.rsplit(':').next().unwrap_or(arn);
            html! {
                <button class="timeline-mark" data-testid="timeline-redrive" {onclick}
                    style={format!("left:{:.2}%", tick as f64 * 100.0 / total.max(1) as f64)}
                    title={format!("ExecutionRedriven: {name} (step {tick})")} aria-label={format!("Redrive of {name}, step {tick}")} />
            }
        })
        .collect();
    let progress = match playing {
        Some(Play::ToEnd) => {
            html! { <span class="progress" data-testid="run-progress" role="status"><span class="spinner" />{ format!("Running… {} events", ui.run_events) }</span> }
        }
        Some(Play::Animate) => {
            html! { <span class="progress" data-testid="run-progress" role="status"><span class="spinner" />{ "Playing" }</span> }
        }
        None => html! {},
    };

    html! {
        <section class="panel run" data-testid="run-controls" aria-label="Run controls">
            <div class="run-row">
                <select data-testid="entry-select" aria-label="State machine to start" title="State machine to start" onchange={on_entry}>
                    { for names.iter().map(|n| html! { <option value={n.clone()} selected={Some(n) == entry.as_ref()}>{ n.clone() }</option> }) }
                </select>
                <button class="primary" data-testid="start" title="Start an execution (N)" onclick={click(do_start)}>{ "▶ Start" }</button>
                <span class="sep" />
                <button data-testid="step-back" title="Back one step (B)" aria-label="Step back" disabled={position == 0} onclick={on_step_back}>{ "◀" }</button>
                <button data-testid="step" title="One event (S)" disabled={!has_exec} onclick={on_step}>{ "Step" }</button>
                if playing.is_some() {
                    <button data-testid="pause" title="Pause (P)" onclick={on_pause}>{ "❚❚ Pause" }</button>
                } else {
                    <button data-testid="run" title={if recorded.is_some() { "Play the recording, one event at a time (R)" } else { "Run, animated (R)" }} disabled={!has_exec} onclick={play(Play::Animate)}>{ "Run" }</button>
                    <button data-testid="run-to-end" title={if recorded.is_some() { "Show the recording up to its last event (E)" } else { "Run to the end (E)" }} disabled={!has_exec} onclick={play(Play::ToEnd)}>{ "Run to end" }</button>
                }
                <button data-testid="reset" title="Forget every execution" onclick={click(do_reset)}>{ "Reset" }</button>
                <label class="field speed" title="Animated run speed (events per second)">
                    <input type="range" min="1" max="60" value={ui.speed.to_string()} data-testid="speed" aria-label="Speed" oninput={on_speed} />
                    <span class="num">{ format!("{}/s", ui.speed) }</span>
                </label>
                { progress }
                <span class="spacer" />
                <span class="muted" data-testid="counts" title="History events written by every execution (one step can write several)">{ format!("{events} events · {running} running") }</span>
            </div>
            <div class="run-row">
                <span class="clock" data-testid="clock" title="Virtual clock (UTC)">{ format_clock(now) }</span>
                <span class="muted small" data-testid="next-timer">
                    { match next_timer { Some(t) => format!("next timer in {}", format_elapsed(t - now)), None => "no timer".into() } }
                </span>
                <button data-testid="advance-timer" title={if recorded.is_some() { crate::hooks::RECORDED_CLOCK } else { "Advance the clock to the next timer (T)" }} disabled={next_timer.is_none()} onclick={click(do_advance_timer)}>{ "Next timer" }</button>
                <input class="short" data-testid="advance-by-input" aria-label="Advance the clock by" value={(*advance_by).clone()} oninput={on_advance_text} />
                <button data-testid="advance-by" title={if recorded.is_some() { crate::hooks::RECORDED_CLOCK } else { "Advance the clock by this long (10s, 5m, 2h, 1d)" }} disabled={recorded.is_some()} onclick={on_advance_by}>{ "Advance" }</button>
                <span class="sep" />
                <span class="timeline" title="Timeline, in steps (one step is one engine move or one outside action, and can write several history events): drag to go backwards and forwards through the run">
                    <span class="timeline-track">
                        <input type="range" min="0" max={total.to_string()} value={position.to_string()} disabled={total == 0}
                            data-testid="timeline" aria-label="Timeline" aria-valuetext={format!("step {position} of {total}")} oninput={on_seek} />
                        { redrive_marks }
                    </span>
                    <span class="num" data-testid="timeline-pos">{ if recorded.is_some() { format!("event {position} / {total}") } else { format!("step {position} / {total}") } }</span>
                </span>
                if !branches.is_empty() {
                    <span class="branches">
                        <select data-testid="branch-select" aria-label="Branches: runs left by acting from an earlier step" title="Runs left by acting from an earlier step" onchange={on_branch_choice}>
                            { branch_options }
                        </select>
                        <button data-testid="branch-restore" title="Put this run back on the timeline (replays it, answers by hand included)" onclick={on_branch_restore}>{ "Restore branch" }</button>
                    </span>
                }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    use super::parse_duration;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn durations() {
        for (t, ms) in [
            ("10s", 10_000),
            ("10", 10_000),
            ("1.5m", 90_000),
            ("2h", 7_200_000),
            ("250ms", 250),
            (" 1 d ", 86_400_000),
        ] {
            assert_eq!(parse_duration(t), Some(ms), "{t}");
        }
        for bad in ["", "x", "-1s", "10y", "0"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
