use super::notice_view;
use crate::feature_root::use_feature;
use oauth::scopes::google::describe;
use oauth::ApiScopes;
use seam::error::AppError;
use seam::notice::Notice;
use seam::view::View;
use yew::prelude::*;

/// One way to grant access: the button's words and the scope it asks Google for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessOption {
    pub label: &'static str,
    pub scope: &'static str,
}

#[derive(Properties, PartialEq)]
pub struct AccessRequestProps {
    pub title: &'static str,
    pub intro: &'static str,
    pub options: Vec<AccessOption>,
    /// The API the view calls.
    pub api: ApiScopes,
    /// The view asking, to come back to from Google's consent page.
    pub view: View,
    /// Scopes the person unticked at the last consent (only this API's are mentioned).
    pub declined: Vec<String>,
    pub testid: &'static str,
}

/// Shown in place of a view whose API the token may not use yet: says what is missing (and if
/// the person unticked it on Google's consent page), and asks Google for it (incremental
/// authorization) when the person chooses.
#[component]
pub fn AccessRequest(props: &AccessRequestProps) -> Html {
    let host = use_feature().host;
    let declined: Vec<String> = props
        .declined
        .iter()
        .filter(|s| props.api.covers(s))
        .cloned()
        .collect();
    let declined = (!declined.is_empty()).then(|| {
        let notice = Notice::Error(AppError::ScopesDeclined(declined));
        // Tasks and Calendar are Google's APIs: Google is who answered.
        notice_view(&notice, &oauth::ProviderName::Google, html! {})
    });
    html! {
        <section class="card access-request" data-testid={props.testid}>
            <h2>{ props.title }</h2>
            { for declined }
            <p>{ props.intro }</p>
            <ul class="access-options">
                { for props.options.iter().enumerate().map(|(i, option)| {
                    let (host, scope, view) = (host.clone(), option.scope, props.view.name());
                    let onclick = Callback::from(move |_| {
                        host.request_scopes(&[scope], view)
                    });
                    html! {
                        <li>
                            // The first, narrowest option is the one to suggest.
                            <button class={classes!("button", (i == 0).then_some("primary"))} {onclick}>
                                { option.label }</button>
                            <span class="hint">
                                { describe(scope).unwrap_or(scope) }{ " " }<code>{ scope }</code>
                            </span>
                        </li>
                    }
                }) }
            </ul>
            <p class="hint">{ "Google shows its consent page, where each permission has a box to tick (they start unticked: only what you tick is granted), then sends you back here. Your sign-in is kept; the new token carries what you granted before as well." }</p>
        </section>
    }
}
