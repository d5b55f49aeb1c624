//! Test knobs: fault injection and behaviour switches set through `POST /emulator/knobs`.

use crate::id_token::Forgery;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Google's implicit-grant tokens live one hour; the fragment says 3599 seconds.
pub const DEFAULT_TOKEN_LIFETIME_SECS: u64 = 3599;

/// The endpoints a `fail`, `delay_ms` or `retry_after` knob can target. `tasks` is every path
/// under `/tasks/v1/`, `calendar` every path under `/calendar/v3/`; `certs` is the JWKS,
/// `discovery` the OpenID configuration, `token` the (always refusing) token endpoint.
pub const ENDPOINTS: [&str; 10] = [
    "auth",
    "decision",
    "tokeninfo",
    "userinfo",
    "revoke",
    "tasks",
    "calendar",
    "token",
    "certs",
    "discovery",
];

/// An injected failure: `fail: {"tasks": 500}` fails every request to the endpoint;
/// `fail: {"tasks": {"status": 429, "times": 2}}` fails the next two, then lets them through.
/// `reason` picks Google's `errors[].reason` (for a 403: `insufficientPermissions`, the default,
/// or `rateLimitExceeded`, `userRateLimitExceeded`, `forbidden`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub status: u16,
    /// Requests still to fail; `None` for all of them.
    pub times: Option<u32>,
    pub reason: Option<String>,
}

/// `GET /emulator/knobs` shows a fault the way it was set: a bare status, or the object form.
impl Serialize for Fault {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.times.is_none() && self.reason.is_none() {
            return serializer.serialize_u16(self.status);
        }
        serde_json::json!({ "status": self.status, "times": self.times, "reason": self.reason })
            .serialize(serializer)
    }
}

impl Fault {
    fn parse(value: &Value) -> Option<Fault> {
        let status = |v: &Value| {
            v.as_u64()
                .filter(|s| (100..=599).contains(s))
                .map(|s| s as u16)
        };
        if let Some(status) = status(value) {
            return Some(Fault {
                status,
                times: None,
                reason: None,
            });
        }
        let obj = value.as_object()?;
        if obj
            .keys()
            .any(|k| !matches!(k.as_str(), "status" | "times" | "reason"))
        {
            return None;
        }
        let times = match obj.get("times") {
            None | Some(Value::Null) => None,
            Some(v) => Some(u32::try_from(v.as_u64().filter(|&n| n > 0)?).ok()?),
        };
        let reason = match obj.get("reason") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_str().filter(|r| is_reason(r))?.to_owned()),
        };
        Some(Fault {
            status: status(obj.get("status")?)?,
            times,
            reason,
        })
    }
}

/// Google reasons are camelCase words; anything else would be a typo in a test.
fn is_reason(r: &str) -> bool {
    !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphabetic())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Knobs {
    /// Tokens are issued with this client as aud/azp while still being delivered to the
    /// requesting app's redirect URI: lets tests check the app verifies the audience.
    pub issue_to_client: Option<String>,
    pub token_lifetime_secs: u64,
    /// With `prompt=none`, redirect with this error instead of deciding from the grants.
    pub prompt_none_error: Option<String>,
    /// Endpoint → the failure to answer with instead of doing the work.
    pub fail: BTreeMap<String, Fault>,
    /// Endpoint → milliseconds to sleep before answering.
    pub delay_ms: BTreeMap<String, u64>,
    /// Endpoint → seconds to send in `Retry-After` with an injected 429, 403 rate limit or 503.
    pub retry_after: BTreeMap<String, u64>,
    /// Caps `maxResults` of the list endpoints, so tests see pagination with few items.
    pub page_size: Option<u32>,
    /// ID tokens are forged this way instead of being signed properly.
    pub id_token_forgery: Option<Forgery>,
    /// The JWKS leaves out the key ID tokens are signed with, so even a refetch can't find it.
    pub jwks_without_current_key: bool,
    /// The next N answers of the JWKS are the set from before the last rotation (the current
    /// key left out), whatever the request's cache directives: a CDN edge or HTTP cache still
    /// holding it. Counts down.
    pub stale_jwks: u32,
    /// The consent page's boxes for the scopes that are not sign-in scopes start ticked. Off by
    /// default, as at Google, whose granular consent screen starts them unticked, so that Allow
    /// alone grants the sign-in scopes only (see `pages::consent_page`).
    pub consent_preticked: bool,
    /// User info's `email_verified` as the string `"true"`, the form Google's endpoints sent
    /// before (token info still does) instead of the boolean.
    pub email_verified_as_string: bool,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            issue_to_client: None,
            token_lifetime_secs: DEFAULT_TOKEN_LIFETIME_SECS,
            prompt_none_error: None,
            fail: BTreeMap::new(),
            delay_ms: BTreeMap::new(),
            retry_after: BTreeMap::new(),
            page_size: None,
            id_token_forgery: None,
            jwks_without_current_key: false,
            stale_jwks: 0,
            consent_preticked: false,
            email_verified_as_string: false,
        }
    }
}

impl Knobs {
    /// Merges a JSON object into the knobs. All-or-nothing: on error `self` is unchanged.
    /// `null` resets a knob (or removes one endpoint's entry) to its default.
    pub fn merge(&mut self, patch: &Value) -> Result<(), String> {
        let obj = patch
            .as_object()
            .ok_or_else(|| "knobs must be a JSON object".to_string())?;
        let mut next = self.clone();
        for (key, value) in obj {
            match key.as_str() {
                "issue_to_client" => next.issue_to_client = opt_string(key, value)?,
                "prompt_none_error" => next.prompt_none_error = opt_string(key, value)?,
                "token_lifetime_secs" => {
                    next.token_lifetime_secs = if value.is_null() {
                        DEFAULT_TOKEN_LIFETIME_SECS
                    } else {
                        value.as_u64().ok_or_else(|| {
                            format!("{key} must be a non-negative integer or null")
                        })?
                    }
                }
                "fail" => merge_map(key, value, &mut next.fail, Fault::parse)?,
                "delay_ms" => merge_map(key, value, &mut next.delay_ms, |v| v.as_u64())?,
                "retry_after" => merge_map(key, value, &mut next.retry_after, |v| v.as_u64())?,
                "page_size" => {
                    next.page_size = match value {
                        Value::Null => None,
                        v => Some(
                            v.as_u64()
                                .filter(|&n| n > 0)
                                .and_then(|n| u32::try_from(n).ok())
                                .ok_or_else(|| {
                                    format!("{key} must be a positive integer or null")
                                })?,
                        ),
                    }
                }
                "id_token_forgery" => {
                    next.id_token_forgery = match value {
                        Value::Null => None,
                        v => Some(v.as_str().and_then(Forgery::parse).ok_or_else(|| {
                            let names: Vec<&str> = Forgery::ALL.iter().map(|f| f.name()).collect();
                            format!("{key} must be null or one of {}", names.join(", "))
                        })?),
                    }
                }
                "jwks_without_current_key" => next.jwks_without_current_key = flag(key, value)?,
                "consent_preticked" => next.consent_preticked = flag(key, value)?,
                "email_verified_as_string" => next.email_verified_as_string = flag(key, value)?,
                "stale_jwks" => {
                    next.stale_jwks = match value {
                        Value::Null => 0,
                        v => v
                            .as_u64()
                            .and_then(|n| u32::try_from(n).ok())
                            .ok_or_else(|| {
                                format!("{key} must be a non-negative integer or null")
                            })?,
                    }
                }
                other => return Err(format!("unknown knob: {other}")),
            }
        }
        *self = next;
        Ok(())
    }

    pub fn fail_status(&self, endpoint: &str) -> Option<u16> {
        self.fail.get(endpoint).map(|f| f.status)
    }

    /// The failure to inject into this request to `endpoint`, counting it off a "next N" fault.
    pub fn take_fault(&mut self, endpoint: &str) -> Option<Fault> {
        let fault = self.fail.get_mut(endpoint)?;
        let taken = fault.clone();
        if let Some(times) = &mut fault.times {
            *times -= 1;
            if *times == 0 {
                self.fail.remove(endpoint);
            }
        }
        Some(taken)
    }

    /// Whether this answer of the JWKS is a stale one, counting it off `stale_jwks`.
    pub fn take_stale_jwks(&mut self) -> bool {
        let stale = self.stale_jwks > 0;
        self.stale_jwks = self.stale_jwks.saturating_sub(1);
        stale
    }

    pub fn retry_after_secs(&self, endpoint: &str) -> Option<u64> {
        self.retry_after.get(endpoint).copied()
    }

    pub fn delay(&self, endpoint: &str) -> Option<u64> {
        self.delay_ms.get(endpoint).copied().filter(|&ms| ms > 0)
    }
}

/// A boolean knob; `null` is its default, false.
fn flag(key: &str, value: &Value) -> Result<bool, String> {
    match value {
        Value::Null => Ok(false),
        v => v
            .as_bool()
            .ok_or_else(|| format!("{key} must be a boolean or null")),
    }
}

fn opt_string(key: &str, value: &Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(format!("{key} must be a string or null")),
    }
}

fn merge_map<T>(
    key: &str,
    value: &Value,
    map: &mut BTreeMap<String, T>,
    parse: impl Fn(&Value) -> Option<T>,
) -> Result<(), String> {
    if value.is_null() {
        map.clear();
        return Ok(());
    }
    let entries: &Map<String, Value> = value
        .as_object()
        .ok_or_else(|| format!("{key} must be an object keyed by endpoint"))?;
    for (endpoint, v) in entries {
        if !ENDPOINTS.contains(&endpoint.as_str()) {
            return Err(format!(
                "{key}: unknown endpoint {endpoint:?} (expected one of {})",
                ENDPOINTS.join(", ")
            ));
        }
        if v.is_null() {
            map.remove(endpoint);
        } else {
            let parsed = parse(v).ok_or_else(|| format!("{key}.{endpoint}: invalid value {v}"))?;
            map.insert(endpoint.clone(), parsed);
        }
    }
    Ok(())
}

/// Google's canonical status name for an HTTP status (`google.rpc.Code`).
pub fn canonical_status(status: u16) -> &'static str {
    match status {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        500 => "INTERNAL",
        501 => "NOT_IMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    }
}

/// The `errors[].reason` Google's APIs give for a status when nothing more specific applies.
pub fn default_reason(status: u16) -> &'static str {
    match status {
        400 => "badRequest",
        401 => "authError",
        403 => "insufficientPermissions",
        404 => "notFound",
        429 => "rateLimitExceeded",
        500..=599 => "backendError",
        _ => "unknown",
    }
}

/// A Google API error body: `{"error": {"code", "message", "errors": [{"message", "domain",
/// "reason"}], "status"}}`.
pub fn google_error_body(status: u16, message: &str, reason: &str) -> Value {
    serde_json::json!({
        "error": {
            "code": status,
            "message": message,
            "errors": [{ "message": message, "domain": "global", "reason": reason }],
            "status": canonical_status(status),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_sets_and_clears() {
        let mut k = Knobs::default();
        k.merge(
            &json!({"issue_to_client": "x", "fail": {"userinfo": 503}, "delay_ms": {"revoke": 50}}),
        )
        .unwrap();
        assert_eq!(k.issue_to_client.as_deref(), Some("x"));
        assert_eq!(k.fail_status("userinfo"), Some(503));
        assert_eq!(k.delay("revoke"), Some(50));
        k.merge(&json!({"fail": {"tokeninfo": 500}})).unwrap();
        assert_eq!(k.fail.len(), 2, "merge keeps other endpoints");
        k.merge(&json!({"issue_to_client": null, "fail": {"userinfo": null}}))
            .unwrap();
        assert_eq!(k.issue_to_client, None);
        assert_eq!(k.fail_status("userinfo"), None);
        assert_eq!(k.fail_status("tokeninfo"), Some(500));
    }

    #[test]
    fn a_counted_fault_runs_out() {
        let mut k = Knobs::default();
        k.merge(
            &json!({"fail": {"tasks": {"status": 429, "times": 2}}, "retry_after": {"tasks": 3}}),
        )
        .unwrap();
        assert_eq!(k.take_fault("tasks").map(|f| f.status), Some(429));
        assert_eq!(k.take_fault("tasks").map(|f| f.status), Some(429));
        assert_eq!(k.take_fault("tasks"), None);
        assert_eq!(k.retry_after_secs("tasks"), Some(3));
        k.merge(&json!({"fail": {"calendar": 500}})).unwrap();
        for _ in 0..3 {
            assert_eq!(k.take_fault("calendar").map(|f| f.status), Some(500));
        }
    }

    #[test]
    fn fault_objects_are_checked() {
        let mut k = Knobs::default();
        k.merge(&json!({"fail": {"tasks": {"status": 403, "reason": "rateLimitExceeded"}}}))
            .unwrap();
        assert_eq!(
            k.take_fault("tasks").unwrap().reason.as_deref(),
            Some("rateLimitExceeded")
        );
        for bad in [
            json!({"fail": {"tasks": {"status": 700}}}),
            json!({"fail": {"tasks": {"status": 500, "times": 0}}}),
            json!({"fail": {"tasks": {"status": 500, "reason": "no spaces"}}}),
            json!({"fail": {"tasks": {"status": 500, "count": 1}}}),
            json!({"fail": {"tasks": {"times": 1}}}),
            json!({"page_size": 0}),
            json!({"retry_after": {"nope": 1}}),
        ] {
            assert!(k.merge(&bad).is_err(), "{bad}");
        }
        k.merge(&json!({"page_size": 2})).unwrap();
        assert_eq!(k.page_size, Some(2));
        k.merge(&json!({"page_size": null})).unwrap();
        assert_eq!(k.page_size, None);
    }

    #[test]
    fn id_token_knobs() {
        let mut k = Knobs::default();
        k.merge(&json!({"id_token_forgery": "alg_hs256", "jwks_without_current_key": true}))
            .unwrap();
        assert_eq!(k.id_token_forgery, Some(Forgery::AlgHs256));
        assert!(k.jwks_without_current_key);
        let shown = serde_json::to_value(&k).unwrap();
        assert_eq!(shown["id_token_forgery"], "alg_hs256");
        for bad in [
            json!({"id_token_forgery": "bogus"}),
            json!({"id_token_forgery": true}),
            json!({"jwks_without_current_key": "yes"}),
        ] {
            assert!(k.merge(&bad).is_err(), "{bad}");
        }
        // The harness turns knobs off by posting nulls.
        k.merge(&json!({"id_token_forgery": null, "jwks_without_current_key": null}))
            .unwrap();
        assert_eq!(k, Knobs::default());
    }

    #[test]
    fn stale_key_set_answers_run_out() {
        let mut k = Knobs::default();
        assert!(!k.take_stale_jwks());
        k.merge(&json!({"stale_jwks": 2})).unwrap();
        assert!(k.take_stale_jwks());
        assert!(k.take_stale_jwks());
        assert!(!k.take_stale_jwks());
        assert!(k.merge(&json!({"stale_jwks": "once"})).is_err());
        k.merge(&json!({"stale_jwks": 1})).unwrap();
        k.merge(&json!({"stale_jwks": null})).unwrap();
        assert_eq!(k, Knobs::default());
    }

    #[test]
    fn googles_kinder_past_behaviours_are_switched_on_and_off() {
        let mut k = Knobs::default();
        assert!(
            !k.consent_preticked && !k.email_verified_as_string,
            "Google's today by default"
        );
        k.merge(&json!({"consent_preticked": true, "email_verified_as_string": true}))
            .unwrap();
        assert!(k.consent_preticked && k.email_verified_as_string);
        assert!(k.merge(&json!({"consent_preticked": "yes"})).is_err());
        k.merge(&json!({"consent_preticked": null, "email_verified_as_string": null}))
            .unwrap();
        assert_eq!(k, Knobs::default());
    }

    #[test]
    fn merge_is_all_or_nothing() {
        let mut k = Knobs::default();
        let err = k
            .merge(&json!({"token_lifetime_secs": 5, "fail": {"nope": 500}}))
            .unwrap_err();
        assert!(err.contains("nope"));
        assert_eq!(k, Knobs::default());
        assert!(k.merge(&json!({"fail": {"auth": 42}})).is_err());
        assert!(k.merge(&json!({"bogus": 1})).is_err());
        assert!(k.merge(&json!([1])).is_err());
    }
}
