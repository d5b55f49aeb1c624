//! The authorization endpoint's pure logic: request validation in Google's order,
//! `prompt=none` decisions, granted-scope computation and the redirects.

use crate::catalog::{self, is_known_scope, is_sign_in_scope};
use crate::tokens::Store;
use std::collections::HashSet;

/// A registered OAuth client. Redirect URIs are compared byte for byte, as Google does
/// (RFC 6749 §3.1.2.3 simple string comparison): no normalisation of scheme, host case,
/// default ports or trailing slashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub redirect_uris: Vec<String>,
}

/// What `response_type` asks for: `code` alone, or `token` and/or `id_token` (OAuth 2.0
/// Multiple Response Type Encoding Practices: space separated, in any order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResponseType {
    pub code: bool,
    pub token: bool,
    pub id_token: bool,
}

impl ResponseType {
    /// `None` for unknown values and for the hybrid flows, which aren't emulated.
    pub fn parse(value: &str) -> Option<ResponseType> {
        let mut rt = ResponseType::default();
        for part in value.split(' ').filter(|p| !p.is_empty()) {
            let flag = match part {
                "code" => &mut rt.code,
                "token" => &mut rt.token,
                "id_token" => &mut rt.id_token,
                _ => return None,
            };
            *flag = true;
        }
        let ok = rt.code != (rt.token || rt.id_token);
        ok.then_some(rt)
    }

    /// The implicit response.
    pub const TOKEN: ResponseType = ResponseType {
        code: false,
        token: true,
        id_token: false,
    };
}

/// A validated authorization request, kept server-side while the consent page is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRequest {
    pub client_id: String,
    pub redirect_uri: String,
    pub response_type: ResponseType,
    /// Required with `id_token` (OIDC Core §3.2.2.1); echoed in the ID token.
    pub nonce: Option<String>,
    /// Requested scopes in request order, duplicates dropped, not yet normalised.
    pub scopes: Vec<String>,
    pub state: Option<String>,
    /// Distinct values of `prompt`; empty when absent.
    pub prompt: Vec<String>,
    pub login_hint: Option<String>,
    pub include_granted_scopes: bool,
}

impl AuthRequest {
    pub fn prompt_none(&self) -> bool {
        self.prompt.iter().any(|p| p == "none")
    }
}

/// An error Google shows as a page on accounts.google.com and never redirects for,
/// because the redirect URI can't be trusted yet (RFC 6749 §4.2.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    /// HTTP status, also the number in the heading ("Error 400: redirect_uri_mismatch").
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// Extra explanation lines, e.g. the received redirect URI.
    pub details: Vec<String>,
}

impl AuthError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        AuthError {
            status,
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    fn detail(mut self, line: impl Into<String>) -> Self {
        self.details.push(line.into());
        self
    }

    pub fn heading(&self) -> String {
        format!("Error {}: {}", self.status, self.code)
    }
}

const PROMPT_VALUES: [&str; 3] = ["none", "consent", "select_account"];

/// Validates a query string of `GET /o/oauth2/v2/auth` in the order Google reports problems.
pub fn validate(query: &str, clients: &[Client]) -> Result<AuthRequest, AuthError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();

    // RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once."
    let mut seen = HashSet::new();
    for (name, _) in &pairs {
        if !seen.insert(name.as_str()) {
            return Err(AuthError::new(
                400,
                "invalid_request",
                format!("Parameter not allowed to be repeated: {name}"),
            ));
        }
    }
    // RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were
    // omitted from the request."
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };

    let client_id = get("client_id");
    let client = client_id
        .as_deref()
        .and_then(|id| clients.iter().find(|c| c.id == id))
        .ok_or_else(|| {
            let e = AuthError::new(401, "invalid_client", "The OAuth client was not found.");
            match &client_id {
                Some(id) => e.detail(format!("client_id: {id}")),
                None => e.detail("No client_id was sent."),
            }
        })?;

    let redirect_uri = match get("redirect_uri") {
        Some(uri) if client.redirect_uris.contains(&uri) => uri,
        received => {
            return Err(AuthError::new(
                400,
                "redirect_uri_mismatch",
                "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 \
                 policy. The redirect URI in the request does not match the ones authorized for \
                 the OAuth client. Redirect URIs must match exactly: scheme, host, port, path \
                 and trailing slash.",
            )
            .detail(match received {
                Some(uri) => format!("redirect_uri={uri}"),
                None => "redirect_uri was not sent.".to_string(),
            }));
        }
    };

    // The implicit grant with or without an ID token, and the code grant's front half.
    let raw_response_type = get("response_type").ok_or_else(|| {
        AuthError::new(
            400,
            "invalid_request",
            "Missing required parameter: response_type",
        )
    })?;
    let response_type = ResponseType::parse(&raw_response_type).ok_or_else(|| {
        AuthError::new(
            400,
            "unsupported_response_type",
            format!(
                "Unsupported response_type: {raw_response_type}. This emulator implements \
                 token, id_token, \"token id_token\" and code."
            ),
        )
    })?;
    // OIDC Core §3.2.2.1: the implicit flow's nonce is REQUIRED (it binds the ID token to
    // the request).
    let nonce = get("nonce");
    if response_type.id_token && nonce.is_none() {
        return Err(AuthError::new(
            400,
            "invalid_request",
            "Missing required parameter: nonce",
        ));
    }

    let mut scopes: Vec<String> = Vec::new();
    for s in get("scope").unwrap_or_default().split(' ') {
        if !s.is_empty() && !scopes.iter().any(|x| x == s) {
            scopes.push(s.to_string());
        }
    }
    if scopes.is_empty() {
        return Err(AuthError::new(
            400,
            "invalid_request",
            "Missing required parameter: scope",
        ));
    }
    let unknown: Vec<&String> = scopes.iter().filter(|s| !is_known_scope(s)).collect();
    if !unknown.is_empty() {
        let mut e = AuthError::new(400, "invalid_scope", "Some requested scopes were invalid.");
        for s in unknown {
            e = e.detail(format!("invalid scope: {s}"));
        }
        return Err(e);
    }

    // OpenID Connect Core §3.1.2.1: prompt is a space-delimited list; "none" must not be
    // combined with any other value.
    let mut prompt: Vec<String> = Vec::new();
    if let Some(raw) = get("prompt") {
        for p in raw.split(' ').filter(|p| !p.is_empty()) {
            if !PROMPT_VALUES.contains(&p) {
                return Err(AuthError::new(
                    400,
                    "invalid_request",
                    format!("Invalid parameter value for prompt: {p}"),
                )
                .detail("Allowed values: none, consent, select_account (space separated)."));
            }
            if !prompt.iter().any(|x| x == p) {
                prompt.push(p.to_string());
            }
        }
        if prompt.len() > 1 && prompt.iter().any(|p| p == "none") {
            return Err(AuthError::new(
                400,
                "invalid_request",
                "Invalid parameter value for prompt: none cannot be combined with other values",
            ));
        }
    }

    Ok(AuthRequest {
        client_id: client.id.clone(),
        redirect_uri,
        response_type,
        nonce,
        scopes,
        state: get("state"),
        prompt,
        login_hint: get("login_hint"),
        include_granted_scopes: get("include_granted_scopes").as_deref() == Some("true"),
    })
}

/// Alias-insensitive form of a scope, for comparing requests with grants.
fn canonical(scope: &str) -> &str {
    match scope {
        "email" => catalog::USERINFO_EMAIL,
        "profile" => catalog::USERINFO_PROFILE,
        s => s,
    }
}

/// Scopes delivered for a consent: sign-in scopes the app asked for (never optional),
/// the optional scopes the user left ticked (ticks for scopes not requested are ignored),
/// and with `include_granted_scopes=true` what the account granted this client before
/// (Google's incremental authorization). Google-normalised.
pub fn granted_scopes(req: &AuthRequest, ticked: &[String], previous: &[String]) -> Vec<String> {
    let mut granted: Vec<&str> = req
        .scopes
        .iter()
        .filter(|s| is_sign_in_scope(s) || ticked.contains(s))
        .map(String::as_str)
        .collect();
    if req.include_granted_scopes {
        granted.extend(previous.iter().map(String::as_str));
    }
    catalog::normalise_scopes(&granted)
}

/// Outcome of `prompt=none`, which must never show UI (OpenID Connect Core §3.1.2.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Silent {
    Issue { sub: String, scopes: Vec<String> },
    Error(String),
}

pub fn decide_silent(req: &AuthRequest, forced_error: Option<&str>, store: &Store) -> Silent {
    if let Some(e) = forced_error {
        return Silent::Error(e.to_string());
    }
    let Some(sub) = store.signed_in() else {
        return Silent::Error("login_required".into());
    };
    let previous = store.granted(&req.client_id, sub);
    let covered = req
        .scopes
        .iter()
        .all(|s| previous.iter().any(|p| canonical(p) == canonical(s)));
    if !covered {
        return Silent::Error("consent_required".into());
    }
    let mut scopes: Vec<&str> = req.scopes.iter().map(String::as_str).collect();
    if req.include_granted_scopes {
        scopes.extend(previous.iter().map(String::as_str));
    }
    Silent::Issue {
        sub: sub.to_string(),
        scopes: catalog::normalise_scopes(&scopes),
    }
}

/// The redirect carrying a response: in the query for the code grant (RFC 6749 §4.1.2),
/// in the fragment for the implicit grant (§4.2.2).
fn respond(req: &AuthRequest, params: String) -> String {
    let uri = &req.redirect_uri;
    if !req.response_type.code {
        format!("{uri}#{params}")
    } else if uri.contains('?') {
        format!("{uri}&{params}")
    } else {
        format!("{uri}?{params}")
    }
}

/// Error response (RFC 6749 §4.1.2.1, §4.2.2.1).
pub fn error_redirect(req: &AuthRequest, error: &str) -> String {
    let mut f = form_urlencoded::Serializer::new(String::new());
    f.append_pair("error", error);
    if let Some(state) = &req.state {
        f.append_pair("state", state);
    }
    respond(req, f.finish())
}

/// What Google adds to a granted authorization response: who the account is for the app
/// (`authuser`, the account's index in the browser; `hd`, a Workspace account's domain) and how
/// it was decided (`prompt`).
#[derive(Debug, Clone, Copy)]
pub struct Annotations<'a> {
    pub hd: Option<&'a str>,
    pub prompt: &'a str,
}

impl Annotations<'_> {
    /// `authuser`, then `hd` for a Workspace account, then `prompt`: the order real answers
    /// quote (`…&authuser=0&hd=example.com&prompt=consent`).
    fn append(&self, f: &mut form_urlencoded::Serializer<'_, String>) {
        f.append_pair("authuser", "0");
        if let Some(hd) = self.hd {
            f.append_pair("hd", hd);
        }
        f.append_pair("prompt", self.prompt);
    }
}

/// The code grant's authorization response with Google's extra fields: `state`, then `iss`
/// (RFC 9207), then the code, as real answers quote it
/// (`?state=…&iss=https%3A%2F%2Faccounts.google.com&code=4%2F0A…&scope=…&authuser=0&prompt=consent`).
/// Google never redeems such a code for a client without a secret (see `POST /token`).
pub fn code_redirect(
    req: &AuthRequest,
    issuer: &str,
    code: &str,
    scopes: &[String],
    annotations: Annotations,
) -> String {
    let mut f = form_urlencoded::Serializer::new(String::new());
    if let Some(state) = &req.state {
        f.append_pair("state", state);
    }
    f.append_pair("iss", issuer)
        .append_pair("code", code)
        .append_pair("scope", &scopes.join(" "));
    annotations.append(&mut f);
    respond(req, f.finish())
}

/// What an implicit response delivers.
#[derive(Debug, Clone, Copy)]
pub struct Issued<'a> {
    pub access_token: Option<&'a str>,
    pub expires_in: u64,
    pub id_token: Option<&'a str>,
}

/// Successful implicit-grant response (RFC 6749 §4.2.2, OIDC Core §3.2.2.5) with Google's
/// extra fields, in Google's order; last the opaque `version_info` real fragments end with
/// (`…&authuser=0&prompt=consent&version_info=CmxfU1ZJ…`), which a client must ignore.
pub fn implicit_redirect(
    req: &AuthRequest,
    issued: Issued,
    scopes: &[String],
    annotations: Annotations,
    version_info: &str,
) -> String {
    let mut f = form_urlencoded::Serializer::new(String::new());
    if let Some(state) = &req.state {
        f.append_pair("state", state);
    }
    if let Some(token) = issued.access_token {
        f.append_pair("access_token", token)
            .append_pair("token_type", "Bearer")
            .append_pair("expires_in", &issued.expires_in.to_string())
            .append_pair("scope", &scopes.join(" "));
    }
    if let Some(id_token) = issued.id_token {
        f.append_pair("id_token", id_token);
    }
    annotations.append(&mut f);
    f.append_pair("version_info", version_info);
    respond(req, f.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "app.apps.googleusercontent.com";
    const URI: &str = "http://127.0.0.1:8080/callback";

    fn clients() -> Vec<Client> {
        vec![
            Client {
                id: APP.into(),
                redirect_uris: vec![URI.into(), "http://localhost:8080/".into()],
            },
            Client {
                id: catalog::OTHER_CLIENT_ID.into(),
                redirect_uris: vec![],
            },
        ]
    }

    fn query(pairs: &[(&str, &str)]) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    }

    fn good() -> Vec<(&'static str, &'static str)> {
        vec![
            ("client_id", APP),
            ("redirect_uri", URI),
            ("response_type", "token"),
            (
                "scope",
                "openid email https://www.googleapis.com/auth/tasks",
            ),
            ("state", "s1"),
        ]
    }

    fn with(over: &[(&'static str, &'static str)]) -> String {
        let mut p = good();
        for (k, v) in over {
            p.retain(|(n, _)| n != k);
            p.push((k, v));
        }
        query(&p)
    }

    fn without(name: &str) -> String {
        let mut p = good();
        p.retain(|(n, _)| *n != name);
        query(&p)
    }

    fn err(q: &str) -> AuthError {
        validate(q, &clients()).unwrap_err()
    }

    #[test]
    fn accepts_a_good_request() {
        let r = validate(&with(&[("login_hint", "grace@example.test")]), &clients()).unwrap();
        assert_eq!(r.client_id, APP);
        assert_eq!(r.redirect_uri, URI);
        assert_eq!(
            r.scopes,
            ["openid", "email", "https://www.googleapis.com/auth/tasks"]
        );
        assert_eq!(r.state.as_deref(), Some("s1"));
        assert_eq!(r.login_hint.as_deref(), Some("grace@example.test"));
        assert!(r.prompt.is_empty());
        assert!(!r.include_granted_scopes);
    }

    #[test]
    fn repeated_parameters_are_rejected_first() {
        let q = format!("{}&scope=openid&client_id=nope", query(&good()));
        let e = err(&q);
        assert_eq!((e.status, e.code), (400, "invalid_request"));
        assert!(e.message.contains("scope"), "{}", e.message);
        // Even a repeated empty parameter.
        assert_eq!(
            err(&format!("{}&state=", query(&good()))).code,
            "invalid_request"
        );
    }

    #[test]
    fn client_checks() {
        let e = err(&without("client_id"));
        assert_eq!((e.status, e.code), (401, "invalid_client"));
        assert_eq!(e.message, "The OAuth client was not found.");
        assert_eq!(e.heading(), "Error 401: invalid_client");
        assert_eq!(err(&with(&[("client_id", "nope")])).code, "invalid_client");
        assert_eq!(err(&with(&[("client_id", "")])).code, "invalid_client");
        // The built-in other client exists but has no redirect URIs.
        assert_eq!(
            err(&with(&[("client_id", catalog::OTHER_CLIENT_ID)])).code,
            "redirect_uri_mismatch"
        );
    }

    #[test]
    fn redirect_uri_must_match_exactly() {
        for bad in [
            "https://127.0.0.1:8080/callback",
            "http://localhost:8080/callback",
            "http://127.0.0.1:8081/callback",
            "http://127.0.0.1/callback",
            "http://127.0.0.1:8080/callback/",
            "http://127.0.0.1:8080/Callback",
            "http://127.0.0.1:8080/callback?x=1",
            "http://127.0.0.1:8080/callback#",
            "http://localhost:8080",
            "HTTP://127.0.0.1:8080/callback",
        ] {
            let e = err(&with(&[("redirect_uri", bad)]));
            assert_eq!((e.status, e.code), (400, "redirect_uri_mismatch"), "{bad}");
            assert!(e.details.iter().any(|d| d.contains(bad)), "shows {bad}");
        }
        assert_eq!(err(&without("redirect_uri")).code, "redirect_uri_mismatch");
        assert_eq!(
            err(&with(&[("redirect_uri", "")])).code,
            "redirect_uri_mismatch"
        );
        assert!(validate(
            &with(&[("redirect_uri", "http://localhost:8080/")]),
            &clients()
        )
        .is_ok());
    }

    #[test]
    fn response_type_checks() {
        let rt = |v: &'static str| {
            validate(&with(&[("response_type", v), ("nonce", "n")]), &clients())
                .unwrap()
                .response_type
        };
        assert_eq!(rt("token"), ResponseType::TOKEN);
        let both = ResponseType {
            code: false,
            token: true,
            id_token: true,
        };
        assert_eq!(rt("token id_token"), both);
        assert_eq!(rt("id_token  token"), both);
        assert!(rt("id_token").id_token && !rt("id_token").token);
        assert!(rt("code").code);
        for bad in [
            "code token",
            "code id_token",
            "none",
            "token bogus",
            "Token",
            "  ",
        ] {
            let e = err(&with(&[("response_type", bad), ("nonce", "n")]));
            assert_eq!(
                (e.status, e.code),
                (400, "unsupported_response_type"),
                "{bad}"
            );
        }
        assert_eq!(err(&without("response_type")).code, "invalid_request");
    }

    #[test]
    fn id_token_needs_a_nonce() {
        for rt in ["id_token", "token id_token"] {
            let e = err(&with(&[("response_type", rt)]));
            assert_eq!(
                (e.status, e.code, e.message.as_str()),
                (400, "invalid_request", "Missing required parameter: nonce")
            );
            assert_eq!(
                err(&with(&[("response_type", rt), ("nonce", "")])).code,
                "invalid_request"
            );
        }
        let r = validate(
            &with(&[("response_type", "id_token"), ("nonce", "n-1")]),
            &clients(),
        )
        .unwrap();
        assert_eq!(r.nonce.as_deref(), Some("n-1"));
        // The access token alone needs none.
        assert_eq!(validate(&query(&good()), &clients()).unwrap().nonce, None);
    }

    #[test]
    fn scope_checks() {
        let e = err(&without("scope"));
        assert_eq!(
            (e.code, e.message.as_str()),
            ("invalid_request", "Missing required parameter: scope")
        );
        assert_eq!(err(&with(&[("scope", "")])).code, "invalid_request");
        assert_eq!(err(&with(&[("scope", "  ")])).code, "invalid_request");
        let e = err(&with(&[("scope", "openid bogus https://example.test/x")]));
        assert_eq!(e.code, "invalid_scope");
        assert!(e.details.iter().any(|d| d.contains("bogus")));
        assert!(e
            .details
            .iter()
            .any(|d| d.contains("https://example.test/x")));
        let r = validate(&with(&[("scope", "email  email profile")]), &clients()).unwrap();
        assert_eq!(r.scopes, ["email", "profile"]);
    }

    #[test]
    fn validation_order() {
        // Bad redirect URI beats bad response type and missing scope.
        let q = query(&[
            ("client_id", APP),
            ("redirect_uri", "http://evil.test/"),
            ("response_type", "code"),
        ]);
        assert_eq!(err(&q).code, "redirect_uri_mismatch");
        // Bad response type beats missing nonce and scope; missing nonce beats missing scope.
        let q = query(&[
            ("client_id", APP),
            ("redirect_uri", URI),
            ("response_type", "code id_token"),
        ]);
        assert_eq!(err(&q).code, "unsupported_response_type");
        let q = query(&[
            ("client_id", APP),
            ("redirect_uri", URI),
            ("response_type", "id_token"),
        ]);
        assert!(err(&q).message.contains("nonce"));
        // Unknown scope beats bad prompt.
        assert_eq!(
            err(&with(&[("scope", "x"), ("prompt", "bogus")])).code,
            "invalid_scope"
        );
    }

    #[test]
    fn prompt_checks() {
        for ok in [
            "none",
            "consent",
            "select_account",
            "consent select_account",
            "",
            "consent consent",
        ] {
            assert!(
                validate(&with(&[("prompt", ok)]), &clients()).is_ok(),
                "{ok}"
            );
        }
        for bad in ["login", "none consent", "select_account none", "None"] {
            assert_eq!(
                err(&with(&[("prompt", bad)])).code,
                "invalid_request",
                "{bad}"
            );
        }
        let r = validate(&with(&[("prompt", "none")]), &clients()).unwrap();
        assert!(r.prompt_none());
    }

    #[test]
    fn empty_values_count_as_absent() {
        let r = validate(
            &with(&[("state", ""), ("include_granted_scopes", "true")]),
            &clients(),
        )
        .unwrap();
        assert_eq!(r.state, None);
        assert!(r.include_granted_scopes);
    }

    fn req(scopes: &[&str], include: bool) -> AuthRequest {
        AuthRequest {
            client_id: APP.into(),
            redirect_uri: URI.into(),
            response_type: ResponseType::TOKEN,
            nonce: None,
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            state: None,
            prompt: vec![],
            login_hint: None,
            include_granted_scopes: include,
        }
    }

    const TASKS: &str = "https://www.googleapis.com/auth/tasks";
    const CAL: &str = "https://www.googleapis.com/auth/calendar.readonly";

    #[test]
    fn granted_scope_computation() {
        let r = req(&["openid", "email", TASKS, CAL], false);
        // User unticked calendar; ticks for unrequested scopes are ignored.
        let g = granted_scopes(
            &r,
            &[
                TASKS.into(),
                "https://www.googleapis.com/auth/drive.metadata.readonly".into(),
            ],
            &[],
        );
        assert_eq!(g, ["openid", "email", catalog::USERINFO_EMAIL, TASKS]);
        // Nothing ticked: sign-in scopes still granted.
        assert_eq!(
            granted_scopes(&r, &[], &[]),
            ["openid", "email", catalog::USERINFO_EMAIL]
        );
        // Incremental authorization adds earlier grants.
        let prev = vec![CAL.to_string(), "profile".into()];
        assert_eq!(
            granted_scopes(&r, &[], &prev),
            ["openid", "email", catalog::USERINFO_EMAIL]
        );
        let r2 = req(&["openid", TASKS], true);
        assert_eq!(
            granted_scopes(&r2, &[TASKS.into()], &prev),
            ["openid", TASKS, CAL, "profile", catalog::USERINFO_PROFILE]
        );
    }

    #[test]
    fn silent_decisions() {
        let mut store = Store::default();
        let r = req(&["openid", "email"], false);
        assert_eq!(
            decide_silent(&r, None, &store),
            Silent::Error("login_required".into())
        );
        assert_eq!(
            decide_silent(&r, Some("interaction_required"), &store),
            Silent::Error("interaction_required".into())
        );
        store.record_grant(APP, "1", &catalog::normalise_scopes(&["openid", "email"]));
        assert_eq!(
            decide_silent(&r, None, &store),
            Silent::Issue {
                sub: "1".into(),
                scopes: vec![
                    "openid".into(),
                    "email".into(),
                    catalog::USERINFO_EMAIL.into()
                ]
            }
        );
        // The full URL counts as the alias.
        assert!(matches!(
            decide_silent(&req(&[catalog::USERINFO_EMAIL], false), None, &store),
            Silent::Issue { .. }
        ));
        assert_eq!(
            decide_silent(&req(&["openid", TASKS], false), None, &store),
            Silent::Error("consent_required".into())
        );
        // Grants are per client.
        let mut other = r.clone();
        other.client_id = "other".into();
        assert_eq!(
            decide_silent(&other, None, &store),
            Silent::Error("consent_required".into())
        );
    }

    #[test]
    fn fragments() {
        let mut r = req(&[], false);
        r.state = Some("a b&c".into());
        assert_eq!(
            error_redirect(&r, "access_denied"),
            format!("{URI}#error=access_denied&state=a+b%26c")
        );
        r.state = None;
        assert_eq!(
            error_redirect(&r, "access_denied"),
            format!("{URI}#error=access_denied")
        );
        let scopes = catalog::normalise_scopes(&["email", "openid"]);
        let token = Issued {
            access_token: Some("ya29.abc"),
            expires_in: 3599,
            id_token: None,
        };
        r.state = Some("xyz".into());
        let consent = Annotations {
            hd: None,
            prompt: "consent",
        };
        assert_eq!(
            implicit_redirect(&r, token, &scopes, consent, "Cm1"),
            format!(
                "{URI}#state=xyz&access_token=ya29.abc&token_type=Bearer&expires_in=3599\
                 &scope=email+https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fuserinfo.email+openid\
                 &authuser=0&prompt=consent&version_info=Cm1"
            )
        );
        let workspace = Annotations {
            hd: Some("workspace.example.test"),
            ..consent
        };
        assert!(implicit_redirect(&r, token, &scopes, workspace, "Cm1")
            .ends_with("&authuser=0&hd=workspace.example.test&prompt=consent&version_info=Cm1"));
        let both = Issued {
            id_token: Some("h.p.s"),
            ..token
        };
        assert!(implicit_redirect(&r, both, &scopes, consent, "Cm1")
            .contains("&scope=email+https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fuserinfo.email+openid&id_token=h.p.s&authuser=0&"));
        let id_only = Issued {
            access_token: None,
            ..both
        };
        let silent = Annotations {
            hd: None,
            prompt: "none",
        };
        assert_eq!(
            implicit_redirect(&r, id_only, &scopes, silent, "Cm1"),
            format!("{URI}#state=xyz&id_token=h.p.s&authuser=0&prompt=none&version_info=Cm1")
        );
        r.state = None;
        assert!(implicit_redirect(&r, token, &[], silent, "Cm1")
            .starts_with(&format!("{URI}#access_token=ya29.abc&")));
    }

    #[test]
    fn the_code_grant_answers_in_the_query() {
        let mut r = req(&[], false);
        r.response_type = ResponseType::parse("code").unwrap();
        r.state = Some("st".into());
        let scopes = catalog::normalise_scopes(&["openid"]);
        let consent = Annotations {
            hd: None,
            prompt: "consent",
        };
        assert_eq!(
            code_redirect(
                &r,
                "https://accounts.google.com",
                "4/0Axyz",
                &scopes,
                consent
            ),
            format!(
                "{URI}?state=st&iss=https%3A%2F%2Faccounts.google.com&code=4%2F0Axyz\
                 &scope=openid&authuser=0&prompt=consent"
            )
        );
        assert_eq!(
            error_redirect(&r, "access_denied"),
            format!("{URI}?error=access_denied&state=st")
        );
        r.redirect_uri = format!("{URI}?x=1");
        assert!(error_redirect(&r, "access_denied").starts_with(&format!("{URI}?x=1&error=")));
    }
}
