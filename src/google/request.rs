//! The one request function. Tokens travel only in an `Authorization: Bearer` header or a
//! form body, never in a URL (RFC 9700 §4.3.2), and no request carries cookies: Google's APIs
//! do not use them, and its revocation endpoint fails a credentialed CORS request.

use crate::timeline::{self, HttpExchange, Step};
use gloo_net::http::{Request, RequestBuilder};
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
    let builder = match body {
        Body::None => Request::get(url),
        Body::Form(_) => {
            Request::post(url).header("Content-Type", "application/x-www-form-urlencoded")
        }
    };
    let builder: RequestBuilder = match bearer {
        Some(token) => builder.header("Authorization", &format!("Bearer {token}")),
        None => builder,
    }
    .credentials(RequestCredentials::Omit);
    let request = match body {
        Body::None => builder.build(),
        Body::Form(form) => builder.body(form.to_owned()),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;

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
    let outcome = receive(request, &mut exchange).await;
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
    request: gloo_net::http::Request,
    exchange: &mut HttpExchange,
) -> Result<String, ApiError> {
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    exchange.status = Some(status);
    let headers = response.headers();
    exchange.response_headers = HEADERS_THAT_MATTER
        .iter()
        .filter_map(|name| headers.get(name).map(|v| ((*name).to_owned(), v)))
        .collect();
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Malformed(e.to_string()))?;
    exchange.response_body = Some(text.clone());
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
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else {
        return "no details".into();
    };
    let error = &value["error"];
    error["message"]
        .as_str()
        .or(value["error_description"].as_str())
        .or(error.as_str())
        .unwrap_or("no details")
        .to_owned()
}
