//! Each step of the implicit grant as the page performs it, in protocol order. Decisions are
//! the `oauth` crate's; this module only fetches inputs for it and acts on its answers.

use super::session_store;
use crate::browser::storage::{self, keys, Area};
use crate::browser::{clock::now_ms, location, random::random_bytes};
use crate::error::{ApiStep, AppError};
use crate::google::{revocation, token_info, user_info};
use crate::timeline::{self, Field, Step};
use oauth::authorization::{AuthorizationRequest, PendingAuthorization, STATE_BYTES};
use oauth::{check_response, verify_token_info, AuthError, ClientConfig, Session, UserInfo};

/// A verified session and the person it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub session: Session,
    pub user: UserInfo,
    /// Scopes the last authorization asked for that the token does not carry: the person
    /// unticked them on the consent page (Google's granular consent). Empty after a reload.
    pub declined: Vec<String>,
}

/// A fresh pending authorization for this page asking for `scopes`, with 256 random bits of
/// state. Sign-in asks for the configured scopes only; a feature asks for its own on top when it
/// first needs them (incremental authorization, least privilege: RFC 9700 §2.3).
pub fn new_pending(scopes: &[String]) -> Result<PendingAuthorization, AppError> {
    Ok(PendingAuthorization::new(
        random_bytes::<STATE_BYTES>()?,
        &location::redirect_uri(),
        scopes,
        now_ms(),
    ))
}

/// Step 1: keeps `pending` in this tab (replacing any older one: only the newest request's
/// answer is accepted) and returns the authorization URL to visit. Every request carries
/// `include_granted_scopes=true`, so a new token keeps what was granted before.
pub fn prepare_request(
    config: &ClientConfig,
    pending: &PendingAuthorization,
    login_hint: Option<&str>,
) -> Result<String, AppError> {
    storage::set(Area::Session, keys::PENDING, &pending.to_json())?;
    let request = AuthorizationRequest {
        endpoint: &config.endpoints.authorization,
        client_id: &config.client_id,
        pending,
        login_hint,
        prompt: pending.prompt(),
        include_granted_scopes: true,
    };
    let url = request.to_url();
    let fields = request
        .parameters()
        .iter()
        .map(|(n, v)| Field::parameter(n, v))
        .collect();
    timeline::record(
        Step::AuthorizationRequest,
        "The page sends you to the authorization endpoint",
        fields,
        None,
        Some(format!("GET {}", config.endpoints.authorization)),
        None,
    );
    Ok(url)
}

/// Signs in by leaving the page; the answer comes back to this page's URL. `return_to` names
/// the view to show again afterwards.
pub fn start_sign_in(
    config: &ClientConfig,
    login_hint: Option<&str>,
    return_to: Option<String>,
) -> Result<(), AppError> {
    let hint = login_hint
        .map(str::to_owned)
        .or_else(session_store::login_hint);
    start_authorization(config, &config.scopes, hint.as_deref(), return_to)
}

/// Asks for `scopes` by leaving the page: a sign-in, or incremental authorization (the
/// configured scopes plus what a view needs, for the signed-in account's `login_hint`). The
/// answer comes back through [`complete_sign_in`] like any other, to the view `return_to`.
pub fn start_authorization(
    config: &ClientConfig,
    scopes: &[String],
    login_hint: Option<&str>,
    return_to: Option<String>,
) -> Result<(), AppError> {
    let pending = new_pending(scopes)?.returning_to(return_to);
    let url = prepare_request(config, &pending, login_hint)?;
    timeline::save_before_leaving();
    location::navigate(&url)?;
    Ok(())
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

/// Whether this tab's pending request expects its answer in a popup.
pub fn pending_in_popup() -> bool {
    peek_pending().is_some_and(|p| p.popup)
}

/// Steps 2–4: the redirect came back with `fragment` (already removed from the URL). The pending
/// state is consumed first, whatever follows; nothing is stored unless every check passes.
pub async fn complete_sign_in(config: &ClientConfig, fragment: &str) -> Result<SignedIn, AppError> {
    timeline::record(
        Step::Redirect,
        "Google sends you back with the answer in the URL fragment",
        timeline::parameters(fragment),
        None,
        Some(
            "Taken out of the address bar with history.replaceState before anything rendered."
                .into(),
        ),
        None,
    );
    let pending = storage::take(Area::Session, keys::PENDING)
        .and_then(|text| PendingAuthorization::from_json(&text).ok());
    let token = check_response(fragment, pending, now_ms()).inspect_err(record_failed_check)?;
    timeline::check(
        "State matches the one this tab sent",
        true,
        "The pending state was spent: this answer cannot be used twice.",
    );
    timeline::check(
        "Token type is Bearer",
        true,
        "The only token type this client understands.",
    );
    let requested = token.requested_scopes.clone();
    let info = token_info::fetch(&config.endpoints.tokeninfo, &token.access_token)
        .await
        .map_err(|e| AppError::from_api(ApiStep::TokenInfo, e))?;
    // Only past this line is the token known to be ours, and only now is it used.
    let session = verify_token_info(token, &info, &config.client_id).inspect_err(|e| {
        timeline::check(
            "Token was issued to this app (audience)",
            false,
            e.to_string(),
        );
    })?;
    timeline::check(
        "Token was issued to this app (audience)",
        true,
        format!(
            "Token info's aud is {}, this app's client id.",
            config.client_id
        ),
    );
    let user = load_user(config, &session).await?;
    session_store::save(config, &session)?;
    storage::remove(Area::Session, keys::LOGIN_HINT);
    // A partial grant is a success (granular consent); what is missing is read from token info.
    let declined = session
        .granted_scopes
        .missing(&requested)
        .into_iter()
        .map(str::to_owned)
        .collect();
    Ok(SignedIn {
        session,
        user,
        declined,
    })
}

/// A reload: pick the session up from storage if it is still valid.
pub async fn resume(config: &ClientConfig) -> Result<Option<SignedIn>, AppError> {
    let Some(session) = session_store::load(config) else {
        return Ok(None);
    };
    if session.is_expired(now_ms()) {
        expire(&session);
        return Err(AuthError::SessionExpired.into());
    }
    match load_user(config, &session).await {
        Ok(user) => Ok(Some(SignedIn {
            session,
            user,
            declined: Vec::new(),
        })),
        Err(error) => {
            if error.code() == AuthError::SessionExpired.code() {
                expire(&session);
            }
            Err(error)
        }
    }
}

/// Puts the failed response check on the timeline, under the check it failed.
fn record_failed_check(error: &AuthError) {
    let title = match error {
        AuthError::NoPendingAuthorization | AuthError::StateMismatch => {
            "State matches the one this tab sent"
        }
        AuthError::UnsupportedTokenType(_) | AuthError::MissingParameter("token_type") => {
            "Token type is Bearer"
        }
        AuthError::Provider(_) => "Google answered with an error",
        _ => "The answer is well formed",
    };
    timeline::check(title, false, error.to_string());
}

async fn load_user(config: &ClientConfig, session: &Session) -> Result<UserInfo, AppError> {
    let user = user_info::fetch(&config.endpoints.userinfo, &session.access_token)
        .await
        .map_err(|e| AppError::from_api(ApiStep::UserInfo, e))?;
    user.check_subject(session).inspect_err(|e| {
        timeline::check("User info describes the token's user", false, e.to_string());
    })?;
    timeline::check(
        "User info describes the token's user",
        true,
        "User info's sub equals token info's sub (OpenID Connect Core §5.3.2).",
    );
    Ok(user)
}

/// The token ran out (locally or a 401): forget it, but remember who to suggest next time.
pub fn expire(session: &Session) {
    session_store::clear(Some(session.login_hint()));
}

/// Sign-out: local state goes first, so it completes even if revocation fails; `announce` tells
/// the other tabs before the token dies, so none goes on using it; then the token is revoked
/// (without credentials: Google's endpoint refuses credentialed CORS).
pub async fn sign_out(
    config: &ClientConfig,
    session: &Session,
    announce: impl FnOnce(),
) -> Result<(), AppError> {
    session_store::clear(None);
    location::replace_with_clean_url()?;
    announce();
    revocation::revoke(&config.endpoints.revocation, &session.access_token)
        .await
        .map_err(|e| AppError::from_api(ApiStep::Revocation, e))
}
