//! An ID token taken apart, as the page verified it: its header and claims as they were sent,
//! and each check made (the algorithm, the signature with the key its `kid` named, then every
//! claim rule of [`Claims::checks`] and, for a refresh, OpenID Connect Core §12.2's comparison
//! with the first ID token), with what each was compared against and what it found.
//!
//! The sign-in side builds it while it verifies, from the same checks that decide, and puts it
//! on the inspector's timeline; the inspector only shows it. Nothing here is recomputed where it
//! is shown, so what the person reads is what the page decided.

use crate::id_token::{
    half_hash, object_part, ClaimRule, Claims, Expectations, IdToken, Verdict, ALLOWED_ALGORITHMS,
};
use crate::json::{Json, Object};
use crate::refresh::refreshed_claim_checks;

/// Which ID token of the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    /// The one the sign-in brought (held to the request's nonce).
    SignIn,
    /// One a refresh brought (held to the first one instead, §12.2).
    Refresh,
}

impl Occasion {
    fn name(self) -> &'static str {
        match self {
            Occasion::SignIn => "sign_in",
            Occasion::Refresh => "refresh",
        }
    }

    fn from_name(name: &str) -> Option<Occasion> {
        [Occasion::SignIn, Occasion::Refresh]
            .into_iter()
            .find(|o| o.name() == name)
    }
}

/// What one check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    NotChecked,
}

impl Outcome {
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::NotChecked => "not_checked",
        }
    }

    fn from_name(name: &str) -> Option<Outcome> {
        [Outcome::Passed, Outcome::Failed, Outcome::NotChecked]
            .into_iter()
            .find(|o| o.name() == name)
    }
}

/// Which checks there are, as [`CheckRecord::check`] names them.
pub mod check {
    /// The header's `alg` is on the allow-list.
    pub const ALG: &str = "alg";
    /// The signature over header and payload, with the key the `kid` names.
    pub const SIGNATURE: &str = "signature";
    /// A refreshed token's claim compared with the first token's: `first:` and the claim.
    pub const FIRST_PREFIX: &str = "first:";
}

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRecord {
    /// [`check::ALG`], [`check::SIGNATURE`], a claim (`iss`, `aud`, `azp`, `exp`, `iat`,
    /// `nonce`, `at_hash`: [`ClaimRule::claim`]) or `first:` and a claim.
    pub check: String,
    /// What the token was compared against: the allowed algorithms, the key, the accepted
    /// issuers, the client id, the clock (seconds), the nonce sent, the `at_hash` computed here
    /// from the access token, the first ID token's value.
    pub expected: String,
    pub outcome: Outcome,
    /// Why it failed, or why it was not made, in words.
    pub reason: Option<String>,
}

/// How the signature check went, as the browser's WebCrypto answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureCheck {
    /// Verified with the key `kid` (if the key had one) of the key set at `jwks_uri`.
    Verified {
        kid: Option<String>,
        jwks_uri: String,
    },
    /// The key was found and the signature does not verify with it.
    Invalid {
        kid: Option<String>,
        jwks_uri: String,
    },
    /// Not made, and why (the key set could not be read, the key is not in it, the
    /// algorithm was refused first).
    NotChecked { reason: String },
}

/// What the page expected of the token, and what it found on its own (the signature).
pub struct Verification<'a> {
    pub occasion: Occasion,
    pub expect: &'a Expectations<'a>,
    pub signature: SignatureCheck,
    /// The first ID token's claims, for a refresh.
    pub original: Option<&'a Claims>,
}

/// An ID token taken apart (see the module's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdTokenReport {
    pub occasion: Occasion,
    /// The header's members, each value as JSON text.
    pub header: Vec<(String, String)>,
    /// The payload's members, in the order the provider wrote them, each value as JSON text.
    pub claims: Vec<(String, String)>,
    pub checks: Vec<CheckRecord>,
    /// The clock the times were checked against (seconds since the epoch).
    pub now_secs: i64,
    pub skew_secs: i64,
}

impl IdTokenReport {
    /// Takes `raw` apart; `None` only when not even its header can be read (nothing to show).
    pub fn new(raw: &str, v: &Verification<'_>) -> Option<IdTokenReport> {
        let mut parts = raw.split('.');
        let header = object_part(parts.next()?, "header").ok()?;
        let payload = parts.next().and_then(|p| object_part(p, "payload").ok());
        let members = |o: &Object| -> Vec<(String, String)> {
            o.names()
                .filter_map(|name| Some((name.to_owned(), o.get(name)?.to_text())))
                .collect()
        };
        let alg = header.get("alg").and_then(Json::as_str).unwrap_or("");
        let alg_ok = ALLOWED_ALGORITHMS.contains(&alg);
        let mut checks = vec![CheckRecord {
            check: check::ALG.to_owned(),
            expected: ALLOWED_ALGORITHMS.join(" or "),
            outcome: if alg_ok {
                Outcome::Passed
            } else {
                Outcome::Failed
            },
            reason: (!alg_ok).then(|| {
                "an algorithm off the list (none, HMAC) would let anyone make the token".to_owned()
            }),
        }];
        let parsed = IdToken::parse(raw);
        checks.push(signature_record(&v.signature, parsed.as_ref().err()));
        let expected = |rule: ClaimRule| -> String {
            let e = v.expect;
            match rule {
                ClaimRule::Issuer => e.issuers.join(" or "),
                ClaimRule::Audience | ClaimRule::AuthorizedParty => e.client_id.to_owned(),
                ClaimRule::Expiry | ClaimRule::IssuedAt => e.now_secs.to_string(),
                ClaimRule::Nonce => e.nonce.unwrap_or_default().to_owned(),
                ClaimRule::AtHash => e.access_token_sha256.map(half_hash).unwrap_or_default(),
            }
        };
        let unread = "the token was refused before its claims were read";
        match &parsed {
            Ok(token) => {
                for (rule, verdict) in token.claims.checks(v.expect) {
                    let (outcome, reason) = match verdict {
                        Verdict::Passed => (Outcome::Passed, None),
                        Verdict::Failed(error) => (Outcome::Failed, Some(error.to_string())),
                        Verdict::NotChecked => (Outcome::NotChecked, not_asked(rule, v.occasion)),
                    };
                    checks.push(CheckRecord {
                        check: rule.claim().to_owned(),
                        expected: expected(rule),
                        outcome,
                        reason,
                    });
                }
                if let Some(original) = v.original {
                    let first = original_values(original);
                    for (claim, kept) in refreshed_claim_checks(original, &token.claims) {
                        checks.push(CheckRecord {
                            check: format!("{}{claim}", check::FIRST_PREFIX),
                            expected: first(claim),
                            outcome: if kept {
                                Outcome::Passed
                            } else {
                                Outcome::Failed
                            },
                            reason: (!kept).then(|| {
                                crate::id_token::IdTokenError::RefreshedClaimChanged(claim)
                                    .to_string()
                            }),
                        });
                    }
                }
            }
            Err(_) => checks.extend(RULES.into_iter().map(|rule| CheckRecord {
                check: rule.claim().to_owned(),
                expected: expected(rule),
                outcome: Outcome::NotChecked,
                reason: Some(unread.to_owned()),
            })),
        }
        Some(IdTokenReport {
            occasion: v.occasion,
            header: members(&header),
            claims: payload.as_ref().map(members).unwrap_or_default(),
            checks,
            now_secs: v.expect.now_secs,
            skew_secs: crate::id_token::CLOCK_SKEW_SECS,
        })
    }

    /// The checks made on `claim` (or on the header's `alg`, or the signature).
    pub fn checks_of<'a>(&'a self, claim: &'a str) -> impl Iterator<Item = &'a CheckRecord> + 'a {
        self.checks.iter().filter(move |c| {
            c.check == claim || c.check.strip_prefix(check::FIRST_PREFIX) == Some(claim)
        })
    }

    /// Whether every check made passed (checks not made do not count against it).
    pub fn all_passed(&self) -> bool {
        self.checks.iter().all(|c| c.outcome != Outcome::Failed)
    }

    pub fn to_json(&self) -> Json {
        let pairs = Json::pairs;
        Json::object([
            ("occasion", Json::string(self.occasion.name())),
            ("header", pairs(&self.header)),
            ("claims", pairs(&self.claims)),
            (
                "checks",
                Json::Array(
                    self.checks
                        .iter()
                        .map(|c| {
                            Json::object([
                                ("check", Json::string(&c.check)),
                                ("expected", Json::string(&c.expected)),
                                ("outcome", Json::string(c.outcome.name())),
                                ("reason", Json::optional(c.reason.as_deref())),
                            ])
                        })
                        .collect(),
                ),
            ),
            ("now_secs", Json::integer(self.now_secs)),
            ("skew_secs", Json::integer(self.skew_secs)),
        ])
    }

    pub fn from_json(value: &Json) -> Option<IdTokenReport> {
        let o = Object::from_members(value.clone())?;
        let pairs = |name: &str| o.get(name)?.as_pairs();
        let checks = o
            .get("checks")?
            .as_array()?
            .iter()
            .map(|c| {
                let c = Object::from_members(c.clone())?;
                Some(CheckRecord {
                    check: c.string("check").ok()??,
                    expected: c.string("expected").ok()??,
                    outcome: Outcome::from_name(&c.string("outcome").ok()??)?,
                    reason: c.string("reason").ok()?,
                })
            })
            .collect::<Option<_>>()?;
        Some(IdTokenReport {
            occasion: Occasion::from_name(&o.string("occasion").ok()??)?,
            header: pairs("header")?,
            claims: pairs("claims")?,
            checks,
            now_secs: o.integer("now_secs").ok()??,
            skew_secs: o.integer("skew_secs").ok()??,
        })
    }
}

const RULES: [ClaimRule; 7] = [
    ClaimRule::Issuer,
    ClaimRule::Audience,
    ClaimRule::AuthorizedParty,
    ClaimRule::Expiry,
    ClaimRule::IssuedAt,
    ClaimRule::Nonce,
    ClaimRule::AtHash,
];

fn signature_record(
    signature: &SignatureCheck,
    refused: Option<&crate::id_token::IdTokenError>,
) -> CheckRecord {
    let key = |kid: &Option<String>, jwks_uri: &str| match kid {
        Some(kid) => format!("the key \"{kid}\" of {jwks_uri}"),
        None => format!("the one key of {jwks_uri}"),
    };
    let (expected, outcome, reason) = match (refused, signature) {
        (Some(error), _) => (String::new(), Outcome::NotChecked, Some(error.to_string())),
        (None, SignatureCheck::Verified { kid, jwks_uri }) => {
            (key(kid, jwks_uri), Outcome::Passed, None)
        }
        (None, SignatureCheck::Invalid { kid, jwks_uri }) => (
            key(kid, jwks_uri),
            Outcome::Failed,
            Some(crate::id_token::IdTokenError::BadSignature.to_string()),
        ),
        (None, SignatureCheck::NotChecked { reason }) => {
            (String::new(), Outcome::NotChecked, Some(reason.clone()))
        }
    };
    CheckRecord {
        check: check::SIGNATURE.to_owned(),
        expected,
        outcome,
        reason,
    }
}

/// Why a claim rule was not asked of this token.
fn not_asked(rule: ClaimRule, occasion: Occasion) -> Option<String> {
    Some(
        match (rule, occasion) {
            (ClaimRule::Nonce, Occasion::Refresh) => {
                "a refresh answers no authorization request, so there is no nonce to compare (OpenID Connect Core §12.2)"
            }
            (ClaimRule::Nonce, Occasion::SignIn) => "no nonce was sent",
            (ClaimRule::AtHash, _) => {
                "no access token came from the authorization endpoint beside it, and the token carries no at_hash (§3.1.3.8)"
            }
            _ => return None,
        }
        .to_owned(),
    )
}

/// The first ID token's value of `claim`, as JSON text.
fn original_values(original: &Claims) -> impl Fn(&str) -> String + '_ {
    move |claim| match claim {
        "iss" => Json::string(&original.iss).to_text(),
        "sub" => Json::string(&original.sub).to_text(),
        "aud" => match original.aud.0.as_slice() {
            [one] => Json::string(one).to_text(),
            many => Json::Array(many.iter().map(|a| Json::string(a)).collect()).to_text(),
        },
        "azp" => Json::optional(original.azp.as_deref()).to_text(),
        "auth_time" => original
            .auth_time
            .map_or(Json::Null, Json::integer)
            .to_text(),
        "iat" => original.iat.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn token(header: &str, claims: &str) -> String {
        let b64 = |s: &str| URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.{}", b64(header), b64(claims), b64("sig"))
    }

    const HEADER: &str = r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#;
    const CLAIMS: &str = r#"{"iss":"https://op.example","azp":"ours","aud":"ours","sub":"42","at_hash":"AAAAAAAAAAAAAAAAAAAAAA","nonce":"n-123","iat":1000,"exp":2000}"#;
    const DIGEST: [u8; 32] = [0; 32];

    fn expect(
        digest: Option<&'static [u8; 32]>,
        nonce: Option<&'static str>,
    ) -> Expectations<'static> {
        Expectations {
            issuers: &["https://op.example"],
            client_id: "ours",
            nonce,
            now_secs: 1500,
            access_token_sha256: digest,
        }
    }

    fn verified() -> SignatureCheck {
        SignatureCheck::Verified {
            kid: Some("k1".into()),
            jwks_uri: "https://op.example/jwks".into(),
        }
    }

    fn report(raw: &str, expect: &Expectations<'_>, signature: SignatureCheck) -> IdTokenReport {
        IdTokenReport::new(
            raw,
            &Verification {
                occasion: Occasion::SignIn,
                expect,
                signature,
                original: None,
            },
        )
        .unwrap()
    }

    fn outcome(r: &IdTokenReport, check: &str) -> Outcome {
        r.checks.iter().find(|c| c.check == check).unwrap().outcome
    }

    #[test]
    fn a_good_token_shows_every_claim_in_order_and_every_check_passed() {
        let e = expect(Some(&DIGEST), Some("n-123"));
        let r = report(&token(HEADER, CLAIMS), &e, verified());
        let names: Vec<&str> = r.claims.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["iss", "azp", "aud", "sub", "at_hash", "nonce", "iat", "exp"]
        );
        assert_eq!(r.header[1], ("kid".into(), "\"k1\"".into()));
        let checks: Vec<&str> = r.checks.iter().map(|c| c.check.as_str()).collect();
        assert_eq!(
            checks,
            [
                "alg",
                "signature",
                "iss",
                "aud",
                "azp",
                "exp",
                "iat",
                "nonce",
                "at_hash"
            ]
        );
        assert!(
            r.checks.iter().all(|c| c.outcome == Outcome::Passed),
            "{r:?}"
        );
        assert!(r.all_passed());
        let sig = r.checks_of("signature").next().unwrap();
        assert_eq!(sig.expected, "the key \"k1\" of https://op.example/jwks");
        assert_eq!(
            r.checks_of("at_hash").next().unwrap().expected,
            half_hash(&DIGEST)
        );
        assert_eq!(r.checks_of("exp").next().unwrap().expected, "1500");
    }

    const OTHER_DIGEST: [u8; 32] = [7; 32];

    /// The report on a token whose at_hash is not the access token's.
    fn wrong_at_hash() -> (IdTokenReport, [u8; 32]) {
        let e = Expectations {
            access_token_sha256: Some(&OTHER_DIGEST),
            ..expect(None, Some("n-123"))
        };
        (report(&token(HEADER, CLAIMS), &e, verified()), OTHER_DIGEST)
    }

    #[test]
    fn a_wrong_at_hash_fails_that_check_alone_with_the_hash_computed_here_beside_it() {
        let (r, other) = wrong_at_hash();
        let at_hash = r.checks_of("at_hash").next().unwrap();
        assert_eq!(at_hash.outcome, Outcome::Failed);
        assert_eq!(at_hash.expected, half_hash(&other));
        assert_ne!(at_hash.expected, "AAAAAAAAAAAAAAAAAAAAAA");
        assert!(at_hash.reason.as_deref().unwrap().contains("at_hash"));
        assert_eq!(
            r.checks
                .iter()
                .filter(|c| c.outcome == Outcome::Failed)
                .count(),
            1
        );
        assert!(!r.all_passed());
    }

    #[test]
    fn a_bad_signature_is_failed_with_the_key_it_was_checked_with() {
        let e = expect(Some(&DIGEST), Some("n-123"));
        let bad = SignatureCheck::Invalid {
            kid: None,
            jwks_uri: "https://op.example/jwks".into(),
        };
        let r = report(&token(HEADER, CLAIMS), &e, bad);
        let sig = r.checks_of("signature").next().unwrap();
        assert_eq!(sig.outcome, Outcome::Failed);
        assert_eq!(sig.expected, "the one key of https://op.example/jwks");
        let unread = SignatureCheck::NotChecked {
            reason: "the key set could not be read".into(),
        };
        let r = report(&token(HEADER, CLAIMS), &e, unread);
        assert_eq!(outcome(&r, "signature"), Outcome::NotChecked);
        assert_eq!(
            r.checks_of("signature").next().unwrap().reason.as_deref(),
            Some("the key set could not be read")
        );
    }

    #[test]
    fn a_refused_algorithm_fails_alg_and_leaves_everything_else_unchecked() {
        let e = expect(Some(&DIGEST), Some("n-123"));
        let r = report(&token(r#"{"alg":"none"}"#, CLAIMS), &e, verified());
        assert_eq!(outcome(&r, "alg"), Outcome::Failed);
        assert_eq!(outcome(&r, "signature"), Outcome::NotChecked);
        for rule in RULES {
            assert_eq!(outcome(&r, rule.claim()), Outcome::NotChecked, "{rule:?}");
        }
        assert_eq!(r.claims.len(), 8, "the claims are still shown");
    }

    #[test]
    fn a_token_whose_header_cannot_be_read_has_nothing_to_show() {
        let e = expect(None, None);
        let v = Verification {
            occasion: Occasion::SignIn,
            expect: &e,
            signature: verified(),
            original: None,
        };
        assert_eq!(IdTokenReport::new("%%%.x.y", &v), None);
        assert_eq!(IdTokenReport::new("", &v), None);
    }

    #[test]
    fn a_refresh_is_not_held_to_a_nonce_and_is_compared_with_the_first_token() {
        let first = IdToken::parse(&token(HEADER, CLAIMS)).unwrap().claims;
        let refreshed = CLAIMS
            .replace("\"iat\":1000", "\"iat\":1100")
            .replace("\"sub\":\"42\"", "\"sub\":\"43\"");
        let e = expect(None, None);
        let r = IdTokenReport::new(
            &token(HEADER, &refreshed),
            &Verification {
                occasion: Occasion::Refresh,
                expect: &e,
                signature: verified(),
                original: Some(&first),
            },
        )
        .unwrap();
        assert_eq!(outcome(&r, "nonce"), Outcome::NotChecked);
        assert!(r
            .checks_of("nonce")
            .next()
            .unwrap()
            .reason
            .as_deref()
            .unwrap()
            .contains("§12.2"));
        assert_eq!(outcome(&r, "at_hash"), Outcome::NotChecked);
        assert_eq!(outcome(&r, "first:iss"), Outcome::Passed);
        assert_eq!(outcome(&r, "first:sub"), Outcome::Failed);
        assert_eq!(outcome(&r, "first:iat"), Outcome::Passed);
        let sub: Vec<_> = r.checks_of("sub").collect();
        assert_eq!(sub.len(), 1);
        assert_eq!(sub[0].expected, "\"42\"");
        assert_eq!(
            r.checks_of("iat").count(),
            2,
            "the clock, then the first token"
        );
        assert!(
            r.checks.iter().all(|c| c.check != "first:auth_time"),
            "the first had none"
        );
    }

    #[test]
    fn a_report_reads_back_from_its_json() {
        let (r, _) = wrong_at_hash();
        let text = r.to_json().to_text();
        assert_eq!(
            IdTokenReport::from_json(&Json::parse(&text).unwrap()),
            Some(r)
        );
        assert_eq!(IdTokenReport::from_json(&Json::parse("{}").unwrap()), None);
    }
}
