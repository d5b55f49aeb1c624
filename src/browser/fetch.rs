//! `fetch`, straight through web-sys: gloo-net's builder and its `http` crate types cost the
//! wasm build more than the three calls the app makes. Callers choose method, headers, body and
//! credentials; this only runs the request and reads the answer as text.

use super::{js_message, window};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestCache, RequestCredentials, RequestInit, Response};

/// The one way `window()` fails, said without formatting `BrowserError` (the front door
/// carries no formatting it does not need).
const NO_WINDOW: &str = "the page has no window (not running in a browser)";

/// What came back: the status, the response headers asked for, and the body text, whatever the
/// status.
pub struct Answer {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers kept ([`Kept`]), names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub text: String,
}

impl Answer {
    /// A kept response header's value (`name` in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Which response headers to keep.
#[derive(Debug, Clone, Copy)]
pub enum Kept<'a> {
    /// These (lower case), where the browser exposes them.
    Named(&'a [&'a str]),
    /// Every one the browser exposes: cross-origin, the CORS-safelisted ones and those the
    /// server names in `Access-Control-Expose-Headers` (Fetch §3.2.4).
    AllExposed,
}

/// Runs `fetch(url, {method, headers, body, credentials, cache})` and keeps the response headers
/// `keep` names that the browser exposes. `Err` means no answer at all (a network failure,
/// CORS, or the CSP refusing the origin), with the browser's reason.
pub async fn fetch(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    credentials: RequestCredentials,
    keep: Kept<'_>,
    revalidate: bool,
) -> Result<Answer, String> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(credentials);
    if revalidate {
        // Ask the server even if the HTTP cache holds an answer (a key set after a rotation).
        init.set_cache(RequestCache::NoCache);
    }
    if !headers.is_empty() {
        let list = Headers::new().map_err(|e| js_message(&e))?;
        for (name, value) in headers {
            list.set(name, value).map_err(|e| js_message(&e))?;
        }
        init.set_headers(&list);
    }
    if let Some(body) = body {
        init.set_body(&body.into());
    }
    let window = window().map_err(|_| NO_WINDOW.to_owned())?;
    read(
        window.fetch_with_str_and_init(url, &init),
        |received| match keep {
            Kept::Named(names) => named(received, names),
            Kept::AllExposed => all_headers(received),
        },
    )
    .await
}

/// `fetch(url)` as it is, a same-origin GET with same-origin credentials (what index.html's
/// preload of config.json asks, so the preloaded answer is the one used): no request options
/// to build, which spares the front door their bindings.
pub async fn get(url: &str, keep: &[&str]) -> Result<Answer, String> {
    let window = window().map_err(|_| NO_WINDOW.to_owned())?;
    read(window.fetch_with_str(url), |received| named(received, keep)).await
}

/// Awaits the response and its text; `kept` picks the headers. A closure, so the front door's
/// `get` does not link in the walk over every header the inspector's requests ask for.
async fn read(
    fetched: js_sys::Promise,
    kept: impl FnOnce(&Headers) -> Vec<(String, String)>,
) -> Result<Answer, String> {
    let response: Response = JsFuture::from(fetched)
        .await
        .map_err(|e| js_message(&e))?
        .unchecked_into();
    let text = JsFuture::from(response.text().map_err(|e| js_message(&e))?)
        .await
        .map_err(|e| js_message(&e))?;
    let received = response.headers();
    Ok(Answer {
        status: response.status(),
        headers: kept(&received),
        text: text.as_string().unwrap_or_default(),
    })
}

/// The headers `names` (lower case) that the browser exposes.
fn named(headers: &Headers, names: &[&str]) -> Vec<(String, String)> {
    names
        .iter()
        .filter_map(|name| Some(((*name).to_owned(), headers.get(name).ok()??)))
        .collect()
}

/// Every `[name, value]` a `Headers` iterates (names in lower case, repeated ones joined).
fn all_headers(headers: &Headers) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.ok()?.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}
