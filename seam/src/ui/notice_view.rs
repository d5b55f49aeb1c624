use crate::notice::Notice;
use oauth::ProviderName;
use yew::prelude::*;

/// An error (role="alert", with its code) or an informational line; `actions` (what the
/// person can do about it: buttons) go inside an error, whose sentence names `by` where the
/// provider is the one that refused (Google, or the provider at its host). A view function,
/// not a component: it holds no state, and every component costs a module its own copy of
/// Yew's lifecycle code.
pub fn notice_view(notice: &Notice, by: &ProviderName, actions: Html) -> Html {
    match notice {
        // Not a live region itself: the app's one region (StatusAnnouncer) says it, once.
        Notice::Info(text) => html! { <div class="notice info">{ *text }</div> },
        Notice::Error(error) => html! {
            <div class="notice error" role="alert">
                <p class="notice-message">{ error.sentence(by) }</p>
                if let Some(description) = error.provider_description() {
                    // Attacker-controlled text: rendered as a text node, never as markup.
                    <p class="notice-detail">{ "The server said: " }<q>{ description.to_owned() }</q></p>
                }
                <p class="notice-code">{ "Error code: " }<code>{ error.code().to_owned() }</code></p>
                { actions }
            </div>
        },
    }
}
