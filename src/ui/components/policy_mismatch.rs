//! Shown instead of the sign-in when the page's Content-Security-Policy does not allow the
//! origins config.json names (config.json changed after the policy was computed): otherwise the
//! person would consent at the provider and come back to "Failed to fetch".

use super::notice_view;
use crate::error::AppError;
use crate::ui::auth_context::Notice;
use yew::prelude::*;

/// The error, each blocked origin, and the command that writes the policy for the config.
pub fn policy_mismatch_view(blocked: &[String]) -> Html {
    html! {
        <section class="card setup" data-testid="csp-mismatch">
            <h2>{ "The page's security policy and config.json disagree" }</h2>
            { notice_view(&Notice::Error(AppError::PolicyBlocksConfig(blocked.to_vec())), &Default::default(), html! {}) }
            <h3>{ "Origins config.json needs that connect-src does not allow" }</h3>
            <ul class="config-errors" data-testid="blocked-origins">
                { for blocked.iter().map(|origin| html! { <li><code>{ origin.clone() }</code></li> }) }
            </ul>
            <h3>{ "How to fix it" }</h3>
            <p>{ "Write the policy for this config.json into index.html, in the folder that is deployed (it holds index.html and config.json), then deploy index.html again:" }</p>
            <pre class="copyable" data-testid="csp-command">{ "cargo xtask csp DIR" }</pre>
            <p class="hint">{ "It also prints the Content-Security-Policy header to set where the host allows headers: a header sent beside the meta tag must allow these origins too." }</p>
        </section>
    }
}
