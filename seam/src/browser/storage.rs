//! Web Storage. Tokens go only to sessionStorage (tab-scoped, gone when the tab closes);
//! localStorage holds nothing but a pasted client id, which is public.
//!
//! The keys here are the ones a feature may use (drafts, the Tasks view's state, the view a tab
//! shows). The session, the pending request and the rest of the sign-in side's keys are the
//! sign-in library's (`browser_oauth::browser::storage::keys`), not named on this side.

use super::{window, BrowserError};

/// The keys a feature uses.
pub mod keys {
    /// sessionStorage: prefix of what the person typed, kept across a redirect.
    pub const DRAFT_PREFIX: &str = "browser-oauth.draft.";
    /// sessionStorage: the view this tab shows (profile, tasks, calendar), so a reload stays
    /// on it (a redirect comes back to it through the pending state's `return_to`).
    pub const VIEW: &str = "browser-oauth.view";
    /// sessionStorage: the Tasks view's list and switches, and text typed but not yet saved
    /// (a new task's title, a rename): a draft, so no error, expiry or consent round trip loses
    /// it, and sign-out forgets it.
    pub const TASKS: &str = "browser-oauth.draft.tasks";
}

/// Which Web Storage area a key lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// sessionStorage: this tab only, gone when it closes; kept across a redirect.
    Session,
    /// localStorage: every tab of the origin, kept until cleared; never a token.
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

/// The value under `key`; `None` when there is none, or when the browser refuses the area
/// (storage blocked in its settings).
pub fn get(from: Area, key: &str) -> Option<String> {
    area(from).ok()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; fails when the area is unavailable or full (`setItem` throws
/// `QuotaExceededError`).
pub fn set(to: Area, key: &str, value: &str) -> Result<(), BrowserError> {
    area(to)?
        .set_item(key, value)
        .map_err(|e| BrowserError::from_js("Storage.setItem", e))
}

/// Deletes `key`, if the browser lets the page reach the area at all.
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
