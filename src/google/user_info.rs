//! OpenID Connect user info: the signed-in person's name, picture and email.

use super::request::{send, ApiError, Body};
use crate::timeline::Step;
use oauth::UserInfo;

pub async fn fetch(endpoint: &str, access_token: &str) -> Result<UserInfo, ApiError> {
    let text = send(Step::UserInfo, endpoint, Some(access_token), Body::None).await?;
    UserInfo::from_json(&text).map_err(|e| ApiError::Malformed(e.to_string()))
}
