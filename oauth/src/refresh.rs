//! Renewal with a refresh token (RFC 6749 §6), for providers that give one to a public client
//! (Google gives browser apps none). The token is the caller's to keep in memory only; this
//! module builds the request, reads the answer (the rotated token, RFC 9700 §4.14.2) and checks
//! a refreshed ID token against the first one (OpenID Connect Core §12.2).

use crate::error::AuthError;
use crate::id_token::{Claims, IdTokenError};
use crate::scopes::GrantedScopes;
use crate::session::Session;
use crate::token_endpoint::{read_token_answer, TokenAnswer};
use crate::UnverifiedToken;

/// A refresh token and what its answers are checked against. Never serialized: it lives in the
/// tab's memory only, so a reload, another tab or storage never sees it.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshGrant {
    pub refresh_token: String,
    /// The first ID token's claims: a refreshed one must name the same person, issuer and client.
    pub original: Option<Claims>,
}

impl std::fmt::Debug for RefreshGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A refresh token must not reach a log through `{:?}`.
        f.write_str("RefreshGrant { refresh_token: [hidden], .. }")
    }
}

/// The form body (RFC 6749 §6). A public client names itself with `client_id` (§3.2.1); no
/// `scope`, so the new token carries what the grant carries.
pub fn request_body(client_id: &str, refresh_token: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", refresh_token)
        .append_pair("client_id", client_id)
        .finish()
}

/// A refresh's answer, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshed {
    pub token: UnverifiedToken,
    /// The token to use next time: the rotated one, or the same one when the provider sent none
    /// (RFC 6749 §6: "the client MUST discard the old refresh token" only when a new one came).
    pub refresh_token: String,
    pub rotated: bool,
}

/// Reads the token endpoint's answer to a refresh. An ID token is optional here (OIDC Core
/// §12.2); scopes left out are the session's (RFC 6749 §5.1). Errors are the provider's own:
/// `invalid_grant` for a spent or revoked refresh token. A DPoP token is taken only when the
/// request carried a proof (`proof_sent`, RFC 9449 §5).
pub fn read_answer(
    status: u16,
    body: &str,
    previous: &RefreshGrant,
    session: &Session,
    now_ms: u64,
    proof_sent: bool,
) -> Result<Refreshed, AuthError> {
    let scopes = session.granted_scopes.iter().map(str::to_owned).collect();
    let TokenAnswer {
        token,
        refresh_token,
    } = read_token_answer(status, body, scopes, None, false, now_ms, proof_sent)?;
    let rotated = refresh_token
        .as_ref()
        .is_some_and(|new| *new != previous.refresh_token);
    Ok(Refreshed {
        token,
        refresh_token: refresh_token.unwrap_or_else(|| previous.refresh_token.clone()),
        rotated,
    })
}

/// OIDC Core §12.2: a refreshed ID token (already verified as any ID token is, but for the
/// nonce) must keep `iss`, `sub`, `aud`, `azp` and `auth_time` of the original, and be issued
/// no earlier than it. Each claim compared, in order, and whether it kept to the rule
/// (`auth_time` only when the first ID token had one).
pub fn refreshed_claim_checks(original: &Claims, refreshed: &Claims) -> Vec<(&'static str, bool)> {
    let mut checks = vec![
        ("iss", refreshed.iss == original.iss),
        ("sub", refreshed.sub == original.sub),
        ("aud", refreshed.aud == original.aud),
        ("azp", refreshed.azp == original.azp),
    ];
    if original.auth_time.is_some() {
        checks.push(("auth_time", refreshed.auth_time == original.auth_time));
    }
    checks.push(("iat", refreshed.iat >= original.iat));
    checks
}

/// The first claim [`refreshed_claim_checks`] finds changed, as the refusal.
pub fn check_refreshed_claims(original: &Claims, refreshed: &Claims) -> Result<(), IdTokenError> {
    match refreshed_claim_checks(original, refreshed)
        .into_iter()
        .find(|(_, kept)| !kept)
    {
        Some((claim, _)) => Err(IdTokenError::RefreshedClaimChanged(claim)),
        None => Ok(()),
    }
}

impl Session {
    /// The session a refresh gives: the new token, for the same person. Expiry is the answer's
    /// `expires_in`, else the refreshed ID token's `exp`, else unchanged (nothing says the new
    /// token lives longer); scopes are the answer's, else the session's (RFC 6749 §5.1).
    pub fn refreshed(&self, token: UnverifiedToken, claims: Option<&Claims>) -> Session {
        let expires_at_ms = match (token.expires_in, claims) {
            (Some(secs), _) => Session::expiry(token.received_at_ms, secs),
            (None, Some(claims)) => Session::from_id_token(token.clone(), claims).expires_at_ms,
            (None, None) => self.expires_at_ms,
        };
        Session {
            access_token: token.access_token,
            expires_at_ms,
            granted_scopes: match &token.scope {
                Some(scope) => GrantedScopes::from_space_delimited(scope),
                None => self.granted_scopes.clone(),
            },
            subject: self.subject.clone(),
            email: claims
                .and_then(|c| c.email.clone())
                .or_else(|| self.email.clone()),
            token_type: token.token_type,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dpop::TokenType;
    use crate::id_token::Audience;

    fn claims() -> Claims {
        Claims {
            iss: "https://op.example".into(),
            sub: "ada".into(),
            aud: Audience(vec!["app".into()]),
            azp: None,
            exp: 2_000,
            iat: 1_000,
            nonce: Some("n".into()),
            at_hash: None,
            email: Some("ada@example.test".into()),
            name: None,
            auth_time: Some(900),
        }
    }

    fn grant() -> RefreshGrant {
        RefreshGrant {
            refresh_token: "rt-1".into(),
            original: Some(claims()),
        }
    }

    fn session() -> Session {
        Session {
            access_token: "at-1".into(),
            expires_at_ms: 5_000,
            granted_scopes: GrantedScopes::from_space_delimited("openid email"),
            subject: Some("ada".into()),
            email: Some("ada@example.test".into()),
            token_type: TokenType::Bearer,
        }
    }

    #[test]
    fn the_request_is_a_refresh_token_grant_naming_the_public_client() {
        assert_eq!(
            request_body("app", "r/t+1"),
            "grant_type=refresh_token&refresh_token=r%2Ft%2B1&client_id=app"
        );
    }

    #[test]
    fn a_rotated_refresh_token_replaces_the_old_one() {
        let body = r#"{"access_token":"at-2","token_type":"Bearer","expires_in":60,"refresh_token":"rt-2"}"#;
        let r = read_answer(200, body, &grant(), &session(), 7, false).unwrap();
        assert_eq!(r.refresh_token, "rt-2");
        assert!(r.rotated);
        assert_eq!(r.token.access_token, "at-2");
        assert_eq!(r.token.received_at_ms, 7);
        assert_eq!(
            r.token.nonce, None,
            "a refresh answers no authorization request"
        );
    }

    #[test]
    fn an_answer_without_a_refresh_token_keeps_the_old_one() {
        let body = r#"{"access_token":"at-2","token_type":"Bearer"}"#;
        let r = read_answer(200, body, &grant(), &session(), 0, false).unwrap();
        assert_eq!(r.refresh_token, "rt-1");
        assert!(!r.rotated);
        let same = r#"{"access_token":"at-2","token_type":"Bearer","refresh_token":"rt-1"}"#;
        assert!(
            !read_answer(200, same, &grant(), &session(), 0, false)
                .unwrap()
                .rotated
        );
    }

    #[test]
    fn a_refresh_needs_no_id_token_and_scopes_default_to_the_sessions() {
        let body = r#"{"access_token":"at-2","token_type":"Bearer"}"#;
        let r = read_answer(200, body, &grant(), &session(), 0, false).unwrap();
        assert_eq!(r.token.id_token, None);
        assert_eq!(r.token.requested_scopes, vec!["email", "openid"]);
    }

    #[test]
    fn a_spent_refresh_token_is_the_providers_invalid_grant() {
        let body = r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#;
        let e = read_answer(400, body, &grant(), &session(), 0, false).unwrap_err();
        assert_eq!(e.code(), "invalid_grant");
        let mac = r#"{"access_token":"at-2","token_type":"mac"}"#;
        assert_eq!(
            read_answer(200, mac, &grant(), &session(), 0, false)
                .unwrap_err()
                .code(),
            "unsupported_token_type"
        );
    }

    #[test]
    fn a_refreshed_id_token_for_the_same_person_passes() {
        let mut newer = claims();
        newer.iat = 1_500;
        newer.exp = 2_500;
        newer.nonce = None;
        assert_eq!(check_refreshed_claims(&claims(), &newer), Ok(()));
        newer.iat = 1_000;
        assert_eq!(
            check_refreshed_claims(&claims(), &newer),
            Ok(()),
            "same second"
        );
    }

    #[test]
    fn a_refreshed_id_token_for_another_subject_is_refused() {
        let mut other = claims();
        other.sub = "mallory".into();
        assert_eq!(
            check_refreshed_claims(&claims(), &other),
            Err(IdTokenError::RefreshedClaimChanged("sub"))
        );
        assert_eq!(
            IdTokenError::RefreshedClaimChanged("sub").code(),
            "refreshed_id_token_mismatch"
        );
    }

    #[test]
    fn each_claim_a_refresh_must_keep_is_checked() {
        let changed = |f: &dyn Fn(&mut Claims)| {
            let mut c = claims();
            f(&mut c);
            check_refreshed_claims(&claims(), &c)
        };
        let refused = |claim| Err(IdTokenError::RefreshedClaimChanged(claim));
        assert_eq!(
            changed(&|c| c.iss = "https://other.example".into()),
            refused("iss")
        );
        assert_eq!(
            changed(&|c| c.aud = Audience(vec!["other".into()])),
            refused("aud")
        );
        assert_eq!(changed(&|c| c.azp = Some("app".into())), refused("azp"));
        assert_eq!(changed(&|c| c.auth_time = Some(901)), refused("auth_time"));
        assert_eq!(changed(&|c| c.auth_time = None), refused("auth_time"));
        assert_eq!(changed(&|c| c.iat = 999), refused("iat"));
        // Without auth_time in the original there is nothing to keep.
        let mut original = claims();
        original.auth_time = None;
        let mut newer = claims();
        newer.auth_time = Some(1);
        assert_eq!(check_refreshed_claims(&original, &newer), Ok(()));
    }

    fn token(expires_in: Option<u64>, scope: Option<&str>) -> UnverifiedToken {
        UnverifiedToken {
            access_token: "at-2".into(),
            expires_in,
            scope: scope.map(str::to_owned),
            received_at_ms: 1_000_000,
            requested_scopes: vec![],
            id_token: None,
            nonce: None,
            token_type: TokenType::Bearer,
            response_iss: None,
        }
    }

    #[test]
    fn a_refreshed_session_keeps_the_person_and_takes_the_new_token() {
        let s = session().refreshed(token(Some(60), None), None);
        assert_eq!(s.access_token, "at-2");
        assert_eq!(s.expires_at_ms, Session::expiry(1_000_000, 60));
        assert_eq!(s.subject.as_deref(), Some("ada"));
        assert_eq!(s.email.as_deref(), Some("ada@example.test"));
        assert_eq!(s.granted_scopes, session().granted_scopes);
        let narrower = session().refreshed(token(Some(60), Some("openid")), None);
        assert_eq!(
            narrower.granted_scopes.iter().collect::<Vec<_>>(),
            vec!["openid"]
        );
    }

    #[test]
    fn without_expires_in_the_id_token_or_the_old_expiry_decides() {
        // The ID token expires at 2000 s; the answer arrived at 1000 s.
        let mut c = claims();
        c.email = Some("new@example.test".into());
        let s = session().refreshed(token(None, None), Some(&c));
        assert_eq!(s.expires_at_ms, Session::expiry(1_000_000, 1_000));
        assert_eq!(s.email.as_deref(), Some("new@example.test"));
        assert_eq!(
            session().refreshed(token(None, None), None).expires_at_ms,
            5_000
        );
    }

    #[test]
    fn the_refresh_token_never_shows_in_debug_output() {
        assert_eq!(
            format!("{:?}", grant()),
            "RefreshGrant { refresh_token: [hidden], .. }"
        );
    }
}
