//! The root: load config.json, then either the setup screen or the signed-in/out app.

use super::auth_context::{use_auth, AuthProvider, AuthStatus, Notice};
use super::components::{
    layout, notice_view, policy_mismatch_view, server_line, signed_out_view, verifying,
    LazyFeature, Setup, SignedInView, CHECKING,
};
use crate::auth::oidc;
use crate::browser::fetch::fetch;
use crate::browser::storage::{self, keys, Area};
use crate::browser::{csp, location};
use crate::error::AppError;
use crate::host::Feature;
use oauth::csp::blocked_connect_origins;
use oauth::discovery::document_url;
use oauth::{ClientConfig, ConfigError};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use web_sys::RequestCredentials;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The authorization response taken out of the URL before the first render.
    pub callback: Option<Rc<str>>,
    /// config.json, fetched before the app mounts: the page has nothing to show without it, and
    /// rendering a "loading" screen first cost a whole extra render (~30 ms measured on (a)).
    pub config: ConfigSource,
}

/// What fetching config.json gave.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigSource {
    Found(String),
    Missing,
    Unreadable(String),
}

impl ConfigSource {
    pub async fn fetch() -> Self {
        // Relative, so the app works from any sub-path it is deployed under; same-origin
        // credentials, as index.html's preload of it asks, so the preloaded answer is used.
        match fetch(
            "config.json",
            "GET",
            &[],
            None,
            RequestCredentials::SameOrigin,
            &[],
            false,
        )
        .await
        {
            Ok(answer) if answer.status == 404 => ConfigSource::Missing,
            Ok(answer) if (200..300).contains(&answer.status) => ConfigSource::Found(answer.text),
            Ok(answer) => ConfigSource::Unreadable(format!("HTTP {}", answer.status)),
            Err(reason) => ConfigSource::Unreadable(reason),
        }
    }

    fn parse(&self, pasted_client_id: Option<&str>) -> Result<ClientConfig, Vec<ConfigError>> {
        let file_problem = |message: String| ConfigError {
            field: "config.json".into(),
            message,
        };
        match self {
            ConfigSource::Found(text) => ClientConfig::from_json(text, pasted_client_id),
            ConfigSource::Missing => {
                ClientConfig::from_fallback(pasted_client_id).map_err(|mut errors| {
                    errors.insert(
                        0,
                        file_problem(
                            "was not found beside index.html; Google's endpoints are assumed"
                                .into(),
                        ),
                    );
                    errors
                })
            }
            ConfigSource::Unreadable(reason) => Err(vec![file_problem(format!(
                "could not be loaded ({reason})"
            ))]),
        }
    }
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let pasted = use_state(|| storage::get(Area::Local, keys::CLIENT_ID));
    let parsed = use_memo(
        (props.config.clone(), (*pasted).clone()),
        |(source, pasted)| source.parse(pasted.as_deref()).map(Rc::new),
    );
    let on_client_id = {
        let pasted = pasted.clone();
        Callback::from(move |id: String| {
            // A client id is public, so localStorage is fine; it lets the setup survive reloads.
            let _ = storage::set(Area::Local, keys::CLIENT_ID, &id);
            pasted.set(Some(id));
        })
    };

    let body = match &*parsed {
        Err(errors) => html! { <Setup errors={errors.clone()} {on_client_id} /> },
        Ok(config) => app_for(config, &props.callback),
    };
    layout(body)
}

/// The app for a usable `config`: its provider's discovery document first if it names only an
/// issuer. Unless the page's Content-Security-Policy blocks an origin `config` fetches from:
/// that is said before anyone is sent to the provider, whose answer could not be checked.
fn app_for(config: &Rc<ClientConfig>, callback: &Option<Rc<str>>) -> Html {
    let blocked = blocked_connect_origins(&csp::meta_policies(), config, &location::origin());
    if !blocked.is_empty() {
        return policy_mismatch_view(&blocked);
    }
    if config.needs_discovery {
        return html! { <Discovering config={config.clone()} callback={callback.clone()} /> };
    }
    html! {
        <AuthProvider config={config.clone()} callback={callback.clone()}>
            <Home />
        </AuthProvider>
    }
}

#[derive(Properties, PartialEq)]
struct DiscoveringProps {
    config: Rc<ClientConfig>,
    callback: Option<Rc<str>>,
}

/// Only an issuer was configured: read its discovery document first. A document that does not
/// speak for that issuer stops everything here, before any request goes to its endpoints.
#[component]
fn Discovering(props: &DiscoveringProps) -> Html {
    let discovered = use_state(|| None::<Result<Rc<ClientConfig>, AppError>>);
    {
        let (discovered, config) = (discovered.clone(), props.config.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                let outcome = oidc::discover(&config).await;
                discovered.set(Some(outcome.map(Rc::new).map_err(AppError::from)));
            })
        });
    }
    match &*discovered {
        None => html! {
            <p class="loading" aria-live="polite">{ "Reading the provider's configuration…" }</p>
        },
        Some(Err(error)) => html! {
            <>
                { notice_view(&Notice::Error(error.clone()), html! {}) }
                <p>{ format!("Check \"issuer\" in config.json ({}): the app reads {} and signs in only if that document names exactly this issuer.",
                    props.config.endpoints.issuer, document_url(&props.config.endpoints.issuer)) }</p>
            </>
        },
        // The endpoints the provider advertises may live on origins config.json did not name.
        Some(Ok(config)) => app_for(config, &props.callback),
    }
}

/// The signed-in or signed-out view, with whatever notice the last action left.
#[component]
fn Home() -> Html {
    let auth = use_auth();
    let notice = auth
        .state
        .notice
        .clone()
        .map(|notice| notice_view(&notice, html! {}));
    // The inspector comes with the features module, fetched once the page has settled.
    let signed_in = match &auth.state.status {
        AuthStatus::SignedIn(signed_in) => Some(Some(signed_in.clone())),
        AuthStatus::SignedOut => Some(None),
        _ => None,
    };
    let view = match &auth.state.status {
        AuthStatus::Starting | AuthStatus::Verifying => verifying(CHECKING),
        AuthStatus::WaitingForPopup => verifying("Waiting for the sign-in window…"),
        AuthStatus::SigningOut => verifying("Signing out and revoking the token…"),
        AuthStatus::SignedOut => signed_out_view(&auth),
        AuthStatus::SignedIn(signed_in) => html! { <SignedInView signed_in={signed_in.clone()} /> },
    };
    html! {
        <>
            { for notice }
            { view }
            { server_line(&auth.config.endpoints.authorization) }
            if let Some(signed_in) = signed_in {
                <LazyFeature feature={Feature::Inspector} {signed_in} />
            }
        </>
    }
}
