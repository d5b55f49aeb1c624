//! Whether the Content-Security-Policy a page runs under lets it reach what its configuration
//! names. The policy is computed from config.json when the site is built (`cargo xtask csp`);
//! a config.json changed afterwards without it leaves the page allowed to fetch only the old
//! endpoints, and the first sign of it would be `network_error: Failed to fetch` after consent.
//! Checked before anyone is sent to the provider, the page can say which origins are blocked
//! and what fixes it.
//!
//! Only `connect-src` (or `default-src` in its absence) matters: the authorization endpoint is a
//! navigation, which `connect-src` does not govern. Source expressions are matched as CSP Level 3
//! §6.7.2 matches them, by origin: a path in a source is not compared (the page fetches several
//! paths of each origin; a policy narrowing by path is trusted to name the right ones).

use crate::ClientConfig;

/// The origins `config` fetches from (its [`ClientConfig::connect_origins`]) that one of
/// `policies` (the texts of the page's policies, each of which is enforced) does not allow to a
/// page of `page_origin`, in the order `connect_origins` gives them.
pub fn blocked_connect_origins(
    policies: &[String],
    config: &ClientConfig,
    page_origin: &str,
) -> Vec<String> {
    let Some(page) = Origin::parse(page_origin) else {
        return Vec::new();
    };
    config
        .connect_origins()
        .into_iter()
        .filter(|needed| blocks(policies, needed, &page))
        .collect()
}

/// Whether one of `policies` forbids a page of `page_origin` to fetch `url` (`connect-src`,
/// else `default-src`), as the browser would before sending anything. A URL that is not an
/// absolute URL with a host is not for this check to judge, and is not reported.
pub fn blocks_fetch(policies: &[String], url: &str, page_origin: &str) -> bool {
    Origin::parse(page_origin).is_some_and(|page| blocks(policies, url, &page))
}

fn blocks(policies: &[String], url: &str, page: &Origin) -> bool {
    let Some(url) = Origin::parse(url) else {
        return false;
    };
    policies
        .iter()
        .any(|policy| connect_sources(policy).is_some_and(|sources| !allows(&sources, &url, page)))
}

/// The source list that governs `fetch`: `connect-src`, else `default-src`; `None` when the
/// policy restricts neither. A repeated directive is ignored after its first (CSP3 §2.2.1).
fn connect_sources(policy: &str) -> Option<Vec<String>> {
    let mut default = None;
    let mut seen: Vec<String> = Vec::new();
    for directive in policy.split(';') {
        let mut tokens = directive.split_ascii_whitespace();
        let Some(name) = tokens.next().map(str::to_ascii_lowercase) else {
            continue;
        };
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        let sources = tokens.map(str::to_ascii_lowercase).collect();
        match name.as_str() {
            "connect-src" => return Some(sources),
            "default-src" => default = Some(sources),
            _ => {}
        }
    }
    default
}

fn allows(sources: &[String], url: &Origin, page: &Origin) -> bool {
    sources
        .iter()
        .any(|source| source_matches(source, url, page))
}

/// An origin: scheme, host and port (the scheme's default when none is written).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

impl Origin {
    fn parse(text: &str) -> Option<Origin> {
        let (scheme, rest) = text.split_once("://")?;
        let authority = rest.split(['/', '?', '#']).next()?;
        let (host, port) = split_port(authority)?;
        let port = match port {
            None => default_port(scheme),
            Some(port) => Some(port.parse().ok()?),
        };
        (!host.is_empty()).then(|| Origin {
            scheme: scheme.to_ascii_lowercase(),
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

/// `host[:port]`, with IPv6 literals kept in their brackets.
fn split_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.starts_with('[') {
        let end = authority.find(']')? + 1;
        let port = authority[end..].strip_prefix(':');
        return Some((&authority[..end], port));
    }
    Some(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

/// CSP3 §6.7.2.8 "scheme-part matching": the same scheme, or a secure upgrade of it.
fn scheme_matches(source: &str, url: &str) -> bool {
    source == url
        || matches!(
            (source, url),
            ("http", "https") | ("ws", "wss") | ("http", "wss") | ("ws", "https")
        )
}

fn source_matches(source: &str, url: &Origin, page: &Origin) -> bool {
    if source == "*" {
        // `*` covers the network schemes, which is every origin a config names.
        return matches!(url.scheme.as_str(), "http" | "https" | "ws" | "wss");
    }
    if source == "'self'" {
        // CSP3 §6.7.2.5: the page's origin, or its secure upgrade on the same host.
        let ports = url.port == page.port
            || (page.port == default_port(&page.scheme) && url.port == default_port(&url.scheme));
        let schemes = matches!(url.scheme.as_str(), "https" | "wss")
            || (page.scheme == "http" && matches!(url.scheme.as_str(), "http" | "ws"));
        return url == page || (url.host == page.host && ports && schemes);
    }
    if source.starts_with('\'') {
        // Keywords, nonces and hashes allow no URL.
        return false;
    }
    if let Some(scheme) = source.strip_suffix(':') {
        if !scheme.contains('/') {
            return scheme_matches(scheme, &url.scheme);
        }
    }
    host_source_matches(source, url, page)
}

/// `[scheme "://"] host [":" port] [path]` (CSP3 §6.7.2.6–8).
fn host_source_matches(source: &str, url: &Origin, page: &Origin) -> bool {
    let (scheme, rest) = match source.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, source),
    };
    let scheme_ok = match scheme {
        Some(scheme) => scheme_matches(scheme, &url.scheme),
        // No scheme: the page's own, or its secure upgrade.
        None => scheme_matches(&page.scheme, &url.scheme),
    };
    let authority = rest.split('/').next().unwrap_or("");
    let Some((host, port)) = split_port(authority) else {
        return false;
    };
    let host_ok = match host.strip_prefix("*.") {
        Some(parent) => url
            .host
            .strip_suffix(parent)
            .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
        None => host == url.host,
    };
    let port_ok = match port {
        None => url.port == default_port(&url.scheme),
        Some("*") => true,
        Some(port) => port.parse::<u16>().ok().is_some_and(|port| {
            Some(port) == url.port
                // A source for http's port 80 allows its upgrade to https on 443.
                || (port == 80 && url.scheme == "https" && url.port == Some(443))
        }),
    };
    scheme_ok && host_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "https://app.example";

    fn emulator_config(origin: &str) -> ClientConfig {
        let text = format!(
            r#"{{"client_id":"c","issuer":"{origin}","jwks_uri":"{origin}/oauth2/v3/certs","authorization_endpoint":"{origin}/o/oauth2/v2/auth","tokeninfo_endpoint":"{origin}/tokeninfo","userinfo_endpoint":"{origin}/oauth2/v3/userinfo","revocation_endpoint":"{origin}/revoke","api_base":"{origin}"}}"#
        );
        ClientConfig::from_json(&text, None).unwrap()
    }

    fn google() -> ClientConfig {
        ClientConfig::from_json(r#"{"client_id":"c"}"#, None).unwrap()
    }

    fn blocked(policy: &str, config: &ClientConfig, page: &str) -> Vec<String> {
        blocked_connect_origins(&[policy.to_owned()], config, page)
    }

    #[test]
    fn the_policy_written_for_the_config_blocks_nothing() {
        let config = google();
        let mut sources = vec!["'self'".to_owned()];
        sources.extend(config.connect_origins());
        let policy = format!(
            "default-src 'none'; script-src 'self'; connect-src {}; img-src data:",
            sources.join(" ")
        );
        assert_eq!(blocked(&policy, &config, PAGE), Vec::<String>::new());
    }

    #[test]
    fn a_policy_written_for_another_config_names_each_origin_it_blocks() {
        let policy = "default-src 'none'; connect-src 'self' https://oauth2.googleapis.com https://openidconnect.googleapis.com https://www.googleapis.com https://tasks.googleapis.com";
        let config = emulator_config("http://127.0.0.1:8787");
        assert_eq!(
            blocked(policy, &config, "http://127.0.0.1:8080"),
            vec!["http://127.0.0.1:8787".to_owned()]
        );
    }

    #[test]
    fn self_is_the_pages_own_origin_and_no_other_port() {
        let config = emulator_config("http://127.0.0.1:8787");
        let policy = "connect-src 'self'";
        assert_eq!(
            blocked(policy, &config, "http://127.0.0.1:8787"),
            Vec::<String>::new()
        );
        assert_eq!(
            blocked(policy, &config, "http://127.0.0.1:8080"),
            vec!["http://127.0.0.1:8787".to_owned()]
        );
    }

    #[test]
    fn self_allows_the_https_upgrade_of_the_page_origin_but_not_a_downgrade() {
        let config = emulator_config("https://app.example");
        assert_eq!(
            blocked("connect-src 'self'", &config, "http://app.example"),
            Vec::<String>::new()
        );
        let plain = emulator_config("http://localhost:80");
        assert_eq!(
            blocked("connect-src 'self'", &plain, "https://localhost"),
            vec!["http://localhost:80".to_owned()]
        );
        let other_port = emulator_config("http://localhost");
        assert_eq!(
            blocked("connect-src 'self'", &other_port, "http://localhost:8080"),
            vec!["http://localhost".to_owned()]
        );
    }

    #[test]
    fn without_connect_src_default_src_decides_and_without_either_nothing_is_blocked() {
        let config = google();
        assert_eq!(
            blocked("default-src 'none'; img-src *", &config, PAGE),
            config.connect_origins()
        );
        assert_eq!(
            blocked("img-src 'none'; script-src 'self'", &config, PAGE),
            Vec::<String>::new()
        );
        assert_eq!(blocked("", &config, PAGE), Vec::<String>::new());
        assert_eq!(
            blocked_connect_origins(&[], &config, PAGE),
            Vec::<String>::new()
        );
    }

    #[test]
    fn connect_src_wins_over_default_src_and_only_its_first_occurrence_counts() {
        let config = google();
        assert_eq!(
            blocked("default-src 'none'; connect-src https:", &config, PAGE),
            Vec::<String>::new()
        );
        assert_eq!(
            blocked("connect-src 'none'; connect-src https:", &config, PAGE),
            config.connect_origins()
        );
    }

    #[test]
    fn every_policy_on_the_page_must_allow_an_origin() {
        let config = google();
        let both = [
            "connect-src *".to_owned(),
            "connect-src 'self' https://www.googleapis.com".to_owned(),
        ];
        let blocked = blocked_connect_origins(&both, &config, PAGE);
        assert!(!blocked.is_empty());
        assert!(!blocked.contains(&"https://www.googleapis.com".to_owned()));
    }

    #[test]
    fn wildcards_schemes_and_ports_match_as_csp_level_3_says() {
        let config = emulator_config("https://id.example.com");
        let none = Vec::<String>::new();
        let all = vec!["https://id.example.com".to_owned()];
        for allowing in [
            "connect-src *",
            "connect-src https:",
            "connect-src http:",
            "connect-src *.example.com",
            "connect-src https://*.example.com",
            "connect-src id.example.com",
            "connect-src https://id.example.com:443",
            "connect-src https://id.example.com:*",
            "connect-src http://id.example.com",
            "connect-src HTTPS://ID.EXAMPLE.COM/some/path",
        ] {
            assert_eq!(blocked(allowing, &config, PAGE), none, "{allowing}");
        }
        for refusing in [
            "connect-src 'none'",
            "connect-src",
            "connect-src 'self'",
            "connect-src 'unsafe-inline' 'sha256-abc='",
            "connect-src *.id.example.com",
            "connect-src https://example.com",
            "connect-src https://id.example.com:8443",
            "connect-src wss:",
            "connect-src data: blob:",
        ] {
            assert_eq!(blocked(refusing, &config, PAGE), all, "{refusing}");
        }
    }

    #[test]
    fn a_source_without_a_scheme_takes_the_pages() {
        let config = emulator_config("http://127.0.0.1:8787");
        assert_eq!(
            blocked(
                "connect-src 127.0.0.1:8787",
                &config,
                "http://127.0.0.1:8080"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            blocked("connect-src 127.0.0.1:8787", &config, "https://app.example"),
            vec!["http://127.0.0.1:8787".to_owned()],
            "an https page's schemeless source does not allow plain http"
        );
    }

    #[test]
    fn one_url_is_judged_by_its_origin_as_the_browser_would() {
        let policy =
            vec!["default-src 'none'; connect-src 'self' http://127.0.0.1:8787".to_owned()];
        let page = "http://127.0.0.1:8080";
        assert!(!blocks_fetch(
            &policy,
            "http://127.0.0.1:8787/tasks/v1/users/@me/lists?x=1",
            page
        ));
        assert!(!blocks_fetch(
            &policy,
            "http://127.0.0.1:8080/config.json",
            page
        ));
        assert!(blocks_fetch(&policy, "https://example.com/anything", page));
        assert!(blocks_fetch(&policy, "http://127.0.0.1:8788/", page));
        assert!(
            !blocks_fetch(&[], "https://example.com/", page),
            "no policy, nothing blocked"
        );
        assert!(!blocks_fetch(&policy, "not a url", page));
        assert!(!blocks_fetch(
            &policy,
            "https://example.com/",
            "not an origin"
        ));
    }

    #[test]
    fn ipv6_literals_keep_their_brackets() {
        let config = emulator_config("http://[::1]:8787");
        assert_eq!(
            blocked(
                "connect-src http://[::1]:8787",
                &config,
                "http://[::1]:8080"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            blocked(
                "connect-src http://[::1]:8788",
                &config,
                "http://[::1]:8080"
            ),
            vec!["http://[::1]:8787".to_owned()]
        );
    }
}
