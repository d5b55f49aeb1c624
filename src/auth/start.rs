//! Step 1, starting a sign-in: a fresh pending request kept in this tab, then the way to the
//! provider (this tab leaves, or a popup opens: `super::popup`). The front door (before the app
//! has loaded) and the app (after) both start every sign-in here: one implementation.

use super::popup::{self, PopupAttempt};
use super::{oidc, session_store};
use crate::browser::modules;
use crate::browser::storage::{self, keys, Area};
use crate::browser::{clock::now_ms, location, random::random_bytes};
use crate::dpop;
use crate::error::AppError;
use crate::timeline::RequestLog;
use crate::OTHER_PROVIDERS;
use oauth::authorization::{AuthorizationRequest, PendingAuthorization, STATE_BYTES};
#[cfg(feature = "other-providers")]
use oauth::par::PushedRequest;
use oauth::url::with_query;
use oauth::{ClientConfig, Display, Flow};

/// How a request asks the provider: as usual, silently (`prompt=none`, renewal), or with the
/// account chooser ("Use another account", `prompt=select_account` and no `login_hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// The request as configured.
    Normally,
    /// `prompt=none`: the provider answers without showing anything, or with an error.
    Silently,
    /// `prompt=select_account`, without a `login_hint`.
    ForAnotherAccount,
}

impl Ask {
    /// The pending request changed to ask this way.
    pub fn apply(self, pending: PendingAuthorization) -> PendingAuthorization {
        match self {
            Ask::Normally => pending,
            Ask::Silently => pending.silent(),
            Ask::ForAnotherAccount => pending.choosing_account(),
        }
    }
}

/// A fresh pending authorization for this page asking for `scopes`, with 256 random bits of
/// state, and for OpenID Connect a nonce as strong, and the PKCE verifier for the code flow.
/// Sign-in asks for the configured scopes only; a feature asks for its own on top when it first
/// needs them (incremental authorization, least privilege: RFC 9700 §2.3).
pub fn new_pending(
    config: &ClientConfig,
    scopes: &[String],
) -> Result<PendingAuthorization, AppError> {
    let mut pending = PendingAuthorization::new(
        random_bytes::<STATE_BYTES>()?,
        &location::redirect_uri(),
        scopes,
        now_ms(),
    );
    if config.flow.has_id_token() {
        pending = pending
            .openid(
                config.flow,
                &config.endpoints.issuer,
                random_bytes::<STATE_BYTES>()?,
            )
            .requiring_iss(config.iss_parameter);
    }
    Ok(pending)
}

/// How an authorization request leaves this tab.
#[derive(Debug)]
pub enum Outgoing {
    /// To the authorization endpoint, every parameter in the URL's query.
    Redirect(String),
    /// Pushed to the provider first (RFC 9126: another provider's, never Google's): the
    /// browser goes on once the provider has answered ([`super::par::destination`]).
    #[cfg(feature = "other-providers")]
    Push(PushedRequest),
}

#[cfg(feature = "other-providers")]
impl Outgoing {
    /// The push still to make, if this request is pushed.
    pub fn into_push(self) -> Option<PushedRequest> {
        match self {
            Outgoing::Redirect(_) => None,
            Outgoing::Push(push) => Some(push),
        }
    }
}

/// Step 1: keeps `pending` in this tab (replacing any older one: only the newest request's
/// answer is accepted) and returns how the request leaves: the authorization URL to visit, or,
/// where another provider offers it, the push to make first (RFC 9126). Against Google every
/// request carries `include_granted_scopes=true`, so a new token keeps what was granted before.
pub fn prepare_request(
    config: &ClientConfig,
    pending: PendingAuthorization,
    login_hint: Option<&str>,
    log: &impl RequestLog,
) -> Result<(Outgoing, PendingAuthorization), AppError> {
    let needs_other_providers =
        config.flow == Flow::Code || config.dpop || config.par_endpoint().is_some();
    if needs_other_providers && !OTHER_PROVIDERS {
        return Err(AppError::NotInThisModule);
    }
    let (pending, challenge) = if OTHER_PROVIDERS && config.flow == Flow::Code {
        let (verifier, challenge) = oidc::take_pkce()?;
        (pending.with_code_verifier(verifier), Some(challenge))
    } else {
        (pending, None)
    };
    // The code is bound to the page's key before it exists (RFC 9449 §10); the key is made
    // ahead, like the PKCE pair, since a popup must open inside the click.
    let dpop_jkt = match OTHER_PROVIDERS && config.dpop {
        true => Some(dpop::jkt().ok_or(AppError::NotReady)?),
        false => None,
    };
    storage::set(Area::Session, keys::PENDING, &pending.to_json())?;
    modules::note_app_for(config);
    let request = AuthorizationRequest {
        endpoint: &config.endpoints.authorization,
        client_id: &config.client_id,
        pending: &pending,
        login_hint: pending.login_hint(login_hint),
        prompt: pending.prompt(),
        include_granted_scopes: config.quirks.include_granted_scopes,
        response_type: &config.response_type,
        code_challenge: challenge.as_deref(),
        dpop_jkt: dpop_jkt.as_deref(),
    };
    // Only the app pushes (the front door opens for Google-shaped configs alone), so the push
    // is put on the app's timeline, not through `log`.
    #[cfg(feature = "other-providers")]
    if let Some(endpoint) = config.par_endpoint() {
        let push = super::par::pushed(config, &request, endpoint);
        return Ok((Outgoing::Push(push), pending));
    }
    let query = request.query();
    log.sent(&config.endpoints.authorization, &query);
    let url = with_query(&config.endpoints.authorization, &query);
    Ok((Outgoing::Redirect(url), pending))
}

/// How this tab leaves for the provider.
#[must_use = "a pushed request leaves only once it is made"]
#[derive(Debug)]
pub enum Leaving {
    /// It is on its way: the authorization URL was navigated to.
    Now,
    /// Another provider's request, pushed first (RFC 9126): the tab leaves with
    /// [`super::par::leave`] once the provider has answered.
    #[cfg(feature = "other-providers")]
    AfterPush(PushedRequest),
}

/// Signs in by leaving the page (after pushing the request, where another provider offers
/// that); the answer comes back to this page's URL. `return_to` names the view to show again
/// afterwards.
pub fn start_sign_in(
    config: &ClientConfig,
    login_hint: Option<&str>,
    return_to: Option<String>,
    log: &impl RequestLog,
) -> Result<Leaving, AppError> {
    let hint = login_hint
        .map(str::to_owned)
        .or_else(session_store::login_hint);
    start_authorization(config, &config.scopes, hint.as_deref(), return_to, log)
}

/// "Use another account" by leaving the page: the provider's account chooser, no hint. A
/// session in use stays until another account's sign-in replaces it (`flow::retire`).
pub fn start_choosing_account(
    config: &ClientConfig,
    log: &impl RequestLog,
) -> Result<Leaving, AppError> {
    let pending = Ask::ForAnotherAccount.apply(new_pending(config, &config.scopes)?);
    leave_for(config, pending, None, log)
}

/// Asks for `scopes` by leaving the page: a sign-in, or incremental authorization (the
/// configured scopes plus what a view needs, for the signed-in account's `login_hint`). The
/// answer comes back through [`super::flow::complete_sign_in`] like any other, to the view `return_to`.
pub fn start_authorization(
    config: &ClientConfig,
    scopes: &[String],
    login_hint: Option<&str>,
    return_to: Option<String>,
    log: &impl RequestLog,
) -> Result<Leaving, AppError> {
    let pending = new_pending(config, scopes)?.returning_to(return_to);
    leave_for(config, pending, login_hint, log)
}

fn leave_for(
    config: &ClientConfig,
    pending: PendingAuthorization,
    login_hint: Option<&str>,
    log: &impl RequestLog,
) -> Result<Leaving, AppError> {
    match prepare_request(config, pending, login_hint, log)?.0 {
        Outgoing::Redirect(url) => {
            log.leaving();
            location::navigate(&url)?;
            Ok(Leaving::Now)
        }
        #[cfg(feature = "other-providers")]
        Outgoing::Push(push) => Ok(Leaving::AfterPush(push)),
    }
}

/// This tab's pending request, read without spending it.
fn peek_pending() -> Option<PendingAuthorization> {
    PendingAuthorization::from_json(&storage::get(Area::Session, keys::PENDING)?).ok()
}

/// The view a full-page sign-in asked to come back to, read before the pending state is spent.
pub fn pending_return_to() -> Option<String> {
    peek_pending()?.return_to
}

/// The state of this tab's pending request, if any.
pub fn pending_state() -> Option<String> {
    peek_pending().map(|p| p.state)
}

/// What the signed-out card's button says: the account a session expired for, when this tab
/// remembers one (its `login_hint` goes with the request), else the provider.
pub fn sign_in_label(config: &ClientConfig, hint: Option<&str>) -> String {
    match (hint, config.quirks.google) {
        (Some(who), _) => {
            let mut label = String::from("Sign in again as ");
            label.push_str(who);
            label
        }
        (None, true) => "Sign in with Google".to_owned(),
        (None, false) => "Sign in".to_owned(),
    }
}

/// Where a sign-in the person asked for went.
pub enum Started {
    /// This tab is on its way to the provider (at once, or once the push is answered); the
    /// answer comes back to this page's URL.
    Leaving(Leaving),
    /// A popup went there; its answer comes back through it.
    InPopup(PopupAttempt),
}

/// A sign-in from a click on the signed-out card (or the profile's "Use another account"), the
/// configured way: this tab leaves, or a popup opens. Must run synchronously inside the click:
/// browsers allow a popup only in answer to one.
pub fn sign_in(
    config: &ClientConfig,
    display: Display,
    ask: Ask,
    log: &impl RequestLog,
) -> Result<Started, AppError> {
    let hint = session_store::login_hint();
    match display {
        Display::Redirect => match ask {
            Ask::ForAnotherAccount => start_choosing_account(config, log),
            _ => start_sign_in(config, hint.as_deref(), None, log),
        }
        .map(Started::Leaving),
        Display::Popup => {
            popup::open(config, &config.scopes, ask, hint.as_deref(), log).map(Started::InPopup)
        }
    }
}
