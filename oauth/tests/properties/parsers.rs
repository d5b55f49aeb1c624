//! Property tests: the parsers never panic on hostile input, and what the builders write, the
//! parsers read back unchanged.

use oauth::authorization::{AuthorizationRequest, PendingAuthorization, STATE_BYTES};
use oauth::json::Json;
use oauth::response::{parse_parameters, AuthorizationResponse};
use oauth::{check_response, ClientConfig, Session, TokenInfo, UserInfo};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Keys the parsers look at, so generated objects reach past "unknown key" into each field's
/// checks: config.json's own lists (so a new setting cannot be missed), then the answers' keys.
fn keys() -> Vec<&'static str> {
    oauth::config::KNOWN_FIELDS
        .iter()
        .chain(&oauth::config::ENDPOINT_FIELDS)
        .chain(&ANSWER_KEYS)
        .copied()
        .collect()
}

const ANSWER_KEYS: [&str; 32] = [
    "aud",
    "azp",
    "sub",
    "scope",
    "expires_in",
    "email",
    "name",
    "picture",
    "given_name",
    "family_name",
    "email_verified",
    "exp",
    // ID tokens and key sets.
    "iss",
    "iat",
    "nonce",
    "at_hash",
    "alg",
    "kid",
    "keys",
    "kty",
    "n",
    "e",
    "use",
    // Token endpoint answers and discovery documents.
    "access_token",
    "token_type",
    "id_token",
    "refresh_token",
    "auth_time",
    "error",
    "error_description",
    "response_types_supported",
    "code_challenge_methods_supported",
];

/// A string that is often almost a URL, an origin or a number.
fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,30}",
        "(https?|javascript|data)://[a-z0-9.:@\\[\\]]{0,20}[/?#]?\\PC{0,20}",
        "-?[0-9]{1,25}",
        Just("token".to_owned()),
    ]
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        tricky_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec(("\\PC{0,8}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Any i64, with its ends and zero much more often than chance gives them.
fn edgy_i64() -> impl Strategy<Value = i64> {
    prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(0), any::<i64>()]
}

/// ID token claims that pass the issuer and audience checks often enough for the later checks
/// (expiry, issue time, nonce, at_hash) to be reached, with numbers anywhere in i64's range.
fn id_token_claims() -> impl Strategy<Value = String> {
    (
        prop_oneof![
            Just(Value::from("https://accounts.google.com")),
            json_value()
        ],
        prop_oneof![
            Just(Value::from("token")),
            Just(serde_json::json!(["token", "other"])),
            json_value()
        ],
        proptest::option::of(prop_oneof![Just(Value::from("token")), json_value()]),
        prop_oneof![edgy_i64().prop_map(Value::from), json_value()],
        prop_oneof![edgy_i64().prop_map(Value::from), json_value()],
        prop_oneof![Just(Value::from("token")), json_value()],
        proptest::option::of(tricky_text()),
    )
        .prop_map(|(iss, aud, azp, exp, iat, nonce, at_hash)| {
            let mut claims = serde_json::json!({
                "iss": iss, "sub": "1", "aud": aud, "exp": exp, "iat": iat, "nonce": nonce,
            });
            if let Some(azp) = azp {
                claims["azp"] = azp;
            }
            if let Some(at_hash) = at_hash {
                claims["at_hash"] = Value::from(at_hash);
            }
            claims.to_string()
        })
}

/// A JSON object of known keys (and the odd unknown one) with values of any type: the shape of
/// config.json, token info and user info, with every field possibly wrong.
fn json_object() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (prop_oneof![4 => proptest::sample::select(keys()).prop_map(str::to_owned), 1 => "\\PC{0,10}"], json_value()),
        0..12,
    )
    .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>()).to_string())
}

/// Any printable or control text, including `&`, `=`, `%`, `+`, `#` and non-ASCII.
fn value() -> impl Strategy<Value = String> {
    "[\\PC\\p{Cc}&=%+#]{1,40}"
}

/// Does our reading of a document equal serde_json's? Numbers compare by value; members as sets
/// (serde_json's map is sorted, ours keeps document order).
fn same(ours: &Json, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Json::Null, Value::Null) => true,
        (Json::Bool(a), Value::Bool(b)) => a == b,
        (Json::String(a), Value::String(b)) => a == b,
        (Json::Number(text), Value::Number(n)) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => text.parse::<i64>() == Ok(i),
            (_, Some(u)) => text.parse::<u64>() == Ok(u),
            _ => text.parse::<f64>().ok() == n.as_f64(),
        },
        (Json::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Json::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(crate::cases(2000)))]

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
    fn id_token_parser_and_claim_checks_never_panic_on_encoded_json(
        header in prop_oneof![Just(r#"{"alg":"RS256","kid":"k1"}"#.to_owned()), json_object()],
        claims in prop_oneof![id_token_claims(), json_object()],
        signature in proptest::collection::vec(any::<u8>(), 0..8),
        now_secs in edgy_i64(),
        at_hash in proptest::option::of(any::<[u8; 32]>()),
    ) {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let token = [header.as_bytes(), claims.as_bytes(), &signature]
            .map(|part| URL_SAFE_NO_PAD.encode(part))
            .join(".");
        if let Ok(parsed) = oauth::id_token::IdToken::parse(&token) {
            let _ = parsed.claims.verify(&oauth::id_token::Expectations {
                issuers: &["https://accounts.google.com", "accounts.google.com"],
                client_id: "token",
                nonce: Some("token"),
                now_secs,
                access_token_sha256: at_hash.as_ref(),
            });
        }
    }

    #[test]
    fn key_set_parser_never_panics(input in prop_oneof![json_object(), "\\PC{0,120}"], kid in proptest::option::of(tricky_text())) {
        use oauth::id_token::{KeyChoice, KeySetSource};
        if let Ok(keys) = oauth::id_token::Jwks::from_json(&input) {
            let _ = keys.choose(kid.as_deref(), KeySetSource::Kept);
            // At most one extra fetch: a set fetched bypassing caches is never fetched again.
            prop_assert_ne!(
                keys.choose(kid.as_deref(), KeySetSource::FetchedBypassingCaches),
                KeyChoice::Refetch
            );
        }
    }

    #[test]
    fn id_token_claim_checks_never_panic(exp in any::<i64>(), iat in any::<i64>(), now in any::<i64>()) {
        let claims = format!(r#"{{"iss":"i","sub":"s","aud":"c","exp":{exp},"iat":{iat},"nonce":"n"}}"#);
        let b64 = |t: &str| base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, t);
        let token = format!("{}.{}.AQID", b64(r#"{"alg":"RS256"}"#), b64(&claims));
        let parsed = oauth::id_token::IdToken::parse(&token).unwrap();
        let expect = oauth::id_token::Expectations {
            issuers: &["i"], client_id: "c", nonce: Some("n"), now_secs: now, access_token_sha256: None,
        };
        let _ = parsed.claims.verify(&expect);
    }

    #[test]
    fn config_parser_never_panics(input in "\\PC{0,200}", pasted in proptest::option::of("\\PC{0,20}")) {
        let _ = ClientConfig::from_json(&input, pasted.as_deref());
    }

    #[test]
    fn json_reader_reads_what_serde_json_writes(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
        let ours = Json::parse(&text);
        prop_assert!(ours.as_ref().is_ok_and(|v| same(v, &value)), "{text} read as {ours:?}");
    }

    #[test]
    fn json_reader_never_panics_and_never_accepts_what_serde_json_refuses(input in prop_oneof![
        "\\PC{0,200}",
        json_value().prop_map(|v| v.to_string()).prop_flat_map(|t| {
            let len = t.len();
            (Just(t), 0..=len, "[\\PC\"\\\\{}\\[\\],:]{0,3}")
        }).prop_map(|(t, at, insert)| {
            let at = (0..=at).rev().find(|i| t.is_char_boundary(*i)).unwrap_or(0);
            format!("{}{insert}{}", &t[..at], &t[at..])
        }),
    ]) {
        // Ours keeps numbers as written, so only serde_json refuses one beyond f64's range.
        if Json::parse(&input).is_ok() {
            let theirs = serde_json::from_str::<Value>(&input);
            prop_assert!(
                theirs.as_ref().map_or_else(|e| e.to_string().starts_with("number out of range"), |_| true),
                "{input:?} accepted by ours only: {theirs:?}"
            );
        }
    }

    #[test]
    fn stored_session_reads_back_and_never_panics(input in prop_oneof![json_object(), "\\PC{0,120}"]) {
        if let Ok(session) = Session::from_json(&input) {
            prop_assert_eq!(Session::from_json(&session.to_json()), Ok(session));
        }
    }

    #[test]
    fn config_parser_never_panics_on_json_objects(input in json_object(), pasted in proptest::option::of(tricky_text())) {
        if let Ok(config) = ClientConfig::from_json(&input, pasted.as_deref()) {
            let _ = config.connect_origins();
            let _ = config.picture_origins();
        }
    }

    #[test]
    fn discovery_and_token_endpoint_readers_never_panic(
        input in prop_oneof![json_object(), "\\PC{0,120}"],
        status in prop_oneof![Just(200u16), Just(400u16), any::<u16>()],
    ) {
        let config = ClientConfig::from_json(r#"{"client_id":"c","issuer":"http://127.0.0.1:9"}"#, None).unwrap();
        let _ = config.with_discovery(&input);
        let grant = oauth::callback::CodeGrant {
            code: "c".into(), code_verifier: "v".into(), redirect_uri: "r".into(),
            requested_scopes: vec!["openid".into()], nonce: None,
        };
        let _ = oauth::token_endpoint::read_answer(status, &input, grant, 0, status % 2 == 0);
    }

    #[test]
    fn code_answers_never_panic_and_need_the_state(input in "\\PC{0,120}", random in any::<[u8; 32]>()) {
        let pending = PendingAuthorization::new(random, "r", &["openid".into()], 0)
            .openid(oauth::Flow::Code, "http://127.0.0.1:9", random)
            .with_code_verifier("v".into());
        let query = format!("?{input}");
        if oauth::callback::check_code_response(&query, Some(pending.clone())).is_ok() {
            prop_assert!(query.contains(&pending.state));
        }
    }

    #[test]
    fn token_info_and_user_info_parsers_never_panic(input in prop_oneof![json_object(), "\\PC{0,120}"]) {
        let _ = TokenInfo::from_json(&input);
        if let Ok(user) = UserInfo::from_json(&input) {
            let _ = user.safe_picture();
            let _ = user.display_name();
        }
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
            response_type: "token",
            code_challenge: None,
            dpop_jkt: None,
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

    #[test]
    fn a_refresh_answer_never_panics_and_always_leaves_a_refresh_token(status in 100u16..600, body in prop_oneof![json_object(), "\\PC{0,80}"]) {
        let grant = oauth::refresh::RefreshGrant { refresh_token: "rt".into(), original: None };
        let session = Session {
            access_token: "at".into(),
            expires_at_ms: 0,
            granted_scopes: oauth::GrantedScopes::default(),
            subject: Some("s".into()),
            email: None,
            token_type: oauth::dpop::TokenType::Bearer,
        };
        if let Ok(answer) = oauth::refresh::read_answer(status, &body, &grant, &session, 0, false) {
            prop_assert!((200..300).contains(&status));
            prop_assert!(!answer.refresh_token.is_empty());
            prop_assert_eq!(answer.rotated, answer.refresh_token != "rt");
        }
    }

    #[test]
    fn a_logout_return_is_accepted_with_its_own_state_only(random in any::<[u8; STATE_BYTES]>(), query in "\\PC{0,60}", forged in "[A-Za-z0-9_-]{0,60}") {
        use oauth::end_session::{check_return, is_logout_return, PendingLogout};
        let pending = PendingLogout::new(random, true);
        let _ = is_logout_return(Some(&query));
        let _ = check_return(Some(&query), &pending);
        let own = format!("?state={}", pending.state);
        prop_assert!(check_return(Some(&own), &pending).is_ok());
        prop_assume!(forged != pending.state);
        let other = format!("?state={forged}");
        prop_assert!(check_return(Some(&other), &pending).is_err());
    }
}
