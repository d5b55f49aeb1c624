use yew::prelude::*;

/// What the sign-in popup shows for the moment before it closes.
#[component]
pub fn PopupRelay() -> Html {
    html! {
        <main class="content">
            <section class="card verifying" aria-live="polite">
                <span class="spinner" aria-hidden="true"></span>
                <p>{ "Handing the answer back to the page that asked. This window closes by itself." }</p>
            </section>
        </main>
    }
}
