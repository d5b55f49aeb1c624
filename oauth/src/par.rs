//! Pushed authorization requests (RFC 9126): the parameters of the authorization request go to
//! the provider in a form POST first, and the person's browser is then sent to the
//! authorization endpoint with nothing but `client_id` and the `request_uri` the provider
//! answered. State, nonce, the PKCE challenge, `dpop_jkt`, scopes and hints never ride in the
//! address bar (nor in history, a `Referer` or the provider's access logs), and a provider that
//! requires PAR (`require_pushed_authorization_requests`, FAPI 2.0) accepts the request at all.
//!
//! Sans-IO like the rest: [`PushedRequest`] is what to POST, [`PushedRequest::read_answer`]
//! reads what came back, [`next_step`] says whether the `request_uri` may still be sent, and
//! [`PushedRequest::redirect_url`] is where the browser goes. The caller does the HTTP (with a
//! DPoP proof when DPoP is in use, RFC 9449 §10.1) and the navigation.

use crate::error::{ProviderError, ProviderName};
use crate::json::Json;

/// What the provider's metadata says about pushed requests (RFC 9126 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// No `pushed_authorization_request_endpoint`: parameters go in the authorization URL.
    NotOffered,
    /// The endpoint is advertised: "sufficient for a client to determine that it may use the
    /// PAR flow" (§5). This client then always does, so nothing rides in the address bar.
    Offered,
    /// `require_pushed_authorization_requests: true`: the provider refuses anything else
    /// (with `invalid_request`, §4).
    Required,
}

impl Policy {
    /// Reads the two metadata values. A provider that requires pushing but names no endpoint
    /// cannot be signed in with at all: `Err` says what is missing.
    pub fn from_metadata(endpoint: Option<&str>, required: bool) -> Result<Policy, &'static str> {
        match (endpoint, required) {
            (None, true) => Err("a pushed_authorization_request_endpoint, which its require_pushed_authorization_requests demands (RFC 9126 §5)"),
            (None, false) => Ok(Policy::NotOffered),
            (Some(_), false) => Ok(Policy::Offered),
            (Some(_), true) => Ok(Policy::Required),
        }
    }

    /// Whether authorization requests are pushed: whenever the provider offers it.
    pub fn pushes(self) -> bool {
        self != Policy::NotOffered
    }
}

/// A `request_uri` with less than this left is not sent: the browser still has to get to the
/// authorization endpoint with it, and an expired one "MUST be rejected" there (§4).
pub const USE_MARGIN_MS: u64 = 2_000;

/// An authorization request to push: the form body and where it goes, and what the redirect
/// afterwards needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedRequest {
    /// The `pushed_authorization_request_endpoint`.
    pub endpoint: String,
    /// `application/x-www-form-urlencoded`, UTF-8 (§2.1): every authorization request parameter,
    /// `client_id` included, which identifies a public client here as at the token endpoint (§2).
    pub body: String,
    pub authorization_endpoint: String,
    pub client_id: String,
}

impl PushedRequest {
    /// The push of the authorization request whose parameters are `parameters`. `request_uri`
    /// "MUST NOT be provided" in a push (§2.1): it is left out should it ever be among them.
    pub fn new(
        endpoint: &str,
        authorization_endpoint: &str,
        client_id: &str,
        parameters: &[(&str, String)],
    ) -> PushedRequest {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(parameters.iter().filter(|(name, _)| *name != "request_uri"))
            .finish();
        PushedRequest {
            endpoint: endpoint.to_owned(),
            body,
            authorization_endpoint: authorization_endpoint.to_owned(),
            client_id: client_id.to_owned(),
        }
    }

    /// Reads the provider's answer to the push, sent at `sent_at_ms` (local time): the
    /// lifetime counts from when the request left, so a slow answer shortens it rather than
    /// stretching it. Success is exactly `201 Created` with `request_uri` and `expires_in`
    /// (§2.2); errors come as a token endpoint's (§2.3, RFC 6749 §5.2).
    pub fn read_answer(
        &self,
        status: u16,
        body: &str,
        sent_at_ms: u64,
    ) -> Result<RequestUri, ParError> {
        let object = Json::parse_object(body).ok();
        if status != 201 {
            let error = object.as_ref().and_then(|o| {
                Some(ProviderError {
                    code: o.string("error").ok()??,
                    description: o.string("error_description").ok()?,
                    uri: o.string("error_uri").ok()?,
                })
            });
            return Err(match error {
                Some(error) => ParError::Refused { status, error },
                None => ParError::Status(status),
            });
        }
        let o = object.ok_or(ParError::Malformed("is not a JSON object"))?;
        let value = o
            .string("request_uri")
            .ok()
            .flatten()
            .filter(|uri| !uri.is_empty())
            .ok_or(ParError::Malformed("has no request_uri"))?;
        // "A JSON number that represents the lifetime of the request URI in seconds as a
        // positive integer" (§2.2).
        let expires_in = o
            .get("expires_in")
            .and_then(Json::as_integer::<u64>)
            .filter(|secs| *secs > 0)
            .ok_or(ParError::Malformed(
                "has no expires_in that is a positive whole number of seconds",
            ))?;
        Ok(RequestUri {
            value,
            expires_in,
            expires_at_ms: sent_at_ms.saturating_add(expires_in.saturating_mul(1000)),
        })
    }

    /// Where the browser goes with a pushed request: the authorization endpoint (its own query
    /// kept) with `client_id` and `request_uri` only (§4).
    pub fn redirect_url(&self, uri: &RequestUri) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("request_uri", &uri.value)
            .finish();
        crate::url::with_query(&self.authorization_endpoint, &query)
    }
}

/// The provider's reference to a pushed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestUri {
    pub value: String,
    /// As the provider said it, for the inspector.
    pub expires_in: u64,
    /// Local time after which the provider no longer accepts it.
    pub expires_at_ms: u64,
}

impl RequestUri {
    /// Whether there is time enough left to send it ([`USE_MARGIN_MS`]).
    pub fn usable_at(&self, now_ms: u64) -> bool {
        self.expires_at_ms.saturating_sub(now_ms) > USE_MARGIN_MS
    }
}

/// What to do with a `request_uri` just answered, on the `attempt`-th push of this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Send the browser with it.
    Go,
    /// It is (nearly) stale: push the same parameters again for a fresh one. A stale one is
    /// never sent, and each `request_uri` is used once at most (§4: "the client MUST only use
    /// a request_uri value once"), so the stale one is simply dropped.
    PushAgain,
}

/// How many pushes one authorization request gets: the first, and one more if its answer came
/// back (nearly) stale. A provider whose every `request_uri` is stale on arrival is said to be
/// so rather than asked forever.
pub const MAX_PUSHES: u32 = 2;

/// [`Next`] for `uri`, answered to push number `attempt` (from 1), at `now_ms`.
pub fn next_step(uri: &RequestUri, now_ms: u64, attempt: u32) -> Result<Next, ParError> {
    if uri.usable_at(now_ms) {
        Ok(Next::Go)
    } else if attempt < MAX_PUSHES {
        Ok(Next::PushAgain)
    } else {
        Err(ParError::Expired(uri.expires_in))
    }
}

/// Why a pushed authorization request did not give a `request_uri` this page can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParError {
    #[error("{}", refused(.error, &ProviderName::Unnamed))]
    Refused { status: u16, error: ProviderError },
    #[error("The provider's pushed authorization request endpoint answered HTTP {status} {words}, so no sign-in was started.", status = .0, words = status_words(*.0))]
    Status(u16),
    #[error("The provider's answer to the pushed authorization request {what} (RFC 9126 §2.2), so no sign-in was started.", what = .0)]
    Malformed(&'static str),
    #[error("Every request_uri the provider gave expired before this page could send you with it ({secs} s of life, even when asked again), so none was sent (RFC 9126 §4).", secs = .0)]
    Expired(u64),
}

fn refused(error: &ProviderError, by: &ProviderName) -> String {
    format!(
        "The pushed authorization request was refused (RFC 9126): {} ({})",
        error.explanation(by),
        error.code
    )
}

/// What RFC 9126 §2.3 says such a status means.
fn status_words(status: u16) -> &'static str {
    match status {
        405 => "(method not allowed: it takes only POST)",
        413 => "(the request was larger than it accepts)",
        429 => "(too many requests from this app: try again in a little while)",
        _ => "without saying why in OAuth's terms",
    }
}

impl ParError {
    /// A stable code: the provider's own when it gave one.
    pub fn code(&self) -> &str {
        match self {
            ParError::Refused { error, .. } => &error.code,
            ParError::Status(_) => "par_failed",
            ParError::Malformed(_) => "par_malformed",
            ParError::Expired(_) => "par_expired",
        }
    }

    /// The sentence with the provider named (`Display` says "the provider").
    pub fn sentence(&self, by: &ProviderName) -> String {
        match self {
            ParError::Refused { error, .. } => refused(error, by),
            other => other.to_string(),
        }
    }

    /// What the provider said along with its error, shown as text.
    pub fn description(&self) -> Option<&str> {
        match self {
            ParError::Refused { error, .. } => error.description.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push() -> PushedRequest {
        PushedRequest::new(
            "https://op.example/par",
            "https://op.example/auth?tenant=t",
            "app",
            &[
                ("client_id", "app".into()),
                ("redirect_uri", "http://127.0.0.1:8080/".into()),
                ("response_type", "code".into()),
                ("state", "s t".into()),
                ("code_challenge", "ch".into()),
                ("code_challenge_method", "S256".into()),
            ],
        )
    }

    const OK: &str = r#"{"request_uri":"urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c","expires_in":60}"#;

    #[test]
    fn the_push_carries_every_parameter_in_a_form_body_client_id_included() {
        assert_eq!(
            push().body,
            "client_id=app&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F&response_type=code&state=s+t&code_challenge=ch&code_challenge_method=S256"
        );
    }

    #[test]
    fn a_request_uri_is_never_pushed() {
        let p = PushedRequest::new(
            "https://op.example/par",
            "https://op.example/auth",
            "app",
            &[("client_id", "app".into()), ("request_uri", "urn:x".into())],
        );
        assert_eq!(p.body, "client_id=app");
    }

    #[test]
    fn the_redirect_carries_only_client_id_and_request_uri() {
        let uri = push().read_answer(201, OK, 1_000).unwrap();
        assert_eq!(
            push().redirect_url(&uri),
            "https://op.example/auth?tenant=t&client_id=app&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A6esc_11ACC5bwc014ltc14eY22c"
        );
    }

    #[test]
    fn the_lifetime_counts_from_when_the_push_left() {
        let uri = push().read_answer(201, OK, 1_000).unwrap();
        assert_eq!(uri.expires_in, 60);
        assert_eq!(uri.expires_at_ms, 61_000);
    }

    #[test]
    fn only_201_is_a_success() {
        for status in [200, 202, 204] {
            assert_eq!(
                push().read_answer(status, OK, 0).unwrap_err(),
                ParError::Status(status),
                "{status}"
            );
        }
    }

    #[test]
    fn the_providers_error_keeps_its_code_and_words() {
        let e = push()
            .read_answer(
                400,
                r#"{"error":"invalid_request","error_description":"redirect_uri mismatch"}"#,
                0,
            )
            .unwrap_err();
        assert_eq!(e.code(), "invalid_request");
        assert_eq!(e.description(), Some("redirect_uri mismatch"));
        assert!(matches!(e, ParError::Refused { status: 400, .. }));
        assert_eq!(
            e.to_string(),
            "The pushed authorization request was refused (RFC 9126): The provider found the authorization request malformed. (invalid_request)"
        );
        let named = e.sentence(&ProviderName::Other("id.example".into()));
        assert!(
            named.contains("The provider at id.example found the authorization request malformed"),
            "{named}"
        );
        let unauthorised = push()
            .read_answer(401, r#"{"error":"invalid_client"}"#, 0)
            .unwrap_err();
        assert_eq!(unauthorised.code(), "invalid_client");
        assert_eq!(unauthorised.description(), None);
    }

    #[test]
    fn a_status_without_an_oauth_error_is_said_with_what_it_means() {
        for (status, words) in [
            (405, "only POST"),
            (413, "larger than it accepts"),
            (429, "too many requests"),
            (502, "without saying why"),
        ] {
            let e = push().read_answer(status, "<html>", 0).unwrap_err();
            assert_eq!(e.code(), "par_failed");
            assert!(e.to_string().contains(words), "{status}: {e}");
            assert_eq!(e.sentence(&ProviderName::Google), e.to_string());
        }
    }

    #[test]
    fn a_success_without_its_two_members_is_malformed() {
        for body in [
            "not json",
            r#"{"expires_in":60}"#,
            r#"{"request_uri":"","expires_in":60}"#,
            r#"{"request_uri":"urn:x"}"#,
            r#"{"request_uri":"urn:x","expires_in":0}"#,
            r#"{"request_uri":"urn:x","expires_in":-5}"#,
            r#"{"request_uri":"urn:x","expires_in":"60"}"#,
            r#"{"request_uri":7,"expires_in":60}"#,
        ] {
            let e = push().read_answer(201, body, 0).unwrap_err();
            assert_eq!(e.code(), "par_malformed", "{body}");
        }
    }

    #[test]
    fn a_request_uri_is_sent_only_with_time_to_spare() {
        let uri = push().read_answer(201, OK, 0).unwrap();
        assert!(uri.usable_at(0));
        assert!(uri.usable_at(60_000 - USE_MARGIN_MS - 1));
        assert!(!uri.usable_at(60_000 - USE_MARGIN_MS));
        assert!(!uri.usable_at(60_000));
        assert!(!uri.usable_at(120_000), "long gone");
    }

    #[test]
    fn a_stale_request_uri_is_pushed_again_once_then_said() {
        let stale = push()
            .read_answer(201, r#"{"request_uri":"urn:x","expires_in":1}"#, 0)
            .unwrap();
        assert_eq!(next_step(&stale, 0, 1), Ok(Next::PushAgain));
        assert_eq!(next_step(&stale, 0, 2), Err(ParError::Expired(1)));
        assert_eq!(ParError::Expired(1).code(), "par_expired");
        let fresh = push().read_answer(201, OK, 0).unwrap();
        assert_eq!(next_step(&fresh, 10, 1), Ok(Next::Go));
        assert_eq!(next_step(&fresh, 10, 2), Ok(Next::Go));
    }

    #[test]
    fn the_metadata_decides_whether_to_push() {
        assert_eq!(Policy::from_metadata(None, false), Ok(Policy::NotOffered));
        assert_eq!(Policy::from_metadata(Some("u"), false), Ok(Policy::Offered));
        assert_eq!(Policy::from_metadata(Some("u"), true), Ok(Policy::Required));
        assert!(Policy::from_metadata(None, true).is_err());
        assert!(!Policy::NotOffered.pushes());
        assert!(Policy::Offered.pushes() && Policy::Required.pushes());
    }
}
