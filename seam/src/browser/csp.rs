//! The Content-Security-Policy the page runs under, as far as the page can see it: the
//! `<meta http-equiv="Content-Security-Policy">` tags of its document. A policy sent only as a
//! header is invisible to script.

use super::window;
use wasm_bindgen::JsCast;

/// The `content` of every CSP meta tag (each is enforced, so each must allow a request).
pub fn meta_policies() -> Vec<String> {
    let Some(list) = window()
        .ok()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("meta[http-equiv]").ok())
    else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        .filter(|meta| {
            meta.get_attribute("http-equiv")
                .is_some_and(|name| name.eq_ignore_ascii_case("content-security-policy"))
        })
        .filter_map(|meta| meta.get_attribute("content"))
        .collect()
}
