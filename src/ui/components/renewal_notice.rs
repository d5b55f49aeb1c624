use crate::auth::SignedIn;
use crate::ui::auth_context::AuthContext;
use crate::ui::format::{asked, format_duration};
use crate::ui::view::View;
use yew::prelude::*;

/// Within `renew_lead_secs` of expiry (or while a popup is asking Google): the offer to stay
/// signed in. The click opens the popup; browsers allow popups only in answer to a gesture.
/// With a refresh token there is nothing to offer: renewal runs by itself, and this says so.
/// `view` is the view shown, to come back to if renewal has to leave the page.
pub fn renewal_notice(auth: &AuthContext, signed_in: &SignedIn, now: u64, view: View) -> Html {
    let session = &signed_in.session;
    let renewing = auth.state.renewing;
    if signed_in.refresh.is_some() {
        return if renewing {
            html! {
                <div class="notice renew" role="status" data-testid="renewal">
                    <p>{ "Renewing the session with the refresh token…" }</p>
                </div>
            }
        } else {
            html! {}
        };
    }
    if !renewing && !session.renewal_due(now, auth.config.renew_lead_secs) {
        return html! {};
    }
    let who = asked(&auth.config);
    let renew = {
        let auth = auth.clone();
        Callback::from(move |_| auth.renew(Some(view.name().to_owned())))
    };
    let seconds_left = session.seconds_left(now);
    html! {
        // No live region here: its countdown would be read out every second. StatusAnnouncer
        // says once that renewal is due.
        <div class="notice renew" data-testid="renewal">
            <p>{ if renewing { format!("Asking {who} in a small window…") } else if auth.config.quirks.google {
                format!("Your session ends in {}. This app keeps no refresh token (Google gives browser apps none), so staying signed in means asking {who} again (usually without any question).", format_duration(seconds_left))
            } else {
                format!("Your session ends in {}. Staying signed in means asking {who} again in a small window (usually without any question).", format_duration(seconds_left))
            } }</p>
            <button class="button primary" onclick={renew} disabled={renewing}>{ "Stay signed in" }</button>
        </div>
    }
}
