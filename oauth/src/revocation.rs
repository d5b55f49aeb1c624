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

/// One `name=value` pair, form-encoded.
pub(crate) fn form_body(name: &str, value: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair(name, value)
        .finish()
}

#[cfg(test)]
mod tests {
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
