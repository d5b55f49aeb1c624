//! Property tests of the readers of what servers and the page hand the core: `WWW-Authenticate`
//! challenges, `DPoP-Nonce`, `Retry-After` and HTTP-dates, the page's Content-Security-Policy,
//! API and token endpoint error bodies, and paging tokens. Each reader never panics on any
//! text, and reads back what a writer following the grammar wrote.

use oauth::api::{check_answer, error_message, retry_after_ms, Answer, ApiError};
use oauth::callback::CodeGrant;
use oauth::challenge::{self, Challenge};
use oauth::csp::blocked_connect_origins;
use oauth::dpop::{asks_for_nonce, Nonces};
use oauth::http_date;
use oauth::json::Json;
use oauth::paging::{Next, PageCursor};
use oauth::{token_endpoint, AuthError, ClientConfig, ProviderError};
use proptest::prelude::*;
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// WWW-Authenticate

/// An RFC 9110 §5.6.2 token.
const TOKEN: &str = "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,10}";

/// A parameter value and whether it is written quoted (a token need not be).
#[derive(Debug, Clone)]
struct Value {
    text: String,
    quoted: bool,
}

#[derive(Debug, Clone)]
enum Body {
    Nothing,
    Token68(String),
    Params(Vec<(String, Value)>),
}

#[derive(Debug, Clone)]
struct Written {
    scheme: String,
    body: Body,
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        TOKEN.prop_map(|text| Value {
            text,
            quoted: false
        }),
        // Anything a quoted string may carry: commas, `=`, quotes and backslashes (escaped when
        // written), tabs, non-ASCII text.
        "[ -~\t\u{80}-\u{10ffff}]{0,16}".prop_map(|text| Value { text, quoted: true }),
        prop_oneof![
            Just("insufficient_scope"),
            Just("use_dpop_nonce"),
            Just("invalid_token")
        ]
        .prop_map(|text| Value {
            text: text.to_owned(),
            quoted: false
        }),
    ]
}

fn written_challenge() -> impl Strategy<Value = Written> {
    let scheme = prop_oneof![
        Just("Bearer".to_owned()),
        Just("bearer".to_owned()),
        Just("DPoP".to_owned()),
        Just("dpop".to_owned()),
        TOKEN,
    ];
    let name = prop_oneof![
        Just("error".to_owned()),
        Just("scope".to_owned()),
        Just("realm".to_owned()),
        Just("algs".to_owned()),
        Just("ERROR".to_owned()),
        TOKEN,
    ];
    let body = prop_oneof![
        Just(Body::Nothing),
        "[A-Za-z0-9._~+/-]{1,12}={0,2}".prop_map(Body::Token68),
        proptest::collection::vec((name, value()), 1..5).prop_map(Body::Params),
    ];
    (scheme, body).prop_map(|(scheme, body)| Written { scheme, body })
}

/// The header text, with the optional whitespace and empty list elements the grammar allows
/// chosen by `spacing` (one choice per place whitespace may go).
fn write_header(challenges: &[Written], spacing: &[u8]) -> String {
    let mut spaces = spacing.iter().cycle();
    let mut ows = || match spaces.next().copied().unwrap_or(0) % 4 {
        0 => "",
        1 => " ",
        2 => "\t ",
        _ => "  ",
    };
    let mut out = String::new();
    for (i, challenge) in challenges.iter().enumerate() {
        if i > 0 {
            out.push_str(ows());
            out.push(',');
            if ows().is_empty() {
                out.push_str(", ");
            }
            out.push_str(ows());
        }
        out.push_str(&challenge.scheme);
        match &challenge.body {
            Body::Nothing => {}
            Body::Token68(token68) => {
                out.push(' ');
                out.push_str(token68);
            }
            Body::Params(params) => {
                out.push(' ');
                for (j, (name, value)) in params.iter().enumerate() {
                    if j > 0 {
                        out.push_str(ows());
                        out.push(',');
                        out.push_str(ows());
                    }
                    out.push_str(name);
                    out.push_str(ows());
                    out.push('=');
                    out.push_str(ows());
                    if value.quoted {
                        out.push('"');
                        for c in value.text.chars() {
                            if c == '"' || c == '\\' {
                                out.push('\\');
                            }
                            out.push(c);
                        }
                        out.push('"');
                    } else {
                        out.push_str(&value.text);
                    }
                }
            }
        }
    }
    out
}

/// What the reader should give for a written challenge.
fn expected(written: &Written) -> Challenge {
    let (token68, params) = match &written.body {
        Body::Nothing => (None, vec![]),
        Body::Token68(token68) => (Some(token68.clone()), vec![]),
        Body::Params(params) => (
            None,
            params
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.text.clone()))
                .collect(),
        ),
    };
    Challenge {
        scheme: written.scheme.clone(),
        token68,
        params,
    }
}

fn first_param<'a>(written: &'a [Written], scheme: &str, name: &str) -> Option<&'a str> {
    let challenge = written
        .iter()
        .find(|c| c.scheme.eq_ignore_ascii_case(scheme))?;
    match &challenge.body {
        Body::Params(params) => params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.text.as_str()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// DPoP-Nonce

/// What may follow a server's origin in a URL: a path, a query, a fragment.
fn url_rest() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec!["", "/", "/token", "/a/b?c=d", "?q", "#f", "/x#y"])
}

// ---------------------------------------------------------------------------------------------
// Content-Security-Policy

/// A config whose endpoints live on generated origins (each `https://host[:port]`).
fn config_with(origins: &[String]) -> ClientConfig {
    let at = |i: usize| &origins[i % origins.len()];
    let text = json!({
        "client_id": "c",
        "issuer": at(0),
        "authorization_endpoint": format!("{}/auth", at(0)),
        "tokeninfo_endpoint": format!("{}/tokeninfo", at(1)),
        "userinfo_endpoint": format!("{}/userinfo", at(2)),
        "revocation_endpoint": format!("{}/revoke", at(3)),
        "jwks_uri": format!("{}/certs", at(4)),
        "api_base": at(5),
    })
    .to_string();
    ClientConfig::from_json(&text, None).expect("a valid config")
}

fn origin() -> impl Strategy<Value = String> {
    ("[a-z]{1,6}", proptest::option::of(1u16..10_000)).prop_map(|(host, port)| match port {
        Some(port) => format!("https://{host}.example:{port}"),
        None => format!("https://{host}.example"),
    })
}

/// The same origin as a CSP source, spelled one of the ways that still matches it.
fn spelled(origin: &str, how: u8) -> String {
    match how % 5 {
        0 => origin.to_owned(),
        1 => origin.to_ascii_uppercase(),
        2 => format!("{origin}/some/path"),
        3 if !origin[8..].contains(':') => format!("{origin}:443"),
        4 => origin.trim_start_matches("https://").to_owned(),
        _ => origin.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP-dates in their three forms (RFC 9110 §5.6.7)

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `Sun, 06 Nov 1994 08:49:37 GMT` rewritten as RFC 850's `Sunday, 06-Nov-94 08:49:37 GMT` and
/// asctime's `Sun Nov  6 08:49:37 1994`.
fn other_forms(imf: &str) -> (String, String) {
    let parts: Vec<&str> = imf.split([' ', ',']).filter(|p| !p.is_empty()).collect();
    let [weekday, day, month, year, time, "GMT"] = parts[..] else {
        panic!("not IMF-fixdate: {imf}");
    };
    let long = DAYS.iter().find(|d| d.starts_with(weekday)).unwrap();
    let rfc850 = format!("{long}, {day}-{month}-{} {time} GMT", &year[2..]);
    let asctime = format!(
        "{weekday} {month} {:>2} {time} {year}",
        day.trim_start_matches('0')
    );
    (rfc850, asctime)
}

// ---------------------------------------------------------------------------------------------
// Error bodies

fn api_error() -> impl Strategy<Value = ApiError> {
    let text = "\\PC{0,20}";
    let wait = proptest::option::of(any::<u64>());
    prop_oneof![
        Just(ApiError::Unauthorized),
        proptest::collection::vec(text, 0..3)
            .prop_map(|scopes| ApiError::InsufficientScope { scopes }),
        wait.clone()
            .prop_map(|retry_after_ms| ApiError::RateLimited { retry_after_ms }),
        text.prop_map(ApiError::Forbidden),
        (any::<u16>(), text).prop_map(|(status, message)| ApiError::Rejected { status, message }),
        (any::<u16>(), wait).prop_map(|(status, retry_after_ms)| ApiError::Server {
            status,
            retry_after_ms
        }),
        text.prop_map(ApiError::Network),
        text.prop_map(ApiError::Malformed),
        text.prop_map(ApiError::Proof),
    ]
}

fn grant() -> CodeGrant {
    CodeGrant {
        code: "code".into(),
        code_verifier: "verifier".into(),
        redirect_uri: "https://app.example/".into(),
        requested_scopes: vec!["openid".into()],
        nonce: Some("n".into()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(crate::cases(2000)))]

    #[test]
    fn challenges_never_panic(header in "\\PC{0,80}", scheme in "\\PC{0,8}") {
        let _ = challenge::parse(&header);
        let _ = challenge::for_scheme(&header, &scheme);
        let _ = asks_for_nonce(401, Some(&header), "");
    }

    #[test]
    fn challenges_of_grammar_pieces_never_panic(
        pieces in proptest::collection::vec(prop_oneof![
            Just("Bearer"), Just("DPoP"), Just(" "), Just(","), Just("="), Just("\""), Just("\\"),
            Just("error"), Just("abc=="), Just("\t"), Just("é"),
        ], 0..30),
    ) {
        let header = pieces.concat();
        for challenge in challenge::parse(&header) {
            prop_assert!(!challenge.scheme.is_empty());
        }
    }

    /// Every challenge written by the grammar reads back: scheme, token68, each parameter's
    /// name (lower case) and unescaped value, in order, whatever the spacing.
    #[test]
    fn challenges_read_back(
        written in proptest::collection::vec(written_challenge(), 1..5),
        spacing in proptest::collection::vec(any::<u8>(), 1..40),
    ) {
        let header = write_header(&written, &spacing);
        let read = challenge::parse(&header);
        let expected: Vec<Challenge> = written.iter().map(expected).collect();
        prop_assert_eq!(read, expected, "{}", header);
    }

    /// Through the API answer reader and the DPoP nonce check: the Bearer challenge's
    /// `insufficient_scope` and scopes, the DPoP challenge's `use_dpop_nonce`, wherever each
    /// stands in the header.
    #[test]
    fn the_api_and_dpop_read_their_own_scheme(
        written in proptest::collection::vec(written_challenge(), 1..5),
        spacing in proptest::collection::vec(any::<u8>(), 1..40),
    ) {
        let header = write_header(&written, &spacing);
        let asks = first_param(&written, "dpop", "error") == Some("use_dpop_nonce");
        prop_assert_eq!(asks_for_nonce(401, Some(&header), ""), asks, "{}", header);
        let answer = Answer { status: 403, www_authenticate: Some(&header), retry_after: None, body: "" };
        let result = check_answer(&answer, 0).unwrap_err();
        if first_param(&written, "bearer", "error") == Some("insufficient_scope") {
            let scopes: Vec<String> = first_param(&written, "bearer", "scope")
                .map(|s| s.split(' ').filter(|s| !s.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default();
            prop_assert_eq!(result, ApiError::InsufficientScope { scopes }, "{}", header);
        } else {
            prop_assert_eq!(result, ApiError::Forbidden("no details".into()), "{}", header);
        }
    }

    // -- DPoP-Nonce ---------------------------------------------------------------------------

    #[test]
    fn nonces_never_panic(url in "\\PC{0,40}", nonce in "\\PC{0,20}", other in "\\PC{0,40}") {
        let mut nonces = Nonces::default();
        nonces.remember(&url, &nonce);
        let _ = nonces.for_url(&other);
    }

    /// The last well-formed nonce each server sent is the one proved with, for any of its
    /// URLs; a malformed one (RFC 9449 §8.1's NQCHAR) changes nothing.
    #[test]
    fn the_last_nonce_of_each_server_reads_back(
        steps in proptest::collection::vec((0usize..3, url_rest(), prop_oneof!["[!-~]{0,8}", "\\PC{0,8}"]), 0..12),
        asked in (0usize..3, url_rest()),
    ) {
        let servers = ["https://op.example", "https://rs.example:8443", "http://127.0.0.1:9"];
        let mut nonces = Nonces::default();
        let mut last: [Option<String>; 3] = Default::default();
        for (server, rest, nonce) in &steps {
            nonces.remember(&format!("{}{rest}", servers[*server]), nonce);
            let well_formed = !nonce.is_empty()
                && nonce.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\');
            if well_formed {
                last[*server] = Some(nonce.clone());
            }
        }
        let (server, rest) = asked;
        prop_assert_eq!(nonces.for_url(&format!("{}{rest}", servers[server])), last[server].as_deref());
    }

    // -- Retry-After and HTTP-dates -----------------------------------------------------------

    /// RFC 9110 §5.6.7: a recipient reads all three forms, and they mean the same instant.
    #[test]
    fn every_form_of_an_http_date_reads_back(ms in 0u64..253_402_300_799_000) {
        let imf = http_date::format_ms(ms);
        let (rfc850, asctime) = other_forms(&imf);
        let second = Some(ms / 1000 * 1000);
        prop_assert_eq!(http_date::parse_ms(&imf), second, "{}", imf);
        prop_assert_eq!(http_date::parse_ms(&asctime), second, "{}", asctime);
        // A two-digit year reads as 1970–2069.
        if (0..3_155_760_000_000).contains(&ms) {
            prop_assert_eq!(http_date::parse_ms(&rfc850), second, "{}", rfc850);
        }
    }

    /// Whatever the parser accepts is an instant it writes and reads back unchanged.
    #[test]
    fn an_accepted_date_is_canonical(
        weekday in "[A-Z][a-z]{2,8},?",
        day in "[0-9]{1,2}",
        month in prop_oneof![Just("Jan"), Just("Feb"), Just("Dec"), Just("Foo")],
        year in "[0-9]{2,4}",
        time in "[0-9]{1,2}:[0-9]{2}:[0-9]{2}",
    ) {
        let text = format!("{weekday} {day} {month} {year} {time} GMT");
        if let Some(ms) = http_date::parse_ms(&text) {
            prop_assert_eq!(ms % 1000, 0);
            prop_assert_eq!(http_date::parse_ms(&http_date::format_ms(ms)), Some(ms), "{}", text);
        }
    }

    #[test]
    fn retry_after_never_panics(value in "\\PC{0,40}", now in any::<u64>()) {
        let _ = retry_after_ms(&value, now);
    }

    /// delay-seconds: the wait in milliseconds (saturating); an HTTP-date: the time left until
    /// it, or none if it has passed; whitespace around either is not part of the value.
    #[test]
    fn retry_after_reads_back(
        seconds in any::<u64>(),
        at in 0u64..253_402_300_799_000,
        now in any::<u64>(),
        pad in "[ \t]{0,2}",
    ) {
        prop_assert_eq!(retry_after_ms(&format!("{pad}{seconds}{pad}"), now), Some(seconds.saturating_mul(1000)));
        let date = http_date::format_ms(at);
        prop_assert_eq!(retry_after_ms(&format!("{pad}{date}{pad}"), now), Some((at / 1000 * 1000).saturating_sub(now)));
    }

    // -- the page's Content-Security-Policy ---------------------------------------------------

    #[test]
    fn csp_reading_never_panics(policy in "\\PC{0,80}", page in "\\PC{0,30}") {
        let config = config_with(&["https://a.example".into()]);
        let _ = blocked_connect_origins(std::slice::from_ref(&policy), &config, &page);
        let _ = blocked_connect_origins(&[policy], &config, "https://app.test");
    }

    /// A policy whose first `connect-src` names some of the config's origins (spelled any way
    /// that matches) blocks exactly the others, in the config's order, whatever other
    /// directives, later repeats and spacing surround it.
    #[test]
    fn a_written_policy_blocks_exactly_the_origins_it_leaves_out(
        origins in proptest::collection::vec(origin(), 1..6),
        kept in proptest::collection::vec(any::<bool>(), 6),
        spellings in proptest::collection::vec(any::<u8>(), 6),
        before in prop_oneof![Just(""), Just("default-src 'none'; "), Just("script-src 'self';;  ")],
        after in prop_oneof![Just(""), Just("; img-src *"), Just("; connect-src *"), Just(" ;default-src *")],
        page_in_self in any::<bool>(),
    ) {
        let config = config_with(&origins);
        let needed = config.connect_origins();
        let mut sources = Vec::new();
        if page_in_self {
            sources.push("'self'".to_owned());
        }
        let mut blocked = Vec::new();
        for (i, origin) in needed.iter().enumerate() {
            if kept[i % kept.len()] {
                sources.push(spelled(origin, spellings[i % spellings.len()]));
            } else {
                blocked.push(origin.clone());
            }
        }
        let policy = format!("{before}CONNECT-SRC  {}{after}", sources.join("  "));
        prop_assert_eq!(blocked_connect_origins(std::slice::from_ref(&policy), &config, "https://app.test"), blocked, "{}", policy);
    }

    // -- error bodies -------------------------------------------------------------------------

    /// Google's API errors: a scope reason means insufficient scope, a rate-limit reason a
    /// rate limit, anything else a refusal carrying Google's message word for word.
    #[test]
    fn api_error_bodies_read_back(
        message in "\\PC{0,40}",
        reasons in proptest::collection::vec(prop_oneof![
            Just("insufficientPermissions"), Just("ACCESS_TOKEN_SCOPE_INSUFFICIENT"),
            Just("rateLimitExceeded"), Just("userRateLimitExceeded"), Just("forbidden"), Just("notFound"),
        ], 0..3),
        in_details in any::<bool>(),
        status in 400u16..500,
    ) {
        let items: Vec<_> = reasons.iter().map(|r| json!({"reason": r, "domain": "global"})).collect();
        let list = if in_details { "details" } else { "errors" };
        let body = json!({"error": {"code": status, "message": message, list: items, "status": "X"}}).to_string();
        prop_assert_eq!(error_message(&body), message.clone());
        let answer = Answer { status, www_authenticate: None, retry_after: None, body: &body };
        let error = check_answer(&answer, 0).unwrap_err();
        let has = |names: &[&str]| reasons.iter().any(|r| names.contains(r));
        let want = match status {
            401 => ApiError::Unauthorized,
            429 => ApiError::RateLimited { retry_after_ms: None },
            403 if has(&["insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"]) => ApiError::InsufficientScope { scopes: vec![] },
            403 if has(&["rateLimitExceeded", "userRateLimitExceeded"]) => ApiError::RateLimited { retry_after_ms: None },
            403 => ApiError::Forbidden(message),
            _ => ApiError::Rejected { status, message },
        };
        prop_assert_eq!(error, want);
    }

    /// OAuth's error shape (RFC 6749 §5.2), from Google's APIs and from token endpoints alike.
    #[test]
    fn oauth_error_bodies_read_back(
        code in "[!#-\\[\\]-~]{1,20}",
        description in proptest::option::of("\\PC{0,40}"),
        uri in proptest::option::of("https://[a-z]{1,8}\\.example/[a-z]{0,8}"),
        status in 400u16..600,
    ) {
        let mut body = json!({"error": code});
        if let Some(d) = &description { body["error_description"] = json!(d); }
        if let Some(u) = &uri { body["error_uri"] = json!(u); }
        let body = body.to_string();
        prop_assert_eq!(error_message(&body), description.clone().unwrap_or_else(|| code.clone()));
        let read = token_endpoint::read_answer(status, &body, grant(), 0, false);
        prop_assert_eq!(read, Err(AuthError::Provider(ProviderError { code, description, uri })));
    }

    #[test]
    fn error_bodies_never_panic(body in "\\PC{0,80}", status in 0u16..1000) {
        let _ = error_message(&body);
        let _ = token_endpoint::read_answer(status, &body, grant(), 0, false);
        let answer = Answer { status, www_authenticate: None, retry_after: None, body: &body };
        let _ = check_answer(&answer, 0);
    }

    /// An error crossing between the two modules reads back as itself.
    #[test]
    fn api_errors_read_back_from_their_json(error in api_error()) {
        let text = error.to_json().to_text();
        prop_assert_eq!(ApiError::from_json(&Json::parse(&text).unwrap()), Some(error));
    }

    // -- paging tokens ------------------------------------------------------------------------

    /// Each new token is fetched exactly as given; an absent or empty one ends the list; a
    /// repeated one is an error; the budget ends the walk and says so.
    #[test]
    fn paging_tokens_read_back(
        tokens in proptest::collection::vec(proptest::option::of(prop_oneof![4 => "[a-d]{0,2}", 1 => "\\PC{1,12}"]), 1..40),
        budget in 0usize..30,
    ) {
        let mut cursor = PageCursor::new(budget);
        let budget = budget.max(1);
        let mut seen: Vec<String> = Vec::new();
        for (page, token) in tokens.iter().enumerate() {
            let result = cursor.advance(token.as_deref());
            let want = match token.as_deref() {
                None | Some("") => Ok(Next::Done),
                Some(t) if seen.iter().any(|s| s == t) => Err(()),
                Some(_) if page + 1 >= budget => Ok(Next::Done),
                Some(t) => Ok(Next::Fetch(t.to_owned())),
            };
            prop_assert_eq!(result.clone().map_err(|_| ()), want.clone());
            let truncated = matches!(token.as_deref(), Some(t) if !t.is_empty() && !seen.iter().any(|s| s == t)) && page + 1 >= budget;
            prop_assert_eq!(cursor.is_complete(), !truncated);
            match want {
                Ok(Next::Fetch(t)) => seen.push(t),
                _ => break,
            }
        }
    }
}
