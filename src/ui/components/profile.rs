use crate::auth::SignedIn;
use crate::ui::auth_context::AuthContext;
use crate::ui::format::format_duration;
use yew::prelude::*;

fn another_account(auth: &AuthContext) -> Callback<MouseEvent> {
    let auth = auth.clone();
    Callback::from(move |_| auth.use_another_account())
}

/// Who is signed in, what the token may do, and how long it lasts.
/// `now` is the current time, for the countdown.
pub fn profile_view(auth: &AuthContext, signed_in: &SignedIn, now: u64) -> Html {
    let SignedIn {
        session,
        user,
        declined,
        ..
    } = signed_in;
    let seconds_left = session.seconds_left(now);
    // Nothing is invented for a token that names nobody: its heading says only that it signed in.
    let name = user
        .as_ref()
        .map_or("Signed in", |user| user.display_name())
        .to_owned();
    let email = user
        .as_ref()
        .and_then(|user| user.email.clone())
        .or_else(|| session.email.clone());
    html! {
        <section class="card signed-in" data-testid="profile">
            <div class="person">
                if let Some(picture) = user.as_ref().and_then(|user| user.safe_picture()) {
                    <img class="avatar" data-testid="profile-picture" src={picture.to_owned()}
                        alt={format!("Profile picture of {name}")} referrerpolicy="no-referrer" />
                }
                <div>
                    <h2 data-testid="profile-name">{ name.clone() }</h2>
                    if let Some(email) = email {
                        <p class="email" data-testid="profile-email">{ email }</p>
                    }
                    if let Some(hd) = user.as_ref().and_then(|user| user.hd.clone()) {
                        <p class="domain" data-testid="profile-domain">{ format!("Google Workspace account of {hd}") }</p>
                    }
                    if user.is_none() {
                        <p class="hint" data-testid="profile-unknown">{ "The provider did not say which Google account this is: the token carries none of the sign-in scopes (openid, email, profile), so token info names nobody and user info would refuse it. Nothing here is guessed; add openid to scopes in config.json to see who is signed in." }</p>
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
            if auth.config.quirks.google_apis {
                <p class="hint">{ "Tasks and Calendar ask Google for their own access the first time you open them." }</p>
            }
            if auth.config.quirks.account_chooser {
                <p class="hint switch-account">
                    <button class="button" onclick={another_account(auth)}>{ "Use another account" }</button>
                    { if session.subject.is_some() {
                        " Google shows its account chooser; this session stays until another account signs in, and its token is then revoked."
                    } else {
                        " Google shows its account chooser; this session stays until another sign-in has passed its checks. Its token does not say whose it is, so it is not revoked then: it could be the same account's, whose grant revoking would end."
                    } }
                </p>
            }
        </section>
    }
}
