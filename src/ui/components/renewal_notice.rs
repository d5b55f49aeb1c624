use crate::ui::auth_context::AuthContext;
use crate::ui::format::format_duration;
use crate::ui::view::View;
use oauth::Session;
use yew::prelude::*;

/// Within `renew_lead_secs` of expiry (or while a popup is asking Google): the offer to stay
/// signed in. The click opens the popup; browsers allow popups only in answer to a gesture.
/// `view` is the view shown, to come back to if renewal has to leave the page.
pub fn renewal_notice(auth: &AuthContext, session: &Session, now: u64, view: View) -> Html {
    let renewing = auth.state.renewing;
    if !renewing && !session.renewal_due(now, auth.config.renew_lead_secs) {
        return html! {};
    }
    let who = if auth.config.google {
        "Google"
    } else {
        "the provider"
    };
    let renew = {
        let auth = auth.clone();
        Callback::from(move |_| auth.renew(Some(view.name().to_owned())))
    };
    let seconds_left = session.seconds_left(now);
    html! {
        // No live region here: its countdown would be read out every second. StatusAnnouncer
        // says once that renewal is due.
        <div class="notice renew" data-testid="renewal">
            <p>{ if renewing { format!("Asking {who} in a small window…") } else {
                format!("Your session ends in {}. This app keeps no refresh token (Google gives browser apps none), so staying signed in means asking {who} again (usually without any question).", format_duration(seconds_left))
            } }</p>
            <button class="button primary" onclick={renew} disabled={renewing}>{ "Stay signed in" }</button>
        </div>
    }
}
