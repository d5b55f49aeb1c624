//! The emulator's answers, request by request, without a socket.

use super::routes::*;
use super::wire::*;
use super::*;
use crate::catalog::{self, OTHER_CLIENT_ID};
use crate::keys::KeyRing;
use crate::pages;
use crate::tokens;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

const APP_ID: &str = "app.apps.googleusercontent.com";
const URI: &str = "http://127.0.0.1:9/cb";

fn app() -> App {
    // One key for every test's app: generating one per test would cost a second each.
    static KEY: std::sync::OnceLock<Arc<crate::keys::Key>> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| Arc::new(crate::keys::Key::generate()));
    App::with_keys(
        BASE.into(),
        APP_ID.into(),
        vec![URI.into()],
        KeyRing::with_key(Arc::clone(key)),
    )
}

const BASE: &str = "http://127.0.0.1:1";

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn get(path: &str) -> Request {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    Request {
        method: "GET".into(),
        path: path.into(),
        query: query.into(),
        ..Request::default()
    }
}

fn post(path: &str, body: &str) -> Request {
    Request {
        method: "POST".into(),
        body: body.as_bytes().to_vec(),
        headers: vec![(
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        ..get(path)
    }
}

fn body(r: &Response) -> String {
    String::from_utf8(r.body.clone()).unwrap()
}

fn request_id(html: &str) -> String {
    let start = html.find("name=\"request_id\" value=\"").unwrap() + 25;
    html[start..start + 32].to_string()
}

fn fragment(location: &str) -> HashMap<String, String> {
    let (_, f) = location.split_once('#').unwrap();
    form_urlencoded::parse(f.as_bytes()).into_owned().collect()
}

const Q: &str = "/o/oauth2/v2/auth?client_id=app.apps.googleusercontent.com\
                 &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&response_type=token\
                 &scope=openid%20email%20https://www.googleapis.com/auth/tasks&state=st";

#[test]
fn select_account_shows_the_chooser_then_consent_for_the_chosen_account() {
    let app = app();
    let page = app.handle(&get(&format!(
        "{Q}&prompt=select_account&login_hint=ada%40example.test"
    )));
    assert_eq!(page.status, 200);
    assert!(body(&page).contains("Choose an account"));
    let rid = request_id(&body(&page));
    let consent = app.handle(&post(
        ACCOUNT_PATH,
        &format!("request_id={rid}&account=100000000000000000002"),
    ));
    assert_eq!(consent.status, 200);
    assert!(body(&consent).contains("value=\"100000000000000000002\" checked>"));
    // The request is still pending under the same id: the consent page decides it.
    let r = app.handle(&post(
        DECISION_PATH,
        &format!("request_id={rid}&decision=allow&account=100000000000000000002"),
    ));
    assert_eq!(r.status, 302);
    assert!(r.header("location").unwrap().contains("access_token="));

    // Cancel on the chooser denies; its id is spent.
    let page = app.handle(&get(&format!("{Q}&prompt=select_account")));
    let rid = request_id(&body(&page));
    let r = app.handle(&post(ACCOUNT_PATH, &format!("request_id={rid}&account=")));
    assert!(r
        .header("location")
        .unwrap()
        .contains("error=access_denied"));
    let again = app.handle(&post(
        ACCOUNT_PATH,
        &format!("request_id={rid}&account=100000000000000000002"),
    ));
    assert_eq!(again.status, 400);
}

#[test]
fn consent_then_prompt_none() {
    let app = app();
    // No signed-in account yet.
    let r = app.handle(&get(&format!("{Q}&prompt=none")));
    assert_eq!(r.status, 302);
    assert_eq!(
        r.header("location").unwrap(),
        format!("{URI}#error=login_required&state=st")
    );

    let page = app.handle(&get(Q));
    assert_eq!(page.status, 200);
    let rid = request_id(&body(&page));
    // Untick tasks: only sign-in scopes granted.
    let r = app.handle(&post(
        "/o/oauth2/v2/auth/decision",
        &format!("request_id={rid}&decision=allow&account=100000000000000000002&scope=openid&scope=email"),
    ));
    assert_eq!(r.status, 302);
    let f = fragment(r.header("location").unwrap());
    assert_eq!(
        f["scope"],
        "openid email https://www.googleapis.com/auth/userinfo.email"
    );
    assert_eq!(f["prompt"], "consent");
    // Single use.
    let again = app.handle(&post(
        "/o/oauth2/v2/auth/decision",
        &format!("request_id={rid}&decision=allow&account=100000000000000000002"),
    ));
    assert_eq!(again.status, 400);
    // tasks was not granted, so prompt=none needs consent.
    let r = app.handle(&get(&format!("{Q}&prompt=none")));
    assert!(r
        .header("location")
        .unwrap()
        .contains("error=consent_required"));
    let r = app.handle(&get(
        "/o/oauth2/v2/auth?client_id=app.apps.googleusercontent.com\
         &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&response_type=token&scope=email&prompt=none",
    ));
    let f = fragment(r.header("location").unwrap());
    assert_eq!(f["prompt"], "none");
    assert!(!f.contains_key("state"));
    let info = app.handle(&get(&format!(
        "/tokeninfo?access_token={}",
        f["access_token"]
    )));
    assert_eq!(info.status, 200);
    assert!(body(&info).contains("grace@example.test"));
}

#[test]
fn deny_and_knobs() {
    let app = app();
    let rid = request_id(&body(&app.handle(&get(Q))));
    let r = app.handle(&post(
        "/o/oauth2/v2/auth/decision",
        &format!("request_id={rid}&decision=deny"),
    ));
    assert_eq!(
        r.header("location").unwrap(),
        format!("{URI}#error=access_denied&state=st")
    );

    let mut k = post(
        "/emulator/knobs",
        r#"{"issue_to_client":"other-app.apps.googleusercontent.com","token_lifetime_secs":60,"fail":{"userinfo":503}}"#,
    );
    k.headers.clear();
    assert_eq!(app.handle(&k).status, 200);
    let rid = request_id(&body(&app.handle(&get(Q))));
    let r = app.handle(&post(
        "/o/oauth2/v2/auth/decision",
        &format!("request_id={rid}&decision=allow&account=100000000000000000001&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Ftasks"),
    ));
    let f = fragment(r.header("location").unwrap());
    assert_eq!(f["expires_in"], "60");
    let info = app.handle(&get(&format!(
        "/tokeninfo?access_token={}",
        f["access_token"]
    )));
    let v: Value = serde_json::from_slice(&info.body).unwrap();
    assert_eq!(v["aud"], OTHER_CLIENT_ID);
    assert_eq!(v["azp"], OTHER_CLIENT_ID);
    let mut ui = get("/oauth2/v3/userinfo");
    ui.headers = vec![
        (
            "authorization".into(),
            format!("Bearer {}", f["access_token"]),
        ),
        ("origin".into(), "http://127.0.0.1:9".into()),
    ];
    let r = app.handle(&ui);
    assert_eq!(r.status, 503);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:9")
    );
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["error"]["status"], "UNAVAILABLE");

    assert_eq!(app.handle(&post("/emulator/reset", "")).status, 200);
    assert_eq!(app.handle(&ui).status, 401, "reset forgot knobs and tokens");
    let log: Value = serde_json::from_slice(&app.handle(&get("/emulator/log")).body).unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["headers"]["origin"], "http://127.0.0.1:9");
}

#[test]
fn error_pages_never_redirect() {
    let app = app();
    let r = app.handle(&get(
        "/o/oauth2/v2/auth?client_id=app.apps.googleusercontent.com\
         &redirect_uri=http://127.0.0.1:9/cb/&response_type=token&scope=openid",
    ));
    assert_eq!(r.status, 400);
    assert!(r.header("location").is_none());
    let html = body(&r);
    assert!(html.contains("Error 400: redirect_uri_mismatch"));
    assert!(html.contains("http://127.0.0.1:9/cb/"));
    assert!(html.contains(pages::BANNER));
    assert_eq!(
        r.header("content-security-policy"),
        Some("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"),
        "the pages' empty data: icon is allowed, so the browser asks for no /favicon.ico"
    );
}

#[test]
fn wrong_method_and_unknown_paths() {
    let app = app();
    assert_eq!(app.handle(&get("/nope")).status, 404);
    assert_eq!(app.handle(&get("/emulator/nope")).status, 404);
    assert_eq!(app.handle(&get("/revoke?token=x")).status, 405);
    let mut pre = get("/revoke");
    pre.method = "OPTIONS".into();
    pre.headers = vec![("origin".into(), "http://a.test".into())];
    let r = app.handle(&pre);
    assert_eq!(r.status, 204);
    assert!(r.header("access-control-allow-credentials").is_none());
}

// ---- OpenID Connect: ID tokens, discovery, keys ----

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::{BigUint, RsaPublicKey};
use sha2::{Digest, Sha256};

fn auth_query(response_type: &str, extra: &[(&str, &str)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("client_id", APP_ID)
        .append_pair("redirect_uri", URI)
        .append_pair("response_type", response_type)
        .append_pair("scope", "openid email profile")
        .append_pair("state", "st")
        .extend_pairs(extra);
    format!("{AUTH_PATH}?{}", q.finish())
}

/// Consents as Grace and returns the redirect's Location.
fn consent(app: &App, response_type: &str, extra: &[(&str, &str)]) -> String {
    let page = app.handle(&get(&auth_query(response_type, extra)));
    assert_eq!(page.status, 200, "{}", body(&page));
    let rid = request_id(&body(&page));
    let r = app.handle(&post(
        DECISION_PATH,
        &format!("request_id={rid}&decision=allow&account=100000000000000000002"),
    ));
    assert_eq!(r.status, 302);
    r.header("location").unwrap().to_string()
}

/// An ID token from `prompt=none`, once Grace has consented.
fn silent_id_token(app: &App, nonce: &str) -> (HashMap<String, String>, Jwt) {
    let r = app.handle(&get(&auth_query(
        "token id_token",
        &[("nonce", nonce), ("prompt", "none")],
    )));
    let f = fragment(r.header("location").unwrap());
    let jwt = Jwt::parse(&f["id_token"]);
    (f, jwt)
}

struct Jwt {
    header: Value,
    claims: Value,
    input: String,
    signature: Vec<u8>,
}

impl Jwt {
    fn parse(jwt: &str) -> Jwt {
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3, "{jwt}");
        let json = |p: &str| -> Value {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
        };
        Jwt {
            header: json(parts[0]),
            claims: json(parts[1]),
            input: format!("{}.{}", parts[0], parts[1]),
            signature: URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
        }
    }

    /// Verifies RS256 with the JWKS key the header names, as a relying party would.
    fn verify(&self, jwks: &Value) -> Result<(), String> {
        if self.header["alg"] != "RS256" {
            return Err(format!("alg {}", self.header["alg"]));
        }
        let key = verifying_key(jwks, self.header["kid"].as_str().unwrap())
            .ok_or("kid not in the JWKS")?;
        let sig = Signature::try_from(self.signature.as_slice()).map_err(|e| e.to_string())?;
        key.verify(self.input.as_bytes(), &sig)
            .map_err(|e| e.to_string())
    }
}

fn jwks(app: &App) -> Value {
    let r = app.handle(&get(CERTS_PATH));
    assert_eq!(r.status, 200);
    serde_json::from_slice(&r.body).unwrap()
}

fn kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_string())
        .collect()
}

fn jwk_bytes(jwk: &Value, member: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(jwk[member].as_str().unwrap())
        .unwrap()
}

fn verifying_key(jwks: &Value, kid: &str) -> Option<VerifyingKey<Sha256>> {
    let jwk = jwks["keys"].as_array()?.iter().find(|k| k["kid"] == kid)?;
    let n = BigUint::from_bytes_be(&jwk_bytes(jwk, "n"));
    let e = BigUint::from_bytes_be(&jwk_bytes(jwk, "e"));
    Some(VerifyingKey::new(RsaPublicKey::new(n, e).unwrap()))
}

/// OIDC Core §3.2.2.9, computed here independently of the emulator's code.
fn expected_at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

fn set_knobs(app: &App, json: &str) {
    let r = app.handle(&post("/emulator/knobs", json));
    assert_eq!(r.status, 200, "{}", body(&r));
}

#[test]
fn token_id_token_is_signed_and_carries_googles_claims() {
    let app = app();
    let location = consent(&app, "id_token token", &[("nonce", "n-0S6_WzA2Mj")]);
    let f = fragment(&location);
    for key in [
        "state",
        "access_token",
        "token_type",
        "expires_in",
        "scope",
        "id_token",
    ] {
        assert!(f.contains_key(key), "{key} in {location}");
    }
    let jwt = Jwt::parse(&f["id_token"]);
    let keys = jwks(&app);
    assert_eq!(
        jwt.header,
        json!({"alg": "RS256", "kid": kids(&keys)[0], "typ": "JWT"})
    );
    jwt.verify(&keys).unwrap();

    let c = &jwt.claims;
    assert_eq!(c["iss"], BASE);
    assert_eq!(c["aud"], APP_ID);
    assert_eq!(c["azp"], APP_ID);
    assert_eq!(c["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(c["at_hash"], expected_at_hash(&f["access_token"]));
    assert_eq!(c["sub"], "100000000000000000002");
    assert_eq!(c["email"], "grace@example.test");
    assert_eq!(c["email_verified"], true);
    assert_eq!(c["name"], "Grace Hopper");
    assert_eq!(c["given_name"], "Grace");
    assert_eq!(c["family_name"], "Hopper");
    assert_eq!(
        c["picture"],
        format!("{BASE}/emulator/avatar/100000000000000000002.svg")
    );
    let (iat, exp) = (c["iat"].as_u64().unwrap(), c["exp"].as_u64().unwrap());
    assert!(iat.abs_diff(tokens::now()) <= 5);
    assert_eq!(exp - iat, 3600);
    let mut names: Vec<&str> = c.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "at_hash",
            "aud",
            "azp",
            "email",
            "email_verified",
            "exp",
            "family_name",
            "given_name",
            "iat",
            "iss",
            "name",
            "nonce",
            "picture",
            "sub"
        ]
    );

    // The ID token is about the account userinfo describes.
    let mut ui = get(USERINFO_PATH);
    ui.headers = vec![(
        "authorization".into(),
        format!("Bearer {}", f["access_token"]),
    )];
    let info: Value = serde_json::from_slice(&app.handle(&ui).body).unwrap();
    for claim in [
        "sub",
        "email",
        "name",
        "given_name",
        "family_name",
        "picture",
    ] {
        assert_eq!(info[claim], c[claim], "{claim}");
    }
}

#[test]
fn id_token_alone_has_no_access_token_or_at_hash() {
    let app = app();
    set_knobs(&app, r#"{"token_lifetime_secs": 60}"#);
    let location = consent(&app, "id_token", &[("nonce", "n1")]);
    let f = fragment(&location);
    assert!(!f.contains_key("access_token") && !f.contains_key("scope"));
    assert_eq!(f["prompt"], "consent");
    let jwt = Jwt::parse(&f["id_token"]);
    jwt.verify(&jwks(&app)).unwrap();
    assert!(jwt.claims.get("at_hash").is_none());
    assert_eq!(jwt.claims["nonce"], "n1");
    let c = &jwt.claims;
    assert_eq!(c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(), 60);
    assert!(
        app.state().store.tokens().is_empty(),
        "no access token issued"
    );
    // prompt=none answers with an ID token too.
    let r = app.handle(&get(&auth_query(
        "id_token",
        &[("nonce", "n2"), ("prompt", "none")],
    )));
    let f = fragment(r.header("location").unwrap());
    assert_eq!(f["prompt"], "none");
    assert_eq!(Jwt::parse(&f["id_token"]).claims["nonce"], "n2");
}

#[test]
fn id_token_without_nonce_is_an_error_page() {
    let app = app();
    for rt in ["id_token", "token id_token", "id_token token"] {
        let r = app.handle(&get(&auth_query(rt, &[])));
        assert_eq!(r.status, 400, "{rt}");
        assert!(r.header("location").is_none());
        let html = body(&r);
        assert!(html.contains("Error 400: invalid_request"), "{html}");
        assert!(html.contains("Missing required parameter: nonce"));
    }
    // Not even prompt=none redirects.
    let r = app.handle(&get(&auth_query("id_token", &[("prompt", "none")])));
    assert_eq!(r.status, 400);
    assert!(r.header("location").is_none());
}

#[test]
fn issue_to_client_sends_the_id_token_to_the_other_client() {
    let app = app();
    set_knobs(
        &app,
        &format!(r#"{{"issue_to_client": "{OTHER_CLIENT_ID}"}}"#),
    );
    let f = fragment(&consent(&app, "token id_token", &[("nonce", "n")]));
    let jwt = Jwt::parse(&f["id_token"]);
    jwt.verify(&jwks(&app)).unwrap();
    assert_eq!(jwt.claims["aud"], OTHER_CLIENT_ID);
    assert_eq!(jwt.claims["azp"], OTHER_CLIENT_ID);
}

#[test]
fn each_forgery_is_what_it_says() {
    let app = app();
    consent(&app, "token id_token", &[("nonce", "n")]);
    let keys = jwks(&app);
    let kid = kids(&keys)[0].clone();
    let good = |jwt: &Jwt, f: &HashMap<String, String>| {
        jwt.verify(&keys).unwrap();
        assert_eq!(jwt.claims["nonce"], "n");
        assert_eq!(jwt.claims["iss"], BASE);
        assert_eq!(jwt.claims["aud"], APP_ID);
        assert_eq!(jwt.claims["at_hash"], expected_at_hash(&f["access_token"]));
        assert!(jwt.claims["exp"].as_u64().unwrap() > tokens::now());
    };
    let forged = |name: &str| {
        set_knobs(&app, &format!(r#"{{"id_token_forgery": "{name}"}}"#));
        silent_id_token(&app, "n")
    };

    let (f, jwt) = forged("wrong_nonce");
    jwt.verify(&keys).unwrap();
    assert_ne!(jwt.claims["nonce"], "n");
    assert_eq!(jwt.claims["at_hash"], expected_at_hash(&f["access_token"]));

    let (_, jwt) = forged("bad_signature");
    assert!(jwt.verify(&keys).is_err());
    assert_eq!(jwt.claims["nonce"], "n");
    assert_eq!(jwt.header["kid"], kid.as_str());

    let (f, jwt) = forged("wrong_at_hash");
    jwt.verify(&keys).unwrap();
    assert_ne!(jwt.claims["at_hash"], expected_at_hash(&f["access_token"]));
    assert_eq!(jwt.claims["at_hash"].as_str().unwrap().len(), 22);

    let (_, jwt) = forged("expired");
    jwt.verify(&keys).unwrap();
    let now = tokens::now();
    let (iat, exp) = (
        jwt.claims["iat"].as_u64().unwrap(),
        jwt.claims["exp"].as_u64().unwrap(),
    );
    assert!(
        (now - 7205..=now - 7200).contains(&iat),
        "iat {iat}, now {now}"
    );
    assert_eq!(exp, iat + 3600);

    let (_, jwt) = forged("wrong_issuer");
    jwt.verify(&keys).unwrap();
    assert_eq!(jwt.claims["iss"], "https://evil.example");

    let (_, jwt) = forged("wrong_audience");
    jwt.verify(&keys).unwrap();
    assert_eq!(jwt.claims["aud"], OTHER_CLIENT_ID);
    assert_eq!(jwt.claims["azp"], OTHER_CLIENT_ID);

    let (_, jwt) = forged("alg_none");
    assert_eq!(jwt.header["alg"], "none");
    assert!(jwt.signature.is_empty());
    assert_eq!(jwt.claims["nonce"], "n");

    let (_, jwt) = forged("alg_hs256");
    assert_eq!(jwt.header["alg"], "HS256");
    assert_eq!(jwt.header["kid"], kid.as_str());
    // The MAC key is the published modulus: anyone could have made this token.
    let n = jwk_bytes(&keys["keys"][0], "n");
    let mut mac = <hmac::Hmac<Sha256> as hmac::Mac>::new_from_slice(&n).unwrap();
    hmac::Mac::update(&mut mac, jwt.input.as_bytes());
    assert_eq!(
        hmac::Mac::finalize(mac).into_bytes().as_slice(),
        jwt.signature
    );

    let (_, jwt) = forged("unknown_kid");
    assert_eq!(jwt.header["alg"], "RS256");
    let unknown = jwt.header["kid"].as_str().unwrap();
    assert!(!kids(&jwks(&app)).iter().any(|k| k == unknown));
    assert_eq!(jwt.signature.len(), 256);
    assert_eq!(jwt.verify(&keys), Err("kid not in the JWKS".into()));

    // The harness turns knobs off with null.
    set_knobs(&app, r#"{"id_token_forgery": null}"#);
    let (f, jwt) = silent_id_token(&app, "n");
    good(&jwt, &f);
    set_knobs(&app, r#"{"id_token_forgery": "expired"}"#);
    assert_eq!(app.handle(&post("/emulator/reset", "")).status, 200);
    consent(&app, "token id_token", &[("nonce", "n")]);
    let (f, jwt) = silent_id_token(&app, "n");
    good(&jwt, &f);
}

#[test]
fn rotation_publishes_both_keys_and_signs_with_the_new_one() {
    let app = app();
    consent(&app, "token id_token", &[("nonce", "n")]);
    let before = kids(&jwks(&app));
    assert_eq!(before.len(), 1);
    set_knobs(&app, r#"{"jwks_without_current_key": true}"#);
    assert!(kids(&jwks(&app)).is_empty());

    let r = app.handle(&post("/emulator/rotate-keys", ""));
    assert_eq!(r.status, 200);
    let answer: Value = serde_json::from_slice(&r.body).unwrap();
    let new_kid = answer["kid"].as_str().unwrap().to_string();
    assert_ne!(new_kid, before[0]);
    assert_eq!(answer["published"], json!([new_kid, before[0]]));

    // Without the current key, only the previous one is published.
    assert_eq!(kids(&jwks(&app)), [before[0].clone()]);
    set_knobs(&app, r#"{"jwks_without_current_key": null}"#);
    let keys = jwks(&app);
    assert_eq!(kids(&keys), [new_kid.clone(), before[0].clone()]);
    let (_, jwt) = silent_id_token(&app, "n");
    assert_eq!(jwt.header["kid"], new_kid.as_str());
    jwt.verify(&keys).unwrap();
    // The old key no longer verifies new tokens.
    let old_only = json!({ "keys": [keys["keys"][1]] });
    assert!(jwt.verify(&old_only).is_err());
    // A reset keeps the keys.
    app.handle(&post("/emulator/reset", ""));
    assert_eq!(kids(&jwks(&app)), [new_kid, before[0].clone()]);
}

#[test]
fn a_stale_key_set_is_served_as_often_as_asked_then_the_current_one() {
    let app = app();
    consent(&app, "token id_token", &[("nonce", "n")]);
    let first = kids(&jwks(&app));
    let r = app.handle(&post("/emulator/rotate-keys", ""));
    let new_kid = serde_json::from_slice::<Value>(&r.body).unwrap()["kid"]
        .as_str()
        .unwrap()
        .to_string();
    set_knobs(&app, r#"{"stale_jwks": 1}"#);
    assert_eq!(kids(&jwks(&app)), first, "the set from before the rotation");
    assert_eq!(kids(&jwks(&app)), [new_kid, first[0].clone()]);
}

#[test]
fn certs_and_discovery_are_public_cached_and_logged() {
    let app = app();
    let r = app.handle(&get(CERTS_PATH));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r
        .header("cache-control")
        .unwrap()
        .starts_with("public, max-age="));
    let jwks: Value = serde_json::from_slice(&r.body).unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(
        (&key["kty"], &key["alg"], &key["use"], &key["e"]),
        (
            &json!("RSA"),
            &json!("RS256"),
            &json!("sig"),
            &json!("AQAB")
        )
    );
    assert_eq!(jwk_bytes(key, "n").len(), 256);

    let r = app.handle(&get(DISCOVERY_PATH));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r
        .header("cache-control")
        .unwrap()
        .starts_with("public, max-age="));
    let d: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(d["issuer"], BASE);
    assert_eq!(
        d["authorization_endpoint"],
        format!("{BASE}/o/oauth2/v2/auth")
    );
    assert_eq!(d["token_endpoint"], format!("{BASE}/token"));
    assert_eq!(d["userinfo_endpoint"], format!("{BASE}/oauth2/v3/userinfo"));
    assert_eq!(d["revocation_endpoint"], format!("{BASE}/revoke"));
    assert_eq!(d["jwks_uri"], format!("{BASE}/oauth2/v3/certs"));
    assert_eq!(d["id_token_signing_alg_values_supported"], json!(["RS256"]));
    assert_eq!(d["subject_types_supported"], json!(["public"]));
    assert_eq!(
        d["code_challenge_methods_supported"],
        json!(["plain", "S256"])
    );
    assert_eq!(
        d["token_endpoint_auth_methods_supported"],
        json!(["client_secret_post", "client_secret_basic"])
    );
    let types = d["response_types_supported"].as_array().unwrap();
    for t in [
        "code",
        "token",
        "id_token",
        "token id_token",
        "code token id_token",
        "none",
    ] {
        assert!(types.contains(&json!(t)), "{t}");
    }

    // Faults can target them, and the log shows them.
    set_knobs(&app, r#"{"fail": {"certs": 503}}"#);
    assert_eq!(app.handle(&get(CERTS_PATH)).status, 503);
    let log: Value = serde_json::from_slice(&app.handle(&get("/emulator/log")).body).unwrap();
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, [CERTS_PATH, DISCOVERY_PATH, CERTS_PATH]);
}

#[test]
fn the_code_grant_answers_in_the_query_and_token_refuses_a_public_client() {
    let app = app();
    let location = consent(&app, "code", &[]);
    assert!(!location.contains('#'), "{location}");
    let (uri, query) = location.split_once('?').unwrap();
    assert_eq!(uri, URI);
    let q: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert!(q["code"].starts_with("4/0A"));
    assert_eq!(q["state"], "st");
    assert_eq!(q["authuser"], "0");
    assert_eq!(q["prompt"], "consent");
    assert!(q["scope"].contains("openid"));
    assert!(
        query.starts_with(&format!("state=st&iss={}&code=", urlencode(BASE))),
        "Google's order, with RFC 9207's iss naming the issuer: {query}"
    );
    assert_eq!(q["iss"], BASE);
    assert!(app.state().store.tokens().is_empty());

    let mut t = post(
        TOKEN_PATH,
        &format!(
            "code={}&grant_type=authorization_code&client_id={APP_ID}\
             &redirect_uri={URI}&code_verifier=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            q["code"]
        ),
    );
    t.headers
        .push(("origin".into(), "http://127.0.0.1:9".into()));
    let r = app.handle(&t);
    assert_eq!(r.status, 400);
    assert_eq!(
        serde_json::from_slice::<Value>(&r.body).unwrap(),
        json!({"error": "invalid_request", "error_description": "client_secret is missing."})
    );
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:9")
    );
    t.body.extend_from_slice(b"&client_secret=guess");
    assert_eq!(app.handle(&t).status, 401);

    // A denial of a code request comes back in the query too.
    let rid = request_id(&body(&app.handle(&get(&auth_query("code", &[])))));
    let r = app.handle(&post(
        DECISION_PATH,
        &format!("request_id={rid}&decision=deny"),
    ));
    assert_eq!(
        r.header("location").unwrap(),
        format!("{URI}?error=access_denied&state=st")
    );
}

// ---- Google as it really answers (issue 22) ----

/// Consents to `scope` as `account`, ticking `ticked` on the page; returns the Location.
fn decide_as(app: &App, scope: &str, account: &str, ticked: &[&str]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("client_id", APP_ID)
        .append_pair("redirect_uri", URI)
        .append_pair("response_type", "token")
        .append_pair("scope", scope)
        .append_pair("state", "st");
    let page = app.handle(&get(&format!("{AUTH_PATH}?{}", q.finish())));
    let rid = request_id(&body(&page));
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("request_id", &rid)
        .append_pair("decision", "allow")
        .append_pair("account", account);
    for s in scope.split(' ').filter(|s| catalog::is_sign_in_scope(s)) {
        form.append_pair("scope", s);
    }
    for s in ticked {
        form.append_pair("scope", s);
    }
    let r = app.handle(&post(DECISION_PATH, &form.finish()));
    r.header("location").unwrap().to_string()
}

fn user_info(app: &App, token: &str) -> Response {
    let mut r = get(USERINFO_PATH);
    r.headers = vec![("authorization".into(), format!("Bearer {token}"))];
    app.handle(&r)
}

#[test]
fn the_consent_page_starts_unticked_unless_the_knob_says_otherwise() {
    let app = app();
    let page = body(&app.handle(&get(Q)));
    assert!(page.contains("value=\"https://www.googleapis.com/auth/tasks\">"));
    set_knobs(&app, r#"{"consent_preticked": true}"#);
    let page = body(&app.handle(&get(Q)));
    assert!(page.contains("value=\"https://www.googleapis.com/auth/tasks\" checked>"));
}

#[test]
fn a_token_without_a_sign_in_scope_does_not_say_whose_it_is() {
    let app = app();
    let tasks = "https://www.googleapis.com/auth/tasks";
    let f = fragment(&decide_as(&app, tasks, "100000000000000000001", &[tasks]));
    assert_eq!(f["scope"], tasks);
    let token = &f["access_token"];
    let info = app.handle(&get(&format!("{TOKENINFO_PATH}?access_token={token}")));
    assert_eq!(info.status, 200);
    let info: Value = serde_json::from_slice(&info.body).unwrap();
    assert_eq!(info["aud"], APP_ID);
    assert!(
        info.get("sub").is_none() && info.get("email").is_none(),
        "{info}"
    );
    let ui = user_info(&app, token);
    assert_eq!(ui.status, 401, "Google's user info refuses it");
    assert!(body(&ui).contains("Request is missing required authentication credential"));
}

#[test]
fn a_workspace_account_carries_hd_and_answers_end_with_version_info() {
    let app = app();
    let location = decide_as(&app, "openid email", "100000000000000000003", &[]);
    let (_, raw) = location.split_once('#').unwrap();
    assert!(
        raw.contains("&authuser=0&hd=workspace.example.test&prompt=consent&version_info=Cm"),
        "{raw}"
    );
    let f = fragment(&location);
    let ui: Value = serde_json::from_slice(&user_info(&app, &f["access_token"]).body).unwrap();
    assert_eq!(ui["hd"], "workspace.example.test");
    assert_eq!(ui["email_verified"], true);
    // A consumer account has no hd anywhere.
    let f = fragment(&decide_as(
        &app,
        "openid email",
        "100000000000000000001",
        &[],
    ));
    assert!(!f.contains_key("hd"));
    assert!(f.contains_key("version_info"));
}

#[test]
fn email_verified_comes_as_a_string_with_the_knob() {
    let app = app();
    set_knobs(&app, r#"{"email_verified_as_string": true}"#);
    let f = fragment(&decide_as(
        &app,
        "openid email",
        "100000000000000000001",
        &[],
    ));
    let ui: Value = serde_json::from_slice(&user_info(&app, &f["access_token"]).body).unwrap();
    assert_eq!(ui["email_verified"], "true");
}

#[test]
fn the_key_sets_max_age_counts_down_to_the_next_rotation() {
    let app = app();
    let max_age = |app: &App| -> u64 {
        let r = app.handle(&get(CERTS_PATH));
        let cc = r.header("cache-control").unwrap().to_string();
        let n = cc.split("max-age=").nth(1).unwrap();
        n.split(',').next().unwrap().parse().unwrap()
    };
    assert!(max_age(&app) <= crate::keys::ROTATION_SECS);
    app.keys().since -= 1000;
    let left = max_age(&app);
    assert!(
        left <= crate::keys::ROTATION_SECS - 1000 && left > crate::keys::ROTATION_SECS - 1010,
        "{left}"
    );
    app.keys().since = 0;
    assert_eq!(max_age(&app), 0, "past the rotation, caches must ask again");
    app.handle(&post("/emulator/rotate-keys", ""));
    assert!(
        max_age(&app) > crate::keys::ROTATION_SECS - 5,
        "a new key starts the count"
    );
}
