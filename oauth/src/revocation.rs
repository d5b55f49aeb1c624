//! Sign-out's revocation request (RFC 7009 §2.1; Google's `POST /revoke`).

/// The form-encoded body. The token goes in the body, never the URL, so it stays out of logs.
pub fn revocation_body(access_token: &str) -> String {
    form_body("token", access_token)
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
        assert_eq!(super::revocation_body("ya29.a/b+c"), "token=ya29.a%2Fb%2Bc");
    }
}
