//! Steps 2 to 4 of the grant as the page performs them, in protocol order (step 1, the start,
//! is `super::start`): the answer of the implicit grant (with or without an ID token) or of the
//! code grant with PKCE, its checks, and sign-out. Decisions are the `oauth` crate's; this
//! module only fetches inputs for it and acts on its answers.

use super::{end_session, oidc, session_store};
use crate::browser::clock::now_ms;
use crate::browser::location;
use crate::browser::storage::{self, keys, Area};
use crate::error::{ApiStep, AppError};
use crate::google::{revocation, token_info, user_info};
use crate::timeline::{self, Step};
use crate::OTHER_PROVIDERS;
use oauth::authorization::PendingAuthorization;
use oauth::callback::UnverifiedToken;
use oauth::id_token::Claims;
use oauth::refresh::RefreshGrant;
use oauth::{
    check_response, verify_token_info, AuthError, ClientConfig, Flow, GrantedScopes, Session,
    TokenInfo, UserInfo,
};

/// A verified session and the person it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    /// The token and what was verified of it: scopes, expiry, whose it is.
    pub session: Session,
    /// Who the person is, as user info says; `None` when the token carries no sign-in scope, so
    /// that neither token info nor user info says whose it is.
    pub user: Option<UserInfo>,
    /// Scopes the last authorization asked for that the token does not carry: the person
    /// unticked them on the consent page (Google's granular consent). Empty after a reload.
    pub declined: Vec<String>,
    /// The refresh token, if the provider gave one (never Google): in memory only, so a reload
    /// or another tab never has it (see `auth::refresh`).
    pub refresh: Option<RefreshGrant>,
    /// The newest ID token, for `id_token_hint` at RP-initiated logout; memory only.
    pub id_token: Option<String>,
}

/// Steps 2–4: the redirect came back with `response` (already removed from the URL: a
/// fragment, or the code grant's query). The pending state is consumed first, whatever
/// follows; nothing is stored unless every check passes.
pub async fn complete_sign_in(config: &ClientConfig, response: &str) -> Result<SignedIn, AppError> {
    timeline::record(
        Step::Redirect,
        match (response.starts_with('?'), config.quirks.google) {
            (true, _) => "The provider sends you back with a code in the URL's query",
            (false, true) => "Google sends you back with the answer in the URL fragment",
            (false, false) => "The provider sends you back with the answer in the URL fragment",
        },
        timeline::parameters(response),
        None,
        Some(
            "Taken out of the address bar with history.replaceState before anything rendered."
                .into(),
        ),
        None,
    );
    let pending = storage::take(Area::Session, keys::PENDING)
        .and_then(|text| PendingAuthorization::from_json(&text).ok());
    // The session this answer may replace (a tab signed in that asked for another account).
    let previous = session_store::load(config);
    let (token, refresh_token) = match pending.as_ref().map(|p| p.flow) {
        // `cfg`, not `OTHER_PROVIDERS`, wherever an `await` is left out: an async function's
        // state machine keeps the code of every future it awaits, reachable or not.
        #[cfg(not(feature = "other-providers"))]
        Some(Flow::Code) => return Err(AppError::NotInThisModule),
        #[cfg(feature = "other-providers")]
        Some(Flow::Code) => {
            let grant = oauth::callback::check_code_response(response, pending)
                .inspect_err(record_failed_check)?;
            record_state_check();
            let answer = oidc::exchange_code(config, grant).await?;
            (answer.token, answer.refresh_token)
        }
        _ => {
            let token =
                check_response(response, pending, now_ms()).inspect_err(record_failed_check)?;
            record_state_check();
            timeline::check(
                "Token type is Bearer",
                true,
                "The only token type this client understands.",
            );
            (token, None)
        }
    };
    let requested = token.requested_scopes.clone();
    let id_token = token.id_token.clone();
    let (session, user, claims) = verify_token(config, token).await?;
    if let Some(previous) = previous.filter(|p| p.superseded_by(&session)) {
        retire(config, &previous).await;
    }
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
        refresh: refresh_token.map(|refresh_token| RefreshGrant {
            refresh_token,
            original: claims,
        }),
        id_token,
    })
}

fn record_state_check() {
    timeline::check(
        "State matches the one this tab sent",
        true,
        "The pending state was spent: this answer cannot be used twice.",
    );
}

/// Step 4: whose token is it? The ID token answers when there is one (signature, audience,
/// nonce, at_hash); Google's token info answers too, and always in the plain implicit grant.
/// Only past these checks is the token known to be ours.
async fn verify_token(
    config: &ClientConfig,
    token: UnverifiedToken,
) -> Result<(Session, Option<UserInfo>, Option<Claims>), AppError> {
    let claims = match config.flow {
        Flow::Token => None,
        // Beside an access token from the authorization endpoint at_hash is required.
        flow => Some(oidc::verify_id_token(config, &token, flow == Flow::TokenIdToken).await?),
    };
    let Some(tokeninfo) = &config.endpoints.tokeninfo else {
        // No token info (any provider but Google): the verified ID token vouches for the token.
        let claims = claims.ok_or(AuthError::MissingParameter("id_token"))?;
        let session = Session::from_id_token(token, &claims);
        let user = load_user(config, &session).await?;
        return Ok((session, user, Some(claims)));
    };
    if claims.is_none() {
        // Plain implicit grant: nothing yet says the token is ours; token info decides. User
        // info goes out at the same time (one round trip instead of two, and both to the
        // provider that issued the token), but its answer is held unread: nothing of it is
        // shown, stored or recorded unless the audience check passes, and it is dropped if not.
        // A token whose answer grants no sign-in scope is not sent there at all: Google's user
        // info refuses it with a 401, which would read as an expired session.
        let asked = token
            .scope
            .as_deref()
            .map(GrantedScopes::from_space_delimited)
            .unwrap_or_else(|| GrantedScopes::from_list(token.requested_scopes.clone()));
        let held = async {
            match asked.names_the_person() {
                true => Some(
                    user_info::fetch_held(&config.endpoints.userinfo, &token.access_token).await,
                ),
                false => None,
            }
        };
        let (info, held) =
            futures_util::future::join(token_info::fetch(tokeninfo, &token.access_token), held)
                .await;
        let info = info.map_err(|e| AppError::from_api(ApiStep::TokenInfo, e))?;
        let session = session_from_token_info(config, token, &info, None)?;
        let user = match (&session.subject, held) {
            // Token info says whose it is: user info says the rest.
            (Some(_), Some(held)) => Some(
                user_info::read(held.release())
                    .map_err(|e| AppError::from_api(ApiStep::UserInfo, e))?,
            ),
            (Some(_), None) => {
                return Ok((session.clone(), load_user(config, &session).await?, None))
            }
            // Nobody in particular: any held answer is dropped unread.
            (None, _) => None,
        };
        if let Some(user) = &user {
            check_user(user, &session)?;
        }
        return Ok((session, user, None));
    }
    // The verified ID token already binds the token to this app (aud, at_hash): token info and
    // user info go out together.
    let (info, user) = futures_util::future::join(
        token_info::fetch(tokeninfo, &token.access_token),
        user_info::fetch(&config.endpoints.userinfo, &token.access_token),
    )
    .await;
    let info = info.map_err(|e| AppError::from_api(ApiStep::TokenInfo, e))?;
    let session = session_from_token_info(config, token, &info, claims.as_ref())?;
    let user = user.map_err(|e| AppError::from_api(ApiStep::UserInfo, e))?;
    check_user(&user, &session)?;
    let user = Some(user);
    Ok((session, user, claims))
}

/// Google's token info: the audience check (and the scopes really granted). With an ID token
/// too, both must name the same person.
fn session_from_token_info(
    config: &ClientConfig,
    token: UnverifiedToken,
    info: &TokenInfo,
    claims: Option<&Claims>,
) -> Result<Session, AppError> {
    let session = verify_token_info(token, info, &config.client_id).inspect_err(|e| {
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
    if let Some(claims) = claims {
        if session.subject.as_deref() != Some(claims.sub.as_str()) {
            let error = AuthError::IdTokenSubjectMismatch(claims.sub.clone());
            timeline::check(
                "The ID token and token info name the same user",
                false,
                error.to_string(),
            );
            return Err(error.into());
        }
    }
    Ok(session)
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
    #[cfg(feature = "other-providers")]
    if session.token_type == oauth::dpop::TokenType::DPoP {
        // The key outlived the reload in IndexedDB: the token can still be proved.
        crate::dpop::prepare().await?;
        crate::dpop::bind(&session.access_token);
    }
    match load_user(config, &session).await {
        // The refresh token and ID token were in memory only: after a reload renewal is the
        // popup's, as with Google.
        Ok(user) => Ok(Some(SignedIn {
            session,
            user,
            declined: Vec::new(),
            refresh: None,
            id_token: None,
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
        AuthError::Provider(_) => "The provider answered with an error",
        AuthError::IssuerMismatch(_) => "The answer comes from the provider this tab asked",
        _ => "The answer is well formed",
    };
    timeline::check(title, false, error.to_string());
}

/// User info for a session that says whose it is; none for a token that names nobody (user
/// info would refuse it).
async fn load_user(config: &ClientConfig, session: &Session) -> Result<Option<UserInfo>, AppError> {
    if session.subject.is_none() {
        return Ok(None);
    }
    let user = user_info::fetch(&config.endpoints.userinfo, &session.access_token)
        .await
        .map_err(|e| AppError::from_api(ApiStep::UserInfo, e))?;
    check_user(&user, session)?;
    Ok(Some(user))
}

pub(crate) fn check_user(user: &UserInfo, session: &Session) -> Result<(), AppError> {
    user.check_subject(session).inspect_err(|e| {
        timeline::check("User info describes the token's user", false, e.to_string());
    })?;
    timeline::check(
        "User info describes the token's user",
        true,
        "User info's sub equals the verified sub (OpenID Connect Core §5.3.2).",
    );
    Ok(())
}

/// Another account signed in over `previous` in this tab: its token is revoked (nothing holds
/// it any more; left alone it would stay valid up to an hour) and what was kept for that
/// person (the view, unsaved text) is forgotten. A failed revocation is on the timeline and
/// stops nothing: the new sign-in has passed every check.
async fn retire(config: &ClientConfig, previous: &Session) {
    session_store::clear(session_store::Keep::Nothing);
    if let Some(endpoint) = &config.endpoints.revocation {
        let _ = revocation::revoke(
            endpoint,
            &previous.access_token,
            config.revocation_client_id(),
        )
        .await;
    }
}

/// The token ran out (locally or a 401): forget it, but remember who to suggest next time.
pub fn expire(session: &Session) {
    session_store::clear(session_store::Keep::WhereThePersonWas {
        login_hint: session.login_hint(),
    });
}

/// How a sign-out ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedOut {
    /// Here: storage cleared, and the tokens as [`Revoked`] says.
    Here(Revoked),
    /// The tab is on its way to the provider's logout page (RP-initiated logout); the return
    /// says what happened.
    AtProvider,
}

/// What became of the tokens at sign-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// Revoked by the provider (at Google, with the whole grant: the consent is gone too).
    Yes,
    /// The provider no longer took the token as a live one (it had expired, or was revoked
    /// already): there was nothing left to revoke.
    AlreadyUnusable,
    /// The provider offers no revocation: the tokens stay valid until they expire.
    NotOffered,
}

/// Sign-out: local state goes first, so it completes even if revocation fails; `announce` tells
/// the other tabs before the token dies, so none goes on using it; then the tokens are revoked
/// (without credentials: Google's endpoint refuses credentialed CORS), the refresh token too;
/// then, where the provider advertises an `end_session_endpoint`, the tab goes there to end
/// the provider's session as well (OpenID Connect RP-Initiated Logout 1.0).
pub async fn sign_out(
    config: &ClientConfig,
    signed_in: &SignedIn,
    announce: impl FnOnce(),
) -> Result<SignedOut, AppError> {
    session_store::clear(session_store::Keep::Nothing);
    location::replace_with_clean_url()?;
    announce();
    let revoked = revoke(config, signed_in).await;
    #[cfg(feature = "other-providers")]
    if config.dpop {
        // After revocation, whose request carries a proof: the key that proved this session is
        // deleted, so nothing can be proved with it again. The next sign-in's key is made now,
        // as the next PKCE pair is: a popup must open inside the click, with no time to make one.
        crate::dpop::forget().await?;
        crate::dpop::prepare().await?;
    }
    let Some(endpoint) = config
        .endpoints
        .end_session
        .as_ref()
        .filter(|_| OTHER_PROVIDERS)
    else {
        return revoked.map(SignedOut::Here);
    };
    end_session::leave(
        config,
        endpoint,
        signed_in.id_token.as_deref(),
        matches!(revoked, Ok(Revoked::Yes | Revoked::AlreadyUnusable)),
    )?;
    Ok(SignedOut::AtProvider)
}

/// Revokes the access token and the refresh token, if any. Sign-out here, and a sign-out
/// announced by another tab.
pub async fn revoke(config: &ClientConfig, signed_in: &SignedIn) -> Result<Revoked, AppError> {
    let Some(endpoint) = &config.endpoints.revocation else {
        return Ok(Revoked::NotOffered);
    };
    let access = revocation::revoke(
        endpoint,
        &signed_in.session.access_token,
        config.revocation_client_id(),
    )
    .await;
    #[cfg(feature = "other-providers")]
    let refresh = match &signed_in.refresh {
        Some(grant) => {
            revocation::revoke_refresh_token(endpoint, &grant.refresh_token, &config.client_id)
                .await
                .map(|_| ())
        }
        None => Ok(()),
    };
    // Only another provider gives refresh tokens.
    #[cfg(not(feature = "other-providers"))]
    let refresh = Ok(());
    let access = access.and_then(|outcome| refresh.map(|()| outcome));
    match access {
        Ok(revocation::Revocation::Revoked) => Ok(Revoked::Yes),
        Ok(revocation::Revocation::AlreadyUnusable) => Ok(Revoked::AlreadyUnusable),
        Err(e) => Err(AppError::from_api(ApiStep::Revocation, e)),
    }
}
