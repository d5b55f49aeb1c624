//! Step 1: the authorization request (RFC 6749 §4.2.1, Google's "OAuth 2.0 for Client-side Web
//! Applications") and the record of it kept in the tab until the answer comes back.

use crate::config::Flow;
use crate::json::{Json, Object, ObjectWriter, ReadError};
use crate::par::PushedRequest;

/// Bytes of randomness in `state`: 256 bits, twice the 128 that RFC 6749 §10.10 asks of a guess.
pub const STATE_BYTES: usize = 32;

/// What the tab remembers (in sessionStorage) between sending the person away and their return.
/// It is consumed by the first response, whatever that response says: state is single use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingAuthorization {
    pub state: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub created_at_ms: u64,
    /// Sent with `prompt=none`: an answer asking for interaction means "try again interactively".
    pub silent: bool,
    /// "Use another account": sent with `prompt=select_account` and no `login_hint`, so the
    /// provider shows its account chooser instead of taking the remembered account.
    pub choose_account: bool,
    /// The view to return to after a full-page redirect (an opaque name chosen by the UI).
    pub return_to: Option<String>,
    /// The grant asked for: it decides where the answer must arrive and what it must hold.
    pub flow: Flow,
    /// The issuer the request went to: an answer naming another (RFC 9207 `iss`) is refused.
    pub issuer: Option<String>,
    /// The provider says it names itself in every answer (RFC 9207's
    /// `authorization_response_iss_parameter_supported`): an answer without `iss` is refused.
    pub iss_required: bool,
    /// OpenID Connect's `nonce`: the ID token must carry it back (replay protection).
    pub nonce: Option<String>,
    /// PKCE's `code_verifier` (RFC 7636), sent only to the token endpoint with the code.
    pub code_verifier: Option<String>,
}

impl PendingAuthorization {
    /// `random` must come from a CSPRNG (`crypto.getRandomValues` in the browser).
    pub fn new(
        random: [u8; STATE_BYTES],
        redirect_uri: &str,
        scopes: &[String],
        now_ms: u64,
    ) -> Self {
        PendingAuthorization {
            state: crate::base64url::encode(random),
            redirect_uri: redirect_uri.to_owned(),
            scopes: scopes.to_vec(),
            created_at_ms: now_ms,
            silent: false,
            choose_account: false,
            return_to: None,
            flow: Flow::Token,
            issuer: None,
            iss_required: false,
            nonce: None,
            code_verifier: None,
        }
    }

    /// For an OpenID Connect flow: the issuer the request goes to and a single-use nonce from
    /// `random` (a CSPRNG's 256 bits, twice OIDC's recommended minimum of 128).
    pub fn openid(mut self, flow: Flow, issuer: &str, random: [u8; STATE_BYTES]) -> Self {
        self.flow = flow;
        self.issuer = Some(issuer.to_owned());
        self.nonce = Some(crate::base64url::encode(random));
        self
    }

    /// Whether the answer must carry `iss` (RFC 9207 §2.4: "Clients MUST reject authorization
    /// responses without the iss parameter from authorization servers that do support the
    /// parameter"); an answer with an ID token is named by that token's `iss` instead.
    pub fn requiring_iss(mut self, required: bool) -> Self {
        self.iss_required = required;
        self
    }

    /// PKCE for the code flow: the verifier stays in this tab until the code is exchanged.
    pub fn with_code_verifier(mut self, verifier: String) -> Self {
        self.code_verifier = Some(verifier);
        self
    }

    pub fn silent(mut self) -> Self {
        self.silent = true;
        self
    }

    pub fn choosing_account(mut self) -> Self {
        self.choose_account = true;
        self
    }

    pub fn returning_to(mut self, view: Option<String>) -> Self {
        self.return_to = view;
        self
    }

    /// The `prompt` this request must carry.
    pub fn prompt(&self) -> &'static [Prompt] {
        if self.silent {
            &[Prompt::None]
        } else if self.choose_account {
            &[Prompt::SelectAccount]
        } else {
            &[]
        }
    }

    /// The `login_hint` to send: none when the person asked to choose another account (a hint
    /// would have Google preselect the remembered one, OIDC Core §3.1.2.1).
    pub fn login_hint<'h>(&self, remembered: Option<&'h str>) -> Option<&'h str> {
        remembered.filter(|_| !self.choose_account)
    }

    /// The sessionStorage record.
    pub fn to_json(&self) -> String {
        ObjectWriter::default()
            .string("state", Some(&self.state))
            .string("redirect_uri", Some(&self.redirect_uri))
            .strings("scopes", self.scopes.iter().map(String::as_str))
            .integer("created_at_ms", self.created_at_ms)
            .bool("silent", self.silent)
            .bool("choose_account", self.choose_account)
            .string("return_to", self.return_to.as_deref())
            .string("flow", Some(self.flow.name()))
            .string("issuer", self.issuer.as_deref())
            .bool("iss_required", self.iss_required)
            .string("nonce", self.nonce.as_deref())
            .string("code_verifier", self.code_verifier.as_deref())
            .finish()
    }

    pub fn from_json(text: &str) -> Result<Self, ReadError> {
        let o = Json::parse_object(text)?;
        Ok(PendingAuthorization {
            state: Object::required("state", o.string("state")?)?,
            redirect_uri: Object::required("redirect_uri", o.string("redirect_uri")?)?,
            scopes: Object::required("scopes", o.strings("scopes")?)?,
            created_at_ms: Object::required("created_at_ms", o.integer("created_at_ms")?)?,
            // Absent in records written before these existed.
            silent: o.bool("silent")?.unwrap_or(false),
            choose_account: o.bool("choose_account")?.unwrap_or(false),
            return_to: o.string("return_to")?,
            flow: match o.string("flow")?.as_deref() {
                None | Some("token") => Flow::Token,
                Some("token id_token") => Flow::TokenIdToken,
                Some("code") => Flow::Code,
                Some(_) => {
                    return Err(crate::json::FieldError {
                        field: "flow",
                        expected: "must name a flow",
                    }
                    .into())
                }
            },
            issuer: o.string("issuer")?,
            iss_required: o.bool("iss_required")?.unwrap_or(false),
            nonce: o.string("nonce")?,
            code_verifier: o.string("code_verifier")?,
        })
    }
}

/// The scopes to ask for: the configured sign-in scopes plus any a feature needs now
/// (incremental authorization), each once, in that order. With `include_granted_scopes=true`
/// the new token also carries what was granted before, so nothing already granted is lost.
pub fn requested_scopes(configured: &[String], extra: &[&str]) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::with_capacity(configured.len() + extra.len());
    for scope in configured
        .iter()
        .map(String::as_str)
        .chain(extra.iter().copied())
    {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}

/// The `prompt` parameter: a space-delimited, case-sensitive list (Google's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    None,
    Consent,
    SelectAccount,
}

impl Prompt {
    pub fn as_str(self) -> &'static str {
        match self {
            Prompt::None => "none",
            Prompt::Consent => "consent",
            Prompt::SelectAccount => "select_account",
        }
    }
}

/// An implicit-grant authorization request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest<'a> {
    pub endpoint: &'a str,
    pub client_id: &'a str,
    pub pending: &'a PendingAuthorization,
    pub login_hint: Option<&'a str>,
    pub prompt: &'a [Prompt],
    /// Google's incremental authorization: the new token also carries earlier grants.
    pub include_granted_scopes: bool,
    /// As the provider spells it (see [`crate::discovery::ProviderMetadata::response_type_for`]).
    pub response_type: &'a str,
    /// PKCE's S256 challenge for the pending verifier (the code flow).
    pub code_challenge: Option<&'a str>,
    /// The thumbprint of the page's DPoP key: the code can then be exchanged only with a proof
    /// made with that key (RFC 9449 §10).
    pub dpop_jkt: Option<&'a str>,
}

impl AuthorizationRequest<'_> {
    /// The parameters in the order they are sent.
    pub fn parameters(&self) -> Vec<(&'static str, String)> {
        let mut params = vec![
            ("client_id", self.client_id.to_owned()),
            ("redirect_uri", self.pending.redirect_uri.clone()),
            ("response_type", self.response_type.to_owned()),
            ("scope", self.pending.scopes.join(" ")),
            ("state", self.pending.state.clone()),
        ];
        if let Some(nonce) = &self.pending.nonce {
            params.push(("nonce", nonce.clone()));
        }
        if let Some(challenge) = self.code_challenge {
            params.push(("code_challenge", challenge.to_owned()));
            params.push(("code_challenge_method", "S256".to_owned()));
        }
        if let Some(jkt) = self.dpop_jkt {
            params.push(("dpop_jkt", jkt.to_owned()));
        }
        if self.include_granted_scopes {
            params.push(("include_granted_scopes", "true".to_owned()));
        }
        if let Some(hint) = self.login_hint.filter(|h| !h.is_empty()) {
            params.push(("login_hint", hint.to_owned()));
        }
        if !self.prompt.is_empty() {
            let prompt: Vec<&str> = self.prompt.iter().map(|p| p.as_str()).collect();
            params.push(("prompt", prompt.join(" ")));
        }
        params
    }

    /// The URL to send the person to (the endpoint's own query kept, RFC 6749 §3.1).
    pub fn to_url(&self) -> String {
        crate::url::with_query(self.endpoint, &self.query())
    }

    /// The [`AuthorizationRequest::parameters`], form-encoded as the URL carries them.
    pub fn query(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.parameters())
            .finish()
    }

    /// The same request pushed to `par_endpoint` first (RFC 9126), when the provider offers
    /// one: its parameters then travel in a form body, not in the authorization URL.
    pub fn pushed_to(&self, par_endpoint: &str) -> PushedRequest {
        PushedRequest::new(
            par_endpoint,
            self.endpoint,
            self.client_id,
            &self.parameters(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> PendingAuthorization {
        PendingAuthorization::new(
            [7; STATE_BYTES],
            "http://127.0.0.1:8080/",
            &["openid".into(), "email".into()],
            1,
        )
    }

    #[test]
    fn the_stored_record_reads_back() {
        assert_eq!(
            PendingAuthorization::from_json(&pending().to_json()),
            Ok(pending())
        );
        let popup = pending().silent().returning_to(Some("tasks".into()));
        assert_eq!(PendingAuthorization::from_json(&popup.to_json()), Ok(popup));
        let choosing = pending().choosing_account();
        assert_eq!(
            PendingAuthorization::from_json(&choosing.to_json()),
            Ok(choosing)
        );
        let strict = pending().requiring_iss(true);
        assert_eq!(
            PendingAuthorization::from_json(&strict.to_json()),
            Ok(strict)
        );
        assert!(PendingAuthorization::from_json(r#"{"state":"s"}"#).is_err());
    }

    #[test]
    fn state_carries_256_bits_base64url() {
        let p = pending();
        assert_eq!(p.state.len(), 43);
        assert!(p
            .state
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    }

    #[test]
    fn request_url_carries_every_required_parameter() {
        let p = pending();
        let request = AuthorizationRequest {
            endpoint: "https://accounts.google.com/o/oauth2/v2/auth",
            client_id: "abc",
            pending: &p,
            login_hint: Some("ada@example.test"),
            prompt: &[],
            include_granted_scopes: true,
            response_type: "token",
            code_challenge: None,
            dpop_jkt: None,
        };
        let url = request.to_url();
        assert!(url.starts_with("https://accounts.google.com/o/oauth2/v2/auth?client_id=abc&"));
        assert!(url.contains("&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F&"));
        assert!(url.contains("&response_type=token&"));
        assert!(url.contains("&scope=openid+email&"));
        assert!(url.contains(&format!("&state={}&", p.state)));
        assert!(url.contains("&include_granted_scopes=true"));
        assert!(url.contains("&login_hint=ada%40example.test"));
        assert!(!url.contains("prompt"));
    }

    #[test]
    fn extra_scopes_follow_the_configured_ones_once() {
        let configured = vec!["openid".to_string(), "email".to_string()];
        assert_eq!(
            requested_scopes(
                &configured,
                &["https://www.googleapis.com/auth/tasks", "email"]
            ),
            vec!["openid", "email", "https://www.googleapis.com/auth/tasks"]
        );
        assert_eq!(requested_scopes(&configured, &[]), configured);
    }

    #[test]
    fn endpoint_query_is_kept() {
        let p = pending();
        let request = AuthorizationRequest {
            endpoint: "https://id.example/auth?tenant=x",
            client_id: "abc",
            pending: &p,
            login_hint: None,
            prompt: &[Prompt::None],
            include_granted_scopes: false,
            response_type: "token",
            code_challenge: None,
            dpop_jkt: None,
        };
        let url = request.to_url();
        assert!(url.starts_with("https://id.example/auth?tenant=x&client_id=abc"));
        assert!(url.ends_with("&prompt=none"));
    }

    #[test]
    fn choosing_another_account_asks_for_the_chooser_without_a_hint() {
        let plain = pending();
        assert_eq!(plain.prompt(), &[] as &[Prompt]);
        assert_eq!(plain.login_hint(Some("ada")), Some("ada"));
        assert_eq!(pending().silent().prompt(), &[Prompt::None]);

        let choosing = pending().choosing_account();
        assert_eq!(choosing.prompt(), &[Prompt::SelectAccount]);
        assert_eq!(choosing.login_hint(Some("ada")), None);
        let request = AuthorizationRequest {
            endpoint: "https://accounts.google.com/o/oauth2/v2/auth",
            client_id: "abc",
            pending: &choosing,
            login_hint: choosing.login_hint(Some("ada@example.test")),
            prompt: choosing.prompt(),
            include_granted_scopes: true,
            response_type: "token",
            code_challenge: None,
            dpop_jkt: None,
        };
        let url = request.to_url();
        assert!(url.ends_with("&prompt=select_account"));
        assert!(!url.contains("login_hint"));
    }

    #[test]
    fn the_dpop_key_thumbprint_follows_pkce() {
        let p = pending();
        let request = AuthorizationRequest {
            endpoint: "https://id.example/auth",
            client_id: "abc",
            pending: &p,
            login_hint: None,
            prompt: &[],
            include_granted_scopes: false,
            response_type: "code",
            code_challenge: Some("ch"),
            dpop_jkt: Some("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"),
        };
        assert!(request.to_url().ends_with(
            "&code_challenge=ch&code_challenge_method=S256&dpop_jkt=0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
        ));
    }

    #[test]
    fn an_offered_push_endpoint_takes_every_parameter_off_the_url() {
        let p = pending().openid(Flow::Code, "https://id.example", [3; STATE_BYTES]);
        let request = AuthorizationRequest {
            endpoint: "https://id.example/auth",
            client_id: "abc",
            pending: &p,
            login_hint: Some("ada@example.test"),
            prompt: &[],
            include_granted_scopes: false,
            response_type: "code",
            code_challenge: Some("ch"),
            dpop_jkt: Some("jkt"),
        };
        let url = request.to_url();
        let push = request.pushed_to("https://id.example/par");
        assert_eq!(push.endpoint, "https://id.example/par");
        assert_eq!(push.authorization_endpoint, "https://id.example/auth");
        // The same parameters as the URL would have carried, in a form body (RFC 9126 §2.1).
        assert_eq!(
            Some(push.body.as_str()),
            url.split_once('?').map(|(_, q)| q)
        );
        for name in [
            "state=",
            "nonce",
            "code_challenge=ch",
            "dpop_jkt=jkt",
            "login_hint",
        ] {
            assert!(push.body.contains(name), "{name} in {}", push.body);
        }
    }
}
