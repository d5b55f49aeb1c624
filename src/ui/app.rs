//! The root: load config.json, then either the setup screen or the signed-in/out app.

use super::auth_context::{use_auth, AuthProvider, AuthStatus};
use super::components::{
    Inspector, Layout, NoticeView, ServerLine, Setup, SignedInView, SignedOutView, Verifying,
};
use crate::browser::storage::{self, keys, Area};
use gloo_net::http::Request;
use oauth::{ClientConfig, ConfigError};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The authorization response taken out of the URL before the first render.
    pub callback: Option<Rc<str>>,
}

/// What fetching config.json gave.
#[derive(Debug, Clone, PartialEq)]
enum ConfigSource {
    Found(String),
    Missing,
    Unreadable(String),
}

impl ConfigSource {
    async fn fetch() -> Self {
        // Relative, so the app works from any sub-path it is deployed under.
        match Request::get("config.json").send().await {
            Ok(response) if response.status() == 404 => ConfigSource::Missing,
            Ok(response) if response.ok() => match response.text().await {
                Ok(text) => ConfigSource::Found(text),
                Err(e) => ConfigSource::Unreadable(e.to_string()),
            },
            Ok(response) => ConfigSource::Unreadable(format!("HTTP {}", response.status())),
            Err(e) => ConfigSource::Unreadable(e.to_string()),
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
    let source = use_state(|| None::<ConfigSource>);
    let pasted = use_state(|| storage::get(Area::Local, keys::CLIENT_ID));
    {
        let source = source.clone();
        use_effect_with((), move |_| {
            spawn_local(async move { source.set(Some(ConfigSource::fetch().await)) })
        });
    }
    let parsed = use_memo(
        ((*source).clone(), (*pasted).clone()),
        |(source, pasted)| {
            source
                .as_ref()
                .map(|s| s.parse(pasted.as_deref()).map(Rc::new))
        },
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
        None => html! { <p class="loading" aria-live="polite">{ "Loading configuration…" }</p> },
        Some(Err(errors)) => html! { <Setup errors={errors.clone()} {on_client_id} /> },
        Some(Ok(config)) => html! {
            <AuthProvider config={config.clone()} callback={props.callback.clone()}>
                <Home />
            </AuthProvider>
        },
    };
    html! { <Layout>{ body }</Layout> }
}

/// The signed-in or signed-out view, with whatever notice the last action left.
#[component]
fn Home() -> Html {
    let auth = use_auth();
    let notice = auth
        .state
        .notice
        .clone()
        .map(|notice| html! { <NoticeView {notice} /> });
    let view = match &auth.state.status {
        AuthStatus::Starting | AuthStatus::Verifying => html! { <Verifying /> },
        AuthStatus::WaitingForPopup => {
            html! { <Verifying label="Waiting for the sign-in window…" /> }
        }
        AuthStatus::SigningOut => {
            html! { <Verifying label="Signing out and revoking the token…" /> }
        }
        AuthStatus::SignedOut => html! { <SignedOutView /> },
        AuthStatus::SignedIn(signed_in) => html! { <SignedInView signed_in={signed_in.clone()} /> },
    };
    html! {
        <>
            { for notice }
            { view }
            <ServerLine authorization_endpoint={auth.config.endpoints.authorization.clone()} />
            <Inspector />
        </>
    }
}
