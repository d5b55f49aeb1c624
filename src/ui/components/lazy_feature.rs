use super::notice_view;
use crate::auth::SignedIn;
use crate::browser::features_module::{self, MountedFeature};
use crate::browser::BrowserError;
use crate::error::AppError;
use crate::host::{host_object, Feature, FeatureSession, HostServices};
use crate::ui::auth_context::{use_auth, AuthContext, AuthStatus, Notice};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LazyFeatureProps {
    pub feature: Feature,
    /// The session the view works with (none for the inspector while signed out).
    #[prop_or_default]
    pub signed_in: Option<Rc<SignedIn>>,
    /// Load the module now (a view the person opened), rather than when the page is idle.
    #[prop_or_default]
    pub now: bool,
}

#[derive(Clone, PartialEq)]
enum Load {
    Waiting,
    Mounted,
    Failed(AppError),
}

/// A view of the features module, mounted into an element of this page that Yew leaves alone
/// (`Html::VRef`): the other module's Yew renders inside it. While the module loads, a line
/// says so; if it cannot be loaded, the reason in words and a way to try again.
#[component]
pub fn LazyFeature(props: &LazyFeatureProps) -> Html {
    let auth = use_auth();
    let holder = use_memo((), |_| {
        let element = document().create_element("div").ok();
        if let Some(element) = &element {
            element.set_class_name("feature-host");
        }
        element
    });
    let services = use_memo((), {
        let auth = auth.clone();
        move |_| Rc::new(AuthServices(RefCell::new(auth)))
    });
    // The host object reads the newest context: a reducer handle is a snapshot.
    *services.0.borrow_mut() = auth.clone();
    let session = feature_session(&auth, props.signed_in.as_deref()).to_json();
    // What a mount that ends later starts with: the session of the newest render, not the one
    // of the render that began the load (a renewal may land while the module downloads).
    let newest = use_mut_ref(String::new);
    newest.borrow_mut().clone_from(&session);
    let load = use_state(|| Load::Waiting);
    let attempt = use_state(|| 0u32);
    let mounted = use_mut_ref(|| None::<MountedFeature>);

    {
        let (load, mounted, holder, services) = (
            load.clone(),
            mounted.clone(),
            holder.clone(),
            services.clone(),
        );
        let (feature, now, newest) = (props.feature, props.now, newest.clone());
        let again = attempt.clone();
        use_effect_with(*attempt, move |_| {
            let target = mounted.clone();
            // Cleared when this view goes away, so a load that ends later mounts nothing.
            let alive = Rc::new(std::cell::Cell::new(true));
            let still = alive.clone();
            spawn_local(async move {
                let module = if now {
                    features_module::load().await
                } else {
                    features_module::load_when_idle(IDLE_TIMEOUT_MS).await
                };
                let outcome = module.and_then(|module| {
                    let Some(element) = holder.as_ref() else {
                        return Err(BrowserError::NoWindow);
                    };
                    let host = host_object((*services).clone());
                    let session = newest.borrow().clone();
                    module.mount(feature.name(), element, &host, &session)
                });
                match outcome {
                    Ok(_) if !still.get() => {}
                    Ok(view) => {
                        *target.borrow_mut() = Some(view);
                        load.set(Load::Mounted);
                    }
                    Err(error) => {
                        let reason = match error {
                            BrowserError::Unavailable { reason, .. } => reason,
                            other => other.to_string(),
                        };
                        load.set(Load::Failed(AppError::FeatureUnavailable {
                            what: feature.label(),
                            reason,
                        }));
                        // Another view's "Try again" that works brings this one back too.
                        features_module::loaded().await;
                        if still.get() {
                            again.set(*again + 1);
                        }
                    }
                }
            });
            move || {
                alive.set(false);
                drop(mounted.borrow_mut().take());
            }
        });
    }
    {
        let mounted = mounted.clone();
        use_effect_with(session, move |session| {
            if let Some(view) = mounted.borrow().as_ref() {
                view.update(session);
            }
        });
    }

    let status = match &*load {
        Load::Mounted => html! {},
        Load::Waiting if !props.now || features_module::is_loaded() => html! {},
        Load::Waiting => html! {
            <p class="loading" aria-live="polite">{ format!("Loading {}…", in_sentence(props.feature.label())) }</p>
        },
        Load::Failed(error) => {
            let retry = {
                let (attempt, load) = (attempt.clone(), load.clone());
                Callback::from(move |_| {
                    load.set(Load::Waiting);
                    attempt.set(*attempt + 1);
                })
            };
            let again = html! { <button class="button" onclick={retry}>{ "Try again" }</button> };
            if props.now {
                notice_view(&Notice::Error(error.clone()), &Default::default(), again)
            } else {
                // Fetched at idle, not asked for: a quiet line, not a second alert.
                html! {
                    <div class="notice feature-unavailable" role="status">
                        <p>{ format!("{} could not be loaded: the browser could not get that part of the page.", props.feature.label()) }</p>
                        { again }
                    </div>
                }
            }
        }
    };
    let frame = holder
        .as_ref()
        .as_ref()
        .map(|element| Html::VRef(element.clone().into()));
    html! { <>{ status }{ for frame }</> }
}

/// "The calendar" in the middle of a sentence.
fn in_sentence(label: &str) -> String {
    match label.strip_prefix("The ") {
        Some(rest) => format!("the {rest}"),
        None => label.to_owned(),
    }
}

/// How long an idle load may wait for the page to be idle.
const IDLE_TIMEOUT_MS: u32 = 2_000;

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a page has a document")
}

/// What the features see of the session: never the token.
fn feature_session(auth: &AuthContext, signed_in: Option<&SignedIn>) -> FeatureSession {
    FeatureSession {
        granted_scopes: signed_in
            .map(|s| s.session.granted_scopes.iter().map(str::to_owned).collect())
            .unwrap_or_default(),
        declined: signed_in.map(|s| s.declined.clone()).unwrap_or_default(),
        api_base: auth.config.endpoints.api_base.clone(),
        userinfo_endpoint: auth.config.endpoints.userinfo.clone(),
        tokeninfo_endpoint: auth.config.endpoints.tokeninfo.clone(),
        google_apis: auth.config.quirks.google_apis,
    }
}

/// The host's services over the auth context.
struct AuthServices(RefCell<AuthContext>);

impl HostServices for AuthServices {
    fn access_token(&self) -> Option<String> {
        match &self.0.borrow().state.status {
            AuthStatus::SignedIn(signed_in) => Some(signed_in.session.access_token.clone()),
            _ => None,
        }
    }

    // The context is cloned out first: acting on it re-renders the component that holds it.
    fn token_refused(&self) {
        let auth = self.0.borrow().clone();
        auth.expire();
    }

    fn token_origins(&self) -> Vec<String> {
        self.0.borrow().config.connect_origins()
    }

    fn request_scopes(&self, scopes: Vec<String>, return_to: String) {
        let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
        let auth = self.0.borrow().clone();
        auth.request_scopes(&scopes, Some(return_to));
    }
}
