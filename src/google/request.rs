//! The one request function. Tokens travel only in an `Authorization: Bearer` header or a
//! form body, never in a URL (RFC 9700 §4.3.2), and no request carries cookies: Google's APIs
//! do not use them, and its revocation endpoint fails a credentialed CORS request.
//!
//! This is an adapter: what an answer means, whether to retry and when, and how far to page are
//! the `oauth` crate's decisions ([`oauth::api`], [`oauth::retry`], [`oauth::paging`]); this
//! module fetches, sleeps and fetches again.

use crate::browser::clock::now_ms;
use crate::browser::fetch::fetch;
use crate::dpop::{self, Presentation};
use crate::timeline::{self, HttpExchange, Step};
use oauth::api::{check_answer, Answer};
use oauth::retry::{Decision, RetryPolicy};
use std::time::Duration;
use web_sys::RequestCredentials;

pub use oauth::api::{ApiError, Method};

/// A request body.
pub enum Body<'a> {
    None,
    /// `application/x-www-form-urlencoded`: a CORS "simple" request, so no preflight.
    Form(&'a str),
    /// `application/json`, for the APIs' writes.
    Json(String),
}

/// Whether the browser's HTTP cache (and any cache on the way) may answer a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    Allowed,
    /// `cache: "no-cache"`: a cached answer is used only once the server confirms it is current.
    Bypassed,
}

/// Sends one request and returns the body of a 2xx answer: a GET, or a form POST. For the
/// OAuth endpoints, which are not retried (a sign-in must not hang on a slow server).
pub async fn send(
    step: Step,
    url: &str,
    bearer: Option<&str>,
    body: Body<'_>,
) -> Result<String, ApiError> {
    let method = match body {
        Body::None => Method::Get,
        Body::Form(_) | Body::Json(_) => Method::Post,
    };
    attempt(step, method, url, bearer, &body, Caching::Allowed).await
}

/// A GET like [`send`]'s that no cache may answer without asking the server (a key set when
/// the copy at hand may be from before a rotation).
pub async fn send_bypassing_caches(step: Step, url: &str) -> Result<String, ApiError> {
    attempt(step, Method::Get, url, None, &Body::None, Caching::Bypassed).await
}

/// An API call with a bearer token, retried as [`RetryPolicy`] decides.
pub async fn call(
    method: Method,
    url: &str,
    bearer: &str,
    body: Body<'_>,
) -> Result<String, ApiError> {
    let policy = RetryPolicy::default();
    let started = now_ms();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let error = match attempt(
            Step::ApiCall,
            method,
            url,
            Some(bearer),
            &body,
            Caching::Allowed,
        )
        .await
        {
            Ok(text) => return Ok(text),
            Err(error) => error,
        };
        let elapsed = now_ms().saturating_sub(started);
        match policy.decide(method, attempts, &error, elapsed, js_sys::Math::random()) {
            Decision::RetryAfter(ms) => gloo_timers::future::sleep(Duration::from_millis(ms)).await,
            Decision::GiveUp => return Err(error),
        }
    }
}

/// One HTTP exchange, recorded on the inspector's timeline (every attempt, retries too).
async fn attempt(
    step: Step,
    method: Method,
    url: &str,
    bearer: Option<&str>,
    body: &Body<'_>,
    caching: Caching,
) -> Result<String, ApiError> {
    checked(recorded(step, method, url, bearer, body, caching).await?)
}

/// A 2xx answer's body, or why not.
fn checked(received: crate::browser::fetch::Answer) -> Result<String, ApiError> {
    let header = |name| received.header(name);
    let answer = Answer {
        status: received.status,
        www_authenticate: header("www-authenticate"),
        retry_after: header("retry-after"),
        body: &received.text,
    };
    check_answer(&answer, now_ms())?;
    Ok(received.text)
}

/// A form POST whose answer, success or not, the caller reads itself (the token endpoint
/// answers errors in OAuth's JSON, RFC 6749 §5.2, and so does the pushed authorization request
/// endpoint, RFC 9126 §2.3; revocation's 400 can mean "nothing left to revoke",
/// `oauth::revocation::read_answer`): the status and body, unless nothing came.
pub async fn exchange(step: Step, url: &str, form: &str) -> Result<(u16, String), ApiError> {
    let received = recorded(
        step,
        Method::Post,
        url,
        None,
        &Body::Form(form),
        Caching::Allowed,
    )
    .await?;
    Ok((received.status, received.text))
}

/// An answer fetched but not looked at yet, nor put on the timeline: user info sent beside token
/// info in the plain implicit grant, whose answer may be used only once token info has shown the
/// token is this app's. Dropped unreleased, it leaves no trace.
pub struct Held {
    step: Step,
    exchange: HttpExchange,
    received: Result<crate::browser::fetch::Answer, ApiError>,
}

impl Held {
    /// Records the exchange and gives its body (or why not), as [`send`] would have.
    pub fn release(self) -> Result<String, ApiError> {
        put_on_timeline(self.step, self.exchange);
        checked(self.received?)
    }
}

/// A GET like [`send`]'s, held unrecorded and unread until [`Held::release`].
pub async fn send_held(step: Step, url: &str, bearer: Option<&str>) -> Held {
    let (received, exchange) = unrecorded(
        step,
        Method::Get,
        url,
        bearer,
        &Body::None,
        Caching::Allowed,
    )
    .await;
    Held {
        step,
        exchange,
        received,
    }
}

/// Sends the request and puts the exchange on the timeline, whatever the outcome.
async fn recorded(
    step: Step,
    method: Method,
    url: &str,
    bearer: Option<&str>,
    body: &Body<'_>,
    caching: Caching,
) -> Result<crate::browser::fetch::Answer, ApiError> {
    let (received, exchange) = unrecorded(step, method, url, bearer, body, caching).await;
    put_on_timeline(step, exchange);
    received
}

fn put_on_timeline(step: Step, exchange: HttpExchange) {
    timeline::record(
        step,
        &format!("{} {}", exchange.method, exchange.url),
        Vec::new(),
        None,
        None,
        Some(exchange),
    );
}

/// Sends the request; the exchange as the inspector would show it. With DPoP in use, the
/// request carries a proof, and a server that answers `use_dpop_nonce` gets the request once
/// more with its nonce (RFC 9449 §8, §9); the refused attempt goes on the timeline first.
async fn unrecorded(
    step: Step,
    method: Method,
    url: &str,
    bearer: Option<&str>,
    body: &Body<'_>,
    caching: Caching,
) -> (
    Result<crate::browser::fetch::Answer, ApiError>,
    HttpExchange,
) {
    // Tokens this request carries are hidden in the inspector whether or not it saw them arrive
    // (after a reload, the session's token was never on the timeline).
    if let Some(token) = bearer {
        timeline::secret("access token", token);
    }
    if let Body::Form(form) = body {
        timeline::secrets_in_form(form);
    }
    let mut attempt = 1;
    loop {
        // Only a provider other than Google offers DPoP. `cfg`, not `crate::OTHER_PROVIDERS`:
        // an async function keeps the code of every future it awaits.
        #[cfg(feature = "other-providers")]
        let presentation = dpop::present(step, method, url, bearer).await;
        #[cfg(not(feature = "other-providers"))]
        let presentation: Result<Option<Presentation>, ApiError> = Ok(None);
        let mut exchange = HttpExchange {
            method: method.as_str().to_owned(),
            url: url.to_owned(),
            request_headers: request_headers(bearer.is_some(), body, caching),
            request_body: body.text().map(str::to_owned),
            status: None,
            response_headers: Vec::new(),
            response_body: None,
        };
        let presentation = match presentation {
            Ok(presentation) => presentation,
            Err(error) => return (Err(error), exchange),
        };
        let scheme = match &presentation {
            Some(Presentation {
                bound_token: true, ..
            }) => "DPoP",
            _ => "Bearer",
        };
        if let Some(presentation) = &presentation {
            dpop_headers(&mut exchange.request_headers, presentation);
        }
        let authorization = bearer.map(|token| format!("{scheme} {token}"));
        let mut headers = Vec::new();
        if let Some(content_type) = body.content_type() {
            headers.push(("Content-Type", content_type));
        }
        if let Some(value) = &authorization {
            headers.push(("Authorization", value.as_str()));
        }
        if let Some(presentation) = &presentation {
            headers.push(("DPoP", presentation.proof.as_str()));
        }
        let received = fetch(
            url,
            method.as_str(),
            &headers,
            body.text(),
            RequestCredentials::Omit,
            &HEADERS_THAT_MATTER,
            caching == Caching::Bypassed,
        )
        .await;
        if let Ok(received) = &received {
            // Secrets in the answer (a token endpoint's tokens) are hidden before it is recorded.
            timeline::secrets_in_json(&received.text);
            exchange.status = Some(received.status);
            exchange.response_headers = received.headers.clone();
            exchange.response_body = Some(received.text.clone());
            if presentation.is_some() && retry_with_nonce(url, attempt, received) {
                put_on_timeline(step, exchange);
                attempt += 1;
                continue;
            }
        }
        return (received.map_err(ApiError::Network), exchange);
    }
}

/// Keeps the server's `DPoP-Nonce`, and says whether its answer asks for one in a new proof.
fn retry_with_nonce(url: &str, attempt: u32, received: &crate::browser::fetch::Answer) -> bool {
    let header = |name| received.header(name);
    let nonce = header("dpop-nonce");
    if let Some(nonce) = nonce {
        dpop::remember_nonce(url, nonce);
    }
    oauth::dpop::retry_with_nonce(
        attempt,
        received.status,
        header("www-authenticate"),
        &received.text,
        nonce.is_some(),
    )
}

/// What the inspector shows of a DPoP request: the scheme, and that a proof went along (its
/// header and claims are the step recorded just before).
fn dpop_headers(headers: &mut Vec<(String, String)>, presentation: &Presentation) {
    if presentation.bound_token {
        if let Some((_, value)) = headers.iter_mut().find(|(n, _)| n == "authorization") {
            *value = "DPoP (the access token, bound to this page's key)".to_owned();
        }
    }
    headers.push((
        "dpop".to_owned(),
        "a proof signed with this page's key (its header and claims: the step before)".to_owned(),
    ));
}

impl Body<'_> {
    fn content_type(&self) -> Option<&'static str> {
        match self {
            Body::None => None,
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
            Body::Json(_) => Some("application/json"),
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Body::None => None,
            Body::Form(form) => Some(form),
            Body::Json(json) => Some(json),
        }
    }
}

/// The response headers the inspector shows: what decides how the browser and app treat it
/// (and the two the API layer reads: the bearer challenge and `Retry-After`).
const HEADERS_THAT_MATTER: [&str; 6] = [
    "content-type",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "www-authenticate",
    "retry-after",
    // RFC 9449 §8, §9: the server's nonce for the next proof.
    "dpop-nonce",
];

fn request_headers(bearer: bool, body: &Body<'_>, caching: Caching) -> Vec<(String, String)> {
    let mut headers = Vec::new();
    if bearer {
        // The inspector hides the token itself through the registered secrets.
        headers.push((
            "authorization".to_owned(),
            "Bearer (the access token)".to_owned(),
        ));
    }
    if let Some(content_type) = body.content_type() {
        headers.push(("content-type".to_owned(), content_type.to_owned()));
    }
    headers.push((
        "credentials".to_owned(),
        "omit (no cookies are sent)".to_owned(),
    ));
    if caching == Caching::Bypassed {
        headers.push((
            "cache".to_owned(),
            "no-cache (caches must ask the server whether what they hold is current)".to_owned(),
        ));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inspector_sees_each_bodys_type() {
        let json = Body::Json("{}".into());
        let headers = request_headers(true, &json, Caching::Allowed);
        assert!(headers.contains(&("content-type".into(), "application/json".into())));
        assert_eq!(json.text(), Some("{}"));
        assert_eq!(Body::None.content_type(), None);
    }
}
