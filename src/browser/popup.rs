//! Popup windows for sign-in and renewal. Google refuses to be framed, so renewal without
//! leaving the page needs a popup, and browsers only allow one in answer to a click: `open`
//! must run synchronously inside the click handler.

use super::storage::{self, keys, Area};
use super::{location, window, BrowserError};
use wasm_bindgen::{JsCast, JsValue};

/// The popup's window name: one way the redirect page knows it is running inside our popup.
pub const POPUP_NAME: &str = "browser-oauth-popup";
const FEATURES: &str = "popup,width=520,height=720";

/// A popup this tab opened.
#[derive(Debug, Clone)]
pub struct Popup(web_sys::Window);

impl Popup {
    /// Opens `url` in a popup; `None` when the browser blocked it. The popup gets this tab's
    /// sessionStorage as it is at `open`, marked as the popup's; this tab keeps no mark.
    pub fn open(url: &str) -> Result<Option<Popup>, BrowserError> {
        let window = window()?;
        storage::set(Area::Session, keys::POPUP_WINDOW, "1")?;
        let opened = window.open_with_url_and_target_and_features(url, POPUP_NAME, FEATURES);
        storage::remove(Area::Session, keys::POPUP_WINDOW);
        opened
            .map(|w| w.map(Popup))
            .map_err(|e| BrowserError::from_js("window.open", e))
    }

    /// True once the person closed it, or once a Cross-Origin-Opener-Policy cut this tab off
    /// from it (Chrome then reports it closed although it is still open).
    pub fn is_closed(&self) -> bool {
        self.0.closed().unwrap_or(true)
    }

    /// Sends the popup somewhere else (the interactive request after a silent one failed).
    pub fn navigate(&self, url: &str) -> bool {
        !self.is_closed() && self.0.location().set_href(url).is_ok()
    }

    /// Closes the popup; a window already gone is no error.
    pub fn close(&self) {
        let _ = self.0.close();
    }

    /// The popup a window handle names (one another module of this page opened).
    pub fn from_window(window: web_sys::Window) -> Popup {
        Popup(window)
    }

    /// The popup's window handle (what the front door hands the app).
    pub fn window(&self) -> &web_sys::Window {
        &self.0
    }

    /// Whether a `message` event's `source` is this popup.
    pub fn is_source(&self, source: &JsValue) -> bool {
        js_sys::Object::is(source, self.0.as_ref())
    }
}

/// Whether this window is a popup this app opened (it then relays the answer instead of
/// rendering), judged from the window alone, never from the pending request it holds: a tab
/// waiting for its popup holds a popup-mode request too. Any one of: the name the app gave it;
/// an opener of this origin (only the app opens windows here); the mark in its copy of
/// sessionStorage ([`keys::POPUP_WINDOW`]). Google's Cross-Origin-Opener-Policy clears the first
/// two on the way (Chromium clears the name when it cuts the opener); the third survives it.
pub fn is_inside_popup() -> bool {
    let Ok(window) = window() else { return false };
    window.name().ok().as_deref() == Some(POPUP_NAME)
        || opener_is_this_origin(&window)
        || storage::get(Area::Session, keys::POPUP_WINDOW).is_some()
}

/// Whether `window.opener` is a page of this origin (reading a cross-origin opener's location
/// throws, and counts as no).
fn opener_is_this_origin(window: &web_sys::Window) -> bool {
    let Ok(opener) = window.opener() else {
        return false;
    };
    if opener.is_null() || opener.is_undefined() {
        return false;
    }
    let opener: web_sys::Window = opener.unchecked_into();
    opener.location().origin().ok() == window.location().origin().ok()
}

/// In the popup: hands `message` to the opener, restricted to our own origin. False when there
/// is no opener (COOP cut it, or the person opened the URL themselves).
pub fn post_to_opener(message: &str) -> bool {
    let Ok(window) = window() else { return false };
    let Ok(opener) = window.opener() else {
        return false;
    };
    if opener.is_null() || opener.is_undefined() {
        return false;
    }
    let opener: web_sys::Window = opener.unchecked_into();
    opener
        .post_message(&JsValue::from_str(message), &location::origin())
        .is_ok()
}

/// In the popup: closes itself after `delay_ms` (0 for at once).
pub fn close_self_after(delay_ms: u32) {
    gloo_timers::callback::Timeout::new(delay_ms, || {
        if let Ok(w) = window() {
            let _ = w.close();
        }
    })
    .forget();
}

/// Whether this page has the keyboard focus (`document.hasFocus()`).
pub fn has_focus() -> bool {
    window()
        .ok()
        .and_then(|w| w.document())
        .is_some_and(|d| d.has_focus().unwrap_or(true))
}
