use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct VerifyingProps {
    #[prop_or("Checking the answer and the token…")]
    pub label: &'static str,
}

#[component]
pub fn Verifying(props: &VerifyingProps) -> Html {
    html! {
        <section class="card verifying" data-testid="verifying" aria-busy="true" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <p>{ props.label }</p>
        </section>
    }
}
