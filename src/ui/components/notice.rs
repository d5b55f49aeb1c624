use crate::ui::auth_context::Notice;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NoticeProps {
    pub notice: Notice,
    /// What the person can do about it (buttons), shown inside the notice.
    #[prop_or_default]
    pub children: Html,
}

/// An error (role="alert", with its code) or an informational status line.
#[component]
pub fn NoticeView(props: &NoticeProps) -> Html {
    match &props.notice {
        Notice::Info(text) => html! { <div class="notice info" role="status">{ *text }</div> },
        Notice::Error(error) => html! {
            <div class="notice error" role="alert">
                <p class="notice-message">{ error.to_string() }</p>
                if let Some(description) = error.provider_description() {
                    // Attacker-controlled text: rendered as a text node, never as markup.
                    <p class="notice-detail">{ "The server said: " }<q>{ description.to_owned() }</q></p>
                }
                <p class="notice-code">{ "Error code: " }<code>{ error.code().to_owned() }</code></p>
                { props.children.clone() }
            </div>
        },
    }
}
