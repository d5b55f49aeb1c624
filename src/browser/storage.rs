//! Web Storage. Tokens go only to sessionStorage (tab-scoped, gone when the tab closes);
//! localStorage holds nothing but a pasted client id, which is public.

/// The keys this app uses, in one place so tests and sign-out can find them all.
pub mod keys {
    pub use seam::browser::storage::keys::*;
    /// sessionStorage: the verified session, including the access token.
    pub const SESSION: &str = "browser-oauth.session";
    /// sessionStorage: the pending authorization (state) of a sign-in in progress.
    pub const PENDING: &str = "browser-oauth.pending";
    /// sessionStorage: who to suggest at the next sign-in after a session expired.
    pub const LOGIN_HINT: &str = "browser-oauth.login_hint";
    /// sessionStorage: the inspector's timeline across a redirect (access tokens hidden).
    pub const TIMELINE: &str = "browser-oauth.timeline";
    /// sessionStorage: which app module reads this tab's answers (`browser::modules`), noted
    /// when a request is sent, so the front door starts loading it before config.json is read.
    pub const APP_MODULE: &str = "browser-oauth.app";
    /// sessionStorage: the authorization request the front door sent, for the app to record.
    pub const SENT_REQUEST: &str = "browser-oauth.timeline.sent";
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

pub use seam::browser::storage::{get, remove, remove_prefixed, set, take, Area};
