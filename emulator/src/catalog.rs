//! Fixed data: the built-in accounts, the known scopes and Google's scope normalisation.

/// A built-in test account. Subjects are 21-digit strings like Google's `sub` claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub sub: &'static str,
    pub email: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
    /// Background colour of the avatar circle.
    pub colour: &'static str,
    /// The Google Workspace domain of a Workspace account: Google names it as `hd` in the
    /// authorization response, the ID token and user info ("The hosted G Suite domain of the
    /// user", OpenID Connect on developers.google.com/identity/openid-connect); consumer
    /// accounts have none.
    pub hd: Option<&'static str>,
}

impl Account {
    pub fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    pub fn initials(&self) -> String {
        self.given_name
            .chars()
            .take(1)
            .chain(self.family_name.chars().take(1))
            .collect()
    }
}

pub const ACCOUNTS: [Account; 3] = [
    Account {
        sub: "100000000000000000001",
        email: "ada@example.test",
        given_name: "Ada",
        family_name: "Lovelace",
        colour: "#7b1fa2",
        hd: None,
    },
    Account {
        sub: "100000000000000000002",
        email: "grace@example.test",
        given_name: "Grace",
        family_name: "Hopper",
        colour: "#00796b",
        hd: None,
    },
    Account {
        sub: "100000000000000000003",
        email: "katherine@workspace.example.test",
        given_name: "Katherine",
        family_name: "Johnson",
        colour: "#1565c0",
        hd: Some("workspace.example.test"),
    },
];

pub fn account_by_sub(sub: &str) -> Option<&'static Account> {
    ACCOUNTS.iter().find(|a| a.sub == sub)
}

/// `login_hint` may be an email address or a `sub` (Google accepts both).
pub fn account_by_hint(hint: &str) -> Option<&'static Account> {
    ACCOUNTS
        .iter()
        .find(|a| a.sub == hint || a.email.eq_ignore_ascii_case(hint))
}

/// The second, built-in client used by the `issue_to_client` knob. It has no redirect URIs,
/// so it can never complete a flow itself: tokens for it only arrive by injection.
pub const OTHER_CLIENT_ID: &str = "other-app.apps.googleusercontent.com";

pub const USERINFO_EMAIL: &str = "https://www.googleapis.com/auth/userinfo.email";
pub const USERINFO_PROFILE: &str = "https://www.googleapis.com/auth/userinfo.profile";

/// Known scopes with the description shown on the consent page.
const SCOPES: [(&str, &str); 12] = [
    ("openid", "Associate you with your personal info on Google"),
    ("email", "See your primary Google Account email address"),
    (
        "profile",
        "See your personal info, including any personal info you've made publicly available",
    ),
    (
        USERINFO_EMAIL,
        "See your primary Google Account email address",
    ),
    (
        USERINFO_PROFILE,
        "See your personal info, including any personal info you've made publicly available",
    ),
    (
        "https://www.googleapis.com/auth/tasks",
        "Create, edit, organize, and delete all your tasks",
    ),
    (
        "https://www.googleapis.com/auth/tasks.readonly",
        "View your tasks",
    ),
    (
        "https://www.googleapis.com/auth/calendar.readonly",
        "See and download any calendar you can access using your Google Calendar",
    ),
    (
        "https://www.googleapis.com/auth/calendar.events.readonly",
        "View events on all your calendars",
    ),
    (
        "https://www.googleapis.com/auth/calendar.events",
        "View and edit events on all your calendars",
    ),
    (
        "https://www.googleapis.com/auth/calendar",
        "See, edit, share, and permanently delete all the calendars you can access using Google Calendar",
    ),
    (
        "https://www.googleapis.com/auth/drive.metadata.readonly",
        "See information about your Google Drive files",
    ),
];

pub fn is_known_scope(scope: &str) -> bool {
    SCOPES.iter().any(|(s, _)| *s == scope)
}

pub fn scope_description(scope: &str) -> &'static str {
    SCOPES
        .iter()
        .find(|(s, _)| *s == scope)
        .map(|(_, d)| *d)
        .unwrap_or("Unknown scope")
}

/// Whether the scopes name the person at all. Without one of them Google's token info leaves
/// out `sub` and `email` (google-auth-library-nodejs, `TokenInfo`: `sub` optional, `email`
/// "Provided only if your scope included the email scope value") and user info refuses the
/// token (google-api-nodejs-client#3900 quotes its 401).
pub fn has_sign_in_scope(scopes: &[String]) -> bool {
    scopes.iter().any(|s| is_sign_in_scope(s))
}

/// Sign-in scopes are always granted: Google's granular consent lets the user untick
/// only the non-sign-in scopes.
pub fn is_sign_in_scope(scope: &str) -> bool {
    matches!(
        scope,
        "openid" | "email" | "profile" | USERINFO_EMAIL | USERINFO_PROFILE
    )
}

pub fn has_email_scope(scopes: &[String]) -> bool {
    scopes.iter().any(|s| s == "email" || s == USERINFO_EMAIL)
}

pub fn has_profile_scope(scopes: &[String]) -> bool {
    scopes
        .iter()
        .any(|s| s == "profile" || s == USERINFO_PROFILE)
}

/// Google answers the short aliases together with their full URLs
/// (`email` → `email https://www.googleapis.com/auth/userinfo.email`). Order is kept,
/// each expansion follows its alias, duplicates are dropped.
pub fn normalise_scopes<S: AsRef<str>>(scopes: &[S]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    for s in scopes {
        let s = s.as_ref();
        push(s);
        match s {
            "email" => push(USERINFO_EMAIL),
            "profile" => push(USERINFO_PROFILE),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_expands_aliases_and_dedups() {
        assert_eq!(
            normalise_scopes(&["openid", "email", "profile", "email"]),
            vec![
                "openid".to_string(),
                "email".into(),
                USERINFO_EMAIL.into(),
                "profile".into(),
                USERINFO_PROFILE.into()
            ]
        );
        assert_eq!(
            normalise_scopes(&[USERINFO_EMAIL, "email"]),
            vec![USERINFO_EMAIL.to_string(), "email".into()]
        );
    }

    #[test]
    fn hints_match_email_or_sub() {
        assert_eq!(
            account_by_hint("GRACE@example.test").unwrap().sub,
            ACCOUNTS[1].sub
        );
        assert_eq!(
            account_by_hint("100000000000000000001").unwrap().email,
            "ada@example.test"
        );
        assert!(account_by_hint("nobody@example.test").is_none());
    }

    #[test]
    fn initials() {
        assert_eq!(ACCOUNTS[0].initials(), "AL");
        assert_eq!(ACCOUNTS[1].name(), "Grace Hopper");
    }
}
