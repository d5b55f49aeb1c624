//! The one request function. Tokens travel only in an `Authorization: Bearer` header or a
//! form body, never in a URL (RFC 9700 §4.3.2), and no request carries cookies: Google's APIs
//! do not use them, and its revocation endpoint fails a credentialed CORS request.

use crate::browser::fetch::fetch;
use crate::timeline::{self, HttpExchange, Step};
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
    // Tokens this request carries are hidden in the inspector whether or not it saw them arrive
    // (after a reload, the session's token was never on the timeline).
    if let Some(token) = bearer {
        timeline::secret("access token", token);
    }
    if let Body::Form(form) = &body {
        timeline::secrets_in_form(form);
    }
    let mut exchange = HttpExchange {
        method: if matches!(body, Body::None) {
            "GET"
        } else {
            "POST"
        }
        .to_owned(),
        url: url.to_owned(),
        request_headers: request_headers(bearer.is_some(), &body),
        request_body: match body {
            Body::None => None,
            Body::Form(form) => Some(form.to_owned()),
        },
        status: None,
        response_headers: Vec::new(),
        response_body: None,
    };
    let outcome = receive(url, bearer, body, &mut exchange).await;
    timeline::record(
        step_of(url),
        &format!("{} {}", exchange.method, url),
        Vec::new(),
        None,
        None,
        Some(exchange),
    );
    outcome
}

async fn receive(
    url: &str,
    bearer: Option<&str>,
    body: Body<'_>,
    exchange: &mut HttpExchange,
) -> Result<String, ApiError> {
    let authorization = bearer.map(|token| format!("Bearer {token}"));
    let mut headers = Vec::new();
    if let Some(value) = &authorization {
        headers.push(("Authorization", value.as_str()));
    }
    let body = match body {
        Body::None => None,
        Body::Form(form) => {
            headers.push(("Content-Type", "application/x-www-form-urlencoded"));
            Some(form)
        }
    };
    let answer = fetch(
        url,
        &exchange.method,
        &headers,
        body,
        RequestCredentials::Omit,
        &HEADERS_THAT_MATTER,
    )
    .await
    .map_err(ApiError::Network)?;
    let status = answer.status;
    exchange.status = Some(status);
    exchange.response_headers = answer.headers;
    exchange.response_body = Some(answer.text.clone());
    let text = answer.text;
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

/// The response headers the inspector shows: what decides how the browser and app treat it.
const HEADERS_THAT_MATTER: [&str; 5] = [
    "content-type",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "www-authenticate",
    "retry-after",
];

fn request_headers(bearer: bool, body: &Body<'_>) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if bearer {
        // The inspector hides the token itself through the registered secrets.
        headers.push((
            "authorization".to_owned(),
            "Bearer (the access token)".to_owned(),
        ));
    }
    if matches!(body, Body::Form(_)) {
        headers.push((
            "content-type".to_owned(),
            "application/x-www-form-urlencoded".to_owned(),
        ));
    }
    headers.push((
        "credentials".to_owned(),
        "omit (no cookies are sent)".to_owned(),
    ));
    headers
}

/// Which diagram arrow a request is, by Google's endpoint paths.
fn step_of(url: &str) -> Step {
    if url.contains("tokeninfo") {
        Step::TokenInfo
    } else if url.contains("userinfo") {
        Step::UserInfo
    } else if url.contains("revoke") {
        Step::Revocation
    } else {
        Step::ApiCall
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
