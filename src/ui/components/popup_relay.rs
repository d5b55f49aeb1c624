use super::layout;
use yew::prelude::*;

/// What the sign-in popup shows for the moment before it closes: the page's own frame (its
/// heading names the app), the static first paint's until now.
#[component]
pub fn PopupRelay() -> Html {
    layout(html! {
        <section class="card verifying" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <p>{ "Handing the answer back to the page that asked. This window closes by itself." }</p>
        </section>
    })
}
