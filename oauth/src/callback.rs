//! Step 3: deciding whether a redirect's response answers the request this tab sent.
//! The caller has already removed the pending authorization from storage (state is single use,
//! RFC 6749 §10.12), whatever the outcome here.

use crate::authorization::PendingAuthorization;
use crate::config::Flow;
use crate::dpop::{self, TokenType};
use crate::error::AuthError;
use crate::response::{AuthorizationResponse, ResponseMode};
use subtle::ConstantTimeEq;

/// A token that passed the response checks but is not yet known to be ours: it must go through
/// the ID token's checks ([`crate::id_token`]) or Google's token info
/// ([`crate::token_info::verify_token_info`]) before it is used for anything.
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
    /// The ID token that came with it (OpenID Connect flows), still to be verified.
    pub id_token: Option<String>,
    /// What the ID token must carry back: the pending request's nonce.
    pub nonce: Option<String>,
    /// `Bearer`, or `DPoP` when the token is bound to this page's key (RFC 9449).
    pub token_type: TokenType,
    /// The authorization response's RFC 9207 `iss`, beside an ID token from the authorization
    /// endpoint: that ID token's `iss` must be exactly it (§2.4). `None` from the token endpoint.
    pub response_iss: Option<String>,
}

/// A code that passed the response checks, with what its exchange needs (RFC 6749 §4.1.3,
/// RFC 7636 §4.5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeGrant {
    pub code: String,
    pub code_verifier: String,
    pub redirect_uri: String,
    pub requested_scopes: Vec<String>,
    pub nonce: Option<String>,
}

/// The checks every answer passes first, in the order that keeps a forged response from being
/// acted on: a pending request, the right place in the URL, parsing, state, issuer (RFC 9207),
/// then the provider's error if it is one.
fn check_common(
    raw: &str,
    pending: Option<&PendingAuthorization>,
) -> Result<AuthorizationResponse, AuthError> {
    let pending = pending.ok_or(AuthError::NoPendingAuthorization)?;
    let expected_mode = match pending.flow {
        Flow::Code => ResponseMode::Query,
        Flow::Token | Flow::TokenIdToken => ResponseMode::Fragment,
    };
    if ResponseMode::split(raw).0 != expected_mode {
        return Err(AuthError::WrongResponseMode);
    }
    let response = AuthorizationResponse::from_fragment(raw)?;
    match response.state() {
        // Without an early exit, so timing does not reveal how much of a guess was right.
        Some(state) if bool::from(state.as_bytes().ct_eq(pending.state.as_bytes())) => {}
        _ => return Err(AuthError::StateMismatch),
    }
    // RFC 9207 §2.4, for errors too: "clients MUST NOT assume that the error originates from
    // the intended authorization server".
    match (pending.issuer.as_deref(), response.iss()) {
        (Some(sent_to), Some(iss)) if iss != sent_to => {
            return Err(AuthError::IssuerMismatch(iss.to_owned()))
        }
        // An answer with an ID token is named by the token's signed `iss`, which is checked
        // against the same issuer: certified providers (panva's oidc-provider) send no `iss`
        // beside one, whatever their metadata says.
        (_, None) if pending.iss_required && !response.has_id_token() => {
            return Err(AuthError::IssuerMissing)
        }
        _ => {}
    }
    if let AuthorizationResponse::Error { error, .. } = response {
        return Err(AuthError::Provider(error));
    }
    Ok(response)
}

/// Checks an implicit-grant answer against the pending authorization: [`check_common`], then
/// the token type, expiry, and for OpenID Connect that an ID token came along.
pub fn check_response(
    fragment: &str,
    pending: Option<PendingAuthorization>,
    now_ms: u64,
) -> Result<UnverifiedToken, AuthError> {
    let response = check_common(fragment, pending.as_ref())?;
    let pending = pending.ok_or(AuthError::NoPendingAuthorization)?;
    let response_iss = response.iss().map(str::to_owned);
    let AuthorizationResponse::Success(token) = response else {
        return Err(AuthError::MissingParameter("access_token"));
    };
    let id_token = match (pending.flow.has_id_token(), token.id_token) {
        (true, None) => return Err(AuthError::MissingParameter("id_token")),
        (true, some) => some,
        // Not asked for: an ID token here is not ours to trust, so it is dropped unread.
        (false, _) => None,
    };
    let has_id_token = id_token.is_some();
    // No proof goes to the authorization endpoint: only Bearer is ours here.
    let (access_token, expires_in, token_type) = check_token(
        token.access_token,
        token.token_type.as_deref(),
        token.expires_in.as_deref(),
        false,
    )?;
    Ok(UnverifiedToken {
        access_token,
        expires_in,
        scope: token.scope,
        received_at_ms: now_ms,
        requested_scopes: pending.scopes,
        id_token,
        nonce: pending.nonce,
        token_type,
        response_iss: response_iss.filter(|_| has_id_token),
    })
}

/// Checks a code-grant answer (in the query) against the pending authorization.
pub fn check_code_response(
    query: &str,
    pending: Option<PendingAuthorization>,
) -> Result<CodeGrant, AuthError> {
    let response = check_common(query, pending.as_ref())?;
    let pending = pending.ok_or(AuthError::NoPendingAuthorization)?;
    let AuthorizationResponse::Code { code, .. } = response else {
        return Err(AuthError::MissingParameter("code"));
    };
    Ok(CodeGrant {
        code,
        code_verifier: pending
            .code_verifier
            .ok_or(AuthError::MissingParameter("code_verifier"))?,
        redirect_uri: pending.redirect_uri,
        requested_scopes: pending.scopes,
        nonce: pending.nonce,
    })
}

/// RFC 6749 §5.1: the token type is case-insensitive; §7.1: never use a type we don't know
/// (`DPoP` only beside a proof this request carried: [`dpop::token_type`]).
/// `expires_in`, when present, is a positive number of seconds.
pub fn check_token(
    access_token: String,
    token_type: Option<&str>,
    expires_in: Option<&str>,
    proof_sent: bool,
) -> Result<(String, Option<u64>, TokenType), AuthError> {
    let token_type = dpop::token_type(token_type, proof_sent)?;
    let expires_in = match expires_in {
        None => None,
        Some(text) => match text.parse::<u64>() {
            Ok(secs) if secs > 0 => Some(secs),
            _ => return Err(AuthError::InvalidParameter { name: "expires_in" }),
        },
    };
    Ok((access_token, expires_in, token_type))
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
    fn state_differing_in_two_bytes_with_cancelling_xor_is_refused() {
        let p = pending();
        let forged = format!("BR{}", &p.state[2..]);
        let differences: Vec<u8> = p
            .state
            .bytes()
            .zip(forged.bytes())
            .map(|(sent, got)| sent ^ got)
            .filter(|&d| d != 0)
            .collect();
        assert_eq!(differences, [3, 3], "two bytes differ in the same bits");
        let e = check_response(&fragment(&forged, ""), Some(p), 0).unwrap_err();
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

    /// The answer to an otherwise good response whose `expires_in` is `text`.
    fn with_expiry(text: &str) -> Result<UnverifiedToken, AuthError> {
        let p = pending();
        let f = fragment(&p.state, "").replace("3599", text);
        check_response(&f, Some(p), 0)
    }

    #[test]
    fn non_numeric_expiry_is_rejected() {
        assert_eq!(
            with_expiry("soon").unwrap_err(),
            AuthError::InvalidParameter { name: "expires_in" }
        );
    }

    #[test]
    fn zero_expiry_is_rejected() {
        assert_eq!(
            with_expiry("0").unwrap_err(),
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

    fn oidc_pending(flow: Flow) -> PendingAuthorization {
        let p = pending().openid(flow, "https://op.example", [2; STATE_BYTES]);
        if flow == Flow::Code {
            p.with_code_verifier("v".repeat(43))
        } else {
            p
        }
    }

    #[test]
    fn an_oidc_answer_must_carry_its_id_token() {
        let p = oidc_pending(Flow::TokenIdToken);
        let f = fragment(&p.state, "");
        assert_eq!(
            check_response(&f, Some(p.clone()), 0).unwrap_err(),
            AuthError::MissingParameter("id_token")
        );
        let token = check_response(&format!("{f}&id_token=a.b.c"), Some(p.clone()), 0).unwrap();
        assert_eq!(token.id_token.as_deref(), Some("a.b.c"));
        assert_eq!(token.nonce, p.nonce);
    }

    #[test]
    fn an_id_token_nobody_asked_for_is_dropped() {
        let p = pending();
        let f = fragment(&p.state, "&id_token=a.b.c");
        assert_eq!(check_response(&f, Some(p), 0).unwrap().id_token, None);
    }

    #[test]
    fn a_code_comes_in_the_query_with_the_verifier_kept_for_its_exchange() {
        let p = oidc_pending(Flow::Code);
        let grant = check_code_response(
            &format!("?code=c1&state={}&iss=https%3A%2F%2Fop.example", p.state),
            Some(p.clone()),
        )
        .unwrap();
        assert_eq!(grant.code, "c1");
        assert_eq!(Some(grant.code_verifier), p.code_verifier);
        assert_eq!(grant.redirect_uri, p.redirect_uri);
    }

    #[test]
    fn an_answer_in_the_wrong_part_of_the_url_is_refused() {
        let code = oidc_pending(Flow::Code);
        let e = check_code_response(&format!("#code=c1&state={}", code.state), Some(code));
        assert_eq!(e.unwrap_err(), AuthError::WrongResponseMode);
        let token = pending();
        let e = check_response(&format!("?{}", fragment(&token.state, "")), Some(token), 0);
        assert_eq!(e.unwrap_err(), AuthError::WrongResponseMode);
    }

    #[test]
    fn an_answer_from_another_issuer_is_refused_even_an_error() {
        let p = oidc_pending(Flow::Code);
        let e = check_code_response(
            &format!(
                "?error=access_denied&state={}&iss=https%3A%2F%2Fevil.example",
                p.state
            ),
            Some(p),
        );
        assert_eq!(e.unwrap_err().code(), "issuer_mismatch");
    }

    #[test]
    fn a_provider_that_names_itself_must_name_itself_every_time() {
        let strict = oidc_pending(Flow::Code).requiring_iss(true);
        let without = format!("?code=c1&state={}", strict.state);
        assert_eq!(
            check_code_response(&without, Some(strict.clone())).unwrap_err(),
            AuthError::IssuerMissing
        );
        let error = format!("?error=access_denied&state={}", strict.state);
        assert_eq!(
            check_code_response(&error, Some(strict.clone())).unwrap_err(),
            AuthError::IssuerMissing,
            "an error without iss is not known to be the provider's"
        );
        let with = format!("{without}&iss=https%3A%2F%2Fop.example");
        assert!(check_code_response(&with, Some(strict)).is_ok());
        // Beside an ID token, the token's own iss names the provider.
        let implicit = oidc_pending(Flow::TokenIdToken).requiring_iss(true);
        let f = fragment(&implicit.state, "");
        assert_eq!(
            check_response(&f, Some(implicit.clone()), 0).unwrap_err(),
            AuthError::IssuerMissing
        );
        assert!(check_response(&format!("{f}&id_token=a.b.c"), Some(implicit), 0).is_ok());
        // A provider that never said it would: an answer without iss is taken.
        let lax = oidc_pending(Flow::Code);
        assert!(check_code_response(&format!("?code=c1&state={}", lax.state), Some(lax)).is_ok());
    }

    #[test]
    fn the_answers_iss_goes_with_its_id_token() {
        let p = oidc_pending(Flow::TokenIdToken);
        let f = format!(
            "{}&id_token=a.b.c&iss=https%3A%2F%2Fop.example",
            fragment(&p.state, "")
        );
        let token = check_response(&f, Some(p.clone()), 0).unwrap();
        assert_eq!(token.response_iss.as_deref(), Some("https://op.example"));
        let plain = check_response(&fragment(&p.state, "&id_token=a.b.c"), Some(p), 0).unwrap();
        assert_eq!(plain.response_iss, None);
    }
}
