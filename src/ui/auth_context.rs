//! The auth context: a provider component wrapping a reducer (the shape of yew's
//! `examples/contexts`), and the `use_auth` hook components read it through.

use crate::auth::{flow, SignedIn};
use crate::error::{ApiStep, AppError};
use crate::google::ApiError;
use oauth::{AuthError, ClientConfig};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// A message shown above the current view.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Error(AppError),
    Info(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub enum AuthStatus {
    /// Reading storage or the redirect's response on start.
    Starting,
    /// Checking a response or a stored session with Google.
    Verifying,
    SignedOut,
    SigningOut,
    SignedIn(Rc<SignedIn>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthState {
    pub status: AuthStatus,
    pub notice: Option<Notice>,
}

pub enum AuthAction {
    Verifying,
    /// Signed in, with a notice when a rejected response arrived while a session was kept.
    SignedIn(Rc<SignedIn>, Option<Notice>),
    SignedOut(Option<Notice>),
    SigningOut,
    /// An error that leaves the person signed out.
    Failed(AppError),
}

impl Reducible for AuthState {
    type Action = AuthAction;

    fn reduce(self: Rc<Self>, action: AuthAction) -> Rc<Self> {
        let (status, notice) = match action {
            AuthAction::Verifying => (AuthStatus::Verifying, None),
            AuthAction::SignedIn(signed_in, notice) => (AuthStatus::SignedIn(signed_in), notice),
            AuthAction::SignedOut(notice) => (AuthStatus::SignedOut, notice),
            AuthAction::SigningOut => (AuthStatus::SigningOut, None),
            AuthAction::Failed(error) => (AuthStatus::SignedOut, Some(Notice::Error(error))),
        };
        Rc::new(AuthState { status, notice })
    }
}

/// What components get from `use_auth`: the state and the actions that change it.
#[derive(Clone, PartialEq)]
pub struct AuthContext {
    pub state: UseReducerHandle<AuthState>,
    pub config: Rc<ClientConfig>,
}

impl AuthContext {
    /// Leaves the page for the authorization endpoint; only a local failure comes back here.
    pub fn sign_in(&self) {
        if let Err(error) = flow::start_sign_in(&self.config) {
            self.state.dispatch(AuthAction::Failed(error));
        }
    }

    /// Incremental authorization: leaves for Google to ask the signed-in person for `scopes`.
    /// A local failure (storage, randomness) keeps the session and says what went wrong.
    pub fn request_scopes(&self, scopes: &[&str]) {
        let AuthStatus::SignedIn(signed_in) = &self.state.status else {
            return;
        };
        if let Err(error) = flow::request_scopes(&self.config, &signed_in.session, scopes) {
            self.state.dispatch(AuthAction::SignedIn(
                signed_in.clone(),
                Some(Notice::Error(error)),
            ));
        }
    }

    pub fn sign_out(&self) {
        let AuthStatus::SignedIn(signed_in) = &self.state.status else {
            return;
        };
        let (signed_in, config, state) =
            (signed_in.clone(), self.config.clone(), self.state.clone());
        state.dispatch(AuthAction::SigningOut);
        spawn_local(async move {
            let notice = match flow::sign_out(&config, &signed_in.session).await {
                Ok(()) => Notice::Info(
                    "Signed out. The access token was revoked at Google and removed from this tab.",
                ),
                Err(error) => Notice::Error(error),
            };
            state.dispatch(AuthAction::SignedOut(Some(notice)));
        });
    }

    /// Maps an API call's failure at `step` to the app's error. A 401 means Google no longer
    /// accepts the token (expired or revoked): the session ends here, with `session_expired`.
    pub fn settle<T>(&self, step: ApiStep, result: Result<T, ApiError>) -> Result<T, AppError> {
        result.map_err(|error| {
            let error = AppError::from_api(step, error);
            if error.code() == AuthError::SessionExpired.code() {
                self.expire();
            }
            error
        })
    }

    /// The session's time ran out while the page was open.
    pub fn expire(&self) {
        if let AuthStatus::SignedIn(signed_in) = &self.state.status {
            flow::expire(&signed_in.session);
            self.state
                .dispatch(AuthAction::Failed(AuthError::SessionExpired.into()));
        }
    }
}

#[hook]
pub fn use_auth() -> AuthContext {
    use_context::<AuthContext>().expect("use_auth must be called inside <AuthProvider>")
}

#[derive(Properties, PartialEq)]
pub struct AuthProviderProps {
    pub config: Rc<ClientConfig>,
    /// The authorization response taken from the URL before the first render, if any.
    pub callback: Option<Rc<str>>,
    pub children: Children,
}

#[component]
pub fn AuthProvider(props: &AuthProviderProps) -> Html {
    let state = use_reducer(|| AuthState {
        status: AuthStatus::Starting,
        notice: None,
    });
    {
        let (state, config, callback) =
            (state.clone(), props.config.clone(), props.callback.clone());
        // Once, on start: finish a sign-in that just came back, or resume a stored session.
        use_effect_with((), move |_| {
            state.dispatch(AuthAction::Verifying);
            spawn_local(async move {
                let action = match callback {
                    Some(fragment) => match flow::complete_sign_in(&config, &fragment).await {
                        Ok(signed_in) => AuthAction::SignedIn(Rc::new(signed_in), None),
                        // A rejected response (a replay from the back button, a forgery) must not
                        // end a session this tab already has: refuse it and keep the session.
                        Err(rejected) => match flow::resume(&config).await {
                            Ok(Some(kept)) => {
                                AuthAction::SignedIn(Rc::new(kept), Some(Notice::Error(rejected)))
                            }
                            _ => AuthAction::Failed(rejected),
                        },
                    },
                    None => match flow::resume(&config).await {
                        Ok(Some(signed_in)) => AuthAction::SignedIn(Rc::new(signed_in), None),
                        Ok(None) => AuthAction::SignedOut(None),
                        Err(error) => AuthAction::Failed(error),
                    },
                };
                state.dispatch(action);
            });
        });
    }
    let context = AuthContext {
        state,
        config: props.config.clone(),
    };
    html! {
        <ContextProvider<AuthContext> context={context}>
            { props.children.clone() }
        </ContextProvider<AuthContext>>
    }
}
