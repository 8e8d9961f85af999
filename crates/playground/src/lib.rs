//! The Stepwise playground: a Yew app to edit a parent state machine and the children it
//! starts, run them on the engine's virtual clock, step through nested executions, inspect
//! every state's input and output, and complete task tokens by hand.
//!
//! Layout: `workspace.rs` (plain Rust: machines, input, mocks, engine, command log,
//! checkpoints) · `context.rs` (provider + `use_workspace()` handle) · `state.rs` (UI-only
//! reducer) · `hooks.rs` (play loop, autosave, shortcuts) · `components/` (one module per
//! panel) · pure helpers `graph.rs`, `history.rs`, `highlight.rs`, `share.rs`, `storage.rs`;
//! `recorded.rs` (executions AWS recorded, imported, replayed: read-only history sources);
//! `switch.rs` changes the workspace on screen without losing the one it replaces;
//! `jsonata.rs` and `templates_module.rs` stand for the site's extra wasm modules (JSONata's
//! evaluator; the template reader and exporter), which `lazy_module.rs` fetches when needed.
//!
//! # Stable element ids and `data-testid`s (for tests; keep them when restyling)
//!
//! | selector | what |
//! | --- | --- |
//! | `#app`, `[data-testid=app]` | the root element the app renders |
//! | `header`: `examples`, `new-workspace`, `import`, `import-file`, `export` (workspace file), `export-open`, `share`, `theme` | header buttons (`import-file` is the hidden `<input type=file>`) |
//! | `gallery`, `example-<file stem>` (e.g. `example-wait-for-task-token`), `gallery-close` | examples dialog |
//! | `share-dialog`, `share-link` | share link dialog and its text field |
//! | `shared-banner`, `shared-keep`, `shared-back` | shown while a workspace opened from a share link is on screen: keep it as yours, or go back to yours |
//! | `restore` (header button), `restore-dialog`, `restore-item` (each earlier workspace), `restore-open` (its button), `restore-shared` (reopen the shared workspace), `restore-close` | earlier workspaces kept when something replaced them |
//! | `export-open` (header button "Export to AWS"), `export-dialog`, `export-format` (select: `cloudformation`, `sam`), `export-yaml` (checkbox: checked YAML, unchecked JSON), `export-template` (the generated text), `export-error` (why nothing could be generated), `export-download`, `export-copy`, `export-command` (the `aws cloudformation deploy` line), `export-close` | "Export to AWS" dialog |
//! | `notice`, `notice-reset` | the message bar (info or error), with Reset when that cures the failure it explains |
//! | `machines-panel`, `machine-tab-<name>`, `machine-add`, `machine-rename`, `machine-rename-input`, `machine-duplicate`, `machine-delete`, `format`, `machine-type` (select: `STANDARD`, `EXPRESS`; the selected machine's type) | machines panel |
//! | `definition` (the editable text: the textarea, then CodeMirror's content once loaded), `definition-editor` (`data-editor`: `textarea` or `codemirror`; CodeMirror's controller, whose `text()` is the exact text, is the `stepwiseEditor` property of its `.cm-host`), `editor-help` (hover help), `diagnostics`, `diagnostic` (each item), `diagnostics-ok` | definition editor and its diagnostics |
//! | `input-panel`, `input-toggle` (opens and closes the panel; `aria-expanded`), `input-summary` (the text in one line while closed), `input` (editable text, as `definition`), `input-error` | execution input |
//! | `run-controls`, `entry-select`, `start`, `step-back`, `step`, `run`, `run-to-end`, `pause`, `reset`, `speed`, `run-progress` | run controls |
//! | `clock`, `next-timer`, `advance-timer`, `advance-by-input`, `advance-by`, `counts` | virtual clock |
//! | `timeline` (range input), `timeline-pos` ("step N / M"), `branch-select`, `branch-restore` | step backwards/forwards |
//! | `graph` (`data-machine`), `state-<state name>` (`data-status`: Not reached, In progress, Waiting for callback, Succeeded, Failed, Caught error, Cancelled), `zoom-in`, `zoom-out`, `zoom-fit`, `zoom-reset`, `graph-as-run` | graph |
//! | `breadcrumb`, `crumb-<i>` (ancestors, 0 = root), `crumb-current` | execution path above the graph |
//! | `executions`, `exec-<machine name>` (`data-status`: RUNNING, SUCCEEDED, ...; `data-exec-name`) | executions tree |
//! | `inspector`, `stop-execution`, `export-run-test` (a finished local run as a test case), `exec-status`, `exec-input`, `exec-output`, `exec-error`, `exec-error-hint`, `hint-reset`, `inspector-state`, `inspector-state-status`, `run-picker`, `run-prev`, `run-next`, `io-input`, `io-parameters`, `io-result`, `io-output`, `io-assigned`, `io-error`, `open-child` | inspector |
//! | `tab-history`, `tab-tokens`, `tab-mocks` | bottom tabs |
//! | `history`, `history-filter`, `history-count`, `history-viewport`, `history-row` (`data-event-type`, `data-later`: written after the timeline's step; opening it with a click or Enter moves the timeline to that event and selects its state), `history-detail`, `express-logs-note` (`history` has `data-express=true`: an Express execution, whose events are listed as its CloudWatch Logs records) | event history (log records for Express) |
//! | `tokens`, `pending-token` (`data-state`), `token-output` (editable text, as `definition`), `send-success`, `send-heartbeat`, `failure-error`, `failure-cause`, `send-failure` | pending tokens |
//! | `mocks`, `mocks-text` (editable text, as `definition`), `mocks-error` | mocks editor |
//! | `import-execution` (header button), `import-execution-dialog`, `import-execution-text` (pasted AWS CLI output), `import-execution-files` (`<input type=file multiple>`), `import-execution-loaded` (names of the files read), `import-execution-go`, `import-execution-error` (each located message), `import-execution-close` | "Import execution" dialog (`recorded.rs`) |
//! | `rec-exec-<machine name>` (`data-source`: `recorded` or `replay`; `data-status`, `data-exec-name`), `exec-read-only` (inspector badge) | recorded and replayed executions in the executions tree; the timeline (`timeline-pos`: "event N / M") then moves through their events |
//! | `tab-recording`, `recording`, `recording-warning`, `replay`, `export-test`, `replay-result` (`data-divergence`), `replay-edited`, `replay-verdict`, `replay-note`, `divergence`, `divergence-what`, `divergence-recorded` / `divergence-local` (with `-type`, `-state`), `show-recorded-event`, `show-local-event` | Recording tab: Replay locally, the first divergence side by side, Export test |
//!
//! Keyboard (outside editors): `n` start, `s` step, `b` step back, `r` run, `e` run to end, `p` pause,
//! `t` advance to the next timer, `Escape` close dialogs.

#![forbid(unsafe_code)]

pub mod app;
pub mod aws_export;
pub mod components;
pub mod context;
pub mod examples;
pub mod graph;
pub mod highlight;
pub mod history;
pub mod hooks;
pub mod import;
pub mod jsonata;
#[cfg(all(
    target_arch = "wasm32",
    any(feature = "jsonata-module", feature = "template-module")
))]
mod lazy_module;
pub mod recorded;
pub mod share;
pub mod state;
pub mod storage;
pub mod switch;
pub mod templates_module;
pub mod workspace;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app on the page, and starts loading JSONata's evaluator (`jsonata.rs`). When the
/// workspace being opened uses JSONata, the app waits for the evaluator (a message stands in
/// meanwhile). A placeholder `#app` element (a loading message) is replaced, so there is exactly
/// one `#app`.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&msg.clone().into());
        // Make a crash visible instead of leaving a frozen page.
        if let Some(body) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
        {
            if let Ok(el) = body
                .owner_document()
                .unwrap_or_else(|| unreachable!())
                .create_element("div")
            {
                el.set_class_name("crash");
                el.set_text_content(Some(&format!("The playground hit a bug and stopped: {msg}. Your work is autosaved; reload the page.")));
                let _ = body.prepend_with_node_1(&el);
            }
        }
    }));
    // A workspace that uses JSONata waits for its evaluator (`jsonata.rs`): checked or run
    // without it, it would show errors it does not have.
    let wait = !jsonata::ready() && switch::boot_uses_jsonata();
    jsonata::load(wait);
    if wait {
        show_waiting();
        jsonata::when_settled(mount);
    } else {
        mount();
    }
}

/// What `#app` says while the workspace waits for JSONata's evaluator (the app replaces it).
fn show_waiting() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(body), Ok(el)) = (doc.body(), doc.create_element("p")) else {
        return;
    };
    el.set_id("app");
    el.set_class_name("boot-waiting");
    el.set_text_content(Some("Loading JSONata's evaluator for this workspace…"));
    let _ = body.append_with_node_1(&el);
}

/// Renders the app in place of a placeholder `#app`, if there is one.
fn mount() {
    let doc = web_sys::window().and_then(|w| w.document());
    let root = doc.as_ref().and_then(|d| d.get_element_by_id("app"));
    match root.as_ref().and_then(|r| r.parent_element()) {
        Some(parent) => {
            if let Some(r) = root {
                r.remove();
            }
            yew::Renderer::<app::App>::with_root(parent).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
