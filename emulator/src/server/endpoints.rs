//! What an app fetches: the Tasks and Calendar APIs, the key set and discovery, token info,
//! user info, revocation, and the token endpoint's refusal.

use super::routes::{AUTH_PATH, CERTS_PATH, REVOKE_PATH, TOKEN_PATH, USERINFO_PATH};
use super::wire::Response;
use super::{App, Request};
use crate::calendar;
use crate::catalog;
use crate::google_api;
use crate::knobs::google_error_body;
use crate::tasks;
use crate::tokens::{self, Token};
use serde::Serialize;
use serde_json::{json, Value};

/// Which Google API a call is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Api {
    Tasks,
    Calendar,
}

impl Api {
    /// The Google service name errors mention, and the scopes a request to it needs.
    pub(super) fn service(self, method: &str) -> (&'static str, &'static [&'static str]) {
        match self {
            Api::Tasks => (tasks::SERVICE, tasks::scopes_for(method)),
            Api::Calendar => (calendar::SERVICE, &calendar::READ_SCOPES),
        }
    }
}

impl App {
    /// Under `/tasks/v1/`: the Tasks API.
    pub(super) fn tasks(&self, req: &Request) -> Response {
        self.google_api(req, Api::Tasks)
    }

    /// Under `/calendar/v3/`: the Calendar API.
    pub(super) fn calendar(&self, req: &Request) -> Response {
        self.google_api(req, Api::Calendar)
    }

    /// A Tasks or Calendar API call: the bearer token must be valid and carry a scope the call
    /// needs (tasks.readonly allows reads only), then the account's data answers.
    fn google_api(&self, req: &Request, api: Api) -> Response {
        let (service, scopes) = api.service(&req.method);
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
        let reply = match api {
            Api::Tasks => st.tasks.handle(
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
            Api::Calendar => st
                .calendar
                .handle(&sub, &req.method, &req.path, &req.query, cap),
        };
        Response::from_reply(reply).with("Cache-Control", "private, max-age=0")
    }

    /// `GET /oauth2/v3/certs`: the JWKS (RFC 7517 §5).
    pub(super) fn certs(&self) -> Response {
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
    pub(super) fn discovery(&self) -> Response {
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
    pub(super) fn tokeninfo(&self, req: &Request) -> Response {
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
    pub(super) fn userinfo(&self, req: &Request) -> Response {
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
    pub(super) fn revoke(&self, req: &Request) -> Response {
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
pub(super) fn token_refusal(req: &Request) -> Response {
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
