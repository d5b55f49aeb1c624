use crate::auth::session_store;
use crate::error::AppError;
use crate::ui::auth_context::{use_auth, Notice};
use yew::prelude::*;

#[component]
pub fn SignedOutView() -> Html {
    let auth = use_auth();
    let hint = session_store::login_hint();
    let popup_blocked = matches!(
        auth.state.notice,
        Some(Notice::Error(AppError::PopupBlocked))
    );
    let in_this_tab = {
        let auth = auth.clone();
        Callback::from(move |_| auth.sign_in_in_this_tab())
    };
    let onclick = Callback::from(move |_| auth.sign_in());
    let label = match &hint {
        Some(who) => format!("Sign in again as {who}"),
        None => "Sign in with Google".to_owned(),
    };
    html! {
        <section class="card signed-out">
            <h2>{ "You are signed out" }</h2>
            <p>{ "Signing in sends you to Google's consent page. Google sends you back here with an access token in the URL fragment, which never reaches any server. Before using the token this page:" }</p>
            <ol class="checks">
                <li>{ "removes it from the address bar and history at once;" }</li>
                <li>{ "checks the returned " }<code>{ "state" }</code>{ " against the one-time value this tab sent (forged or replayed answers fail here);" }</li>
                <li>{ "accepts only a " }<code>{ "Bearer" }</code>{ " token;" }</li>
                <li>{ "asks Google's token info endpoint whether the token was issued to this app (a token meant for another app is refused)." }</li>
            </ol>
            <button class="button primary big" {onclick}>
                <span class="g-mark" aria-hidden="true">{ "G" }</span>{ label }
            </button>
            if popup_blocked {
                <button class="button big secondary" onclick={in_this_tab}>{ "Continue in this tab instead" }</button>
            }
        </section>
    }
}
