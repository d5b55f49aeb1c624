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

    /// The requested scopes this set does not cover.
    pub fn missing<'a>(&self, requested: &'a [String]) -> Vec<&'a str> {
        requested
            .iter()
            .map(String::as_str)
            .filter(|s| !self.contains(s))
            .collect()
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
    fn repeated_spaces_do_not_make_empty_scopes() {
        let granted = GrantedScopes::from_space_delimited("  a  b ");
        assert_eq!(granted.iter().collect::<Vec<_>>(), vec!["a", "b"]);
    }
}
