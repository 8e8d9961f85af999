//! The Stepwise embed: a compact playground inside any element of a page (`www/embed.js` is its
//! loader: the `<stepwise-playground>` element and `mount()`).
//!
//! One module per page holds the JS API (`stepwise-wasm`, linked in, so `controller.stepwise`
//! is a `Stepwise` object) and this view. The graph is the playground's own code
//! (`stepwise_playground::graph` for the layout, `components::graph_view::GraphSvg` for the
//! drawing, `history::state_statuses` for the colours), so embeds and the playground draw a
//! machine the same way. Each embed has its own engine and its own Yew root: several embeds on
//! one page never share executions, tokens or clocks.
//!
//! Layout: `options.rs` (reading the options) · `model.rs` (state and verbs, the Run timer) ·
//! `view.rs` (the Yew component) · `embed.css` (its look).

#![forbid(unsafe_code)]

mod model;
mod options;
mod view;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::AppHandle;

use model::{Model, Shared};
use view::{EmbedProps, EmbedView};

const STYLE: &str = include_str!("embed.css");

thread_local! {
    static EMBEDS: Cell<u32> = const { Cell::new(0) };
}

/// One style element per document or shadow root, so that an embed looks the same anywhere.
fn inject_style(target: &web_sys::Node) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("mount: no document"))?;
    let root = target.get_root_node();
    let host: web_sys::Element = match root.dyn_ref::<web_sys::ShadowRoot>() {
        Some(shadow) => {
            if shadow
                .query_selector(":scope > style[data-stepwise-embed]")?
                .is_some()
            {
                return Ok(());
            }
            let style = document.create_element("style")?;
            style.set_attribute("data-stepwise-embed", "")?;
            style.set_text_content(Some(STYLE));
            shadow.append_child(&style)?;
            return Ok(());
        }
        None => document
            .head()
            .map(Into::into)
            .ok_or_else(|| JsValue::from_str("mount: the document has no head"))?,
    };
    if host
        .query_selector(":scope > style[data-stepwise-embed]")?
        .is_none()
    {
        let style = document.create_element("style")?;
        style.set_attribute("data-stepwise-embed", "")?;
        style.set_text_content(Some(STYLE));
        host.append_child(&style)?;
    }
    Ok(())
}

/// Tells the page what changed: `stepwise-change` with `{executionArn, status, idle}`, which
/// bubbles out of a shadow root.
fn announce(root: &web_sys::Element, execution_arn: Option<&str>, status: &str, idle: &str) {
    let detail = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&detail, &JsValue::from_str(k), &v);
    let _ = set(
        "executionArn",
        execution_arn.map_or(JsValue::NULL, JsValue::from_str),
    );
    let _ = set("status", JsValue::from_str(status));
    let _ = set("idle", JsValue::from_str(idle));
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict("stepwise-change", &init) {
        let _ = root.dispatch_event(&event);
    }
}

/// Renders an embed into `target` (an element or a shadow root). `options` is the options
/// object as JSON text, less `seed` and `epoch`, which come in `engine_options` as
/// `new Stepwise()` takes them. A bad option throws a `TypeError`.
#[wasm_bindgen(js_name = mountEmbed)]
pub fn mount_embed(
    target: web_sys::Node,
    options: &str,
    engine_options: JsValue,
) -> Result<EmbedController, JsValue> {
    let opts = options::parse(options).map_err(|m| JsValue::from(js_sys::TypeError::new(&m)))?;
    let autoplay = opts.autoplay;
    let model = Shared(Rc::new(RefCell::new(Model::new(opts, engine_options)?)));
    inject_style(&target)?;
    let id = EMBEDS.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("mount: no document"))?;
    let root = document.create_element("div")?;
    root.set_class_name("sw-embed");
    root.set_attribute("data-sw-embed", &id.to_string())?;
    target.append_child(&root)?;
    model.create_machines();
    let props = EmbedProps {
        model: model.clone(),
        root: root.clone(),
        id,
    };
    let app = yew::Renderer::<EmbedView>::with_root_and_props(root.clone(), props).render();
    if autoplay {
        model.run();
    }
    Ok(EmbedController {
        model,
        root,
        app: Some(app),
    })
}

/// What `mount()` resolves to (the loader wraps it in a plain object).
#[wasm_bindgen]
pub struct EmbedController {
    model: Shared,
    root: web_sys::Element,
    app: Option<AppHandle<EmbedView>>,
}

#[wasm_bindgen]
impl EmbedController {
    /// The `.sw-embed` element.
    #[wasm_bindgen(getter)]
    pub fn element(&self) -> web_sys::Element {
        self.root.clone()
    }

    /// The embed's `Stepwise` engine (a new one after each Reset; `null` once destroyed).
    #[wasm_bindgen(getter)]
    pub fn stepwise(&self) -> JsValue {
        self.model.0.borrow().stepwise.clone()
    }

    /// The execution the last Run started.
    #[wasm_bindgen(getter, js_name = executionArn)]
    pub fn execution_arn(&self) -> Option<String> {
        self.model.0.borrow().current.clone()
    }

    /// That execution's status, `NOT_STARTED` before the first Run.
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> String {
        let m = self.model.0.borrow();
        if m.destroyed {
            return "NOT_STARTED".into();
        }
        m.status_of(m.current.as_deref()).to_string()
    }

    pub fn run(&self) {
        self.model.run();
    }

    pub fn pause(&self) {
        self.model.pause();
    }

    pub fn step(&self) {
        self.model.step();
    }

    pub fn reset(&self) {
        self.model.reset();
    }

    /// Stops the embed, removes it from the page and frees its engine.
    pub fn destroy(&mut self) {
        self.model.destroy();
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}
