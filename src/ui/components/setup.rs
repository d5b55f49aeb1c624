//! Shown when there is no usable configuration: says exactly what to register at Google and
//! what is wrong with config.json, field by field, and takes a pasted client id. A newcomer
//! without a Google client lands here too, so it names the way in that needs none.

use crate::browser::location;
use oauth::ConfigError;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SetupProps {
    pub errors: Vec<ConfigError>,
    pub on_client_id: Callback<String>,
}

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
    html! {
        <section class="card setup" data-testid="setup">
            <h2>{ "Set up a Google OAuth client" }</h2>
            <p>{ "This page needs an OAuth client ID before it can send you to Google. Nothing is wrong with your browser: the configuration is incomplete." }</p>
            <p class="way-in" data-testid="emulator-hint">
                <strong>{ "No Google account at hand?" }</strong>{ " " }
                <code>{ "cargo xtask serve" }</code>
                { " runs this page against the bundled local Google emulator: sign-in, Tasks and Calendar, with no account and no network." }
            </p>

            <h3>{ "What config.json says" }</h3>
            <ul class="config-errors" data-testid="config-errors">
                { for props.errors.iter().map(|e| html! {
                    <li><code>{ e.field.clone() }</code>{ " " }{ e.message.clone() }</li>
                }) }
            </ul>

            <h3>{ "Register this page in Google Cloud Console" }</h3>
            <ol class="steps">
                <li>{ "Open APIs & Services → Credentials → Create credentials → OAuth client ID, type " }<strong>{ "Web application" }</strong>{ "." }</li>
                <li>{ "Under Authorized JavaScript origins add exactly:" }
                    <pre class="copyable" data-testid="js-origin">{ origin }</pre></li>
                <li>{ "Under Authorized redirect URIs add exactly (scheme, host, port, path and trailing slash all count; localhost and 127.0.0.1 differ):" }
                    <pre class="copyable" data-testid="redirect-uri">{ redirect_uri }</pre></li>
                <li>{ "Copy the client ID into config.json as \"client_id\", or paste it here to try it now." }</li>
            </ol>

            <form class="client-id-form" {onsubmit}>
                <label for="client-id">{ "Client ID" }</label>
                <div class="row">
                    <input id="client-id" ref={input} type="text" autocomplete="off" spellcheck="false"
                        placeholder="1234-abc.apps.googleusercontent.com" />
                    <button type="submit" class="button primary">{ "Use this client ID" }</button>
                </div>
                <p class="hint">{ "Kept in this browser's localStorage: a client ID is public, unlike a token." }</p>
            </form>
        </section>
    }
}
