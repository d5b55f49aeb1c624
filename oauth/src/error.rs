//! Everything that can go wrong between sending the person to the authorization server and
//! holding a verified session. Each variant has a stable machine code (shown to the person next
//! to the sentence, and used by tests) and a sentence a person can act on.

/// An error the authorization server sent back in the redirect (RFC 6749 §4.2.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderError {
    pub code: String,
    pub description: Option<String>,
    pub uri: Option<String>,
}

impl ProviderError {
    /// What the code means, in words, with `by` named where the provider is the one acting.
    /// The provider's own description is shown separately, as text.
    pub fn explanation(&self, by: &ProviderName) -> String {
        let (who, whom) = (by.subject(), by.object());
        match self.code.as_str() {
            "access_denied" => "The request for access was declined, by you on the consent page or by the account's administrator.".into(),
            "interaction_required" | "immediate_failed" => format!("{who} needs you to interact with its page before it can answer."),
            "login_required" => format!("You are not signed in to {whom} in this browser."),
            "consent_required" => "You have not yet allowed this app the access it asked for.".into(),
            "invalid_grant" => format!("{who} refused the grant: the code or refresh token is invalid, expired, already used or revoked."),
            "invalid_scope" => format!("The app asked for a scope {whom} does not know."),
            "unauthorized_client" => "This client is not allowed to use this grant type.".into(),
            "unsupported_response_type" => format!("{who} does not accept this response type for this client."),
            "invalid_request" => format!("{who} found the authorization request malformed."),
            "invalid_client" => format!("{who} does not know this app's client id, or does not let it sign in this way."),
            // RFC 9101 §7: a pushed request's reference the authorization endpoint refused.
            "invalid_request_uri" => format!("{who} no longer knows the pushed request (its request_uri is invalid, expired or already used)."),
            // RFC 9449 §5, §7.1.
            "invalid_dpop_proof" => format!("{who} refused this page's DPoP proof."),
            "use_dpop_nonce" => format!("{who} still asked for a DPoP nonce after this page sent the one it gave."),
            "server_error" => format!("{who} hit an internal error; trying again later may work."),
            "temporarily_unavailable" => format!("{who} is temporarily unable to answer; try again shortly."),
            _ => format!("{who} returned an error this app does not know."),
        }
    }
}

/// Who a sentence names as the one that answered: Google, another provider by its issuer's
/// host, or (where one text serves every provider, as on the inspector's record) "the
/// provider". One value per configuration: [`crate::ClientConfig::provider_name`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ProviderName {
    Google,
    /// Another provider, by its issuer's host (and port): `id.example.com`.
    Other(String),
    #[default]
    Unnamed,
}

impl ProviderName {
    /// Another provider, named by `issuer`'s host (and port); unnamed if it is no URL.
    pub fn for_issuer(issuer: &str) -> ProviderName {
        match crate::url::HttpUrl::parse(issuer) {
            Ok(url) => ProviderName::Other(
                url.authority
                    .rsplit('@')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            ),
            Err(_) => ProviderName::Unnamed,
        }
    }

    /// At the start of a sentence: "Google", "The provider at id.example.com", "The provider".
    pub fn subject(&self) -> String {
        match self {
            ProviderName::Google => "Google".into(),
            ProviderName::Other(host) => format!("The provider at {host}"),
            ProviderName::Unnamed => "The provider".into(),
        }
    }

    /// Inside a sentence: "Google", "the provider at id.example.com", "the provider".
    pub fn object(&self) -> String {
        match self {
            ProviderName::Google => "Google".into(),
            ProviderName::Other(host) => format!("the provider at {host}"),
            ProviderName::Unnamed => "the provider".into(),
        }
    }
}

/// Why an authorization response or a session was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("{}", provider_sentence(.0, &ProviderName::Unnamed))]
    Provider(ProviderError),
    #[error("No sign-in was started in this tab, so this response was not asked for (it may be replayed or forged). It was ignored.")]
    NoPendingAuthorization,
    #[error("The response's state does not match the one this tab sent, so it may be forged. It was ignored.")]
    StateMismatch,
    #[error(
        "The response repeats the parameter \"{0}\" (RFC 6749 §3.1 forbids it), so it was ignored."
    )]
    DuplicateParameter(String),
    #[error("The response lacks the required parameter \"{0}\", so it was ignored.")]
    MissingParameter(&'static str),
    #[error("The response's parameter \"{name}\" has an invalid value.")]
    InvalidParameter { name: &'static str },
    #[error("The token type \"{0}\" is not Bearer; a client must not use a token type it does not understand (RFC 6749 §7.1).")]
    UnsupportedTokenType(String),
    #[error("The token was issued to another application (audience \"{audience}\"), so using it could let that application act as you. It was not used.")]
    AudienceMismatch { audience: String },
    #[error("Google's token info does not recognise this token (invalid, expired or revoked). It was not used.")]
    InvalidToken,
    #[error("Token info describes a different user than user info; the answers were not trusted.")]
    SubjectMismatch,
    #[error("Your session has expired. Sign in again to continue.")]
    SessionExpired,
    #[error("The answer arrived in the wrong part of the address (the implicit grant answers in the fragment, the code grant in the query), so it was ignored.")]
    WrongResponseMode,
    #[error("The answer says it comes from \"{0}\", not from the provider this tab asked (RFC 9207): it may be a mix-up attack, so it was ignored.")]
    IssuerMismatch(String),
    #[error("The provider says it names itself in every answer (RFC 9207), but this one does not say who sent it, so it was ignored.")]
    IssuerMissing,
    #[error("The ID token was refused: {0}. Nothing from this answer was used.")]
    IdToken(#[from] crate::id_token::IdTokenError),
    #[error("The ID token names a different user ({0}) than the provider's other answers, so they were not trusted.")]
    IdTokenSubjectMismatch(String),
    #[error("The token endpoint failed (HTTP {0}) without saying why in OAuth's terms.")]
    TokenEndpoint(u16),
    #[error("The provider sent a DPoP-bound token though this page sent no DPoP proof with the request (RFC 9449 §5), so it was not used.")]
    UnexpectedDpopToken,
}

fn provider_sentence(error: &ProviderError, by: &ProviderName) -> String {
    format!("{} ({})", error.explanation(by), error.code)
}

impl AuthError {
    /// The sentence shown to the person, with `by` named where the provider speaks (`Display`
    /// says "the provider", for records that serve every provider alike).
    pub fn sentence(&self, by: &ProviderName) -> String {
        match self {
            AuthError::Provider(error) => provider_sentence(error, by),
            other => other.to_string(),
        }
    }

    /// A stable code: the provider's own for provider errors, ours otherwise.
    pub fn code(&self) -> &str {
        match self {
            AuthError::Provider(e) => &e.code,
            AuthError::NoPendingAuthorization => "no_pending_authorization",
            AuthError::StateMismatch => "state_mismatch",
            AuthError::DuplicateParameter(_) => "duplicate_parameter",
            AuthError::MissingParameter(_) => "missing_parameter",
            AuthError::InvalidParameter { .. } => "invalid_parameter",
            AuthError::UnsupportedTokenType(_) => "unsupported_token_type",
            AuthError::AudienceMismatch { .. } => "audience_mismatch",
            AuthError::InvalidToken => "invalid_token",
            AuthError::SubjectMismatch => "subject_mismatch",
            AuthError::SessionExpired => "session_expired",
            AuthError::WrongResponseMode => "wrong_response_mode",
            AuthError::IssuerMismatch(_) => "issuer_mismatch",
            AuthError::IssuerMissing => "issuer_missing",
            AuthError::IdToken(e) => e.code(),
            AuthError::IdTokenSubjectMismatch(_) => "subject_mismatch",
            AuthError::TokenEndpoint(_) => "token_endpoint_failed",
            AuthError::UnexpectedDpopToken => "unexpected_dpop_token",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_error_keeps_its_own_code() {
        let e = AuthError::Provider(ProviderError {
            code: "access_denied".into(),
            description: None,
            uri: None,
        });
        assert_eq!(e.code(), "access_denied");
        assert!(e.to_string().contains("declined"));
    }

    fn provider(code: &str) -> ProviderError {
        ProviderError {
            code: code.into(),
            description: None,
            uri: None,
        }
    }

    #[test]
    fn each_known_provider_code_has_its_own_explanation() {
        let by = ProviderName::for_issuer("https://id.example.com");
        let unknown = provider("weird").explanation(&by);
        let codes = [
            "access_denied",
            "interaction_required",
            "login_required",
            "consent_required",
            "invalid_grant",
            "invalid_scope",
            "unauthorized_client",
            "unsupported_response_type",
            "invalid_request",
            "server_error",
            "temporarily_unavailable",
        ];
        let mut explanations: Vec<String> =
            codes.iter().map(|c| provider(c).explanation(&by)).collect();
        assert!(!explanations.contains(&unknown));
        explanations.sort();
        explanations.dedup();
        assert_eq!(explanations.len(), codes.len());
        assert_eq!(
            provider("immediate_failed").explanation(&by),
            provider("interaction_required").explanation(&by),
            "the legacy name of interaction_required"
        );
    }

    #[test]
    fn each_error_has_its_stable_code() {
        use crate::id_token::IdTokenError;
        let table = [
            (
                AuthError::NoPendingAuthorization,
                "no_pending_authorization",
            ),
            (AuthError::StateMismatch, "state_mismatch"),
            (
                AuthError::DuplicateParameter("state".into()),
                "duplicate_parameter",
            ),
            (AuthError::MissingParameter("state"), "missing_parameter"),
            (
                AuthError::InvalidParameter { name: "expires_in" },
                "invalid_parameter",
            ),
            (
                AuthError::UnsupportedTokenType("mac".into()),
                "unsupported_token_type",
            ),
            (
                AuthError::AudienceMismatch {
                    audience: "x".into(),
                },
                "audience_mismatch",
            ),
            (AuthError::InvalidToken, "invalid_token"),
            (AuthError::SubjectMismatch, "subject_mismatch"),
            (AuthError::SessionExpired, "session_expired"),
            (AuthError::WrongResponseMode, "wrong_response_mode"),
            (AuthError::IssuerMismatch("x".into()), "issuer_mismatch"),
            (
                AuthError::IdToken(IdTokenError::Expired),
                "id_token_expired",
            ),
            (
                AuthError::IdTokenSubjectMismatch("x".into()),
                "subject_mismatch",
            ),
            (AuthError::TokenEndpoint(500), "token_endpoint_failed"),
            (AuthError::UnexpectedDpopToken, "unexpected_dpop_token"),
        ];
        for (error, code) in table {
            assert_eq!(error.code(), code, "{error:?}");
        }
    }

    #[test]
    fn unknown_provider_code_is_still_explained() {
        let e = ProviderError {
            code: "weird".into(),
            description: None,
            uri: None,
        };
        assert!(e
            .explanation(&ProviderName::Unnamed)
            .contains("does not know"));
    }

    #[test]
    fn no_explanation_names_google_unless_google_answered() {
        // Every code with its own sentence, and one this app does not know.
        let codes = [
            "access_denied",
            "interaction_required",
            "immediate_failed",
            "login_required",
            "consent_required",
            "invalid_grant",
            "invalid_scope",
            "unauthorized_client",
            "unsupported_response_type",
            "invalid_request",
            "invalid_client",
            "invalid_request_uri",
            "invalid_dpop_proof",
            "use_dpop_nonce",
            "server_error",
            "temporarily_unavailable",
            "weird",
        ];
        let other = ProviderName::Other("id.example.com".into());
        for code in codes {
            let e = AuthError::Provider(ProviderError {
                code: code.into(),
                description: None,
                uri: None,
            });
            for by in [&other, &ProviderName::Unnamed] {
                let said = e.sentence(by);
                assert!(!said.contains("Google"), "{code}: {said}");
                assert!(said.ends_with(&format!("({code})")), "{said}");
            }
            assert_eq!(e.to_string(), e.sentence(&ProviderName::Unnamed));
        }
        let malformed = AuthError::Provider(ProviderError {
            code: "invalid_request".into(),
            description: None,
            uri: None,
        });
        assert_eq!(
            malformed.sentence(&ProviderName::Google),
            "Google found the authorization request malformed. (invalid_request)"
        );
        assert_eq!(
            malformed.sentence(&other),
            "The provider at id.example.com found the authorization request malformed. (invalid_request)"
        );
        let login = ProviderError {
            code: "login_required".into(),
            description: None,
            uri: None,
        };
        assert_eq!(
            login.explanation(&other),
            "You are not signed in to the provider at id.example.com in this browser."
        );
        // Errors that are not the provider's say the same whoever asks.
        assert_eq!(
            AuthError::StateMismatch.sentence(&other),
            AuthError::StateMismatch.to_string()
        );
    }
}
