//! Just enough URL checking for configuration: absolute http(s) URLs, with plain http allowed only
//! on loopback (RFC 8252 §8.3 reasoning: nothing else may carry a token in clear text).
//! The browser's own `URL` parser does the real parsing at run time; this only rejects what
//! could never be right, so a bad config.json is reported field by field before any request.

/// Why a configured URL is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlProblem {
    #[error("is not an absolute http(s) URL")]
    NotAbsoluteHttp,
    #[error("has no host")]
    NoHost,
    #[error("contains whitespace or control characters")]
    Whitespace,
    #[error("uses plain http on a host other than localhost, 127.0.0.1 or [::1]")]
    InsecureHttp,
    #[error("contains a fragment, which OAuth endpoints must not have (RFC 6749 §3.1)")]
    Fragment,
    #[error("must be an origin only (scheme, host and port), with no path, query or fragment")]
    NotAnOrigin,
}

/// The parts of an http(s) URL the config checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl<'a> {
    pub scheme: &'a str,
    pub authority: &'a str,
    /// Path, query and fragment, as written.
    pub rest: &'a str,
}

impl<'a> HttpUrl<'a> {
    pub fn parse(text: &'a str) -> Result<Self, UrlProblem> {
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(UrlProblem::Whitespace);
        }
        let (scheme, after) = text.split_once("://").ok_or(UrlProblem::NotAbsoluteHttp)?;
        let scheme_lower = scheme.to_ascii_lowercase();
        if scheme_lower != "https" && scheme_lower != "http" {
            return Err(UrlProblem::NotAbsoluteHttp);
        }
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (authority, rest) = after.split_at(end);
        let url = HttpUrl {
            scheme,
            authority,
            rest,
        };
        if url.host().is_empty() {
            return Err(UrlProblem::NoHost);
        }
        if scheme_lower == "http" && !url.is_loopback() {
            return Err(UrlProblem::InsecureHttp);
        }
        Ok(url)
    }

    /// The host without user info or port; IPv6 literals keep their brackets.
    pub fn host(&self) -> &'a str {
        let hostport = self.authority.rsplit('@').next().unwrap_or("");
        if hostport.starts_with('[') {
            return hostport.split_inclusive(']').next().unwrap_or("");
        }
        hostport.split(':').next().unwrap_or("")
    }

    pub fn is_loopback(&self) -> bool {
        let host = self.host().to_ascii_lowercase();
        host == "localhost" || host == "[::1]" || host.starts_with("127.")
    }

    /// `scheme://authority`, the form Content-Security-Policy and CORS compare.
    pub fn origin(&self) -> String {
        format!(
            "{}://{}",
            self.scheme.to_ascii_lowercase(),
            self.authority.to_ascii_lowercase()
        )
    }
}

/// `endpoint` with the form-encoded `query` appended. An endpoint may already carry a query
/// (RFC 6749 §3.1: it must be kept; OIDC RP-Initiated Logout §2 likewise), then with `&`.
pub fn with_query(endpoint: &str, query: &str) -> String {
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    // Concatenated, not `format!`: this runs in the front door, which carries no formatting.
    let mut url = String::with_capacity(endpoint.len() + 1 + query.len());
    url.push_str(endpoint);
    url.push(separator);
    url.push_str(query);
    url
}

/// Checks an endpoint URL: absolute http(s), secure unless loopback, no fragment.
pub fn check_endpoint(text: &str) -> Result<(), UrlProblem> {
    let url = HttpUrl::parse(text)?;
    if url.rest.contains('#') {
        return Err(UrlProblem::Fragment);
    }
    Ok(())
}

/// Checks an origin (`api_base`): scheme and authority, optionally one trailing slash.
pub fn check_origin(text: &str) -> Result<(), UrlProblem> {
    let url = HttpUrl::parse(text)?;
    if !(url.rest.is_empty() || url.rest == "/") {
        return Err(UrlProblem::NotAnOrigin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_endpoint_is_accepted() {
        assert_eq!(
            check_endpoint("https://accounts.google.com/o/oauth2/v2/auth"),
            Ok(())
        );
    }

    #[test]
    fn http_is_accepted_only_on_loopback() {
        assert_eq!(check_endpoint("http://127.0.0.1:8787/tokeninfo"), Ok(()));
        assert_eq!(check_endpoint("http://localhost/x"), Ok(()));
        assert_eq!(check_endpoint("http://[::1]:9/x"), Ok(()));
        assert_eq!(
            check_endpoint("http://example.com/x"),
            Err(UrlProblem::InsecureHttp)
        );
    }

    #[test]
    fn relative_and_other_schemes_are_rejected() {
        assert_eq!(check_endpoint("not a url"), Err(UrlProblem::Whitespace));
        assert_eq!(check_endpoint("/auth"), Err(UrlProblem::NotAbsoluteHttp));
        assert_eq!(
            check_endpoint("javascript://x"),
            Err(UrlProblem::NotAbsoluteHttp)
        );
        assert_eq!(check_endpoint("https:///path"), Err(UrlProblem::NoHost));
    }

    #[test]
    fn endpoint_with_fragment_is_rejected() {
        assert_eq!(
            check_endpoint("https://a.example/auth#x"),
            Err(UrlProblem::Fragment)
        );
    }

    #[test]
    fn origin_must_not_have_a_path() {
        assert_eq!(check_origin("https://tasks.googleapis.com"), Ok(()));
        assert_eq!(check_origin("http://127.0.0.1:8787/"), Ok(()));
        assert_eq!(
            check_origin("https://a.example/v1"),
            Err(UrlProblem::NotAnOrigin)
        );
    }

    #[test]
    fn origin_is_lowercased_scheme_and_authority() {
        let url = HttpUrl::parse("HTTPS://Accounts.Google.com/x").unwrap();
        assert_eq!(url.origin(), "https://accounts.google.com");
    }
}
