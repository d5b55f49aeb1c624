//! A heading and a button, nothing else: what any Yew app costs before it does anything.

use yew::prelude::*;

#[component]
fn Page() -> Html {
    let clicks = use_state(|| 0u32);
    let onclick = {
        let clicks = clicks.clone();
        Callback::from(move |_| clicks.set(*clicks + 1))
    };
    html! {
        <main>
            <h1>{ "Bare Yew" }</h1>
            <button {onclick}>{ format!("Sign in ({})", *clicks) }</button>
        </main>
    }
}

fn main() {
    yew::Renderer::<Page>::new().render();
}
