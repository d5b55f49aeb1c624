//! DPoP (RFC 9449): a token bound to a key pair the page holds, so a stolen token is useless
//! without the key. The browser keeps a non-extractable ES256 key and signs; this module
//! decides everything else: whether the provider offers it, the public JWK and its RFC 7638
//! thumbprint (`dpop_jkt`), each proof's header and claims and the bytes to sign, the compact
//! JWS from the browser's signature, which token types to accept, and when a server's
//! `use_dpop_nonce` answer means "send once more with this nonce".
//!
//! Hashing is the caller's (WebCrypto), as for `at_hash` and PKCE: this module produces the
//! bytes to hash and takes the SHA-256 digest back.

use crate::error::AuthError;
use crate::json::{Json, Object, ReadError};

/// The one algorithm this client signs with: ECDSA P-256 SHA-256, which WebCrypto offers with
/// non-extractable keys (RFC 9449 §4.2 requires an asymmetric algorithm; ES256 is the one every
/// provider supporting DPoP lists).
pub const ALGORITHM: &str = "ES256";

/// Why no proof could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DpopError {
    #[error("the browser's DPoP key is not a P-256 public key ({0})")]
    BadPublicKey(&'static str),
    #[error("the browser's signature is {0} bytes, not the 64 of an ES256 signature")]
    BadSignature(usize),
    #[error("the URL \"{0}\" is not an absolute http(s) URL, so no DPoP proof can name it")]
    BadUrl(String),
}

impl DpopError {
    pub fn code(&self) -> &'static str {
        match self {
            DpopError::BadPublicKey(_) => "dpop_bad_key",
            DpopError::BadSignature(_) => "dpop_bad_signature",
            DpopError::BadUrl(_) => "dpop_bad_url",
        }
    }
}

/// Whether a provider's `dpop_signing_alg_values_supported` (RFC 9449 §5.1) lets this client
/// use DPoP: only when it lists ES256. Absent means the provider does not do DPoP.
pub fn offered(signing_algs: Option<&[String]>) -> bool {
    signing_algs
        .unwrap_or_default()
        .iter()
        .any(|alg| alg == ALGORITHM)
}

/// How the access token is presented (RFC 6749 §7.1; RFC 9449 §7.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TokenType {
    #[default]
    Bearer,
    /// Bound to this page's key: `Authorization: DPoP <token>` with a proof beside it.
    DPoP,
}

impl TokenType {
    /// The `Authorization` scheme.
    pub fn scheme(self) -> &'static str {
        match self {
            TokenType::Bearer => "Bearer",
            TokenType::DPoP => "DPoP",
        }
    }
}

/// Reads `token_type` (case-insensitive, RFC 6749 §5.1). `DPoP` is accepted only when this
/// request carried a proof: a DPoP-bound token for a request made without one is not ours to
/// use (RFC 9449 §5), and a type this client does not understand must not be used (§7.1).
pub fn token_type(raw: Option<&str>, proof_sent: bool) -> Result<TokenType, AuthError> {
    match raw {
        Some(t) if t.eq_ignore_ascii_case("bearer") => Ok(TokenType::Bearer),
        Some(t) if t.eq_ignore_ascii_case("dpop") && proof_sent => Ok(TokenType::DPoP),
        Some(t) if t.eq_ignore_ascii_case("dpop") => Err(AuthError::UnexpectedDpopToken),
        Some(other) => Err(AuthError::UnsupportedTokenType(other.to_owned())),
        None => Err(AuthError::MissingParameter("token_type")),
    }
}

/// The public half of the page's key, as JWK coordinates (base64url, RFC 7518 §6.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub x: String,
    pub y: String,
}

impl PublicKey {
    /// Reads the JWK WebCrypto exports for the public key. A JWK carrying a private part (`d`)
    /// is refused: the private key must never leave the browser's keeping.
    pub fn from_jwk(text: &str) -> Result<Self, DpopError> {
        let o =
            Json::parse_object(text).map_err(|_| DpopError::BadPublicKey("not a JSON object"))?;
        let field = |name: &'static str| o.string(name).ok().flatten();
        if field("kty").as_deref() != Some("EC") || field("crv").as_deref() != Some("P-256") {
            return Err(DpopError::BadPublicKey("not an EC key on P-256"));
        }
        if o.get("d").is_some() {
            return Err(DpopError::BadPublicKey("it carries the private key"));
        }
        // 32 bytes in unpadded base64url are 43 characters; checked by shape rather than by
        // decoding, which would bring a second copy of base64's decoder into the sign-in module.
        let coordinate = |name: &'static str| {
            let value = field(name).ok_or(DpopError::BadPublicKey("a coordinate is missing"))?;
            let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
            match value.len() == 43 && value.bytes().all(base64url) {
                true => Ok(value),
                false => Err(DpopError::BadPublicKey("a coordinate is not 32 bytes")),
            }
        };
        Ok(PublicKey {
            x: coordinate("x")?,
            y: coordinate("y")?,
        })
    }

    /// The JWK with only its required members, in lexicographic order and without whitespace:
    /// RFC 7638 §3.2's input to the thumbprint, and the `jwk` of each proof's header.
    pub fn jwk(&self) -> Json {
        Json::object([
            ("crv", Json::string("P-256")),
            ("kty", Json::string("EC")),
            ("x", Json::string(&self.x)),
            ("y", Json::string(&self.y)),
        ])
    }

    /// The bytes whose SHA-256 is the key's thumbprint.
    pub fn thumbprint_input(&self) -> String {
        self.jwk().to_text()
    }
}

/// `base64url(digest)`: the JWK thumbprint (`dpop_jkt`, `cnf.jkt`) from the SHA-256 of
/// [`PublicKey::thumbprint_input`], or `ath` from the SHA-256 of the access token (§4.2).
pub fn encode_digest(sha256: &[u8; 32]) -> String {
    crate::base64url::encode(sha256)
}

/// `htu`: the request's URL without query and fragment (RFC 9449 §4.2).
pub fn htu(url: &str) -> Result<String, DpopError> {
    let bad = || DpopError::BadUrl(url.to_owned());
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) {
        return Err(bad());
    }
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let rest = &rest[..end];
    if rest.is_empty() || rest.starts_with('/') {
        return Err(bad());
    }
    Ok(format!("{scheme}://{rest}"))
}

/// The claims of one proof (RFC 9449 §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// Unique per proof: the server refuses a `jti` it has seen (replay, §11.1).
    pub jti: String,
    pub htm: String,
    pub htu: String,
    pub iat: u64,
    /// Beside an access token: base64url SHA-256 of it, binding the proof to the token.
    pub ath: Option<String>,
    /// The server's last `DPoP-Nonce`, when it gave one (§8, §9).
    pub nonce: Option<String>,
}

impl Claims {
    /// `random` from a CSPRNG (128 bits for `jti`); `url` the request's, query and all.
    pub fn new(
        random: [u8; 16],
        method: &str,
        url: &str,
        now_ms: u64,
        access_token_sha256: Option<&[u8; 32]>,
        nonce: Option<&str>,
    ) -> Result<Self, DpopError> {
        Ok(Claims {
            jti: crate::base64url::encode(random),
            htm: method.to_owned(),
            htu: htu(url)?,
            iat: now_ms / 1000,
            ath: access_token_sha256.map(encode_digest),
            nonce: nonce.map(str::to_owned),
        })
    }

    pub fn to_json(&self) -> Json {
        let mut members = vec![
            ("jti", Json::string(&self.jti)),
            ("htm", Json::string(&self.htm)),
            ("htu", Json::string(&self.htu)),
            ("iat", Json::integer(self.iat)),
        ];
        if let Some(ath) = &self.ath {
            members.push(("ath", Json::string(ath)));
        }
        if let Some(nonce) = &self.nonce {
            members.push(("nonce", Json::string(nonce)));
        }
        Json::object(members)
    }

    pub fn from_json(text: &str) -> Result<Self, ReadError> {
        let o = Json::parse_object(text)?;
        Ok(Claims {
            jti: Object::required("jti", o.string("jti")?)?,
            htm: Object::required("htm", o.string("htm")?)?,
            htu: Object::required("htu", o.string("htu")?)?,
            iat: Object::required("iat", o.integer("iat")?)?,
            ath: o.string("ath")?,
            nonce: o.string("nonce")?,
        })
    }
}

/// A proof before the browser signs it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsignedProof {
    /// `{"typ":"dpop+jwt","alg":"ES256","jwk":{…}}` (§4.2), for the inspector.
    pub header: Json,
    pub claims: Claims,
    /// `base64url(header) "." base64url(claims)`: what the browser signs.
    pub signing_input: String,
}

impl UnsignedProof {
    pub fn new(key: &PublicKey, claims: Claims) -> Self {
        let header = Json::object([
            ("typ", Json::string("dpop+jwt")),
            ("alg", Json::string(ALGORITHM)),
            ("jwk", key.jwk()),
        ]);
        let signing_input = format!(
            "{}.{}",
            crate::base64url::encode(header.to_text()),
            crate::base64url::encode(claims.to_json().to_text())
        );
        UnsignedProof {
            header,
            claims,
            signing_input,
        }
    }

    /// The compact JWS: WebCrypto's ECDSA signature is already JWS's raw `r || s` (RFC 7518
    /// §3.4), 64 bytes for P-256; anything else (a DER signature) is refused.
    pub fn sign(&self, signature: &[u8]) -> Result<String, DpopError> {
        if signature.len() != 64 {
            return Err(DpopError::BadSignature(signature.len()));
        }
        Ok(format!(
            "{}.{}",
            self.signing_input,
            crate::base64url::encode(signature)
        ))
    }
}

/// The origin (`scheme://host[:port]`) a nonce belongs to: nonces are per server (§8.2, §9).
fn origin(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&url[..url.len() - rest.len() + end])
}

/// The last `DPoP-Nonce` each server gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nonces(Vec<(String, String)>);

impl Nonces {
    /// Keeps `nonce` (a `DPoP-Nonce` header) for `url`'s server, replacing the one before: the
    /// server may send a new one with any answer (§8.2).
    pub fn remember(&mut self, url: &str, nonce: &str) {
        let Some(origin) = origin(url) else { return };
        // §8.1: the nonce is NQCHAR (printable ASCII without space, '"' or '\\').
        if nonce.is_empty()
            || !nonce
                .bytes()
                .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\')
        {
            return;
        }
        self.0.retain(|(o, _)| o != origin);
        self.0.push((origin.to_owned(), nonce.to_owned()));
    }

    /// The nonce to put in a proof for `url`, if its server gave one.
    pub fn for_url(&self, url: &str) -> Option<&str> {
        let origin = origin(url)?;
        self.0
            .iter()
            .find(|(o, _)| o == origin)
            .map(|(_, n)| n.as_str())
    }
}

/// Whether an answer asks for a proof with the server's nonce: the token endpoint's 400 with
/// `{"error":"use_dpop_nonce"}` (§8) or a resource server's 401 with a `DPoP` challenge whose
/// `error` is `use_dpop_nonce` (§9).
pub fn asks_for_nonce(status: u16, www_authenticate: Option<&str>, body: &str) -> bool {
    match status {
        400 => Json::parse_object(body)
            .ok()
            .and_then(|o| o.string("error").ok().flatten())
            .is_some_and(|e| e == "use_dpop_nonce"),
        401 => www_authenticate
            .and_then(|h| crate::challenge::for_scheme(h, "DPoP"))
            .is_some_and(|c| c.param("error") == Some("use_dpop_nonce")),
        _ => false,
    }
}

/// Whether to send a request once more: only after a first attempt that asked for a nonce
/// and gave one (§8: the client retries with it). One retry only, so a server that keeps
/// asking cannot hold the page in a loop.
pub fn retry_with_nonce(
    attempt: u32,
    status: u16,
    www_authenticate: Option<&str>,
    body: &str,
    nonce_given: bool,
) -> bool {
    attempt == 1 && nonce_given && asks_for_nonce(status, www_authenticate, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256};

    fn sha256(text: &str) -> [u8; 32] {
        Sha256::digest(text.as_bytes()).into()
    }

    /// The key of RFC 9449 §4.1's example proof.
    fn rfc_key() -> PublicKey {
        PublicKey::from_jwk(
            r#"{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}"#,
        )
        .unwrap()
    }

    #[test]
    fn ath_is_rfc_9449s_example() {
        // §4.2's example access token and its ath (§7.1).
        let token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
        assert_eq!(
            encode_digest(&sha256(token)),
            "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
        );
    }

    #[test]
    fn the_thumbprint_is_rfc_9449s_jkt_for_its_example_key() {
        // §6.1: the example key's RFC 7638 thumbprint, as its cnf.jkt.
        let key = rfc_key();
        assert_eq!(
            key.thumbprint_input(),
            r#"{"crv":"P-256","kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}"#
        );
        assert_eq!(
            encode_digest(&sha256(&key.thumbprint_input())),
            "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
        );
    }

    #[test]
    fn a_jwk_that_is_not_a_p256_public_key_is_refused() {
        // x has a '-', y a '_': both base64url.
        let x = "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs";
        let y = "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA";
        let jwk =
            |extra: &str| format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{y}"{extra}}}"#);
        assert!(PublicKey::from_jwk(&jwk("")).is_ok());
        assert_eq!(
            PublicKey::from_jwk(&jwk(r#","d":"secret""#)),
            Err(DpopError::BadPublicKey("it carries the private key"))
        );
        for bad in [
            jwk("").replace("P-256", "P-384"),
            jwk("").replace(r#""EC""#, r#""RSA""#),
            jwk("").replace(x, "AAAA"),
            jwk("").replace(x, &format!("{x}A")),
            jwk("").replace(x, &x.replace('-', "+")),
            jwk("").replace(y, &y.replace('_', "/")),
            format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}"}}"#),
            "[]".to_owned(),
        ] {
            assert!(PublicKey::from_jwk(&bad).is_err(), "{bad}");
        }
        assert_eq!(DpopError::BadPublicKey("x").code(), "dpop_bad_key");
    }

    #[test]
    fn only_es256_among_the_advertised_algorithms_turns_dpop_on() {
        assert!(offered(Some(&["RS256".into(), "ES256".into()])));
        assert!(!offered(Some(&["RS256".into(), "es256".into()])));
        assert!(!offered(Some(&[])));
        assert!(!offered(None));
    }

    #[test]
    fn a_dpop_token_is_accepted_only_beside_a_proof() {
        assert_eq!(token_type(Some("DPoP"), true), Ok(TokenType::DPoP));
        assert_eq!(token_type(Some("dpop"), true), Ok(TokenType::DPoP));
        assert_eq!(
            token_type(Some("DPoP"), false),
            Err(AuthError::UnexpectedDpopToken)
        );
        assert_eq!(token_type(Some("bearer"), true), Ok(TokenType::Bearer));
        assert_eq!(token_type(Some("Bearer"), false), Ok(TokenType::Bearer));
        assert_eq!(
            token_type(Some("mac"), true),
            Err(AuthError::UnsupportedTokenType("mac".into()))
        );
        assert_eq!(
            token_type(None, true),
            Err(AuthError::MissingParameter("token_type"))
        );
        assert_eq!(TokenType::DPoP.scheme(), "DPoP");
        assert_eq!(TokenType::Bearer.scheme(), "Bearer");
    }

    #[test]
    fn htu_leaves_out_query_and_fragment() {
        assert_eq!(
            htu("https://server.example.com/token?x=1#y").unwrap(),
            "https://server.example.com/token"
        );
        assert_eq!(
            htu("http://127.0.0.1:9/me#f").unwrap(),
            "http://127.0.0.1:9/me"
        );
        assert_eq!(htu("https://a.example").unwrap(), "https://a.example");
        for bad in ["/token", "ftp://a.example/x", "https://", "https:///x"] {
            assert_eq!(htu(bad), Err(DpopError::BadUrl(bad.into())), "{bad}");
        }
    }

    fn claims(ath: Option<&[u8; 32]>, nonce: Option<&str>) -> Claims {
        Claims::new(
            [9; 16],
            "POST",
            "https://server.example.com/token?q",
            1_562_262_616_999,
            ath,
            nonce,
        )
        .unwrap()
    }

    #[test]
    fn a_proofs_header_and_claims_are_section_4_2s() {
        let proof = UnsignedProof::new(&rfc_key(), claims(None, None));
        assert_eq!(
            proof.header.to_text(),
            format!(
                r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{}}}"#,
                rfc_key().thumbprint_input()
            )
        );
        assert_eq!(
            proof.claims.to_json().to_text(),
            r#"{"jti":"CQkJCQkJCQkJCQkJCQkJCQ","htm":"POST","htu":"https://server.example.com/token","iat":1562262616}"#
        );
        let (header, claims) = proof.signing_input.split_once('.').unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.decode(header).unwrap(),
            proof.header.to_text().as_bytes()
        );
        assert_eq!(
            Claims::from_json(&String::from_utf8(URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap()),
            Ok(proof.claims.clone())
        );
    }

    #[test]
    fn ath_and_nonce_are_claimed_when_given() {
        let digest = sha256("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU");
        let c = claims(Some(&digest), Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"));
        assert_eq!(
            c.ath.as_deref(),
            Some("fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo")
        );
        let text = c.to_json().to_text();
        assert!(text.ends_with(
            r#""ath":"fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo","nonce":"eyJ7S_zG.eyJH0-Z.HX4w-7v"}"#
        ));
        assert_eq!(Claims::from_json(&text), Ok(c));
    }

    #[test]
    fn the_signature_must_be_raw_r_and_s() {
        let proof = UnsignedProof::new(&rfc_key(), claims(None, None));
        let jws = proof.sign(&[7; 64]).unwrap();
        assert_eq!(
            jws,
            format!(
                "{}.{}",
                proof.signing_input,
                crate::base64url::encode([7; 64])
            )
        );
        assert_eq!(proof.sign(&[7; 70]), Err(DpopError::BadSignature(70)));
        assert_eq!(proof.sign(&[7; 63]), Err(DpopError::BadSignature(63)));
    }

    #[test]
    fn a_nonce_belongs_to_the_origin_of_the_url() {
        assert_eq!(
            origin("https://op.example:8443/token?x#y"),
            Some("https://op.example:8443")
        );
        assert_eq!(origin("http://127.0.0.1:9?q"), Some("http://127.0.0.1:9"));
        assert_eq!(origin("https://op.example"), Some("https://op.example"));
        assert_eq!(origin("op.example/token"), None);
    }

    #[test]
    fn nonces_are_kept_per_server() {
        let mut nonces = Nonces::default();
        nonces.remember("https://op.example/token", "n1");
        nonces.remember("https://api.example:8443/x?y", "n2");
        assert_eq!(nonces.for_url("https://op.example/me"), Some("n1"));
        assert_eq!(nonces.for_url("https://api.example:8443/z"), Some("n2"));
        assert_eq!(nonces.for_url("https://api.example/z"), None);
        nonces.remember("https://op.example/token", "n3");
        assert_eq!(nonces.for_url("https://op.example"), Some("n3"));
        // Not a nonce by §8.1's grammar: ignored, the last good one stays.
        nonces.remember("https://op.example/token", "a b");
        nonces.remember("https://op.example/token", "");
        nonces.remember("https://op.example/token", "a\"b");
        nonces.remember("https://op.example/token", "a\\b");
        assert_eq!(nonces.for_url("https://op.example"), Some("n3"));
        nonces.remember("no-scheme", "n4");
        assert_eq!(nonces.for_url("no-scheme"), None);
        nonces.remember("https://op.example/token", "!~");
        assert_eq!(nonces.for_url("https://op.example"), Some("!~"));
    }

    #[test]
    fn use_dpop_nonce_is_read_from_either_kind_of_server() {
        let token_endpoint = r#"{"error":"use_dpop_nonce","error_description":"x"}"#;
        assert!(asks_for_nonce(400, None, token_endpoint));
        assert!(!asks_for_nonce(
            400,
            None,
            r#"{"error":"invalid_dpop_proof"}"#
        ));
        assert!(!asks_for_nonce(401, None, token_endpoint));
        let challenge = r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#;
        assert!(asks_for_nonce(401, Some(challenge), ""));
        assert!(asks_for_nonce(
            401,
            Some("dpop algs=\"ES256\", error=use_dpop_nonce"),
            ""
        ));
        assert!(!asks_for_nonce(
            401,
            Some(r#"Bearer error="use_dpop_nonce""#),
            ""
        ));
        assert!(!asks_for_nonce(
            401,
            Some(r#"DPoP error="invalid_token""#),
            ""
        ));
        assert!(!asks_for_nonce(403, Some(challenge), token_endpoint));
    }

    #[test]
    fn a_nonce_request_is_answered_once() {
        let body = r#"{"error":"use_dpop_nonce"}"#;
        assert!(retry_with_nonce(1, 400, None, body, true));
        assert!(!retry_with_nonce(2, 400, None, body, true));
        assert!(!retry_with_nonce(1, 400, None, body, false));
        assert!(!retry_with_nonce(1, 400, None, "{}", true));
    }
}
