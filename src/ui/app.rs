//! The root: take the page over from the front door with what it handed over, then either the
//! setup screen or the signed-in/out app.

use super::auth_context::{use_auth, AuthProvider, AuthStatus, Notice};
use super::components::{
    busy_label, layout, notice_view, policy_mismatch_view, server_line, signed_out_view, verifying,
    LazyFeature, Setup, SignedInView, StatusAnnouncer,
};
use crate::auth::oidc;
use crate::browser::focus;
use crate::browser::handoff::{Door, Handoff, OpenPopup};
use crate::browser::storage::{self, keys, Area};
use crate::browser::{csp, location};
use crate::config_source::ConfigSource;
use crate::error::AppError;
use crate::host::Feature;
use oauth::csp::blocked_connect_origins;
use oauth::discovery::MetadataDocument;
use oauth::ClientConfig;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// The app module's entry (`src/bin/app_*.rs` export it as `take_over`): the front door calls
/// it with what it holds, once this module is loaded. Yew then replaces the page's body, the
/// front door's buttons included, with the same frame and card.
pub fn take_over(handoff: &JsValue) {
    // What the steps before this page load and the front door's request put on the record.
    crate::timeline::restore();
    let handoff = Handoff::from_js(handoff);
    let arrival = Rc::new(Arrival {
        answer: handoff.answer.map(Rc::from),
        popup: RefCell::new(handoff.popup),
        focus: handoff.focus,
        click: handoff.click,
    });
    yew::Renderer::<App>::with_props(AppProps {
        arrival,
        config: handoff.config,
    })
    .render();
}

/// What this page load arrived with: from the front door (`take_over`), or, in an app of your
/// own that has none, from [`super::start_app`].
pub struct Arrival {
    /// The authorization response taken out of the URL before anything else ran.
    pub answer: Option<Rc<str>>,
    /// A sign-in popup the front door opened; the auth context takes it (once).
    pub popup: RefCell<Option<OpenPopup>>,
    /// The front door's button that had the keyboard focus.
    pub focus: Option<Door>,
    /// A click the front door could not carry out: the auth context does it.
    pub click: Option<Door>,
}

/// What [`App`] renders from: the arrival and config.json, both as the front door had them.
#[derive(Properties)]
pub struct AppProps {
    /// What the page load arrived with.
    pub arrival: Rc<Arrival>,
    /// config.json as the front door fetched it (index.html preloads it).
    pub config: ConfigSource,
}

impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.arrival, &other.arrival) && self.config == other.config
    }
}

/// The app module's root, in the page's frame: the setup screen while config.json (or a pasted
/// client id) gives no usable configuration, else the signed-in or signed-out app inside an
/// [`AuthProvider`] (after discovery, for a config that names only an issuer), unless the
/// page's CSP would block an origin the config needs.
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

    // The focus goes where it was on the front door's card (Yew replaced that button).
    let focus_door = props.arrival.focus;
    use_effect_with((), move |_| match focus_door {
        Some(Door::SignIn) => focus::focus_first(&["main .card.signed-out .button.primary"]),
        Some(Door::AnotherAccount) => {
            focus::focus_first(&["main .card.signed-out .button.secondary"])
        }
        None => {}
    });

    let body = match &*parsed {
        Err(errors) => {
            let other_issuer = match &props.config {
                ConfigSource::Found(text) => oauth::config::other_issuer(text),
                _ => None,
            };
            html! { <Setup errors={errors.clone()} {on_client_id} {other_issuer} /> }
        }
        Ok(config) => app_for(config, &props.arrival),
    };
    layout(body)
}

/// The app for a usable `config`: its provider's discovery document first if it names only an
/// issuer. Unless the page's Content-Security-Policy blocks an origin `config` fetches from:
/// that is said before anyone is sent to the provider, whose answer could not be checked.
fn app_for(config: &Rc<ClientConfig>, arrival: &Rc<Arrival>) -> Html {
    let blocked = blocked_connect_origins(&csp::meta_policies(), config, &location::origin());
    if !blocked.is_empty() {
        return policy_mismatch_view(&blocked);
    }
    if config.needs_discovery {
        if !crate::OTHER_PROVIDERS {
            return notice_view(
                &Notice::Error(AppError::NotInThisModule),
                &config.provider_name(),
                html! {},
            );
        }
        return html! { <Discovering config={config.clone()} arrival={arrival.clone()} /> };
    }
    html! {
        <AuthProvider config={config.clone()} arrival={arrival.clone()}>
            <Home />
        </AuthProvider>
    }
}

#[derive(Properties)]
struct DiscoveringProps {
    config: Rc<ClientConfig>,
    arrival: Rc<Arrival>,
}

impl PartialEq for DiscoveringProps {
    fn eq(&self, other: &Self) -> bool {
        self.config == other.config && Rc::ptr_eq(&self.arrival, &other.arrival)
    }
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
        Some(Ok(config)) => app_for(config, &props.arrival),
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
            { server_line(&auth.config) }
            if let Some(signed_in) = signed_in {
                <LazyFeature feature={Feature::Inspector} {signed_in} />
            }
            <StatusAnnouncer />
        </>
    }
}
