//! Token revocation at sign-out (RFC 7009).

use super::request::{exchange, ApiError};
use crate::timeline::Step;
use oauth::api::{check_answer, Answer};
use oauth::revocation::{read_answer, refresh_token_revocation_body, revocation_body};

pub use oauth::revocation::Revocation;

/// Revokes an access token; `client_id` for a provider that wants the client named, `None`
/// for Google's endpoint, which takes the token alone.
pub async fn revoke(
    endpoint: &str,
    access_token: &str,
    client_id: Option<&str>,
) -> Result<Revocation, ApiError> {
    post(endpoint, &revocation_body(access_token, client_id)).await
}

/// Revokes a refresh token (RFC 7009 §2.1, `token_type_hint=refresh_token`).
pub async fn revoke_refresh_token(
    endpoint: &str,
    refresh_token: &str,
    client_id: &str,
) -> Result<Revocation, ApiError> {
    post(
        endpoint,
        &refresh_token_revocation_body(refresh_token, client_id),
    )
    .await
}

/// The answer decides: revoked, already unusable (Google's 400 for an expired token), or a
/// failure the API layer names.
async fn post(endpoint: &str, form: &str) -> Result<Revocation, ApiError> {
    let (status, body) = exchange(Step::Revocation, endpoint, form).await?;
    if let Some(outcome) = read_answer(status, &body) {
        return Ok(outcome);
    }
    let answer = Answer {
        status,
        www_authenticate: None,
        retry_after: None,
        body: &body,
    };
    Err(check_answer(&answer, 0)
        .err()
        .unwrap_or(ApiError::Rejected {
            status,
            message: oauth::api::error_message(&body),
        }))
}
