use oauth::scopes::google::{describe, TASKS};
use web_sys::HtmlElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WritePromptProps {
    pub on_allow: Callback<()>,
    pub on_dismiss: Callback<()>,
}

/// Shown when someone with read-only access tries to change a task: asking Google for full
/// access then, not at sign-in, is least privilege. Focus moves to the choice.
#[component]
pub fn WritePrompt(props: &WritePromptProps) -> Html {
    let allow = use_node_ref();
    {
        let allow = allow.clone();
        use_effect_with((), move |_| {
            if let Some(button) = allow.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    html! {
        <section class="notice prompt" data-testid="write-prompt" aria-labelledby="write-prompt-title">
            <p id="write-prompt-title" class="notice-message">{ "Changing tasks needs more access" }</p>
            <p>{ format!(
                "This app may only look at your tasks. To add, complete, rename or delete them, Google will ask you to allow “{}”. What you typed stays here.",
                describe(TASKS).unwrap_or(TASKS)
            ) }</p>
            <div class="notice-actions">
                <button ref={allow} class="button primary" onclick={props.on_allow.reform(|_| ())}>
                    { "Allow changes at Google" }</button>
                <button class="button" onclick={props.on_dismiss.reform(|_| ())}>{ "Not now" }</button>
            </div>
        </section>
    }
}
