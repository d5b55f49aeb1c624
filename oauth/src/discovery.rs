//! OpenID Connect Discovery 1.0: with only `issuer` configured, the endpoints come from
//! `{issuer}/.well-known/openid-configuration`. The document's `issuer` must equal the configured
//! one exactly (§4.3): otherwise a document served elsewhere could send the app to another
//! provider's endpoints (the mix-up attack's setting).

use crate::config::{ClientConfig, Flow};
use crate::json::{Json, Object, ReadError};
use crate::url::check_endpoint;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryError {
    #[error("the provider's discovery document could not be read ({0})")]
    Unreadable(String),
    #[error("the discovery document names the issuer \"{advertised}\", not the configured \"{configured}\" (they must be equal character for character, OpenID Connect Discovery §4.3)")]
    IssuerMismatch {
        configured: String,
        advertised: String,
    },
    #[error("the discovery document's {field} {problem}")]
    BadEndpoint {
        field: &'static str,
        problem: String,
    },
    #[error("the provider does not offer what the \"{flow}\" flow needs: {missing}")]
    Unsupported {
        flow: &'static str,
        missing: &'static str,
    },
}

impl DiscoveryError {
    pub fn code(&self) -> &'static str {
        match self {
            DiscoveryError::Unreadable(_) => "discovery_unreadable",
            DiscoveryError::IssuerMismatch { .. } => "discovery_issuer_mismatch",
            DiscoveryError::BadEndpoint { .. } => "discovery_bad_endpoint",
            DiscoveryError::Unsupported { .. } => "discovery_unsupported",
        }
    }
}

/// Where the document is: the issuer without a trailing slash, then the well-known path (§4.1).
pub fn document_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

/// The parts of a discovery document this app uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
    pub revocation_endpoint: Option<String>,
    pub end_session_endpoint: Option<String>,
    pub jwks_uri: String,
    pub response_types_supported: Vec<String>,
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// RFC 9449 §5.1: the proof algorithms the token endpoint accepts; absent, no DPoP.
    pub dpop_signing_alg_values_supported: Option<Vec<String>>,
}

impl ProviderMetadata {
    pub fn from_json(text: &str) -> Result<Self, ReadError> {
        let o = Json::parse_object(text)?;
        Ok(ProviderMetadata {
            issuer: Object::required("issuer", o.string("issuer")?)?,
            authorization_endpoint: Object::required(
                "authorization_endpoint",
                o.string("authorization_endpoint")?,
            )?,
            token_endpoint: o.string("token_endpoint")?,
            userinfo_endpoint: o.string("userinfo_endpoint")?,
            revocation_endpoint: o.string("revocation_endpoint")?,
            end_session_endpoint: o.string("end_session_endpoint")?,
            jwks_uri: Object::required("jwks_uri", o.string("jwks_uri")?)?,
            response_types_supported: o.strings("response_types_supported")?.unwrap_or_default(),
            code_challenge_methods_supported: o.strings("code_challenge_methods_supported")?,
            dpop_signing_alg_values_supported: o.strings("dpop_signing_alg_values_supported")?,
        })
    }

    /// The `response_type` value to send for `flow`, as the provider spells it (the order of
    /// space-separated values does not matter to the protocol, but some servers compare strings).
    pub fn response_type_for(&self, flow: Flow) -> Option<String> {
        let wanted = crate::authorization::response_type(flow);
        let mut wanted_set: Vec<&str> = wanted.split(' ').collect();
        wanted_set.sort_unstable();
        self.response_types_supported
            .iter()
            .find(|offered| {
                let mut set: Vec<&str> = offered.split(' ').filter(|s| !s.is_empty()).collect();
                set.sort_unstable();
                set == wanted_set
            })
            .cloned()
    }
}

impl ClientConfig {
    /// The configuration with the endpoints the provider's document advertises, after checking
    /// that it speaks for the configured issuer and offers what the flow needs.
    pub fn with_discovery(&self, document: &str) -> Result<ClientConfig, DiscoveryError> {
        let meta = ProviderMetadata::from_json(document)
            .map_err(|e| DiscoveryError::Unreadable(e.to_string()))?;
        if meta.issuer != self.endpoints.issuer {
            return Err(DiscoveryError::IssuerMismatch {
                configured: self.endpoints.issuer.clone(),
                advertised: meta.issuer,
            });
        }
        let checked = |field: &'static str, url: &str| {
            check_endpoint(url)
                .map(|_| url.to_owned())
                .map_err(|problem| DiscoveryError::BadEndpoint {
                    field,
                    problem: problem.to_string(),
                })
        };
        let optional = |field: &'static str, url: &Option<String>| {
            url.as_deref().map(|u| checked(field, u)).transpose()
        };
        let mut config = self.clone();
        let e = &mut config.endpoints;
        e.authorization = checked("authorization_endpoint", &meta.authorization_endpoint)?;
        e.jwks_uri = checked("jwks_uri", &meta.jwks_uri)?;
        e.token = optional("token_endpoint", &meta.token_endpoint)?.unwrap_or_default();
        e.userinfo = optional("userinfo_endpoint", &meta.userinfo_endpoint)?.ok_or(
            DiscoveryError::Unsupported {
                flow: self.flow.name(),
                missing: "a userinfo_endpoint",
            },
        )?;
        e.revocation = optional("revocation_endpoint", &meta.revocation_endpoint)?;
        e.end_session = optional("end_session_endpoint", &meta.end_session_endpoint)?;
        let unsupported = |missing| DiscoveryError::Unsupported {
            flow: self.flow.name(),
            missing,
        };
        if meta.response_type_for(self.flow).is_none() {
            return Err(unsupported(
                "its response_types_supported lacks this flow's",
            ));
        }
        if self.flow == Flow::Code {
            if e.token.is_empty() {
                return Err(unsupported("a token_endpoint"));
            }
            // RFC 8414 §2: absent means PKCE is not supported.
            let s256 = meta
                .code_challenge_methods_supported
                .iter()
                .flatten()
                .any(|m| m == "S256");
            if !s256 {
                return Err(unsupported(
                    "PKCE with S256 (code_challenge_methods_supported)",
                ));
            }
        }
        // A token from the token endpoint is the one DPoP can bind (RFC 9449 §5).
        config.dpop = self.flow == Flow::Code
            && crate::dpop::offered(meta.dpop_signing_alg_values_supported.as_deref());
        config.needs_discovery = false;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "http://127.0.0.1:9000";

    fn config(flow: &str) -> ClientConfig {
        ClientConfig::from_json(
            &format!(r#"{{"client_id":"app","issuer":"{ISSUER}","flow":"{flow}"}}"#),
            None,
        )
        .unwrap()
    }

    fn document(issuer: &str) -> String {
        format!(
            r#"{{"issuer":"{issuer}","authorization_endpoint":"{ISSUER}/auth","token_endpoint":"{ISSUER}/token",
            "userinfo_endpoint":"{ISSUER}/me","revocation_endpoint":"{ISSUER}/token/revocation","jwks_uri":"{ISSUER}/jwks",
            "response_types_supported":["code","id_token token"],"code_challenge_methods_supported":["S256"]}}"#
        )
    }

    #[test]
    fn only_an_issuer_means_discovery() {
        let c = config("code");
        assert!(c.needs_discovery);
        assert!(!c.google);
        assert_eq!(
            document_url("https://op.example/tenant/"),
            "https://op.example/tenant/.well-known/openid-configuration"
        );
    }

    #[test]
    fn the_documents_endpoints_are_used() {
        let c = config("code").with_discovery(&document(ISSUER)).unwrap();
        assert_eq!(c.endpoints.authorization, format!("{ISSUER}/auth"));
        assert_eq!(c.endpoints.token, format!("{ISSUER}/token"));
        assert_eq!(c.endpoints.userinfo, format!("{ISSUER}/me"));
        assert_eq!(
            c.endpoints.revocation.as_deref(),
            Some(&*format!("{ISSUER}/token/revocation"))
        );
        assert_eq!(c.endpoints.tokeninfo, None);
        assert_eq!(
            c.endpoints.end_session, None,
            "none advertised: sign-out stays here"
        );
        assert!(!c.needs_discovery);
        assert!(!c.dpop, "no dpop_signing_alg_values_supported, no DPoP");
    }

    #[test]
    fn dpop_is_used_for_the_code_flow_when_es256_is_offered() {
        let es256 = document(ISSUER).replace(
            r#""jwks_uri""#,
            r#""dpop_signing_alg_values_supported":["PS256","ES256"],"jwks_uri""#,
        );
        assert!(config("code").with_discovery(&es256).unwrap().dpop);
        // The implicit grant's token never meets the token endpoint, where DPoP binds it.
        assert!(
            !config("token id_token")
                .with_discovery(&es256)
                .unwrap()
                .dpop
        );
        let rs256_only = es256.replace(r#""PS256","ES256""#, r#""RS256""#);
        assert!(!config("code").with_discovery(&rs256_only).unwrap().dpop);
    }

    #[test]
    fn an_advertised_end_session_endpoint_is_used_once_checked() {
        let with_logout = document(ISSUER).replace(
            r#""jwks_uri""#,
            &format!(r#""end_session_endpoint":"{ISSUER}/session/end","jwks_uri""#),
        );
        let c = config("code").with_discovery(&with_logout).unwrap();
        assert_eq!(
            c.endpoints.end_session.as_deref(),
            Some(&*format!("{ISSUER}/session/end"))
        );
        let off_loopback = with_logout.replace(
            &format!("{ISSUER}/session/end"),
            "http://evil.example/session/end",
        );
        assert_eq!(
            config("code")
                .with_discovery(&off_loopback)
                .unwrap_err()
                .code(),
            "discovery_bad_endpoint"
        );
    }

    #[test]
    fn the_issuer_must_match_exactly() {
        for other in [
            "http://127.0.0.1:9000/",
            "http://localhost:9000",
            "https://127.0.0.1:9000",
        ] {
            let e = config("code").with_discovery(&document(other)).unwrap_err();
            assert_eq!(e.code(), "discovery_issuer_mismatch", "{other}");
        }
    }

    #[test]
    fn a_provider_without_pkce_or_the_flow_is_refused() {
        let no_pkce = document(ISSUER).replace(r#""S256""#, r#""plain""#);
        assert_eq!(
            config("code").with_discovery(&no_pkce).unwrap_err().code(),
            "discovery_unsupported"
        );
        let code_only = document(ISSUER).replace(r#","id_token token""#, "");
        assert_eq!(
            config("token id_token")
                .with_discovery(&code_only)
                .unwrap_err()
                .code(),
            "discovery_unsupported"
        );
        assert_eq!(
            config("token id_token")
                .with_discovery(&document(ISSUER))
                .unwrap()
                .flow,
            Flow::TokenIdToken
        );
    }

    #[test]
    fn a_plain_http_endpoint_off_loopback_is_refused() {
        let bad =
            document(ISSUER).replace(&format!("{ISSUER}/token\""), "http://evil.example/token\"");
        assert_eq!(
            config("code").with_discovery(&bad).unwrap_err().code(),
            "discovery_bad_endpoint"
        );
    }

    #[test]
    fn response_types_match_in_any_order() {
        let meta = ProviderMetadata::from_json(&document(ISSUER)).unwrap();
        assert_eq!(
            meta.response_type_for(Flow::TokenIdToken).as_deref(),
            Some("id_token token")
        );
        assert_eq!(meta.response_type_for(Flow::Token), None);
    }
}
