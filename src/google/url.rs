//! Building API URLs: ids go into paths percent-encoded, parameters into the query form-encoded.
//! Ids are opaque strings from Google; encoding them keeps a `/` or `?` in one from changing
//! which resource a request names.

/// A path segment (RFC 3986 §3.3): unreserved characters, sub-delims, `:` and `@` stay as they
/// are; everything else is percent-encoded as UTF-8.
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `path` with the present parameters as its query, in order.
pub fn with_query(path: &str, params: &[(&str, Option<&str>)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    let query = query.finish();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_segment() {
        assert_eq!(segment("MTIz-_.~"), "MTIz-_.~");
        assert_eq!(segment("a/b?c#d e"), "a%2Fb%3Fc%23d%20e");
        assert_eq!(segment("@me"), "@me");
        assert_eq!(segment("é"), "%C3%A9");
    }

    #[test]
    fn absent_parameters_are_left_out() {
        assert_eq!(with_query("/x", &[]), "/x");
        assert_eq!(
            with_query("/x", &[("a", Some("1 2")), ("b", None), ("c", Some("+"))]),
            "/x?a=1+2&c=%2B"
        );
    }
}
