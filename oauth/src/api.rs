//! What a Google API's answer means, decided without I/O. The browser adapter fetches and hands
//! over the status, the two headers that matter and the body; this module says whether it
//! succeeded and, if not, why, in terms a person and the retry policy can act on.
//!
//! Google's API errors are JSON: `{"error": {"code", "message", "errors": [{"reason", …}],
//! "status"}}`. A 403 is ambiguous on its own: it can mean the token lacks a scope (RFC 6750 §3.1
//! `insufficient_scope`, reason `insufficientPermissions`), a rate limit (reason
//! `rateLimitExceeded` / `userRateLimitExceeded`), or plain refusal. The bearer challenge in
//! `WWW-Authenticate` names the scopes that would do, when the browser lets the page read it
//! (cross-origin, only if the server lists it in `Access-Control-Expose-Headers`).

use crate::challenge;
use crate::http_date;
use crate::json::Json;

/// The HTTP methods the API layer uses (PUT only for the inspector's "Try a request").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    pub const ALL: [Method; 5] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    /// The method named `name` (case-sensitive, as RFC 9110 §9.1 has it).
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// Repeating the request leaves the same result (RFC 9110 §9.2.2). PATCH is not idempotent
    /// in general, but every PATCH this app sends sets fields to absolute values, so it is here.
    /// A POST (create) is not: a retried create after a lost answer could add the task twice.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// Why an API call failed, as a person (and the retry policy) can act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("the token was refused (expired or revoked)")]
    Unauthorized,
    #[error("the token does not carry the permission this needs{}", needed(.scopes))]
    InsufficientScope { scopes: Vec<String> },
    #[error("the server is limiting how often this app may call it{}", wait(.retry_after_ms))]
    RateLimited { retry_after_ms: Option<u64> },
    #[error("access was refused (HTTP 403): {0}")]
    Forbidden(String),
    #[error("the request was rejected (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("the server failed (HTTP {status})")]
    Server {
        status: u16,
        retry_after_ms: Option<u64>,
    },
    #[error("the server could not be reached: {0}")]
    Network(String),
    #[error("the answer could not be read: {0}")]
    Malformed(String),
    #[error("no DPoP proof could be made for the request: {0}")]
    Proof(String),
    /// The sign-in module would not send it (the token goes only where config.json fetches).
    #[error("the request was not sent: {0}")]
    NotSent(String),
}

fn needed(scopes: &[String]) -> String {
    if scopes.is_empty() {
        String::new()
    } else {
        format!(" ({})", scopes.join(" or "))
    }
}

fn wait(retry_after_ms: &Option<u64>) -> String {
    match retry_after_ms {
        Some(ms) => format!(
            "; it asks to wait {} s before trying again",
            ms.div_ceil(1000)
        ),
        None => "; try again in a little while".into(),
    }
}

impl ApiError {
    /// A stable machine code, shown beside the sentence.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => "unauthorized",
            ApiError::InsufficientScope { .. } => "insufficient_scope",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::Rejected { status: 404, .. } => "not_found",
            ApiError::Rejected { .. } => "api_error",
            ApiError::Server { .. } => "server_error",
            ApiError::Network(_) => "network_error",
            ApiError::Malformed(_) => "malformed_response",
            ApiError::Proof(_) => "dpop_proof_failed",
            ApiError::NotSent(_) => "not_sent",
        }
    }

    /// The status of an answer that was neither a success nor one of the kinds above (a 404
    /// among them), or of a server failure: what decides whether a missing document is absent.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Rejected { status, .. } | ApiError::Server { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Fills in the scope an insufficient-scope answer did not name (the browser hides
    /// `WWW-Authenticate` unless the server exposes it): the caller knows what the call needs.
    pub fn needing(self, scope: &str) -> Self {
        match self {
            ApiError::InsufficientScope { scopes } if scopes.is_empty() => {
                ApiError::InsufficientScope {
                    scopes: vec![scope.to_owned()],
                }
            }
            other => other,
        }
    }
}

impl ApiError {
    /// The error as JSON, to cross from the module that made the call to the one that shows it
    /// (the features module asks the sign-in module to call for it; see the app's `host`).
    pub fn to_json(&self) -> Json {
        let with = |kind: &str, fields: Vec<(&str, Json)>| {
            Json::object(std::iter::once(("kind", Json::string(kind))).chain(fields))
        };
        let wait = |ms: &Option<u64>| ms.map_or(Json::Null, Json::integer);
        match self {
            ApiError::Unauthorized => with("unauthorized", vec![]),
            ApiError::InsufficientScope { scopes } => with(
                "insufficient_scope",
                vec![(
                    "scopes",
                    Json::Array(scopes.iter().map(|s| Json::string(s)).collect()),
                )],
            ),
            ApiError::RateLimited { retry_after_ms } => with(
                "rate_limited",
                vec![("retry_after_ms", wait(retry_after_ms))],
            ),
            ApiError::Forbidden(message) => {
                with("forbidden", vec![("message", Json::string(message))])
            }
            ApiError::Rejected { status, message } => with(
                "rejected",
                vec![
                    ("status", Json::integer(*status)),
                    ("message", Json::string(message)),
                ],
            ),
            ApiError::Server {
                status,
                retry_after_ms,
            } => with(
                "server",
                vec![
                    ("status", Json::integer(*status)),
                    ("retry_after_ms", wait(retry_after_ms)),
                ],
            ),
            ApiError::Network(message) => with("network", vec![("message", Json::string(message))]),
            ApiError::Malformed(message) => {
                with("malformed", vec![("message", Json::string(message))])
            }
            ApiError::Proof(message) => with("proof", vec![("message", Json::string(message))]),
            ApiError::NotSent(message) => {
                with("not_sent", vec![("message", Json::string(message))])
            }
        }
    }

    /// Reads what [`ApiError::to_json`] wrote; `None` for anything else.
    pub fn from_json(value: &Json) -> Option<ApiError> {
        let o = crate::json::Object::from_members(value.clone())?;
        let message = || o.string("message").ok().flatten();
        let status = || o.integer::<u16>("status").ok().flatten();
        let wait = || match o.get("retry_after_ms") {
            None | Some(Json::Null) => Some(None),
            Some(ms) => ms.as_integer::<u64>().map(Some),
        };
        Some(match o.string("kind").ok()??.as_str() {
            "unauthorized" => ApiError::Unauthorized,
            "insufficient_scope" => ApiError::InsufficientScope {
                scopes: o.strings("scopes").ok()??,
            },
            "rate_limited" => ApiError::RateLimited {
                retry_after_ms: wait()?,
            },
            "forbidden" => ApiError::Forbidden(message()?),
            "rejected" => ApiError::Rejected {
                status: status()?,
                message: message()?,
            },
            "server" => ApiError::Server {
                status: status()?,
                retry_after_ms: wait()?,
            },
            "network" => ApiError::Network(message()?),
            "malformed" => ApiError::Malformed(message()?),
            "proof" => ApiError::Proof(message()?),
            "not_sent" => ApiError::NotSent(message()?),
            _ => return None,
        })
    }
}

/// Whether the session's token may be sent to `url`: only to an origin among `token_origins`
/// (the provider's and the APIs' that config.json names, [`crate::ClientConfig::connect_origins`]).
/// Anywhere else, the page's own origin included, a bearer token would be handed to a server
/// that has no business with it (RFC 6750 §5.3: "don't pass bearer tokens to unknown parties").
pub fn bearer_allowed(url: &str, token_origins: &[String]) -> bool {
    crate::url::HttpUrl::parse(url).is_ok_and(|u| token_origins.contains(&u.origin()))
}

/// An HTTP answer as the adapter received it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer<'a> {
    pub status: u16,
    /// The `WWW-Authenticate` header, if the browser exposed it.
    pub www_authenticate: Option<&'a str>,
    /// The `Retry-After` header, if the browser exposed it.
    pub retry_after: Option<&'a str>,
    pub body: &'a str,
}

/// Decides whether an answer is a success; `now_ms` turns an HTTP-date `Retry-After` into a wait.
pub fn check_answer(answer: &Answer<'_>, now_ms: u64) -> Result<(), ApiError> {
    let retry_after_ms = || {
        answer
            .retry_after
            .and_then(|value| retry_after_ms(value, now_ms))
    };
    match answer.status {
        200..=299 => Ok(()),
        401 => Err(ApiError::Unauthorized),
        403 => Err(classify_forbidden(answer, retry_after_ms())),
        429 => Err(ApiError::RateLimited {
            retry_after_ms: retry_after_ms(),
        }),
        500..=599 => Err(ApiError::Server {
            status: answer.status,
            retry_after_ms: retry_after_ms(),
        }),
        status => Err(ApiError::Rejected {
            status,
            message: error_message(answer.body),
        }),
    }
}

fn classify_forbidden(answer: &Answer<'_>, retry_after_ms: Option<u64>) -> ApiError {
    let body = GoogleError::parse(answer.body);
    // RFC 6750 §3: the Bearer challenge, wherever it stands among the header's challenges.
    let challenge = answer
        .www_authenticate
        .and_then(|header| challenge::for_scheme(header, "Bearer"));
    let reasons = || body.iter().flat_map(|b| b.reasons());
    let scope_challenge = challenge
        .as_ref()
        .is_some_and(|c| c.param("error") == Some("insufficient_scope"));
    if scope_challenge
        || reasons()
            .any(|r| r == "insufficientPermissions" || r == "ACCESS_TOKEN_SCOPE_INSUFFICIENT")
    {
        let scopes = challenge
            .as_ref()
            .and_then(|c| c.param("scope"))
            .map(|s| {
                s.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        return ApiError::InsufficientScope { scopes };
    }
    // Google's usage limits (per user or per project, per minute) also answer 403; they pass.
    if reasons().any(|r| r == "rateLimitExceeded" || r == "userRateLimitExceeded") {
        return ApiError::RateLimited { retry_after_ms };
    }
    ApiError::Forbidden(error_message(answer.body))
}

/// `Retry-After` (RFC 9110 §10.2.3): delay-seconds, or an HTTP-date turned into a wait from
/// `now_ms` (a date in the past means "now"). Anything else is ignored.
pub fn retry_after_ms(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            value
                .parse::<u64>()
                .unwrap_or(u64::MAX / 1000)
                .saturating_mul(1000),
        );
    }
    http_date::parse_ms(value).map(|at| at.saturating_sub(now_ms))
}

/// Google's JSON error (`google.rpc.Status` as the APIs render it).
#[derive(Debug, Default)]
struct GoogleError {
    errors: Vec<ErrorItem>,
    details: Vec<ErrorItem>,
}

#[derive(Debug, Default)]
struct ErrorItem {
    reason: Option<String>,
}

impl GoogleError {
    /// `{"error": {"errors": [{"reason": …}], "details": [{"reason": …}]}}`, both lists optional;
    /// anything else in that place (OAuth's `"error": "invalid_token"`) is not this shape.
    fn parse(body: &str) -> Option<Self> {
        let value = Json::parse(body).ok()?;
        let error = value
            .get("error")
            .filter(|e| matches!(e, Json::Object(_)))?;
        let items = |name| -> Option<Vec<ErrorItem>> {
            let Some(list) = error.get(name) else {
                return Some(Vec::new());
            };
            list.as_array()?
                .iter()
                .map(|item| {
                    let reason = match item {
                        Json::Object(_) => item.get("reason"),
                        _ => return None,
                    };
                    Some(ErrorItem {
                        reason: match reason {
                            None | Some(Json::Null) => None,
                            Some(Json::String(reason)) => Some(reason.clone()),
                            Some(_) => return None,
                        },
                    })
                })
                .collect()
        };
        Some(GoogleError {
            errors: items("errors")?,
            details: items("details")?,
        })
    }

    fn reasons(&self) -> impl Iterator<Item = &str> {
        self.errors
            .iter()
            .chain(&self.details)
            .filter_map(|e| e.reason.as_deref())
    }
}

/// Google's error bodies come in two shapes: OAuth's `{"error": "...", "error_description": "..."}`
/// and the APIs' `{"error": {"message": "..."}}`.
pub fn error_message(body: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer<'_> {
        Answer {
            status,
            www_authenticate: None,
            retry_after: None,
            body,
        }
    }

    const INSUFFICIENT: &str = r#"{"error":{"code":403,"message":"Request had insufficient authentication scopes.","errors":[{"message":"Insufficient Permission","domain":"global","reason":"insufficientPermissions"}],"status":"PERMISSION_DENIED"}}"#;

    #[test]
    fn every_error_reads_back_from_its_json() {
        let all = [
            ApiError::Unauthorized,
            ApiError::InsufficientScope {
                scopes: vec!["a".into(), "b c".into()],
            },
            ApiError::RateLimited {
                retry_after_ms: Some(3_000),
            },
            ApiError::RateLimited {
                retry_after_ms: None,
            },
            ApiError::Forbidden("no \"way\"".into()),
            ApiError::Rejected {
                status: 404,
                message: "gone".into(),
            },
            ApiError::Server {
                status: 503,
                retry_after_ms: Some(1),
            },
            ApiError::Network("Failed to fetch".into()),
            ApiError::Malformed("expected a value".into()),
            ApiError::Proof("the key is gone".into()),
            ApiError::NotSent("not an origin config.json names".into()),
        ];
        for error in all {
            let text = error.to_json().to_text();
            assert_eq!(
                ApiError::from_json(&Json::parse(&text).unwrap()),
                Some(error),
                "{text}"
            );
        }
        for foreign in [r#"{"kind":"teapot"}"#, r#"{"kind":"forbidden"}"#, "[]"] {
            assert_eq!(ApiError::from_json(&Json::parse(foreign).unwrap()), None);
        }
    }

    #[test]
    fn success_statuses_pass() {
        assert_eq!(check_answer(&answer(200, "{}"), 0), Ok(()));
        assert_eq!(check_answer(&answer(204, ""), 0), Ok(()));
    }

    #[test]
    fn unauthorized_is_its_own_error() {
        let error = check_answer(&answer(401, "{}"), 0).unwrap_err();
        assert_eq!(error, ApiError::Unauthorized);
        assert_eq!(error.code(), "unauthorized");
    }

    #[test]
    fn insufficient_scope_names_the_scope_from_the_challenge() {
        let a = Answer {
            www_authenticate: Some(
                r#"Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="https://www.googleapis.com/auth/tasks""#,
            ),
            ..answer(403, INSUFFICIENT)
        };
        assert_eq!(
            check_answer(&a, 0).unwrap_err(),
            ApiError::InsufficientScope {
                scopes: vec!["https://www.googleapis.com/auth/tasks".into()]
            }
        );
    }

    #[test]
    fn insufficient_scope_is_recognised_from_the_body_alone() {
        let error = check_answer(&answer(403, INSUFFICIENT), 0).unwrap_err();
        assert_eq!(error, ApiError::InsufficientScope { scopes: vec![] });
        assert_eq!(
            error.needing("https://www.googleapis.com/auth/tasks.readonly"),
            ApiError::InsufficientScope {
                scopes: vec!["https://www.googleapis.com/auth/tasks.readonly".into()]
            }
        );
    }

    #[test]
    fn insufficient_scope_is_recognised_from_the_error_info_detail() {
        let body = r#"{"error":{"code":403,"message":"x","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_SCOPE_INSUFFICIENT"}]}}"#;
        assert_eq!(
            check_answer(&answer(403, body), 0).unwrap_err().code(),
            "insufficient_scope"
        );
    }

    #[test]
    fn challenge_with_several_scopes_and_unquoted_error_is_read() {
        let a = Answer {
            www_authenticate: Some("bearer error=insufficient_scope, scope=\"a b\""),
            ..answer(403, "not json")
        };
        assert_eq!(
            check_answer(&a, 0).unwrap_err(),
            ApiError::InsufficientScope {
                scopes: vec!["a".into(), "b".into()]
            }
        );
    }

    #[test]
    fn a_named_scope_is_not_overwritten_by_the_callers_guess() {
        let e = ApiError::InsufficientScope {
            scopes: vec!["a".into()],
        };
        assert_eq!(e.clone().needing("b"), e);
    }

    #[test]
    fn forbidden_rate_limit_reasons_are_rate_limits() {
        for reason in ["rateLimitExceeded", "userRateLimitExceeded"] {
            let body = format!(
                r#"{{"error":{{"code":403,"message":"slow down","errors":[{{"reason":"{reason}"}}],"status":"PERMISSION_DENIED"}}}}"#
            );
            let a = Answer {
                retry_after: Some("7"),
                ..answer(403, &body)
            };
            assert_eq!(
                check_answer(&a, 0).unwrap_err(),
                ApiError::RateLimited {
                    retry_after_ms: Some(7000)
                }
            );
        }
    }

    #[test]
    fn other_forbidden_answers_keep_googles_message() {
        let body = r#"{"error":{"code":403,"message":"The caller does not have permission","errors":[{"reason":"forbidden"}],"status":"PERMISSION_DENIED"}}"#;
        assert_eq!(
            check_answer(&answer(403, body), 0).unwrap_err(),
            ApiError::Forbidden("The caller does not have permission".into())
        );
    }

    #[test]
    fn too_many_requests_carries_retry_after() {
        let a = Answer {
            retry_after: Some("2"),
            ..answer(429, "{}")
        };
        assert_eq!(
            check_answer(&a, 0).unwrap_err(),
            ApiError::RateLimited {
                retry_after_ms: Some(2000)
            }
        );
        assert_eq!(
            check_answer(&answer(429, "{}"), 0).unwrap_err(),
            ApiError::RateLimited {
                retry_after_ms: None
            }
        );
    }

    #[test]
    fn server_errors_carry_status_and_retry_after() {
        let a = Answer {
            retry_after: Some("Sun, 06 Nov 1994 08:49:40 GMT"),
            ..answer(503, "")
        };
        assert_eq!(
            check_answer(&a, 784_111_777_000).unwrap_err(),
            ApiError::Server {
                status: 503,
                retry_after_ms: Some(3000)
            }
        );
    }

    #[test]
    fn other_statuses_are_rejections_with_googles_message() {
        let body = r#"{"error":{"code":404,"message":"Requested entity was not found.","errors":[{"reason":"notFound"}],"status":"NOT_FOUND"}}"#;
        let error = check_answer(&answer(404, body), 0).unwrap_err();
        assert_eq!(
            error,
            ApiError::Rejected {
                status: 404,
                message: "Requested entity was not found.".into()
            }
        );
        assert_eq!(error.code(), "not_found");
        assert_eq!(
            check_answer(&answer(400, "<html>"), 0).unwrap_err(),
            ApiError::Rejected {
                status: 400,
                message: "no details".into()
            }
        );
    }

    #[test]
    fn oauth_error_bodies_give_their_description() {
        assert_eq!(
            error_message(r#"{"error":"invalid_token","error_description":"Invalid Value"}"#),
            "Invalid Value"
        );
        assert_eq!(
            error_message(r#"{"error":"invalid_token"}"#),
            "invalid_token"
        );
    }

    #[test]
    fn retry_after_in_the_past_means_now_and_garbage_is_ignored() {
        assert_eq!(
            retry_after_ms("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_800_000),
            Some(0)
        );
        assert_eq!(retry_after_ms("soon", 0), None);
        assert_eq!(retry_after_ms("-1", 0), None);
        assert_eq!(retry_after_ms(" 5 ", 0), Some(5000));
    }

    #[test]
    fn a_retry_after_beyond_u64_reads_as_the_longest_wait() {
        let longest = retry_after_ms(&u64::MAX.to_string(), 0).unwrap();
        assert_eq!(
            retry_after_ms("99999999999999999999999", 0),
            Some(longest / 1000 * 1000)
        );
        assert!(longest / 1000 * 1000 >= u64::MAX - 1000);
    }

    #[test]
    fn messages_are_sentences_with_the_wait() {
        let e = ApiError::RateLimited {
            retry_after_ms: Some(1500),
        };
        assert!(e.to_string().contains("wait 2 s"), "{e}");
        let e = ApiError::InsufficientScope {
            scopes: vec!["a".into(), "b".into()],
        };
        assert!(e.to_string().ends_with("(a or b)"), "{e}");
    }

    #[test]
    fn methods_are_named_as_http_names_them() {
        let names = [Method::Get, Method::Post, Method::Patch, Method::Delete].map(Method::as_str);
        assert_eq!(names, ["GET", "POST", "PATCH", "DELETE"]);
    }

    #[test]
    fn only_post_is_not_idempotent() {
        assert!(Method::Get.is_idempotent());
        assert!(Method::Patch.is_idempotent());
        assert!(Method::Delete.is_idempotent());
        assert!(Method::Put.is_idempotent(), "RFC 9110 §9.2.2");
        assert!(!Method::Post.is_idempotent());
    }

    #[test]
    fn the_token_goes_only_to_the_origins_config_names() {
        let origins = vec![
            "https://tasks.googleapis.com".to_owned(),
            "http://127.0.0.1:8787".to_owned(),
        ];
        assert!(bearer_allowed(
            "https://tasks.googleapis.com/tasks/v1/x?y",
            &origins
        ));
        assert!(bearer_allowed("HTTPS://Tasks.GoogleAPIs.com/", &origins));
        assert!(bearer_allowed(
            "http://127.0.0.1:8787/oauth2/v3/userinfo",
            &origins
        ));
        assert!(!bearer_allowed(
            "http://127.0.0.1:8080/config.json",
            &origins
        ));
        assert!(!bearer_allowed(
            "https://tasks.googleapis.com.evil.example/",
            &origins
        ));
        assert!(!bearer_allowed(
            "https://user@tasks.googleapis.com/",
            &origins
        ));
        assert!(!bearer_allowed("http://tasks.googleapis.com/", &origins));
        assert!(!bearer_allowed("/relative", &origins));
    }

    #[test]
    fn methods_are_found_by_their_exact_names() {
        for method in Method::ALL {
            assert_eq!(Method::from_name(method.as_str()), Some(method));
        }
        assert_eq!(Method::from_name("get"), None);
        assert_eq!(Method::from_name("HEAD"), None);
        assert_eq!(Method::Put.as_str(), "PUT");
    }

    #[test]
    fn a_missing_document_keeps_its_status() {
        let answer = |status| Answer {
            status,
            www_authenticate: None,
            retry_after: None,
            body: "",
        };
        let missing = check_answer(&answer(404), 0).unwrap_err();
        assert_eq!(missing.status(), Some(404));
        assert_eq!(
            check_answer(&answer(503), 0).unwrap_err().status(),
            Some(503)
        );
        assert_eq!(check_answer(&answer(401), 0).unwrap_err().status(), None);
        assert_eq!(ApiError::Network("offline".into()).status(), None);
    }
}
