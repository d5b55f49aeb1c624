//! Step 4: the token-injection check. An implicit-grant token arrives through the browser, so an
//! attacker can hand the page a token issued to *another* client for the same user (the
//! "confused deputy", RFC 6749 §10.16). Google's token info endpoint says who the token was
//! issued to; only a token whose audience is our client id becomes a [`Session`].

use crate::callback::UnverifiedToken;
use crate::error::AuthError;
use crate::json::{FieldError, Json, ReadError};
use crate::scopes::GrantedScopes;
use crate::session::Session;

/// Google's token info answer. Google sends the numbers as strings; both forms are accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub aud: Option<String>,
    pub azp: Option<String>,
    pub sub: Option<String>,
    pub scope: String,
    pub expires_in: Option<i64>,
    pub email: Option<String>,
}

/// The form body of a token info request. Google takes the token as `access_token`, in a POST
/// body as well as in the query; the body keeps it out of URLs and server logs.
pub fn token_info_body(access_token: &str) -> String {
    crate::revocation::form_body("access_token", access_token)
}

impl TokenInfo {
    /// Unknown members are ignored; a known one of the wrong type is an error.
    pub fn from_json(body: &str) -> Result<Self, ReadError> {
        let o = Json::parse_object(body)?;
        let expires_in = match o.get("expires_in") {
            None => None,
            Some(Json::String(text)) => Some(text.parse().map_err(|_| FieldError {
                field: "expires_in",
                expected: "must be a whole number",
            })?),
            Some(_) => o.integer("expires_in")?,
        };
        Ok(TokenInfo {
            aud: o.string("aud")?,
            azp: o.string("azp")?,
            sub: o.string("sub")?,
            scope: o.string("scope")?.unwrap_or_default(),
            expires_in,
            email: o.string("email")?,
        })
    }
}

/// Turns an unverified token into a session if token info shows it was issued to `client_id`.
/// Both `aud` and, when present, `azp` must name us; a missing `aud` is a rejection. `sub` is
/// required of a token that carries a sign-in scope; one that carries none (only, say, Tasks)
/// is nobody's in particular to Google's token info, which then leaves `sub` out
/// (google-auth-library-nodejs: `TokenInfo.sub` optional), and the session does not say who.
pub fn verify_token_info(
    token: UnverifiedToken,
    info: &TokenInfo,
    client_id: &str,
) -> Result<Session, AuthError> {
    let audience = info.aud.as_deref().unwrap_or("");
    let azp_ok = info.azp.as_deref().is_none_or(|azp| azp == client_id);
    if audience != client_id || !azp_ok {
        let shown = if audience != client_id {
            audience
        } else {
            info.azp.as_deref().unwrap_or("")
        };
        return Err(AuthError::AudienceMismatch {
            audience: shown.to_owned(),
        });
    }
    let remaining = info.expires_in.unwrap_or(1);
    if remaining <= 0 {
        return Err(AuthError::InvalidToken);
    }
    let granted_scopes = GrantedScopes::from_space_delimited(&info.scope);
    let subject = info.sub.clone().filter(|s| !s.is_empty());
    if subject.is_none() && granted_scopes.names_the_person() {
        return Err(AuthError::MissingParameter("sub"));
    }
    // The response's expires_in is the lifetime measured from when it arrived; token info's
    // covers tokens whose response left it out (RFC 6749 makes it only RECOMMENDED).
    let lifetime = token.expires_in.unwrap_or(remaining as u64);
    Ok(Session {
        access_token: token.access_token,
        expires_at_ms: Session::expiry(token.received_at_ms, lifetime),
        granted_scopes,
        subject,
        email: info.email.clone(),
        token_type: token.token_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &str = "ours.apps.googleusercontent.com";

    fn token() -> UnverifiedToken {
        UnverifiedToken {
            access_token: "ya29.t".into(),
            expires_in: Some(3599),
            scope: Some("openid".into()),
            received_at_ms: 1_000_000,
            requested_scopes: vec!["openid".into()],
            id_token: None,
            nonce: None,
            token_type: Default::default(),
            response_iss: None,
        }
    }

    fn info(aud: &str) -> TokenInfo {
        TokenInfo::from_json(&format!(
            r#"{{"azp":"{aud}","aud":"{aud}","sub":"42","scope":"openid https://www.googleapis.com/auth/userinfo.email","exp":"1700003599","expires_in":"3599","email":"ada@example.test","email_verified":"true","access_type":"online"}}"#
        ))
        .unwrap()
    }

    #[test]
    fn our_token_becomes_a_session_with_the_granted_scopes() {
        let session = verify_token_info(token(), &info(CLIENT), CLIENT).unwrap();
        assert_eq!(session.subject.as_deref(), Some("42"));
        assert!(session.granted_scopes.contains("email"));
        assert_eq!(session.expires_at_ms, Session::expiry(1_000_000, 3599));
    }

    #[test]
    fn the_request_body_carries_the_token_form_encoded() {
        assert_eq!(token_info_body("ya29.a/b+c"), "access_token=ya29.a%2Fb%2Bc");
    }

    #[test]
    fn token_for_another_client_is_rejected() {
        let e = verify_token_info(
            token(),
            &info("other-app.apps.googleusercontent.com"),
            CLIENT,
        )
        .unwrap_err();
        assert_eq!(e.code(), "audience_mismatch");
    }

    #[test]
    fn mismatched_azp_is_rejected_even_when_aud_matches() {
        let mut i = info(CLIENT);
        i.azp = Some("other".into());
        assert_eq!(
            verify_token_info(token(), &i, CLIENT).unwrap_err(),
            AuthError::AudienceMismatch {
                audience: "other".into()
            }
        );
    }

    #[test]
    fn missing_audience_is_rejected() {
        let i = TokenInfo::from_json(r#"{"sub":"1","scope":"openid","expires_in":3000}"#).unwrap();
        assert_eq!(
            verify_token_info(token(), &i, CLIENT).unwrap_err().code(),
            "audience_mismatch"
        );
    }

    #[test]
    fn numeric_expires_in_is_accepted() {
        let i = TokenInfo::from_json(&format!(
            r#"{{"aud":"{CLIENT}","sub":"1","expires_in":12}}"#
        ))
        .unwrap();
        assert_eq!(i.expires_in, Some(12));
    }

    #[test]
    fn spent_token_is_rejected() {
        let mut i = info(CLIENT);
        i.expires_in = Some(0);
        assert_eq!(
            verify_token_info(token(), &i, CLIENT).unwrap_err(),
            AuthError::InvalidToken
        );
    }

    #[test]
    fn lifetime_falls_back_to_token_info_when_the_response_had_none() {
        let mut t = token();
        t.expires_in = None;
        let mut i = info(CLIENT);
        i.expires_in = Some(100);
        let session = verify_token_info(t, &i, CLIENT).unwrap();
        assert_eq!(session.expires_at_ms, Session::expiry(1_000_000, 100));
    }

    #[test]
    fn a_token_with_no_sign_in_scope_is_nobodys_in_particular() {
        let i = TokenInfo::from_json(&format!(
            r#"{{"azp":"{CLIENT}","aud":"{CLIENT}","scope":"https://www.googleapis.com/auth/tasks","exp":"1700003599","expires_in":"3599","access_type":"online"}}"#
        ))
        .unwrap();
        let session = verify_token_info(token(), &i, CLIENT).unwrap();
        assert_eq!((session.subject, session.email), (None, None));
        assert!(session
            .granted_scopes
            .contains("https://www.googleapis.com/auth/tasks"));
    }

    #[test]
    fn a_token_with_a_sign_in_scope_must_say_whose_it_is() {
        let mut i = info(CLIENT);
        i.sub = None;
        assert_eq!(
            verify_token_info(token(), &i, CLIENT).unwrap_err(),
            AuthError::MissingParameter("sub")
        );
        i.sub = Some(String::new());
        assert_eq!(
            verify_token_info(token(), &i, CLIENT).unwrap_err(),
            AuthError::MissingParameter("sub")
        );
    }
}
