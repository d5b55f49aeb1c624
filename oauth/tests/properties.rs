//! Property tests: the parsers never panic on hostile input, and what the builders write, the
//! parsers read back unchanged.

use oauth::authorization::{AuthorizationRequest, PendingAuthorization, STATE_BYTES};
use oauth::response::{parse_parameters, AuthorizationResponse};
use oauth::{check_response, ClientConfig};
use proptest::prelude::*;

/// Any printable or control text, including `&`, `=`, `%`, `+`, `#` and non-ASCII.
fn value() -> impl Strategy<Value = String> {
    "[\\PC\\p{Cc}&=%+#]{1,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn fragment_parser_never_panics(input in "\\PC{0,200}") {
        let _ = AuthorizationResponse::from_fragment(&input);
        let _ = oauth::response::looks_like_authorization_response(&input);
    }

    #[test]
    fn fragment_parser_never_panics_on_raw_bytes_as_text(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let input = String::from_utf8_lossy(&bytes);
        let _ = check_response(&input, None, 0);
    }

    #[test]
    fn id_token_parser_never_panics(input in "[A-Za-z0-9_.=-]{0,300}") {
        let _ = oauth::id_token::IdToken::parse(&input);
    }

    #[test]
    fn id_token_claim_checks_never_panic(exp in any::<i64>(), iat in any::<i64>(), now in any::<i64>()) {
        let claims = format!(r#"{{"iss":"i","sub":"s","aud":"c","exp":{exp},"iat":{iat},"nonce":"n"}}"#);
        let b64 = |t: &str| base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, t);
        let token = format!("{}.{}.AQID", b64(r#"{"alg":"RS256"}"#), b64(&claims));
        let parsed = oauth::id_token::IdToken::parse(&token).unwrap();
        let expect = oauth::id_token::Expectations {
            issuers: &["i"], client_id: "c", nonce: "n", now_secs: now, access_token_sha256: None,
        };
        let _ = parsed.claims.verify(&expect);
    }

    #[test]
    fn config_parser_never_panics(input in "\\PC{0,200}", pasted in proptest::option::of("\\PC{0,20}")) {
        let _ = ClientConfig::from_json(&input, pasted.as_deref());
    }

    #[test]
    fn request_parameters_read_back_unchanged(
        random in proptest::array::uniform32(any::<u8>()),
        client_id in value(),
        redirect_uri in value(),
        scopes in proptest::collection::vec("[!#-\\[\\]-~]{1,20}", 1..5),
        login_hint in proptest::option::of(value()),
    ) {
        let pending = PendingAuthorization::new(random, &redirect_uri, &scopes, 0);
        let request = AuthorizationRequest {
            endpoint: "https://accounts.google.com/o/oauth2/v2/auth",
            client_id: &client_id,
            pending: &pending,
            login_hint: login_hint.as_deref(),
            prompt: &[],
            include_granted_scopes: true,
        };
        let url = request.to_url();
        let (_, query) = url.split_once('?').unwrap();
        let parsed = parse_parameters(query).unwrap();
        for (name, sent) in request.parameters() {
            prop_assert_eq!(parsed.get(name), Some(&sent));
        }
        prop_assert_eq!(parsed.get("scope").unwrap().split(' ').collect::<Vec<_>>(), scopes.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn response_written_by_a_server_reads_back_unchanged(
        random in any::<[u8; STATE_BYTES]>(),
        access_token in value(),
        scope in value(),
        expires_in in 1u64..100_000,
    ) {
        let pending = PendingAuthorization::new(random, "http://127.0.0.1:8080/", &["openid".into()], 0);
        let fragment = form_urlencoded::Serializer::new(String::new())
            .append_pair("state", &pending.state)
            .append_pair("access_token", &access_token)
            .append_pair("token_type", "Bearer")
            .append_pair("expires_in", &expires_in.to_string())
            .append_pair("scope", &scope)
            .append_pair("authuser", "0")
            .finish();
        let token = check_response(&format!("#{fragment}"), Some(pending), 7).unwrap();
        prop_assert_eq!(token.access_token, access_token);
        prop_assert_eq!(token.scope, Some(scope));
        prop_assert_eq!(token.expires_in, Some(expires_in));
    }

    #[test]
    fn any_other_state_is_rejected(random in any::<[u8; STATE_BYTES]>(), forged in "[A-Za-z0-9_-]{0,60}") {
        let pending = PendingAuthorization::new(random, "http://127.0.0.1:8080/", &["openid".into()], 0);
        prop_assume!(forged != pending.state);
        let fragment = format!("access_token=a&token_type=Bearer&state={forged}");
        let error = check_response(&fragment, Some(pending), 0).unwrap_err();
        prop_assert_eq!(error.code(), "state_mismatch");
    }
}
