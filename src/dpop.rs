//! DPoP (RFC 9449) as the page does it, for providers that offer it (never Google): the key
//! from IndexedDB, a fresh proof for each request that needs one, the last nonce of each
//! server, and which access token is bound to the key. What a proof holds, which token types
//! to accept and when to answer `use_dpop_nonce` are `oauth::dpop`'s decisions; the key and the
//! signature are the browser's ([`crate::browser::dpop_key`]). Nothing here runs unless
//! [`prepare`] was called for a provider that offers DPoP.

use crate::browser::clock::now_ms;
use crate::browser::crypto::sha256;
use crate::browser::dpop_key::DpopKey;
use crate::browser::random::random_bytes;
use crate::browser::BrowserError;
use crate::timeline::{self, Field, Step};
use oauth::api::{ApiError, Method};
use oauth::dpop::{encode_digest, Claims, Nonces, PublicKey, UnsignedProof};
use std::cell::RefCell;
use std::rc::Rc;

/// The key in use and what is derived from its public half.
struct Prover {
    key: DpopKey,
    public: PublicKey,
    /// RFC 7638 thumbprint: `dpop_jkt` on the authorization request, `cnf.jkt` in the token.
    jkt: String,
}

thread_local! {
    static PROVER: RefCell<Option<Rc<Prover>>> = const { RefCell::new(None) };
    static NONCES: RefCell<Nonces> = RefCell::new(Nonces::default());
    /// The access token bound to the key (token_type DPoP): it goes out as `DPoP`, with a proof.
    static BOUND: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub use seam::error::KeyError;

/// Loads the page's key from IndexedDB, or makes and keeps one: before the authorization
/// request (its `dpop_jkt`), the code exchange, or a reloaded session's first call.
pub async fn prepare() -> Result<(), KeyError> {
    if PROVER.with(|p| p.borrow().is_some()) {
        return Ok(());
    }
    let key = DpopKey::load_or_create().await?;
    let public = PublicKey::from_jwk(&key.public_jwk().await?)?;
    let jkt = encode_digest(&sha256(public.thumbprint_input().as_bytes()).await?);
    PROVER.with(|p| {
        p.borrow_mut()
            .get_or_insert_with(|| Rc::new(Prover { key, public, jkt }));
    });
    Ok(())
}

/// The key's thumbprint once [`prepare`] has run.
pub fn jkt() -> Option<String> {
    PROVER.with(|p| p.borrow().as_ref().map(|p| p.jkt.clone()))
}

/// Whether requests to the token endpoint carry a proof.
pub fn active() -> bool {
    PROVER.with(|p| p.borrow().is_some())
}

/// `access_token` is bound to the key: from now on it is presented as `DPoP` with a proof.
pub fn bind(access_token: &str) {
    BOUND.with(|b| *b.borrow_mut() = Some(access_token.to_owned()));
}

/// Sign-out: forgets the bound token and the servers' nonces, and deletes the key, so no proof
/// can be made with it again (the token is revoked or expires).
pub async fn forget() -> Result<(), BrowserError> {
    BOUND.with(|b| b.borrow_mut().take());
    NONCES.with(|n| *n.borrow_mut() = Nonces::default());
    PROVER.with(|p| p.borrow_mut().take());
    DpopKey::delete().await
}

/// What a request carries for DPoP.
pub struct Presentation {
    /// The `DPoP` header's value: a proof made for this request alone.
    pub proof: String,
    /// The access token goes as `Authorization: DPoP …` rather than `Bearer`.
    pub bound_token: bool,
}

/// The proof `step`'s request needs, if any: beside the bound access token (with its `ath`),
/// and to the token, revocation and pushed authorization request endpoints when DPoP is in use. `None` otherwise: always for
/// Google, and for discovery and keys. Each proof is put on the timeline, header and claims.
pub async fn present(
    step: Step,
    method: Method,
    url: &str,
    access_token: Option<&str>,
) -> Result<Option<Presentation>, ApiError> {
    let Some(prover) = PROVER.with(|p| p.borrow().clone()) else {
        return Ok(None);
    };
    let bound_token = match access_token {
        Some(token) => BOUND.with(|b| b.borrow().as_deref() == Some(token)),
        None => false,
    };
    // A push carries one too (RFC 9449 §10.1): the provider binds the code to its key, as
    // `dpop_jkt` beside it asks.
    let wanted = bound_token
        || (access_token.is_none()
            && matches!(
                step,
                Step::TokenExchange | Step::Revocation | Step::PushedAuthorizationRequest
            ));
    if !wanted {
        return Ok(None);
    }
    let failed = |e: &dyn std::fmt::Display| ApiError::Proof(e.to_string());
    let ath = match access_token.filter(|_| bound_token) {
        Some(token) => Some(sha256(token.as_bytes()).await.map_err(|e| failed(&e))?),
        None => None,
    };
    let nonce = NONCES.with(|n| n.borrow().for_url(url).map(str::to_owned));
    let claims = Claims::new(
        random_bytes::<16>().map_err(|e| failed(&e))?,
        method.as_str(),
        url,
        now_ms(),
        ath.as_ref(),
        nonce.as_deref(),
    )
    .map_err(|e| failed(&e))?;
    let unsigned = UnsignedProof::new(&prover.public, claims);
    let signature = prover
        .key
        .sign(unsigned.signing_input.as_bytes())
        .await
        .map_err(|e| failed(&e))?;
    let proof = unsigned.sign(&signature).map_err(|e| failed(&e))?;
    timeline::record(
        step,
        &format!("A DPoP proof for {} {}", method.as_str(), url),
        vec![
            Field::parameter("DPoP header", &unsigned.header.to_pretty_text()),
            Field::parameter("DPoP claims", &unsigned.claims.to_json().to_pretty_text()),
        ],
        None,
        Some(
            "Signed in the browser with this page's ES256 key, which cannot be exported (RFC 9449 §4)."
                .into(),
        ),
        None,
    );
    Ok(Some(Presentation { proof, bound_token }))
}

/// Keeps a server's `DPoP-Nonce` for the next proof to it (RFC 9449 §8.2, §9).
pub fn remember_nonce(url: &str, nonce: &str) {
    NONCES.with(|n| n.borrow_mut().remember(url, nonce));
}
