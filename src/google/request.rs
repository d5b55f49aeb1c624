//! The one request function. Tokens travel only in an `Authorization: Bearer` header or a
//! form body, never in a URL (RFC 9700 §4.3.2), and no request carries cookies: Google's APIs
//! do not use them, and its revocation endpoint fails a credentialed CORS request.

use crate::browser::fetch::fetch;
use oauth::json::Json;
use web_sys::RequestCredentials;

/// Why an HTTP call failed, as a person can act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("the token was refused (expired or revoked)")]
    Unauthorized,
    #[error("access was refused (HTTP 403): {0}")]
    Forbidden(String),
    #[error("the request was rejected (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("the server failed (HTTP {status})")]
    Server { status: u16 },
    #[error("the server could not be reached: {0}")]
    Network(String),
    #[error("the answer could not be read: {0}")]
    Malformed(String),
}

/// A request body.
pub enum Body<'a> {
    None,
    /// `application/x-www-form-urlencoded`: a CORS "simple" request, so no preflight.
    Form(&'a str),
}

/// Sends a request and returns the body of a 2xx answer.
pub async fn send(url: &str, bearer: Option<&str>, body: Body<'_>) -> Result<String, ApiError> {
    let authorization = bearer.map(|token| format!("Bearer {token}"));
    let mut headers = Vec::new();
    if let Some(value) = &authorization {
        headers.push(("Authorization", value.as_str()));
    }
    let (method, body) = match body {
        Body::None => ("GET", None),
        Body::Form(form) => {
            headers.push(("Content-Type", "application/x-www-form-urlencoded"));
            ("POST", Some(form))
        }
    };
    let answer = fetch(url, method, &headers, body, RequestCredentials::Omit)
        .await
        .map_err(ApiError::Network)?;
    let (status, text) = (answer.status, answer.text);
    match status {
        200..=299 => Ok(text),
        401 => Err(ApiError::Unauthorized),
        403 => Err(ApiError::Forbidden(error_message(&text))),
        500..=599 => Err(ApiError::Server { status }),
        _ => Err(ApiError::Rejected {
            status,
            message: error_message(&text),
        }),
    }
}

/// Google's error bodies come in two shapes: OAuth's `{"error": "...", "error_description": "..."}`
/// and the APIs' `{"error": {"message": "..."}}`. Falls back to the status line if neither.
fn error_message(body: &str) -> String {
    let Ok(value) = Json::parse(body) else {
        return "no details".into();
    };
    let error = value.get("error");
    error
        .and_then(|e| e.get("message"))
        .and_then(Json::as_str)
        .or(value.get("error_description").and_then(Json::as_str))
        .or(error.and_then(Json::as_str))
        .unwrap_or("no details")
        .to_owned()
}
