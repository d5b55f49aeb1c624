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

    pub fn to_json(&self) -> String {
        let list = |items: &[String]| Json::Array(items.iter().map(|s| Json::string(s)).collect());
        Json::object([
            ("granted_scopes", list(&self.granted_scopes)),
            ("declined", list(&self.declined)),
            ("api_base", Json::optional(self.api_base.as_deref())),
        ])
        .to_text()
    }

    pub fn from_json(text: &str) -> Option<FeatureSession> {
        let o: Object = Json::parse_object(text).ok()?;
        Some(FeatureSession {
            granted_scopes: o.strings("granted_scopes").ok()??,
            declined: o.strings("declined").ok()??,
            api_base: match o.get("api_base") {
                None | Some(Json::Null) => None,
                Some(base) => Some(base.as_str()?.to_owned()),
            },
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
        };
        assert_eq!(
            FeatureSession::from_json(&session.to_json()),
            Some(session.clone())
        );
        let google_hosts = FeatureSession {
            api_base: None,
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
            api_base: None,
        };
        assert_eq!(read_only.access(&TASKS_API), Access::Read);
        assert_eq!(FeatureSession::default().access(&TASKS_API), Access::None);
    }
}
