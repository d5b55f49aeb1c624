//! Each step of the implicit grant as the page performs it, in protocol order. Decisions are
//! the `oauth` crate's; this module only fetches inputs for it and acts on its answers.

use super::session_store;
use crate::browser::storage::{self, keys, Area};
use crate::browser::{clock::now_ms, location, random::random_bytes};
use crate::error::{ApiStep, AppError};
use crate::google::{revocation, token_info, user_info};
use oauth::authorization::{
    requested_scopes, AuthorizationRequest, PendingAuthorization, STATE_BYTES,
};
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

/// Step 1 of signing in: only the configured scopes; the rest are asked for when a feature
/// needs them (least privilege, RFC 9700 §2.3).
pub fn start_sign_in(config: &ClientConfig) -> Result<(), AppError> {
    start_authorization(config, &[], session_store::login_hint().as_deref())
}

/// Incremental authorization: asks the signed-in person for `scopes` on top of what they
/// granted before (`include_granted_scopes=true`), suggesting the same account. The page comes
/// back through [`complete_sign_in`] like any sign-in, with a token carrying both.
pub fn request_scopes(
    config: &ClientConfig,
    session: &Session,
    scopes: &[&str],
) -> Result<(), AppError> {
    start_authorization(config, scopes, Some(session.login_hint()))
}

/// Remembers a fresh state in this tab, then leaves for the authorization endpoint.
fn start_authorization(
    config: &ClientConfig,
    extra_scopes: &[&str],
    login_hint: Option<&str>,
) -> Result<(), AppError> {
    let pending = PendingAuthorization::new(
        random_bytes::<STATE_BYTES>()?,
        &location::redirect_uri(),
        &requested_scopes(&config.scopes, extra_scopes),
        now_ms(),
    );
    storage::set_json(Area::Session, keys::PENDING, &pending)?;
    let request = AuthorizationRequest {
        endpoint: &config.endpoints.authorization,
        client_id: &config.client_id,
        pending: &pending,
        login_hint,
        prompt: &[],
        include_granted_scopes: true,
    };
    location::navigate(&request.to_url())?;
    Ok(())
}

/// Steps 2–4: the redirect came back with `fragment` (already removed from the URL). The pending
/// state is consumed first, whatever follows; nothing is stored unless every check passes.
pub async fn complete_sign_in(config: &ClientConfig, fragment: &str) -> Result<SignedIn, AppError> {
    let pending = storage::take(Area::Session, keys::PENDING)
        .and_then(|text| serde_json::from_str(&text).ok());
    let token = check_response(fragment, pending, now_ms())?;
    let requested = token.requested_scopes.clone();
    let info = token_info::fetch(&config.endpoints.tokeninfo, &token.access_token)
        .await
        .map_err(|e| AppError::from_api(ApiStep::TokenInfo, e))?;
    // Only past this line is the token known to be ours, and only now is it used.
    let session = verify_token_info(token, &info, &config.client_id)?;
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

async fn load_user(config: &ClientConfig, session: &Session) -> Result<UserInfo, AppError> {
    let user = user_info::fetch(&config.endpoints.userinfo, &session.access_token)
        .await
        .map_err(|e| AppError::from_api(ApiStep::UserInfo, e))?;
    user.check_subject(session)?;
    Ok(user)
}

/// The token ran out (locally or a 401): forget it, but remember who to suggest next time.
pub fn expire(session: &Session) {
    session_store::clear(Some(session.login_hint()));
}

/// Sign-out: local state goes first, so it completes even if revocation fails; then the token
/// is revoked (without credentials: Google's endpoint refuses credentialed CORS).
pub async fn sign_out(config: &ClientConfig, session: &Session) -> Result<(), AppError> {
    session_store::clear(None);
    location::replace_with_clean_url()?;
    revocation::revoke(&config.endpoints.revocation, &session.access_token)
        .await
        .map_err(|e| AppError::from_api(ApiStep::Revocation, e))
}
