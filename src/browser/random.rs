//! Randomness for `state`: the browser's CSPRNG, `crypto.getRandomValues` (RFC 6749 §10.10).

use super::{window, BrowserError};

/// `N` bytes from `crypto.getRandomValues`: `state`, `nonce`, the PKCE verifier, a DPoP
/// proof's `jti`.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], BrowserError> {
    let mut bytes = [0u8; N];
    window()?
        .crypto()
        .map_err(|e| BrowserError::from_js("crypto", e))?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|e| BrowserError::from_js("crypto.getRandomValues", e))?;
    Ok(bytes)
}
