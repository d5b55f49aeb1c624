use crate::auth::SignedIn;
use crate::ui::auth_context::use_auth;
use crate::ui::format::format_duration;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProfileProps {
    pub signed_in: Rc<SignedIn>,
    /// The current time, for the countdown.
    pub now: u64,
}

/// Who is signed in, what the token may do, and how long it lasts.
#[component]
pub fn ProfileView(props: &ProfileProps) -> Html {
    let auth = use_auth();
    let SignedIn {
        session,
        user,
        declined,
    } = &*props.signed_in;
    let seconds_left = session.seconds_left(props.now);
    let name = user.display_name().to_owned();
    html! {
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
                <dt>{ "Signed in with" }</dt>
                <dd data-testid="flow">{ match auth.config.flow {
                    oauth::Flow::Token => "the implicit grant, the token checked with Google's token info",
                    oauth::Flow::TokenIdToken => "the implicit grant with an ID token verified here (RS256 signature, issuer, audience, expiry, nonce, at_hash)",
                    oauth::Flow::Code => "the authorization code grant with PKCE (S256) and an ID token verified here",
                } }</dd>
                <dt>{ "Token expires in" }</dt>
                <dd><span class="time-left" data-testid="time-left" data-seconds={seconds_left.to_string()}>
                    { format_duration(seconds_left) }</span></dd>
                <dt>{ "Stored in" }</dt>
                <dd>{ match auth.config.token_storage {
                    oauth::TokenStorage::Session => "this tab's sessionStorage (survives a reload, not a closed tab)",
                    oauth::TokenStorage::Memory => "memory only (a reload signs you out)",
                } }</dd>
                <dt>{ "Granted scopes" }</dt>
                <dd>
                    <ul class="scopes" data-testid="granted-scopes">
                        { for session.granted_scopes.iter().map(|scope| html! { <li><code>{ scope.to_owned() }</code></li> }) }
                    </ul>
                </dd>
                if !declined.is_empty() {
                    <dt>{ "Asked for, not granted" }</dt>
                    <dd>
                        <ul class="scopes declined" data-testid="declined-scopes">
                            { for declined.iter().map(|scope| html! { <li><code>{ scope.clone() }</code></li> }) }
                        </ul>
                    </dd>
                }
            </dl>
            if auth.config.google {
                <p class="hint">{ "Tasks and Calendar ask Google for their own access the first time you open them." }</p>
            }
        </section>
    }
}
