//! The page's URL and history. The authorization response arrives in the fragment; it is taken
//! out with `history.replaceState` before anything renders, so the token never sits in the
//! address bar, the history list, bookmarks, synced tabs or a `Referer` (RFC 9700 §4.3.2).

use super::{window, BrowserError};
use oauth::response::looks_like_authorization_response;
use wasm_bindgen::JsValue;

/// If the URL carries an authorization response, removes it from the URL and returns it with
/// its leading `#` (the implicit grant's fragment) or `?` (the code grant's query), so the
/// checks can tell where it arrived. An ordinary in-page anchor or query is left alone.
pub fn take_authorization_response() -> Option<String> {
    let location = window().ok()?.location();
    let hash = location.hash().ok()?;
    // Even if replaceState fails the response is still handled once: state is single use.
    if !hash.is_empty() && looks_like_authorization_response(&hash) {
        let _ = replace_with_clean_url();
        return Some(hash);
    }
    let search = location.search().ok()?;
    // `strip_prefix`, not `[1..]`: a slice of a string brings the panic that names a character
    // boundary, and with it Debug formatting of characters, into the front door (about 4 KB).
    let query = search.strip_prefix('?')?;
    if !looks_like_authorization_response(query) {
        return None;
    }
    // The redirect URI has no query of its own, so all of it goes: the code is single use
    // but must not sit in history or a Referer either.
    let _ = replace_url(&location.pathname().ok()?);
    Some(search)
}

fn replace_url(url: &str) -> Result<(), BrowserError> {
    window()?
        .history()
        .map_err(|e| BrowserError::from_js("history", e))?
        .replace_state_with_url(&JsValue::NULL, "", Some(url))
        .map_err(|e| BrowserError::from_js("history.replaceState", e))
}

/// Replaces the current history entry with this page's URL minus the fragment.
pub fn replace_with_clean_url() -> Result<(), BrowserError> {
    let location = window()?.location();
    let path = location
        .pathname()
        .map_err(|e| BrowserError::from_js("location", e))?;
    let search = location
        .search()
        .map_err(|e| BrowserError::from_js("location", e))?;
    replace_url(&(path + &search))
}

pub use seam::browser::origin;

/// The redirect URI: this very page, without query or fragment. Google compares it exactly,
/// so it is derived from the page rather than configured (no open redirect either).
pub fn redirect_uri() -> String {
    let path = window()
        .ok()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "/".into());
    origin() + &path
}

/// Leaves the page for `url` (the authorization endpoint).
pub fn navigate(url: &str) -> Result<(), BrowserError> {
    window()?
        .location()
        .assign(url)
        .map_err(|e| BrowserError::from_js("location.assign", e))
}
