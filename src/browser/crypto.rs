//! WebCrypto (SubtleCrypto) for what the protocol core leaves to the browser: SHA-256 (at_hash,
//! PKCE S256) and RS256 signature checks of ID tokens against a provider's JWKS key. The
//! browser's own implementation, not a bundled one: smaller and constant-time.

use super::{window, BrowserError};
use js_sys::{Array, Object, Reflect, Uint8Array};
use oauth::id_token::Jwk;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

pub(super) fn subtle() -> Result<SubtleCrypto, BrowserError> {
    Ok(window()?
        .crypto()
        .map_err(|e| BrowserError::from_js("crypto", e))?
        .subtle())
}

pub(super) fn object(pairs: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

/// RSASSA-PKCS1-v1_5 with SHA-256: the algorithm JWS calls RS256 (RFC 7518 §3.3).
fn rs256() -> Object {
    object(&[
        ("name", "RSASSA-PKCS1-v1_5".into()),
        ("hash", "SHA-256".into()),
    ])
}

/// The SHA-256 digest of `data`, by WebCrypto (`crypto.subtle.digest`): for PKCE's S256
/// challenge (RFC 7636 §4.2), an ID token's `at_hash`, a DPoP key's thumbprint and proof's `ath`.
pub async fn sha256(data: &[u8]) -> Result<[u8; 32], BrowserError> {
    let promise = subtle()?
        .digest_with_str_and_u8_array("SHA-256", data)
        .map_err(|e| BrowserError::from_js("crypto.subtle.digest", e))?;
    let buffer = JsFuture::from(promise)
        .await
        .map_err(|e| BrowserError::from_js("crypto.subtle.digest", e))?;
    let bytes = Uint8Array::new(&buffer).to_vec();
    bytes.try_into().map_err(|_| BrowserError::Unavailable {
        api: "crypto.subtle.digest",
        reason: "not 32 bytes".into(),
    })
}

/// Whether `signature` is `jwk`'s RS256 signature over `signing_input`. A key WebCrypto refuses
/// to import is an error; a signature that does not verify is `Ok(false)`.
pub async fn verify_rs256(
    jwk: &Jwk,
    signing_input: &[u8],
    signature: &[u8],
) -> Result<bool, BrowserError> {
    let subtle = subtle()?;
    let key_data = object(&[
        ("kty", "RSA".into()),
        ("n", jwk.n.as_str().into()),
        ("e", jwk.e.as_str().into()),
        ("alg", "RS256".into()),
        ("ext", true.into()),
    ]);
    let usages = Array::of1(&"verify".into());
    let import = subtle
        .import_key_with_object("jwk", &key_data, &rs256(), false, &usages)
        .map_err(|e| BrowserError::from_js("crypto.subtle.importKey", e))?;
    let key: CryptoKey = JsFuture::from(import)
        .await
        .map_err(|e| BrowserError::from_js("crypto.subtle.importKey", e))?
        .unchecked_into();
    let verify = subtle
        .verify_with_object_and_u8_array_and_u8_array(&rs256(), &key, signature, signing_input)
        .map_err(|e| BrowserError::from_js("crypto.subtle.verify", e))?;
    let verdict = JsFuture::from(verify)
        .await
        .map_err(|e| BrowserError::from_js("crypto.subtle.verify", e))?;
    Ok(verdict.as_bool() == Some(true))
}
