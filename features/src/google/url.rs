//! Building API URLs: ids go into paths percent-encoded, parameters into the query form-encoded.
//! Ids are opaque strings from Google; encoding them keeps a `/` or `?` in one from changing
//! which resource a request names.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// What a path segment (RFC 3986 §3.3) may not hold as it is: everything but unreserved
/// characters, sub-delims, `:` and `@`. `CONTROLS` already covers the bytes below 0x20, DEL
/// and every non-ASCII byte (encoded as UTF-8).
const NOT_IN_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A path segment: an id kept whole, whatever it holds.
pub fn segment(text: &str) -> String {
    utf8_percent_encode(text, NOT_IN_SEGMENT).to_string()
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
        assert_eq!(segment("100%"), "100%25");
        assert_eq!(
            segment("[a]{b}|c\\d^e`f\"g<h>"),
            "%5Ba%5D%7Bb%7D%7Cc%5Cd%5Ee%60f%22g%3Ch%3E"
        );
        assert_eq!(segment("!$&'()*+,;=:"), "!$&'()*+,;=:");
    }

    /// Every printable ASCII byte: exactly the unreserved characters, sub-delims, `:` and `@`
    /// stay as they are (RFC 3986 §3.3's `pchar`).
    #[test]
    fn exactly_pchar_stays_as_it_is() {
        for byte in 0x20u8..0x7f {
            let text = (byte as char).to_string();
            let pchar = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte);
            let expected = if pchar {
                text.clone()
            } else {
                format!("%{byte:02X}")
            };
            assert_eq!(segment(&text), expected, "{text:?}");
        }
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
