use crate::ui::auth_context::AuthStatus;
use yew::prelude::*;

/// The page is busy with the provider: checking an answer, waiting for a popup, signing out.
/// Not a live region: the app's one region (StatusAnnouncer) says the same words.
pub fn verifying(label: &'static str) -> Html {
    html! {
        <section class="card verifying" data-testid="verifying" aria-busy="true">
            <span class="spinner" aria-hidden="true"></span>
            <p>{ label }</p>
        </section>
    }
}

/// What the page says while it waits in `status`; `None` once it is signed in or out.
pub fn busy_label(status: &AuthStatus) -> Option<&'static str> {
    match status {
        AuthStatus::Starting | AuthStatus::Verifying => Some("Checking the answer and the token…"),
        AuthStatus::WaitingForPopup => Some("Waiting for the sign-in window…"),
        AuthStatus::SigningOut => Some("Signing out and revoking the token…"),
        AuthStatus::SignedIn(_) | AuthStatus::SignedOut => None,
    }
}
