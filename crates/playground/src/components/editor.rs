//! A code editor. The first paint shows a transparent textarea over a highlighted `<pre>` with
//! the same metrics, and a line-number gutter; the textarea is the source of truth for the
//! text, so typing can never lose characters whatever the highlighter does. After that paint,
//! `js/editor_loader.js` loads CodeMirror 6 (`dist/editor.js`, built from `www/editor/`), which
//! takes over with the textarea's text and caret: search and replace, folding, bracket
//! matching, an undo history per `doc_key`, the validator's diagnostics inline and, for ASL
//! definitions, completion and hover help. If it cannot load, the textarea stays.
//!
//! The Rust side stays small (the wasm size budget): it hands CodeMirror the text, the key and
//! the diagnostics after each render, and hears each edit through `oninput`.

use std::rc::Rc;

use stepwise_asl::validate::{Diagnostic, Severity};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::highlight::highlight_lines;

#[wasm_bindgen(module = "/js/editor_loader.js")]
extern "C" {
    type EditorHandle;

    #[wasm_bindgen(js_name = attachEditor)]
    fn attach_editor(
        host: &Element,
        textarea: Option<HtmlTextAreaElement>,
        options: &str,
        on_change: &js_sys::Function,
        on_ready: &js_sys::Function,
    ) -> EditorHandle;

    #[wasm_bindgen(method)]
    fn update(this: &EditorHandle, key: &str, text: &str, diagnostics: &str);

    #[wasm_bindgen(method)]
    fn destroy(this: &EditorHandle);

    #[wasm_bindgen(js_name = revealLine)]
    fn reveal_in_code_mirror(testid: &str, line: u32) -> bool;
}

#[derive(Properties, PartialEq)]
pub struct CodeEditorProps {
    pub value: AttrValue,
    pub oninput: Callback<String>,
    /// `data-testid` of the textarea (the wrapper gets `<testid>-editor`).
    pub testid: AttrValue,
    /// 1-based lines to mark as wrong.
    #[prop_or_default]
    pub error_lines: Vec<u32>,
    #[prop_or_default]
    pub warning_lines: Vec<u32>,
    #[prop_or_default]
    pub placeholder: AttrValue,
    #[prop_or_default]
    pub label: AttrValue,
    /// Shown inline once CodeMirror has loaded (else `error_lines`/`warning_lines` are).
    #[prop_or_default]
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Which document this is (a machine's id): each keeps its own undo history.
    #[prop_or_default]
    pub doc_key: AttrValue,
    /// An ASL definition: completion of fields, state names and ARNs, and hover help.
    #[prop_or_default]
    pub asl: bool,
}

/// What CodeMirror marks: the diagnostics, or else the marked lines.
fn diagnostics_json(props: &CodeEditorProps) -> String {
    if !props.diagnostics.is_empty() {
        return serde_json::to_string(&*props.diagnostics).unwrap_or_else(|_| "[]".into());
    }
    let marked = |line: u32, severity| Diagnostic {
        severity,
        code: String::new(),
        message: "The problem is on this line.".into(),
        location: None,
        line: Some(line),
        column: None,
    };
    let from_lines: Vec<Diagnostic> = (props.error_lines.iter())
        .map(|&l| marked(l, Severity::Error))
        .chain(
            props
                .warning_lines
                .iter()
                .map(|&l| marked(l, Severity::Warning)),
        )
        .collect();
    serde_json::to_string(&from_lines).unwrap_or_else(|_| "[]".into())
}

/// Puts the caret at the start of `line` (1-based) in the editor with `data-testid` `testid`
/// and scrolls it into view.
pub fn reveal_line(testid: &str, line: u32) {
    if reveal_in_code_mirror(testid, line) {
        return;
    }
    let Some(ta) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!("[data-testid=\"{testid}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
    else {
        return;
    };
    let text = ta.value();
    // Selection offsets count UTF-16 units.
    let offset: u32 = text
        .split('\n')
        .take(line.saturating_sub(1) as usize)
        .map(|l| l.encode_utf16().count() as u32 + 1)
        .sum();
    let _ = ta.focus();
    let _ = ta.set_selection_range(offset, offset);
    ta.set_scroll_top(((line.saturating_sub(3)) * 19) as i32);
}

#[function_component]
pub fn CodeEditor(props: &CodeEditorProps) -> Html {
    let pre = use_node_ref();
    let gutter = use_node_ref();
    let host = use_node_ref();
    let textarea = use_node_ref();
    // Whether CodeMirror has replaced the textarea.
    let ready = use_state(|| false);
    let handle = use_mut_ref(|| None::<EditorHandle>);
    let oninput_now = use_mut_ref(|| props.oninput.clone());
    *oninput_now.borrow_mut() = props.oninput.clone();
    {
        let (host, textarea, handle, ready) = (
            host.clone(),
            textarea.clone(),
            handle.clone(),
            ready.clone(),
        );
        let options = serde_json::json!({
            "testid": props.testid.as_str(),
            "label": props.label.as_str(),
            "placeholder": props.placeholder.as_str(),
            "asl": props.asl,
        })
        .to_string();
        use_effect_with((), move |()| {
            let on_change =
                Closure::<dyn Fn(String)>::new(move |text| oninput_now.borrow().emit(text));
            let on_ready = Closure::<dyn Fn()>::new(move || ready.set(true));
            if let Some(host) = host.cast::<Element>() {
                *handle.borrow_mut() = Some(attach_editor(
                    &host,
                    textarea.cast::<HtmlTextAreaElement>(),
                    &options,
                    on_change.as_ref().unchecked_ref(),
                    on_ready.as_ref().unchecked_ref(),
                ));
            }
            move || {
                if let Some(editor) = handle.borrow_mut().take() {
                    editor.destroy();
                }
                drop((on_change, on_ready));
            }
        });
    }
    {
        let handle = handle.clone();
        let diagnostics = diagnostics_json(props);
        use_effect_with(
            (props.doc_key.clone(), props.value.clone(), diagnostics),
            move |(key, text, diagnostics)| {
                if let Some(editor) = &*handle.borrow() {
                    editor.update(key, text, diagnostics);
                }
            },
        );
    }
    let lines = {
        let value = props.value.clone();
        // Once CodeMirror shows the text, the highlighted layer is not drawn.
        use_memo((value, *ready), |(v, ready)| {
            if *ready {
                Vec::new()
            } else {
                highlight_lines(v)
            }
        })
    };

    let onscroll = {
        let (pre, gutter) = (pre.clone(), gutter.clone());
        Callback::from(move |e: Event| {
            let Some(ta) = e.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            if let Some(p) = pre.cast::<HtmlElement>() {
                p.set_scroll_top(ta.scroll_top());
                p.set_scroll_left(ta.scroll_left());
            }
            if let Some(g) = gutter.cast::<HtmlElement>() {
                g.set_scroll_top(ta.scroll_top());
            }
        })
    };
    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(ta) = e.target_dyn_into::<HtmlTextAreaElement>() {
                cb.emit(ta.value());
            }
        })
    };
    // Tab indents instead of leaving the editor; Escape then Tab (or Shift+Tab) moves focus
    // out, as in most code editors, so a keyboard user is never trapped.
    let tab_leaves = use_mut_ref(|| false);
    let onkeydown = {
        let cb = props.oninput.clone();
        let tab_leaves = tab_leaves.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                *tab_leaves.borrow_mut() = true;
                return;
            }
            let leave = std::mem::take(&mut *tab_leaves.borrow_mut());
            if e.key() != "Tab" || e.shift_key() || leave {
                return;
            }
            let Some(ta) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            else {
                return;
            };
            e.prevent_default();
            let value = ta.value();
            let to_byte = |utf16: u32| -> usize {
                let mut count = 0u32;
                for (i, c) in value.char_indices() {
                    if count >= utf16 {
                        return i;
                    }
                    count += c.len_utf16() as u32;
                }
                value.len()
            };
            let start = ta.selection_start().ok().flatten().unwrap_or(0);
            let end = ta.selection_end().ok().flatten().unwrap_or(start);
            let (bs, be) = (to_byte(start), to_byte(end));
            let new = format!("{}  {}", &value[..bs], &value[be..]);
            ta.set_value(&new);
            let _ = ta.set_selection_range(start + 2, start + 2);
            cb.emit(new);
        })
    };

    let line_class = |n: u32| {
        if props.error_lines.contains(&n) {
            "err"
        } else if props.warning_lines.contains(&n) {
            "warn"
        } else {
            ""
        }
    };
    let gutter_html: Html = (1..=lines.len() as u32)
        .map(|n| html! { <div class={classes!("ln", line_class(n))}>{ n }</div> })
        .collect();
    let code_html: Html = lines
        .iter()
        .enumerate()
        .map(|(i, pieces)| {
            let cls = line_class(i as u32 + 1);
            let body: Html = pieces
                .iter()
                .map(|(tok, text)| html! { <span class={tok.class()}>{ text.clone() }</span> })
                .collect();
            let nl = if i + 1 < lines.len() { "\n" } else { "" };
            html! { <><span class={classes!("hl-line", cls)}>{ body }</span>{ nl }</> }
        })
        .collect();

    html! {
        <div class="code-editor" data-testid={format!("{}-editor", props.testid)}
            data-editor={if *ready { "codemirror" } else { "textarea" }}>
            // First, so that removing the textarea below never moves it.
            <div class="cm-host" ref={host} hidden={!*ready} />
            if !*ready {
            <div class="gutter" ref={gutter} aria-hidden="true">{ gutter_html }</div>
            <div class="code-area">
                <pre class="code-hl" ref={pre} aria-hidden="true">{ code_html }{ "\n" }</pre>
                <textarea
                    ref={textarea}
                    class="code-input"
                    data-testid={props.testid.clone()}
                    aria-label={props.label.clone()}
                    aria-description="Tab indents. Press Escape, then Tab, to move on."
                    title="Tab indents; Escape then Tab moves on"
                    spellcheck="false"
                    autocomplete="off"
                    wrap="off"
                    placeholder={props.placeholder.clone()}
                    value={props.value.clone()}
                    {oninput}
                    {onscroll}
                    {onkeydown}
                />
            </div>
            }
        </div>
    }
}
