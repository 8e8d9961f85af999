//! What the table panels' rows share: a focusable row opens with Enter or Space, as a button
//! would, so the tables work from the keyboard.

use yew::prelude::*;

/// A keydown handler that calls `open` on Enter or Space (Space without scrolling the page).
pub fn open_on_enter_or_space(open: impl Fn() + 'static) -> Callback<KeyboardEvent> {
    Callback::from(move |k: KeyboardEvent| {
        if k.key() == "Enter" || k.key() == " " {
            k.prevent_default();
            open();
        }
    })
}
