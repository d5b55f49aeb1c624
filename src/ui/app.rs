//! The root: load config.json, then either the setup screen or the signed-in/out app.

use super::auth_context::{use_auth, AuthProvider, AuthStatus, Notice};
use super::components::{
    busy_label, layout, notice_view, policy_mismatch_view, server_line, signed_out_view, verifying,
    LazyFeature, Setup, SignedInView, StatusAnnouncer,
};
use crate::auth::oidc;
use crate::browser::fetch::fetch;
use crate::browser::storage::{self, keys, Area};
use crate::browser::{csp, location};
use crate::error::AppError;
use crate::host::Feature;
use oauth::csp::blocked_connect_origins;
use oauth::discovery::MetadataDocument;
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
    /// A web page came back in its place: a server that answers every path it has no file for
    /// with index.html (a single-page app's fallback, as `trunk serve` does) has no config.json.
    PageInstead {
        content_type: Option<String>,
    },
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
            &["content-type"],
            false,
        )
        .await
        {
            Ok(answer) => {
                let content_type = answer
                    .headers
                    .iter()
                    .find(|(name, _)| name == "content-type")
                    .map(|(_, value)| value.as_str());
                ConfigSource::from_answer(answer.status, content_type, answer.text)
            }
            Err(reason) => ConfigSource::Unreadable(reason),
        }
    }

    /// Is this answer to `GET config.json` the file, or a page served in its place? No JSON text
    /// starts with `<`; an HTML content type counts too, unless the body is a JSON object (a host
    /// that labels config.json wrongly still serves it).
    pub fn from_answer(status: u16, content_type: Option<&str>, body: String) -> Self {
        match status {
            404 => ConfigSource::Missing,
            200..=299 => {
                let start = body.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
                let labelled_html = content_type.is_some_and(is_html);
                if start.starts_with('<') || (labelled_html && !start.starts_with('{')) {
                    ConfigSource::PageInstead {
                        content_type: content_type.map(str::to_owned),
                    }
                } else {
                    ConfigSource::Found(body)
                }
            }
            _ => ConfigSource::Unreadable(format!("HTTP {status}")),
        }
    }

    fn parse(&self, pasted_client_id: Option<&str>) -> Result<ClientConfig, Vec<ConfigError>> {
        let file_problem = |message: String| ConfigError {
            field: "config.json".into(),
            message,
        };
        let absent = |why: String| {
            ClientConfig::from_fallback(pasted_client_id).map_err(|mut errors| {
                errors.insert(0, file_problem(why));
                errors
            })
        };
        match self {
            ConfigSource::Found(text) => ClientConfig::from_json(text, pasted_client_id),
            ConfigSource::Missing => {
                absent("was not found beside index.html; Google's endpoints are assumed".into())
            }
            ConfigSource::PageInstead { content_type } => {
                let evidence = match content_type {
                    Some(content_type) if is_html(content_type) => {
                        format!("Content-Type: {content_type}")
                    }
                    _ => "it starts with \"<\", which no JSON does".into(),
                };
                absent(format!(
                    "was not found beside index.html: the server sent a web page in its place \
                     ({evidence}), as trunk serve and other single-page-app servers answer any \
                     path they have no file for with index.html; Google's endpoints are assumed"
                ))
            }
            ConfigSource::Unreadable(reason) => Err(vec![file_problem(format!(
                "could not be loaded ({reason})"
            ))]),
        }
    }
}

/// `text/html` or XHTML, whatever parameters follow (`; charset=utf-8`).
fn is_html(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/html")
        || essence.eq_ignore_ascii_case("application/xhtml+xml")
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
        Err(errors) => {
            let other_issuer = match &props.config {
                ConfigSource::Found(text) => oauth::config::other_issuer(text),
                _ => None,
            };
            html! { <Setup errors={errors.clone()} {on_client_id} {other_issuer} /> }
        }
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
                { notice_view(&Notice::Error(error.clone()), &props.config.provider_name(), html! {}) }
                <p>{ format!("Check \"issuer\" in config.json ({}): the app reads {} (or, where that is absent, {}) and signs in only if the document names exactly this issuer.",
                    props.config.endpoints.issuer,
                    MetadataDocument::OpenIdConfiguration.url(&props.config.endpoints.issuer),
                    MetadataDocument::OAuthAuthorizationServer.url(&props.config.endpoints.issuer)) }</p>
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
        .map(|notice| notice_view(&notice, &auth.config.provider_name(), html! {}));
    // The inspector comes with the features module, fetched once the page has settled.
    let signed_in = match &auth.state.status {
        AuthStatus::SignedIn(signed_in) => Some(Some(signed_in.clone())),
        AuthStatus::SignedOut => Some(None),
        _ => None,
    };
    let view = match &auth.state.status {
        AuthStatus::SignedOut => signed_out_view(&auth),
        AuthStatus::SignedIn(signed_in) => html! { <SignedInView signed_in={signed_in.clone()} /> },
        busy => verifying(busy_label(busy).unwrap_or_default()),
    };
    html! {
        <>
            { for notice }
            { view }
            { server_line(&auth.config.endpoints.authorization) }
            if let Some(signed_in) = signed_in {
                <LazyFeature feature={Feature::Inspector} {signed_in} />
            }
            <StatusAnnouncer />
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX_HTML: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\" />";

    fn source(status: u16, content_type: Option<&str>, body: &str) -> ConfigSource {
        ConfigSource::from_answer(status, content_type, body.to_owned())
    }

    #[test]
    fn trunk_serves_index_html_for_a_missing_config_json() {
        // What `trunk serve` answers for /config.json when there is none: 200, its index.html.
        assert_eq!(
            source(200, Some("text/html"), INDEX_HTML),
            ConfigSource::PageInstead {
                content_type: Some("text/html".into())
            }
        );
    }

    #[test]
    fn a_page_is_recognised_by_its_body_whatever_its_label() {
        for content_type in [None, Some("application/json"), Some("text/plain")] {
            assert_eq!(
                source(
                    200,
                    content_type,
                    "\u{feff}\n  <html><body>not found</body></html>"
                ),
                ConfigSource::PageInstead {
                    content_type: content_type.map(str::to_owned)
                },
                "{content_type:?}"
            );
        }
    }

    #[test]
    fn an_html_label_on_anything_but_an_object_is_a_page() {
        assert!(matches!(
            source(200, Some("TEXT/HTML; charset=utf-8"), "Not found"),
            ConfigSource::PageInstead { .. }
        ));
        assert!(matches!(
            source(200, Some("application/xhtml+xml"), ""),
            ConfigSource::PageInstead { .. }
        ));
    }

    #[test]
    fn a_json_object_is_the_config_even_when_labelled_html() {
        let body = r#" {"client_id": "x"}"#;
        for content_type in [Some("application/json"), None, Some("text/html")] {
            assert_eq!(
                source(200, content_type, body),
                ConfigSource::Found(body.into())
            );
        }
    }

    #[test]
    fn broken_json_is_still_the_file_and_reported_as_json() {
        // Not a page: the parser's own message, naming the byte, is the right one here.
        assert_eq!(
            source(200, Some("application/json"), "{ this is not json"),
            ConfigSource::Found("{ this is not json".into())
        );
    }

    #[test]
    fn not_found_and_other_statuses() {
        assert_eq!(
            source(404, Some("text/html"), INDEX_HTML),
            ConfigSource::Missing
        );
        assert_eq!(
            source(500, Some("text/html"), INDEX_HTML),
            ConfigSource::Unreadable("HTTP 500".into())
        );
    }

    #[test]
    fn a_page_in_its_place_is_reported_as_not_found_and_why() {
        let errors = source(200, Some("text/html"), INDEX_HTML)
            .parse(None)
            .unwrap_err();
        assert_eq!(errors[0].field, "config.json");
        let message = &errors[0].message;
        assert!(message.starts_with("was not found"), "{message}");
        assert!(message.contains("Content-Type: text/html"), "{message}");
        assert!(message.contains("trunk serve"), "{message}");
        assert!(!message.contains("JSON"), "{message}");
        // As with no file at all, the rest of the setup still applies: a client id is missing.
        assert!(errors.iter().any(|e| e.field == "client_id"), "{errors:?}");
    }

    #[test]
    fn a_pasted_client_id_works_when_a_page_came_instead() {
        let config = source(200, Some("text/html"), INDEX_HTML)
            .parse(Some("1234-abc.apps.googleusercontent.com"))
            .expect("Google's endpoints and the pasted client id");
        assert_eq!(config.client_id, "1234-abc.apps.googleusercontent.com");
    }
}
