//! The one request function. Tokens travel only in an `Authorization: Bearer` header or a
//! form body, never in a URL (RFC 9700 §4.3.2), and no request carries cookies: Google's APIs
//! do not use them, and its revocation endpoint fails a credentialed CORS request.
//!
//! This is an adapter: what an answer means, whether to retry and when, and how far to page are
//! the `oauth` crate's decisions ([`oauth::api`], [`oauth::retry`], [`oauth::paging`]); this
//! module fetches, sleeps and fetches again.

use crate::browser::clock::now_ms;
use crate::browser::fetch::fetch;
use crate::timeline::{self, HttpExchange, Step};
use oauth::api::{check_answer, Answer};
use oauth::json::{object_of, FieldError, FromJson, Json};
use oauth::paging::{Next, PageCursor};
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
    attempt(step, method, url, bearer, &body).await
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
        let error = match attempt(Step::ApiCall, method, url, Some(bearer), &body).await {
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

/// [`call`], then the answer decoded from JSON.
pub async fn call_json<T: FromJson>(
    method: Method,
    url: &str,
    bearer: &str,
    body: Body<'_>,
) -> Result<T, ApiError> {
    decode(&call(method, url, bearer, body).await?)
}

/// Every item of a Google list, following `nextPageToken` within [`PageCursor`]'s bounds.
/// `page_url` gives the URL of a page from its token (`None` for the first).
pub async fn list_all<T: FromJson>(
    page_url: impl Fn(Option<&str>) -> String,
    bearer: &str,
) -> Result<Listing<T>, ApiError> {
    let mut cursor = PageCursor::default();
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page: Page<T> =
            call_json(Method::Get, &page_url(token.as_deref()), bearer, Body::None).await?;
        items.extend(page.items);
        match cursor.advance(page.next_page_token.as_deref())? {
            Next::Fetch(next) => token = Some(next),
            Next::Done => {
                return Ok(Listing {
                    items,
                    complete: cursor.is_complete(),
                })
            }
        }
    }
}

/// All the items of a list, and whether the page budget let every page be fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub complete: bool,
}

/// One page of a Google list. Google leaves `items` out of an empty page.
struct Page<T> {
    items: Vec<T>,
    next_page_token: Option<String>,
}

impl<T: FromJson> FromJson for Page<T> {
    fn from_json(value: &Json) -> Result<Self, FieldError> {
        let o = object_of(value, "page")?;
        Ok(Page {
            items: o.list("items")?.unwrap_or_default(),
            next_page_token: o.string("nextPageToken")?,
        })
    }
}

pub fn decode<T: FromJson>(text: &str) -> Result<T, ApiError> {
    let value = Json::parse(text).map_err(|e| ApiError::Malformed(e.to_string()))?;
    T::from_json(&value).map_err(|e| ApiError::Malformed(e.to_string()))
}

/// One HTTP exchange, recorded on the inspector's timeline (every attempt, retries too).
async fn attempt(
    step: Step,
    method: Method,
    url: &str,
    bearer: Option<&str>,
    body: &Body<'_>,
) -> Result<String, ApiError> {
    let received = recorded(step, method, url, bearer, body).await?;
    let header = |name: &str| {
        received
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
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
/// answers errors in OAuth's JSON, RFC 6749 §5.2): the status and body, unless nothing came.
pub async fn exchange(url: &str, form: &str) -> Result<(u16, String), ApiError> {
    let received = recorded(
        Step::TokenExchange,
        Method::Post,
        url,
        None,
        &Body::Form(form),
    )
    .await?;
    Ok((received.status, received.text))
}

/// Sends the request and puts the exchange on the timeline, whatever the outcome.
async fn recorded(
    step: Step,
    method: Method,
    url: &str,
    bearer: Option<&str>,
    body: &Body<'_>,
) -> Result<crate::browser::fetch::Answer, ApiError> {
    // Tokens this request carries are hidden in the inspector whether or not it saw them arrive
    // (after a reload, the session's token was never on the timeline).
    if let Some(token) = bearer {
        timeline::secret("access token", token);
    }
    if let Body::Form(form) = body {
        timeline::secrets_in_form(form);
    }
    let mut exchange = HttpExchange {
        method: method.as_str().to_owned(),
        url: url.to_owned(),
        request_headers: request_headers(bearer.is_some(), body),
        request_body: body.text().map(str::to_owned),
        status: None,
        response_headers: Vec::new(),
        response_body: None,
    };
    let authorization = bearer.map(|token| format!("Bearer {token}"));
    let mut headers = Vec::new();
    if let Some(content_type) = body.content_type() {
        headers.push(("Content-Type", content_type));
    }
    if let Some(value) = &authorization {
        headers.push(("Authorization", value.as_str()));
    }
    let received = fetch(
        url,
        method.as_str(),
        &headers,
        body.text(),
        RequestCredentials::Omit,
        &HEADERS_THAT_MATTER,
        // Keys are fetched only when the copy in hand lacks one: a cached set would lack it too.
        step == Step::Keys,
    )
    .await;
    if let Ok(received) = &received {
        // Secrets in the answer (a token endpoint's tokens) are hidden before it is recorded.
        timeline::secrets_in_json(&received.text);
        exchange.status = Some(received.status);
        exchange.response_headers = received.headers.clone();
        exchange.response_body = Some(received.text.clone());
    }
    timeline::record(
        step,
        &format!("{} {}", exchange.method, url),
        Vec::new(),
        None,
        None,
        Some(exchange),
    );
    received.map_err(ApiError::Network)
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
    if let Some(content_type) = body.content_type() {
        headers.push(("content-type".to_owned(), content_type.to_owned()));
    }
    headers.push((
        "credentials".to_owned(),
        "omit (no cookies are sent)".to_owned(),
    ));
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_page_has_no_items_and_no_token() {
        let page: Page<u32> = decode(r#"{"kind":"tasks#tasks","etag":"\"1\""}"#).unwrap();
        assert!(page.items.is_empty());
        assert_eq!(page.next_page_token, None);
        let page: Page<u32> = decode(r#"{"items":[1,2],"nextPageToken":"EAE2"}"#).unwrap();
        assert_eq!(
            (page.items, page.next_page_token.as_deref()),
            (vec![1, 2], Some("EAE2"))
        );
    }

    #[test]
    fn undecodable_answers_are_malformed() {
        assert!(matches!(
            decode::<Page<u32>>("<html>"),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(
            decode::<Page<u32>>(r#"{"items":"no"}"#),
            Err(ApiError::Malformed(_))
        ));
    }

    #[test]
    fn the_inspector_sees_each_bodys_type() {
        let json = Body::Json("{}".into());
        let headers = request_headers(true, &json);
        assert!(headers.contains(&("content-type".into(), "application/json".into())));
        assert_eq!(json.text(), Some("{}"));
        assert_eq!(Body::None.content_type(), None);
    }
}
