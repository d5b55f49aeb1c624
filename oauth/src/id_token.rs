//! OpenID Connect ID tokens (OIDC Core §3.2.2.11, §3.1.3.7): parsing, the algorithm allow-list,
//! claim checks, `at_hash`, key selection from a JWKS, and PKCE's S256 (RFC 7636).
//!
//! Sans-IO like the rest of the crate: hashing and the RSA signature check are WebCrypto's job in
//! the browser. This module hands the caller exactly what to hash or verify (the signing input,
//! the signature, the key) and takes the digests back.

use crate::json::{FieldError, Json, Object, ReadError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Only RS256: what Google and most providers sign with, and what WebCrypto verifies as
/// RSASSA-PKCS1-v1_5 with SHA-256. `none` and HMAC algorithms (key confusion) are refused.
pub const ALLOWED_ALGORITHMS: [&str; 1] = ["RS256"];

/// Tolerated clock difference for `exp` and `iat`.
pub const CLOCK_SKEW_SECS: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdTokenError {
    #[error("the ID token is not a well-formed JWT ({0})")]
    Malformed(&'static str),
    #[error("the ID token is signed with \"{0}\", which this app does not accept (only RS256)")]
    UnsupportedAlgorithm(String),
    #[error("the ID token was issued by \"{0}\", not the configured provider")]
    WrongIssuer(String),
    #[error("the ID token is meant for another application")]
    WrongAudience,
    #[error("the ID token has expired")]
    Expired,
    #[error("the ID token claims to be issued in the future (check this device's clock)")]
    IssuedInFuture,
    #[error("the ID token's nonce does not match the one this tab sent (it may be replayed)")]
    NonceMismatch,
    #[error(
        "the ID token's at_hash does not match the access token (they were not issued together)"
    )]
    AtHashMismatch,
    #[error("the provider's keys do not include the one the ID token names (kid \"{0}\")")]
    UnknownKey(String),
    #[error("the ID token's signature is not valid")]
    BadSignature,
    #[error("the refreshed ID token's {0} differs from the first ID token's (OpenID Connect Core §12.2: a refresh must not change who, for whom or by whom)")]
    RefreshedClaimChanged(&'static str),
}

impl IdTokenError {
    pub fn code(&self) -> &'static str {
        match self {
            IdTokenError::Malformed(_) => "malformed_id_token",
            IdTokenError::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            IdTokenError::WrongIssuer(_) => "wrong_issuer",
            IdTokenError::WrongAudience => "wrong_audience",
            IdTokenError::Expired => "id_token_expired",
            IdTokenError::IssuedInFuture => "id_token_from_the_future",
            IdTokenError::NonceMismatch => "nonce_mismatch",
            IdTokenError::AtHashMismatch => "at_hash_mismatch",
            IdTokenError::UnknownKey(_) => "unknown_key",
            IdTokenError::BadSignature => "bad_signature",
            IdTokenError::RefreshedClaimChanged(_) => "refreshed_id_token_mismatch",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub alg: String,
    pub kid: Option<String>,
}

impl Header {
    fn from_object(o: &Object) -> Result<Self, FieldError> {
        Ok(Header {
            alg: Object::required("alg", o.string("alg")?)?,
            kid: o.string("kid")?,
        })
    }
}

/// `aud` is a string or a list (RFC 7519 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience(pub Vec<String>);

impl Audience {
    fn from_object(o: &Object) -> Result<Self, FieldError> {
        let list = match o.get("aud") {
            Some(Json::String(one)) => Some(vec![one.clone()]),
            _ => o.strings("aud").map_err(|_| FieldError {
                field: "aud",
                expected: "must be a string or a list of strings",
            })?,
        };
        Ok(Audience(Object::required("aud", list)?))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    pub azp: Option<String>,
    pub exp: i64,
    pub iat: i64,
    pub nonce: Option<String>,
    pub at_hash: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    /// When the person authenticated (OIDC Core §2); a refresh must keep it (§12.2).
    pub auth_time: Option<i64>,
}

impl Claims {
    fn from_object(o: &Object) -> Result<Self, FieldError> {
        Ok(Claims {
            iss: Object::required("iss", o.string("iss")?)?,
            sub: Object::required("sub", o.string("sub")?)?,
            aud: Audience::from_object(o)?,
            azp: o.string("azp")?,
            exp: Object::required("exp", o.integer("exp")?)?,
            iat: Object::required("iat", o.integer("iat")?)?,
            nonce: o.string("nonce")?,
            at_hash: o.string("at_hash")?,
            email: o.string("email")?,
            name: o.string("name")?,
            auth_time: o.integer("auth_time")?,
        })
    }
}

/// A base64url-decoded JWT part read as a JSON object.
pub(crate) fn object_part(part: &str, what: &'static str) -> Result<Object, IdTokenError> {
    let bytes = decode(part, what)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| IdTokenError::Malformed(what))?;
    Json::parse_object(text).map_err(|_| IdTokenError::Malformed(what))
}

/// A parsed, not yet verified, ID token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdToken {
    pub header: Header,
    pub claims: Claims,
    /// `base64url(header) "." base64url(payload)`: the bytes the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
}

fn decode(part: &str, what: &'static str) -> Result<Vec<u8>, IdTokenError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| IdTokenError::Malformed(what))
}

impl IdToken {
    /// Parses a compact JWS and refuses any algorithm outside the allow-list before anything else.
    pub fn parse(token: &str) -> Result<Self, IdTokenError> {
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(IdTokenError::Malformed("not three parts"));
        };
        let header = Header::from_object(&object_part(h, "header encoding")?)
            .map_err(|_| IdTokenError::Malformed("header"))?;
        if !ALLOWED_ALGORITHMS.contains(&header.alg.as_str()) {
            return Err(IdTokenError::UnsupportedAlgorithm(header.alg));
        }
        let claims = Claims::from_object(&object_part(p, "payload encoding")?)
            .map_err(|_| IdTokenError::Malformed("claims"))?;
        let signature = decode(s, "signature encoding")?;
        if signature.is_empty() {
            return Err(IdTokenError::Malformed("empty signature"));
        }
        Ok(IdToken {
            header,
            claims,
            signing_input: format!("{h}.{p}"),
            signature,
        })
    }
}

/// What the ID token must say.
#[derive(Debug, Clone)]
pub struct Expectations<'a> {
    /// Accepted issuers (Google's older tokens say `accounts.google.com` without the scheme).
    pub issuers: &'a [&'a str],
    pub client_id: &'a str,
    /// The pending request's nonce; `None` only for an ID token from a refresh, which answers
    /// no authorization request (OIDC Core §12.2: its nonce is not checked).
    pub nonce: Option<&'a str>,
    pub now_secs: i64,
    /// SHA-256 of the access token that came with it, when one did (`token id_token`).
    pub access_token_sha256: Option<&'a [u8; 32]>,
}

/// A claim check [`Claims::verify`] makes, in the order it makes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimRule {
    /// `iss` is one of the accepted issuers.
    Issuer,
    /// `aud` contains the client id.
    Audience,
    /// `azp`, when present or when there are several audiences, is the client id.
    AuthorizedParty,
    /// `exp`, plus the skew, is still ahead of the clock.
    Expiry,
    /// `iat`, less the skew, is not ahead of the clock.
    IssuedAt,
    /// `nonce` is the pending request's.
    Nonce,
    /// `at_hash` is the left half of the access token's SHA-256.
    AtHash,
}

impl ClaimRule {
    /// The claim the rule reads.
    pub fn claim(self) -> &'static str {
        match self {
            ClaimRule::Issuer => "iss",
            ClaimRule::Audience => "aud",
            ClaimRule::AuthorizedParty => "azp",
            ClaimRule::Expiry => "exp",
            ClaimRule::IssuedAt => "iat",
            ClaimRule::Nonce => "nonce",
            ClaimRule::AtHash => "at_hash",
        }
    }
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed(IdTokenError),
    /// Not asked of this token (a refresh's nonce; `at_hash` with no access token beside it).
    NotChecked,
}

impl Claims {
    /// Every claim check of OIDC Core §3.1.3.7 and §3.2.2.11, each made on its own, in order:
    /// what the inspector takes apart, and what [`Claims::verify`] decides by.
    pub fn checks(&self, expect: &Expectations<'_>) -> [(ClaimRule, Verdict); 7] {
        let verdict = |ok: bool, error: IdTokenError| {
            if ok {
                Verdict::Passed
            } else {
                Verdict::Failed(error)
            }
        };
        // Several audiences: azp must name us. A present azp must name us anyway.
        let azp_ok = match &self.azp {
            Some(azp) => azp == expect.client_id,
            None => self.aud.0.len() <= 1,
        };
        let nonce = match expect.nonce {
            Some(nonce) => verdict(
                self.nonce.as_deref() == Some(nonce),
                IdTokenError::NonceMismatch,
            ),
            None => Verdict::NotChecked,
        };
        // §3.2.2.10: with an access token in the same response, at_hash is REQUIRED.
        let at_hash = match expect.access_token_sha256 {
            Some(digest) => verdict(
                self.at_hash.as_deref() == Some(half_hash(digest).as_str()),
                IdTokenError::AtHashMismatch,
            ),
            None => Verdict::NotChecked,
        };
        [
            (
                ClaimRule::Issuer,
                verdict(
                    expect.issuers.contains(&self.iss.as_str()),
                    IdTokenError::WrongIssuer(self.iss.clone()),
                ),
            ),
            (
                ClaimRule::Audience,
                verdict(
                    self.aud.0.iter().any(|a| a == expect.client_id),
                    IdTokenError::WrongAudience,
                ),
            ),
            (
                ClaimRule::AuthorizedParty,
                verdict(azp_ok, IdTokenError::WrongAudience),
            ),
            // Saturating: claims are the provider's numbers, anywhere in i64 (found by the
            // fuzzing run).
            (
                ClaimRule::Expiry,
                verdict(
                    expect.now_secs < self.exp.saturating_add(CLOCK_SKEW_SECS),
                    IdTokenError::Expired,
                ),
            ),
            (
                ClaimRule::IssuedAt,
                verdict(
                    self.iat <= expect.now_secs.saturating_add(CLOCK_SKEW_SECS),
                    IdTokenError::IssuedInFuture,
                ),
            ),
            (ClaimRule::Nonce, nonce),
            (ClaimRule::AtHash, at_hash),
        ]
    }

    /// OIDC Core §3.1.3.7 and §3.2.2.11: the first failed check, in order.
    pub fn verify(&self, expect: &Expectations<'_>) -> Result<(), IdTokenError> {
        self.checks(expect)
            .into_iter()
            .find_map(|(_, verdict)| match verdict {
                Verdict::Failed(error) => Some(Err(error)),
                _ => None,
            })
            .unwrap_or(Ok(()))
    }
}

/// The `iss` values an ID token may carry: the configured issuer and the spellings the
/// provider's quirks allow beside it ([`crate::config::Quirks::issuer_aliases`]: Google's
/// older one without the scheme); but beside an authorization response that named its issuer
/// (RFC 9207), exactly that one, which [`crate::callback`] has checked is the configured
/// issuer: "the value in the iss parameter MUST always be identical to the iss claim in the
/// ID Token" (§2.4).
pub fn accepted_issuers<'a>(
    configured: &'a str,
    aliases: &[&'a str],
    response_iss: Option<&'a str>,
) -> Vec<&'a str> {
    match response_iss {
        Some(iss) => vec![iss],
        None => std::iter::once(configured)
            .chain(aliases.iter().copied())
            .collect(),
    }
}

/// `at_hash`: base64url of the left half of the access token's SHA-256 (OIDC Core §3.2.2.9).
pub fn half_hash(sha256: &[u8; 32]) -> String {
    crate::base64url::encode(&sha256[..16])
}

/// An RSA public key from a JWKS (RFC 7517), as WebCrypto's `importKey("jwk", …)` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jwk {
    pub kty: String,
    pub kid: Option<String>,
    pub alg: Option<String>,
    /// `use` in the JWK.
    pub usage: Option<String>,
    pub n: String,
    pub e: String,
}

impl Jwk {
    fn from_object(o: &Object) -> Result<Self, FieldError> {
        Ok(Jwk {
            kty: Object::required("kty", o.string("kty")?)?,
            kid: o.string("kid")?,
            alg: o.string("alg")?,
            usage: o.string("use")?,
            n: Object::required("n", o.string("n")?)?,
            e: Object::required("e", o.string("e")?)?,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

/// Where the key set in hand came from, which decides whether a missing key is worth one more
/// fetch. Providers rotate their keys (OIDC Core §10.1.1) and serve their key sets cacheable
/// (Google's for hours), so a set may be older than the token it is asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySetSource {
    /// Kept from an earlier verification (this tab's memory or sessionStorage).
    Kept,
    /// Fetched the ordinary way: the browser's HTTP cache or a CDN may have answered with a set
    /// from before a rotation.
    Fetched,
    /// Fetched with `cache: "no-cache"`: caches had to ask the provider for its current set.
    FetchedBypassingCaches,
}

/// What to do about the key an ID token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChoice {
    Use(Jwk),
    /// Not in a set that may be stale: fetch the JWKS again bypassing caches (`cache:
    /// "no-cache"`). Never asked of a set that was itself fetched that way, so at most once.
    Refetch,
    Unknown,
}

impl Jwks {
    /// Keys of other types (EC, oct), or that do not read as RSA keys, are skipped rather than
    /// failing the whole set.
    pub fn from_json(text: &str) -> Result<Self, ReadError> {
        let o = Json::parse_object(text)?;
        let keys = match o.get("keys") {
            None => &[][..],
            Some(value) => value.as_array().ok_or(FieldError {
                field: "keys",
                expected: "must be a list",
            })?,
        };
        Ok(Jwks {
            keys: keys
                .iter()
                .filter_map(|k| Object::from_members(k.clone()))
                .filter_map(|k| Jwk::from_object(&k).ok())
                .filter(|k| k.kty == "RSA")
                .collect(),
        })
    }

    /// Picks the signing key by `kid`; without a `kid`, only an unambiguous single key. A key
    /// missing from a set that may be stale (kept, or fetched through caches) is looked for
    /// once more in a set fetched bypassing caches; missing from that one, it is unknown.
    pub fn choose(&self, kid: Option<&str>, source: KeySetSource) -> KeyChoice {
        let usable = self
            .keys
            .iter()
            .filter(|k| k.usage.as_deref().is_none_or(|u| u == "sig"));
        let found = match kid {
            Some(kid) => usable.clone().find(|k| k.kid.as_deref() == Some(kid)),
            None => {
                let all: Vec<&Jwk> = usable.collect();
                if all.len() == 1 {
                    Some(all[0])
                } else {
                    None
                }
            }
        };
        match found {
            Some(key) => KeyChoice::Use(key.clone()),
            None if source == KeySetSource::FetchedBypassingCaches => KeyChoice::Unknown,
            None => KeyChoice::Refetch,
        }
    }
}

/// PKCE (RFC 7636 §4.1): a verifier of 43 characters from 32 random bytes.
pub fn code_verifier(random: [u8; 32]) -> String {
    crate::base64url::encode(random)
}

/// PKCE S256 (§4.2): `base64url(SHA-256(verifier))`; the caller hashes with WebCrypto.
pub fn s256_challenge(verifier_sha256: &[u8; 32]) -> String {
    crate::base64url::encode(verifier_sha256)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(json: &str) -> String {
        crate::base64url::encode(json)
    }

    fn token(header: &str, claims: &str) -> String {
        format!(
            "{}.{}.{}",
            b64(header),
            b64(claims),
            crate::base64url::encode([1u8, 2, 3])
        )
    }

    const CLAIMS: &str = r#"{"iss":"https://accounts.google.com","sub":"1","aud":"ours","exp":2000,"iat":1000,"nonce":"n-123","at_hash":"AAAAAAAAAAAAAAAAAAAAAA"}"#;

    fn expect(now: i64) -> Expectations<'static> {
        Expectations {
            issuers: &["https://accounts.google.com", "accounts.google.com"],
            client_id: "ours",
            nonce: Some("n-123"),
            now_secs: now,
            access_token_sha256: Some(&[0u8; 32]),
        }
    }

    fn claims(json: &str) -> Claims {
        IdToken::parse(&token(r#"{"alg":"RS256","kid":"k1"}"#, json))
            .unwrap()
            .claims
    }

    /// The verdict on `json` at a time inside its validity.
    fn verdict(json: &str) -> Result<(), IdTokenError> {
        claims(json).verify(&expect(1500))
    }

    #[test]
    fn a_good_token_passes() {
        assert_eq!(verdict(CLAIMS), Ok(()));
    }

    #[test]
    fn alg_none_is_refused() {
        let e = IdToken::parse(&token(r#"{"alg":"none"}"#, CLAIMS)).unwrap_err();
        assert_eq!(e, IdTokenError::UnsupportedAlgorithm("none".into()));
    }

    #[test]
    fn hmac_is_refused() {
        let e = IdToken::parse(&token(r#"{"alg":"HS256"}"#, CLAIMS)).unwrap_err();
        assert_eq!(e.code(), "unsupported_algorithm");
    }

    #[test]
    fn signing_input_is_the_first_two_parts() {
        let t = token(r#"{"alg":"RS256"}"#, CLAIMS);
        let parsed = IdToken::parse(&t).unwrap();
        assert_eq!(
            format!(
                "{}.{}",
                parsed.signing_input,
                crate::base64url::encode([1u8, 2, 3])
            ),
            t
        );
        assert_eq!(parsed.signature, vec![1, 2, 3]);
    }

    #[test]
    fn a_refreshed_token_is_not_held_to_a_nonce() {
        let mut e = expect(1500);
        e.nonce = None;
        let without = CLAIMS.replace(r#","nonce":"n-123""#, "");
        assert_eq!(claims(&without).verify(&e), Ok(()));
        assert_eq!(claims(CLAIMS).verify(&e), Ok(()));
    }

    #[test]
    fn wrong_issuer_audience_nonce_and_times_are_refused() {
        let c = |from: &str, to: &str| claims(&CLAIMS.replace(from, to));
        assert_eq!(
            c("https://accounts.google.com", "https://evil.example")
                .verify(&expect(1500))
                .unwrap_err()
                .code(),
            "wrong_issuer"
        );
        assert_eq!(
            c("\"aud\":\"ours\"", "\"aud\":\"theirs\"").verify(&expect(1500)),
            Err(IdTokenError::WrongAudience)
        );
        assert_eq!(
            c("n-123", "n-999").verify(&expect(1500)),
            Err(IdTokenError::NonceMismatch)
        );
        assert_eq!(
            claims(CLAIMS).verify(&expect(2060)),
            Err(IdTokenError::Expired)
        );
        assert_eq!(
            claims(CLAIMS).verify(&expect(940)),
            Ok(()),
            "within the skew"
        );
        assert_eq!(
            claims(CLAIMS).verify(&expect(939)),
            Err(IdTokenError::IssuedInFuture)
        );
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let far = CLAIMS.replace("\"exp\":2000", &format!("\"exp\":{}", i64::MAX));
        assert_eq!(verdict(&far), Ok(()));
        let mut e = expect(i64::MAX);
        e.access_token_sha256 = Some(&[0u8; 32]);
        assert_eq!(claims(&far).verify(&e), Err(IdTokenError::Expired));
    }

    #[test]
    fn several_audiences_need_azp_naming_us() {
        let many = CLAIMS.replace("\"aud\":\"ours\"", "\"aud\":[\"ours\",\"other\"]");
        assert_eq!(verdict(&many), Err(IdTokenError::WrongAudience));
        let with_azp = many.replace("\"sub\":\"1\"", "\"sub\":\"1\",\"azp\":\"ours\"");
        assert_eq!(verdict(&with_azp), Ok(()));
    }

    #[test]
    fn azp_naming_another_client_is_refused_even_with_one_audience() {
        let theirs = CLAIMS.replace("\"sub\":\"1\"", "\"sub\":\"1\",\"azp\":\"theirs\"");
        assert_eq!(verdict(&theirs), Err(IdTokenError::WrongAudience));
    }

    #[test]
    fn at_hash_must_match_the_access_token() {
        let mut e = expect(1500);
        let other = [9u8; 32];
        e.access_token_sha256 = Some(&other);
        assert_eq!(claims(CLAIMS).verify(&e), Err(IdTokenError::AtHashMismatch));
        let missing = CLAIMS.replace(",\"at_hash\":\"AAAAAAAAAAAAAAAAAAAAAA\"", "");
        assert_eq!(verdict(&missing), Err(IdTokenError::AtHashMismatch));
    }

    fn verdicts(json: &str, e: &Expectations<'_>) -> Vec<(&'static str, Verdict)> {
        claims(json)
            .checks(e)
            .into_iter()
            .map(|(rule, v)| (rule.claim(), v))
            .collect()
    }

    #[test]
    fn each_check_is_made_on_its_own_so_one_bad_claim_fails_only_its_check() {
        let mut e = expect(1500);
        let other = [9u8; 32];
        e.access_token_sha256 = Some(&other);
        let found = verdicts(&CLAIMS.replace("n-123", "n-999"), &e);
        assert_eq!(
            found,
            vec![
                ("iss", Verdict::Passed),
                ("aud", Verdict::Passed),
                ("azp", Verdict::Passed),
                ("exp", Verdict::Passed),
                ("iat", Verdict::Passed),
                ("nonce", Verdict::Failed(IdTokenError::NonceMismatch)),
                ("at_hash", Verdict::Failed(IdTokenError::AtHashMismatch)),
            ]
        );
        // verify refuses with the first failure, in the order of the checks.
        assert_eq!(
            claims(&CLAIMS.replace("n-123", "n-999")).verify(&e),
            Err(IdTokenError::NonceMismatch)
        );
    }

    #[test]
    fn a_nonce_and_at_hash_not_asked_for_are_not_checked_rather_than_passed() {
        let mut e = expect(1500);
        e.nonce = None;
        e.access_token_sha256 = None;
        let found = verdicts(CLAIMS, &e);
        assert_eq!(found[5], ("nonce", Verdict::NotChecked));
        assert_eq!(found[6], ("at_hash", Verdict::NotChecked));
        assert!(found[..5].iter().all(|(_, v)| *v == Verdict::Passed));
    }

    #[test]
    fn the_checks_name_the_claims_they_read() {
        let rules: Vec<&str> = claims(CLAIMS)
            .checks(&expect(1500))
            .iter()
            .map(|(r, _)| r.claim())
            .collect();
        assert_eq!(
            rules,
            ["iss", "aud", "azp", "exp", "iat", "nonce", "at_hash"]
        );
    }

    fn one_key_set() -> Jwks {
        Jwks::from_json(r#"{"keys":[{"kty":"RSA","kid":"k1","n":"AQAB","e":"AQAB","use":"sig"},{"kty":"EC","kid":"e1","crv":"P-256"}]}"#).unwrap()
    }

    #[test]
    fn a_known_kid_is_used_whatever_the_set_came_from() {
        let jwks = one_key_set();
        assert_eq!(jwks.keys.len(), 1, "non-RSA keys are skipped");
        for source in [
            KeySetSource::Kept,
            KeySetSource::Fetched,
            KeySetSource::FetchedBypassingCaches,
        ] {
            assert!(matches!(jwks.choose(Some("k1"), source), KeyChoice::Use(_)));
        }
    }

    #[test]
    fn an_unknown_kid_in_a_kept_set_is_looked_up_again_bypassing_caches() {
        assert_eq!(
            one_key_set().choose(Some("k2"), KeySetSource::Kept),
            KeyChoice::Refetch
        );
    }

    #[test]
    fn an_unknown_kid_in_a_set_that_caches_may_have_answered_is_looked_up_again() {
        // The first fetch of a fresh tab may come from the HTTP cache or a CDN, from before
        // the provider rotated its keys: not a reason to refuse yet.
        assert_eq!(
            one_key_set().choose(Some("k2"), KeySetSource::Fetched),
            KeyChoice::Refetch
        );
    }

    #[test]
    fn an_unknown_kid_in_a_set_fetched_bypassing_caches_is_refused_without_another_fetch() {
        assert_eq!(
            one_key_set().choose(Some("k2"), KeySetSource::FetchedBypassingCaches),
            KeyChoice::Unknown
        );
        assert_eq!(
            Jwks::default().choose(None, KeySetSource::FetchedBypassingCaches),
            KeyChoice::Unknown
        );
    }

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        // Appendix B: verifier from these 32 octets, and the SHA-256 of that verifier.
        let random = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        assert_eq!(
            code_verifier(random),
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        );
        let digest = [
            0x13, 0xd3, 0x1e, 0x96, 0x1a, 0x1a, 0xd8, 0xec, 0x2f, 0x16, 0xb1, 0x0c, 0x4c, 0x98,
            0x2e, 0x08, 0x76, 0xa8, 0x78, 0xad, 0x6d, 0xf1, 0x44, 0x56, 0x6e, 0xe1, 0x89, 0x4a,
            0xcb, 0x70, 0xf9, 0xc3,
        ];
        assert_eq!(
            s256_challenge(&digest),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn an_answer_that_named_its_issuer_holds_the_id_token_to_that_very_spelling() {
        let google = crate::config::GOOGLE_ISSUER;
        let aliases = ["accounts.google.com"];
        assert_eq!(
            accepted_issuers(google, &aliases, None),
            [google, "accounts.google.com"]
        );
        assert_eq!(accepted_issuers(google, &aliases, Some(google)), [google]);
        assert_eq!(
            accepted_issuers("https://op.example", &[], None),
            ["https://op.example"]
        );
        let older = claims(&CLAIMS.replace("https://accounts.google.com", "accounts.google.com"));
        assert_eq!(
            older.verify(&expect(1500)),
            Ok(()),
            "without iss in the answer"
        );
        let issuers = accepted_issuers(google, &aliases, Some(google));
        let e = older.verify(&Expectations {
            issuers: &issuers,
            ..expect(1500)
        });
        assert_eq!(
            e,
            Err(IdTokenError::WrongIssuer("accounts.google.com".into()))
        );
    }
}
