//! HTTP plumbing and routing. [`App::handle`] is a pure request → response function over
//! shared state; [`start`] puts it behind `crate::http`, one thread per connection so that a
//! delayed endpoint never holds up the others.

use crate::auth::{self, Annotations, AuthRequest, Client, Issued, Silent};
use crate::calendar::{self, CalendarStore};
use crate::catalog::{self, OTHER_CLIENT_ID};
use crate::google_api::{self, Reply};
use crate::http;
use crate::id_token::{self, Claims, Subject};
use crate::keys::KeyRing;
use crate::knobs::{google_error_body, Knobs, DEFAULT_TOKEN_LIFETIME_SECS};
use crate::pages;
use crate::tasks::{self, TasksStore};
use crate::tokens::{self, Store, Token};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

const AUTH_PATH: &str = "/o/oauth2/v2/auth";
const DECISION_PATH: &str = "/o/oauth2/v2/auth/decision";
const ACCOUNT_PATH: &str = "/o/oauth2/v2/auth/account";
const TOKENINFO_PATH: &str = "/tokeninfo";
const USERINFO_PATH: &str = "/oauth2/v3/userinfo";
const REVOKE_PATH: &str = "/revoke";
const TOKEN_PATH: &str = "/token";
const CERTS_PATH: &str = "/oauth2/v3/certs";
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
/// Everything under these is the Tasks API and the Calendar API.
const TASKS_PREFIX: &str = "/tasks/v1/";
const CALENDAR_PREFIX: &str = "/calendar/v3/";

/// Request bodies larger than this are cut off; nothing here needs more.
const MAX_BODY: u64 = 1 << 20;

/// A form body's fields, in order (repeated names kept: the consent form repeats `scope`).
fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The first non-empty value of `name` (an empty one counts as absent, like Google's forms).
fn form_field<'f>(form: &'f [(String, String)], name: &str) -> Option<&'f str> {
    form.iter()
        .find(|(n, v)| n == name && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// A received HTTP request, header names lower-cased.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Raw query string without the `?`; empty when there is none.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn query_param(&self, name: &str) -> Option<String> {
        param(self.query.as_bytes(), name)
    }

    fn body_param(&self, name: &str) -> Option<String> {
        param(&self.body, name)
    }
}

fn param(data: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(data)
        .find(|(n, v)| n == name && !v.is_empty())
        .map(|(_, v)| v.into_owned())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    fn json(status: u16, value: &impl Serialize) -> Self {
        let body = serde_json::to_vec(value).expect("serialising JSON");
        Response::new(status, "application/json; charset=utf-8", body)
    }

    fn html(status: u16, html: String) -> Self {
        Response::new(status, "text/html; charset=utf-8", html)
            // Google frames-busts its consent screen against clickjacking; no script runs here.
            // `data:` for the pages' empty icon, which spares the browser a favicon request.
            .with("X-Frame-Options", "DENY")
            .with(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
            )
            .with("Cache-Control", "no-store")
    }

    fn redirect(location: String) -> Self {
        let body = format!(
            "<!DOCTYPE html><title>Redirecting</title><p>{}</p><a href=\"{}\">Continue</a>\n",
            pages::BANNER,
            pages::escape(&location)
        );
        Response::new(302, "text/html; charset=utf-8", body)
            .with("Location", location)
            .with("Cache-Control", "no-store")
            .with("Referrer-Policy", "no-referrer")
    }

    fn from_reply(reply: Reply) -> Self {
        let resp = match &reply.body {
            Some(body) => Response::json(reply.status, body),
            None => Response::empty(reply.status),
        };
        reply
            .headers
            .into_iter()
            .fold(resp, |resp, (name, value)| resp.with(name, value))
    }

    fn empty(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Google's API endpoints echo the Origin (or `*` without one) and never send
    /// `Access-Control-Allow-Credentials`, so credentialed cross-origin fetches fail.
    /// The challenge and `Retry-After` are exposed so the page can read which scope is missing
    /// and how long to wait (a browser hides other than CORS-safelisted headers otherwise).
    fn cors_echo(self, req: &Request) -> Self {
        let origin = req.header("origin").unwrap_or("*").to_string();
        self.with("Access-Control-Allow-Origin", origin)
            .with(
                "Access-Control-Expose-Headers",
                "WWW-Authenticate, Retry-After",
            )
            .with("Vary", "Origin")
    }

    fn cors_any(self) -> Self {
        self.with("Access-Control-Allow-Origin", "*")
    }
}

/// One entry of `GET /emulator/log`.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub status: u16,
}

#[derive(Default)]
struct State {
    store: Store,
    knobs: Knobs,
    /// Consent requests awaiting a decision, by request id; each id is single use.
    pending: HashMap<String, AuthRequest>,
    log: Vec<LogEntry>,
    tasks: TasksStore,
    calendar: CalendarStore,
}

pub struct App {
    base_url: String,
    clients: Vec<Client>,
    state: Mutex<State>,
    /// Outside `State`: a reset keeps the keys, as rotating them costs a key generation.
    /// Locked after `state` when both are needed.
    keys: Mutex<KeyRing>,
}

/// The endpoints that knobs can target, with the methods they answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Auth,
    /// The account chooser's submission (`prompt=select_account`).
    Account,
    Decision,
    TokenInfo,
    UserInfo,
    Revoke,
    Tasks,
    Calendar,
    Token,
    Certs,
    Discovery,
}

impl Endpoint {
    fn from_path(path: &str) -> Option<Self> {
        Some(match path {
            AUTH_PATH => Endpoint::Auth,
            ACCOUNT_PATH => Endpoint::Account,
            DECISION_PATH => Endpoint::Decision,
            TOKENINFO_PATH => Endpoint::TokenInfo,
            USERINFO_PATH => Endpoint::UserInfo,
            REVOKE_PATH => Endpoint::Revoke,
            TOKEN_PATH => Endpoint::Token,
            CERTS_PATH => Endpoint::Certs,
            DISCOVERY_PATH => Endpoint::Discovery,
            p if p.starts_with(TASKS_PREFIX) => Endpoint::Tasks,
            p if p.starts_with(CALENDAR_PREFIX) => Endpoint::Calendar,
            _ => return None,
        })
    }

    fn knob_name(self) -> &'static str {
        match self {
            Endpoint::Auth => "auth",
            Endpoint::Account => "account",
            Endpoint::Decision => "decision",
            Endpoint::TokenInfo => "tokeninfo",
            Endpoint::UserInfo => "userinfo",
            Endpoint::Revoke => "revoke",
            Endpoint::Tasks => "tasks",
            Endpoint::Calendar => "calendar",
            Endpoint::Token => "token",
            Endpoint::Certs => "certs",
            Endpoint::Discovery => "discovery",
        }
    }

    /// The Google service name errors mention, and the scopes a request to it needs.
    fn service(self, method: &str) -> (&'static str, &'static [&'static str]) {
        match self {
            Endpoint::Tasks => (tasks::SERVICE, tasks::scopes_for(method)),
            Endpoint::Calendar => (calendar::SERVICE, &calendar::READ_SCOPES),
            other => (other.knob_name(), &[]),
        }
    }

    fn methods(self) -> &'static [&'static str] {
        match self {
            Endpoint::Auth => &["GET"],
            Endpoint::Account | Endpoint::Decision => &["POST"],
            Endpoint::TokenInfo => &["GET", "POST"],
            Endpoint::UserInfo => &["GET"],
            Endpoint::Revoke => &["POST"],
            Endpoint::Tasks => &["GET", "POST", "PATCH", "DELETE"],
            Endpoint::Calendar => &["GET"],
            Endpoint::Token => &["POST"],
            Endpoint::Certs | Endpoint::Discovery => &["GET"],
        }
    }

    /// Endpoints a browser app calls with fetch get CORS headers; the navigation endpoints
    /// don't, like Google's.
    fn is_api(self) -> bool {
        !matches!(
            self,
            Endpoint::Auth | Endpoint::Account | Endpoint::Decision
        )
    }
}

impl App {
    /// `base_url` is this server's origin, e.g. `http://127.0.0.1:8787`: the ID tokens'
    /// issuer and the base of avatar URLs. The first signing key is generated in the
    /// background from now on.
    pub fn new(base_url: String, client_id: String, redirect_uris: Vec<String>) -> Self {
        App::with_keys(base_url, client_id, redirect_uris, KeyRing::new())
    }

    pub fn with_keys(
        base_url: String,
        client_id: String,
        redirect_uris: Vec<String>,
        keys: KeyRing,
    ) -> Self {
        App {
            base_url,
            clients: vec![
                Client {
                    id: client_id,
                    redirect_uris,
                },
                Client {
                    id: OTHER_CLIENT_ID.to_string(),
                    redirect_uris: Vec::new(),
                },
            ],
            state: Mutex::new(State::default()),
            keys: Mutex::new(keys),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking handler thread must not take the whole emulator down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn keys(&self) -> MutexGuard<'_, KeyRing> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn handle(&self, req: &Request) -> Response {
        if req.path.starts_with("/emulator/") {
            self.control(req)
        } else {
            let resp = self.route(req);
            self.state().log.push(LogEntry {
                method: req.method.clone(),
                path: req.path.clone(),
                query: req.query.clone(),
                headers: log_headers(&req.headers),
                body: String::from_utf8_lossy(&req.body).into_owned(),
                status: resp.status,
            });
            resp
        }
    }

    fn route(&self, req: &Request) -> Response {
        let Some(endpoint) = Endpoint::from_path(&req.path) else {
            return not_found(req);
        };
        if req.method == "OPTIONS" && endpoint.is_api() {
            return preflight(req, endpoint);
        }
        if !endpoint.methods().contains(&req.method.as_str()) {
            let resp = Response::json(
                405,
                &google_error_body(405, "Method not allowed", "methodNotAllowed"),
            )
            .with("Allow", endpoint.methods().join(", "));
            return if endpoint.is_api() {
                resp.cors_echo(req)
            } else {
                resp
            };
        }

        let name = endpoint.knob_name();
        let delay = self.state().knobs.delay(name);
        if let Some(ms) = delay {
            thread::sleep(Duration::from_millis(ms));
        }
        // Taken after the delay, so a "fail the next N" knob counts requests as they complete.
        let injected = {
            let mut st = self.state();
            let retry_after = st.knobs.retry_after_secs(name);
            st.knobs.take_fault(name).map(|fault| {
                let (service, scopes) = endpoint.service(&req.method);
                google_api::injected(&fault, service, scopes, retry_after)
            })
        };
        if let Some(reply) = injected {
            let resp = Response::from_reply(reply);
            return if endpoint.is_api() {
                resp.cors_echo(req)
            } else {
                resp
            };
        }

        match endpoint {
            Endpoint::Auth => self.authorize(req),
            Endpoint::Account => self.account(req),
            Endpoint::Decision => self.decision(req),
            Endpoint::TokenInfo => self.tokeninfo(req).cors_echo(req),
            Endpoint::UserInfo => self.userinfo(req).cors_echo(req),
            Endpoint::Revoke => self.revoke(req).cors_echo(req),
            Endpoint::Tasks | Endpoint::Calendar => self.google_api(req, endpoint).cors_echo(req),
            Endpoint::Token => token_refusal(req).cors_echo(req),
            Endpoint::Certs => self.certs().cors_any(),
            Endpoint::Discovery => self.discovery().cors_any(),
        }
    }

    /// A Tasks or Calendar API call: the bearer token must be valid and carry a scope the call
    /// needs (tasks.readonly allows reads only), then the account's data answers.
    fn google_api(&self, req: &Request, endpoint: Endpoint) -> Response {
        let (service, scopes) = endpoint.service(&req.method);
        let mut st = self.state();
        let st = &mut *st;
        let sub = match google_api::authorize(
            &st.store,
            req.header("authorization"),
            tokens::now(),
            service,
            scopes,
        ) {
            Ok(token) => token.sub.clone(),
            Err(reply) => return Response::from_reply(reply),
        };
        let cap = st.knobs.page_size;
        let reply = match endpoint {
            Endpoint::Tasks => st.tasks.handle(
                &sub,
                &tasks::ApiRequest {
                    method: &req.method,
                    path: &req.path,
                    query: &req.query,
                    body: &req.body,
                    base_url: &self.base_url,
                    page_size_cap: cap,
                },
            ),
            _ => st
                .calendar
                .handle(&sub, &req.method, &req.path, &req.query, cap),
        };
        Response::from_reply(reply).with("Cache-Control", "private, max-age=0")
    }

    /// `GET /o/oauth2/v2/auth`.
    fn authorize(&self, req: &Request) -> Response {
        let auth_req = match auth::validate(&req.query, &self.clients) {
            Ok(r) => r,
            Err(e) => {
                let received: Vec<(String, String)> = form_urlencoded::parse(req.query.as_bytes())
                    .into_owned()
                    .collect();
                return Response::html(e.status, pages::auth_error_page(&e, &received));
            }
        };
        let mut st = self.state();
        if auth_req.prompt_none() {
            let forced = st.knobs.prompt_none_error.clone();
            let location = match auth::decide_silent(&auth_req, forced.as_deref(), &st.store) {
                Silent::Issue { sub, scopes } => {
                    self.grant(&mut st, &auth_req, &sub, scopes, "none")
                }
                Silent::Error(error) => auth::error_redirect(&auth_req, &error),
            };
            return Response::redirect(location);
        }
        let request_id = tokens::random_string(32);
        // Google shows its account chooser first when asked to, whatever login_hint says.
        let html = if auth_req.prompt.iter().any(|p| p == "select_account") {
            pages::account_chooser_page(&auth_req, &request_id, &self.base_url)
        } else {
            pages::consent_page(
                &auth_req,
                &request_id,
                &self.base_url,
                None,
                st.knobs.consent_preticked,
            )
        };
        st.pending.insert(request_id, auth_req);
        Response::html(200, html)
    }

    /// `POST /o/oauth2/v2/auth/account`: an account picked on the chooser leads to the consent
    /// page for it (the request stays pending under the same id); Cancel denies the request.
    fn account(&self, req: &Request) -> Response {
        let form = form_fields(&req.body);
        let field = |name: &str| form_field(&form, name);
        let mut st = self.state();
        let Some(request_id) = field("request_id").filter(|id| st.pending.contains_key(*id)) else {
            return Response::html(
                400,
                pages::message_page(
                    400,
                    "invalid_request",
                    "Unknown or already used request_id. Start the sign-in again.",
                ),
            );
        };
        match field("account").and_then(catalog::account_by_sub) {
            Some(account) => {
                let auth_req = &st.pending[request_id];
                let html = pages::consent_page(
                    auth_req,
                    request_id,
                    &self.base_url,
                    Some(account),
                    st.knobs.consent_preticked,
                );
                Response::html(200, html)
            }
            None => {
                let auth_req = st.pending.remove(request_id).expect("checked above");
                Response::redirect(auth::error_redirect(&auth_req, "access_denied"))
            }
        }
    }

    /// `POST /o/oauth2/v2/auth/decision`: the consent form's submission.
    fn decision(&self, req: &Request) -> Response {
        let form = form_fields(&req.body);
        let field = |name: &str| form_field(&form, name);
        let bad = |msg: &str| Response::html(400, pages::message_page(400, "invalid_request", msg));

        let allow = match field("decision") {
            Some("allow") => true,
            Some("deny") => false,
            _ => return bad("The decision must be \"allow\" or \"deny\"."),
        };
        let mut st = self.state();
        let Some(request_id) = field("request_id").filter(|id| st.pending.contains_key(*id)) else {
            return bad(
                "Unknown or already used request_id. Each consent page can be submitted once; \
                 start the sign-in again.",
            );
        };
        let account = field("account").and_then(catalog::account_by_sub);
        if allow && account.is_none() {
            return bad("Choose one of the listed accounts.");
        }
        let auth_req = st.pending.remove(request_id).expect("checked above");

        let Some(account) = account.filter(|_| allow) else {
            // RFC 6749 §4.2.2.1: the resource owner denied the request.
            return Response::redirect(auth::error_redirect(&auth_req, "access_denied"));
        };
        let ticked: Vec<String> = form
            .iter()
            .filter(|(n, _)| n == "scope")
            .map(|(_, v)| v.clone())
            .collect();
        let previous = st.store.granted(&auth_req.client_id, account.sub).to_vec();
        let granted = auth::granted_scopes(&auth_req, &ticked, &previous);
        st.store
            .record_grant(&auth_req.client_id, account.sub, &granted);
        Response::redirect(self.grant(&mut st, &auth_req, account.sub, granted, "consent"))
    }

    /// The redirect answering a granted request: a code, or an access token and/or an ID token.
    fn grant(
        &self,
        st: &mut State,
        req: &AuthRequest,
        sub: &str,
        scopes: Vec<String>,
        prompt: &str,
    ) -> String {
        let rt = req.response_type;
        let annotations = Annotations {
            hd: catalog::account_by_sub(sub).and_then(|a| a.hd),
            prompt,
        };
        if rt.code {
            // Google's codes look like this; no one can redeem them here (see `/token`).
            let code = format!("4/0A{}", tokens::random_string(70));
            return auth::code_redirect(req, &self.base_url, &code, &scopes, annotations);
        }
        let token = rt.token.then(|| issue(st, req, sub, scopes.clone()));
        let access_token = token.as_ref().map(|t| t.token.as_str());
        let id_token = rt
            .id_token
            .then(|| self.id_token(st, req, sub, &scopes, access_token));
        let issued = Issued {
            access_token,
            expires_in: st.knobs.token_lifetime_secs,
            id_token: id_token.as_deref(),
        };
        // Opaque to clients; Google's are base64url like this one.
        let version_info = format!("Cm{}", tokens::random_string(62));
        auth::implicit_redirect(req, issued, &scopes, annotations, &version_info)
    }

    /// A signed ID token for the account, honouring the audience, lifetime and forgery knobs.
    fn id_token(
        &self,
        st: &State,
        req: &AuthRequest,
        sub: &str,
        scopes: &[String],
        access_token: Option<&str>,
    ) -> String {
        let account = catalog::account_by_sub(sub).expect("grants are for built-in accounts");
        let client_id = st
            .knobs
            .issue_to_client
            .as_deref()
            .unwrap_or(&req.client_id);
        // Google's ID tokens live 3600 s while the access token says 3599.
        let lifetime = match st.knobs.token_lifetime_secs {
            DEFAULT_TOKEN_LIFETIME_SECS => id_token::LIFETIME_SECS,
            set => set,
        };
        let claims = Claims::new(&Subject {
            origin: &self.base_url,
            client_id,
            account,
            scopes,
            nonce: req
                .nonce
                .as_deref()
                .expect("validated: id_token needs a nonce"),
            access_token,
            now: tokens::now(),
            lifetime,
        });
        id_token::mint(claims, st.knobs.id_token_forgery, &mut self.keys())
    }

    /// `GET /oauth2/v3/certs`: the JWKS (RFC 7517 §5).
    fn certs(&self) -> Response {
        let without_current = {
            let mut st = self.state();
            st.knobs.take_stale_jwks() || st.knobs.jwks_without_current_key
        };
        let mut keys = self.keys();
        let jwks = keys.jwks(without_current);
        // Google lets caches keep its keys for hours, counting down to the next rotation; an
        // app that meets an unknown kid must refetch past its HTTP cache.
        let max_age = keys.max_age(tokens::now());
        Response::json(200, &jwks).with(
            "Cache-Control",
            format!("public, max-age={max_age}, must-revalidate, no-transform"),
        )
    }

    /// `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3), Google's
    /// document with this emulator's URLs. It lists what Google supports, not only what the
    /// emulator implements.
    fn discovery(&self) -> Response {
        let base = &self.base_url;
        Response::json(
            200,
            &json!({
                "issuer": base,
                "authorization_endpoint": format!("{base}{AUTH_PATH}"),
                "token_endpoint": format!("{base}{TOKEN_PATH}"),
                "userinfo_endpoint": format!("{base}{USERINFO_PATH}"),
                "revocation_endpoint": format!("{base}{REVOKE_PATH}"),
                "jwks_uri": format!("{base}{CERTS_PATH}"),
                "response_types_supported": [
                    "code", "token", "id_token", "code token", "code id_token",
                    "token id_token", "code token id_token", "none"
                ],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                "claims_supported": [
                    "aud", "email", "email_verified", "exp", "family_name", "given_name",
                    "iat", "iss", "name", "picture", "sub"
                ],
                "code_challenge_methods_supported": ["plain", "S256"],
                "grant_types_supported": [
                    "authorization_code",
                    "refresh_token",
                    "urn:ietf:params:oauth:grant-type:device_code",
                    "urn:ietf:params:oauth:grant-type:jwt-bearer"
                ],
            }),
        )
        .with("Cache-Control", "public, max-age=3600")
    }

    /// `GET|POST /tokeninfo`.
    fn tokeninfo(&self, req: &Request) -> Response {
        let token = if req.method == "POST" {
            req.body_param("access_token")
                .or_else(|| req.query_param("access_token"))
        } else {
            req.query_param("access_token")
        };
        let now = tokens::now();
        let st = self.state();
        match token.as_deref().map(|t| st.store.validate(t, now)) {
            Some(Ok(t)) => {
                let email = catalog::has_email_scope(&t.scopes);
                let account = catalog::account_by_sub(&t.sub);
                Response::json(
                    200,
                    &TokenInfo {
                        azp: &t.aud,
                        aud: &t.aud,
                        // A token with no sign-in scope does not say whose it is.
                        sub: catalog::has_sign_in_scope(&t.scopes).then_some(t.sub.as_str()),
                        scope: t.scopes.join(" "),
                        exp: t.expires_at.to_string(),
                        expires_in: t.expires_at.saturating_sub(now).to_string(),
                        email: account.filter(|_| email).map(|a| a.email),
                        email_verified: email.then_some("true"),
                        access_type: "online",
                    },
                )
                .with(
                    "Cache-Control",
                    "no-cache, no-store, max-age=0, must-revalidate",
                )
            }
            _ => Response::json(
                400,
                &json!({"error": "invalid_token", "error_description": "Invalid Value"}),
            ),
        }
    }

    /// `GET /oauth2/v3/userinfo` with a Bearer token (RFC 6750 §2.1). The token is not
    /// accepted in the query string, so tests catch apps that leak it into URLs.
    fn userinfo(&self, req: &Request) -> Response {
        let token = req.header("authorization").and_then(|h| {
            let (scheme, rest) = h.split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| rest.trim().to_string())
        });
        let st = self.state();
        let valid: Option<&Token> = token
            .as_deref()
            .and_then(|t| st.store.validate(t, tokens::now()).ok());
        let Some((t, account)) =
            valid.and_then(|t| catalog::account_by_sub(&t.sub).map(|a| (t, a)))
        else {
            // RFC 6750 §3 challenge, as Google sends it.
            return Response::json(
                401,
                &json!({"error": "invalid_request", "error_description": "Invalid Credentials"}),
            )
            .with(
                "WWW-Authenticate",
                "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"",
            );
        };
        if !catalog::has_sign_in_scope(&t.scopes) {
            // Google's answer for a valid token that carries none of openid, email and profile
            // (quoted in google-api-nodejs-client#3900).
            return Response::json(
                401,
                &google_error_body(
                    401,
                    "Request is missing required authentication credential. Expected OAuth 2 \
                     access token, login cookie or other valid authentication credential. See \
                     https://developers.google.com/identity/sign-in/web/devconsole-project.",
                    "required",
                ),
            )
            .with(
                "WWW-Authenticate",
                "Bearer realm=\"https://accounts.google.com/\"",
            );
        }
        let profile = catalog::has_profile_scope(&t.scopes);
        let email = catalog::has_email_scope(&t.scopes);
        let verified = st.knobs.email_verified_as_string;
        Response::json(
            200,
            &UserInfo {
                sub: account.sub,
                name: profile.then(|| account.name()),
                given_name: profile.then_some(account.given_name),
                family_name: profile.then_some(account.family_name),
                picture: profile
                    .then(|| format!("{}/emulator/avatar/{}.svg", self.base_url, account.sub)),
                email: email.then_some(account.email),
                email_verified: email.then(|| match verified {
                    true => Value::String("true".into()),
                    false => Value::Bool(true),
                }),
                hd: account.hd.filter(|_| email || profile),
            },
        )
        .with(
            "Cache-Control",
            "no-cache, no-store, max-age=0, must-revalidate",
        )
    }

    /// `POST /revoke` (RFC 7009 §2.1; Google also accepts the token in the query).
    fn revoke(&self, req: &Request) -> Response {
        let token = req.body_param("token").or_else(|| req.query_param("token"));
        let revoked = token.is_some_and(|t| self.state().store.revoke(&t, tokens::now()));
        if revoked {
            Response::json(200, &json!({}))
        } else {
            Response::json(
                400,
                &json!({"error": "invalid_token", "error_description": "Token expired or revoked"}),
            )
        }
    }

    /// The `/emulator/*` control API for tests. Not logged.
    fn control(&self, req: &Request) -> Response {
        let path = &req.path["/emulator".len()..];
        if req.method == "OPTIONS" {
            return Response::empty(204)
                .cors_any()
                .with("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                .with("Access-Control-Allow-Headers", "content-type")
                .with("Access-Control-Max-Age", "3600");
        }
        let resp = match (req.method.as_str(), path) {
            ("GET", "/health") => Response::new(200, "text/plain; charset=utf-8", "ok"),
            ("POST", "/reset") => {
                *self.state() = State::default();
                Response::json(200, &json!({}))
            }
            ("GET", "/knobs") => Response::json(200, &self.state().knobs),
            ("POST", "/knobs") => {
                let patch: Value = match serde_json::from_slice(&req.body) {
                    Ok(v) => v,
                    Err(e) => return control_error(400, &format!("invalid JSON: {e}")),
                };
                let mut st = self.state();
                match st.knobs.merge(&patch) {
                    Ok(()) => Response::json(200, &st.knobs),
                    Err(e) => control_error(400, &e),
                }
            }
            ("POST", "/expire-tokens") => {
                let n = self.state().store.expire_all(tokens::now());
                Response::json(200, &json!({ "expired": n }))
            }
            ("GET", "/tokens") => Response::json(200, &self.state().store.tokens()),
            ("POST", "/rotate-keys") => {
                let mut keys = self.keys();
                let current = keys.rotate();
                let published: Vec<String> = keys
                    .published(false)
                    .iter()
                    .map(|k| k.kid.clone())
                    .collect();
                Response::json(200, &json!({ "kid": current.kid, "published": published }))
            }
            ("GET", "/log") => Response::json(200, &self.state().log),
            ("GET", p) if p.starts_with("/avatar/") => {
                match p
                    .strip_prefix("/avatar/")
                    .and_then(|s| s.strip_suffix(".svg"))
                    .and_then(catalog::account_by_sub)
                {
                    Some(a) => Response::new(200, "image/svg+xml", pages::avatar_svg(a))
                        .with("Cache-Control", "public, max-age=3600"),
                    None => not_found(req),
                }
            }
            _ => not_found(req),
        };
        resp.cors_any()
    }
}

/// Issues a token for a request, honouring the `issue_to_client` and lifetime knobs.
fn issue(st: &mut State, req: &AuthRequest, sub: &str, scopes: Vec<String>) -> Token {
    let aud = st
        .knobs
        .issue_to_client
        .clone()
        .unwrap_or_else(|| req.client_id.clone());
    let lifetime = st.knobs.token_lifetime_secs;
    st.store.issue(&aud, sub, scopes, lifetime, tokens::now())
}

/// Google's tokeninfo shape: every value a string, email fields only with an email scope.
#[derive(Serialize)]
struct TokenInfo<'a> {
    azp: &'a str,
    aud: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub: Option<&'a str>,
    scope: String,
    exp: String,
    expires_in: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email_verified: Option<&'a str>,
    access_type: &'a str,
}

/// OpenID Connect userinfo as Google's v3 endpoint answers it.
#[derive(Serialize)]
struct UserInfo<'a> {
    sub: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    family_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    picture: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    /// A boolean, or with the `email_verified_as_string` knob the string `"true"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    email_verified: Option<Value>,
    /// A Workspace account's domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    hd: Option<&'a str>,
}

/// `POST /token`. Google refuses to redeem a code for a client that sends no secret, PKCE or
/// not; that is why a browser-only app can't use the code grant against Google.
fn token_refusal(req: &Request) -> Response {
    let basic = req
        .header("authorization")
        .is_some_and(|h| h.len() > 6 && h[..6].eq_ignore_ascii_case("basic "));
    let resp = if req.body_param("client_secret").is_some() || basic {
        // The emulator's client has no secret, so any secret is a wrong one.
        Response::json(
            401,
            &json!({"error": "invalid_client", "error_description": "Unauthorized"}),
        )
    } else {
        Response::json(
            400,
            &json!({"error": "invalid_request", "error_description": "client_secret is missing."}),
        )
    };
    resp.with(
        "Cache-Control",
        "no-cache, no-store, max-age=0, must-revalidate",
    )
}

fn preflight(req: &Request, endpoint: Endpoint) -> Response {
    let (methods, headers) = match endpoint {
        Endpoint::UserInfo => ("GET, OPTIONS", "authorization"),
        Endpoint::TokenInfo => ("GET, POST, OPTIONS", "content-type"),
        Endpoint::Tasks => (
            "GET, POST, PATCH, DELETE, OPTIONS",
            "authorization, content-type",
        ),
        Endpoint::Calendar | Endpoint::Certs | Endpoint::Discovery => {
            ("GET, OPTIONS", "authorization")
        }
        _ => ("POST, OPTIONS", "content-type"),
    };
    Response::empty(204)
        .cors_echo(req)
        .with("Access-Control-Allow-Methods", methods)
        .with("Access-Control-Allow-Headers", headers)
        .with("Access-Control-Max-Age", "3600")
}

fn not_found(req: &Request) -> Response {
    Response::json(
        404,
        &google_error_body(
            404,
            &format!("Not found: {} {}", req.method, req.path),
            "notFound",
        ),
    )
}

fn control_error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message })).cors_any()
}

fn log_headers(headers: &[(String, String)]) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for (n, v) in headers {
        map.entry(n.clone())
            .and_modify(|e| {
                e.push_str(", ");
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    map
}

/// A listening emulator.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub thread: thread::JoinHandle<()>,
}

/// Binds `addr` (port 0 picks a free one) and serves on background threads (`crate::http`:
/// one per connection).
pub fn start(
    addr: SocketAddr,
    client_id: String,
    redirect_uris: Vec<String>,
) -> io::Result<Running> {
    // The base URL names the bound port, so the app is made once the socket is bound.
    let listener = std::net::TcpListener::bind(addr)?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let app = Arc::new(App::new(base_url.clone(), client_id, redirect_uris));
    let (addr, thread) = http::serve(
        listener,
        MAX_BODY,
        Arc::new(move |rq: http::Incoming| serve_one(&app, rq)),
    )?;
    Ok(Running {
        addr,
        base_url,
        thread,
    })
}

fn serve_one(app: &App, rq: http::Incoming) -> http::Outgoing {
    let (path, query) = match rq.target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (rq.target.clone(), String::new()),
    };
    let req = Request {
        method: rq.method.to_ascii_uppercase(),
        path,
        query,
        headers: rq
            .headers
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect(),
        body: rq.body,
    };
    let resp = app.handle(&req);
    http::Outgoing {
        status: resp.status,
        headers: resp.headers,
        body: resp.body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP_ID: &str = "app.apps.googleusercontent.com";
    const URI: &str = "http://127.0.0.1:9/cb";

    fn app() -> App {
        // One key for every test's app: generating one per test would cost a second each.
        static KEY: std::sync::OnceLock<Arc<crate::keys::Key>> = std::sync::OnceLock::new();
        let key = KEY.get_or_init(|| Arc::new(crate::keys::Key::generate()));
        App::with_keys(
            BASE.into(),
            APP_ID.into(),
            vec![URI.into()],
            KeyRing::with_key(Arc::clone(key)),
        )
    }

    const BASE: &str = "http://127.0.0.1:1";

    fn urlencode(s: &str) -> String {
        form_urlencoded::byte_serialize(s.as_bytes()).collect()
    }

    fn get(path: &str) -> Request {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        Request {
            method: "GET".into(),
            path: path.into(),
            query: query.into(),
            ..Request::default()
        }
    }

    fn post(path: &str, body: &str) -> Request {
        Request {
            method: "POST".into(),
            body: body.as_bytes().to_vec(),
            headers: vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            ..get(path)
        }
    }

    fn body(r: &Response) -> String {
        String::from_utf8(r.body.clone()).unwrap()
    }

    fn request_id(html: &str) -> String {
        let start = html.find("name=\"request_id\" value=\"").unwrap() + 25;
        html[start..start + 32].to_string()
    }

    fn fragment(location: &str) -> HashMap<String, String> {
        let (_, f) = location.split_once('#').unwrap();
        form_urlencoded::parse(f.as_bytes()).into_owned().collect()
    }

    const Q: &str = "/o/oauth2/v2/auth?client_id=app.apps.googleusercontent.com\
                     &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&response_type=token\
                     &scope=openid%20email%20https://www.googleapis.com/auth/tasks&state=st";

    #[test]
    fn select_account_shows_the_chooser_then_consent_for_the_chosen_account() {
        let app = app();
        let page = app.handle(&get(&format!(
            "{Q}&prompt=select_account&login_hint=ada%40example.test"
        )));
        assert_eq!(page.status, 200);
        assert!(body(&page).contains("Choose an account"));
        let rid = request_id(&body(&page));
        let consent = app.handle(&post(
            ACCOUNT_PATH,
            &format!("request_id={rid}&account=100000000000000000002"),
        ));
        assert_eq!(consent.status, 200);
        assert!(body(&consent).contains("value=\"100000000000000000002\" checked>"));
        // The request is still pending under the same id: the consent page decides it.
        let r = app.handle(&post(
            DECISION_PATH,
            &format!("request_id={rid}&decision=allow&account=100000000000000000002"),
        ));
        assert_eq!(r.status, 302);
        assert!(r.header("location").unwrap().contains("access_token="));

        // Cancel on the chooser denies; its id is spent.
        let page = app.handle(&get(&format!("{Q}&prompt=select_account")));
        let rid = request_id(&body(&page));
        let r = app.handle(&post(ACCOUNT_PATH, &format!("request_id={rid}&account=")));
        assert!(r
            .header("location")
            .unwrap()
            .contains("error=access_denied"));
        let again = app.handle(&post(
            ACCOUNT_PATH,
            &format!("request_id={rid}&account=100000000000000000002"),
        ));
        assert_eq!(again.status, 400);
    }

    #[test]
    fn consent_then_prompt_none() {
        let app = app();
        // No signed-in account yet.
        let r = app.handle(&get(&format!("{Q}&prompt=none")));
        assert_eq!(r.status, 302);
        assert_eq!(
            r.header("location").unwrap(),
            format!("{URI}#error=login_required&state=st")
        );

        let page = app.handle(&get(Q));
        assert_eq!(page.status, 200);
        let rid = request_id(&body(&page));
        // Untick tasks: only sign-in scopes granted.
        let r = app.handle(&post(
            "/o/oauth2/v2/auth/decision",
            &format!("request_id={rid}&decision=allow&account=100000000000000000002&scope=openid&scope=email"),
        ));
        assert_eq!(r.status, 302);
        let f = fragment(r.header("location").unwrap());
        assert_eq!(
            f["scope"],
            "openid email https://www.googleapis.com/auth/userinfo.email"
        );
        assert_eq!(f["prompt"], "consent");
        // Single use.
        let again = app.handle(&post(
            "/o/oauth2/v2/auth/decision",
            &format!("request_id={rid}&decision=allow&account=100000000000000000002"),
        ));
        assert_eq!(again.status, 400);
        // tasks was not granted, so prompt=none needs consent.
        let r = app.handle(&get(&format!("{Q}&prompt=none")));
        assert!(r
            .header("location")
            .unwrap()
            .contains("error=consent_required"));
        let r = app.handle(&get(
            "/o/oauth2/v2/auth?client_id=app.apps.googleusercontent.com\
             &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&response_type=token&scope=email&prompt=none",
        ));
        let f = fragment(r.header("location").unwrap());
        assert_eq!(f["prompt"], "none");
        assert!(!f.contains_key("state"));
        let info = app.handle(&get(&format!(
            "/tokeninfo?access_token={}",
            f["access_token"]
        )));
        assert_eq!(info.status, 200);
        assert!(body(&info).contains("grace@example.test"));
    }

    #[test]
    fn deny_and_knobs() {
        let app = app();
        let rid = request_id(&body(&app.handle(&get(Q))));
        let r = app.handle(&post(
            "/o/oauth2/v2/auth/decision",
            &format!("request_id={rid}&decision=deny"),
        ));
        assert_eq!(
            r.header("location").unwrap(),
            format!("{URI}#error=access_denied&state=st")
        );

        let mut k = post(
            "/emulator/knobs",
            r#"{"issue_to_client":"other-app.apps.googleusercontent.com","token_lifetime_secs":60,"fail":{"userinfo":503}}"#,
        );
        k.headers.clear();
        assert_eq!(app.handle(&k).status, 200);
        let rid = request_id(&body(&app.handle(&get(Q))));
        let r = app.handle(&post(
            "/o/oauth2/v2/auth/decision",
            &format!("request_id={rid}&decision=allow&account=100000000000000000001&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Ftasks"),
        ));
        let f = fragment(r.header("location").unwrap());
        assert_eq!(f["expires_in"], "60");
        let info = app.handle(&get(&format!(
            "/tokeninfo?access_token={}",
            f["access_token"]
        )));
        let v: Value = serde_json::from_slice(&info.body).unwrap();
        assert_eq!(v["aud"], OTHER_CLIENT_ID);
        assert_eq!(v["azp"], OTHER_CLIENT_ID);
        let mut ui = get("/oauth2/v3/userinfo");
        ui.headers = vec![
            (
                "authorization".into(),
                format!("Bearer {}", f["access_token"]),
            ),
            ("origin".into(), "http://127.0.0.1:9".into()),
        ];
        let r = app.handle(&ui);
        assert_eq!(r.status, 503);
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("http://127.0.0.1:9")
        );
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["error"]["status"], "UNAVAILABLE");

        assert_eq!(app.handle(&post("/emulator/reset", "")).status, 200);
        assert_eq!(app.handle(&ui).status, 401, "reset forgot knobs and tokens");
        let log: Value = serde_json::from_slice(&app.handle(&get("/emulator/log")).body).unwrap();
        assert_eq!(log.as_array().unwrap().len(), 1);
        assert_eq!(log[0]["headers"]["origin"], "http://127.0.0.1:9");
    }

    #[test]
    fn error_pages_never_redirect() {
        let app = app();
        let r = app.handle(&get(
            "/o/oauth2/v2/auth?client_id=app.apps.googleusercontent.com\
             &redirect_uri=http://127.0.0.1:9/cb/&response_type=token&scope=openid",
        ));
        assert_eq!(r.status, 400);
        assert!(r.header("location").is_none());
        let html = body(&r);
        assert!(html.contains("Error 400: redirect_uri_mismatch"));
        assert!(html.contains("http://127.0.0.1:9/cb/"));
        assert!(html.contains(pages::BANNER));
        assert_eq!(
            r.header("content-security-policy"),
            Some("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:"),
            "the pages' empty data: icon is allowed, so the browser asks for no /favicon.ico"
        );
    }

    #[test]
    fn wrong_method_and_unknown_paths() {
        let app = app();
        assert_eq!(app.handle(&get("/nope")).status, 404);
        assert_eq!(app.handle(&get("/emulator/nope")).status, 404);
        assert_eq!(app.handle(&get("/revoke?token=x")).status, 405);
        let mut pre = get("/revoke");
        pre.method = "OPTIONS".into();
        pre.headers = vec![("origin".into(), "http://a.test".into())];
        let r = app.handle(&pre);
        assert_eq!(r.status, 204);
        assert!(r.header("access-control-allow-credentials").is_none());
    }

    // ---- OpenID Connect: ID tokens, discovery, keys ----

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;
    use rsa::{BigUint, RsaPublicKey};
    use sha2::{Digest, Sha256};

    fn auth_query(response_type: &str, extra: &[(&str, &str)]) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("client_id", APP_ID)
            .append_pair("redirect_uri", URI)
            .append_pair("response_type", response_type)
            .append_pair("scope", "openid email profile")
            .append_pair("state", "st")
            .extend_pairs(extra);
        format!("{AUTH_PATH}?{}", q.finish())
    }

    /// Consents as Grace and returns the redirect's Location.
    fn consent(app: &App, response_type: &str, extra: &[(&str, &str)]) -> String {
        let page = app.handle(&get(&auth_query(response_type, extra)));
        assert_eq!(page.status, 200, "{}", body(&page));
        let rid = request_id(&body(&page));
        let r = app.handle(&post(
            DECISION_PATH,
            &format!("request_id={rid}&decision=allow&account=100000000000000000002"),
        ));
        assert_eq!(r.status, 302);
        r.header("location").unwrap().to_string()
    }

    /// An ID token from `prompt=none`, once Grace has consented.
    fn silent_id_token(app: &App, nonce: &str) -> (HashMap<String, String>, Jwt) {
        let r = app.handle(&get(&auth_query(
            "token id_token",
            &[("nonce", nonce), ("prompt", "none")],
        )));
        let f = fragment(r.header("location").unwrap());
        let jwt = Jwt::parse(&f["id_token"]);
        (f, jwt)
    }

    struct Jwt {
        header: Value,
        claims: Value,
        input: String,
        signature: Vec<u8>,
    }

    impl Jwt {
        fn parse(jwt: &str) -> Jwt {
            let parts: Vec<&str> = jwt.split('.').collect();
            assert_eq!(parts.len(), 3, "{jwt}");
            let json = |p: &str| -> Value {
                serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap()
            };
            Jwt {
                header: json(parts[0]),
                claims: json(parts[1]),
                input: format!("{}.{}", parts[0], parts[1]),
                signature: URL_SAFE_NO_PAD.decode(parts[2]).unwrap(),
            }
        }

        /// Verifies RS256 with the JWKS key the header names, as a relying party would.
        fn verify(&self, jwks: &Value) -> Result<(), String> {
            if self.header["alg"] != "RS256" {
                return Err(format!("alg {}", self.header["alg"]));
            }
            let key = verifying_key(jwks, self.header["kid"].as_str().unwrap())
                .ok_or("kid not in the JWKS")?;
            let sig = Signature::try_from(self.signature.as_slice()).map_err(|e| e.to_string())?;
            key.verify(self.input.as_bytes(), &sig)
                .map_err(|e| e.to_string())
        }
    }

    fn jwks(app: &App) -> Value {
        let r = app.handle(&get(CERTS_PATH));
        assert_eq!(r.status, 200);
        serde_json::from_slice(&r.body).unwrap()
    }

    fn kids(jwks: &Value) -> Vec<String> {
        jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_string())
            .collect()
    }

    fn jwk_bytes(jwk: &Value, member: &str) -> Vec<u8> {
        URL_SAFE_NO_PAD
            .decode(jwk[member].as_str().unwrap())
            .unwrap()
    }

    fn verifying_key(jwks: &Value, kid: &str) -> Option<VerifyingKey<Sha256>> {
        let jwk = jwks["keys"].as_array()?.iter().find(|k| k["kid"] == kid)?;
        let n = BigUint::from_bytes_be(&jwk_bytes(jwk, "n"));
        let e = BigUint::from_bytes_be(&jwk_bytes(jwk, "e"));
        Some(VerifyingKey::new(RsaPublicKey::new(n, e).unwrap()))
    }

    /// OIDC Core §3.2.2.9, computed here independently of the emulator's code.
    fn expected_at_hash(access_token: &str) -> String {
        let digest = Sha256::digest(access_token.as_bytes());
        URL_SAFE_NO_PAD.encode(&digest[..16])
    }

    fn set_knobs(app: &App, json: &str) {
        let r = app.handle(&post("/emulator/knobs", json));
        assert_eq!(r.status, 200, "{}", body(&r));
    }

    #[test]
    fn token_id_token_is_signed_and_carries_googles_claims() {
        let app = app();
        let location = consent(&app, "id_token token", &[("nonce", "n-0S6_WzA2Mj")]);
        let f = fragment(&location);
        for key in [
            "state",
            "access_token",
            "token_type",
            "expires_in",
            "scope",
            "id_token",
        ] {
            assert!(f.contains_key(key), "{key} in {location}");
        }
        let jwt = Jwt::parse(&f["id_token"]);
        let keys = jwks(&app);
        assert_eq!(
            jwt.header,
            json!({"alg": "RS256", "kid": kids(&keys)[0], "typ": "JWT"})
        );
        jwt.verify(&keys).unwrap();

        let c = &jwt.claims;
        assert_eq!(c["iss"], BASE);
        assert_eq!(c["aud"], APP_ID);
        assert_eq!(c["azp"], APP_ID);
        assert_eq!(c["nonce"], "n-0S6_WzA2Mj");
        assert_eq!(c["at_hash"], expected_at_hash(&f["access_token"]));
        assert_eq!(c["sub"], "100000000000000000002");
        assert_eq!(c["email"], "grace@example.test");
        assert_eq!(c["email_verified"], true);
        assert_eq!(c["name"], "Grace Hopper");
        assert_eq!(c["given_name"], "Grace");
        assert_eq!(c["family_name"], "Hopper");
        assert_eq!(
            c["picture"],
            format!("{BASE}/emulator/avatar/100000000000000000002.svg")
        );
        let (iat, exp) = (c["iat"].as_u64().unwrap(), c["exp"].as_u64().unwrap());
        assert!(iat.abs_diff(tokens::now()) <= 5);
        assert_eq!(exp - iat, 3600);
        let mut names: Vec<&str> = c.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "at_hash",
                "aud",
                "azp",
                "email",
                "email_verified",
                "exp",
                "family_name",
                "given_name",
                "iat",
                "iss",
                "name",
                "nonce",
                "picture",
                "sub"
            ]
        );

        // The ID token is about the account userinfo describes.
        let mut ui = get(USERINFO_PATH);
        ui.headers = vec![(
            "authorization".into(),
            format!("Bearer {}", f["access_token"]),
        )];
        let info: Value = serde_json::from_slice(&app.handle(&ui).body).unwrap();
        for claim in [
            "sub",
            "email",
            "name",
            "given_name",
            "family_name",
            "picture",
        ] {
            assert_eq!(info[claim], c[claim], "{claim}");
        }
    }

    #[test]
    fn id_token_alone_has_no_access_token_or_at_hash() {
        let app = app();
        set_knobs(&app, r#"{"token_lifetime_secs": 60}"#);
        let location = consent(&app, "id_token", &[("nonce", "n1")]);
        let f = fragment(&location);
        assert!(!f.contains_key("access_token") && !f.contains_key("scope"));
        assert_eq!(f["prompt"], "consent");
        let jwt = Jwt::parse(&f["id_token"]);
        jwt.verify(&jwks(&app)).unwrap();
        assert!(jwt.claims.get("at_hash").is_none());
        assert_eq!(jwt.claims["nonce"], "n1");
        let c = &jwt.claims;
        assert_eq!(c["exp"].as_u64().unwrap() - c["iat"].as_u64().unwrap(), 60);
        assert!(
            app.state().store.tokens().is_empty(),
            "no access token issued"
        );
        // prompt=none answers with an ID token too.
        let r = app.handle(&get(&auth_query(
            "id_token",
            &[("nonce", "n2"), ("prompt", "none")],
        )));
        let f = fragment(r.header("location").unwrap());
        assert_eq!(f["prompt"], "none");
        assert_eq!(Jwt::parse(&f["id_token"]).claims["nonce"], "n2");
    }

    #[test]
    fn id_token_without_nonce_is_an_error_page() {
        let app = app();
        for rt in ["id_token", "token id_token", "id_token token"] {
            let r = app.handle(&get(&auth_query(rt, &[])));
            assert_eq!(r.status, 400, "{rt}");
            assert!(r.header("location").is_none());
            let html = body(&r);
            assert!(html.contains("Error 400: invalid_request"), "{html}");
            assert!(html.contains("Missing required parameter: nonce"));
        }
        // Not even prompt=none redirects.
        let r = app.handle(&get(&auth_query("id_token", &[("prompt", "none")])));
        assert_eq!(r.status, 400);
        assert!(r.header("location").is_none());
    }

    #[test]
    fn issue_to_client_sends_the_id_token_to_the_other_client() {
        let app = app();
        set_knobs(
            &app,
            &format!(r#"{{"issue_to_client": "{OTHER_CLIENT_ID}"}}"#),
        );
        let f = fragment(&consent(&app, "token id_token", &[("nonce", "n")]));
        let jwt = Jwt::parse(&f["id_token"]);
        jwt.verify(&jwks(&app)).unwrap();
        assert_eq!(jwt.claims["aud"], OTHER_CLIENT_ID);
        assert_eq!(jwt.claims["azp"], OTHER_CLIENT_ID);
    }

    #[test]
    fn each_forgery_is_what_it_says() {
        let app = app();
        consent(&app, "token id_token", &[("nonce", "n")]);
        let keys = jwks(&app);
        let kid = kids(&keys)[0].clone();
        let good = |jwt: &Jwt, f: &HashMap<String, String>| {
            jwt.verify(&keys).unwrap();
            assert_eq!(jwt.claims["nonce"], "n");
            assert_eq!(jwt.claims["iss"], BASE);
            assert_eq!(jwt.claims["aud"], APP_ID);
            assert_eq!(jwt.claims["at_hash"], expected_at_hash(&f["access_token"]));
            assert!(jwt.claims["exp"].as_u64().unwrap() > tokens::now());
        };
        let forged = |name: &str| {
            set_knobs(&app, &format!(r#"{{"id_token_forgery": "{name}"}}"#));
            silent_id_token(&app, "n")
        };

        let (f, jwt) = forged("wrong_nonce");
        jwt.verify(&keys).unwrap();
        assert_ne!(jwt.claims["nonce"], "n");
        assert_eq!(jwt.claims["at_hash"], expected_at_hash(&f["access_token"]));

        let (_, jwt) = forged("bad_signature");
        assert!(jwt.verify(&keys).is_err());
        assert_eq!(jwt.claims["nonce"], "n");
        assert_eq!(jwt.header["kid"], kid.as_str());

        let (f, jwt) = forged("wrong_at_hash");
        jwt.verify(&keys).unwrap();
        assert_ne!(jwt.claims["at_hash"], expected_at_hash(&f["access_token"]));
        assert_eq!(jwt.claims["at_hash"].as_str().unwrap().len(), 22);

        let (_, jwt) = forged("expired");
        jwt.verify(&keys).unwrap();
        let now = tokens::now();
        let (iat, exp) = (
            jwt.claims["iat"].as_u64().unwrap(),
            jwt.claims["exp"].as_u64().unwrap(),
        );
        assert!(
            (now - 7205..=now - 7200).contains(&iat),
            "iat {iat}, now {now}"
        );
        assert_eq!(exp, iat + 3600);

        let (_, jwt) = forged("wrong_issuer");
        jwt.verify(&keys).unwrap();
        assert_eq!(jwt.claims["iss"], "https://evil.example");

        let (_, jwt) = forged("wrong_audience");
        jwt.verify(&keys).unwrap();
        assert_eq!(jwt.claims["aud"], OTHER_CLIENT_ID);
        assert_eq!(jwt.claims["azp"], OTHER_CLIENT_ID);

        let (_, jwt) = forged("alg_none");
        assert_eq!(jwt.header["alg"], "none");
        assert!(jwt.signature.is_empty());
        assert_eq!(jwt.claims["nonce"], "n");

        let (_, jwt) = forged("alg_hs256");
        assert_eq!(jwt.header["alg"], "HS256");
        assert_eq!(jwt.header["kid"], kid.as_str());
        // The MAC key is the published modulus: anyone could have made this token.
        let n = jwk_bytes(&keys["keys"][0], "n");
        let mut mac = <hmac::Hmac<Sha256> as hmac::Mac>::new_from_slice(&n).unwrap();
        hmac::Mac::update(&mut mac, jwt.input.as_bytes());
        assert_eq!(
            hmac::Mac::finalize(mac).into_bytes().as_slice(),
            jwt.signature
        );

        let (_, jwt) = forged("unknown_kid");
        assert_eq!(jwt.header["alg"], "RS256");
        let unknown = jwt.header["kid"].as_str().unwrap();
        assert!(!kids(&jwks(&app)).iter().any(|k| k == unknown));
        assert_eq!(jwt.signature.len(), 256);
        assert_eq!(jwt.verify(&keys), Err("kid not in the JWKS".into()));

        // The harness turns knobs off with null.
        set_knobs(&app, r#"{"id_token_forgery": null}"#);
        let (f, jwt) = silent_id_token(&app, "n");
        good(&jwt, &f);
        set_knobs(&app, r#"{"id_token_forgery": "expired"}"#);
        assert_eq!(app.handle(&post("/emulator/reset", "")).status, 200);
        consent(&app, "token id_token", &[("nonce", "n")]);
        let (f, jwt) = silent_id_token(&app, "n");
        good(&jwt, &f);
    }

    #[test]
    fn rotation_publishes_both_keys_and_signs_with_the_new_one() {
        let app = app();
        consent(&app, "token id_token", &[("nonce", "n")]);
        let before = kids(&jwks(&app));
        assert_eq!(before.len(), 1);
        set_knobs(&app, r#"{"jwks_without_current_key": true}"#);
        assert!(kids(&jwks(&app)).is_empty());

        let r = app.handle(&post("/emulator/rotate-keys", ""));
        assert_eq!(r.status, 200);
        let answer: Value = serde_json::from_slice(&r.body).unwrap();
        let new_kid = answer["kid"].as_str().unwrap().to_string();
        assert_ne!(new_kid, before[0]);
        assert_eq!(answer["published"], json!([new_kid, before[0]]));

        // Without the current key, only the previous one is published.
        assert_eq!(kids(&jwks(&app)), [before[0].clone()]);
        set_knobs(&app, r#"{"jwks_without_current_key": null}"#);
        let keys = jwks(&app);
        assert_eq!(kids(&keys), [new_kid.clone(), before[0].clone()]);
        let (_, jwt) = silent_id_token(&app, "n");
        assert_eq!(jwt.header["kid"], new_kid.as_str());
        jwt.verify(&keys).unwrap();
        // The old key no longer verifies new tokens.
        let old_only = json!({ "keys": [keys["keys"][1]] });
        assert!(jwt.verify(&old_only).is_err());
        // A reset keeps the keys.
        app.handle(&post("/emulator/reset", ""));
        assert_eq!(kids(&jwks(&app)), [new_kid, before[0].clone()]);
    }

    #[test]
    fn a_stale_key_set_is_served_as_often_as_asked_then_the_current_one() {
        let app = app();
        consent(&app, "token id_token", &[("nonce", "n")]);
        let first = kids(&jwks(&app));
        let r = app.handle(&post("/emulator/rotate-keys", ""));
        let new_kid = serde_json::from_slice::<Value>(&r.body).unwrap()["kid"]
            .as_str()
            .unwrap()
            .to_string();
        set_knobs(&app, r#"{"stale_jwks": 1}"#);
        assert_eq!(kids(&jwks(&app)), first, "the set from before the rotation");
        assert_eq!(kids(&jwks(&app)), [new_kid, first[0].clone()]);
    }

    #[test]
    fn certs_and_discovery_are_public_cached_and_logged() {
        let app = app();
        let r = app.handle(&get(CERTS_PATH));
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert!(r
            .header("cache-control")
            .unwrap()
            .starts_with("public, max-age="));
        let jwks: Value = serde_json::from_slice(&r.body).unwrap();
        let key = &jwks["keys"][0];
        assert_eq!(
            (&key["kty"], &key["alg"], &key["use"], &key["e"]),
            (
                &json!("RSA"),
                &json!("RS256"),
                &json!("sig"),
                &json!("AQAB")
            )
        );
        assert_eq!(jwk_bytes(key, "n").len(), 256);

        let r = app.handle(&get(DISCOVERY_PATH));
        assert_eq!(r.status, 200);
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert!(r
            .header("cache-control")
            .unwrap()
            .starts_with("public, max-age="));
        let d: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(d["issuer"], BASE);
        assert_eq!(
            d["authorization_endpoint"],
            format!("{BASE}/o/oauth2/v2/auth")
        );
        assert_eq!(d["token_endpoint"], format!("{BASE}/token"));
        assert_eq!(d["userinfo_endpoint"], format!("{BASE}/oauth2/v3/userinfo"));
        assert_eq!(d["revocation_endpoint"], format!("{BASE}/revoke"));
        assert_eq!(d["jwks_uri"], format!("{BASE}/oauth2/v3/certs"));
        assert_eq!(d["id_token_signing_alg_values_supported"], json!(["RS256"]));
        assert_eq!(d["subject_types_supported"], json!(["public"]));
        assert_eq!(
            d["code_challenge_methods_supported"],
            json!(["plain", "S256"])
        );
        assert_eq!(
            d["token_endpoint_auth_methods_supported"],
            json!(["client_secret_post", "client_secret_basic"])
        );
        let types = d["response_types_supported"].as_array().unwrap();
        for t in [
            "code",
            "token",
            "id_token",
            "token id_token",
            "code token id_token",
            "none",
        ] {
            assert!(types.contains(&json!(t)), "{t}");
        }

        // Faults can target them, and the log shows them.
        set_knobs(&app, r#"{"fail": {"certs": 503}}"#);
        assert_eq!(app.handle(&get(CERTS_PATH)).status, 503);
        let log: Value = serde_json::from_slice(&app.handle(&get("/emulator/log")).body).unwrap();
        let paths: Vec<&str> = log
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].as_str().unwrap())
            .collect();
        assert_eq!(paths, [CERTS_PATH, DISCOVERY_PATH, CERTS_PATH]);
    }

    #[test]
    fn the_code_grant_answers_in_the_query_and_token_refuses_a_public_client() {
        let app = app();
        let location = consent(&app, "code", &[]);
        assert!(!location.contains('#'), "{location}");
        let (uri, query) = location.split_once('?').unwrap();
        assert_eq!(uri, URI);
        let q: HashMap<String, String> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        assert!(q["code"].starts_with("4/0A"));
        assert_eq!(q["state"], "st");
        assert_eq!(q["authuser"], "0");
        assert_eq!(q["prompt"], "consent");
        assert!(q["scope"].contains("openid"));
        assert!(
            query.starts_with(&format!("state=st&iss={}&code=", urlencode(BASE))),
            "Google's order, with RFC 9207's iss naming the issuer: {query}"
        );
        assert_eq!(q["iss"], BASE);
        assert!(app.state().store.tokens().is_empty());

        let mut t = post(
            TOKEN_PATH,
            &format!(
                "code={}&grant_type=authorization_code&client_id={APP_ID}\
                 &redirect_uri={URI}&code_verifier=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                q["code"]
            ),
        );
        t.headers
            .push(("origin".into(), "http://127.0.0.1:9".into()));
        let r = app.handle(&t);
        assert_eq!(r.status, 400);
        assert_eq!(
            serde_json::from_slice::<Value>(&r.body).unwrap(),
            json!({"error": "invalid_request", "error_description": "client_secret is missing."})
        );
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("http://127.0.0.1:9")
        );
        t.body.extend_from_slice(b"&client_secret=guess");
        assert_eq!(app.handle(&t).status, 401);

        // A denial of a code request comes back in the query too.
        let rid = request_id(&body(&app.handle(&get(&auth_query("code", &[])))));
        let r = app.handle(&post(
            DECISION_PATH,
            &format!("request_id={rid}&decision=deny"),
        ));
        assert_eq!(
            r.header("location").unwrap(),
            format!("{URI}?error=access_denied&state=st")
        );
    }

    // ---- Google as it really answers (issue 22) ----

    /// Consents to `scope` as `account`, ticking `ticked` on the page; returns the Location.
    fn decide_as(app: &App, scope: &str, account: &str, ticked: &[&str]) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("client_id", APP_ID)
            .append_pair("redirect_uri", URI)
            .append_pair("response_type", "token")
            .append_pair("scope", scope)
            .append_pair("state", "st");
        let page = app.handle(&get(&format!("{AUTH_PATH}?{}", q.finish())));
        let rid = request_id(&body(&page));
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("request_id", &rid)
            .append_pair("decision", "allow")
            .append_pair("account", account);
        for s in scope.split(' ').filter(|s| catalog::is_sign_in_scope(s)) {
            form.append_pair("scope", s);
        }
        for s in ticked {
            form.append_pair("scope", s);
        }
        let r = app.handle(&post(DECISION_PATH, &form.finish()));
        r.header("location").unwrap().to_string()
    }

    fn user_info(app: &App, token: &str) -> Response {
        let mut r = get(USERINFO_PATH);
        r.headers = vec![("authorization".into(), format!("Bearer {token}"))];
        app.handle(&r)
    }

    #[test]
    fn the_consent_page_starts_unticked_unless_the_knob_says_otherwise() {
        let app = app();
        let page = body(&app.handle(&get(Q)));
        assert!(page.contains("value=\"https://www.googleapis.com/auth/tasks\">"));
        set_knobs(&app, r#"{"consent_preticked": true}"#);
        let page = body(&app.handle(&get(Q)));
        assert!(page.contains("value=\"https://www.googleapis.com/auth/tasks\" checked>"));
    }

    #[test]
    fn a_token_without_a_sign_in_scope_does_not_say_whose_it_is() {
        let app = app();
        let tasks = "https://www.googleapis.com/auth/tasks";
        let f = fragment(&decide_as(&app, tasks, "100000000000000000001", &[tasks]));
        assert_eq!(f["scope"], tasks);
        let token = &f["access_token"];
        let info = app.handle(&get(&format!("{TOKENINFO_PATH}?access_token={token}")));
        assert_eq!(info.status, 200);
        let info: Value = serde_json::from_slice(&info.body).unwrap();
        assert_eq!(info["aud"], APP_ID);
        assert!(
            info.get("sub").is_none() && info.get("email").is_none(),
            "{info}"
        );
        let ui = user_info(&app, token);
        assert_eq!(ui.status, 401, "Google's user info refuses it");
        assert!(body(&ui).contains("Request is missing required authentication credential"));
    }

    #[test]
    fn a_workspace_account_carries_hd_and_answers_end_with_version_info() {
        let app = app();
        let location = decide_as(&app, "openid email", "100000000000000000003", &[]);
        let (_, raw) = location.split_once('#').unwrap();
        assert!(
            raw.contains("&authuser=0&hd=workspace.example.test&prompt=consent&version_info=Cm"),
            "{raw}"
        );
        let f = fragment(&location);
        let ui: Value = serde_json::from_slice(&user_info(&app, &f["access_token"]).body).unwrap();
        assert_eq!(ui["hd"], "workspace.example.test");
        assert_eq!(ui["email_verified"], true);
        // A consumer account has no hd anywhere.
        let f = fragment(&decide_as(
            &app,
            "openid email",
            "100000000000000000001",
            &[],
        ));
        assert!(!f.contains_key("hd"));
        assert!(f.contains_key("version_info"));
    }

    #[test]
    fn email_verified_comes_as_a_string_with_the_knob() {
        let app = app();
        set_knobs(&app, r#"{"email_verified_as_string": true}"#);
        let f = fragment(&decide_as(
            &app,
            "openid email",
            "100000000000000000001",
            &[],
        ));
        let ui: Value = serde_json::from_slice(&user_info(&app, &f["access_token"]).body).unwrap();
        assert_eq!(ui["email_verified"], "true");
    }

    #[test]
    fn the_key_sets_max_age_counts_down_to_the_next_rotation() {
        let app = app();
        let max_age = |app: &App| -> u64 {
            let r = app.handle(&get(CERTS_PATH));
            let cc = r.header("cache-control").unwrap().to_string();
            let n = cc.split("max-age=").nth(1).unwrap();
            n.split(',').next().unwrap().parse().unwrap()
        };
        assert!(max_age(&app) <= crate::keys::ROTATION_SECS);
        app.keys().since -= 1000;
        let left = max_age(&app);
        assert!(
            left <= crate::keys::ROTATION_SECS - 1000 && left > crate::keys::ROTATION_SECS - 1010,
            "{left}"
        );
        app.keys().since = 0;
        assert_eq!(max_age(&app), 0, "past the rotation, caches must ask again");
        app.handle(&post("/emulator/rotate-keys", ""));
        assert!(
            max_age(&app) > crate::keys::ROTATION_SECS - 5,
            "a new key starts the count"
        );
    }
}
