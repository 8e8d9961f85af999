//! A code editor: a transparent textarea over a highlighted `<pre>` with the same metrics, and a
//! line-number gutter. The textarea is the source of truth for the text, so typing can never
//! lose characters whatever the highlighter does.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::highlight::highlight_lines;

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
}

#[function_component]
pub fn CodeEditor(props: &CodeEditorProps) -> Html {
    let pre = use_node_ref();
    let gutter = use_node_ref();
    let lines = {
        let value = props.value.clone();
        use_memo(value, |v| highlight_lines(v))
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
        <div class="code-editor" data-testid={format!("{}-editor", props.testid)}>
            <div class="gutter" ref={gutter} aria-hidden="true">{ gutter_html }</div>
            <div class="code-area">
                <pre class="code-hl" ref={pre} aria-hidden="true">{ code_html }{ "\n" }</pre>
                <textarea
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
        </div>
    }
}
