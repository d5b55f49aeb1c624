use crate::auth::session_store;
use crate::error::AppError;
use crate::ui::auth_context::{AuthContext, Notice};
use oauth::Flow;
use yew::prelude::*;

/// The signed-out card: the way in first (where index.html's first paint has it), then what
/// happens on the way back.
pub fn signed_out_view(auth: &AuthContext) -> Html {
    let hint = session_store::login_hint();
    let popup_blocked = matches!(
        auth.state.notice,
        Some(Notice::Error(AppError::PopupBlocked))
    );
    let in_this_tab = {
        let auth = auth.clone();
        Callback::from(move |_| auth.sign_in_in_this_tab())
    };
    let onclick = {
        let auth = auth.clone();
        Callback::from(move |_| auth.sign_in())
    };
    let another = {
        let auth = auth.clone();
        Callback::from(move |_| auth.use_another_account())
    };
    let (provider, flow) = (auth.config.quirks.google, auth.config.flow);
    let label = match (&hint, provider) {
        (Some(who), _) => format!("Sign in again as {who}"),
        (None, true) => "Sign in with Google".to_owned(),
        (None, false) => "Sign in".to_owned(),
    };
    let who = if provider { "Google" } else { "The provider" };
    let arrival = match flow {
        Flow::Code => format!("{who} sends you back here with a one-time code in the URL's query, which this page exchanges for a token with a secret only this tab holds (PKCE). Before using the token this page:"),
        _ => format!("{who} sends you back here with an access token in the URL fragment, which never reaches any server. Before using the token this page:"),
    };
    let ours = match (flow, provider) {
        (Flow::Token, _) => {
            html! { <li>{ "asks Google's token info endpoint whether the token was issued to this app (a token meant for another app is refused)." }</li> }
        }
        (_, google) => html! {
            <li>{ "verifies the signed ID token that comes with it, with the browser's WebCrypto: the provider's RS256 signature, that it names this app and this provider, that it is fresh, that it carries the one-time " }<code>{ "nonce" }</code>{ " this tab sent" }
                { if flow == Flow::TokenIdToken { ", and that its at_hash matches the access token" } else { "" } }
                { if google { "; then asks Google's token info endpoint too." } else { "." } }</li>
        },
    };
    html! {
        <section class="card signed-out">
            <h2>{ "You are signed out" }</h2>
            // The action first, where index.html's first paint has it (disabled until now).
            <button class="button primary big" {onclick}>
                if provider {
                    <span class="g-mark" aria-hidden="true">{ "G" }</span>
                }
                { label }
            </button>
            // Google's account chooser (prompt=select_account): the remembered account is
            // otherwise taken without a question.
            if provider {
                <button class="button big secondary" onclick={another}>{ "Use another account" }</button>
            }
            if popup_blocked {
                <button class="button big secondary" onclick={in_this_tab}>{ "Continue in this tab instead" }</button>
            }
            <p>{ format!("Signing in sends you to {}'s consent page. {arrival}", if provider { "Google" } else { "the provider" }) }</p>
            <ol class="checks">
                <li>{ "removes it from the address bar and history at once;" }</li>
                <li>{ "checks the returned " }<code>{ "state" }</code>{ " against the one-time value this tab sent (forged or replayed answers fail here);" }</li>
                if auth.config.dpop {
                    <li>{ "accepts only a " }<code>{ "DPoP" }</code>{ " token bound to this browser's key (or a " }<code>{ "Bearer" }</code>{ " one, if the provider binds none);" }</li>
                } else {
                    <li>{ "accepts only a " }<code>{ "Bearer" }</code>{ " token;" }</li>
                }
                { ours }
            </ol>
        </section>
    }
}
