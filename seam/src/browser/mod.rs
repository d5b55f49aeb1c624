//! Thin adapters over the browser that both sides use: each wraps one Web API and turns its
//! exceptions into [`BrowserError`]. No protocol decisions are made here.

pub mod clock;
pub mod csp;
pub mod storage;

use wasm_bindgen::{JsCast, JsValue};

/// A Web API refused to do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowserError {
    /// No `window`: the code is not running in a page (a worker has none).
    #[error("the page has no window (not running in a browser)")]
    NoWindow,
    /// The Web API threw, or is switched off in this browser.
    #[error("{api} is unavailable: {reason}")]
    Unavailable {
        /// The API, as JavaScript names it (`sessionStorage`, `Storage.setItem`).
        api: &'static str,
        /// What it threw ([`js_message`]), or why it is not there.
        reason: String,
    },
}

impl BrowserError {
    /// What a Web API threw, as the error of `api`.
    pub fn from_js(api: &'static str, value: JsValue) -> Self {
        BrowserError::Unavailable {
            api,
            reason: js_message(&value),
        }
    }
}

/// The message of a thrown JavaScript value.
pub fn js_message(value: &JsValue) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => value.as_string().unwrap_or_else(|| "unknown error".into()),
    }
}

/// The function `object` holds under `name`, if it holds one (a JavaScript object's method).
pub fn js_function(object: &JsValue, name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(object, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}

/// The page's `window`, or [`BrowserError::NoWindow`] where there is none.
pub fn window() -> Result<web_sys::Window, BrowserError> {
    web_sys::window().ok_or(BrowserError::NoWindow)
}

/// This page's origin, as Google Cloud Console's "Authorized JavaScript origins" wants it.
pub fn origin() -> String {
    window()
        .ok()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}
