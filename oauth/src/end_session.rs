//! OpenID Connect RP-Initiated Logout 1.0: after revoking its tokens, the page sends the person
//! to the provider's `end_session_endpoint` to end the session there too, and checks the `state`
//! it gets back on `post_logout_redirect_uri` (§2, §3). Google advertises no such endpoint.

use crate::authorization::STATE_BYTES;
use crate::json::{Json, Object, ObjectWriter, ReadError};
use subtle::ConstantTimeEq;

/// What this tab keeps (sessionStorage) while the person is at the provider: the `state` sent,
/// and whether revocation succeeded, to say so on return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLogout {
    pub state: String,
    pub revoked: bool,
}

impl PendingLogout {
    /// A fresh logout with 256 random bits of `state`, as a sign-in's.
    pub fn new(random: [u8; STATE_BYTES], revoked: bool) -> Self {
        PendingLogout {
            state: crate::base64url::encode(random),
            revoked,
        }
    }

    pub fn to_json(&self) -> String {
        ObjectWriter::default()
            .string("state", Some(&self.state))
            .bool("revoked", self.revoked)
            .finish()
    }

    pub fn from_json(text: &str) -> Result<Self, ReadError> {
        let o = Json::parse_object(text)?;
        Ok(PendingLogout {
            state: Object::required("state", o.string("state")?)?,
            revoked: o.bool("revoked")?.unwrap_or(false),
        })
    }
}

/// The logout request (§2): `id_token_hint` says whose session (the newest ID token, when this
/// tab still holds one), `client_id` which client (needed without a hint, §2), and
/// `post_logout_redirect_uri` where to come back, which the provider accepts only if it is
/// registered for the client (§3.1).
pub fn logout_url(
    endpoint: &str,
    id_token_hint: Option<&str>,
    client_id: &str,
    post_logout_redirect_uri: &str,
    state: &str,
) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(hint) = id_token_hint {
        query.append_pair("id_token_hint", hint);
    }
    query
        .append_pair("client_id", client_id)
        .append_pair("post_logout_redirect_uri", post_logout_redirect_uri)
        .append_pair("state", state);
    crate::url::with_query(endpoint, &query.finish())
}

/// Why a return from the provider's logout was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndSessionError {
    #[error("You signed out here, and the provider sent you back without the state this tab sent, so this page cannot tell that the return came from your sign-out there. Your session at the provider may still be open: sign out at the provider's own page to be sure.")]
    StateMissing,
    #[error("You signed out here, but the provider's answer carried a state this tab did not send (it may be forged), so it was ignored. Your session at the provider may still be open: sign out at the provider's own page to be sure.")]
    StateMismatch,
}

impl EndSessionError {
    pub fn code(&self) -> &'static str {
        match self {
            EndSessionError::StateMissing => "logout_state_missing",
            EndSessionError::StateMismatch => "logout_state_mismatch",
        }
    }
}

/// Whether what came back in the URL (a query with its `?`, or nothing) can be a return from
/// logout: it carries no authorization response (no code, token or error).
pub fn is_logout_return(response: Option<&str>) -> bool {
    let Some(response) = response else {
        return true;
    };
    response.starts_with('?')
        && !form_urlencoded::parse(&response.as_bytes()[1..]).any(|(name, _)| {
            matches!(
                name.as_ref(),
                "code" | "access_token" | "id_token" | "error"
            )
        })
}

/// §3: the `state` on return must be the one this tab sent (compared in constant time).
pub fn check_return(
    response: Option<&str>,
    pending: &PendingLogout,
) -> Result<(), EndSessionError> {
    let query = response.unwrap_or("").trim_start_matches('?');
    let mut states = form_urlencoded::parse(query.as_bytes())
        .filter(|(name, value)| name == "state" && !value.is_empty())
        .map(|(_, value)| value);
    match (states.next(), states.next()) {
        (None, _) => Err(EndSessionError::StateMissing),
        (Some(state), None) if bool::from(state.as_bytes().ct_eq(pending.state.as_bytes())) => {
            Ok(())
        }
        // A repeated state is malformed (RFC 6749 §3.1 applies to this redirect too).
        _ => Err(EndSessionError::StateMismatch),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> PendingLogout {
        PendingLogout {
            state: "s-123".into(),
            revoked: true,
        }
    }

    #[test]
    fn the_logout_request_carries_hint_client_return_address_and_state() {
        assert_eq!(
            logout_url(
                "https://op.example/session/end",
                Some("h.i.nt"),
                "app",
                "http://127.0.0.1:8080/",
                "s&1"
            ),
            "https://op.example/session/end?id_token_hint=h.i.nt&client_id=app&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F&state=s%261"
        );
        assert_eq!(
            logout_url("https://op.example/end?x=1", None, "app", "https://a/", "s"),
            "https://op.example/end?x=1&client_id=app&post_logout_redirect_uri=https%3A%2F%2Fa%2F&state=s"
        );
    }

    #[test]
    fn the_matching_state_is_accepted() {
        assert_eq!(check_return(Some("?state=s-123"), &pending()), Ok(()));
    }

    #[test]
    fn a_tampered_state_is_refused() {
        for tampered in [
            "?state=s-124",
            "?state=s-12",
            "?state=s-1234",
            "?state=s-123&state=s-123",
        ] {
            assert_eq!(
                check_return(Some(tampered), &pending()),
                Err(EndSessionError::StateMismatch),
                "{tampered}"
            );
        }
    }

    #[test]
    fn a_missing_state_is_refused() {
        for missing in [None, Some("?"), Some("?state="), Some("?other=1")] {
            assert_eq!(
                check_return(missing, &pending()),
                Err(EndSessionError::StateMissing),
                "{missing:?}"
            );
        }
        assert_eq!(EndSessionError::StateMissing.code(), "logout_state_missing");
        assert_eq!(
            EndSessionError::StateMismatch.code(),
            "logout_state_mismatch"
        );
    }

    #[test]
    fn an_authorization_response_is_not_a_logout_return() {
        assert!(is_logout_return(None));
        assert!(is_logout_return(Some("?state=s")));
        for response in [
            "?code=c&state=s",
            "?error=access_denied&state=s",
            "#access_token=a&state=s",
            "#state=s",
            "?id_token=x",
            "?access_token=a",
        ] {
            assert!(!is_logout_return(Some(response)), "{response}");
        }
    }

    #[test]
    fn a_new_logout_state_is_the_random_bytes_encoded() {
        let p = PendingLogout::new([0xff; STATE_BYTES], false);
        assert_eq!(p.state.len(), 43);
        assert_eq!(p.state, "_".repeat(42) + "8");
        assert!(!p.revoked);
    }

    #[test]
    fn the_pending_logout_reads_back() {
        assert_eq!(
            PendingLogout::from_json(&pending().to_json()),
            Ok(pending())
        );
        let failed = PendingLogout {
            revoked: false,
            ..pending()
        };
        assert_eq!(PendingLogout::from_json(&failed.to_json()), Ok(failed));
        assert!(PendingLogout::from_json(r#"{"revoked":true}"#).is_err());
    }
}
