//! Test knobs: fault injection and behaviour switches set through `POST /emulator/knobs`.

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Google's implicit-grant tokens live one hour; the fragment says 3599 seconds.
pub const DEFAULT_TOKEN_LIFETIME_SECS: u64 = 3599;

/// The endpoints a `fail` or `delay_ms` knob can target.
pub const ENDPOINTS: [&str; 5] = ["auth", "decision", "tokeninfo", "userinfo", "revoke"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Knobs {
    /// Tokens are issued with this client as aud/azp while still being delivered to the
    /// requesting app's redirect URI: lets tests check the app verifies the audience.
    pub issue_to_client: Option<String>,
    pub token_lifetime_secs: u64,
    /// With `prompt=none`, redirect with this error instead of deciding from the grants.
    pub prompt_none_error: Option<String>,
    /// Endpoint → HTTP status to answer instead of doing the work.
    pub fail: BTreeMap<String, u16>,
    /// Endpoint → milliseconds to sleep before answering.
    pub delay_ms: BTreeMap<String, u64>,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            issue_to_client: None,
            token_lifetime_secs: DEFAULT_TOKEN_LIFETIME_SECS,
            prompt_none_error: None,
            fail: BTreeMap::new(),
            delay_ms: BTreeMap::new(),
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
                "fail" => merge_map(key, value, &mut next.fail, |v| {
                    v.as_u64()
                        .filter(|s| (100..=599).contains(s))
                        .map(|s| s as u16)
                })?,
                "delay_ms" => merge_map(key, value, &mut next.delay_ms, |v| v.as_u64())?,
                other => return Err(format!("unknown knob: {other}")),
            }
        }
        *self = next;
        Ok(())
    }

    pub fn fail_status(&self, endpoint: &str) -> Option<u16> {
        self.fail.get(endpoint).copied()
    }

    pub fn delay(&self, endpoint: &str) -> Option<u64> {
        self.delay_ms.get(endpoint).copied().filter(|&ms| ms > 0)
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

/// Google API error body (`google.rpc.Status` in JSON form) for an injected failure.
pub fn google_error_body(status: u16, endpoint: &str) -> Value {
    let canonical = match status {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        500 => "INTERNAL",
        501 => "NOT_IMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNKNOWN",
    };
    serde_json::json!({
        "error": {
            "code": status,
            "message": format!("Injected failure for endpoint '{endpoint}' (emulator knob)"),
            "status": canonical,
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
