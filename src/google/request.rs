//! The one request function. Tokens travel only in an `Authorization: Bearer` header or a
//! form body, never in a URL (RFC 9700 §4.3.2), and no request carries cookies: Google's APIs
//! do not use them, and its revocation endpoint fails a credentialed CORS request.
//!
//! This is an adapter: what an answer means, whether to retry and when, and how far to page are
//! the `oauth` crate's decisions ([`oauth::api`], [`oauth::retry`], [`oauth::paging`]); this
//! module fetches, sleeps and fetches again.

use crate::browser::clock::now_ms;
use crate::browser::fetch::{fetch, Kept};
use crate::dpop::{self, Presentation};
use crate::timeline::{self, HttpExchange, Step};
use oauth::api::{check_answer, Answer};
use oauth::retry::{Decision, RetryPolicy};
use std::time::Duration;
use web_sys::RequestCredentials;

pub use oauth::api::{ApiError, Method};

/// A request body.
pub enum Body<'a> {
    /// No body: a GET.
    None,
    /// `application/x-www-form-urlencoded`: a CORS "simple" request, so no preflight.
    Form(&'a str),
    /// `application/json`, for the APIs' writes.
    Json(String),
    /// As composed in the inspector's "Try a request": its type, if any, is among the request's
    /// own headers.
    Raw(&'a str),
}

/// Whether the browser's HTTP cache (and any cache on the way) may answer a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// As HTTP caching allows: the default.
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
        Body::Form(_) | Body::Json(_) | Body::Raw(_) => Method::Post,
    };
    let sent = Sent::new(step, method, url, bearer, &body);
    Ok(attempt(&sent, Caching::Allowed).await?.text)
}

/// A GET like [`send`]'s that no cache may answer without asking the server (a key set when
/// the copy at hand may be from before a rotation).
pub async fn send_bypassing_caches(step: Step, url: &str) -> Result<String, ApiError> {
    let sent = Sent::new(step, Method::Get, url, None, &Body::None);
    Ok(attempt(&sent, Caching::Bypassed).await?.text)
}

/// An API call with a bearer token, retried as [`RetryPolicy`] decides: the 2xx answer.
pub async fn call(
    method: Method,
    url: &str,
    bearer: &str,
    body: Body<'_>,
) -> Result<ReceivedAnswer, ApiError> {
    let policy = RetryPolicy::default();
    let started = now_ms();
    let mut attempts = 0;
    let sent = Sent::new(Step::ApiCall, method, url, Some(bearer), &body);
    loop {
        attempts += 1;
        let error = match attempt(&sent, Caching::Allowed).await {
            Ok(answer) => return Ok(answer),
            Err(error) => error,
        };
        let elapsed = now_ms().saturating_sub(started);
        match policy.decide(method, attempts, &error, elapsed, js_sys::Math::random()) {
            Decision::RetryAfter(ms) => gloo_timers::future::sleep(Duration::from_millis(ms)).await,
            Decision::GiveUp => return Err(error),
        }
    }
}

/// A request composed in the inspector's "Try a request", with the token: sent once, as it
/// is (its own headers, its body), recorded like every other call, and its answer returned
/// whatever the status, with every header the browser exposes. DPoP proofs and nonces as for
/// any request.
/// With `token_in_body`, the body already carries the token (Google's token info wants it
/// there) and no `Authorization` header goes along: RFC 6750 §2, one way per request.
pub async fn send_as_composed(
    method: Method,
    url: &str,
    bearer: &str,
    headers: &[(String, String)],
    body: Option<&str>,
    token_in_body: bool,
) -> Result<ReceivedAnswer, ApiError> {
    timeline::secret("access token", bearer);
    let body = body.map_or(Body::None, Body::Raw);
    let header = (!token_in_body).then_some(bearer);
    let mut sent = Sent::new(Step::ApiCall, method, url, header, &body);
    sent.headers.extend(headers.iter().cloned());
    sent.kept = Kept::AllExposed;
    recorded(&sent, Caching::Allowed).await
}

/// What came back.
pub type ReceivedAnswer = crate::browser::fetch::Answer;

/// One HTTP exchange, recorded on the inspector's timeline (every attempt, retries too).
async fn attempt(sent: &Sent<'_>, caching: Caching) -> Result<ReceivedAnswer, ApiError> {
    checked(recorded(sent, caching).await?)
}

/// A 2xx answer, or why not.
fn checked(received: ReceivedAnswer) -> Result<ReceivedAnswer, ApiError> {
    let header = |name| received.header(name);
    let answer = Answer {
        status: received.status,
        www_authenticate: header("www-authenticate"),
        retry_after: header("retry-after"),
        body: &received.text,
    };
    check_answer(&answer, now_ms())?;
    Ok(received)
}

/// A request as it goes out: what the timeline records of it and what fetch is given.
struct Sent<'a> {
    step: Step,
    method: Method,
    url: &'a str,
    bearer: Option<&'a str>,
    /// Headers besides the token's (`Authorization`, `DPoP`), which each attempt adds.
    headers: Vec<(String, String)>,
    body: Option<&'a str>,
    kept: Kept<'static>,
}

impl<'a> Sent<'a> {
    fn new(
        step: Step,
        method: Method,
        url: &'a str,
        bearer: Option<&'a str>,
        body: &'a Body<'a>,
    ) -> Self {
        Sent {
            step,
            method,
            url,
            bearer,
            headers: body
                .content_type()
                .map(|t| ("Content-Type".to_owned(), t.to_owned()))
                .into_iter()
                .collect(),
            body: body.text(),
            kept: Kept::Named(&HEADERS_THAT_MATTER),
        }
    }
}

/// A form POST whose answer, success or not, the caller reads itself (the token endpoint
/// answers errors in OAuth's JSON, RFC 6749 §5.2, and so does the pushed authorization request
/// endpoint, RFC 9126 §2.3; revocation's 400 can mean "nothing left to revoke",
/// `oauth::revocation::read_answer`): the status and body, unless nothing came.
pub async fn exchange(step: Step, url: &str, form: &str) -> Result<(u16, String), ApiError> {
    let body = Body::Form(form);
    let sent = Sent::new(step, Method::Post, url, None, &body);
    let received = recorded(&sent, Caching::Allowed).await?;
    Ok((received.status, received.text))
}

/// An answer fetched but not looked at yet, nor put on the timeline: user info sent beside token
/// info in the plain implicit grant, whose answer may be used only once token info has shown the
/// token is this app's. Dropped unreleased, it leaves no trace.
pub struct Held {
    step: Step,
    exchange: HttpExchange,
    received: Result<ReceivedAnswer, ApiError>,
}

impl Held {
    /// Records the exchange and gives its body (or why not), as [`send`] would have.
    pub fn release(self) -> Result<String, ApiError> {
        put_on_timeline(self.step, self.exchange);
        Ok(checked(self.received?)?.text)
    }
}

/// A GET like [`send`]'s, held unrecorded and unread until [`Held::release`].
pub async fn send_held(step: Step, url: &str, bearer: Option<&str>) -> Held {
    let sent = Sent::new(step, Method::Get, url, bearer, &Body::None);
    let (received, exchange) = unrecorded(&sent, Caching::Allowed).await;
    Held {
        step,
        exchange,
        received,
    }
}

/// Sends the request and puts the exchange on the timeline, whatever the outcome.
async fn recorded(sent: &Sent<'_>, caching: Caching) -> Result<ReceivedAnswer, ApiError> {
    let (received, exchange) = unrecorded(sent, caching).await;
    put_on_timeline(sent.step, exchange);
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

/// Sends the request; the exchange as the inspector would show it: the headers exactly as
/// they were given to fetch (the token among them, hidden by the inspector's secret filter),
/// and fetch's own options apart. With DPoP in use, the request carries a proof, and a server
/// that answers `use_dpop_nonce` gets the request once more with its nonce (RFC 9449 §8, §9);
/// the refused attempt goes on the timeline first.
async fn unrecorded(
    sent: &Sent<'_>,
    caching: Caching,
) -> (Result<ReceivedAnswer, ApiError>, HttpExchange) {
    let Sent {
        step,
        method,
        url,
        bearer,
        body,
        kept,
        ..
    } = *sent;
    // Tokens this request carries are hidden in the inspector whether or not it saw them arrive
    // (after a reload, the session's token was never on the timeline).
    if let Some(token) = bearer {
        timeline::secret("access token", token);
    }
    if let Some(form) = body.filter(|_| is_form(&sent.headers)) {
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
            request_headers: sent.headers.clone(),
            fetch_options: fetch_options(caching),
            request_body: body.map(str::to_owned),
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
        if let Some(token) = bearer {
            let value = format!("{scheme} {token}");
            exchange
                .request_headers
                .push(("Authorization".to_owned(), value));
        }
        if let Some(presentation) = &presentation {
            let proof = presentation.proof.clone();
            exchange.request_headers.push(("DPoP".to_owned(), proof));
        }
        let headers: Vec<(&str, &str)> = exchange
            .request_headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let received = fetch(
            url,
            method.as_str(),
            &headers,
            body,
            RequestCredentials::Omit,
            kept,
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

/// Whether the body goes as a form (whose secret parameters the inspector then hides).
fn is_form(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("content-type")
            && v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
    })
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

impl Body<'_> {
    fn content_type(&self) -> Option<&'static str> {
        match self {
            Body::None | Body::Raw(_) => None,
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
            Body::Json(_) => Some("application/json"),
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Body::None => None,
            Body::Form(form) | Body::Raw(form) => Some(form),
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

/// What fetch was told besides the headers, for the inspector.
fn fetch_options(caching: Caching) -> Vec<(String, String)> {
    let mut options = vec![(
        "credentials".to_owned(),
        "omit (no cookies are sent)".to_owned(),
    )];
    if caching == Caching::Bypassed {
        options.push((
            "cache".to_owned(),
            "no-cache (caches must ask the server whether what they hold is current)".to_owned(),
        ));
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inspector_sees_each_bodys_type() {
        let json = Body::Json("{}".into());
        let sent = Sent::new(Step::ApiCall, Method::Post, "https://x", None, &json);
        assert_eq!(
            sent.headers,
            vec![("Content-Type".to_owned(), "application/json".to_owned())]
        );
        assert_eq!(sent.body, Some("{}"));
        assert_eq!(Body::None.content_type(), None);
        assert_eq!(
            Body::Raw("x").content_type(),
            None,
            "its type is its own header"
        );
        assert!(is_form(
            &Sent::new(
                Step::Revocation,
                Method::Post,
                "https://x",
                None,
                &Body::Form("a=b")
            )
            .headers
        ));
        assert_eq!(fetch_options(Caching::Bypassed).len(), 2);
    }
}
