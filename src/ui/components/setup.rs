//! Shown when there is no usable configuration: says exactly what to register at Google (or at
//! the provider config.json names) and what is wrong with config.json, field by field, and
//! takes a pasted client id. A newcomer without a Google client lands here too, so it names the
//! way in that needs none.

use crate::browser::location;
use oauth::{ConfigError, ProviderName};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// What [`Setup`] shows, and where a pasted client id goes.
#[derive(Properties, PartialEq)]
pub struct SetupProps {
    /// What is wrong with config.json, or missing from it, each with its field.
    pub errors: Vec<ConfigError>,
    /// Called with a client id the person pasted (trimmed, not empty).
    pub on_client_id: Callback<String>,
    /// The issuer config.json names, when it is not Google: the client is registered there.
    #[prop_or_default]
    pub other_issuer: Option<String>,
}

/// The setup screen: what to register at the provider, what config.json gets wrong, and a
/// field for a client id.
#[component]
pub fn Setup(props: &SetupProps) -> Html {
    let input = use_node_ref();
    let onsubmit = {
        let (input, on_client_id) = (input.clone(), props.on_client_id.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let id = field.value().trim().to_owned();
                if !id.is_empty() {
                    on_client_id.emit(id);
                }
            }
        })
    };
    let origin = location::origin();
    let redirect_uri = location::redirect_uri();
    let provider = props.other_issuer.as_deref().map(ProviderName::for_issuer);
    html! {
        <section class="card setup" data-testid="setup">
            if let Some(provider) = &provider {
                <h2>{ "Set up an OAuth client at your provider" }</h2>
                <p>{ format!("This page needs a working config.json before it can send you to {}. Nothing is wrong with your browser: the configuration is incomplete.", provider.object()) }</p>
            } else {
                <h2>{ "Set up a Google OAuth client" }</h2>
                <p>{ "This page needs an OAuth client ID before it can send you to Google. Nothing is wrong with your browser: the configuration is incomplete." }</p>
                <p class="way-in" data-testid="emulator-hint">
                    <strong>{ "No Google account at hand?" }</strong>{ " " }
                    <code>{ "cargo xtask serve" }</code>
                    { " runs this page against the bundled local Google emulator: sign-in, Tasks and Calendar, with no account and no network." }
                </p>
            }

            <h3>{ "What config.json says" }</h3>
            <ul class="config-errors" data-testid="config-errors">
                { for props.errors.iter().map(|e| html! {
                    <li><code>{ e.field.clone() }</code>{ " " }{ e.message.clone() }</li>
                }) }
            </ul>

            if let Some(provider) = &provider {
                <h3>{ format!("Register this page at {}", provider.object()) }</h3>
                <ol class="steps">
                    <li>{ "Create a public client (single-page or browser application: no client secret, the authorization code flow with PKCE)." }</li>
                    <li>{ "Allow this origin for browser requests (CORS), if the provider asks:" }
                        <pre class="copyable" data-testid="js-origin">{ origin }</pre></li>
                    <li>{ "Register this redirect URI exactly, and the same as post-logout redirect URI (scheme, host, port, path and trailing slash all count; localhost and 127.0.0.1 differ):" }
                        <pre class="copyable" data-testid="redirect-uri">{ redirect_uri }</pre></li>
                    <li>{ "Copy the client ID into config.json as \"client_id\", or paste it here to try it now." }</li>
                </ol>
            } else {
                <h3>{ "Register this page in Google Cloud Console" }</h3>
                <ol class="steps">
                    <li>{ "Open APIs & Services → Credentials → Create credentials → OAuth client ID, type " }<strong>{ "Web application" }</strong>{ "." }</li>
                    <li>{ "Under Authorized JavaScript origins add exactly:" }
                        <pre class="copyable" data-testid="js-origin">{ origin }</pre></li>
                    <li>{ "Under Authorized redirect URIs add exactly (scheme, host, port, path and trailing slash all count; localhost and 127.0.0.1 differ):" }
                        <pre class="copyable" data-testid="redirect-uri">{ redirect_uri }</pre></li>
                    <li>{ "Copy the client ID into config.json as \"client_id\", or paste it here to try it now." }</li>
                </ol>
            }

            <form class="client-id-form" {onsubmit}>
                <label for="client-id">{ "Client ID" }</label>
                <div class="row">
                    <input id="client-id" ref={input} type="text" autocomplete="off" spellcheck="false"
                        placeholder={ if provider.is_some() { "my-spa" } else { "1234-abc.apps.googleusercontent.com" } } />
                    <button type="submit" class="button primary">{ "Use this client ID" }</button>
                </div>
                <p class="hint">{ "Kept in this browser's localStorage: a client ID is public, unlike a token." }</p>
            </form>
        </section>
    }
}
