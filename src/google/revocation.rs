//! Token revocation at sign-out (RFC 7009).

use super::request::{send, ApiError, Body};
use crate::timeline::Step;
use oauth::revocation::revocation_body;

pub async fn revoke(
    endpoint: &str,
    access_token: &str,
    client_id: Option<&str>,
) -> Result<(), ApiError> {
    send(
        Step::Revocation,
        endpoint,
        None,
        Body::Form(&revocation_body(access_token, client_id)),
    )
    .await
    .map(|_| ())
}
