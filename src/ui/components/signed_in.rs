use crate::auth::SignedIn;
use crate::ui::auth_context::use_auth;
use crate::ui::hooks::use_now;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SignedInProps {
    pub signed_in: Rc<SignedIn>,
}

#[component]
pub fn SignedInView(props: &SignedInProps) -> Html {
    let auth = use_auth();
    let now = use_now();
    let SignedIn { session, user } = &*props.signed_in;
    let seconds_left = session.seconds_left(now);
    let expired = session.is_expired(now);
    {
        let auth = auth.clone();
        use_effect_with(expired, move |expired| {
            if *expired {
                auth.expire();
            }
        });
    }
    let storage = auth.config.token_storage;
    let renewal_due = session.renewal_due(now, auth.config.renew_lead_secs);
    let renewing = auth.state.renewing;
    let renew = {
        let auth = auth.clone();
        Callback::from(move |_| auth.renew(None))
    };
    let sign_out = Callback::from(move |_| auth.sign_out());
    let name = user.display_name().to_owned();
    html! {
        <>
        if renewal_due || renewing {
            <div class="notice renew" role="status" data-testid="renewal">
                <p>{ if renewing { "Asking Google for a new token in a small window…".to_owned() } else {
                    format!("Your session ends in {}. Google gives browser apps no refresh token, so staying signed in means asking Google again (usually without any question).", format_duration(seconds_left))
                } }</p>
                <button class="button primary" onclick={renew} disabled={renewing}>{ "Stay signed in" }</button>
            </div>
        }
        <section class="card signed-in" data-testid="profile">
            <div class="person">
                if let Some(picture) = user.safe_picture() {
                    <img class="avatar" data-testid="profile-picture" src={picture.to_owned()}
                        alt={format!("Profile picture of {name}")} referrerpolicy="no-referrer" />
                }
                <div>
                    <h2 data-testid="profile-name">{ name.clone() }</h2>
                    if let Some(email) = &user.email {
                        <p class="email" data-testid="profile-email">{ email.clone() }</p>
                    }
                </div>
            </div>
            <dl class="facts">
                <dt>{ "Token expires in" }</dt>
                <dd><span class="time-left" data-testid="time-left" data-seconds={seconds_left.to_string()}>
                    { format_duration(seconds_left) }</span></dd>
                <dt>{ "Stored in" }</dt>
                <dd>{ match storage {
                    oauth::TokenStorage::Session => "this tab's sessionStorage (survives a reload, not a closed tab)",
                    oauth::TokenStorage::Memory => "memory only (a reload signs you out)",
                } }</dd>
                <dt>{ "Granted scopes" }</dt>
                <dd>
                    <ul class="scopes" data-testid="granted-scopes">
                        { for session.granted_scopes.iter().map(|scope| html! { <li><code>{ scope.to_owned() }</code></li> }) }
                    </ul>
                </dd>
            </dl>
            <button class="button" onclick={sign_out}>{ "Sign out" }</button>
        </section>
        </>
    }
}

/// `59 min 58 s`, or `42 s` under a minute.
fn format_duration(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, s) => format!("{m} min {s:02} s"),
    }
}
