//! OpenID Connect user info: the signed-in person's name, picture and email.

use super::request::{send, send_held, ApiError, Body, Held};
use crate::timeline::Step;
use oauth::UserInfo;

/// The signed-in person, from the user info endpoint with the access token (OpenID Connect
/// Core §5.3).
pub async fn fetch(endpoint: &str, access_token: &str) -> Result<UserInfo, ApiError> {
    read(send(Step::UserInfo, endpoint, Some(access_token), Body::None).await)
}

/// User info fetched but held unread and unrecorded (see [`Held`]); [`read`] its release.
pub async fn fetch_held(endpoint: &str, access_token: &str) -> Held {
    send_held(Step::UserInfo, endpoint, Some(access_token)).await
}

/// The user info in a fetched body, or the fetch's error; a body that is no user info is
/// [`ApiError::Malformed`].
pub fn read(text: Result<String, ApiError>) -> Result<UserInfo, ApiError> {
    UserInfo::from_json(&text?).map_err(|e| ApiError::Malformed(e.to_string()))
}
