//! What Google's REST APIs (Tasks, Calendar) share: bearer authentication with per-token scope
//! checks, Google's JSON error shape and challenges, list paging, and injected failures.

use crate::knobs::{default_reason, google_error_body, Fault};
use crate::tokens::{Store, Token};
use serde_json::{json, Value};

/// An API answer before it becomes HTTP: status, JSON body (none for 204) and extra headers.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(&'static str, String)>,
}

const REALM: &str = "Bearer realm=\"https://accounts.google.com/\"";

impl Reply {
    pub fn ok(body: Value) -> Self {
        Reply {
            status: 200,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    pub fn no_content() -> Self {
        Reply {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }

    pub fn error(status: u16, message: &str, reason: &str) -> Self {
        Reply {
            status,
            body: Some(google_error_body(status, message, reason)),
            headers: Vec::new(),
        }
    }

    pub fn bad_request(message: &str) -> Self {
        Reply::error(400, message, "invalid")
    }

    pub fn not_found() -> Self {
        Reply::error(404, "Requested entity was not found.", "notFound")
    }

    pub fn method_not_allowed(allowed: &str) -> Self {
        Reply::error(405, "Method not allowed", "methodNotAllowed").with("Allow", allowed)
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// RFC 6750 §3.1 `invalid_token`, with Google's 401 body.
    pub fn invalid_token() -> Self {
        Reply::error(
            401,
            "Request had invalid authentication credentials. Expected OAuth 2 access token, \
             login cookie or other valid authentication credential.",
            "authError",
        )
        .with(
            "WWW-Authenticate",
            format!("{REALM}, error=\"invalid_token\""),
        )
    }

    /// RFC 6750 §3.1 `insufficient_scope`: Google names the scopes that would do, in the
    /// challenge, and says so in the body both the old way (`errors[].reason`) and the new
    /// (`details[]` ErrorInfo).
    pub fn insufficient_scope(service: &str, scopes: &[&str]) -> Self {
        let message = "Request had insufficient authentication scopes.";
        let mut body = google_error_body(403, message, "insufficientPermissions");
        body["error"]["details"] = json!([{
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
            "metadata": { "service": service },
        }]);
        Reply {
            status: 403,
            body: Some(body),
            headers: vec![(
                "WWW-Authenticate",
                format!(
                    "{REALM}, error=\"insufficient_scope\", scope=\"{}\"",
                    scopes.join(" ")
                ),
            )],
        }
    }
}

/// The bearer token of an `Authorization` header (RFC 6750 §2.1). Like Google's userinfo in
/// this emulator, the APIs refuse a token in the query, so tests catch a page that leaks it.
pub fn bearer(authorization: Option<&str>) -> Option<&str> {
    let (scheme, rest) = authorization?.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| rest.trim())
        .filter(|t| !t.is_empty())
}

/// The token of a request if it is valid and carries one of `scopes`.
pub fn authorize<'a>(
    store: &'a Store,
    authorization: Option<&str>,
    now: u64,
    service: &str,
    scopes: &[&str],
) -> Result<&'a Token, Reply> {
    let Some(token) = bearer(authorization) else {
        return Err(Reply::error(
            401,
            "Request is missing required authentication credential. Expected OAuth 2 access \
             token, login cookie or other valid authentication credential.",
            "required",
        )
        .with("WWW-Authenticate", REALM));
    };
    let token = store
        .validate(token, now)
        .map_err(|_| Reply::invalid_token())?;
    if token.scopes.iter().any(|s| scopes.contains(&s.as_str())) {
        Ok(token)
    } else {
        Err(Reply::insufficient_scope(service, scopes))
    }
}

/// The answer for an injected failure, shaped like Google's for that status.
pub fn injected(fault: &Fault, service: &str, scopes: &[&str], retry_after: Option<u64>) -> Reply {
    let reason = fault.reason.clone().unwrap_or_else(|| match fault.status {
        403 if scopes.is_empty() => "forbidden".into(),
        status => default_reason(status).into(),
    });
    let reply = match (fault.status, reason.as_str()) {
        (401, _) => Reply::invalid_token(),
        (403, "insufficientPermissions") => Reply::insufficient_scope(service, scopes),
        (status, "rateLimitExceeded" | "userRateLimitExceeded") => Reply::error(
            status,
            "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' \
             (emulator knob).",
            &reason,
        ),
        (status, _) => Reply::error(
            status,
            &format!("Injected failure for '{service}' (emulator knob)"),
            &reason,
        ),
    };
    let waits = matches!(fault.status, 429 | 500..=599)
        || reason == "rateLimitExceeded"
        || reason == "userRateLimitExceeded";
    match retry_after.filter(|_| waits) {
        Some(secs) => reply.with("Retry-After", secs.to_string()),
        None => reply,
    }
}

/// One page of `items` per Google's `maxResults` / `pageToken` conventions. The token is the
/// offset, made opaque enough that a client cannot mistake it for a number it may compute.
pub fn page<T: Clone>(
    items: &[T],
    query: &Query,
    default_size: usize,
    max_size: usize,
    size_cap: Option<u32>,
) -> Result<(Vec<T>, Option<String>), Reply> {
    let size = match query.get("maxResults") {
        None => default_size,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if n > 0 => n.min(max_size),
            _ => {
                return Err(Reply::bad_request(&format!(
                    "Invalid value for maxResults: {text}"
                )))
            }
        },
    };
    let size = size_cap.map_or(size, |cap| size.min(cap as usize));
    let start = match query.get("pageToken") {
        None => 0,
        Some(token) => token
            .strip_prefix("EAE")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n <= items.len())
            .ok_or_else(|| Reply::bad_request("Invalid page token."))?,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| format!("EAE{end}"));
    Ok((items[start..end].to_vec(), next))
}

/// A request's query parameters, values decoded; an empty value counts as absent.
#[derive(Debug, Clone, Default)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(query: &str) -> Self {
        Query(
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A `true`/`false` parameter, `default` when absent.
    pub fn flag(&self, name: &str, default: bool) -> Result<bool, Reply> {
        match self.get(name) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(Reply::bad_request(&format!(
                "Invalid value for {name}: {other}"
            ))),
        }
    }
}

/// Splits a path into percent-decoded segments (ids may arrive encoded, `@me` as `%40me`).
pub fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect()
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_header_only() {
        assert_eq!(bearer(Some("Bearer ya29.x")), Some("ya29.x"));
        assert_eq!(bearer(Some("bearer  ya29.x ")), Some("ya29.x"));
        assert_eq!(bearer(Some("Basic abc")), None);
        assert_eq!(bearer(Some("Bearer ")), None);
        assert_eq!(bearer(None), None);
    }

    #[test]
    fn tokens_need_one_of_the_scopes() {
        let mut store = Store::default();
        let read = store.issue("c", "1", vec!["tasks.readonly".into()], 100, 0);
        let header = format!("Bearer {}", read.token);
        assert!(authorize(&store, Some(&header), 1, "s", &["tasks", "tasks.readonly"]).is_ok());
        let refused = authorize(&store, Some(&header), 1, "s", &["tasks"]).unwrap_err();
        assert_eq!(refused.status, 403);
        assert_eq!(
            refused.headers,
            vec![(
                "WWW-Authenticate",
                "Bearer realm=\"https://accounts.google.com/\", error=\"insufficient_scope\", scope=\"tasks\"".to_string()
            )]
        );
        let body = refused.body.unwrap();
        assert_eq!(
            body["error"]["errors"][0]["reason"],
            "insufficientPermissions"
        );
        assert_eq!(body["error"]["status"], "PERMISSION_DENIED");
        assert_eq!(
            authorize(&store, None, 1, "s", &["tasks"])
                .unwrap_err()
                .status,
            401
        );
        let expired = authorize(&store, Some(&header), 100, "s", &["tasks.readonly"]).unwrap_err();
        assert_eq!(expired.status, 401);
        assert!(expired.headers[0].1.contains("invalid_token"));
    }

    #[test]
    fn injected_failures_look_like_googles() {
        let fault = |status, reason: Option<&str>| Fault {
            status,
            times: None,
            reason: reason.map(String::from),
        };
        let r = injected(&fault(429, None), "tasks", &["t"], Some(2));
        assert_eq!(r.status, 429);
        assert_eq!(
            r.body.as_ref().unwrap()["error"]["errors"][0]["reason"],
            "rateLimitExceeded"
        );
        assert_eq!(
            r.body.as_ref().unwrap()["error"]["status"],
            "RESOURCE_EXHAUSTED"
        );
        assert!(r.headers.contains(&("Retry-After", "2".into())));
        let r = injected(&fault(403, None), "tasks", &["t"], Some(2));
        assert!(r.headers[0].1.contains("insufficient_scope"));
        assert!(!r.headers.iter().any(|(n, _)| *n == "Retry-After"));
        let r = injected(
            &fault(403, Some("userRateLimitExceeded")),
            "tasks",
            &["t"],
            Some(5),
        );
        assert!(r.headers.contains(&("Retry-After", "5".into())));
        let r = injected(&fault(500, None), "tasks", &[], None);
        assert_eq!(
            r.body.unwrap()["error"]["errors"][0]["reason"],
            "backendError"
        );
        assert_eq!(
            injected(&fault(401, None), "x", &[], None),
            Reply::invalid_token()
        );
    }

    #[test]
    fn paging_walks_every_item_once() {
        let items: Vec<u32> = (0..5).collect();
        let q = |s: &str| Query::parse(s);
        let (first, next) = page(&items, &q("maxResults=2"), 20, 100, None).unwrap();
        assert_eq!((first, next.as_deref()), (vec![0, 1], Some("EAE2")));
        let (second, next) =
            page(&items, &q("maxResults=2&pageToken=EAE2"), 20, 100, None).unwrap();
        assert_eq!((second, next.as_deref()), (vec![2, 3], Some("EAE4")));
        let (last, next) = page(&items, &q("maxResults=2&pageToken=EAE4"), 20, 100, None).unwrap();
        assert_eq!((last, next), (vec![4], None));
        let (capped, _) = page(&items, &q(""), 20, 100, Some(3)).unwrap();
        assert_eq!(capped, vec![0, 1, 2]);
        assert_eq!(
            page(&items, &q("pageToken=nope"), 20, 100, None)
                .unwrap_err()
                .status,
            400
        );
        assert_eq!(
            page(&items, &q("maxResults=x"), 20, 100, None)
                .unwrap_err()
                .status,
            400
        );
    }

    #[test]
    fn path_segments_are_decoded() {
        assert_eq!(
            segments("/tasks/v1/users/%40me/lists"),
            vec!["tasks", "v1", "users", "@me", "lists"]
        );
        assert_eq!(segments("/a%2Fb/%zz"), vec!["a/b", "%zz"]);
    }

    #[test]
    fn flags_are_true_or_false() {
        let q = Query::parse("a=true&b=false&c=yes&d=");
        assert_eq!(q.flag("a", false), Ok(true));
        assert_eq!(q.flag("b", true), Ok(false));
        assert!(q.flag("c", true).is_err());
        assert_eq!(q.flag("d", true), Ok(true));
    }
}
