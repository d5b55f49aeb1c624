//! Properties of the DPoP core (RFC 9449) over generated inputs: `htu` and the proof's claims.

use oauth::dpop::{htu, Claims, PublicKey, UnsignedProof};
use proptest::prelude::*;

fn url() -> impl Strategy<Value = (String, String, String, String)> {
    (
        prop_oneof![Just("https"), Just("http")],
        "[a-z0-9.-]{1,20}(:[0-9]{1,5})?",
        "(/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,10}){0,4}",
        "(\\?[^#]{0,20})?(#.{0,20})?",
    )
        .prop_map(|(scheme, host, path, rest)| (scheme.to_owned(), host, path, rest))
}

proptest! {
    /// §4.2: htu is the URL without its query and fragment, and nothing else changes.
    #[test]
    fn htu_is_the_url_up_to_query_or_fragment((scheme, host, path, rest) in url()) {
        let target = format!("{scheme}://{host}{path}");
        prop_assert_eq!(htu(&format!("{target}{rest}")), Ok(target.clone()));
        prop_assert_eq!(htu(&target), Ok(target));
    }

    /// Whatever goes into a proof's claims reads back the same through `oauth::json`, and the
    /// signing input carries exactly that text.
    #[test]
    fn claims_read_back(
        random in any::<[u8; 16]>(),
        method in "[A-Z]{3,7}",
        (scheme, host, path, rest) in url(),
        now_ms in any::<u64>(),
        digest in proptest::option::of(any::<[u8; 32]>()),
        nonce in proptest::option::of("\\PC{0,30}"),
    ) {
        let url = format!("{scheme}://{host}{path}{rest}");
        let claims = Claims::new(random, &method, &url, now_ms, digest.as_ref(), nonce.as_deref()).unwrap();
        let text = claims.to_json().to_text();
        prop_assert_eq!(Claims::from_json(&text), Ok(claims.clone()));
        prop_assert_eq!(claims.iat, now_ms / 1000);
        let key = PublicKey { x: "x".into(), y: "y".into() };
        let proof = UnsignedProof::new(&key, claims);
        prop_assert!(proof.signing_input.split('.').count() == 2);
        let jws = proof.sign(&[1; 64]).unwrap();
        prop_assert!(jws.starts_with(&proof.signing_input));
    }
}
