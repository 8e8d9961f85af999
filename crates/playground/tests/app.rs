//! The app mounted in headless Chromium: panels render, typing keeps text and shows
//! diagnostics, the run buttons drive the engine, and a corrupt autosave is set aside.

use stepwise_playground::app::App;
use stepwise_playground::state::{Action, Play, Theme, UiState};
use stepwise_playground::storage::{CORRUPT_PREFIX, KEY};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Mounts a fresh App in its own element and waits for the first render.
async fn mount() -> Element {
    let host = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    yew::Renderer::<App>::with_root(host.clone()).render();
    yew::scheduler::flush().await;
    host
}

fn q(root: &Element, testid: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid=\"{testid}\"]"))
        .unwrap()
}

fn count(root: &Element, testid: &str) -> u32 {
    root.query_selector_all(&format!("[data-testid=\"{testid}\"]"))
        .unwrap()
        .length()
}

async fn click(root: &Element, testid: &str) {
    let el: HtmlElement = q(root, testid)
        .unwrap_or_else(|| panic!("no {testid}"))
        .dyn_into()
        .unwrap();
    el.click();
    yew::scheduler::flush().await;
}

async fn type_into(root: &Element, testid: &str, text: &str) {
    let ta: HtmlTextAreaElement = q(root, testid).unwrap().dyn_into().unwrap();
    ta.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    ta.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn renders_every_panel_with_the_default_example() {
    storage().clear().unwrap();
    let root = mount().await;
    for id in [
        "machines-panel",
        "run-controls",
        "graph",
        "executions",
        "inspector",
        "history",
        "input-panel",
    ] {
        assert!(q(&root, id).is_some(), "missing panel {id}");
    }
    assert!(
        q(&root, "machine-tab-Parent").is_some() && q(&root, "machine-tab-HelloWorld").is_some()
    );
    assert!(
        q(&root, "state-Start HelloWorld").is_some(),
        "the graph draws the parent's Task state"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn typing_invalid_json_keeps_the_text_and_reports_it() {
    storage().clear().unwrap();
    let root = mount().await;
    let broken = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n";
    type_into(&root, "definition", broken).await;
    let ta: HtmlTextAreaElement = q(&root, "definition").unwrap().dyn_into().unwrap();
    assert_eq!(ta.value(), broken);
    assert!(count(&root, "diagnostic") >= 1, "a diagnostic is listed");
    assert!(
        root.query_selector(".gutter .ln.err").unwrap().is_some(),
        "the bad line is marked"
    );
    assert!(
        q(&root, "graph").is_some(),
        "the graph survives invalid JSON"
    );
    // The edit is autosaved, broken text included.
    let saved = storage().get_item(KEY).unwrap().unwrap();
    assert!(saved.contains("\\\"StartAt\\\": \\\"A\\\""), "{saved}");
    root.remove();
}

#[wasm_bindgen_test]
async fn start_and_step_drive_the_engine() {
    storage().clear().unwrap();
    let root = mount().await;
    click(&root, "start").await;
    let exec = q(&root, "exec-Parent").expect("the execution is listed");
    assert_eq!(
        exec.get_attribute("data-status").as_deref(),
        Some("RUNNING")
    );
    let before = q(&root, "counts").unwrap().text_content().unwrap();
    click(&root, "step").await;
    let after = q(&root, "counts").unwrap().text_content().unwrap();
    assert_ne!(before, after, "a step adds an event");
    for _ in 0..20 {
        click(&root, "step").await;
    }
    click(&root, "tab-tokens").await;
    assert_eq!(
        count(&root, "pending-token"),
        1,
        "the parent waits for its token"
    );
    let timeline = q(&root, "timeline-pos").unwrap().text_content().unwrap();
    assert!(
        timeline.starts_with("step ") && !timeline.starts_with("step 0 /"),
        "{timeline}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_corrupt_autosave_is_set_aside_and_reported() {
    storage().clear().unwrap();
    storage()
        .set_item(KEY, "{ this is not a workspace")
        .unwrap();
    let root = mount().await;
    let notice = q(&root, "notice")
        .expect("a notice")
        .text_content()
        .unwrap();
    assert!(notice.contains("set aside"), "{notice}");
    let keys: Vec<String> = (0..storage().length().unwrap())
        .filter_map(|i| storage().key(i).unwrap())
        .collect();
    assert!(
        keys.iter().any(|k| k.starts_with(CORRUPT_PREFIX)),
        "{keys:?}"
    );
    assert!(
        q(&root, "machine-tab-Parent").is_some(),
        "the default example opens instead"
    );
    root.remove();
}

#[wasm_bindgen_test]
fn ui_reducer_toggles_and_resets() {
    let s = std::rc::Rc::new(UiState::default());
    let s = s.reduce(Action::TogglePlay);
    assert_eq!(s.playing, Some(Play::Animate));
    let s = s.reduce(Action::TogglePlay);
    assert_eq!(s.playing, None);
    let s = s.reduce(Action::ToggleTheme);
    assert_eq!(s.theme, Theme::Dark);
    let s = s.reduce(Action::SelectState(Some("A".into())));
    let s = s
        .reduce(Action::ToggleEvent(3))
        .reduce(Action::ToggleEvent(3));
    assert_eq!(s.event, None);
    let s = s.reduce(Action::SetSpeed(1000));
    assert_eq!(s.speed, 120);
    let s = s.reduce(Action::Loaded);
    assert_eq!((s.state.clone(), s.execution, s.machine), (None, None, 0));
}
