//! The popup's side: hand the raw answer to the tab that asked, forget the storage copy the
//! browser gave the popup, and close. The popup checks nothing: the asking tab holds the state.

use super::session_store;
use crate::browser::channel::Channel;
use crate::browser::popup::{close_self_after, post_to_opener};
use oauth::renewal::ChannelMessage;
use oauth::response::AuthorizationResponse;

/// Long enough for the asking tab to send the popup on to an interactive request after a
/// silent one failed; a success closes at once.
const CLOSE_AFTER_ERROR_MS: u32 = 3_000;

/// Run in the popup on its return from the provider: sends the answer (`fragment`, as the URL
/// carried it) to the tab that asked, forgets the session and pending request the popup's copy
/// of that tab's sessionStorage holds, and closes the popup (3 s after an error, so a silent
/// attempt can go on interactively in it).
pub fn relay_to_opener(fragment: &str) {
    let message = ChannelMessage::relay(fragment).to_json();
    // Both routes: postMessage when the opener link survives, the channel when COOP cut it.
    // The asking tab takes the first to arrive.
    post_to_opener(&message);
    let _ = Channel::post_once(&message);
    // A popup starts with a copy of its opener's sessionStorage: drop the token and state copies.
    session_store::clear(session_store::Keep::Nothing);
    let success = matches!(
        AuthorizationResponse::from_fragment(fragment),
        Ok(AuthorizationResponse::Success(_) | AuthorizationResponse::Code { .. })
    );
    close_self_after(if success { 100 } else { CLOSE_AFTER_ERROR_MS });
}
