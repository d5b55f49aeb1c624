//! OpenID Connect ID tokens as Google issues them from the authorization endpoint (OIDC Core
//! §3.2.2.10): RS256 JWTs with Google's claims, and the forgeries tests ask for by knob.

use crate::catalog::{self, Account, OTHER_CLIENT_ID};
use crate::keys::KeyRing;
use crate::tokens;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

/// Google's ID tokens live an hour (the access token's `expires_in` says 3599).
pub const LIFETIME_SECS: u64 = 3600;

/// The issuer the `wrong_issuer` forgery claims.
pub const FORGED_ISSUER: &str = "https://evil.example";

/// A deliberately wrong ID token, for tests of the app's checks (`id_token_forgery` knob).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Forgery {
    /// `nonce` replaced by another value.
    WrongNonce,
    /// One byte of a good signature flipped.
    BadSignature,
    /// `at_hash` of another access token.
    WrongAtHash,
    /// `iat` two hours ago, `exp` one hour ago.
    Expired,
    /// `iss` is [`FORGED_ISSUER`].
    WrongIssuer,
    /// `aud` and `azp` name another client.
    WrongAudience,
    /// Header `alg: none` and an empty signature.
    AlgNone,
    /// Header `alg: HS256`, MACed with the RSA modulus as the key: the key-confusion attack on
    /// verifiers that take the algorithm from the token.
    AlgHs256,
    /// Signed by a key the JWKS never publishes.
    UnknownKid,
}

impl Forgery {
    pub const ALL: [Forgery; 9] = [
        Forgery::WrongNonce,
        Forgery::BadSignature,
        Forgery::WrongAtHash,
        Forgery::Expired,
        Forgery::WrongIssuer,
        Forgery::WrongAudience,
        Forgery::AlgNone,
        Forgery::AlgHs256,
        Forgery::UnknownKid,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Forgery::WrongNonce => "wrong_nonce",
            Forgery::BadSignature => "bad_signature",
            Forgery::WrongAtHash => "wrong_at_hash",
            Forgery::Expired => "expired",
            Forgery::WrongIssuer => "wrong_issuer",
            Forgery::WrongAudience => "wrong_audience",
            Forgery::AlgNone => "alg_none",
            Forgery::AlgHs256 => "alg_hs256",
            Forgery::UnknownKid => "unknown_kid",
        }
    }

    pub fn parse(name: &str) -> Option<Forgery> {
        Forgery::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Google's ID token claims, in Google's order. Email and profile claims follow the granted
/// scopes, as userinfo's answer does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub azp: String,
    pub aud: String,
    pub sub: String,
    /// A Workspace account's domain ("hd: The domain associated with the Google Workspace or
    /// Cloud organization of the user", developers.google.com/identity/openid-connect).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Only when an access token comes in the same response (OIDC Core §3.2.2.10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
    pub nonce: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    pub iat: u64,
    pub exp: u64,
}

/// What an ID token is about and for.
pub struct Subject<'a> {
    /// The emulator's origin: the issuer, and the base of the avatar URL.
    pub origin: &'a str,
    /// The client the token is issued to (aud and azp).
    pub client_id: &'a str,
    pub account: &'a Account,
    pub scopes: &'a [String],
    pub nonce: &'a str,
    pub access_token: Option<&'a str>,
    pub now: u64,
    pub lifetime: u64,
}

impl Claims {
    pub fn new(s: &Subject) -> Claims {
        let email = catalog::has_email_scope(s.scopes);
        let profile = catalog::has_profile_scope(s.scopes);
        let a = s.account;
        Claims {
            iss: s.origin.to_string(),
            azp: s.client_id.to_string(),
            aud: s.client_id.to_string(),
            sub: a.sub.to_string(),
            hd: a.hd.map(str::to_owned),
            email: email.then(|| a.email.to_string()),
            email_verified: email.then_some(true),
            at_hash: s.access_token.map(at_hash),
            nonce: s.nonce.to_string(),
            name: profile.then(|| a.name()),
            picture: profile.then(|| format!("{}/emulator/avatar/{}.svg", s.origin, a.sub)),
            given_name: profile.then(|| a.given_name.to_string()),
            family_name: profile.then(|| a.family_name.to_string()),
            iat: s.now,
            exp: s.now.saturating_add(s.lifetime),
        }
    }
}

/// `at_hash`: base64url of the left 128 bits of SHA-256 of the ASCII access token
/// (OIDC Core §3.2.2.9).
pub fn at_hash(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(access_token.as_bytes())[..16])
}

fn b64_json(value: &impl Serialize) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("serialising JSON"))
}

/// Signs the claims with the current key (JWS compact serialisation, RFC 7515 §7.1), or
/// forges the token the way `forgery` says.
pub fn mint(mut claims: Claims, forgery: Option<Forgery>, keys: &mut KeyRing) -> String {
    match forgery {
        Some(Forgery::WrongNonce) => {
            claims.nonce = format!("forged-{}", tokens::random_string(22));
        }
        Some(Forgery::WrongAtHash) => claims.at_hash = Some(at_hash(&tokens::new_access_token())),
        Some(Forgery::Expired) => {
            let now = claims.iat;
            claims.iat = now.saturating_sub(7200);
            claims.exp = now.saturating_sub(3600);
        }
        Some(Forgery::WrongIssuer) => claims.iss = FORGED_ISSUER.to_string(),
        Some(Forgery::WrongAudience) => {
            // Another client than the one the token would have gone to.
            let other = if claims.aud == OTHER_CLIENT_ID {
                "attacker-app.apps.googleusercontent.com"
            } else {
                OTHER_CLIENT_ID
            };
            claims.aud = other.to_string();
            claims.azp = other.to_string();
        }
        _ => {}
    }
    let key = match forgery {
        Some(Forgery::UnknownKid) => keys.unpublished(),
        _ => keys.current(),
    };
    let alg = match forgery {
        Some(Forgery::AlgNone) => "none",
        Some(Forgery::AlgHs256) => "HS256",
        _ => "RS256",
    };
    // The forged algorithms still name the real key, as an attacker would to steer a
    // verifier to it.
    let header = json!({ "alg": alg, "kid": key.kid, "typ": "JWT" });
    let input = format!("{}.{}", b64_json(&header), b64_json(&claims));
    let mut signature = match forgery {
        Some(Forgery::AlgNone) => Vec::new(),
        Some(Forgery::AlgHs256) => {
            let mut mac = Hmac::<Sha256>::new_from_slice(&key.modulus())
                .expect("HMAC takes a key of any length");
            mac.update(input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        _ => key.sign(input.as_bytes()),
    };
    if forgery == Some(Forgery::BadSignature) {
        let middle = signature.len() / 2;
        signature[middle] ^= 0x01;
    }
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_matches_the_oidc_example() {
        // OpenID Connect Core, Appendix A.3 (the ID token issued with this access token).
        assert_eq!(
            at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }

    #[test]
    fn forgery_names_round_trip() {
        for f in Forgery::ALL {
            assert_eq!(Forgery::parse(f.name()), Some(f));
            assert_eq!(serde_json::to_value(f).unwrap(), f.name());
        }
        assert_eq!(Forgery::parse("bogus"), None);
    }

    #[test]
    fn claims_follow_the_scopes() {
        let account = &catalog::ACCOUNTS[0];
        let scopes = catalog::normalise_scopes(&["openid"]);
        let s = Subject {
            origin: "http://127.0.0.1:1",
            client_id: "c",
            account,
            scopes: &scopes,
            nonce: "n",
            access_token: None,
            now: 1000,
            lifetime: 3600,
        };
        let c = Claims::new(&s);
        assert_eq!(
            (c.iss.as_str(), c.aud.as_str(), c.azp.as_str()),
            ("http://127.0.0.1:1", "c", "c")
        );
        assert_eq!((c.iat, c.exp), (1000, 4600));
        assert_eq!((c.email, c.name, c.at_hash), (None, None, None));
        let scopes = catalog::normalise_scopes(&["openid", "email", "profile"]);
        let c = Claims::new(&Subject {
            scopes: &scopes,
            access_token: Some("ya29.x"),
            ..s
        });
        assert_eq!(c.email.as_deref(), Some(account.email));
        assert_eq!(c.email_verified, Some(true));
        assert_eq!(c.given_name.as_deref(), Some(account.given_name));
        assert_eq!(
            c.picture.unwrap(),
            format!("http://127.0.0.1:1/emulator/avatar/{}.svg", account.sub)
        );
        assert_eq!(c.at_hash.unwrap(), at_hash("ya29.x"));
    }
}
