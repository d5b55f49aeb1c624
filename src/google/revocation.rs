//! Token revocation at sign-out (RFC 7009).

use super::request::{send, ApiError, Body};
use crate::timeline::Step;
use oauth::revocation::{refresh_token_revocation_body, revocation_body};

pub async fn revoke(
    endpoint: &str,
    access_token: &str,
    client_id: Option<&str>,
) -> Result<(), ApiError> {
    post(endpoint, &revocation_body(access_token, client_id)).await
}

/// Revokes a refresh token (RFC 7009 §2.1, `token_type_hint=refresh_token`).
pub async fn revoke_refresh_token(
    endpoint: &str,
    refresh_token: &str,
    client_id: &str,
) -> Result<(), ApiError> {
    post(
        endpoint,
        &refresh_token_revocation_body(refresh_token, client_id),
    )
    .await
}

async fn post(endpoint: &str, form: &str) -> Result<(), ApiError> {
    send(Step::Revocation, endpoint, None, Body::Form(form))
        .await
        .map(|_| ())
}
