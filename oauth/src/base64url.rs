//! Unpadded base64url (RFC 4648 §5), the encoding of `state`, `nonce`, PKCE, JWTs and JWK
//! members. Encoding is written out here rather than taken from the `base64` crate: its generic
//! engine is about 3 KB of the page's first module, where this is a few hundred bytes. Decoding
//! (ID tokens, only the app needs it) stays with the crate.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in unpadded base64url.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    let bytes = bytes.as_ref();
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .enumerate()
            .fold(0u32, |group, (i, &b)| group | u32::from(b) << (16 - 8 * i));
        // Three bytes give four characters; a final one or two give two or three.
        for i in 0..=chunk.len() {
            text.push(char::from(ALPHABET[(group >> (18 - 6 * i)) as usize & 63]));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::encode;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use proptest::prelude::*;

    #[test]
    fn rfc_4648_test_vectors_without_padding() {
        // RFC 4648 §10, the padding left off as base64url in JOSE and OAuth does.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain), encoded, "{plain}");
        }
    }

    #[test]
    fn the_url_safe_alphabet_is_used() {
        assert_eq!(encode([0xfb, 0xff, 0xbf]), "-_-_");
        assert_eq!(encode([0xff]), "_w");
    }

    proptest! {
        #[test]
        fn encodes_as_the_base64_crate_does(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            prop_assert_eq!(encode(&bytes), URL_SAFE_NO_PAD.encode(&bytes));
        }
    }
}
