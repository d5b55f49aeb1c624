//! The page's Content-Security-Policy, computed from what was built and how it is configured, so
//! it stays right when either changes (PROTOCOL.md, mitigation 5):
//!
//! - `script-src`: `'self'`, the SHA-256 of every inline script (Trunk's loader) and
//!   `'wasm-unsafe-eval'` (compiling the wasm); no `'unsafe-inline'`, no `'unsafe-eval'`.
//! - `connect-src`: `'self'` (config.json, the wasm) and the origins of the configured token info,
//!   user info and revocation endpoints and of the APIs ([`ClientConfig::connect_origins`]).
//! - `img-src`: where profile pictures come from ([`ClientConfig::picture_origins`]), and `data:`
//!   for the page's empty icon (so the browser asks for no favicon).
//! - everything else `'none'`, and Trusted Types required so no string can become script.
//!
//! The policy goes into a `<meta http-equiv>` of index.html (hosts that cannot set headers still
//! get it) and, with `frame-ancestors`, which a meta tag cannot carry, into the header form.

use crate::Result;
use base64::Engine;
use oauth::checked_config::{CheckedConfig, META_NAME};
use oauth::ClientConfig;
use sha2::{Digest, Sha256};
use std::fs;
use std::path::Path;

/// The policy's variable parts; everything else is fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub script_hashes: Vec<String>,
    pub style_hashes: Vec<String>,
    pub connect: Vec<String>,
    pub img: Vec<String>,
}

/// The config the policy is for: config.json when usable, else Google's defaults (the app then
/// shows its setup screen and calls nothing), with a warning saying why. A missing client id is
/// no obstacle: the endpoints decide the origins.
pub fn configured(config_json: Option<&str>) -> (ClientConfig, Option<String>) {
    match config_json.map(|text| ClientConfig::from_json(text, Some("csp"))) {
        Some(Ok(config)) => (config, None),
        Some(Err(errors)) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            let warning = format!(
                "config.json is invalid ({}): the CSP allows Google's endpoints",
                fields.join(", ")
            );
            (google_defaults(), Some(warning))
        }
        None => (google_defaults(), None),
    }
}

impl Policy {
    /// Hashes `index_html`'s inline scripts and styles; takes the origins from `config`.
    pub fn compute(index_html: &str, config: &ClientConfig) -> Policy {
        let hashes = |tag| {
            inline_elements(index_html, tag)
                .iter()
                .map(|text| sha256_source(text))
                .collect()
        };
        Policy {
            script_hashes: hashes("script"),
            style_hashes: hashes("style"),
            connect: config.connect_origins(),
            img: config.picture_origins(),
        }
    }

    /// The policy as a `<meta http-equiv>` may carry it (browsers ignore, and Chromium reports
    /// as an error, `frame-ancestors` there).
    pub fn meta(&self) -> String {
        let mut script = vec!["'self'".to_owned()];
        script.extend(self.script_hashes.iter().cloned());
        script.push("'wasm-unsafe-eval'".into());
        let mut style = vec!["'self'".to_owned()];
        style.extend(self.style_hashes.iter().cloned());
        let mut connect = vec!["'self'".to_owned()];
        connect.extend(self.connect.iter().cloned());
        // `data:` for index.html's empty icon, which spares the browser a favicon request.
        let mut img = vec!["data:".to_owned()];
        img.extend(self.img.iter().cloned());
        [
            "default-src 'none'".to_owned(),
            format!("script-src {}", script.join(" ")),
            format!("style-src {}", style.join(" ")),
            format!("img-src {}", img.join(" ")),
            format!("connect-src {}", connect.join(" ")),
            "base-uri 'none'".into(),
            // The one form (the setup screen's) is handled in the page and never submitted.
            "form-action 'none'".into(),
            "object-src 'none'".into(),
            "require-trusted-types-for 'script'".into(),
            "trusted-types 'none'".into(),
        ]
        .join("; ")
    }

    /// The header form, for hosts that can set headers: the meta policy plus `frame-ancestors`.
    pub fn header(&self) -> String {
        format!("{}; frame-ancestors 'none'", self.meta())
    }
}

fn google_defaults() -> ClientConfig {
    ClientConfig::from_fallback(Some("csp")).expect("Google's defaults are a valid config")
}

/// `'sha256-…'` of an inline element's text, exactly as CSP Level 3 hashes it.
fn sha256_source(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The text of every `<tag>` element without a `src` attribute. Enough HTML for what Trunk writes
/// (quoted or, minified, unquoted attributes); script and style text has no markup inside.
fn inline_elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let lower = html.to_ascii_lowercase();
    let (open, close) = (format!("<{tag}"), format!("</{tag}"));
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = lower[at..].find(&open).map(|i| at + i) {
        let after_name = start + open.len();
        // `<scripts>` or `<style-x>` would be other elements.
        if !lower[after_name..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace()) {
            at = after_name;
            continue;
        }
        let Some(tag_end) = lower[after_name..].find('>').map(|i| after_name + i) else {
            break;
        };
        let Some(body_end) = lower[tag_end..].find(&close).map(|i| tag_end + i) else {
            break;
        };
        let attributes = &lower[after_name..tag_end];
        let has_src = attributes
            .split(|c: char| c.is_ascii_whitespace())
            .any(|a| a == "src" || a.starts_with("src="));
        if !has_src {
            found.push(&html[tag_end + 1..body_end]);
        }
        at = body_end;
    }
    found
}

/// index.html with its CSP meta replaced (or inserted after `<meta charset>`, before anything
/// that loads: a meta policy governs only what follows it).
pub fn with_meta(index_html: &str, policy: &Policy) -> Result<String> {
    let tag = format!(
        r#"<meta http-equiv="Content-Security-Policy" content="{}">"#,
        policy.meta()
    );
    let lower = index_html.to_ascii_lowercase();
    let existing = lower
        .find("http-equiv=\"content-security-policy\"")
        .or_else(|| lower.find("http-equiv=content-security-policy"));
    if let Some(attribute) = existing {
        let start = lower[..attribute]
            .rfind("<meta")
            .ok_or("index.html: a CSP attribute outside a meta tag")?;
        let end = attribute
            + lower[attribute..]
                .find('>')
                .ok_or("index.html: unterminated CSP meta tag")?
            + 1;
        return Ok(format!(
            "{}{tag}{}",
            &index_html[..start],
            &index_html[end..]
        ));
    }
    let charset = lower
        .find("<meta charset")
        .ok_or("index.html has no <meta charset>, after which the CSP belongs")?;
    let insert = charset
        + lower[charset..]
            .find('>')
            .ok_or("index.html: unterminated <meta charset>")?
        + 1;
    Ok(format!(
        "{}{tag}{}",
        &index_html[..insert],
        &index_html[insert..]
    ))
}

/// The Subresource Integrity value (`sha384-…`) of a file's bytes, as every tag, the import map
/// and the front door's fetch carry it.
pub fn sri(bytes: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes))
    )
}

/// index.html with every `integrity` recomputed (as SHA-384) from the staged file its tag names:
/// a step that rewrites a file after Trunk hashed it must not leave the page refusing it.
pub fn renew_integrity(index_html: &str, staging: &Path) -> Result<String> {
    let mut out = String::with_capacity(index_html.len());
    let mut rest = index_html;
    while let Some(open) = rest.find('<') {
        let close = open
            + rest[open..]
                .find('>')
                .ok_or("index.html: unterminated tag")?;
        let tag = &rest[open..close];
        let attributes = attributes(tag);
        let integrity = attributes.iter().find(|(name, _)| *name == "integrity");
        let target = attributes
            .iter()
            .find(|(name, _)| *name == "href" || *name == "src");
        match (integrity, target) {
            (Some((_, (from, to))), Some((_, (t_from, t_to)))) => {
                let url = &tag[*t_from..*t_to];
                let file = staged_file(staging, url);
                let bytes = fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
                out.push_str(&rest[..open + from]);
                out.push_str(&sri(&bytes));
                out.push_str(&tag[*to..]);
            }
            _ => out.push_str(&rest[..close]),
        }
        rest = &rest[close..];
        out.push_str(&rest[..1]);
        rest = &rest[1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The staged file a URL of the page names, whatever public URL the build was made for: the
/// longest tail of its path that exists in the staging folder (`snippets/…/inline0.js`).
fn staged_file(staging: &Path, url: &str) -> std::path::PathBuf {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.match_indices('/')
        .map(|(at, _)| staging.join(&path[at + 1..]))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| staging.join(path.rsplit('/').next().unwrap_or(path)))
}

/// The attributes of an opening tag's text (from `<`, without `>`): each name with the byte range
/// of its value, quoted or (as minified HTML writes them) not.
fn attributes(tag: &str) -> Vec<(&str, (usize, usize))> {
    let bytes = tag.as_bytes();
    let mut found = Vec::new();
    let mut at = tag
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(tag.len());
    loop {
        while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b'/') {
            at += 1;
        }
        let name_start = at;
        while at < bytes.len() && !bytes[at].is_ascii_whitespace() && bytes[at] != b'=' {
            at += 1;
        }
        if name_start == at {
            return found;
        }
        let name = &tag[name_start..at];
        if bytes.get(at) != Some(&b'=') {
            found.push((name, (at, at)));
            continue;
        }
        at += 1;
        let (start, end) = match bytes.get(at) {
            Some(&quote @ (b'"' | b'\'')) => {
                let start = at + 1;
                let end = start
                    + tag[start..]
                        .find(quote as char)
                        .unwrap_or(tag.len() - start);
                at = (end + 1).min(tag.len());
                (start, end)
            }
            _ => {
                let start = at;
                while at < bytes.len() && !bytes[at].is_ascii_whitespace() {
                    at += 1;
                }
                (start, at)
            }
        };
        found.push((name, (start, end)));
    }
}

/// Writes the CSP into `dir/index.html` from `dir/config.json` (if any), and the config as it
/// was checked ([`with_checked_config`]); returns the header form.
pub fn write(dir: &Path) -> Result<String> {
    let index_path = dir.join("index.html");
    let html =
        fs::read_to_string(&index_path).map_err(|e| format!("{}: {e}", index_path.display()))?;
    let config_json = fs::read_to_string(dir.join("config.json")).ok();
    let (config, warning) = configured(config_json.as_deref());
    if let Some(warning) = warning {
        eprintln!("xtask csp: {warning}");
    }
    let policy = Policy::compute(&html, &config);
    let html = with_checked_config(&with_meta(&html, &policy)?, config_json.as_deref())?;
    fs::write(&index_path, html).map_err(|e| format!("{}: {e}", index_path.display()))?;
    Ok(policy.header())
}

/// index.html with the meta tag of `oauth::checked_config` for `config_json`: what
/// `ClientConfig::from_json` made of it and the file's SHA-256, so the front door can sign in
/// with it as long as the page serves exactly these bytes. None for a config.json that is
/// absent or has problems (the app then reads it and says what is wrong). Written beside the
/// CSP, which is computed from the same file: the two always agree.
pub fn with_checked_config(index_html: &str, config_json: Option<&str>) -> Result<String> {
    let lower = index_html.to_ascii_lowercase();
    let mut html = index_html.to_owned();
    for marker in [
        format!("<meta name=\"{META_NAME}\""),
        format!("<meta name={META_NAME} "),
    ] {
        if let Some(start) = lower.find(&marker) {
            let end = start
                + lower[start..]
                    .find('>')
                    .ok_or("index.html: unterminated meta")?
                + 1;
            html.replace_range(start..end, "");
            break;
        }
    }
    let checked = config_json.and_then(|text| {
        let config = oauth::ClientConfig::from_json(text, None).ok()?;
        let sha256 = oauth::base64url::encode(Sha256::digest(text.as_bytes()));
        Some(CheckedConfig { sha256, config })
    });
    let Some(checked) = checked else {
        return Ok(html);
    };
    // Form encoding has no `"` or `<`; its `&` is written as `&amp;` in an attribute.
    let tag = format!(
        r#"<meta name="{META_NAME}" content="{}">"#,
        checked.to_text().replace('&', "&amp;")
    );
    let lower = html.to_ascii_lowercase();
    let charset = lower
        .find("<meta charset")
        .ok_or("index.html has no <meta charset>")?;
    let insert = charset
        + lower[charset..]
            .find('>')
            .ok_or("index.html: unterminated meta")?
        + 1;
    html.insert_str(insert, &tag);
    Ok(html)
}

/// For the end-to-end harness, which serves a config of each test's choosing: index.html
/// rewritten for that config, the header policy, and every origin the page may reach (the
/// authorization endpoint's by navigation, the others by fetch or image), as JSON.
pub fn describe(index_html: &str, config_json: Option<&str>) -> Result<String> {
    let (config, _) = configured(config_json);
    let policy = Policy::compute(index_html, &config);
    let authorization = oauth::url::HttpUrl::parse(&config.endpoints.authorization)
        .map(|u| u.origin())
        .ok();
    let mut origins: Vec<&String> = policy
        .connect
        .iter()
        .chain(&policy.img)
        .chain(&authorization)
        .collect();
    origins.sort();
    origins.dedup();
    let answer = serde_json::json!({
        "html": with_checked_config(&with_meta(index_html, &policy)?, config_json)?,
        "header": policy.header(),
        "origins": origins,
    });
    Ok(answer.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUNK_INDEX: &str = "<!doctype html><html><head><meta charset=\"utf-8\" />\n<title>t</title>\n<script type=\"module\">\nimport init from '/app.js';\nawait init();\n</script><script src=\"/x.js\"></script></head><body></body></html>";

    const EMULATOR: &str = r#"{"client_id":"c","issuer":"http://127.0.0.1:9","jwks_uri":"http://127.0.0.1:9/oauth2/v3/certs","authorization_endpoint":"http://127.0.0.1:9/o/oauth2/v2/auth","tokeninfo_endpoint":"http://127.0.0.1:9/tokeninfo","userinfo_endpoint":"http://127.0.0.1:9/oauth2/v3/userinfo","revocation_endpoint":"http://127.0.0.1:9/revoke","api_base":"http://127.0.0.1:9"}"#;

    #[test]
    fn the_checked_config_is_written_for_a_valid_config_json_only_and_replaced_not_repeated() {
        let html = with_checked_config(TRUNK_INDEX, Some(EMULATOR)).unwrap();
        let again = with_checked_config(&html, Some(EMULATOR)).unwrap();
        assert_eq!(again, html, "written once, in the same place");
        let marker = "<meta name=\"browser-oauth-config\" content=\"";
        let start = html.find(marker).unwrap() + marker.len();
        let content = &html[start..start + html[start..].find('"').unwrap()];
        let checked = CheckedConfig::from_text(&content.replace("&amp;", "&")).unwrap();
        assert_eq!(
            checked.config,
            ClientConfig::from_json(EMULATOR, None).unwrap()
        );
        assert_eq!(
            checked.sha256,
            oauth::base64url::encode(Sha256::digest(EMULATOR.as_bytes()))
        );
        // Without a usable config.json (none, broken, no client id) there is no tag, and an
        // older one goes.
        for config in [None, Some("{"), Some(r#"{"flow":"token"}"#)] {
            let html = with_checked_config(&html, config).unwrap();
            assert!(!html.contains("browser-oauth-config"), "{config:?}");
        }
    }

    #[test]
    fn inline_script_is_hashed_and_external_one_is_not() {
        let policy = Policy::compute(TRUNK_INDEX, &configured(None).0);
        // The script's text between the tags, newlines included, as Node's crypto hashes it.
        assert_eq!(
            policy.script_hashes,
            vec!["'sha256-mStLiw5ufhC4Rn65S+yuobFT1L6YIq0IsINW02YqTpc='"]
        );
        assert_eq!(
            sha256_source(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }

    #[test]
    fn minified_unquoted_attributes_are_read() {
        let html = "<meta charset=utf-8><script type=module>a()</script><script src=/b.js></script><style>p{}</style>";
        assert_eq!(inline_elements(html, "script"), vec!["a()"]);
        assert_eq!(inline_elements(html, "style"), vec!["p{}"]);
    }

    #[test]
    fn emulator_config_allows_only_the_emulator_and_self() {
        let (config, warning) = configured(Some(EMULATOR));
        assert_eq!(warning, None);
        let policy = Policy::compute(TRUNK_INDEX, &config);
        let meta = policy.meta();
        assert!(
            meta.contains("connect-src 'self' http://127.0.0.1:9;"),
            "{meta}"
        );
        assert!(meta.contains("img-src data: http://127.0.0.1:9;"), "{meta}");
        assert!(!meta.contains("googleapis"), "{meta}");
        assert!(!meta.contains("frame-ancestors"), "{meta}");
        assert!(!meta.contains("unsafe-inline"), "{meta}");
        assert!(policy.header().ends_with("; frame-ancestors 'none'"));
    }

    #[test]
    fn without_config_google_is_allowed() {
        let policy = Policy::compute(TRUNK_INDEX, &configured(None).0);
        assert_eq!(
            policy.connect,
            vec![
                "https://oauth2.googleapis.com",
                "https://tasks.googleapis.com",
                "https://www.googleapis.com"
            ]
        );
        assert_eq!(policy.img, vec!["https://lh3.googleusercontent.com"]);
    }

    #[test]
    fn config_without_client_id_still_names_its_endpoints() {
        let without_id = EMULATOR.replace(r#""client_id":"c","#, "");
        let (config, warning) = configured(Some(&without_id));
        assert_eq!(warning, None);
        assert_eq!(config.connect_origins(), vec!["http://127.0.0.1:9"]);
    }

    #[test]
    fn invalid_config_falls_back_to_google_with_a_warning() {
        let (config, warning) = configured(Some("{ not json"));
        assert!(warning.is_some());
        assert_eq!(
            config.picture_origins(),
            vec!["https://lh3.googleusercontent.com"]
        );
    }

    #[test]
    fn describe_lists_every_origin_the_page_may_reach() {
        let answer: serde_json::Value =
            serde_json::from_str(&describe(TRUNK_INDEX, Some(EMULATOR)).unwrap()).unwrap();
        let origins: Vec<&str> = answer["origins"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o.as_str())
            .collect();
        assert_eq!(origins, vec!["http://127.0.0.1:9"]);
        assert!(answer["html"]
            .as_str()
            .unwrap()
            .contains("Content-Security-Policy"));
    }

    #[test]
    fn integrity_is_recomputed_from_the_staged_file() {
        let dir = std::env::temp_dir().join(format!("csp-integrity-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("app-1.js"), "export{}").unwrap();
        let html = r#"<link rel="modulepreload" href="/sub/app-1.js" crossorigin="anonymous" integrity="sha384-stale"><p>x</p><link crossorigin href=/app-1.js integrity=sha384-stale rel=modulepreload>"#;
        let renewed = renew_integrity(html, &dir).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        // As `printf 'export{}' | openssl dgst -sha384 -binary | base64` gives it.
        assert_eq!(
            renewed,
            html.replace(
                "sha384-stale",
                "sha384-T9wtfzHBAEG71Fa/wFmFXCrNCLZJB/nESrYm41otTxLB9m9XX4ftBy7LK/VKEMIL"
            )
        );
    }

    #[test]
    fn the_pages_own_check_finds_the_policy_written_for_a_config_allows_it_and_no_other() {
        use oauth::csp::blocked_connect_origins;
        let page = "http://127.0.0.1:8080";
        let emulator = configured(Some(EMULATOR)).0;
        let google = configured(None).0;
        let for_emulator = vec![Policy::compute(TRUNK_INDEX, &emulator).meta()];
        let for_google = vec![Policy::compute(TRUNK_INDEX, &google).meta()];
        assert!(blocked_connect_origins(&for_emulator, &emulator, page).is_empty());
        assert!(blocked_connect_origins(&for_google, &google, page).is_empty());
        assert_eq!(
            blocked_connect_origins(&for_google, &emulator, page),
            vec!["http://127.0.0.1:9"]
        );
    }

    #[test]
    fn meta_goes_after_charset_and_replaces_an_old_one() {
        let policy = Policy::compute(TRUNK_INDEX, &configured(None).0);
        let once = with_meta(TRUNK_INDEX, &policy).unwrap();
        let meta_at = once.find("Content-Security-Policy").unwrap();
        assert!(once.find("charset").unwrap() < meta_at);
        assert!(meta_at < once.find("<script").unwrap());
        let other = Policy::compute(TRUNK_INDEX, &configured(Some(EMULATOR)).0);
        let twice = with_meta(&once, &other).unwrap();
        assert_eq!(twice.matches("Content-Security-Policy").count(), 1);
        assert!(twice.contains("http://127.0.0.1:9"));
    }
}
