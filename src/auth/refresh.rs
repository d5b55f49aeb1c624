//! Renewal with a refresh token, for providers that issue one to a public client (Google does
//! not: its path never gets here). The token stays in this tab's memory (`SignedIn::refresh`):
//! never in any storage, so a reload or another tab does not have it, and no two tabs ever hold
//! the same refresh token (each came from its own code exchange). There is nothing to share and
//! no race to lock against: rotation can only spend the token of the tab that uses it.
//! `oauth::refresh` builds the request and reads the answer; this module sends it and verifies.

use super::{oidc, session_store, SignedIn};
use crate::browser::clock::now_ms;
use crate::dpop;
use crate::error::AppError;
use crate::timeline;
use oauth::dpop::TokenType;
use oauth::refresh::{self, RefreshGrant};
use oauth::{AuthError, ClientConfig};

/// Refreshes `current`'s session at the token endpoint: a new access token (and the rotated
/// refresh token), and a new ID token verified again when one comes. Nothing of the old session
/// is changed unless every check passes.
pub async fn refresh(config: &ClientConfig, current: &SignedIn) -> Result<SignedIn, AppError> {
    let grant = current
        .refresh
        .as_ref()
        .ok_or(AuthError::MissingParameter("refresh_token"))?;
    let body = refresh::request_body(&config.client_id, &grant.refresh_token);
    let sent = oidc::token_request(config, &body).await?;
    let answer = refresh::read_answer(
        sent.status,
        &sent.text,
        grant,
        &current.session,
        now_ms(),
        sent.proof_sent,
    )
    .inspect_err(|e| timeline::check("The refresh token was accepted", false, e.to_string()))?;
    timeline::check(
        "The refresh token was accepted",
        true,
        if answer.rotated {
            "The provider rotated it: the one just used is spent, the new one is kept in this tab's memory only (RFC 9700 §4.14.2)."
        } else {
            "The provider sent no new one, so the same refresh token stays in use (RFC 6749 §6)."
        },
    );
    let claims = match (&answer.token.id_token, &grant.original) {
        (Some(raw), Some(original)) => {
            Some(oidc::verify_refreshed_id_token(config, &answer.token, raw, original).await?)
        }
        // An ID token now, none at sign-in: nothing to hold it to, so it is not used.
        _ => None,
    };
    let session = current
        .session
        .refreshed(answer.token.clone(), claims.as_ref());
    if session.token_type == TokenType::DPoP {
        // The new token is bound to the same key: it goes out with proofs from now on.
        dpop::bind(&session.access_token);
    }
    // Signed out (or expired) while the refresh was in flight: nothing is stored again.
    if session_store::is_stored(config) {
        session_store::save(config, &session)?;
    }
    Ok(SignedIn {
        session,
        user: current.user.clone(),
        declined: Vec::new(),
        refresh: Some(RefreshGrant {
            refresh_token: answer.refresh_token,
            original: grant.original.clone(),
        }),
        id_token: answer
            .token
            .id_token
            .filter(|_| claims.is_some())
            .or_else(|| current.id_token.clone()),
    })
}
