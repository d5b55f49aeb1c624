//! RP-initiated logout as the page performs it: remember a fresh `state`, go to the provider's
//! `end_session_endpoint`, and on return check the state (`oauth::end_session` decides).

use crate::browser::location;
use crate::browser::random::random_bytes;
use crate::browser::storage::{self, keys, Area};
use crate::error::AppError;
use oauth::authorization::STATE_BYTES;
use oauth::end_session::{check_return, logout_url, EndSessionError, PendingLogout};
use oauth::ClientConfig;

/// Leaves for the provider's logout page, which sends the person back to this page
/// (`post_logout_redirect_uri`, registered like the redirect URI) with the state.
pub fn leave(
    config: &ClientConfig,
    endpoint: &str,
    id_token_hint: Option<&str>,
    revoked: bool,
) -> Result<(), AppError> {
    let pending = PendingLogout::new(random_bytes::<STATE_BYTES>()?, revoked);
    storage::set(Area::Session, keys::LOGOUT, &pending.to_json())?;
    let url = logout_url(
        endpoint,
        id_token_hint,
        &config.client_id,
        &location::redirect_uri(),
        &pending.state,
    );
    location::navigate(&url)?;
    Ok(())
}

/// Whether this tab is coming back from the provider's logout (read without spending it).
pub fn is_pending() -> bool {
    storage::get(Area::Session, keys::LOGOUT).is_some()
}

/// The return from the provider's logout, if this page load is one: the pending logout is
/// spent whatever the answer; `response` is what came back in the URL (already taken out of it).
/// `Some(Ok(revoked))` when the state matches.
pub fn finish(response: Option<&str>) -> Option<Result<bool, EndSessionError>> {
    if !oauth::end_session::is_logout_return(response) {
        // An authorization response: a sign-in started after the logout; the logout is over.
        storage::remove(Area::Session, keys::LOGOUT);
        return None;
    }
    let pending = PendingLogout::from_json(&storage::take(Area::Session, keys::LOGOUT)?).ok()?;
    Some(check_return(response, &pending).map(|()| pending.revoked))
}
