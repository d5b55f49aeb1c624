//! Keys the Tasks forms share.

use yew::prelude::*;

/// Escape closes a small form (rename, details, a list's name) without saving, as a dialog's
/// Escape does; the default is prevented so the key goes no further.
pub fn on_escape(close: impl Fn() + 'static) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            close();
        }
    })
}
