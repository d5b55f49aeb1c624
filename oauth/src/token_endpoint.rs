//! The code grant's second half: exchanging the code at the token endpoint (RFC 6749 §4.1.3,
//! with PKCE's `code_verifier`, RFC 7636 §4.5) and reading the answer (§5.1, §5.2). A public
//! client sends no secret: the verifier proves this tab is the one that asked.

use crate::callback::{check_token, CodeGrant, UnverifiedToken};
use crate::error::{AuthError, ProviderError};
use crate::json::Json;

/// The form body of the exchange.
pub fn exchange_body(client_id: &str, grant: &CodeGrant) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "authorization_code")
        .append_pair("code", &grant.code)
        .append_pair("redirect_uri", &grant.redirect_uri)
        .append_pair("client_id", client_id)
        .append_pair("code_verifier", &grant.code_verifier)
        .finish()
}

/// A token endpoint's success: the token still to be verified, and the refresh token if the
/// provider issued one (kept in memory only, by the caller: RFC 9700 §4.14, RFC 10017).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAnswer {
    pub token: UnverifiedToken,
    pub refresh_token: Option<String>,
}

/// Reads the code exchange's answer. A success must hold a Bearer access token, or a DPoP one
/// when the request carried a proof (`proof_sent`, RFC 9449 §5), and, when `openid` was asked
/// for, an ID token (OIDC Core §3.1.3.3).
pub fn read_answer(
    status: u16,
    body: &str,
    grant: CodeGrant,
    now_ms: u64,
    proof_sent: bool,
) -> Result<TokenAnswer, AuthError> {
    let id_token_required = grant.requested_scopes.iter().any(|s| s == "openid");
    read_token_answer(
        status,
        body,
        grant.requested_scopes,
        grant.nonce,
        id_token_required,
        now_ms,
        proof_sent,
    )
}

/// Any token endpoint answer (RFC 6749 §5.1, §5.2): the code exchange's or a refresh's.
pub(crate) fn read_token_answer(
    status: u16,
    body: &str,
    requested_scopes: Vec<String>,
    nonce: Option<String>,
    id_token_required: bool,
    now_ms: u64,
    proof_sent: bool,
) -> Result<TokenAnswer, AuthError> {
    let object = Json::parse_object(body).ok();
    if !(200..300).contains(&status) {
        let error = object.as_ref().and_then(|o| {
            Some(ProviderError {
                code: o.string("error").ok()??,
                description: o.string("error_description").ok()?,
                uri: o.string("error_uri").ok()?,
            })
        });
        return Err(match error {
            Some(error) => AuthError::Provider(error),
            None => AuthError::TokenEndpoint(status),
        });
    }
    let o = object.ok_or(AuthError::TokenEndpoint(status))?;
    let text = |name: &'static str| {
        o.string(name)
            .map_err(|_| AuthError::InvalidParameter { name })
    };
    let access_token = text("access_token")?.ok_or(AuthError::MissingParameter("access_token"))?;
    let expires_in = match o.get("expires_in") {
        None | Some(Json::Null) => None,
        Some(value) => Some(
            value
                .as_integer::<u64>()
                .ok_or(AuthError::InvalidParameter { name: "expires_in" })?
                .to_string(),
        ),
    };
    let (access_token, expires_in, token_type) = check_token(
        access_token,
        text("token_type")?.as_deref(),
        expires_in.as_deref(),
        proof_sent,
    )?;
    let id_token = text("id_token")?;
    if id_token_required && id_token.is_none() {
        return Err(AuthError::MissingParameter("id_token"));
    }
    Ok(TokenAnswer {
        // An empty one is no token (RFC 6749 §3.1's rule for empty parameters, applied here).
        refresh_token: text("refresh_token")?.filter(|t| !t.is_empty()),
        token: UnverifiedToken {
            access_token,
            expires_in,
            scope: text("scope")?,
            received_at_ms: now_ms,
            requested_scopes,
            id_token,
            nonce,
            token_type,
            response_iss: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> CodeGrant {
        CodeGrant {
            code: "c&1".into(),
            code_verifier: "v".repeat(43),
            redirect_uri: "http://127.0.0.1:8080/".into(),
            requested_scopes: vec!["openid".into(), "email".into()],
            nonce: Some("n".into()),
        }
    }

    #[test]
    fn the_exchange_carries_the_verifier_and_no_secret() {
        let body = exchange_body("app", &grant());
        assert_eq!(
            body,
            format!(
                "grant_type=authorization_code&code=c%261&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F&client_id=app&code_verifier={}",
                "v".repeat(43)
            )
        );
    }

    #[test]
    fn a_success_gives_an_unverified_token_with_its_id_token() {
        let answer = read_answer(
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"id_token":"a.b.c","scope":"openid email"}"#,
            grant(),
            5,
            false,
        )
        .unwrap();
        assert_eq!(answer.refresh_token, None);
        let token = answer.token;
        assert_eq!(token.access_token, "at");
        assert_eq!(token.expires_in, Some(3600));
        assert_eq!(token.id_token.as_deref(), Some("a.b.c"));
        assert_eq!(token.nonce.as_deref(), Some("n"));
        assert_eq!(token.received_at_ms, 5);
    }

    #[test]
    fn a_refresh_token_from_the_exchange_is_handed_back() {
        let answer = read_answer(
            200,
            r#"{"access_token":"at","token_type":"Bearer","id_token":"a.b.c","refresh_token":"rt"}"#,
            grant(),
            0,
            false,
        )
        .unwrap();
        assert_eq!(answer.refresh_token.as_deref(), Some("rt"));
        let empty =
            r#"{"access_token":"at","token_type":"Bearer","id_token":"a.b.c","refresh_token":""}"#;
        let answer = read_answer(200, empty, grant(), 0, false).unwrap();
        assert_eq!(answer.refresh_token, None);
    }

    /// A success with an access token and nothing else.
    const BEARER_ONLY: &str = r#"{"access_token":"at","token_type":"Bearer"}"#;

    #[test]
    fn an_oidc_answer_without_id_token_is_refused() {
        let e = read_answer(200, BEARER_ONLY, grant(), 0, false);
        assert_eq!(e.unwrap_err(), AuthError::MissingParameter("id_token"));
    }

    #[test]
    fn without_openid_asked_no_id_token_is_needed() {
        let mut plain = grant();
        plain.requested_scopes = vec!["email".into()];
        let token = read_answer(200, BEARER_ONLY, plain, 0, false);
        assert_eq!(token.unwrap().token.id_token, None);
    }

    #[test]
    fn the_providers_error_is_reported_as_such() {
        let e = read_answer(
            400,
            r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#,
            grant(),
            0,
            false,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_grant");
        assert_eq!(
            read_answer(502, "<html>", grant(), 0, false)
                .unwrap_err()
                .code(),
            "token_endpoint_failed"
        );
    }

    #[test]
    fn a_dpop_token_is_taken_only_when_the_exchange_carried_a_proof() {
        let dpop = r#"{"access_token":"at","token_type":"DPoP","id_token":"x"}"#;
        let token = read_answer(200, dpop, grant(), 0, true).unwrap().token;
        assert_eq!(token.token_type, crate::dpop::TokenType::DPoP);
        assert_eq!(
            read_answer(200, dpop, grant(), 0, false).unwrap_err(),
            AuthError::UnexpectedDpopToken
        );
        let bearer = r#"{"access_token":"at","token_type":"Bearer","id_token":"x"}"#;
        let token = read_answer(200, bearer, grant(), 0, true).unwrap().token;
        assert_eq!(token.token_type, crate::dpop::TokenType::Bearer);
    }

    #[test]
    fn a_non_bearer_or_malformed_success_is_refused() {
        let mac = r#"{"access_token":"at","token_type":"mac","id_token":"x"}"#;
        assert_eq!(
            read_answer(200, mac, grant(), 0, false).unwrap_err().code(),
            "unsupported_token_type"
        );
        let bad_expiry = r#"{"access_token":"at","token_type":"Bearer","expires_in":"soon"}"#;
        assert_eq!(
            read_answer(200, bad_expiry, grant(), 0, false)
                .unwrap_err()
                .code(),
            "invalid_parameter"
        );
    }
}
