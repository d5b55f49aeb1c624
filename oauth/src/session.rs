//! A verified session: a token known to be ours, with the scopes it really carries and when it
//! stops working. Serializable so the browser adapter can keep it in sessionStorage.

use crate::callback::UnverifiedToken;
use crate::dpop::TokenType;
use crate::id_token::Claims;
use crate::json::{Json, Object, ObjectWriter, ReadError};
use crate::scopes::GrantedScopes;

/// Taken off the lifetime so the app stops using a token before the server does: clocks drift
/// and a request takes time in flight. A tenth of short lifetimes, at most 30 seconds.
pub const MAX_EXPIRY_SKEW_SECS: u64 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub access_token: String,
    pub expires_at_ms: u64,
    pub granted_scopes: GrantedScopes,
    /// The Google account's stable id (`sub`), also usable as `login_hint`. `None` for a token
    /// that carries no sign-in scope: Google's token info then does not say whose it is.
    pub subject: Option<String>,
    pub email: Option<String>,
    /// `DPoP` when the token is bound to this page's key: every use carries a proof.
    pub token_type: TokenType,
}

impl Session {
    /// The sessionStorage record: `{"access_token", "expires_at_ms", "granted_scopes": [..],
    /// "subject", "email", "token_type"}` (`token_type` only for DPoP).
    pub fn to_json(&self) -> String {
        ObjectWriter::default()
            .string("access_token", Some(&self.access_token))
            .integer("expires_at_ms", self.expires_at_ms)
            .strings("granted_scopes", self.granted_scopes.iter())
            .string("subject", self.subject.as_deref())
            .string("email", self.email.as_deref())
            .string(
                "token_type",
                (self.token_type == TokenType::DPoP).then_some(TokenType::DPoP.scheme()),
            )
            .finish()
    }

    pub fn from_json(text: &str) -> Result<Self, ReadError> {
        let o = Json::parse_object(text)?;
        Ok(Session {
            access_token: Object::required("access_token", o.string("access_token")?)?,
            expires_at_ms: Object::required("expires_at_ms", o.integer("expires_at_ms")?)?,
            granted_scopes: GrantedScopes::from_list(Object::required(
                "granted_scopes",
                o.strings("granted_scopes")?,
            )?),
            subject: o.string("subject")?,
            email: o.string("email")?,
            token_type: match o.string("token_type")?.as_deref() {
                // Absent in records written before DPoP, and for Bearer.
                None => TokenType::Bearer,
                Some("DPoP") => TokenType::DPoP,
                Some(_) => {
                    return Err(crate::json::FieldError {
                        field: "token_type",
                        expected: "must be DPoP when present",
                    }
                    .into())
                }
            },
        })
    }

    /// The session a verified ID token vouches for, with a provider that has no token info:
    /// the ID token says who the token is for (its `aud` is this client, its `at_hash` or the
    /// code exchange binds the access token to it). Scopes are the response's, or, when it left
    /// them out, the ones asked for (RFC 6749 §5.1: omitted means "as requested").
    pub fn from_id_token(token: UnverifiedToken, claims: &Claims) -> Session {
        let lifetime = token.expires_in.unwrap_or_else(|| {
            // No expires_in: the ID token's own expiry is the best bound there is.
            let exp_ms = u64::try_from(claims.exp).unwrap_or(0).saturating_mul(1000);
            exp_ms.saturating_sub(token.received_at_ms) / 1000
        });
        let granted_scopes = match &token.scope {
            Some(scope) => GrantedScopes::from_space_delimited(scope),
            None => GrantedScopes::from_list(token.requested_scopes.clone()),
        };
        Session {
            token_type: token.token_type,
            expires_at_ms: Session::expiry(token.received_at_ms, lifetime),
            access_token: token.access_token,
            granted_scopes,
            subject: Some(claims.sub.clone()),
            email: claims.email.clone(),
        }
    }

    /// `received_at_ms + expires_in - skew`, all in local time.
    pub fn expiry(received_at_ms: u64, expires_in_secs: u64) -> u64 {
        let skew = MAX_EXPIRY_SKEW_SECS.min(expires_in_secs / 10);
        received_at_ms.saturating_add((expires_in_secs - skew).saturating_mul(1000))
    }

    /// Whether a new session in this tab replaces this one for someone else ("Use another
    /// account"): then this token is nobody's any more and is revoked. The same person's new
    /// token must not revoke the old one: Google revokes the whole grant with either. When
    /// either token does not say whose it is, it cannot be told, so nothing is revoked.
    pub fn superseded_by(&self, new: &Session) -> bool {
        matches!((&self.subject, &new.subject), (Some(old), Some(new)) if old != new)
    }

    pub fn is_expired(&self, now_ms: u64) -> bool {
        now_ms >= self.expires_at_ms
    }

    /// Whole seconds left, rounded down; 0 once expired.
    pub fn seconds_left(&self, now_ms: u64) -> u64 {
        self.expires_at_ms.saturating_sub(now_ms) / 1000
    }

    /// The best `login_hint` for signing this person in again: the email if known, else `sub`;
    /// none when the token did not say who it is for.
    pub fn login_hint(&self) -> Option<&str> {
        self.email.as_deref().or(self.subject.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires_at_ms: u64) -> Session {
        Session {
            access_token: "t".into(),
            expires_at_ms,
            granted_scopes: GrantedScopes::default(),
            subject: Some("1".into()),
            email: None,
            token_type: TokenType::Bearer,
        }
    }

    fn verified(expires_in: Option<u64>, scope: Option<&str>) -> Session {
        let token = UnverifiedToken {
            access_token: "at".into(),
            expires_in,
            scope: scope.map(str::to_owned),
            received_at_ms: 1_000_000,
            requested_scopes: vec!["openid".into(), "email".into()],
            id_token: Some("a.b.c".into()),
            nonce: Some("n".into()),
            token_type: TokenType::DPoP,
            response_iss: None,
        };
        let claims = crate::id_token::Claims {
            iss: "https://op.example".into(),
            sub: "ada".into(),
            aud: crate::id_token::Audience(vec!["app".into()]),
            azp: None,
            exp: 1_000 + 600,
            iat: 1_000,
            nonce: Some("n".into()),
            at_hash: None,
            email: Some("ada@example.test".into()),
            name: None,
            auth_time: None,
        };
        Session::from_id_token(token, &claims)
    }

    #[test]
    fn an_id_token_session_takes_who_from_the_id_token_and_scopes_from_the_answer() {
        let s = verified(Some(3600), Some("openid"));
        assert_eq!(s.subject.as_deref(), Some("ada"));
        assert_eq!(s.email.as_deref(), Some("ada@example.test"));
        assert_eq!(s.expires_at_ms, Session::expiry(1_000_000, 3600));
        assert_eq!(s.granted_scopes.iter().collect::<Vec<_>>(), vec!["openid"]);
        assert_eq!(s.token_type, TokenType::DPoP);
    }

    #[test]
    fn without_scope_or_expiry_the_request_and_the_id_token_decide() {
        let s = verified(None, None);
        assert_eq!(
            s.granted_scopes.iter().collect::<Vec<_>>(),
            vec!["email", "openid"]
        );
        // The ID token expires at 1600 s; the answer arrived at 1000 s.
        assert_eq!(s.expires_at_ms, Session::expiry(1_000_000, 600));
    }

    #[test]
    fn an_hour_token_is_used_for_an_hour_less_thirty_seconds() {
        assert_eq!(Session::expiry(1_000, 3600), 1_000 + 3_570_000);
    }

    #[test]
    fn short_tokens_lose_a_tenth_not_thirty_seconds() {
        assert_eq!(Session::expiry(0, 20), 18_000);
        assert_eq!(Session::expiry(0, 1), 1_000);
    }

    #[test]
    fn expiry_is_inclusive() {
        let s = session(5_000);
        assert!(!s.is_expired(4_999));
        assert!(s.is_expired(5_000));
        assert_eq!(s.seconds_left(1_500), 3);
        assert_eq!(s.seconds_left(9_000), 0);
    }

    #[test]
    fn the_stored_record_reads_back() {
        let mut s = session(1_700_000_000_000);
        s.granted_scopes = GrantedScopes::from_space_delimited("openid email");
        s.email = Some("ada@example.test".into());
        assert_eq!(Session::from_json(&s.to_json()), Ok(s.clone()));
        assert!(s.to_json().starts_with(r#"{"access_token":"t","#));
        assert!(Session::from_json(r#"{"access_token":"t"}"#).is_err());
        s.subject = None;
        s.email = None;
        assert_eq!(
            Session::from_json(&s.to_json()),
            Ok(s.clone()),
            "a session that does not know whose it is reads back"
        );
        s.token_type = TokenType::DPoP;
        assert!(s.to_json().ends_with(r#","token_type":"DPoP"}"#));
        assert_eq!(Session::from_json(&s.to_json()), Ok(s.clone()));
        let other = s.to_json().replace(r#""DPoP""#, r#""mac""#);
        assert!(Session::from_json(&other).is_err());
    }

    #[test]
    fn login_hint_prefers_email() {
        let mut s = session(0);
        assert_eq!(s.login_hint(), Some("1"));
        s.email = Some("ada@example.test".into());
        assert_eq!(s.login_hint(), Some("ada@example.test"));
        let nobody = Session {
            subject: None,
            ..session(0)
        };
        assert_eq!(nobody.login_hint(), None);
    }

    #[test]
    fn only_another_person_supersedes_a_session() {
        let ada = session(10);
        let renewed = Session {
            access_token: "t2".into(),
            email: Some("ada@example.test".into()),
            ..session(20)
        };
        assert!(!ada.superseded_by(&renewed));
        let grace = Session {
            subject: Some("2".into()),
            ..session(10)
        };
        assert!(ada.superseded_by(&grace));
        let unknown = Session {
            subject: None,
            ..session(10)
        };
        assert!(!ada.superseded_by(&unknown), "unknown: nothing is revoked");
        assert!(!unknown.superseded_by(&grace));
    }
}
