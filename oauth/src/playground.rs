//! "Try a request": a request the person composes in the protocol inspector, read and checked
//! before it is sent, as Google's OAuth 2.0 Playground lets one try any call with the token.
//!
//! The page sends it through its one authorised request function, which adds the token; the
//! person never types the token. Where an endpoint wants the token in the body (Google's token
//! info), the body says [`TOKEN_PLACEHOLDER`] and the sign-in module fills it in
//! ([`fill_token`]): the same name the inspector's "Copy as curl" gives the shell variable, so a
//! request reads the same in both places. A token never goes into a URL (RFC 9700 §4.3.2) or a
//! header the person writes.

use crate::api::Method;
use crate::config::{api_url, GOOGLE_CALENDAR_API, GOOGLE_TASKS_API};
use crate::json::Json;
use crate::scopes::{google, GrantedScopes, CALENDAR_API, TASKS_API};
use crate::url::{HttpUrl, UrlProblem};

/// Where the sign-in module puts the access token in a body.
pub const TOKEN_PLACEHOLDER: &str = "${ACCESS_TOKEN}";

/// What the person typed.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub method: &'a str,
    pub url: &'a str,
    /// One `Name: value` a line; blank lines are skipped.
    pub headers: &'a str,
    /// Empty for none.
    pub body: &'a str,
}

/// A request read from a [`Draft`], fit to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// Why a draft cannot be sent as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftProblem {
    #[error("\"{0}\" is not a method this page sends: GET, POST, PUT, PATCH or DELETE")]
    UnknownMethod(String),
    #[error("the URL {0}")]
    Url(UrlProblem),
    #[error(
        "header line {0} is not \"Name: value\" with a name of letters, digits and !#$%&'*+.^_`|~-"
    )]
    HeaderLine(usize),
    #[error("the {0} header is the sign-in module's to set: it adds the token (and a DPoP proof where the provider binds tokens) to every request")]
    ReservedHeader(String),
    #[error("browsers do not let a page set the {0} header (the Fetch standard's forbidden request headers), so it would not be sent")]
    ForbiddenHeader(String),
    #[error("a {0} request cannot carry a body (fetch refuses it)")]
    BodyNotAllowed(&'static str),
    #[error("the access token must not travel in a URL, where logs, history and Referer keep it (RFC 9700 §4.3.2): put {TOKEN_PLACEHOLDER} in the body instead")]
    TokenInUrl,
    #[error("{TOKEN_PLACEHOLDER} is filled in only in the body: the Authorization header already carries the token")]
    TokenInHeader,
    #[error("not sent: this page's Content-Security-Policy does not let it fetch from {0}. Its connect-src lists only what config.json names; to reach another origin, name it in config.json and run `cargo xtask csp DIR` on the deployed folder, which writes connect-src anew (the token still goes only to origins config.json names)")]
    BlockedByCsp(String),
}

impl DraftProblem {
    /// A stable machine code, shown beside the sentence.
    pub fn code(&self) -> &'static str {
        match self {
            DraftProblem::UnknownMethod(_) => "unknown_method",
            DraftProblem::Url(_) => "invalid_url",
            DraftProblem::HeaderLine(_) => "invalid_header",
            DraftProblem::ReservedHeader(_) => "reserved_header",
            DraftProblem::ForbiddenHeader(_) => "forbidden_header",
            DraftProblem::BodyNotAllowed(_) => "body_not_allowed",
            DraftProblem::TokenInUrl => "token_in_url",
            DraftProblem::TokenInHeader => "token_in_header",
            DraftProblem::BlockedByCsp(_) => "csp_blocks_request",
        }
    }
}

/// Reads `draft`, or says what stops it from being sent.
pub fn read(draft: &Draft<'_>) -> Result<Composed, DraftProblem> {
    let method = draft.method.trim();
    let method =
        Method::from_name(method).ok_or_else(|| DraftProblem::UnknownMethod(method.to_owned()))?;
    let url = draft.url.trim();
    let parsed = HttpUrl::parse(url).map_err(DraftProblem::Url)?;
    if parsed.rest.contains('#') {
        // A fragment never leaves the browser: what is sent would not be what was typed.
        return Err(DraftProblem::Url(UrlProblem::Fragment));
    }
    if url.contains(TOKEN_PLACEHOLDER) {
        return Err(DraftProblem::TokenInUrl);
    }
    let mut headers = Vec::new();
    for (i, line) in draft.headers.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or(DraftProblem::HeaderLine(i + 1))?;
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || !name.bytes().all(is_tchar) || value.contains('\0') {
            return Err(DraftProblem::HeaderLine(i + 1));
        }
        let lower = name.to_ascii_lowercase();
        if lower == "authorization" || lower == "dpop" {
            return Err(DraftProblem::ReservedHeader(name.to_owned()));
        }
        if is_forbidden(&lower) {
            return Err(DraftProblem::ForbiddenHeader(name.to_owned()));
        }
        if value.contains(TOKEN_PLACEHOLDER) {
            return Err(DraftProblem::TokenInHeader);
        }
        headers.push((name.to_owned(), value.to_owned()));
    }
    let body = (!draft.body.is_empty()).then(|| draft.body.to_owned());
    if body.is_some() && method == Method::Get {
        return Err(DraftProblem::BodyNotAllowed("GET"));
    }
    Ok(Composed {
        method,
        url: url.to_owned(),
        headers,
        body,
    })
}

/// RFC 9110 §5.6.2 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The Fetch standard's forbidden request headers (§2.2.2), which a page's fetch drops.
fn is_forbidden(lower: &str) -> bool {
    const NAMES: [&str; 21] = [
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    NAMES.contains(&lower) || lower.starts_with("proxy-") || lower.starts_with("sec-")
}

/// Refuses `request` before it is sent when one of the page's `policies` (its CSP meta tags)
/// forbids fetching its URL from a page of `page_origin`: the browser would refuse it
/// anyway, with nothing but "Failed to fetch" to show for it.
pub fn check_reach(
    request: &Composed,
    policies: &[String],
    page_origin: &str,
) -> Result<(), DraftProblem> {
    if crate::csp::blocks_fetch(policies, &request.url, page_origin) {
        let origin =
            HttpUrl::parse(&request.url).map_or_else(|_| request.url.clone(), |u| u.origin());
        return Err(DraftProblem::BlockedByCsp(origin));
    }
    Ok(())
}

/// The reason phrase of a status (RFC 9110 §15), for the statuses APIs answer; `""` for others.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        412 => "Precondition Failed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// `body` with the access token where it says [`TOKEN_PLACEHOLDER`]: form-encoded in a form
/// body, as it is elsewhere.
pub fn fill_token(body: &str, content_type: Option<&str>, token: &str) -> String {
    let form = content_type.is_some_and(|t| {
        t.trim()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    let value: String = if form {
        form_urlencoded::byte_serialize(token.as_bytes()).collect()
    } else {
        token.to_owned()
    };
    body.replace(TOKEN_PLACEHOLDER, &value)
}

/// The endpoints the session's configuration names, for the presets.
#[derive(Debug, Clone, Copy)]
pub struct Endpoints<'a> {
    pub userinfo: &'a str,
    /// Google's token info (and the emulator's): none for another provider.
    pub tokeninfo: Option<&'a str>,
    /// Whether Google's APIs (Tasks, Calendar) are in reach: Google, or the emulator.
    pub google_apis: bool,
    /// An origin standing in for Google's API hosts (config.json's `api_base`).
    pub api_base: Option<&'a str>,
}

/// A ready-made request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    pub label: &'static str,
    pub method: Method,
    pub url: String,
    pub headers: &'static str,
    pub body: &'static str,
}

/// A request for each endpoint the configuration names that the page's token opens.
pub fn presets(e: &Endpoints<'_>) -> Vec<Preset> {
    let mut presets = vec![Preset {
        label: "User info",
        method: Method::Get,
        url: e.userinfo.to_owned(),
        headers: "Accept: application/json",
        body: "",
    }];
    if let Some(tokeninfo) = e.tokeninfo {
        presets.push(Preset {
            label: "Token info",
            method: Method::Post,
            url: tokeninfo.to_owned(),
            headers: "Content-Type: application/x-www-form-urlencoded",
            body: "access_token=${ACCESS_TOKEN}",
        });
    }
    if e.google_apis {
        let url = |origin, path| api_url(e.api_base, origin, path);
        presets.push(Preset {
            label: "Tasks: my task lists",
            method: Method::Get,
            url: url(GOOGLE_TASKS_API, "/tasks/v1/users/@me/lists"),
            headers: "",
            body: "",
        });
        presets.push(Preset {
            label: "Calendar: upcoming events",
            method: Method::Get,
            url: url(
                GOOGLE_CALENDAR_API,
                "/calendar/v3/calendars/primary/events?maxResults=5",
            ),
            headers: "",
            body: "",
        });
    }
    presets
}

/// A Google API the page knows the scopes of: where it lives, and which scopes read or write.
struct ApiArea {
    google_origin: &'static str,
    path_prefix: &'static str,
    read: &'static [&'static str],
    write: &'static [&'static str],
}

const AREAS: [ApiArea; 2] = [
    ApiArea {
        google_origin: GOOGLE_TASKS_API,
        path_prefix: "/tasks/v1/",
        read: TASKS_API.read,
        write: TASKS_API.write,
    },
    ApiArea {
        google_origin: GOOGLE_CALENDAR_API,
        path_prefix: "/calendar/v3/",
        read: CALENDAR_API.read,
        // The views only read the calendar; a change needs one of these (Calendar API scopes).
        write: &[google::CALENDAR_EVENTS, google::CALENDAR],
    },
];

/// The scope to ask for when `request` goes to a Google API the token has no scope for (the
/// narrowest that would do: least privilege), or `None` when it has one or the page knows no
/// scope for it. A change (anything but GET) needs a write scope.
pub fn missing_scope(
    request: &Composed,
    e: &Endpoints<'_>,
    granted: &GrantedScopes,
) -> Option<&'static str> {
    if !e.google_apis {
        return None;
    }
    let url = HttpUrl::parse(&request.url).ok()?;
    let area = AREAS.iter().find(|area| {
        let base = api_url(e.api_base, area.google_origin, "");
        HttpUrl::parse(&base).is_ok_and(|b| b.origin() == url.origin())
            && url.rest.starts_with(area.path_prefix)
    })?;
    let needed = if request.method == Method::Get {
        area.read
    } else {
        area.write
    };
    (!needed.iter().any(|s| granted.contains(s))).then_some(needed[0])
}

/// An answer's body indented for reading when it is JSON (whatever its `Content-Type`
/// says); `None` when it is not.
pub fn pretty_json(body: &str) -> Option<String> {
    Json::parse(body).ok().map(|json| json.to_pretty_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft<'a>(method: &'a str, url: &'a str, headers: &'a str, body: &'a str) -> Draft<'a> {
        Draft {
            method,
            url,
            headers,
            body,
        }
    }

    const TASKS: &str = "https://tasks.googleapis.com/tasks/v1/users/@me/lists";

    #[test]
    fn a_draft_reads_as_typed_with_its_headers_trimmed() {
        let composed = read(&draft(
            " POST ",
            " https://tasks.googleapis.com/tasks/v1/lists/a/tasks ",
            "Content-Type: application/json\n\n  Accept :  application/json  \n",
            "{\"title\":\"x\"}",
        ))
        .unwrap();
        assert_eq!(composed.method, Method::Post);
        assert_eq!(
            composed.url,
            "https://tasks.googleapis.com/tasks/v1/lists/a/tasks"
        );
        assert_eq!(
            composed.headers,
            vec![
                ("Content-Type".into(), "application/json".into()),
                ("Accept".into(), "application/json".into())
            ]
        );
        assert_eq!(composed.body.as_deref(), Some("{\"title\":\"x\"}"));
        assert_eq!(read(&draft("GET", TASKS, "", "")).unwrap().body, None);
    }

    #[test]
    fn what_cannot_be_sent_as_typed_is_refused_with_its_reason() {
        let problem = |d: Draft<'_>| read(&d).unwrap_err();
        assert_eq!(
            problem(draft("get", TASKS, "", "")),
            DraftProblem::UnknownMethod("get".into())
        );
        assert_eq!(
            problem(draft("GET", "tasks.googleapis.com/x", "", "")),
            DraftProblem::Url(UrlProblem::NotAbsoluteHttp)
        );
        assert_eq!(
            problem(draft("GET", "http://example.com/", "", "")),
            DraftProblem::Url(UrlProblem::InsecureHttp)
        );
        assert_eq!(
            problem(draft("GET", "https://example.com/#x", "", "")),
            DraftProblem::Url(UrlProblem::Fragment)
        );
        assert_eq!(
            problem(draft("GET", TASKS, "Accept application/json", "")),
            DraftProblem::HeaderLine(1)
        );
        assert_eq!(
            problem(draft("GET", TASKS, "\nBad Name: x", "")),
            DraftProblem::HeaderLine(2)
        );
        assert_eq!(
            problem(draft("GET", TASKS, ": x", "")),
            DraftProblem::HeaderLine(1)
        );
        assert_eq!(
            problem(draft("GET", TASKS, "authorization: Bearer x", "")),
            DraftProblem::ReservedHeader("authorization".into())
        );
        assert_eq!(
            problem(draft("GET", TASKS, "DPoP: x", "")),
            DraftProblem::ReservedHeader("DPoP".into())
        );
        for forbidden in [
            "Cookie",
            "Origin",
            "Sec-Fetch-Mode",
            "Proxy-Authorization",
            "Host",
        ] {
            assert_eq!(
                problem(draft("GET", TASKS, &format!("{forbidden}: x"), "")),
                DraftProblem::ForbiddenHeader(forbidden.into()),
                "{forbidden}"
            );
        }
        assert_eq!(
            problem(draft("GET", TASKS, "", "{}")),
            DraftProblem::BodyNotAllowed("GET")
        );
        assert_eq!(
            problem(draft(
                "GET",
                "https://oauth2.googleapis.com/tokeninfo?access_token=${ACCESS_TOKEN}",
                "",
                ""
            )),
            DraftProblem::TokenInUrl
        );
        assert_eq!(
            problem(draft("GET", TASKS, "X-Token: ${ACCESS_TOKEN}", "")),
            DraftProblem::TokenInHeader
        );
        for p in [
            DraftProblem::TokenInUrl,
            DraftProblem::HeaderLine(3),
            DraftProblem::ReservedHeader("Authorization".into()),
        ] {
            assert!(!p.code().is_empty() && p.to_string().len() > 20);
        }
    }

    #[test]
    fn the_token_is_filled_in_form_encoded_in_a_form_and_as_it_is_elsewhere() {
        let token = "ya29.a/b+c";
        assert_eq!(
            fill_token(
                "access_token=${ACCESS_TOKEN}",
                Some("application/x-www-form-urlencoded; charset=utf-8"),
                token
            ),
            "access_token=ya29.a%2Fb%2Bc"
        );
        assert_eq!(
            fill_token(
                "{\"t\":\"${ACCESS_TOKEN}\"}",
                Some("application/json"),
                token
            ),
            "{\"t\":\"ya29.a/b+c\"}"
        );
        assert_eq!(fill_token("no placeholder", None, token), "no placeholder");
    }

    fn emulator() -> Endpoints<'static> {
        Endpoints {
            userinfo: "http://127.0.0.1:8787/oauth2/v3/userinfo",
            tokeninfo: Some("http://127.0.0.1:8787/tokeninfo"),
            google_apis: true,
            api_base: Some("http://127.0.0.1:8787"),
        }
    }

    #[test]
    fn presets_name_the_configured_endpoints_and_read_as_drafts() {
        let presets = presets(&emulator());
        let labels: Vec<&str> = presets.iter().map(|p| p.label).collect();
        assert_eq!(
            labels,
            [
                "User info",
                "Token info",
                "Tasks: my task lists",
                "Calendar: upcoming events"
            ]
        );
        assert_eq!(
            presets[2].url,
            "http://127.0.0.1:8787/tasks/v1/users/@me/lists"
        );
        for p in &presets {
            let composed = read(&draft(p.method.as_str(), &p.url, p.headers, p.body))
                .unwrap_or_else(|e| panic!("{}: {e}", p.label));
            assert_eq!(composed.url, p.url);
        }
        let other_provider = Endpoints {
            userinfo: "https://id.example/me",
            tokeninfo: None,
            google_apis: false,
            api_base: None,
        };
        let presets = super::presets(&other_provider);
        assert_eq!(presets.len(), 1);
        assert_eq!(presets[0].url, "https://id.example/me");
    }

    #[test]
    fn a_scope_the_token_lacks_is_named_narrowest_first() {
        let e = emulator();
        let get = |url: &str| read(&draft("GET", url, "", "")).unwrap();
        let post = |url: &str| read(&draft("POST", url, "", "{}")).unwrap();
        let tasks = "http://127.0.0.1:8787/tasks/v1/users/@me/lists";
        let calendar = "http://127.0.0.1:8787/calendar/v3/calendars/primary/events";
        let none = GrantedScopes::from_list(["openid".to_owned()]);
        assert_eq!(
            missing_scope(&get(tasks), &e, &none),
            Some(google::TASKS_READONLY)
        );
        assert_eq!(missing_scope(&post(tasks), &e, &none), Some(google::TASKS));
        assert_eq!(
            missing_scope(&get(calendar), &e, &none),
            Some(google::CALENDAR_EVENTS_READONLY)
        );
        assert_eq!(
            missing_scope(&post(calendar), &e, &none),
            Some(google::CALENDAR_EVENTS)
        );
        let read_only = GrantedScopes::from_list([google::TASKS_READONLY.to_owned()]);
        assert_eq!(missing_scope(&get(tasks), &e, &read_only), None);
        assert_eq!(
            missing_scope(&post(tasks), &e, &read_only),
            Some(google::TASKS)
        );
        let all = GrantedScopes::from_list([google::TASKS.to_owned()]);
        assert_eq!(missing_scope(&post(tasks), &e, &all), None);
        assert_eq!(
            missing_scope(&get("http://127.0.0.1:8787/oauth2/v3/userinfo"), &e, &none),
            None,
            "user info needs no API scope"
        );
        let google = Endpoints {
            api_base: None,
            ..e
        };
        assert_eq!(
            missing_scope(&get(TASKS), &google, &none),
            Some(google::TASKS_READONLY)
        );
        assert_eq!(
            missing_scope(&get(tasks), &google, &none),
            None,
            "not where Google's Tasks API is"
        );
        let not_google = Endpoints {
            google_apis: false,
            ..e
        };
        assert_eq!(missing_scope(&get(tasks), &not_google, &none), None);
    }

    #[test]
    fn a_url_the_pages_policy_does_not_allow_is_refused_naming_connect_src_and_the_command() {
        let policies =
            vec!["default-src 'none'; connect-src 'self' http://127.0.0.1:8787".to_owned()];
        let page = "http://127.0.0.1:8080";
        let to = |url: &str| read(&draft("GET", url, "", "")).unwrap();
        assert_eq!(
            check_reach(
                &to("http://127.0.0.1:8787/oauth2/v3/userinfo"),
                &policies,
                page
            ),
            Ok(())
        );
        let refused =
            check_reach(&to("https://example.com/v1/thing?x=1"), &policies, page).unwrap_err();
        assert_eq!(
            refused,
            DraftProblem::BlockedByCsp("https://example.com".into())
        );
        assert_eq!(refused.code(), "csp_blocks_request");
        let words = refused.to_string();
        assert!(
            words.contains("connect-src") && words.contains("cargo xtask csp"),
            "{words}"
        );
        assert_eq!(check_reach(&to("https://example.com/"), &[], page), Ok(()));
    }

    #[test]
    fn statuses_have_their_reason_phrases() {
        assert_eq!(reason_phrase(200), "OK");
        assert_eq!(reason_phrase(403), "Forbidden");
        assert_eq!(reason_phrase(299), "");
    }

    #[test]
    fn json_answers_are_indented_and_others_left_alone() {
        assert_eq!(
            pretty_json("{\"a\":[1,2]}").as_deref(),
            Some("{\n  \"a\": [\n    1,\n    2\n  ]\n}")
        );
        assert_eq!(pretty_json("<html>"), None);
        assert_eq!(pretty_json(""), None);
    }
}
