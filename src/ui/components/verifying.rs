use yew::prelude::*;

/// The page is busy with the provider: checking an answer, waiting for a popup, signing out.
pub fn verifying(label: &'static str) -> Html {
    html! {
        <section class="card verifying" data-testid="verifying" aria-busy="true" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <p>{ label }</p>
        </section>
    }
}

/// What [`verifying`] says while an answer is checked.
pub const CHECKING: &str = "Checking the answer and the token…";
