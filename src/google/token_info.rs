//! Google's token info endpoint: who a token was issued to and what it may do.

use super::request::{send, ApiError, Body};
use crate::timeline::Step;
use oauth::token_info::token_info_body;
use oauth::TokenInfo;

/// POSTs the token in a form body, as Google's own client libraries do, so it stays out of URLs.
pub async fn fetch(endpoint: &str, access_token: &str) -> Result<TokenInfo, ApiError> {
    let text = send(
        Step::TokenInfo,
        endpoint,
        None,
        Body::Form(&token_info_body(access_token)),
    )
    .await?;
    TokenInfo::from_json(&text).map_err(|e| ApiError::Malformed(e.to_string()))
}
