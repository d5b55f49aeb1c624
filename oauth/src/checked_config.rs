//! config.json as the build checked it. When `cargo xtask csp` (or the build's post-build hook)
//! writes the page's Content-Security-Policy from config.json, it also writes what
//! [`ClientConfig::from_json`] made of that file, with the file's SHA-256, into a meta tag. The
//! front door fetches config.json as usual and, if its bytes are the ones the build checked,
//! signs in with the checked configuration: it carries no JSON reader and no config rules of
//! its own, and the CSP it runs under was written for this very file. Any other config.json
//! (changed since, missing, unreadable, wrong) is the app's to read, with every rule and word.
//!
//! The text is form-encoded (`name=value&…`): the front door reads form encoding anyway, for the
//! authorization response.

use crate::config::{ClientConfig, Display, Endpoints, Flow, Quirks, TokenStorage};
use crate::par::Policy;

/// The `name` of the meta tag that carries it.
pub const META_NAME: &str = "browser-oauth-config";

/// A configuration and the SHA-256 (unpadded base64url) of the config.json it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedConfig {
    pub sha256: String,
    pub config: ClientConfig,
}

fn flag(value: bool) -> &'static str {
    if value {
        "1"
    } else {
        "0"
    }
}

impl CheckedConfig {
    pub fn to_text(&self) -> String {
        let c = &self.config;
        let e = &c.endpoints;
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("sha256", &self.sha256)
            .append_pair("client_id", &c.client_id)
            .append_pair("flow", c.flow.name())
            .append_pair("scope", &c.scopes.join(" "))
            .append_pair("issuer", &e.issuer)
            .append_pair("authorization", &e.authorization)
            .append_pair("token", &e.token)
            .append_pair("userinfo", &e.userinfo)
            .append_pair("jwks_uri", &e.jwks_uri);
        for (name, value) in [
            ("tokeninfo", &e.tokeninfo),
            ("revocation", &e.revocation),
            ("end_session", &e.end_session),
            ("par_endpoint", &e.pushed_authorization_request),
            ("api_base", &e.api_base),
        ] {
            if let Some(value) = value {
                out.append_pair(name, value);
            }
        }
        let storage = match c.token_storage {
            TokenStorage::Session => "session",
            TokenStorage::Memory => "memory",
        };
        let display = match c.display {
            Display::Redirect => "redirect",
            Display::Popup => "popup",
        };
        // A pushing config is not Google-shaped: the front door must know it, to hand it over.
        let par = match c.par {
            Policy::NotOffered => "no",
            Policy::Offered => "offered",
            Policy::Required => "required",
        };
        out.append_pair("token_storage", storage)
            .append_pair("display", display)
            .append_pair("renew_lead_secs", &c.renew_lead_secs.to_string())
            .append_pair("needs_discovery", flag(c.needs_discovery))
            .append_pair("google", flag(c.quirks.google))
            .append_pair("response_type", &c.response_type)
            .append_pair("dpop", flag(c.dpop))
            .append_pair("par", par)
            .append_pair("iss_parameter", flag(c.iss_parameter))
            .finish()
    }

    /// Reads what [`CheckedConfig::to_text`] wrote; `None` for anything else (a meta tag of
    /// another build, or edited by hand): the app then reads config.json itself.
    pub fn from_text(text: &str) -> Option<CheckedConfig> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes())
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let bool = |name: &str| match get(name)?.as_str() {
            "1" => Some(true),
            "0" => Some(false),
            _ => None,
        };
        let flow = match get("flow")?.as_str() {
            "token" => Flow::Token,
            "token id_token" => Flow::TokenIdToken,
            "code" => Flow::Code,
            _ => return None,
        };
        let token_storage = match get("token_storage")?.as_str() {
            "session" => TokenStorage::Session,
            "memory" => TokenStorage::Memory,
            _ => return None,
        };
        let display = match get("display")?.as_str() {
            "redirect" => Display::Redirect,
            "popup" => Display::Popup,
            _ => return None,
        };
        let par = match get("par")?.as_str() {
            "no" => Policy::NotOffered,
            "offered" => Policy::Offered,
            "required" => Policy::Required,
            _ => return None,
        };
        let scope = get("scope")?;
        let endpoints = Endpoints {
            issuer: get("issuer")?,
            authorization: get("authorization")?,
            token: get("token")?,
            tokeninfo: get("tokeninfo"),
            userinfo: get("userinfo")?,
            revocation: get("revocation"),
            end_session: get("end_session"),
            pushed_authorization_request: get("par_endpoint"),
            jwks_uri: get("jwks_uri")?,
            api_base: get("api_base"),
        };
        // The quirks follow from what was checked, as they did when config.json was read.
        let quirks = Quirks::of(bool("google")?, &endpoints);
        Some(CheckedConfig {
            sha256: get("sha256")?,
            config: ClientConfig {
                client_id: get("client_id")?,
                flow,
                scopes: scope.split(' ').map(str::to_owned).collect(),
                endpoints,
                token_storage,
                display,
                renew_lead_secs: get("renew_lead_secs")?.parse().ok()?,
                needs_discovery: bool("needs_discovery")?,
                quirks,
                response_type: get("response_type")?,
                dpop: bool("dpop")?,
                par,
                iss_parameter: bool("iss_parameter")?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(json: &str) -> CheckedConfig {
        CheckedConfig {
            sha256: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU".into(),
            config: ClientConfig::from_json(json, None).unwrap(),
        }
    }

    #[test]
    fn every_kind_of_config_reads_back_as_it_was_written() {
        for json in [
            r#"{"client_id":"abc.apps.googleusercontent.com"}"#,
            r#"{"client_id":"a","flow":"token","scopes":["https://www.googleapis.com/auth/tasks"],"display":"popup","token_storage":"memory","renew_lead_secs":0}"#,
            r#"{"client_id":"c","issuer":"http://127.0.0.1:9","jwks_uri":"http://127.0.0.1:9/oauth2/v3/certs","authorization_endpoint":"http://127.0.0.1:9/o/oauth2/v2/auth?x=1&y=2","tokeninfo_endpoint":"http://127.0.0.1:9/tokeninfo","userinfo_endpoint":"http://127.0.0.1:9/oauth2/v3/userinfo","revocation_endpoint":"http://127.0.0.1:9/revoke","api_base":"http://127.0.0.1:9"}"#,
            r#"{"client_id":"spa","issuer":"https://op.example"}"#,
            r#"{"client_id":"a","end_session_endpoint":"https://accounts.google.com/logout"}"#,
            r#"{"client_id":"a","flow":"token id_token","issuer":"https://op.example","authorization_endpoint":"https://op.example/a","userinfo_endpoint":"https://op.example/u","jwks_uri":"https://op.example/k","pushed_authorization_request_endpoint":"https://op.example/par"}"#,
        ] {
            let written = checked(json);
            let read = CheckedConfig::from_text(&written.to_text());
            // The front door hands a config that pushes to the app for any provider.
            if json.contains("pushed_authorization_request_endpoint") {
                assert!(!read.as_ref().unwrap().config.is_google_shaped(), "{json}");
            }
            assert_eq!(read, Some(written), "{json}");
        }
    }

    #[test]
    fn a_config_whose_provider_requires_pushing_reads_back_as_requiring_it() {
        // config.json cannot say "required" (discovery does, RFC 9126 §5), but a checked config
        // carries whatever the config holds.
        let mut written = checked(
            r#"{"client_id":"a","flow":"token id_token","issuer":"https://op.example","authorization_endpoint":"https://op.example/a","userinfo_endpoint":"https://op.example/u","jwks_uri":"https://op.example/k","pushed_authorization_request_endpoint":"https://op.example/par"}"#,
        );
        written.config.par = Policy::Required;
        let read = CheckedConfig::from_text(&written.to_text()).unwrap();
        assert_eq!(read.config.par, Policy::Required);
        assert_eq!(read, written);
    }

    #[test]
    fn anything_but_what_the_build_wrote_is_refused() {
        let text = checked(r#"{"client_id":"a"}"#).to_text();
        assert_eq!(CheckedConfig::from_text(""), None);
        assert_eq!(
            CheckedConfig::from_text(&text.replace("flow=", "flaw=")),
            None
        );
        assert_eq!(
            CheckedConfig::from_text(&text.replace("display=redirect", "display=window")),
            None
        );
        assert_eq!(
            CheckedConfig::from_text(&text.replace("google=1", "google=yes")),
            None
        );
    }
}
