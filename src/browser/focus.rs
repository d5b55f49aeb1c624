//! Moving keyboard focus for the person, after the page replaced what they were on.

use super::window;
use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Focuses the first element matching one of `selectors`, tried in order, once the current
/// render has reached the DOM (a task later: the views render in the same batch as the
/// caller's effect). A heading or an alert is not focusable by itself: `tabindex="-1"` makes it
/// focusable by script only, so Tab order stays as it was.
pub fn focus_first(selectors: &'static [&'static str]) {
    Timeout::new(0, move || {
        let Some(document) = window().ok().and_then(|w| w.document()) else {
            return;
        };
        let found = selectors
            .iter()
            .find_map(|selector| document.query_selector(selector).ok().flatten());
        let Some(element) = found.and_then(|e| e.dyn_into::<HtmlElement>().ok()) else {
            return;
        };
        if element.tab_index() < 0 && !element.has_attribute("tabindex") {
            let _ = element.set_attribute("tabindex", "-1");
        }
        let _ = element.focus();
    })
    .forget();
}
