//! The OpenID Connect user info answer (Google's `/oauth2/v3/userinfo`), and the check that it
//! describes the same person token info did.

use crate::error::AuthError;
use crate::json::{Json, Object, ReadError};
use crate::session::Session;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    pub sub: String,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub picture: Option<String>,
    pub email: Option<String>,
    pub email_verified: Option<bool>,
    /// A Google Workspace account's domain.
    pub hd: Option<String>,
}

impl UserInfo {
    /// `sub` is required; unknown members are ignored; a known one of the wrong type is an error.
    pub fn from_json(body: &str) -> Result<Self, ReadError> {
        let o = Json::parse_object(body)?;
        Ok(UserInfo {
            sub: Object::required("sub", o.string("sub")?)?,
            name: o.string("name")?,
            given_name: o.string("given_name")?,
            family_name: o.string("family_name")?,
            picture: o.string("picture")?,
            email: o.string("email")?,
            email_verified: match o.get("email_verified") {
                // Google's endpoints have sent the string form too (token info still does).
                Some(Json::String(text)) => match text.as_str() {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => {
                        return Err(crate::json::FieldError {
                            field: "email_verified",
                            expected: "must be true or false",
                        }
                        .into())
                    }
                },
                _ => o.bool("email_verified")?,
            },
            hd: o.string("hd")?,
        })
    }

    /// OIDC Core §5.3.2: the `sub` in user info MUST match the one the token was issued for.
    pub fn check_subject(&self, session: &Session) -> Result<(), AuthError> {
        if session.subject.as_deref() == Some(self.sub.as_str()) {
            Ok(())
        } else {
            Err(AuthError::SubjectMismatch)
        }
    }

    /// A name to show: the full name, else the email, else the subject.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.email.as_deref())
            .unwrap_or(&self.sub)
    }

    /// The picture URL, only if it is https (or loopback http, for the emulator): a hostile
    /// `javascript:` or `data:` value is never placed in an `src`.
    pub fn safe_picture(&self) -> Option<&str> {
        self.picture
            .as_deref()
            .filter(|p| crate::url::HttpUrl::parse(p).is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scopes::GrantedScopes;

    fn session(sub: &str) -> Session {
        Session {
            access_token: "t".into(),
            expires_at_ms: 0,
            granted_scopes: GrantedScopes::default(),
            subject: Some(sub.into()),
            email: None,
            token_type: Default::default(),
        }
    }

    #[test]
    fn google_user_info_is_parsed() {
        let u = UserInfo::from_json(r#"{"sub":"1","name":"Ada Lovelace","picture":"https://lh3.googleusercontent.com/a","email":"ada@example.test","email_verified":true,"locale":"en"}"#).unwrap();
        assert_eq!(u.display_name(), "Ada Lovelace");
        assert_eq!(
            u.safe_picture(),
            Some("https://lh3.googleusercontent.com/a")
        );
        assert!(u.check_subject(&session("1")).is_ok());
    }

    #[test]
    fn another_subject_is_rejected() {
        let u = UserInfo::from_json(r#"{"sub":"2"}"#).unwrap();
        assert_eq!(
            u.check_subject(&session("1")),
            Err(AuthError::SubjectMismatch)
        );
    }

    #[test]
    fn script_picture_is_dropped() {
        let u = UserInfo::from_json(r#"{"sub":"1","picture":"javascript:alert(1)"}"#).unwrap();
        assert_eq!(u.safe_picture(), None);
        assert_eq!(u.display_name(), "1");
    }

    #[test]
    fn email_verified_is_read_as_a_boolean_or_the_string_google_sent_before() {
        for (value, expected) in [
            ("true", Some(true)),
            ("\"true\"", Some(true)),
            ("\"false\"", Some(false)),
            ("false", Some(false)),
        ] {
            let u =
                UserInfo::from_json(&format!(r#"{{"sub":"1","email_verified":{value}}}"#)).unwrap();
            assert_eq!(u.email_verified, expected, "{value}");
        }
        assert!(UserInfo::from_json(r#"{"sub":"1","email_verified":"yes"}"#).is_err());
        assert!(UserInfo::from_json(r#"{"sub":"1","email_verified":1}"#).is_err());
    }

    #[test]
    fn a_workspace_accounts_domain_is_read() {
        let u = UserInfo::from_json(r#"{"sub":"1","hd":"workspace.example.test"}"#).unwrap();
        assert_eq!(u.hd.as_deref(), Some("workspace.example.test"));
    }
}
