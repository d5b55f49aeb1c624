//! Step 2: the authorization response, as it arrives in the redirect's fragment (RFC 6749
//! §4.2.2 and §4.2.2.1, the implicit grant) or query (§4.1.2, the code grant). Parsing only:
//! whether to trust it is [`crate::callback`]'s job.

use crate::error::{AuthError, ProviderError};

/// A parsed response. Unknown parameters (Google adds `authuser`, `prompt`, `hd`) are kept in
/// `extra` and otherwise ignored, as RFC 6749 §4.2.2 requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationResponse {
    Success(TokenResponse),
    /// The code grant's answer: a code to exchange at the token endpoint.
    Code {
        code: String,
        state: Option<String>,
        iss: Option<String>,
    },
    Error {
        error: ProviderError,
        state: Option<String>,
        iss: Option<String>,
    },
}

/// Where in the URL a response arrived: the implicit grant answers in the fragment, the code
/// grant in the query. The adapter keeps the leading `#` or `?` so the checks can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Fragment,
    Query,
}

impl ResponseMode {
    /// The mode of a raw response and its parameters; without a leading `?` it is a fragment.
    pub fn split(raw: &str) -> (ResponseMode, &str) {
        match raw.strip_prefix('?') {
            Some(query) => (ResponseMode::Query, query),
            None => (ResponseMode::Fragment, raw.strip_prefix('#').unwrap_or(raw)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: Option<String>,
    /// Raw, as sent: checked in [`crate::callback`].
    pub expires_in: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    /// OpenID Connect's ID token (`response_type=id_token token`).
    pub id_token: Option<String>,
    /// RFC 9207: the issuer that sent this answer, when it says.
    pub iss: Option<String>,
    pub extra: Parameters,
}

/// Form parameters by name, each at most once. A list rather than a map: a response has a
/// handful, and every map type monomorphised costs the wasm build kilobytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parameters(Vec<(String, String)>);

impl Parameters {
    pub fn get(&self, name: &str) -> Option<&String> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    pub fn remove(&mut self, name: &str) -> Option<String> {
        let at = self.0.iter().position(|(n, _)| n == name)?;
        Some(self.0.swap_remove(at).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}

impl AuthorizationResponse {
    pub fn state(&self) -> Option<&str> {
        match self {
            AuthorizationResponse::Success(t) => t.state.as_deref(),
            AuthorizationResponse::Code { state, .. }
            | AuthorizationResponse::Error { state, .. } => state.as_deref(),
        }
    }

    /// Whether the answer carries an ID token (`response_type=id_token token`).
    pub fn has_id_token(&self) -> bool {
        matches!(self, AuthorizationResponse::Success(t) if t.id_token.is_some())
    }

    /// RFC 9207's `iss`, when the answer carries one.
    pub fn iss(&self) -> Option<&str> {
        match self {
            AuthorizationResponse::Success(t) => t.iss.as_deref(),
            AuthorizationResponse::Code { iss, .. } | AuthorizationResponse::Error { iss, .. } => {
                iss.as_deref()
            }
        }
    }

    /// Parses a fragment or query (with or without its leading `#` or `?`).
    pub fn from_fragment(fragment: &str) -> Result<Self, AuthError> {
        let mut params = parse_parameters(ResponseMode::split(fragment).1)?;
        let state = params.remove("state");
        let iss = params.remove("iss");
        if let Some(code) = params.remove("error") {
            return Ok(AuthorizationResponse::Error {
                error: ProviderError {
                    code,
                    description: params.remove("error_description"),
                    uri: params.remove("error_uri"),
                },
                state,
                iss,
            });
        }
        let Some(access_token) = params.remove("access_token") else {
            return match params.remove("code") {
                Some(code) => Ok(AuthorizationResponse::Code { code, state, iss }),
                None => Err(AuthError::MissingParameter("access_token")),
            };
        };
        Ok(AuthorizationResponse::Success(TokenResponse {
            access_token,
            token_type: params.remove("token_type"),
            expires_in: params.remove("expires_in"),
            scope: params.remove("scope"),
            state,
            id_token: params.remove("id_token"),
            iss,
            extra: params,
        }))
    }
}

/// Whether a fragment is an authorization response at all, rather than an ordinary in-page anchor.
pub fn looks_like_authorization_response(fragment: &str) -> bool {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    form_urlencoded::parse(fragment.as_bytes()).any(|(name, _)| {
        matches!(
            name.as_ref(),
            "access_token" | "error" | "state" | "code" | "id_token"
        )
    })
}

/// Form-decodes `input`, rejecting a repeated parameter and dropping empty values
/// (RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted";
/// "Request and response parameters MUST NOT be included more than once").
pub fn parse_parameters(input: &str) -> Result<Parameters, AuthError> {
    let mut seen: Vec<(String, String)> = Vec::new();
    for (name, value) in form_urlencoded::parse(input.as_bytes()) {
        if name.is_empty() {
            continue;
        }
        if seen.iter().any(|(n, _)| *n == name) {
            return Err(AuthError::DuplicateParameter(name.into_owned()));
        }
        seen.push((name.into_owned(), value.into_owned()));
    }
    seen.retain(|(_, value)| !value.is_empty());
    Ok(Parameters(seen))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn success(fragment: &str) -> TokenResponse {
        match AuthorizationResponse::from_fragment(fragment) {
            Ok(AuthorizationResponse::Success(t)) => t,
            other => panic!("not a success: {other:?}"),
        }
    }

    #[test]
    fn google_success_fragment_is_parsed() {
        let t = success(
            "#state=s1&access_token=ya29.a&token_type=Bearer&expires_in=3599&scope=email%20openid&authuser=0&prompt=consent",
        );
        assert_eq!(t.access_token, "ya29.a");
        assert_eq!(t.token_type.as_deref(), Some("Bearer"));
        assert_eq!(t.expires_in.as_deref(), Some("3599"));
        assert_eq!(t.scope.as_deref(), Some("email openid"));
        assert_eq!(t.state.as_deref(), Some("s1"));
        assert_eq!(t.extra.get("authuser").map(String::as_str), Some("0"));
    }

    #[test]
    fn unknown_parameters_are_kept_as_extra() {
        let t = success("access_token=a&state=s&authuser=0&hd=example.test");
        let mut extra: Vec<(&str, &str)> = t.extra.iter().collect();
        extra.sort_unstable();
        assert_eq!(extra, [("authuser", "0"), ("hd", "example.test")]);
    }

    #[test]
    fn error_fragment_is_parsed_with_its_description() {
        let r = AuthorizationResponse::from_fragment(
            "error=access_denied&error_description=No+way&state=s",
        )
        .unwrap();
        assert_eq!(
            r,
            AuthorizationResponse::Error {
                error: ProviderError {
                    code: "access_denied".into(),
                    description: Some("No way".into()),
                    uri: None
                },
                state: Some("s".into()),
                iss: None,
            }
        );
    }

    #[test]
    fn repeated_parameter_is_rejected() {
        let e = AuthorizationResponse::from_fragment("access_token=a&access_token=b&state=s")
            .unwrap_err();
        assert_eq!(e, AuthError::DuplicateParameter("access_token".into()));
    }

    #[test]
    fn repeated_state_is_rejected_even_when_one_is_empty() {
        let e = AuthorizationResponse::from_fragment("access_token=a&state=&state=s").unwrap_err();
        assert_eq!(e, AuthError::DuplicateParameter("state".into()));
    }

    #[test]
    fn empty_access_token_counts_as_missing() {
        let e = AuthorizationResponse::from_fragment("access_token=&state=s").unwrap_err();
        assert_eq!(e, AuthError::MissingParameter("access_token"));
    }

    #[test]
    fn ordinary_anchor_is_not_a_response() {
        assert!(!looks_like_authorization_response("#section-2"));
        assert!(looks_like_authorization_response("#error=access_denied"));
        assert!(looks_like_authorization_response("state=x&access_token=y"));
    }
}
