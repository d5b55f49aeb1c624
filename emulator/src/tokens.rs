//! Issued access tokens, the per-account grants, and random identifiers.

use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::time::{SystemTime, UNIX_EPOCH};

/// Unix time in seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `len` random characters from the URL-safe base64 alphabet. 64 symbols, so masking a
/// random byte to 6 bits is unbiased.
pub fn random_string(len: usize) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bytes = vec![0u8; len];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("reading /dev/urandom");
    bytes
        .iter()
        .map(|b| ALPHABET[(b & 63) as usize] as char)
        .collect()
}

/// Google access tokens from the implicit flow look like `ya29.` followed by opaque
/// URL-safe characters; apps must treat them as opaque.
pub fn new_access_token() -> String {
    format!("ya29.{}", random_string(48))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Token {
    pub token: String,
    /// The client the token was issued to (Google's tokeninfo reports it as both aud and azp).
    pub aud: String,
    pub sub: String,
    /// Google-normalised granted scopes.
    pub scopes: Vec<String>,
    /// Unix seconds; the token is valid while `now < expires_at`.
    pub expires_at: u64,
    pub revoked: bool,
}

/// Why a token is not usable. Google answers these identically, so callers usually don't care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Unknown,
    Expired,
    Revoked,
}

#[derive(Debug, Default)]
pub struct Store {
    /// In issuance order, for `GET /emulator/tokens`.
    tokens: Vec<Token>,
    /// (client id, sub) → scopes that account has granted that client, normalised.
    grants: HashMap<(String, String), Vec<String>>,
    /// Sub of the account that gave the last consent: stands in for Google's session
    /// cookie when answering `prompt=none`.
    signed_in: Option<String>,
}

impl Store {
    pub fn issue(
        &mut self,
        aud: &str,
        sub: &str,
        scopes: Vec<String>,
        lifetime: u64,
        now: u64,
    ) -> Token {
        let token = Token {
            token: new_access_token(),
            aud: aud.to_string(),
            sub: sub.to_string(),
            scopes,
            expires_at: now.saturating_add(lifetime),
            revoked: false,
        };
        self.tokens.push(token.clone());
        token
    }

    /// The token if it is known, unexpired and unrevoked.
    pub fn validate(&self, token: &str, now: u64) -> Result<&Token, Invalid> {
        let t = self
            .tokens
            .iter()
            .find(|t| t.token == token)
            .ok_or(Invalid::Unknown)?;
        if t.revoked {
            Err(Invalid::Revoked)
        } else if now >= t.expires_at {
            Err(Invalid::Expired)
        } else {
            Ok(t)
        }
    }

    /// Revokes a token, and with it the whole grant it belongs to, as Google does: every token
    /// issued to the same client for the same account stops working, and the account's consent
    /// to the client is gone (its next request shows the consent page again; `prompt=none`
    /// answers `consent_required`). Google Identity Services documents `revoke` as "Revokes all
    /// of the scopes that the user granted to the app"
    /// (developers.google.com/identity/oauth2/web/reference/js-reference#google.accounts.oauth2.revoke).
    ///
    /// Returns false, and changes nothing, for a token that is unknown, already revoked or
    /// expired: Google answers 400 for each (an expired access token cannot be revoked;
    /// google-auth-library-nodejs#1175 quotes the answer), unlike RFC 7009 §2.2's 200.
    pub fn revoke(&mut self, token: &str, now: u64) -> bool {
        let Some(t) = self.tokens.iter().find(|t| t.token == token) else {
            return false;
        };
        if t.revoked || now >= t.expires_at {
            return false;
        }
        let grant = (t.aud.clone(), t.sub.clone());
        for t in &mut self.tokens {
            if t.aud == grant.0 && t.sub == grant.1 {
                t.revoked = true;
            }
        }
        self.grants.remove(&grant);
        true
    }

    /// Makes every token expired as of `now`. Returns how many tokens were affected.
    pub fn expire_all(&mut self, now: u64) -> usize {
        let mut n = 0;
        for t in &mut self.tokens {
            if t.expires_at > now {
                t.expires_at = now;
                n += 1;
            }
        }
        n
    }

    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    pub fn granted(&self, client_id: &str, sub: &str) -> &[String] {
        self.grants
            .get(&(client_id.to_string(), sub.to_string()))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Adds scopes to the account's grant for the client and signs the account in.
    pub fn record_grant(&mut self, client_id: &str, sub: &str, scopes: &[String]) {
        let entry = self
            .grants
            .entry((client_id.to_string(), sub.to_string()))
            .or_default();
        for s in scopes {
            if !entry.contains(s) {
                entry.push(s.clone());
            }
        }
        self.signed_in = Some(sub.to_string());
    }

    pub fn signed_in(&self) -> Option<&str> {
        self.signed_in.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn tokens_look_like_google() {
        let t = new_access_token();
        assert!(t.starts_with("ya29."));
        assert!(t.len() >= 45);
        assert!(t[5..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(t, new_access_token());
    }

    #[test]
    fn expiry() {
        let mut s = Store::default();
        let t = s.issue("c", "1", scopes(&["openid"]), 10, 1000);
        assert!(s.validate(&t.token, 1009).is_ok());
        assert_eq!(s.validate(&t.token, 1010), Err(Invalid::Expired));
        assert_eq!(s.validate("ya29.nope", 1000), Err(Invalid::Unknown));
        let zero = s.issue("c", "1", vec![], 0, 1000);
        assert_eq!(s.validate(&zero.token, 1000), Err(Invalid::Expired));
    }

    #[test]
    fn expire_all_now() {
        let mut s = Store::default();
        let a = s.issue("c", "1", vec![], 3599, 1000);
        let b = s.issue("c", "2", vec![], 3599, 1000);
        assert_eq!(s.expire_all(1500), 2);
        assert_eq!(s.validate(&a.token, 1500), Err(Invalid::Expired));
        assert_eq!(s.validate(&b.token, 1500), Err(Invalid::Expired));
        assert_eq!(s.tokens()[0].expires_at, 1500);
    }

    #[test]
    fn revocation_is_once_and_refused_for_expired_tokens() {
        let mut s = Store::default();
        let t = s.issue("c", "1", vec![], 10, 1000);
        assert!(s.validate(&t.token, 1001).is_ok());
        assert!(s.revoke(&t.token, 1001));
        assert_eq!(s.validate(&t.token, 1001), Err(Invalid::Revoked));
        assert!(
            !s.revoke(&t.token, 1001),
            "second revocation fails like Google's"
        );
        assert!(!s.revoke("ya29.unknown", 1001));
        let e = s.issue("c", "1", vec![], 10, 1000);
        assert!(
            !s.revoke(&e.token, 1010),
            "Google answers 400 for an expired token"
        );
        assert_eq!(s.validate(&e.token, 1010), Err(Invalid::Expired));
    }

    #[test]
    fn revoking_one_token_ends_the_whole_grant() {
        let mut s = Store::default();
        s.record_grant("c", "1", &scopes(&["openid", "a"]));
        s.record_grant("c", "2", &scopes(&["openid"]));
        s.record_grant("other", "1", &scopes(&["openid"]));
        let first = s.issue("c", "1", vec![], 3599, 1000);
        let second = s.issue("c", "1", vec![], 3599, 1100);
        let grace = s.issue("c", "2", vec![], 3599, 1100);
        let elsewhere = s.issue("other", "1", vec![], 3599, 1100);
        assert!(s.revoke(&first.token, 1200));
        assert_eq!(s.validate(&second.token, 1200), Err(Invalid::Revoked));
        assert!(s.granted("c", "1").is_empty(), "the consent goes with it");
        assert!(
            s.validate(&grace.token, 1200).is_ok(),
            "another account's grant stays"
        );
        assert!(
            s.validate(&elsewhere.token, 1200).is_ok(),
            "another client's grant stays"
        );
        assert_eq!(s.granted("other", "1"), scopes(&["openid"]).as_slice());
        assert_eq!(
            s.signed_in(),
            Some("1"),
            "Google's own session is not ended"
        );
    }

    #[test]
    fn grants_accumulate_and_sign_in() {
        let mut s = Store::default();
        assert_eq!(s.signed_in(), None);
        s.record_grant("c", "1", &scopes(&["openid", "a"]));
        s.record_grant("c", "1", &scopes(&["a", "b"]));
        assert_eq!(
            s.granted("c", "1"),
            scopes(&["openid", "a", "b"]).as_slice()
        );
        assert!(s.granted("other", "1").is_empty());
        assert_eq!(s.signed_in(), Some("1"));
    }
}
