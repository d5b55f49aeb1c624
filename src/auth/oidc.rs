//! The OpenID Connect steps as the page performs them: reading the provider's discovery
//! document, verifying an ID token (the provider's keys from its JWKS, the RS256 signature with
//! WebCrypto, then the claims), and exchanging a code with PKCE. The decisions are
//! `oauth::discovery`, `oauth::id_token` and `oauth::token_endpoint`'s; this module fetches,
//! hashes and verifies for them.

use crate::browser::clock::now_ms;
use crate::browser::crypto::{sha256, verify_rs256};
use crate::browser::random::random_bytes;
use crate::browser::storage::{self, keys, Area};
use crate::dpop;
use crate::error::{ApiStep, AppError};
use crate::google::request::{self, Body, Caching};
use crate::timeline::{self, Step};
use oauth::callback::{CodeGrant, UnverifiedToken};
use oauth::config::Flow;
use oauth::discovery::{DiscoveryError, MetadataDocument};
use oauth::dpop::TokenType;
use oauth::id_token::{
    accepted_issuers, code_verifier, s256_challenge, Claims, Expectations, IdToken, IdTokenError,
    Jwk, Jwks, KeyChoice, KeySetSource,
};
use oauth::id_token_report::{IdTokenReport, Occasion, SignatureCheck, Verification};
use oauth::refresh::check_refreshed_claims;
use oauth::token_endpoint::TokenAnswer;
use oauth::{token_endpoint, AuthError, ClientConfig};
use std::cell::RefCell;

/// Reads the provider's metadata (`{issuer}/.well-known/openid-configuration`, or where that
/// is absent RFC 8414's `/.well-known/oauth-authorization-server`) and returns the
/// configuration with the endpoints it advertises, once its issuer is checked.
pub async fn discover(config: &ClientConfig) -> Result<ClientConfig, DiscoveryError> {
    let issuer = &config.endpoints.issuer;
    let mut source = MetadataDocument::OpenIdConfiguration;
    let document = loop {
        match request::send(Step::Discovery, &source.url(issuer), None, Body::None).await {
            Ok(document) => break document,
            Err(error) => match error.status().and_then(|status| source.next_after(status)) {
                Some(next) => source = next,
                None => return Err(DiscoveryError::Unreadable(error.to_string())),
            },
        }
    };
    let outcome = config.with_discovery(&document);
    timeline::check(
        &format!("The {} speaks for the configured issuer", source.name()),
        outcome.is_ok(),
        match &outcome {
            Ok(_) => format!(
                "Its issuer is exactly {issuer} (OpenID Connect Discovery §4.3, RFC 8414 §3.3)."
            ),
            Err(e) => e.to_string(),
        },
    );
    outcome
}

/// Verifies the ID token that came with `token`, in OIDC Core §3.1.3.7's order: the signature
/// with the provider's key, then issuer, audience, expiry, nonce and `at_hash`. Returns its
/// claims: who the person is, vouched for by the provider.
pub async fn verify_id_token(
    config: &ClientConfig,
    token: &UnverifiedToken,
    at_hash_required: bool,
) -> Result<Claims, AppError> {
    let raw = token
        .id_token
        .as_deref()
        .ok_or(AuthError::MissingParameter("id_token"))?;
    verify(config, token, raw, at_hash_required, None).await
}

/// Verifies the ID token a refresh brought: as any ID token, but for the nonce (a refresh
/// answers no authorization request), and then against the first one (OIDC Core §12.2).
pub async fn verify_refreshed_id_token(
    config: &ClientConfig,
    token: &UnverifiedToken,
    raw: &str,
    original: &Claims,
) -> Result<Claims, AppError> {
    verify(config, token, raw, false, Some(original)).await
}

/// The verification, put on the timeline as one check with the token taken apart
/// ([`IdTokenReport`]: each claim and the check made on it, from the same checks that decide).
async fn verify(
    config: &ClientConfig,
    token: &UnverifiedToken,
    raw: &str,
    at_hash_required: bool,
    original: Option<&Claims>,
) -> Result<Claims, AppError> {
    // Google's older tokens name the issuer without the scheme; an answer that named its
    // issuer (RFC 9207) holds the ID token to that spelling.
    let issuers = accepted_issuers(
        &config.endpoints.issuer,
        config.quirks.issuer_aliases,
        token.response_iss.as_deref(),
    );
    // A sign-in's ID token must carry its request's nonce; a refreshed one is held to the first
    // ID token instead.
    let nonce = match original {
        None => Some(
            token
                .nonce
                .as_deref()
                .ok_or(AuthError::NoPendingAuthorization)?,
        ),
        Some(_) => None,
    };
    // Hidden in the token taken apart as where it was sent (after a redirect the stored record
    // keeps it hidden for good, and so no longer knows it as a secret).
    if let Some(nonce) = nonce {
        timeline::secret("nonce", nonce);
    }
    let parsed = IdToken::parse(raw);
    // at_hash is required beside an access token from the authorization endpoint (§3.2.2.10)
    // and checked when present beside one from the token endpoint (§3.1.3.8).
    let digest = if at_hash_required || parsed.as_ref().is_ok_and(|t| t.claims.at_hash.is_some()) {
        Some(sha256(token.access_token.as_bytes()).await?)
    } else {
        None
    };
    let expect = Expectations {
        issuers: &issuers,
        client_id: &config.client_id,
        nonce,
        now_secs: (now_ms() / 1000) as i64,
        access_token_sha256: digest.as_ref(),
    };
    let jwks_uri = &config.endpoints.jwks_uri;
    let (signature, outcome) = match &parsed {
        Err(error) => (
            SignatureCheck::NotChecked {
                reason: error.to_string(),
            },
            Err(AuthError::IdToken(error.clone()).into()),
        ),
        Ok(id_token) => match signed_by_provider(config, id_token).await {
            Err(error) => (
                SignatureCheck::NotChecked {
                    reason: error.to_string(),
                },
                Err(error),
            ),
            Ok((kid, false)) => (
                SignatureCheck::Invalid {
                    kid,
                    jwks_uri: jwks_uri.clone(),
                },
                Err(AuthError::IdToken(IdTokenError::BadSignature).into()),
            ),
            Ok((kid, true)) => (
                SignatureCheck::Verified {
                    kid,
                    jwks_uri: jwks_uri.clone(),
                },
                claims_hold(id_token, &expect, original),
            ),
        },
    };
    let occasion = match original {
        None => Occasion::SignIn,
        Some(_) => Occasion::Refresh,
    };
    let report = IdTokenReport::new(
        raw,
        &Verification {
            occasion,
            expect: &expect,
            signature,
            original,
        },
    );
    on_timeline(occasion, &outcome, report, digest.is_some());
    outcome
}

/// Whether the provider's key (the one the `kid` names) verifies the signature: the key's
/// `kid` and the verdict.
async fn signed_by_provider(
    config: &ClientConfig,
    id_token: &IdToken,
) -> Result<(Option<String>, bool), AppError> {
    let key = signing_key(config, id_token.header.kid.as_deref()).await?;
    let genuine =
        verify_rs256(&key, id_token.signing_input.as_bytes(), &id_token.signature).await?;
    Ok((key.kid, genuine))
}

/// The claims' checks, and for a refresh the comparison with the first ID token.
fn claims_hold(
    id_token: &IdToken,
    expect: &Expectations<'_>,
    original: Option<&Claims>,
) -> Result<Claims, AppError> {
    id_token.claims.verify(expect).map_err(AuthError::from)?;
    if let Some(original) = original {
        check_refreshed_claims(original, &id_token.claims).map_err(AuthError::from)?;
    }
    Ok(id_token.claims.clone())
}

/// The ID token's check on the timeline: passed or why not, with the token taken apart (or,
/// for a token whose header cannot even be read, the refusal alone).
fn on_timeline(
    occasion: Occasion,
    outcome: &Result<Claims, AppError>,
    report: Option<IdTokenReport>,
    at_hash: bool,
) {
    let title = match (occasion, outcome.is_ok()) {
        (Occasion::SignIn, _) => "The ID token is genuine and meant for this app",
        (Occasion::Refresh, true) => "The refreshed ID token names the same person as the first",
        (Occasion::Refresh, false) => "The refreshed ID token is genuine and names the same person",
    };
    let detail = match (outcome, occasion) {
        (Err(error), _) => error.to_string(),
        (Ok(claims), Occasion::SignIn) => format!(
            "The provider's key verifies the signature; iss is {}, aud names this client, exp is in the future, the nonce is the one this tab sent{}. Each claim and its check below.",
            claims.iss,
            if at_hash { ", at_hash matches the access token" } else { "" }
        ),
        (Ok(claims), Occasion::Refresh) => format!(
            "Signature, iss, aud and exp checked as at sign-in; sub is still {}, and iss, aud, azp and auth_time are the first ID token's (OpenID Connect Core §12.2).",
            claims.sub
        ),
    };
    match report {
        Some(report) => timeline::id_token_check(title, outcome.is_ok(), detail, report),
        None if matches!(outcome, Err(AppError::Auth(AuthError::IdToken(_)))) => {
            timeline::check(title, false, detail)
        }
        None => {}
    }
}

thread_local! {
    /// The provider's keys, by JWKS URI, for this page's life.
    static KEYS: RefCell<Option<(String, Jwks)>> = const { RefCell::new(None) };
}

/// The key the ID token names: from the keys already read, else from the JWKS fetched the
/// ordinary way (caches may answer: Google's set is cacheable for hours); a `kid` missing from
/// either is looked for once more in the JWKS fetched bypassing caches (providers rotate keys:
/// OIDC Core §10.1.1). `Jwks::choose` decides.
async fn signing_key(config: &ClientConfig, kid: Option<&str>) -> Result<Jwk, AppError> {
    let uri = &config.endpoints.jwks_uri;
    let (mut set, mut source) = match cached_keys(uri) {
        Some(set) => (set, KeySetSource::Kept),
        None => (
            fetch_keys(uri, Caching::Allowed).await?,
            KeySetSource::Fetched,
        ),
    };
    loop {
        match set.choose(kid, source) {
            KeyChoice::Use(key) => return Ok(key),
            KeyChoice::Refetch => {
                set = fetch_keys(uri, Caching::Bypassed).await?;
                source = KeySetSource::FetchedBypassingCaches;
            }
            KeyChoice::Unknown => {
                return Err(AuthError::IdToken(IdTokenError::UnknownKey(
                    kid.unwrap_or("(none)").to_owned(),
                ))
                .into())
            }
        }
    }
}

fn cached_keys(uri: &str) -> Option<Jwks> {
    if let Some(set) = KEYS.with(|k| {
        k.borrow()
            .as_ref()
            .filter(|(cached_uri, _)| cached_uri == uri)
            .map(|(_, set)| set.clone())
    }) {
        return Some(set);
    }
    // Kept in the tab across the redirect: public keys, nothing secret.
    let stored = storage::get(Area::Session, keys::JWKS)?;
    let (stored_uri, text) = stored.split_once('\n')?;
    (stored_uri == uri)
        .then(|| Jwks::from_json(text).ok())
        .flatten()
}

async fn fetch_keys(uri: &str, caching: Caching) -> Result<Jwks, AppError> {
    let text = match caching {
        Caching::Allowed => request::send(Step::Keys, uri, None, Body::None).await,
        Caching::Bypassed => request::send_bypassing_caches(Step::Keys, uri).await,
    }
    .map_err(|e| AppError::from_api(ApiStep::Keys, e))?;
    let set = Jwks::from_json(&text).map_err(|e| {
        AppError::from_api(ApiStep::Keys, oauth::ApiError::Malformed(e.to_string()))
    })?;
    let _ = storage::set(Area::Session, keys::JWKS, &format!("{uri}\n{text}"));
    KEYS.with(|k| *k.borrow_mut() = Some((uri.to_owned(), set.clone())));
    Ok(set)
}

/// What the token endpoint answered: status and body, and whether the request carried a DPoP
/// proof (a DPoP-bound token is accepted only then).
pub struct EndpointAnswer {
    /// The HTTP status: an error's JSON comes with 400 or 401 (RFC 6749 §5.2).
    pub status: u16,
    /// The body, read whatever the status.
    pub text: String,
    /// Whether the request that got this answer carried a DPoP proof.
    pub proof_sent: bool,
}

/// Every POST to the token endpoint goes through here: with DPoP in use it carries a proof
/// (and is sent once more with the server's nonce if it asks, RFC 9449 §8).
pub async fn token_request(config: &ClientConfig, form: &str) -> Result<EndpointAnswer, AppError> {
    if config.dpop {
        dpop::prepare().await?;
    }
    let (status, text) = request::exchange(Step::TokenExchange, &config.endpoints.token, form)
        .await
        .map_err(|e| AppError::from_api(ApiStep::TokenExchange, e))?;
    Ok(EndpointAnswer {
        status,
        text,
        proof_sent: dpop::active(),
    })
}

/// Exchanges the code with its PKCE verifier at the token endpoint.
pub async fn exchange_code(
    config: &ClientConfig,
    grant: CodeGrant,
) -> Result<TokenAnswer, AppError> {
    let body = token_endpoint::exchange_body(&config.client_id, &grant);
    let answer = token_request(config, &body).await?;
    let answer = token_endpoint::read_answer(
        answer.status,
        &answer.text,
        grant,
        now_ms(),
        answer.proof_sent,
    )?;
    timeline::check(
        "The token endpoint exchanged the code",
        true,
        "It checked the code_verifier against the code_challenge sent first (PKCE S256): only this tab knew it.",
    );
    if answer.token.token_type == TokenType::DPoP {
        dpop::bind(&answer.token.access_token);
        timeline::check(
            "The token is bound to this page's key (DPoP)",
            true,
            "token_type is DPoP: every use of the token carries a proof signed with the key that cannot leave this browser (RFC 9449).",
        );
    }
    Ok(answer)
}

thread_local! {
    /// A PKCE pair made ahead of time: WebCrypto hashes asynchronously, and a popup must open
    /// synchronously inside the click that asks for it.
    static NEXT_PKCE: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
}

/// Makes the next PKCE verifier and its S256 challenge, if none is waiting.
pub async fn prepare_pkce() -> Result<(), AppError> {
    if NEXT_PKCE.with(|p| p.borrow().is_some()) {
        return Ok(());
    }
    let verifier = code_verifier(random_bytes::<32>()?);
    let challenge = s256_challenge(&sha256(verifier.as_bytes()).await?);
    NEXT_PKCE.with(|p| *p.borrow_mut() = Some((verifier, challenge)));
    Ok(())
}

/// Takes the prepared PKCE pair (verifier, challenge) and starts making the next one.
pub fn take_pkce() -> Result<(String, String), AppError> {
    let pair = NEXT_PKCE.with(|p| p.borrow_mut().take());
    wasm_bindgen_futures::spawn_local(async {
        let _ = prepare_pkce().await;
    });
    pair.ok_or(AppError::NotReady)
}

/// Whether `config`'s flow needs a PKCE pair.
pub fn uses_pkce(config: &ClientConfig) -> bool {
    config.flow == Flow::Code
}
