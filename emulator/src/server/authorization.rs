//! Authorization: the request checked, the account chooser and the consent page, the person's
//! decision, and the redirect that answers it (a code, an access token, an ID token).

use super::wire::{form_field, form_fields, Response};
use super::{App, Request, State};
use crate::auth::{self, Annotations, AuthRequest, Issued, Silent};
use crate::catalog;
use crate::id_token::{self, Claims, Subject};
use crate::knobs::DEFAULT_TOKEN_LIFETIME_SECS;
use crate::pages;
use crate::tokens::{self, Token};

impl App {
    /// `GET /o/oauth2/v2/auth`.
    pub(super) fn authorize(&self, req: &Request) -> Response {
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
    pub(super) fn account(&self, req: &Request) -> Response {
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
    pub(super) fn decision(&self, req: &Request) -> Response {
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
    pub(super) fn grant(
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
    pub(super) fn id_token(
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
}

/// Issues a token for a request, honouring the `issue_to_client` and lifetime knobs.
pub(super) fn issue(st: &mut State, req: &AuthRequest, sub: &str, scopes: Vec<String>) -> Token {
    let aud = st
        .knobs
        .issue_to_client
        .clone()
        .unwrap_or_else(|| req.client_id.clone());
    let lifetime = st.knobs.token_lifetime_secs;
    st.store.issue(&aud, sub, scopes, lifetime, tokens::now())
}
