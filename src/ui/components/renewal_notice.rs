use crate::ui::auth_context::use_auth;
use crate::ui::format::format_duration;
use crate::ui::view::View;
use oauth::Session;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RenewalNoticeProps {
    pub session: Session,
    pub now: u64,
    /// The view shown, to come back to if renewal has to leave the page.
    pub view: View,
}

/// Within `renew_lead_secs` of expiry (or while a popup is asking Google): the offer to stay
/// signed in. The click opens the popup; browsers allow popups only in answer to a gesture.
#[component]
pub fn RenewalNotice(props: &RenewalNoticeProps) -> Html {
    let auth = use_auth();
    let renewing = auth.state.renewing;
    if !renewing
        && !props
            .session
            .renewal_due(props.now, auth.config.renew_lead_secs)
    {
        return html! {};
    }
    let who = if auth.config.google {
        "Google"
    } else {
        "the provider"
    };
    let view = props.view;
    let renew = Callback::from(move |_| auth.renew(Some(view.name().to_owned())));
    let seconds_left = props.session.seconds_left(props.now);
    html! {
        <div class="notice renew" role="status" data-testid="renewal">
            <p>{ if renewing { format!("Asking {who} in a small window…") } else {
                format!("Your session ends in {}. This app keeps no refresh token (Google gives browser apps none), so staying signed in means asking {who} again (usually without any question).", format_duration(seconds_left))
            } }</p>
            <button class="button primary" onclick={renew} disabled={renewing}>{ "Stay signed in" }</button>
        </div>
    }
}
