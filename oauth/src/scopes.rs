//! The set of scopes a token actually carries. Google's granular consent lets a person untick
//! scopes, so features must gate on this set, never on what was requested.

/// Google answers `email`/`profile` requests with both the short and the URL form; treat them as one.
const ALIASES: [(&str, &str); 2] = [
    ("email", "https://www.googleapis.com/auth/userinfo.email"),
    (
        "profile",
        "https://www.googleapis.com/auth/userinfo.profile",
    ),
];

/// Scopes of the Google APIs this app calls beyond sign-in.
pub mod google {
    /// Google Tasks, read and write.
    pub const TASKS: &str = "https://www.googleapis.com/auth/tasks";
    /// Google Tasks, read only.
    pub const TASKS_READONLY: &str = "https://www.googleapis.com/auth/tasks.readonly";
    /// Calendar events, read only: the narrowest scope that lists upcoming events.
    pub const CALENDAR_EVENTS_READONLY: &str =
        "https://www.googleapis.com/auth/calendar.events.readonly";
    pub const CALENDAR_READONLY: &str = "https://www.googleapis.com/auth/calendar.readonly";
    pub const CALENDAR_EVENTS: &str = "https://www.googleapis.com/auth/calendar.events";
    pub const CALENDAR: &str = "https://www.googleapis.com/auth/calendar";

    /// What a scope lets the app do, in the words of Google's consent page, for the scopes
    /// this app asks for.
    pub fn describe(scope: &str) -> Option<&'static str> {
        Some(match scope {
            TASKS => "Create, edit, organize, and delete all your tasks",
            TASKS_READONLY => "View your tasks",
            CALENDAR_EVENTS_READONLY => "View events on all your calendars",
            _ => return None,
        })
    }
}

/// Which scopes let an app read an API, and which let it write. The first of each list is the
/// narrowest, and is the one to ask for (least privilege); any of them is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiScopes {
    pub read: &'static [&'static str],
    /// Writing implies reading; empty for an API this app only reads.
    pub write: &'static [&'static str],
}

pub const TASKS_API: ApiScopes = ApiScopes {
    read: &[google::TASKS_READONLY, google::TASKS],
    write: &[google::TASKS],
};

pub const CALENDAR_API: ApiScopes = ApiScopes {
    read: &[
        google::CALENDAR_EVENTS_READONLY,
        google::CALENDAR_READONLY,
        google::CALENDAR_EVENTS,
        google::CALENDAR,
    ],
    write: &[],
};

/// What a token lets the app do with one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    Read,
    Write,
}

impl ApiScopes {
    /// The scope to ask for to read.
    pub fn read_scope(&self) -> &'static str {
        self.read[0]
    }

    /// The scope to ask for to write, if this API is ever written.
    pub fn write_scope(&self) -> Option<&'static str> {
        self.write.first().copied()
    }

    /// Whether `scope` is one of this API's.
    pub fn covers(&self, scope: &str) -> bool {
        self.read.contains(&scope) || self.write.contains(&scope)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantedScopes(Vec<String>);

impl GrantedScopes {
    /// Parses a space-delimited `scope` value (RFC 6749 §3.3).
    pub fn from_space_delimited(value: &str) -> Self {
        Self::from_list(
            value
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        )
    }

    /// Sorted and without repeats, kept in a plain list: a set type costs the wasm build more
    /// than a few scopes ever cost a search.
    pub fn from_list(scopes: impl IntoIterator<Item = String>) -> Self {
        let mut sorted: Vec<String> = Vec::new();
        for scope in scopes {
            if let Err(at) = sorted.binary_search(&scope) {
                sorted.insert(at, scope);
            }
        }
        GrantedScopes(sorted)
    }

    pub fn contains(&self, scope: &str) -> bool {
        let has = |s: &str| self.0.iter().any(|g| g == s);
        has(scope)
            || ALIASES.iter().any(|(short, long)| {
                (scope == *short && has(long)) || (scope == *long && has(short))
            })
    }

    /// Whether the token names the person: it carries a sign-in scope (`openid`, `email` or
    /// `profile`). Without one Google's token info says nothing of whose token it is (no `sub`,
    /// no `email`) and its user info refuses the token, so who is signed in is not known.
    pub fn names_the_person(&self) -> bool {
        ["openid", "email", "profile"]
            .iter()
            .any(|scope| self.contains(scope))
    }

    /// The requested scopes this set does not cover.
    pub fn missing<'a>(&self, requested: &'a [String]) -> Vec<&'a str> {
        requested
            .iter()
            .map(String::as_str)
            .filter(|s| !self.contains(s))
            .collect()
    }

    /// What this set allows with `api`. Decided from the granted set only, never from what was
    /// asked for: the person may have unticked a scope on the consent page.
    pub fn access(&self, api: &ApiScopes) -> Access {
        let any = |scopes: &[&str]| scopes.iter().any(|s| self.contains(s));
        if any(api.write) {
            Access::Write
        } else if any(api.read) {
            Access::Read
        } else {
            Access::None
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_url_forms_are_the_same_scope() {
        let granted = GrantedScopes::from_space_delimited(
            "openid https://www.googleapis.com/auth/userinfo.email",
        );
        assert!(granted.contains("email"));
        assert!(!granted.contains("profile"));
    }

    #[test]
    fn missing_lists_unticked_scopes() {
        let granted = GrantedScopes::from_space_delimited("openid email");
        let requested = vec![
            "openid".to_string(),
            "https://www.googleapis.com/auth/tasks".to_string(),
        ];
        assert_eq!(
            granted.missing(&requested),
            vec!["https://www.googleapis.com/auth/tasks"]
        );
    }

    #[test]
    fn access_follows_the_granted_set() {
        let none = GrantedScopes::from_space_delimited("openid email");
        assert_eq!(none.access(&TASKS_API), Access::None);
        let read =
            GrantedScopes::from_space_delimited(&format!("openid {}", google::TASKS_READONLY));
        assert_eq!(read.access(&TASKS_API), Access::Read);
        let write = GrantedScopes::from_space_delimited(google::TASKS);
        assert_eq!(write.access(&TASKS_API), Access::Write);
        assert_eq!(write.access(&CALENDAR_API), Access::None);
        let calendar = GrantedScopes::from_space_delimited(google::CALENDAR);
        assert_eq!(calendar.access(&CALENDAR_API), Access::Read);
    }

    #[test]
    fn the_narrowest_scope_is_the_one_asked_for() {
        assert_eq!(TASKS_API.read_scope(), google::TASKS_READONLY);
        assert_eq!(TASKS_API.write_scope(), Some(google::TASKS));
        assert_eq!(CALENDAR_API.read_scope(), google::CALENDAR_EVENTS_READONLY);
        assert_eq!(CALENDAR_API.write_scope(), None);
        assert!(TASKS_API.covers(google::TASKS));
        assert!(!TASKS_API.covers("openid"));
    }

    #[test]
    fn the_scopes_asked_for_are_described_in_consent_words() {
        assert_eq!(
            google::describe(google::TASKS),
            Some("Create, edit, organize, and delete all your tasks")
        );
        assert_eq!(
            google::describe(google::TASKS_READONLY),
            Some("View your tasks")
        );
        assert_eq!(
            google::describe(google::CALENDAR_EVENTS_READONLY),
            Some("View events on all your calendars")
        );
        assert_eq!(google::describe(google::CALENDAR), None);
    }

    #[test]
    fn an_api_covers_its_read_only_and_its_write_scopes() {
        assert!(TASKS_API.covers(google::TASKS_READONLY), "read only");
        assert!(TASKS_API.covers(google::TASKS), "read and write");
        assert!(CALENDAR_API.covers(google::CALENDAR));
        assert!(!CALENDAR_API.covers(google::TASKS));
    }

    #[test]
    fn aliases_work_both_ways() {
        let long =
            GrantedScopes::from_space_delimited("https://www.googleapis.com/auth/userinfo.profile");
        assert!(long.contains("profile"));
        let short = GrantedScopes::from_space_delimited("email");
        assert!(short.contains("https://www.googleapis.com/auth/userinfo.email"));
        assert!(!short.contains("https://www.googleapis.com/auth/userinfo.profile"));
        assert!(!short.contains("profile"));
    }

    #[test]
    fn an_empty_grant_is_empty() {
        assert!(GrantedScopes::from_space_delimited("  ").is_empty());
        assert!(!GrantedScopes::from_space_delimited("openid").is_empty());
    }

    #[test]
    fn repeated_spaces_do_not_make_empty_scopes() {
        let granted = GrantedScopes::from_space_delimited("  a  b ");
        assert_eq!(granted.iter().collect::<Vec<_>>(), vec!["a", "b"]);
    }

    #[test]
    fn only_a_sign_in_scope_names_the_person() {
        for names in [
            "openid",
            "email",
            "https://www.googleapis.com/auth/userinfo.email",
            "https://www.googleapis.com/auth/userinfo.profile https://www.googleapis.com/auth/tasks",
        ] {
            assert!(
                GrantedScopes::from_space_delimited(names).names_the_person(),
                "{names}"
            );
        }
        for nobody in [
            "",
            google::TASKS,
            "https://www.googleapis.com/auth/tasks.readonly",
        ] {
            assert!(
                !GrantedScopes::from_space_delimited(nobody).names_the_person(),
                "{nobody}"
            );
        }
    }
}
