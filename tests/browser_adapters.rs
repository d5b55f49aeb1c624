//! The browser adapters and the start of the flow, in headless Chromium (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use browser_oauth::auth::{flow, oidc, session_store};
use browser_oauth::browser::clock::{iso, local_date};
use browser_oauth::browser::storage::{self, keys, Area};
use browser_oauth::browser::{location, random::random_bytes};
use browser_oauth::google::request::{send, ApiError, Body};
use browser_oauth::timeline::{self, HttpExchange, Step};
use browser_oauth::ui::view::View;
use oauth::authorization::{PendingAuthorization, STATE_BYTES};
use oauth::{ClientConfig, GrantedScopes, Session};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn set_url(url: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(url))
        .unwrap();
}

fn hash() -> String {
    web_sys::window().unwrap().location().hash().unwrap()
}

fn config(storage: &str) -> ClientConfig {
    ClientConfig::from_json(
        &format!(r#"{{"client_id":"ours","token_storage":"{storage}"}}"#),
        None,
    )
    .unwrap()
}

fn session() -> Session {
    Session {
        access_token: "ya29.secret".into(),
        expires_at_ms: u64::MAX,
        granted_scopes: GrantedScopes::from_space_delimited("openid"),
        subject: Some("1".into()),
        email: None,
        token_type: Default::default(),
    }
}

#[wasm_bindgen_test]
fn authorization_response_is_taken_out_of_the_url() {
    let path = web_sys::window().unwrap().location().pathname().unwrap();
    set_url(&format!(
        "{path}?keep=1#access_token=ya29.x&token_type=Bearer&state=s"
    ));
    let taken = location::take_authorization_response();
    assert_eq!(
        taken.as_deref(),
        Some("#access_token=ya29.x&token_type=Bearer&state=s")
    );
    assert_eq!(hash(), "");
    let location = web_sys::window().unwrap().location();
    assert_eq!(location.search().unwrap(), "?keep=1");
    assert!(!location.href().unwrap().contains("ya29"));
}

#[wasm_bindgen_test]
fn ordinary_anchor_stays_in_the_url() {
    set_url("#section-2");
    assert_eq!(location::take_authorization_response(), None);
    assert_eq!(hash(), "#section-2");
    set_url("#");
}

#[wasm_bindgen_test]
fn redirect_uri_is_this_page_without_query_or_fragment() {
    let path = web_sys::window().unwrap().location().pathname().unwrap();
    set_url(&format!("{path}?a=b#c"));
    assert_eq!(
        location::redirect_uri(),
        format!("{}{path}", location::origin())
    );
    set_url(&path);
}

#[wasm_bindgen_test]
fn random_state_bytes_differ_each_time() {
    let a = random_bytes::<STATE_BYTES>().unwrap();
    let b = random_bytes::<STATE_BYTES>().unwrap();
    assert_ne!(a, b);
    assert_ne!(a, [0; STATE_BYTES]);
}

#[wasm_bindgen_test]
fn take_reads_a_value_only_once() {
    storage::set(Area::Session, "test.once", "v").unwrap();
    assert_eq!(
        storage::take(Area::Session, "test.once").as_deref(),
        Some("v")
    );
    assert_eq!(storage::take(Area::Session, "test.once"), None);
}

#[wasm_bindgen_test]
fn session_storage_mode_keeps_the_session_in_session_storage_only() {
    session_store::save(&config("session"), &session()).unwrap();
    assert_eq!(session_store::load(&config("session")), Some(session()));
    assert!(storage::get(Area::Session, keys::SESSION)
        .unwrap()
        .contains("ya29.secret"));
    assert_eq!(storage::get(Area::Local, keys::SESSION), None);
    session_store::clear(session_store::Keep::Nothing);
    assert_eq!(session_store::load(&config("session")), None);
}

#[wasm_bindgen_test]
fn memory_mode_never_writes_the_token() {
    session_store::clear(session_store::Keep::Nothing);
    session_store::save(&config("memory"), &session()).unwrap();
    assert_eq!(storage::get(Area::Session, keys::SESSION), None);
    assert_eq!(session_store::load(&config("memory")), None);
}

#[wasm_bindgen_test]
fn full_sign_out_forgets_drafts_but_expiry_keeps_them() {
    let draft = format!("{}new-task", keys::DRAFT_PREFIX);
    storage::set(Area::Session, &draft, "buy milk").unwrap();
    flow::expire(&session());
    assert_eq!(
        storage::get(Area::Session, &draft).as_deref(),
        Some("buy milk")
    );
    session_store::clear(session_store::Keep::Nothing);
    assert_eq!(storage::get(Area::Session, &draft), None);
}

#[wasm_bindgen_test]
fn clear_after_expiry_forgets_the_session_and_keeps_the_login_hint() {
    storage::set(Area::Session, keys::PENDING, "{}").unwrap();
    session_store::save(&config("session"), &session()).unwrap();
    flow::expire(&session());
    assert_eq!(storage::get(Area::Session, keys::SESSION), None);
    assert_eq!(storage::get(Area::Session, keys::PENDING), None);
    assert_eq!(session_store::login_hint().as_deref(), Some("1"));
    session_store::clear(session_store::Keep::Nothing);
    assert_eq!(session_store::login_hint(), None);
    // A token that named nobody leaves no hint, but keeps what the person was doing.
    storage::set(Area::Session, keys::VIEW, "\"tasks\"").unwrap();
    let nobody = Session {
        subject: None,
        email: None,
        ..session()
    };
    flow::expire(&nobody);
    assert_eq!(session_store::login_hint(), None);
    assert!(storage::get(Area::Session, keys::VIEW).is_some());
    session_store::clear(session_store::Keep::Nothing);
    assert_eq!(storage::get(Area::Session, keys::VIEW), None);
}

#[wasm_bindgen_test]
async fn response_without_a_pending_sign_in_is_refused() {
    session_store::clear(session_store::Keep::Nothing);
    let error = flow::complete_sign_in(
        &config("session"),
        "#access_token=a&token_type=Bearer&state=s",
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), "no_pending_authorization");
    assert_eq!(storage::get(Area::Session, keys::SESSION), None);
}

#[wasm_bindgen_test]
async fn forged_state_is_refused_and_the_pending_state_is_spent() {
    let pending = PendingAuthorization::new([9; STATE_BYTES], "http://x/", &["openid".into()], 0);
    storage::set(Area::Session, keys::PENDING, &pending.to_json()).unwrap();
    let error = flow::complete_sign_in(
        &config("session"),
        "#access_token=a&token_type=Bearer&state=forged",
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), "state_mismatch");
    assert_eq!(storage::get(Area::Session, keys::PENDING), None);
    assert_eq!(storage::get(Area::Session, keys::SESSION), None);
}

#[wasm_bindgen_test]
async fn unreachable_server_is_a_network_error() {
    // Port 9 (discard) on loopback: nothing listens, so fetch itself fails.
    let error = send(
        Step::UserInfo,
        "http://127.0.0.1:9/userinfo",
        Some("t"),
        Body::None,
    )
    .await
    .unwrap_err();
    assert!(matches!(error, ApiError::Network(_)), "{error:?}");
}

#[wasm_bindgen_test]
fn iso_time_is_rfc_3339_in_utc() {
    assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(iso(1_795_000_000_123), "2026-11-18T11:06:40.123Z");
}

#[wasm_bindgen_test]
fn a_date_is_the_same_day_in_every_time_zone() {
    // Midnight UTC, as Google gives a task's due date: shown as that day, never the one before.
    let shown = local_date("2026-11-27T00:00:00.000Z");
    assert!(shown.contains("27"), "{shown}");
    assert_eq!(local_date("not a date"), "not a date");
}

#[wasm_bindgen_test]
fn the_view_is_remembered_in_the_tab() {
    session_store::clear(session_store::Keep::Nothing);
    assert_eq!(View::stored(), View::Profile);
    View::Tasks.store();
    assert_eq!(View::stored(), View::Tasks);
    assert_eq!(
        storage::get(Area::Session, keys::VIEW).as_deref(),
        Some("\"tasks\"")
    );
}

#[wasm_bindgen_test]
fn expiry_keeps_the_view_and_the_tasks_draft_but_sign_out_forgets_them() {
    assert!(
        keys::TASKS.starts_with(keys::DRAFT_PREFIX),
        "the Tasks draft is a draft"
    );
    View::Tasks.store();
    storage::set(Area::Session, keys::TASKS, r#"{"new_title":"Buy milk"}"#).unwrap();
    flow::expire(&session());
    assert_eq!(View::stored(), View::Tasks);
    assert!(storage::get(Area::Session, keys::TASKS).is_some());
    session_store::clear(session_store::Keep::Nothing);
    assert_eq!(storage::get(Area::Session, keys::VIEW), None);
    assert_eq!(storage::get(Area::Session, keys::TASKS), None);
}

#[wasm_bindgen_test]
async fn channel_delivers_to_other_ends_but_not_its_own() {
    use browser_oauth::browser::channel::Channel;
    use std::cell::RefCell;
    use std::rc::Rc;

    let heard = Rc::new(RefCell::new(Vec::<String>::new()));
    let listener = {
        let heard = heard.clone();
        Channel::open(move |text| heard.borrow_mut().push(text)).unwrap()
    };
    Channel::post_once("from another window").unwrap();
    listener.post("from the listener itself");
    // BroadcastChannel delivers asynchronously: give the event loop a turn.
    gloo_timers::future::TimeoutFuture::new(50).await;
    assert_eq!(*heard.borrow(), vec!["from another window".to_owned()]);
}

#[wasm_bindgen_test]
fn the_main_tab_is_not_the_popup() {
    assert!(!browser_oauth::browser::popup::is_inside_popup());
}

/// A 2048-bit RSA key and its RS256 signature over `SIGNED`, made with Python's `cryptography`.
const TEST_N: &str = "yTRrAwvg5jcXK2UMk2TUdfHwWQszcuaPkaQm970zBq7Z0xO5M9IGWPxpvzOewlWVRi4yzIYatdS0RAEVW-xaZk7UiHOVGLFgZwvx4ST8ZFY4s9o-GeLCZWzRTlA_QIdbSnRcUUeBfcBRXffaXNYOlie3ZVAdISNK7t_vGcI0poWIK8Z6yM5r26YUlH1uL2Frp6XHxcFA9y2At1oel5AgbOmGmS2R-847Rd8Ri5ujw8j-b0GX1qTRJO1N7N6SFalUrPybS_fzRywCgN8AE_Z3Jbj1fOlkBaWDn5OHUf1Fv0Ydc5qFZ7ni6srRYsiPcILBhLx6DrwLWdKVHs4FBt9cuw";
const SIGNED: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0";
const SIGNATURE: &str = "qxfo2uj07INJpGRv2NVyx9W93jobcDbyy7W-ul0ggHgA0Nxiv-SurEao2K3qaOosQjrpqYBfnGOJrrtgI-nEkUizE2BfNPaXQ9nIPLDQBm4Kd3cpSzLFPT1soUhu1wxRllY3PVhQiRSvb4YrB7WYg4VM8v4690D-9k_w8AQRelttJlEbsv3ozGmUuO79nCeDXxVc9xlskEDX_cvI1bjcbQ3nEJmZoElbfwE0M4JIHd_dtE37TavGt0WkPqGmYh1jUMkw7GwD9Rk5fHKKSQY3-fWebcXrWvBlGHLdsmVnHFzlxkIVVvoe6Q8PPnDC4DJvz0Uq43ZQ-FPsyOiKzkdpCg";

fn test_key() -> oauth::id_token::Jwk {
    oauth::id_token::Jwk {
        kty: "RSA".into(),
        kid: Some("test".into()),
        alg: Some("RS256".into()),
        usage: Some("sig".into()),
        n: TEST_N.into(),
        e: "AQAB".into(),
    }
}

fn signature() -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(SIGNATURE)
        .unwrap()
}

#[wasm_bindgen_test]
async fn webcrypto_sha256_matches_the_known_digest() {
    let digest = browser_oauth::browser::crypto::sha256(b"abc")
        .await
        .unwrap();
    assert_eq!(digest[..4], [0xba, 0x78, 0x16, 0xbf]);
    assert_eq!(digest[28..], [0xf2, 0x00, 0x15, 0xad]);
}

#[wasm_bindgen_test]
async fn webcrypto_accepts_a_genuine_rs256_signature() {
    let ok =
        browser_oauth::browser::crypto::verify_rs256(&test_key(), SIGNED.as_bytes(), &signature())
            .await;
    assert_eq!(ok, Ok(true));
}

#[wasm_bindgen_test]
async fn webcrypto_rejects_a_tampered_payload_or_signature() {
    use browser_oauth::browser::crypto::verify_rs256;
    let tampered = SIGNED.replace("IxIn0", "IyIn0");
    assert_eq!(
        verify_rs256(&test_key(), tampered.as_bytes(), &signature()).await,
        Ok(false)
    );
    let mut bad = signature();
    bad[10] ^= 1;
    assert_eq!(
        verify_rs256(&test_key(), SIGNED.as_bytes(), &bad).await,
        Ok(false)
    );
}

// An ID token and its key set, made once with Node's crypto (RSA-2048, RS256; exp in 2100):
// iss https://op.example, aud app, sub ada, nonce "nonce-of-this-tab", at_hash of
// "access-token-for-the-test".
const OP_JWKS: &str = r#"{"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":"test-key-1","n":"03kdd_6VbXD8qSgXkd5mHRA82p_CWcwfXCLr9u3xKOnSLkW9RtG4cyzDqn-xWs56trKtrUJzqGsLdwDKzz7erx5wce3XMenxBkeLODdC7TftVE0FX2KOBzelrBua4fJL9S3bYLeWuzEdFWJGPu7hbUj_SFpoOBvA_JuKSGtj6xsk3-lCQir22bdD8wOXpHZPqj4kmdSgDmWfTWPXcC_gnrg8QNbU5zthMf4YGoXoNfh6mqvaf_R021QiFVVxCcX8cPYZ3lVFMNrgWGn6olz4imPAoldhVOSjJ5imk_S97qFysByu0hy4Cg765O-ljIbcVoRITrpNYEyoZ1QymsxO9w","e":"AQAB"}]}"#;
const OP_ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3Qta2V5LTEiLCJ0eXAiOiJKV1QifQ.eyJpc3MiOiJodHRwczovL29wLmV4YW1wbGUiLCJzdWIiOiJhZGEiLCJhdWQiOiJhcHAiLCJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTc2NDAwMDAwMCwibm9uY2UiOiJub25jZS1vZi10aGlzLXRhYiIsImF0X2hhc2giOiJ1MmZ6eUwzdGFrR1dIOFZQQWZpZnN3IiwiZW1haWwiOiJhZGFAZXhhbXBsZS50ZXN0In0.SCLraf_5bg2AlO40qX6rosbn-pDSlxaUVvbX6o0vuleDjgyomFZkMwAeOb1UQfK_FhUlurHRMFpIIhbeOnQZmrRsFc3N9VUVAheOQs6v6X9O6uKPJVAsF4aKnvaIX9hmnMxnHuSbWEUzNqqM2LyuCE_bPghfJCUyytgsePvzYFTwvvnp3CK5Md4TmkIomMiv26Wz3ApeFOs5VQD4w8D0VDFGtdw__SvI1Cc-bCKlzlaiw3Yq1s7K0GlTuTR1MqStLhkwwstxBUsbAPYmYhOBY-c7qFogX6BI9NdcJBpkMVm-IJFURzxUg6KPf9jz0efx4qpqwTLAm2l45x08PIFZ-g";
const OP_JWKS_URI: &str = "https://op.example/jwks";

fn op_config() -> ClientConfig {
    ClientConfig::from_json(
        &format!(
            r#"{{"client_id":"app","issuer":"https://op.example","flow":"token id_token","authorization_endpoint":"https://op.example/auth","userinfo_endpoint":"https://op.example/me","jwks_uri":"{OP_JWKS_URI}"}}"#
        ),
        None,
    )
    .unwrap()
}

fn op_token(id_token: &str, nonce: &str) -> oauth::UnverifiedToken {
    oauth::UnverifiedToken {
        access_token: "access-token-for-the-test".into(),
        expires_in: Some(3600),
        scope: None,
        received_at_ms: 0,
        requested_scopes: vec!["openid".into()],
        id_token: Some(id_token.into()),
        nonce: Some(nonce.into()),
        token_type: Default::default(),
        response_iss: None,
    }
}

async fn verify_op(id_token: &str, nonce: &str) -> Result<String, String> {
    // The tab's cached keys, as a first sign-in leaves them: no network needed.
    storage::set(
        Area::Session,
        keys::JWKS,
        &format!("{OP_JWKS_URI}\n{OP_JWKS}"),
    )
    .unwrap();
    let outcome = oidc::verify_id_token(&op_config(), &op_token(id_token, nonce), true).await;
    storage::remove(Area::Session, keys::JWKS);
    outcome
        .map(|claims| claims.sub)
        .map_err(|e| e.code().to_owned())
}

#[wasm_bindgen_test]
async fn a_genuine_id_token_is_verified_with_the_cached_keys() {
    assert_eq!(
        verify_op(OP_ID_TOKEN, "nonce-of-this-tab").await,
        Ok("ada".into())
    );
}

#[wasm_bindgen_test]
async fn an_id_token_for_another_request_or_tampered_is_refused() {
    assert_eq!(
        verify_op(OP_ID_TOKEN, "another-nonce").await,
        Err("nonce_mismatch".into())
    );
    let (signed, signature) = OP_ID_TOKEN.rsplit_once('.').unwrap();
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let tampered = format!("{signed}.{flipped}{}", &signature[1..]);
    assert_eq!(
        verify_op(&tampered, "nonce-of-this-tab").await,
        Err("bad_signature".into())
    );
}

#[wasm_bindgen_test]
fn a_code_in_the_query_is_taken_out_with_the_whole_query() {
    let path = web_sys::window().unwrap().location().pathname().unwrap();
    set_url(&format!(
        "{path}?code=c1&state=s&iss=https%3A%2F%2Fop.example"
    ));
    assert_eq!(
        location::take_authorization_response().as_deref(),
        Some("?code=c1&state=s&iss=https%3A%2F%2Fop.example")
    );
    let location = web_sys::window().unwrap().location();
    assert_eq!(location.search().unwrap(), "");
    set_url(&format!("{path}?keep=1"));
    assert_eq!(location::take_authorization_response(), None);
    assert_eq!(location.search().unwrap(), "?keep=1");
    set_url(&path);
}

#[wasm_bindgen_test]
async fn pkce_pairs_are_s256_and_never_reused() {
    oidc::prepare_pkce().await.unwrap();
    let (verifier, challenge) = oidc::take_pkce().unwrap();
    assert_eq!(verifier.len(), 43);
    let digest = browser_oauth::browser::crypto::sha256(verifier.as_bytes())
        .await
        .unwrap();
    assert_eq!(challenge, oauth::id_token::s256_challenge(&digest));
    oidc::prepare_pkce().await.unwrap();
    let (second, _) = oidc::take_pkce().unwrap();
    assert_ne!(second, verifier);
}

/// One Tasks call as `google::request` records it, with a long answer.
fn tasks_exchange(i: usize, body: &str) -> HttpExchange {
    HttpExchange {
        method: "GET".into(),
        url: format!("https://tasks.googleapis.com/tasks/v1/lists/l{i}/tasks"),
        request_headers: Vec::new(),
        fetch_options: vec![("credentials".into(), "omit".into())],
        request_body: None,
        status: Some(200),
        response_headers: vec![("content-type".into(), "application/json".into())],
        response_body: Some(body.to_owned()),
    }
}

#[wasm_bindgen_test]
fn a_long_tasks_session_keeps_the_newest_steps_within_the_budget_in_memory_and_in_the_stored_copy()
{
    timeline::clear();
    let budget = oauth::retention::TIMELINE;
    let body = format!(r#"{{"items":[{{"title":"{}"}}]}}"#, "x".repeat(50_000));
    let calls = budget.entries * 5;
    for i in 0..calls {
        timeline::record(
            Step::ApiCall,
            "GET tasks",
            Vec::new(),
            None,
            None,
            Some(tasks_exchange(i, &body)),
        );
    }
    let record = timeline::snapshot();
    assert!(
        record.entries.len() <= budget.entries,
        "{} entries",
        record.entries.len()
    );
    assert_eq!(
        record.entries.last().map(|e| e.id),
        Some(calls - 1),
        "the newest are kept"
    );
    assert_eq!(
        record.dropped + record.entries.len(),
        calls,
        "what went is counted"
    );
    let kept = record.entries[0]
        .http
        .as_ref()
        .unwrap()
        .response_body
        .as_deref()
        .unwrap();
    assert!(
        kept.ends_with(&format!("… {} more characters not kept", "42,024")),
        "{}",
        &kept[kept.len() - 60..]
    );
    // The JSON the inspector gets on every change, and the copy kept across a redirect: the
    // budget's bytes plus the JSON's own punctuation.
    let ceiling = budget.bytes + budget.entries * 512;
    assert!(
        record.to_json().len() <= ceiling,
        "{} bytes",
        record.to_json().len()
    );
    timeline::save_before_leaving();
    let stored = storage::take(Area::Session, keys::TIMELINE).unwrap();
    assert!(stored.len() <= ceiling, "{} bytes stored", stored.len());
    timeline::clear();
}

/// The DPoP key (RFC 9449): kept in IndexedDB across a re-open, its private half usable but
/// never exportable, and a signature over a proof's signing input verifies with the public key.
#[wasm_bindgen_test]
async fn the_dpop_key_survives_a_reopen_cannot_be_exported_and_signs_es256() {
    use browser_oauth::browser::dpop_key::DpopKey;
    use oauth::dpop::{Claims, PublicKey, UnsignedProof};
    DpopKey::delete().await.unwrap();
    assert!(DpopKey::load().await.unwrap().is_none());
    let made = DpopKey::load_or_create().await.unwrap();
    assert!(!made.private_key_extractable());
    let jwk = made.public_jwk().await.unwrap();
    assert!(
        !jwk.contains("\"d\""),
        "the exported JWK is public only: {jwk}"
    );
    // Re-opened from the database: the same key pair, so the same public key.
    let reopened = DpopKey::load().await.unwrap().expect("the key was kept");
    assert_eq!(reopened.public_jwk().await.unwrap(), jwk);
    assert!(!reopened.private_key_extractable());
    // A second "create" (two starts racing) keeps the first key.
    assert_eq!(
        DpopKey::create().await.unwrap().public_jwk().await.unwrap(),
        jwk
    );
    let public = PublicKey::from_jwk(&jwk).unwrap();
    let claims = Claims::new([1; 16], "POST", "https://op.example/token", 0, None, None).unwrap();
    let unsigned = UnsignedProof::new(&public, claims);
    let signature = reopened
        .sign(unsigned.signing_input.as_bytes())
        .await
        .unwrap();
    assert_eq!(signature.len(), 64, "raw r || s, as JWS wants");
    assert!(made
        .verify(unsigned.signing_input.as_bytes(), &signature)
        .await
        .unwrap());
    assert!(!made.verify(b"something else", &signature).await.unwrap());
    assert!(unsigned.sign(&signature).is_ok());
    DpopKey::delete().await.unwrap();
    assert!(DpopKey::load().await.unwrap().is_none());
}
