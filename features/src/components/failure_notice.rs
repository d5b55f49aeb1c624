use super::notice_view;
use crate::feature_root::use_feature;
use oauth::api::ApiError;
use oauth::ApiScopes;
use seam::error::AppError;
use seam::notice::Notice;
use seam::view::View;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FailureNoticeProps {
    pub error: AppError,
    /// The API the failed call was to, for the scope to ask for when Google said one is missing.
    pub api: ApiScopes,
    /// Loading again, offered when a load failed.
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
    /// The view showing the notice, to come back to from Google's consent page.
    pub view: View,
    /// What became of the person's change (rolled back, text kept), in a sentence.
    #[prop_or_default]
    pub outcome: Option<AttrValue>,
}

/// A failed API call in words with its code, and what can be done about it: ask Google for
/// the missing permission (a 403 insufficient scope), or try again.
#[component]
pub fn FailureNotice(props: &FailureNoticeProps) -> Html {
    let host = use_feature().host;
    let grant = match props.error.api_failure() {
        Some((step, ApiError::InsufficientScope { .. })) => {
            let scope = match (step.is_write(), props.api.write_scope()) {
                (true, Some(write)) => write,
                _ => props.api.read_scope(),
            };
            let view = props.view.name();
            Some(Callback::from(move |_| host.request_scopes(&[scope], view)))
        }
        _ => None,
    };
    let retry = props
        .on_retry
        .clone()
        .map(|retry| retry.reform(|_: MouseEvent| ()));
    let notice = Notice::Error(props.error.clone());
    let actions = html! {
        <>
            if let Some(outcome) = props.outcome.clone() {
                <p class="notice-detail">{ outcome }</p>
            }
            if grant.is_some() || retry.is_some() {
                <div class="notice-actions">
                    if let Some(onclick) = grant {
                        <button class="button primary" {onclick}>{ "Ask Google for access" }</button>
                    }
                    if let Some(onclick) = retry {
                        <button class="button" {onclick}>{ "Try again" }</button>
                    }
                </div>
            }
        </>
    };
    // Tasks and Calendar are Google's APIs: Google is who answered.
    notice_view(&notice, &oauth::ProviderName::Google, actions)
}
