//! Step 3: deciding whether a redirect's response answers the request this tab sent.
//! The caller has already removed the pending authorization from storage (state is single use,
//! RFC 6749 §10.12), whatever the outcome here.

use crate::authorization::PendingAuthorization;
use crate::error::AuthError;
use crate::response::AuthorizationResponse;

/// A token that passed the response checks but is not yet known to be ours: it must go through
/// [`crate::token_info::verify_token_info`] before it is used for anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnverifiedToken {
    pub access_token: String,
    /// Seconds, from the response; `None` when the provider left it out.
    pub expires_in: Option<u64>,
    /// The `scope` parameter of the response, if any (token info has the authoritative set).
    pub scope: Option<String>,
    /// Local time the response arrived: expiry is computed from it, never from a server clock.
    pub received_at_ms: u64,
    pub requested_scopes: Vec<String>,
}

/// Checks a fragment against the pending authorization, in the order that keeps a forged
/// response from being acted on: pending request, parse, state, error, token type, expiry.
pub fn check_response(
    fragment: &str,
    pending: Option<PendingAuthorization>,
    now_ms: u64,
) -> Result<UnverifiedToken, AuthError> {
    let pending = pending.ok_or(AuthError::NoPendingAuthorization)?;
    let response = AuthorizationResponse::from_fragment(fragment)?;
    match response.state() {
        Some(state) if constant_time_eq(state.as_bytes(), pending.state.as_bytes()) => {}
        _ => return Err(AuthError::StateMismatch),
    }
    let token = match response {
        AuthorizationResponse::Error { error, .. } => return Err(AuthError::Provider(error)),
        AuthorizationResponse::Success(token) => token,
    };
    // RFC 6749 §5.1: the token type is case-insensitive; §7.1: never use a type we don't know.
    match token.token_type.as_deref() {
        Some(t) if t.eq_ignore_ascii_case("bearer") => {}
        Some(other) => return Err(AuthError::UnsupportedTokenType(other.to_owned())),
        None => return Err(AuthError::MissingParameter("token_type")),
    }
    let expires_in = match token.expires_in.as_deref() {
        None => None,
        Some(text) => match text.parse::<u64>() {
            Ok(secs) if secs > 0 => Some(secs),
            _ => return Err(AuthError::InvalidParameter { name: "expires_in" }),
        },
    };
    Ok(UnverifiedToken {
        access_token: token.access_token,
        expires_in,
        scope: token.scope,
        received_at_ms: now_ms,
        requested_scopes: pending.scopes,
    })
}

/// Compares without an early exit, so timing does not reveal how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorization::STATE_BYTES;

    fn pending() -> PendingAuthorization {
        PendingAuthorization::new(
            [1; STATE_BYTES],
            "http://127.0.0.1:8080/",
            &["openid".into()],
            0,
        )
    }

    fn fragment(state: &str, extra: &str) -> String {
        format!("access_token=ya29.x&token_type=Bearer&expires_in=3599&scope=openid&state={state}{extra}")
    }

    #[test]
    fn matching_response_gives_an_unverified_token() {
        let p = pending();
        let token = check_response(&fragment(&p.state, ""), Some(p), 42).unwrap();
        assert_eq!(token.access_token, "ya29.x");
        assert_eq!(token.expires_in, Some(3599));
        assert_eq!(token.received_at_ms, 42);
    }

    #[test]
    fn response_without_a_pending_request_is_rejected() {
        let e = check_response(&fragment("s", ""), None, 0).unwrap_err();
        assert_eq!(e, AuthError::NoPendingAuthorization);
    }

    #[test]
    fn forged_state_is_rejected() {
        let e = check_response(&fragment("forged", ""), Some(pending()), 0).unwrap_err();
        assert_eq!(e, AuthError::StateMismatch);
    }

    #[test]
    fn missing_state_is_rejected() {
        let e = check_response("access_token=a&token_type=Bearer", Some(pending()), 0).unwrap_err();
        assert_eq!(e, AuthError::StateMismatch);
    }

    #[test]
    fn error_with_forged_state_is_reported_as_forged_not_as_the_error() {
        let e = check_response("error=access_denied&state=forged", Some(pending()), 0).unwrap_err();
        assert_eq!(e, AuthError::StateMismatch);
    }

    #[test]
    fn error_with_matching_state_is_the_provider_error() {
        let p = pending();
        let e = check_response(
            &format!("error=access_denied&state={}", p.state),
            Some(p),
            0,
        )
        .unwrap_err();
        assert_eq!(e.code(), "access_denied");
    }

    #[test]
    fn mac_token_type_is_rejected() {
        let p = pending();
        let f = format!("access_token=a&token_type=mac&state={}", p.state);
        assert_eq!(
            check_response(&f, Some(p), 0).unwrap_err(),
            AuthError::UnsupportedTokenType("mac".into())
        );
    }

    #[test]
    fn bearer_is_case_insensitive() {
        let p = pending();
        let f = format!("access_token=a&token_type=bearer&state={}", p.state);
        assert!(check_response(&f, Some(p), 0).is_ok());
    }

    #[test]
    fn missing_token_type_is_rejected() {
        let p = pending();
        let f = format!("access_token=a&state={}", p.state);
        assert_eq!(
            check_response(&f, Some(p), 0).unwrap_err(),
            AuthError::MissingParameter("token_type")
        );
    }

    #[test]
    fn non_numeric_expiry_is_rejected() {
        let p = pending();
        let f = fragment(&p.state, "").replace("3599", "soon");
        assert_eq!(
            check_response(&f, Some(p), 0).unwrap_err(),
            AuthError::InvalidParameter { name: "expires_in" }
        );
    }

    #[test]
    fn duplicated_state_is_rejected() {
        let p = pending();
        let f = fragment(&p.state, &format!("&state={}", p.state));
        assert_eq!(
            check_response(&f, Some(p), 0).unwrap_err(),
            AuthError::DuplicateParameter("state".into())
        );
    }
}
