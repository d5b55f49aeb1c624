//! Sign-out's revocation request (RFC 7009 §2.1; Google's `POST /revoke`).

/// The form-encoded body. The token goes in the body, never the URL, so it stays out of logs.
/// A public client names itself with `client_id` (§2.1, §5); Google's endpoint takes the token
/// alone, so `client_id` is `None` there.
pub fn revocation_body(access_token: &str, client_id: Option<&str>) -> String {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("token", access_token);
    if let Some(id) = client_id {
        body.append_pair("client_id", id);
    }
    body.finish()
}

/// A refresh token's revocation body: `token_type_hint` tells the server which kind it is
/// (RFC 7009 §2.1), so it need not look among access tokens first.
pub fn refresh_token_revocation_body(refresh_token: &str, client_id: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("token", refresh_token)
        .append_pair("token_type_hint", "refresh_token")
        .append_pair("client_id", client_id)
        .finish()
}

/// What a revocation answer means for sign-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// Revoked (RFC 7009 §2.2: 200). At Google, with the token the whole grant is gone: every
    /// token of it, and the consent.
    Revoked,
    /// The server no longer knew the token as a live one: expired, or revoked already. RFC 7009
    /// §2.2 has it answer 200 then ("invalid tokens do not cause an error response"); Google
    /// answers `400 {"error": "invalid_token", "error_description": "Token expired or revoked"}`.
    /// Either way nothing is left to revoke: the sign-out is complete, not failed.
    AlreadyUnusable,
}

/// Reads a revocation answer: `Some` when it says the token is revoked or was already unusable,
/// `None` for any other answer (a real failure, which the API layer classifies).
pub fn read_answer(status: u16, body: &str) -> Option<Revocation> {
    match status {
        200..=299 => Some(Revocation::Revoked),
        400 => {
            let error = crate::json::Json::parse(body).ok()?;
            (error.get("error")?.as_str()? == "invalid_token")
                .then_some(Revocation::AlreadyUnusable)
        }
        _ => None,
    }
}

/// One `name=value` pair, form-encoded.
pub(crate) fn form_body(name: &str, value: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair(name, value)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn googles_answer_for_an_expired_token_means_nothing_was_left_to_revoke() {
        assert_eq!(read_answer(200, "{}"), Some(Revocation::Revoked));
        assert_eq!(read_answer(200, ""), Some(Revocation::Revoked));
        assert_eq!(
            read_answer(
                400,
                r#"{"error":"invalid_token","error_description":"Token expired or revoked"}"#
            ),
            Some(Revocation::AlreadyUnusable)
        );
        for (status, body) in [
            (400, r#"{"error":"invalid_request"}"#),
            (400, "not json"),
            (400, r#"{"error":{"message":"invalid_token"}}"#),
            (401, r#"{"error":"invalid_token"}"#),
            (503, ""),
        ] {
            assert_eq!(read_answer(status, body), None, "{status} {body}");
        }
    }

    #[test]
    fn token_is_form_encoded() {
        assert_eq!(
            super::revocation_body("ya29.a/b+c", None),
            "token=ya29.a%2Fb%2Bc"
        );
        assert_eq!(
            super::revocation_body("t", Some("app")),
            "token=t&client_id=app"
        );
        assert_eq!(
            super::refresh_token_revocation_body("r/t", "app"),
            "token=r%2Ft&token_type_hint=refresh_token&client_id=app"
        );
    }
}
