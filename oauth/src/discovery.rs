//! The provider's metadata: with only `issuer` configured, the endpoints come from OpenID
//! Connect Discovery 1.0's `{issuer}/.well-known/openid-configuration`, or, where that document
//! is absent (an OAuth-only server), from RFC 8414's authorization server metadata at
//! `/.well-known/oauth-authorization-server` inserted before the issuer's path. Both use the
//! same names. The document's `issuer` must equal the configured one exactly (Discovery §4.3,
//! RFC 8414 §3.3): otherwise a document served elsewhere could send the app to another
//! provider's endpoints (the mix-up attack's setting).

use crate::config::{ClientConfig, Flow};
use crate::json::{Json, Object, ReadError};
use crate::url::check_endpoint;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoveryError {
    #[error("the provider's discovery document could not be read ({0})")]
    Unreadable(String),
    #[error("the discovery document names the issuer \"{advertised}\", not the configured \"{configured}\" (they must be equal character for character: OpenID Connect Discovery §4.3, RFC 8414 §3.3)")]
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
    MetadataDocument::OpenIdConfiguration.url(issuer)
}

/// The two documents a provider may publish its metadata in, in the order they are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataDocument {
    /// OpenID Connect Discovery 1.0 §4: appended to the issuer.
    OpenIdConfiguration,
    /// RFC 8414 §3: inserted between the issuer's host and its path.
    OAuthAuthorizationServer,
}

impl MetadataDocument {
    pub fn url(self, issuer: &str) -> String {
        match self {
            MetadataDocument::OpenIdConfiguration => format!(
                "{}/.well-known/openid-configuration",
                issuer.trim_end_matches('/')
            ),
            MetadataDocument::OAuthAuthorizationServer => {
                // §3.1: "any terminating / MUST be removed before inserting".
                let issuer = issuer.trim_end_matches('/');
                let after_scheme = issuer.find("://").map_or(0, |i| i + 3);
                let path_at = issuer[after_scheme..]
                    .find('/')
                    .map_or(issuer.len(), |i| after_scheme + i);
                let (origin, path) = issuer.split_at(path_at);
                format!("{origin}/.well-known/oauth-authorization-server{path}")
            }
        }
    }

    /// The document to try after this one answered HTTP `status`: RFC 8414's when the OpenID
    /// one is absent (404 Not Found, 410 Gone); nothing after an answer of any other kind (a
    /// server error or a refusal is not an absence) or after RFC 8414's.
    pub fn next_after(self, status: u16) -> Option<MetadataDocument> {
        match (self, status) {
            (MetadataDocument::OpenIdConfiguration, 404 | 410) => {
                Some(MetadataDocument::OAuthAuthorizationServer)
            }
            _ => None,
        }
    }

    /// How the inspector and the messages name it.
    pub fn name(self) -> &'static str {
        match self {
            MetadataDocument::OpenIdConfiguration => {
                "discovery document (OpenID Connect Discovery)"
            }
            MetadataDocument::OAuthAuthorizationServer => {
                "authorization server metadata (RFC 8414)"
            }
        }
    }
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
    /// Required by OpenID Connect Discovery, optional in RFC 8414: without it no ID token can
    /// be verified, which every flow here needs with a provider other than Google.
    pub jwks_uri: Option<String>,
    pub response_types_supported: Vec<String>,
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// RFC 9449 §5.1: the proof algorithms the token endpoint accepts; absent, no DPoP.
    pub dpop_signing_alg_values_supported: Option<Vec<String>>,
    /// RFC 9126 §5.
    pub pushed_authorization_request_endpoint: Option<String>,
    pub require_pushed_authorization_requests: bool,
    /// RFC 9207 §3: the provider puts `iss` in every authorization response.
    pub authorization_response_iss_parameter_supported: bool,
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
            jwks_uri: o.string("jwks_uri")?,
            response_types_supported: o.strings("response_types_supported")?.unwrap_or_default(),
            code_challenge_methods_supported: o.strings("code_challenge_methods_supported")?,
            dpop_signing_alg_values_supported: o.strings("dpop_signing_alg_values_supported")?,
            pushed_authorization_request_endpoint: o
                .string("pushed_authorization_request_endpoint")?,
            // Both default to false when omitted (RFC 9126 §5, RFC 9207 §3).
            require_pushed_authorization_requests: o
                .bool("require_pushed_authorization_requests")?
                .unwrap_or(false),
            authorization_response_iss_parameter_supported: o
                .bool("authorization_response_iss_parameter_supported")?
                .unwrap_or(false),
        })
    }

    /// The `response_type` value to send for `flow`, as the provider spells it (the order of
    /// space-separated values does not matter to the protocol, but some servers compare strings).
    pub fn response_type_for(&self, flow: Flow) -> Option<String> {
        let wanted = flow.response_type();
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
        e.jwks_uri = optional("jwks_uri", &meta.jwks_uri)?.ok_or(DiscoveryError::Unsupported {
            flow: self.flow.name(),
            missing: "a jwks_uri, the keys its ID tokens are verified with (an OAuth-only server issues none, and this page learns who signed in from the ID token)",
        })?;
        e.token = optional("token_endpoint", &meta.token_endpoint)?.unwrap_or_default();
        e.userinfo = optional("userinfo_endpoint", &meta.userinfo_endpoint)?.ok_or(
            DiscoveryError::Unsupported {
                flow: self.flow.name(),
                missing: "a userinfo_endpoint",
            },
        )?;
        e.revocation = optional("revocation_endpoint", &meta.revocation_endpoint)?;
        e.end_session = optional("end_session_endpoint", &meta.end_session_endpoint)?;
        e.pushed_authorization_request = optional(
            "pushed_authorization_request_endpoint",
            &meta.pushed_authorization_request_endpoint,
        )?;
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
        config.par = crate::par::Policy::from_metadata(
            config.endpoints.pushed_authorization_request.as_deref(),
            meta.require_pushed_authorization_requests,
        )
        .map_err(unsupported)?;
        config.iss_parameter = meta.authorization_response_iss_parameter_supported;
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
        assert!(!c.quirks.google);
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

    #[test]
    fn rfc_8414_inserts_its_well_known_path_before_the_issuers_path() {
        let doc = MetadataDocument::OAuthAuthorizationServer;
        assert_eq!(
            doc.url("https://as.example"),
            "https://as.example/.well-known/oauth-authorization-server"
        );
        assert_eq!(
            doc.url("https://as.example/"),
            "https://as.example/.well-known/oauth-authorization-server"
        );
        // RFC 8414 §3.1's own example.
        assert_eq!(
            doc.url("https://example.com/issuer1"),
            "https://example.com/.well-known/oauth-authorization-server/issuer1"
        );
        assert_eq!(
            doc.url("http://127.0.0.1:9000/realms/a/"),
            "http://127.0.0.1:9000/.well-known/oauth-authorization-server/realms/a"
        );
        assert_eq!(
            doc.url("https://a/b"),
            "https://a/.well-known/oauth-authorization-server/b",
            "a one-letter host"
        );
        assert_eq!(
            MetadataDocument::OpenIdConfiguration.url("https://example.com/issuer1"),
            "https://example.com/issuer1/.well-known/openid-configuration"
        );
        // How the inspector's check names each.
        assert_eq!(
            MetadataDocument::OpenIdConfiguration.name(),
            "discovery document (OpenID Connect Discovery)"
        );
        assert_eq!(doc.name(), "authorization server metadata (RFC 8414)");
    }

    #[test]
    fn rfc_8414_is_tried_only_where_the_openid_document_is_absent() {
        let openid = MetadataDocument::OpenIdConfiguration;
        for absent in [404, 410] {
            assert_eq!(
                openid.next_after(absent),
                Some(MetadataDocument::OAuthAuthorizationServer)
            );
        }
        for other in [200, 301, 400, 401, 403, 429, 500, 503] {
            assert_eq!(openid.next_after(other), None, "{other}");
        }
        assert_eq!(
            MetadataDocument::OAuthAuthorizationServer.next_after(404),
            None,
            "nothing after the last"
        );
    }

    #[test]
    fn an_oauth_only_server_without_keys_cannot_sign_anyone_in() {
        let no_keys = document(ISSUER).replace(&format!(r#""jwks_uri":"{ISSUER}/jwks","#), "");
        assert!(!no_keys.contains("jwks_uri"));
        let e = config("code").with_discovery(&no_keys).unwrap_err();
        assert_eq!(e.code(), "discovery_unsupported");
        assert!(e.to_string().contains("jwks_uri"), "{e}");
    }

    #[test]
    fn a_pushed_request_endpoint_is_used_offered_or_required() {
        let with = |extra: &str| {
            document(ISSUER).replace(r#""jwks_uri""#, &format!(r#"{extra},"jwks_uri""#))
        };
        let plain = config("code").with_discovery(&document(ISSUER)).unwrap();
        assert_eq!(plain.par, crate::par::Policy::NotOffered);
        assert_eq!(plain.par_endpoint(), None);
        let offered = config("code")
            .with_discovery(&with(&format!(
                r#""pushed_authorization_request_endpoint":"{ISSUER}/request""#
            )))
            .unwrap();
        assert_eq!(offered.par, crate::par::Policy::Offered);
        assert_eq!(offered.par_endpoint(), Some(&*format!("{ISSUER}/request")));
        let required = config("code")
            .with_discovery(&with(&format!(
                r#""pushed_authorization_request_endpoint":"{ISSUER}/request","require_pushed_authorization_requests":true"#
            )))
            .unwrap();
        assert_eq!(required.par, crate::par::Policy::Required);
        let nowhere = config("code")
            .with_discovery(&with(r#""require_pushed_authorization_requests":true"#))
            .unwrap_err();
        assert_eq!(nowhere.code(), "discovery_unsupported");
        let off_loopback = config("code")
            .with_discovery(&with(
                r#""pushed_authorization_request_endpoint":"http://evil.example/request""#,
            ))
            .unwrap_err();
        assert_eq!(off_loopback.code(), "discovery_bad_endpoint");
        // Its origin is one the page must be allowed to reach.
        assert!(offered.connect_origins().contains(&ISSUER.to_owned()));
    }

    #[test]
    fn a_provider_that_names_itself_in_answers_is_held_to_it() {
        let plain = config("code").with_discovery(&document(ISSUER)).unwrap();
        assert!(!plain.iss_parameter, "absent means false (RFC 9207 §3)");
        let says = document(ISSUER).replace(
            r#""jwks_uri""#,
            r#""authorization_response_iss_parameter_supported":true,"jwks_uri""#,
        );
        assert!(config("code").with_discovery(&says).unwrap().iss_parameter);
    }
}
