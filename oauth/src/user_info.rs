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
            email_verified: o.bool("email_verified")?,
        })
    }

    /// OIDC Core §5.3.2: the `sub` in user info MUST match the one the token was issued for.
    pub fn check_subject(&self, session: &Session) -> Result<(), AuthError> {
        if self.sub == session.subject {
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
            subject: sub.into(),
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
}
