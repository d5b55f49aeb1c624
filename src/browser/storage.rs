//! Web Storage. Tokens go only to sessionStorage (tab-scoped, gone when the tab closes);
//! localStorage holds nothing but a pasted client id, which is public.

use super::{window, BrowserError};

/// The keys this app uses, in one place so tests and sign-out can find them all.
pub mod keys {
    /// sessionStorage: the verified session, including the access token.
    pub const SESSION: &str = "browser-oauth.session";
    /// sessionStorage: the pending authorization (state) of a sign-in in progress.
    pub const PENDING: &str = "browser-oauth.pending";
    /// sessionStorage: who to suggest at the next sign-in after a session expired.
    pub const LOGIN_HINT: &str = "browser-oauth.login_hint";
    /// sessionStorage: prefix of what the person typed, kept across a redirect.
    pub const DRAFT_PREFIX: &str = "browser-oauth.draft.";
    /// sessionStorage: the inspector's timeline across a redirect (access tokens hidden).
    pub const TIMELINE: &str = "browser-oauth.timeline";
    /// sessionStorage: which app module reads this tab's answers (`browser::modules`), noted
    /// when a request is sent, so the front door starts loading it before config.json is read.
    pub const APP_MODULE: &str = "browser-oauth.app";
    /// sessionStorage: the authorization request the front door sent, for the app to record.
    pub const SENT_REQUEST: &str = "browser-oauth.timeline.sent";
    /// sessionStorage: the view this tab shows (profile, tasks, calendar), so a reload stays
    /// on it (a redirect comes back to it through the pending state's `return_to`).
    pub const VIEW: &str = "browser-oauth.view";
    /// sessionStorage: the Tasks view's list and switches, and text typed but not yet saved
    /// (a new task's title, a rename): a draft, so no error, expiry or consent round trip loses
    /// it, and sign-out forgets it.
    pub const TASKS: &str = "browser-oauth.draft.tasks";
    /// sessionStorage: the provider's public keys (JWKS) and where they came from, so a
    /// redirect does not refetch them; a new `kid` still triggers one refetch.
    pub const JWKS: &str = "browser-oauth.jwks";
    /// sessionStorage, in a sign-in popup only: marks the window as the popup this app opened.
    /// Written just before `window.open` (the popup starts with a copy of the opener's
    /// sessionStorage) and removed from the opener just after, so no other window holds it.
    pub const POPUP_WINDOW: &str = "browser-oauth.popup-window";
    /// sessionStorage: the `state` of an RP-initiated logout while the person is at the
    /// provider, checked and removed on return.
    pub const LOGOUT: &str = "browser-oauth.logout";
    /// localStorage: a client id pasted on the setup screen.
    pub const CLIENT_ID: &str = "browser-oauth.client_id";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Session,
    Local,
}

fn area(area: Area) -> Result<web_sys::Storage, BrowserError> {
    let window = window()?;
    let (name, storage) = match area {
        Area::Session => ("sessionStorage", window.session_storage()),
        Area::Local => ("localStorage", window.local_storage()),
    };
    storage
        .map_err(|e| BrowserError::from_js(name, e))?
        .ok_or(BrowserError::Unavailable {
            api: name,
            reason: "disabled in this browser".into(),
        })
}

pub fn get(from: Area, key: &str) -> Option<String> {
    area(from).ok()?.get_item(key).ok().flatten()
}

pub fn set(to: Area, key: &str, value: &str) -> Result<(), BrowserError> {
    area(to)?
        .set_item(key, value)
        .map_err(|e| BrowserError::from_js("Storage.setItem", e))
}

pub fn remove(from: Area, key: &str) {
    if let Ok(storage) = area(from) {
        // Removing a key cannot fail once the storage area exists.
        let _ = storage.remove_item(key);
    }
}

/// Removes every key starting with `prefix`.
pub fn remove_prefixed(from: Area, prefix: &str) {
    let Ok(storage) = area(from) else { return };
    let count = storage.length().unwrap_or(0);
    let doomed: Vec<String> = (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(prefix))
        .collect();
    for key in doomed {
        let _ = storage.remove_item(&key);
    }
}

/// Reads and deletes in one step: for values that must be used at most once.
pub fn take(from: Area, key: &str) -> Option<String> {
    let value = get(from, key);
    remove(from, key);
    value
}
