//! RSA signing keys for ID tokens and the JWKS that publishes them. Like Google, the emulator
//! publishes two keys once it has rotated: the current one and the one before it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs1v15::{SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

const BITS: usize = 2048;

/// How long a key is nominally current before the next one takes over: the hours Google's
/// key set is cacheable for at most.
pub const ROTATION_SECS: u64 = 6 * 3600;

/// One RS256 key pair and its `kid`.
pub struct Key {
    /// Hex of the first 20 bytes of SHA-256 of the modulus: 40 hex digits, like Google's kids.
    pub kid: String,
    signer: SigningKey<Sha256>,
    public: RsaPublicKey,
}

impl Key {
    pub fn generate() -> Key {
        let private =
            RsaPrivateKey::new(&mut rsa::rand_core::OsRng, BITS).expect("generating an RSA key");
        let public = private.to_public_key();
        let digest = Sha256::digest(public.n().to_bytes_be());
        let kid = digest[..20].iter().map(|b| format!("{b:02x}")).collect();
        Key {
            kid,
            signer: SigningKey::new(private),
            public,
        }
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 (JWA `RS256`, RFC 7518 §3.3).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.signer.sign(message).to_vec()
    }

    /// The modulus, big-endian: also the HMAC key of the `alg_hs256` key-confusion forgery.
    pub fn modulus(&self) -> Vec<u8> {
        self.public.n().to_bytes_be()
    }

    pub fn verifying_key(&self) -> VerifyingKey<Sha256> {
        VerifyingKey::new(self.public.clone())
    }

    /// The public key as a JWK (RFC 7517), in the members Google's JWKS gives.
    pub fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(self.modulus()),
            "e": URL_SAFE_NO_PAD.encode(self.public.e().to_bytes_be()),
        })
    }
}

/// A key being generated on a background thread, or ready.
struct Slot {
    pending: Option<JoinHandle<Key>>,
    ready: Option<Arc<Key>>,
}

impl Slot {
    fn spawn() -> Slot {
        Slot {
            pending: Some(thread::spawn(Key::generate)),
            ready: None,
        }
    }

    fn ready(key: Arc<Key>) -> Slot {
        Slot {
            pending: None,
            ready: Some(key),
        }
    }

    /// The key, waiting for its generation to finish the first time.
    fn get(&mut self) -> Arc<Key> {
        if let Some(handle) = self.pending.take() {
            let key = handle.join().expect("key generation panicked");
            self.ready = Some(Arc::new(key));
        }
        Arc::clone(self.ready.as_ref().expect("a key is generated or ready"))
    }
}

/// The signing keys. Generation starts in the background when the ring is made, so the
/// emulator listens at once and only the first ID token may wait for the key.
pub struct KeyRing {
    current: Slot,
    /// Unix seconds the current key became current.
    pub(crate) since: u64,
    previous: Option<Arc<Key>>,
    /// Signs the `unknown_kid` forgery; never published. Made on first use.
    unpublished: Option<Arc<Key>>,
}

impl Default for KeyRing {
    fn default() -> Self {
        KeyRing::new()
    }
}

impl KeyRing {
    pub fn new() -> KeyRing {
        KeyRing {
            current: Slot::spawn(),
            since: crate::tokens::now(),
            previous: None,
            unpublished: None,
        }
    }

    /// A ring around an existing key (tests share one to save key generation).
    pub fn with_key(key: Arc<Key>) -> KeyRing {
        KeyRing {
            current: Slot::ready(key),
            since: crate::tokens::now(),
            previous: None,
            unpublished: None,
        }
    }

    /// The key new ID tokens are signed with.
    pub fn current(&mut self) -> Arc<Key> {
        self.current.get()
    }

    /// Generates a new current key; the old one stays published as the previous key.
    pub fn rotate(&mut self) -> Arc<Key> {
        let old = self.current.get();
        let new = Arc::new(Key::generate());
        self.current = Slot::ready(Arc::clone(&new));
        self.since = crate::tokens::now();
        self.previous = Some(old);
        new
    }

    /// Seconds a cache may keep the key set: until the current key's nominal rotation, so the
    /// value counts down as Google's does (its `Cache-Control: public, max-age=…` on
    /// `/oauth2/v3/certs` shrinks towards the next rotation; "use the Cache-Control header to
    /// determine when to retrieve the keys again", developers.google.com/identity/openid-connect).
    /// The emulator rotates only when asked (`POST /emulator/rotate-keys`), so the count stops at 0.
    pub fn max_age(&self, now: u64) -> u64 {
        (self.since + ROTATION_SECS).saturating_sub(now)
    }

    /// The keys the JWKS publishes: current first, then the previous one.
    pub fn published(&mut self, without_current: bool) -> Vec<Arc<Key>> {
        let current = (!without_current).then(|| self.current.get());
        current.into_iter().chain(self.previous.clone()).collect()
    }

    pub fn unpublished(&mut self) -> Arc<Key> {
        Arc::clone(
            self.unpublished
                .get_or_insert_with(|| Arc::new(Key::generate())),
        )
    }

    /// `{"keys": [...]}` (RFC 7517 §5).
    pub fn jwks(&mut self, without_current: bool) -> Value {
        let keys: Vec<Value> = self
            .published(without_current)
            .iter()
            .map(|k| k.jwk())
            .collect();
        json!({ "keys": keys })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::signature::Verifier;

    #[test]
    fn keys_sign_verifiably_and_publish_their_kid() {
        let started = std::time::Instant::now();
        let key = Key::generate();
        eprintln!("2048-bit key generated in {:?}", started.elapsed());
        assert_eq!(key.kid.len(), 40);
        assert!(key.kid.bytes().all(|b| b.is_ascii_hexdigit()));
        let sig = key.sign(b"message");
        assert_eq!(sig.len(), 256);
        let sig = rsa::pkcs1v15::Signature::try_from(sig.as_slice()).unwrap();
        key.verifying_key().verify(b"message", &sig).unwrap();
        assert!(key.verifying_key().verify(b"other", &sig).is_err());
        let jwk = key.jwk();
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(jwk["kid"], key.kid.as_str());
        assert_eq!(
            URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap(),
            key.modulus()
        );
    }
}
