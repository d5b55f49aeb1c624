use oauth::json::{Json, Object};
use oauth::scopes::GrantedScopes;
use oauth::{Access, ApiScopes};

/// What a feature may know of the signed-in session. The access token is not part of it: a
/// feature asks the host to make each call ([`super::Host::call`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureSession {
    /// What the token may do (from token info or the token endpoint, never from what was asked).
    pub granted_scopes: Vec<String>,
    /// Scopes the last authorization asked for that the person unticked on the consent page.
    pub declined: Vec<String>,
    /// An origin standing in for Google's API hosts (the emulator), as config.json's `api_base`.
    pub api_base: Option<String>,
    /// The provider's user info endpoint.
    pub userinfo_endpoint: String,
    /// Google's token info endpoint (the emulator's); none for another provider.
    pub tokeninfo_endpoint: Option<String>,
    /// Whether Google's APIs (Tasks, Calendar) are there to call: Google or its emulator.
    pub google_apis: bool,
}

impl FeatureSession {
    /// How far the token may use `api`.
    pub fn access(&self, api: &ApiScopes) -> Access {
        GrantedScopes::from_list(self.granted_scopes.iter().cloned()).access(api)
    }

    /// The URL of an API call (see [`oauth::config::api_url`]).
    pub fn api_url(&self, google_origin: &str, path_and_query: &str) -> String {
        oauth::config::api_url(self.api_base.as_deref(), google_origin, path_and_query)
    }

    /// The endpoints the inspector's "Try a request" offers as presets.
    pub fn endpoints(&self) -> oauth::playground::Endpoints<'_> {
        oauth::playground::Endpoints {
            userinfo: &self.userinfo_endpoint,
            tokeninfo: self.tokeninfo_endpoint.as_deref(),
            google_apis: self.google_apis,
            api_base: self.api_base.as_deref(),
        }
    }

    /// The session as it crosses to the features module, on mount and on every change.
    pub fn to_json(&self) -> String {
        let list = |items: &[String]| Json::Array(items.iter().map(|s| Json::string(s)).collect());
        Json::object([
            ("granted_scopes", list(&self.granted_scopes)),
            ("declined", list(&self.declined)),
            ("api_base", Json::optional(self.api_base.as_deref())),
            ("userinfo_endpoint", Json::string(&self.userinfo_endpoint)),
            (
                "tokeninfo_endpoint",
                Json::optional(self.tokeninfo_endpoint.as_deref()),
            ),
            ("google_apis", Json::Bool(self.google_apis)),
        ])
        .to_text()
    }

    /// The session [`FeatureSession::to_json`] wrote; `None` if a member is missing or of
    /// another type.
    pub fn from_json(text: &str) -> Option<FeatureSession> {
        let o: Object = Json::parse_object(text).ok()?;
        Some(FeatureSession {
            granted_scopes: o.strings("granted_scopes").ok()??,
            declined: o.strings("declined").ok()??,
            api_base: o.string("api_base").ok()?,
            userinfo_endpoint: o.string("userinfo_endpoint").ok()??,
            tokeninfo_endpoint: o.string("tokeninfo_endpoint").ok()?,
            google_apis: o.bool("google_apis").ok()??,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth::scopes::{google, TASKS_API};

    #[test]
    fn a_session_reads_back_from_its_json() {
        let session = FeatureSession {
            granted_scopes: vec!["openid".into(), google::TASKS_READONLY.into()],
            declined: vec![google::TASKS.into()],
            api_base: Some("http://127.0.0.1:8787".into()),
            userinfo_endpoint: "http://127.0.0.1:8787/oauth2/v3/userinfo".into(),
            tokeninfo_endpoint: Some("http://127.0.0.1:8787/tokeninfo".into()),
            google_apis: true,
        };
        assert_eq!(
            FeatureSession::from_json(&session.to_json()),
            Some(session.clone())
        );
        let google_hosts = FeatureSession {
            api_base: None,
            tokeninfo_endpoint: None,
            ..session
        };
        assert_eq!(
            FeatureSession::from_json(&google_hosts.to_json()),
            Some(google_hosts)
        );
        assert_eq!(FeatureSession::from_json(r#"{"declined":[]}"#), None);
    }

    #[test]
    fn access_follows_the_granted_scopes_only() {
        let read_only = FeatureSession {
            granted_scopes: vec![google::TASKS_READONLY.into()],
            declined: vec![google::TASKS.into()],
            ..FeatureSession::default()
        };
        assert_eq!(read_only.access(&TASKS_API), Access::Read);
        assert_eq!(FeatureSession::default().access(&TASKS_API), Access::None);
    }
}
