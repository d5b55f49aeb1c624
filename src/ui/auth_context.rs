//! The auth context: a provider component wrapping a reducer (the shape of yew's
//! `examples/contexts`), and the `use_auth` hook components read it through.

use crate::auth::flow::{self, Revoked, SignedOut};
use crate::auth::popup::PopupAttempt;
use crate::auth::start::{self, Ask, Leaving};
use crate::auth::{end_session, oidc, popup, refresh, session_store, SignedIn};
use crate::browser::channel::Channel;
use crate::browser::handoff::Door;
use crate::error::AppError;
use crate::timeline::Inspector;
use crate::ui::app::Arrival;
use oauth::authorization::requested_scopes;
use oauth::renewal::{needs_interaction, ChannelMessage};
use oauth::{AuthError, ClientConfig, Display, Flow};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

pub use super::auth_state::{AuthAction, AuthState, AuthStatus, Notice};

impl Reducible for AuthState {
    type Action = AuthAction;

    fn reduce(self: Rc<Self>, action: AuthAction) -> Rc<Self> {
        self.apply(action)
    }
}

/// What components get from `use_auth`: the state and the actions that change it.
#[derive(Clone)]
pub struct AuthContext {
    /// Where the sign-in stands, and the notice shown with it.
    pub state: UseReducerHandle<AuthState>,
    /// The configuration the page runs with.
    pub config: Rc<ClientConfig>,
    channel: Rc<Option<Channel>>,
}

impl PartialEq for AuthContext {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
            && Rc::ptr_eq(&self.config, &other.config)
            && Rc::ptr_eq(&self.channel, &other.channel)
    }
}

impl AuthContext {
    /// Signs in the configured way (redirect or popup).
    pub fn sign_in(&self) {
        self.go(Trip::sign_in(
            &self.config,
            self.config.display,
            Ask::Normally,
        ));
    }

    /// The fallback when the browser blocks popups.
    pub fn sign_in_in_this_tab(&self) {
        self.go(Trip::sign_in(
            &self.config,
            Display::Redirect,
            Ask::Normally,
        ));
    }

    /// "Use another account": the provider's account chooser (`prompt=select_account`, no
    /// hint), the configured way. Signed in, the session in use stays until another account's
    /// sign-in replaces it (and revokes it); a cancelled choice keeps it.
    pub fn use_another_account(&self) {
        self.go(Trip::sign_in(
            &self.config,
            self.config.display,
            Ask::ForAnotherAccount,
        ));
    }

    /// Renews the session in a popup with `prompt=none` (falling back to an interactive popup,
    /// then to a full redirect that comes back to `return_to`). Call it from a click handler.
    pub fn renew(&self, return_to: Option<String>) {
        let AuthStatus::SignedIn(current) = &self.state.status else {
            return;
        };
        self.go(Trip {
            display: Display::Popup,
            ask: Ask::Silently,
            scopes: self.config.scopes.clone(),
            login_hint: current.session.login_hint().map(str::to_owned),
            return_to,
            success: Some(Notice::Info(
                "Session renewed: the provider issued a new token.",
            )),
        });
    }

    /// Renews the session with the refresh token, when this tab holds one: no popup, so no
    /// click is needed (`SignedInView` calls it when renewal is due).
    pub fn refresh(&self) {
        let AuthStatus::SignedIn(current) = &self.state.status else {
            return;
        };
        if !crate::OTHER_PROVIDERS || current.refresh.is_none() || self.state.renewing {
            return;
        }
        let (current, config, state) = (current.clone(), self.config.clone(), self.state.clone());
        state.dispatch(AuthAction::Renewing);
        spawn_local(async move {
            state.dispatch(match refresh::refresh(&config, &current).await {
                Ok(fresh) => AuthAction::Refreshed(fresh.into()),
                Err(error) => AuthAction::RefreshFailed(error),
            });
        });
    }

    /// Incremental authorization: asks Google for `scopes` on top of what this person granted
    /// (`include_granted_scopes=true`, their account as `login_hint`), the configured way. In a
    /// popup the page and the current session stay; with a redirect (or popups blocked) the tab
    /// comes back to the view `return_to`. A failure to even ask keeps the session and says why.
    pub fn request_scopes(&self, extra: &[&str], return_to: Option<String>) {
        let AuthStatus::SignedIn(current) = &self.state.status else {
            return;
        };
        self.go(Trip {
            display: self.config.display,
            ask: Ask::Normally,
            scopes: requested_scopes(&self.config.scopes, extra),
            login_hint: current.session.login_hint().map(str::to_owned),
            return_to,
            success: None,
        });
    }

    /// Takes `trip` from a click: in a popup when it asks for one, else (or when the browser
    /// blocks the popup of a person already signed in) by leaving this tab. Must run
    /// synchronously inside the click: browsers allow a popup only in answer to one.
    fn go(&self, trip: Trip) {
        let signed_in = matches!(self.state.status, AuthStatus::SignedIn(_));
        let attempt = match trip.display {
            Display::Redirect => None,
            Display::Popup => match popup::open(
                &self.config,
                &trip.scopes,
                trip.ask,
                trip.login_hint.as_deref(),
                &Inspector,
            ) {
                Ok(attempt) => Some(attempt),
                // Signed out, the card offers "Continue in this tab"; signed in, go there.
                Err(AppError::PopupBlocked) if signed_in => None,
                Err(error) => return self.state.dispatch(failure(signed_in, error)),
            },
        };
        match attempt {
            Some(attempt) => {
                self.state.dispatch(match signed_in {
                    true => AuthAction::Renewing,
                    false => AuthAction::WaitingForPopup,
                });
                await_popup(
                    self.state.clone(),
                    self.config.clone(),
                    attempt,
                    trip,
                    signed_in,
                );
            }
            None => redirect(&self.state, &self.config, &trip, signed_in),
        }
    }

    /// Signs out: forgets the session here, tells the other tabs, revokes the tokens and, where
    /// the provider offers it, ends its session too ([`crate::auth::flow::sign_out`]). Does
    /// nothing unless signed in.
    pub fn sign_out(&self) {
        let AuthStatus::SignedIn(signed_in) = &self.state.status else {
            return;
        };
        let (signed_in, config, state, channel) = (
            signed_in.clone(),
            self.config.clone(),
            self.state.clone(),
            self.channel.clone(),
        );
        state.dispatch(AuthAction::SigningOut);
        spawn_local(async move {
            let announce = || {
                if let Some(channel) = channel.as_ref() {
                    channel.post(&ChannelMessage::SignedOut.to_json());
                }
            };
            let notice = match flow::sign_out(&config, &signed_in, announce).await {
                Ok(SignedOut::Here(revoked)) => {
                    Notice::Info(signed_out_words(config.quirks.google, revoked))
                }
                // The tab is leaving for the provider's logout page; its return says the rest.
                Ok(SignedOut::AtProvider) => return,
                Err(error) => Notice::Error(error),
            };
            state.dispatch(AuthAction::SignedOut(Some(notice)));
        });
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

/// One trip to the provider from a click: a sign-in, a renewal or incremental authorization.
/// They differ only in these fields; what happens around the popup, its answer and the
/// fallback to this tab is [`AuthContext::go`]'s and [`await_popup`]'s, once.
#[derive(Clone)]
struct Trip {
    /// In a popup, or by leaving this tab.
    display: Display,
    ask: Ask,
    scopes: Vec<String>,
    login_hint: Option<String>,
    /// The view a redirect comes back to.
    return_to: Option<String>,
    /// What a popup's success says.
    success: Option<Notice>,
}

impl Trip {
    /// A sign-in from the signed-out card (or "Use another account"): the configured scopes,
    /// and the account a session expired for, when this tab remembers one.
    fn sign_in(config: &ClientConfig, display: Display, ask: Ask) -> Trip {
        Trip {
            display,
            ask,
            scopes: config.scopes.clone(),
            login_hint: session_store::login_hint(),
            return_to: None,
            success: None,
        }
    }
}

/// What a failure does: signed in, it keeps the session and says why; signed out, it is the
/// outcome.
fn failure(signed_in: bool, error: AppError) -> AuthAction {
    match signed_in {
        true => AuthAction::Notice(Notice::Error(error)),
        false => AuthAction::Failed(error),
    }
}

/// Takes `trip` by leaving this tab: at once, or (another provider's pushed request,
/// RFC 9126) once the provider has answered the push; a start or a push that fails is said as
/// [`failure`] says it.
fn redirect(
    state: &UseReducerHandle<AuthState>,
    config: &Rc<ClientConfig>,
    trip: &Trip,
    signed_in: bool,
) {
    match leave(config, trip) {
        // The PKCE pair and the DPoP key are made ahead, for a popup, which must open inside the
        // click; a click that comes before they are (at once after the page loads, or on a busy
        // machine) leaves this tab, which can wait: they are made now, then the start is made
        // again, once.
        #[cfg(feature = "other-providers")]
        Err(AppError::NotReady) => {
            let (state, config, trip) = (state.clone(), config.clone(), trip.clone());
            spawn_local(async move {
                let leaving = make_ahead(&config)
                    .await
                    .and_then(|()| leave(&config, &trip));
                went(&state, &config, leaving, signed_in);
            });
        }
        leaving => went(state, config, leaving, signed_in),
    }
}

/// What a code-flow sign-in needs made before its click, since a popup must open inside it:
/// the PKCE pair and, where tokens are bound (only ever with the code flow), the DPoP key. Both
/// are tried; the first failure is the answer.
async fn make_ahead(config: &ClientConfig) -> Result<(), AppError> {
    let pkce = oidc::prepare_pkce().await;
    let key = match config.dpop {
        true => crate::dpop::prepare().await.map_err(AppError::from),
        false => Ok(()),
    };
    pkce.and(key)
}

/// The start of `trip`'s request, by leaving this tab.
fn leave(config: &ClientConfig, trip: &Trip) -> Result<Leaving, AppError> {
    match trip.ask {
        Ask::ForAnotherAccount => start::start_choosing_account(config, &Inspector),
        // A silent renewal that needs the person asks them in this tab.
        Ask::Normally | Ask::Silently => start::start_authorization(
            config,
            &trip.scopes,
            trip.login_hint.as_deref(),
            trip.return_to.clone(),
            &Inspector,
        ),
    }
}

/// After the start: gone, the push under way, or the failure said. (Only a push needs the
/// config, and the app for Google has none.)
#[cfg_attr(not(feature = "other-providers"), allow(unused_variables))]
fn went(
    state: &UseReducerHandle<AuthState>,
    config: &Rc<ClientConfig>,
    leaving: Result<Leaving, AppError>,
    signed_in: bool,
) {
    match leaving {
        Ok(Leaving::Now) => {}
        #[cfg(feature = "other-providers")]
        Ok(Leaving::AfterPush(push)) => {
            let (state, config) = (state.clone(), config.clone());
            spawn_local(async move {
                if let Err(error) = crate::auth::par::leave(&config, push).await {
                    state.dispatch(failure(signed_in, error));
                }
            });
        }
        Err(error) => state.dispatch(failure(signed_in, error)),
    }
}

/// What a sign-out says. At Google revoking a token ends the whole grant (every token of it,
/// and the consent), so the person is told the next sign-in asks again; a token Google no
/// longer took (expired) left nothing to revoke, which is said plainly, not as a failure.
fn signed_out_words(google: bool, revoked: Revoked) -> &'static str {
    match (google, revoked) {
        (true, Revoked::Yes) => "Signed out. Google revoked the token and, with it, ended this app's access to your account: the next sign-in will ask for your consent again.",
        (true, Revoked::AlreadyUnusable) => "Signed out. The token had already expired at Google, so there was nothing left to revoke; this app's access stays in your Google Account until you remove it there (myaccount.google.com, Security, third-party connections).",
        (false, Revoked::Yes) => "Signed out. The tokens were revoked at the provider and removed from this tab.",
        (false, Revoked::AlreadyUnusable) => "Signed out. The provider no longer took the token (it had already expired or been revoked), so there was nothing left to revoke.",
        (_, Revoked::NotOffered) => "Signed out of this tab. The provider offers no revocation, so its token stays valid until it expires.",
    }
}

/// Waits for a sign-in popup's answer (one [`AuthContext::go`] opened, or the front door's)
/// and says how it ended. A silent renewal the provider will not grant without the person, in
/// a popup this tab lost hold of (COOP), goes on in this tab.
fn await_popup(
    state: UseReducerHandle<AuthState>,
    config: Rc<ClientConfig>,
    attempt: PopupAttempt,
    trip: Trip,
    signed_in: bool,
) {
    spawn_local(async move {
        match attempt.finish(&config, trip.login_hint.as_deref()).await {
            Ok(fresh) => state.dispatch(AuthAction::SignedIn {
                signed_in: fresh.into(),
                notice: trip.success,
                return_to: None,
            }),
            Err(AppError::Auth(error))
                if trip.ask == Ask::Silently && needs_interaction(&error) =>
            {
                redirect(&state, &config, &trip, signed_in)
            }
            Err(error) => state.dispatch(failure(signed_in, error)),
        }
    });
}

/// The auth context of the nearest [`AuthProvider`]; panics outside one.
#[hook]
pub fn use_auth() -> AuthContext {
    use_context::<AuthContext>().expect("use_auth must be called inside <AuthProvider>")
}

/// What [`AuthProvider`] needs: the configuration and what the page arrived with.
#[derive(Properties)]
pub struct AuthProviderProps {
    /// The configuration to sign in with.
    pub config: Rc<ClientConfig>,
    /// What the page arrived with: the authorization response taken from the URL before
    /// anything rendered, a popup the front door opened.
    pub arrival: Rc<Arrival>,
    /// The components that call [`use_auth`].
    pub children: Children,
}

impl PartialEq for AuthProviderProps {
    fn eq(&self, other: &Self) -> bool {
        self.config == other.config
            && Rc::ptr_eq(&self.arrival, &other.arrival)
            && self.children == other.children
    }
}

/// Holds the sign-in for everything inside it: checks the answer the page arrived with (or a
/// stored session), waits for a popup the front door opened, hears other tabs' sign-outs on the
/// channel, and gives its children an [`AuthContext`] through [`use_auth`].
#[component]
pub fn AuthProvider(props: &AuthProviderProps) -> Html {
    // With no response to check and no stored session there is nothing to wait for: start
    // signed out, and the sign-in button is usable from the first render.
    let nothing_to_check = *use_memo((), |_| {
        props.arrival.answer.is_none()
            && !session_store::is_stored(&props.config)
            && !(crate::OTHER_PROVIDERS && end_session::is_pending())
    });
    let popup_open = *use_memo((), |_| props.arrival.popup.borrow().is_some());
    let state = use_reducer(|| AuthState::first(popup_open, nothing_to_check));
    // The popup the front door opened inside the click: waited for from this first render,
    // before the channel below listens, so its answer is taken by this attempt, not as a late one.
    {
        let (state, config, arrival) = (state.clone(), props.config.clone(), props.arrival.clone());
        use_memo((), move |_| {
            if let Some(open) = arrival.popup.borrow_mut().take() {
                let trip = Trip::sign_in(&config, Display::Popup, Ask::Normally);
                await_popup(state, config, PopupAttempt::adopt(open), trip, false);
            }
        });
    }
    // The session this tab holds, for the channel handler (a reducer handle is a snapshot).
    let current = use_mut_ref(|| None::<Rc<SignedIn>>);
    {
        let current = current.clone();
        use_effect_with(state.status.clone(), move |status| {
            *current.borrow_mut() = match status {
                AuthStatus::SignedIn(signed_in) => Some(signed_in.clone()),
                _ => None,
            };
        });
    }
    let channel = {
        let (dispatcher, current, config) =
            (state.dispatcher(), current.clone(), props.config.clone());
        use_memo((), move |_| {
            Channel::open(move |text| {
                if let Some(fragment) = popup::late_answer(&text) {
                    let (config, dispatcher) = (config.clone(), dispatcher.clone());
                    spawn_local(async move {
                        dispatcher.dispatch(
                            match flow::complete_sign_in(&config, &fragment).await {
                                Ok(signed_in) => AuthAction::SignedIn {
                                    signed_in: signed_in.into(),
                                    notice: None,
                                    return_to: None,
                                },
                                Err(error) => AuthAction::Failed(error),
                            },
                        );
                    });
                } else {
                    on_signed_out_elsewhere(&text, &current, &config, &dispatcher);
                }
            })
            .ok()
        })
    };
    // The first sign-in's PKCE pair (and DPoP key), made while the person reads the page.
    {
        let config = props.config.clone();
        use_effect_with((props.config.flow, props.config.dpop), move |(flow, _)| {
            if crate::OTHER_PROVIDERS && *flow == Flow::Code {
                spawn_local(async move {
                    let _ = make_ahead(&config).await;
                })
            }
        });
    }
    {
        let (state, config, callback) = (
            state.clone(),
            props.config.clone(),
            props.arrival.answer.clone(),
        );
        // Once, on start: finish a sign-in that just came back, or resume a stored session.
        use_effect_with((), move |_| {
            if nothing_to_check {
                return;
            }
            state.dispatch(AuthAction::Verifying);
            spawn_local(async move { state.dispatch(start_action(&config, callback).await) });
        });
    }
    let context = AuthContext {
        state,
        config: props.config.clone(),
        channel,
    };
    // A click the front door took but could not carry out: done again here, so that what went
    // wrong is said in this module's words (a popup may still open: the click is recent).
    {
        let (context, click) = (context.clone(), props.arrival.click);
        use_effect_with((), move |_| match click {
            Some(Door::SignIn) => context.sign_in(),
            Some(Door::AnotherAccount) => context.use_another_account(),
            None => {}
        });
    }
    html! {
        <ContextProvider<AuthContext> context={context}>
            { props.children.clone() }
        </ContextProvider<AuthContext>>
    }
}

/// What the page shows first: the outcome of a redirect's answer, or a resumed session.
async fn start_action(config: &ClientConfig, callback: Option<Rc<str>>) -> AuthAction {
    let signed_in = |signed_in: SignedIn, notice, return_to| AuthAction::SignedIn {
        signed_in: signed_in.into(),
        notice,
        return_to,
    };
    // Back from the provider's logout page: the state this tab sent must come back with it.
    let logout = match crate::OTHER_PROVIDERS {
        true => end_session::finish(callback.as_deref()),
        false => None,
    };
    if let Some(outcome) = logout {
        return AuthAction::SignedOut(Some(match outcome {
            Ok(true) => Notice::Info(
                "Signed out here and at the provider: the tokens were revoked, and the provider ended your session there too.",
            ),
            Ok(false) => Notice::Info(
                "Signed out here and at the provider, which ended your session there. The tokens were not revoked (the provider offers no revocation endpoint, or revoking failed): they stop working when they expire.",
            ),
            Err(error) => Notice::Error(error.into()),
        }));
    }
    match callback {
        Some(fragment) => {
            let return_to = start::pending_return_to();
            match flow::complete_sign_in(config, &fragment).await {
                Ok(fresh) => signed_in(fresh, None, return_to),
                // A rejected response (a replay from the back button, a forgery) must not end a
                // session this tab already has: refuse it and keep the session.
                Err(rejected) => match flow::resume(config).await {
                    Ok(Some(kept)) => signed_in(kept, Some(Notice::Error(rejected)), None),
                    _ => AuthAction::Failed(rejected),
                },
            }
        }
        None => match flow::resume(config).await {
            Ok(Some(resumed)) => signed_in(resumed, None, None),
            Ok(None) => AuthAction::SignedOut(None),
            Err(error) => AuthAction::Failed(error),
        },
    }
}

/// Another tab signed out: stop using this tab's token at once, then revoke it too (it may be
/// a different token for the same grant).
fn on_signed_out_elsewhere(
    text: &str,
    current: &Rc<RefCell<Option<Rc<SignedIn>>>>,
    config: &Rc<ClientConfig>,
    dispatcher: &UseReducerDispatcher<AuthState>,
) {
    if ChannelMessage::from_json(text) != Some(ChannelMessage::SignedOut) {
        return;
    }
    let Some(signed_in) = current.borrow_mut().take() else {
        return;
    };
    session_store::clear(session_store::Keep::Nothing);
    dispatcher.dispatch(AuthAction::SignedOutElsewhere);
    let config = config.clone();
    spawn_local(async move {
        // Already revoked by the other tab is the usual answer; there is nobody to tell.
        let _ = flow::revoke(&config, &signed_in).await;
    });
}
