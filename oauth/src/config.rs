//! The runtime configuration, read from `config.json` beside the page so one build runs against
//! Google, the local emulator or another provider. Every problem is reported with its field, so
//! the setup screen can say exactly what to fix.

use crate::json::{Json, Object, ReadError};
use crate::url::{check_endpoint, check_origin};

pub const GOOGLE_AUTHORIZATION_ENDPOINT: &str = "https://accounts.google.com/o/oauth2/v2/auth";
pub const GOOGLE_TOKENINFO_ENDPOINT: &str = "https://oauth2.googleapis.com/tokeninfo";
pub const GOOGLE_USERINFO_ENDPOINT: &str = "https://www.googleapis.com/oauth2/v3/userinfo";
pub const GOOGLE_REVOCATION_ENDPOINT: &str = "https://oauth2.googleapis.com/revoke";
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";
pub const GOOGLE_JWKS_URI: &str = "https://www.googleapis.com/oauth2/v3/certs";
pub const GOOGLE_TOKEN_ENDPOINT: &str = "https://oauth2.googleapis.com/token";
/// Where Google's user info `picture` URLs point.
pub const GOOGLE_PICTURE_ORIGIN: &str = "https://lh3.googleusercontent.com";
/// The Tasks API's host; the Calendar API lives on `www.googleapis.com`.
pub const GOOGLE_TASKS_API: &str = "https://tasks.googleapis.com";
pub const GOOGLE_CALENDAR_API: &str = "https://www.googleapis.com";
pub const DEFAULT_SCOPES: [&str; 3] = ["openid", "email", "profile"];

/// Which grant the app runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The implicit grant, `response_type=token`: the only browser-only path Google allows.
    Token,
    /// The implicit grant with an OpenID Connect ID token (`response_type=id_token token`): the
    /// signed ID token binds the access token (`at_hash`) to this client and this request (`nonce`).
    TokenIdToken,
    /// The authorization code grant with PKCE (S256), for providers that accept public clients.
    Code,
}

impl Flow {
    /// The name config.json uses.
    pub fn name(self) -> &'static str {
        match self {
            Flow::Token => "token",
            Flow::TokenIdToken => "token id_token",
            Flow::Code => "code",
        }
    }

    /// The `response_type` that asks for it, as OIDC Core §3.2.2.1 writes the hybrid value
    /// ("id_token token"); a provider's own spelling may differ ([`ClientConfig::response_type`]).
    pub fn response_type(self) -> &'static str {
        match self {
            Flow::Token => "token",
            Flow::TokenIdToken => "id_token token",
            Flow::Code => "code",
        }
    }

    /// Whether the answer carries an ID token to verify (OpenID Connect).
    pub fn has_id_token(self) -> bool {
        !matches!(self, Flow::Token)
    }
}

/// Where the access token lives between page loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStorage {
    /// sessionStorage: survives a reload of this tab, never shared with other tabs or kept on disk
    /// after the tab closes.
    Session,
    /// Memory only: a reload signs the person out.
    Memory,
}

/// How the authorization page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Display {
    /// The whole tab goes to the authorization server and comes back.
    Redirect,
    /// A popup goes there; the page stays as it is.
    Popup,
}

/// Five minutes: enough to finish what one is doing, short enough not to nag.
pub const DEFAULT_RENEW_LEAD_SECS: u64 = 300;

/// Endpoints, each defaulting to Google's; for another provider, its discovery document's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub issuer: String,
    pub authorization: String,
    pub token: String,
    /// Google's token info: only Google (and its emulator) has one. Without it, the ID token is
    /// what says who the token was issued to.
    pub tokeninfo: Option<String>,
    pub userinfo: String,
    /// Not every provider can revoke; sign-out is then local only.
    pub revocation: Option<String>,
    /// OpenID Connect RP-Initiated Logout: where sign-out ends the provider's session too.
    /// Google has none.
    pub end_session: Option<String>,
    /// RFC 9126's `pushed_authorization_request_endpoint`: where authorization requests are
    /// pushed before the browser goes to the authorization endpoint. Google has none.
    pub pushed_authorization_request: Option<String>,
    pub jwks_uri: String,
    /// An origin used in place of Google's API hosts (for the emulator).
    pub api_base: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientConfig {
    pub client_id: String,
    pub flow: Flow,
    pub scopes: Vec<String>,
    pub endpoints: Endpoints,
    pub token_storage: TokenStorage,
    pub display: Display,
    /// How long before expiry the app offers to renew the token.
    pub renew_lead_secs: u64,
    /// Only `issuer` was configured: the endpoints must be read from its discovery document
    /// ([`crate::discovery`]) before anything else.
    pub needs_discovery: bool,
    /// What this provider does its own way, decided once here ([`Quirks::of`]).
    pub quirks: Quirks,
    /// `response_type` as this provider spells it: Google documents "token id_token"; a
    /// discovered provider's own spelling comes from its document.
    pub response_type: String,
    /// Tokens bound to this page's key (DPoP, RFC 9449): only in the code flow with a
    /// discovered provider that offers ES256 ([`crate::dpop::offered`]); never for Google.
    pub dpop: bool,
    /// Pushed authorization requests (RFC 9126): from the provider's metadata, or offered when
    /// config.json names the endpoint; never for Google.
    pub par: crate::par::Policy,
    /// The provider's metadata says `authorization_response_iss_parameter_supported: true`:
    /// an authorization response without `iss` is then refused (RFC 9207 §2.4).
    pub iss_parameter: bool,
}

/// What the provider does its own way, decided once when config.json is read, so that no other
/// place asks "is this Google?" of a flag, the issuer or a URL prefix. Each field is one
/// behaviour, named for what it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirks {
    /// Google, or a stand-in for it (its emulator, a provider with Google's token info): the
    /// page names it "Google" in its sentences and on its button.
    pub google: bool,
    /// The authorization endpoint is Google's own, not a stand-in's: the page's footer marks
    /// every other server "not Google", so the emulator is never mistaken for Google.
    pub at_google: bool,
    /// Authorization requests carry `include_granted_scopes=true`: Google's incremental
    /// authorization, where a new token carries the earlier grants too.
    pub include_granted_scopes: bool,
    /// Revocation sends the `client_id` (RFC 7009 §2.1, a public client); Google's endpoint
    /// takes the token alone.
    pub revocation_client_id: bool,
    /// `prompt=select_account` shows an account chooser: "Use another account" is offered.
    pub account_chooser: bool,
    /// Google's APIs (Tasks, Calendar) exist: their views are offered and their origins allowed.
    pub google_apis: bool,
    /// Older `iss` spellings this provider's ID tokens may carry beside the configured issuer
    /// (Google's `accounts.google.com`, OpenID Connect Core §15.6.2).
    pub issuer_aliases: &'static [&'static str],
}

impl Quirks {
    /// The quirks of a provider: Google-shaped (Google, or configured like it) or not, at the
    /// endpoints it names.
    pub fn of(google_shaped: bool, endpoints: &Endpoints) -> Quirks {
        Quirks {
            google: google_shaped,
            at_google: endpoints
                .authorization
                .strip_prefix(GOOGLE_ISSUER)
                .is_some_and(|path| path.starts_with('/')),
            include_granted_scopes: google_shaped,
            revocation_client_id: !google_shaped,
            account_chooser: google_shaped,
            google_apis: google_shaped,
            issuer_aliases: match endpoints.issuer == GOOGLE_ISSUER {
                true => &["accounts.google.com"],
                false => &[],
            },
        }
    }
}

/// One problem with one field of config.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The JSON key, or `config.json` for the file as a whole.
    pub field: String,
    pub message: String,
}

impl ConfigError {
    fn new(field: &str, message: impl Into<String>) -> Self {
        ConfigError {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// config.json's endpoint settings.
pub const ENDPOINT_FIELDS: [&str; 9] = [
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "revocation_endpoint",
    "end_session_endpoint",
    "pushed_authorization_request_endpoint",
    "jwks_uri",
    "tokeninfo_endpoint",
];
const FLOW_CHOICES: &str = "must be \"token\", \"token id_token\" or \"code\"";

/// config.json's other settings.
pub const KNOWN_FIELDS: [&str; 7] = [
    "client_id",
    "flow",
    "scopes",
    "token_storage",
    "api_base",
    "display",
    "renew_lead_secs",
];

/// The URL of a Google API call: `google_origin` (such as [`GOOGLE_TASKS_API`]) unless
/// `api_base` stands in for Google's API hosts (the emulator), followed by `path_and_query`.
pub fn api_url(api_base: Option<&str>, google_origin: &str, path_and_query: &str) -> String {
    format!("{}{path_and_query}", api_base.unwrap_or(google_origin))
}

/// Where the reader puts each problem it finds. The setup screen lists them in words
/// (`Vec<ConfigError>`); the front door only needs to know whether there is one
/// ([`AnyProblem`]), and since a message is made only when asked for, none of the words (nor
/// the formatting that makes some of them) is in its module.
pub trait Problems {
    /// One more problem with `field`; `message` says it, for whoever keeps the words.
    fn add<M: Into<String>>(&mut self, field: &str, message: impl FnOnce() -> M);
    fn is_empty(&self) -> bool;
}

impl Problems for Vec<ConfigError> {
    fn add<M: Into<String>>(&mut self, field: &str, message: impl FnOnce() -> M) {
        self.push(ConfigError::new(field, message()));
    }

    fn is_empty(&self) -> bool {
        <[ConfigError]>::is_empty(self)
    }
}

/// Whether any problem was found, and nothing else.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AnyProblem(bool);

impl Problems for AnyProblem {
    fn add<M: Into<String>>(&mut self, _field: &str, _message: impl FnOnce() -> M) {
        self.0 = true;
    }

    fn is_empty(&self) -> bool {
        !self.0
    }
}

impl ClientConfig {
    /// Parses config.json. `fallback_client_id` (pasted on the setup screen) is used when the
    /// file has none. Returns every problem found, not just the first.
    pub fn from_json(
        text: &str,
        fallback_client_id: Option<&str>,
    ) -> Result<Self, Vec<ConfigError>> {
        Self::read(text, fallback_client_id, Vec::new())
    }

    /// [`ClientConfig::from_json`], with the problems put in `problems`.
    pub fn read<P: Problems>(
        text: &str,
        fallback_client_id: Option<&str>,
        mut problems: P,
    ) -> Result<Self, P> {
        match Json::parse_object(text) {
            Ok(map) => Self::from_map(&map, fallback_client_id, problems),
            Err(ReadError::Syntax(e)) => {
                problems.add("config.json", || format!("is not valid JSON: {e}"));
                Err(problems)
            }
            Err(_) => {
                problems.add("config.json", || "must be a JSON object");
                Err(problems)
            }
        }
    }

    /// The configuration used when no config.json exists: Google's endpoints, and the client id
    /// pasted on the setup screen if any.
    pub fn from_fallback(fallback_client_id: Option<&str>) -> Result<Self, Vec<ConfigError>> {
        Self::fallback(fallback_client_id, Vec::new())
    }

    /// [`ClientConfig::from_fallback`], with the problems put in `problems`.
    pub fn fallback<P: Problems>(fallback_client_id: Option<&str>, problems: P) -> Result<Self, P> {
        Self::from_map(&Object::default(), fallback_client_id, problems)
    }

    fn from_map<P: Problems>(
        map: &Object,
        fallback_client_id: Option<&str>,
        mut errors: P,
    ) -> Result<Self, P> {
        for key in map.names() {
            if !KNOWN_FIELDS.contains(&key) && !ENDPOINT_FIELDS.contains(&key) {
                errors.add(key, || "is not a known setting (check its spelling)");
            }
        }

        // Named in the advice for a missing client id, before the issuer itself is checked.
        let names_another_issuer = other_issuer_in(map).is_some();
        let client_id = match map.get("client_id") {
            Some(Json::String(id)) if !id.trim().is_empty() => check_client_id(id, &mut errors),
            Some(Json::String(_)) | None => match fallback_client_id {
                Some(id) if !id.trim().is_empty() => check_client_id(id, &mut errors),
                _ => {
                    errors.add("client_id", || match names_another_issuer {
                        true => "is missing: register a public client (no secret, PKCE) for this page at the provider named by \"issuer\" and paste its client ID",
                        false => "is missing: create an OAuth client of type \"Web application\" in Google Cloud Console and paste its client ID",
                    });
                    String::new()
                }
            },
            Some(_) => {
                errors.add("client_id", || "must be a string");
                String::new()
            }
        };

        let flow = match map.get("flow") {
            None => None,
            Some(Json::String(f)) => match f.as_str() {
                "token" => Some(Flow::Token),
                // RFC 6749 §3.1.1: the order of space-delimited response types does not matter.
                "token id_token" | "id_token token" => Some(Flow::TokenIdToken),
                "code" => Some(Flow::Code),
                _ => {
                    errors.add("flow", || FLOW_CHOICES);
                    None
                }
            },
            Some(_) => {
                errors.add("flow", || FLOW_CHOICES);
                None
            }
        };

        let scopes = match map.get("scopes") {
            None => DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            Some(Json::Array(items)) => {
                let scopes: Vec<String> = items
                    .iter()
                    .filter_map(Json::as_str)
                    .filter(|s| is_scope_token(s))
                    .map(str::to_owned)
                    .collect();
                if scopes.len() != items.len() || scopes.is_empty() {
                    errors.add("scopes", || {
                        "must be a non-empty list of scope strings without spaces or quotes"
                    });
                }
                scopes
            }
            Some(_) => {
                errors.add("scopes", || {
                    "must be a list of strings, such as [\"openid\", \"email\"]"
                });
                Vec::new()
            }
        };

        let token_storage = choice(
            map,
            "token_storage",
            &[
                ("session", TokenStorage::Session),
                ("memory", TokenStorage::Memory),
            ],
            &mut errors,
        );
        let display = choice(
            map,
            "display",
            &[("redirect", Display::Redirect), ("popup", Display::Popup)],
            &mut errors,
        );
        let renew_lead_secs = match map.get("renew_lead_secs") {
            None => DEFAULT_RENEW_LEAD_SECS,
            Some(value) => match value.as_integer::<u64>() {
                Some(secs) if secs <= 3600 => secs,
                _ => {
                    errors.add("renew_lead_secs", || {
                        "must be a whole number of seconds from 0 to 3600"
                    });
                    DEFAULT_RENEW_LEAD_SECS
                }
            },
        };

        let issuer = match map.get("issuer") {
            None => None,
            Some(Json::String(url)) => {
                if let Err(problem) = check_endpoint(url) {
                    errors.add("issuer", || problem.to_string());
                }
                Some(url.clone())
            }
            Some(_) => {
                errors.add("issuer", || "must be a URL string");
                None
            }
        };
        let is_google = issuer.as_deref().is_none_or(|i| i == GOOGLE_ISSUER);
        // Only an issuer: everything else comes from its discovery document.
        let needs_discovery = !is_google
            && ENDPOINT_FIELDS
                .iter()
                .all(|f| *f == "issuer" || map.get(f).is_none());
        // A configured endpoint, else Google's (for Google), else none (another provider).
        let mut endpoint = |field: &str, google: &str| -> Option<String> {
            match map.get(field) {
                None => is_google.then(|| google.to_owned()),
                Some(Json::String(url)) => {
                    if let Err(problem) = check_endpoint(url) {
                        errors.add(field, || problem.to_string());
                    }
                    Some(url.clone())
                }
                Some(_) => {
                    errors.add(field, || "must be a URL string");
                    None
                }
            }
        };
        let authorization = endpoint("authorization_endpoint", GOOGLE_AUTHORIZATION_ENDPOINT);
        let token = endpoint("token_endpoint", GOOGLE_TOKEN_ENDPOINT);
        let tokeninfo = endpoint("tokeninfo_endpoint", GOOGLE_TOKENINFO_ENDPOINT);
        let userinfo = endpoint("userinfo_endpoint", GOOGLE_USERINFO_ENDPOINT);
        let revocation = endpoint("revocation_endpoint", GOOGLE_REVOCATION_ENDPOINT);
        // Google advertises no end_session_endpoint: its "default" is none.
        let end_session = endpoint("end_session_endpoint", "").filter(|url| !url.is_empty());
        // Google pushes nothing (RFC 9126 is not among its endpoints).
        let pushed_authorization_request =
            endpoint("pushed_authorization_request_endpoint", "").filter(|url| !url.is_empty());
        let jwks_uri = endpoint("jwks_uri", GOOGLE_JWKS_URI);
        // Google-shaped: Google itself, or a stand-in for it that has Google's token info.
        let google_shaped = is_google || tokeninfo.is_some();
        if !needs_discovery {
            for (field, value) in [
                ("authorization_endpoint", &authorization),
                ("userinfo_endpoint", &userinfo),
            ] {
                if value.is_none() {
                    errors.add(field, || "is missing: give every endpoint, or only \"issuer\" to read them from its discovery document");
                }
            }
        }
        let openid = scopes.iter().any(|s| s == "openid");
        let flow = flow.unwrap_or(match (google_shaped, openid) {
            // Against Google, the ID token is the stronger check whenever openid is asked for.
            (true, true) => Flow::TokenIdToken,
            (true, false) => Flow::Token,
            // Any other provider: the code grant with PKCE (RFC 9700 §2.1.1).
            (false, _) => Flow::Code,
        });
        if flow == Flow::Code && google_shaped {
            errors.add("flow", || "\"code\" cannot work against Google from a page alone: Google's token endpoint refuses to exchange a code without the client secret, even with PKCE, and a secret shipped in a page is no secret. Use \"token id_token\" (or \"token\") with Google; use \"code\" with a provider that accepts public clients");
        }
        if flow.has_id_token() && !openid {
            errors.add("scopes", || {
                format!(
                    "must include \"openid\" for the \"{}\" flow, which verifies an ID token",
                    flow.name()
                )
            });
        }
        if !needs_discovery && !google_shaped && flow.has_id_token() && jwks_uri.is_none() {
            errors.add("jwks_uri", || {
                "is missing: the ID token's signature is checked against the provider's keys"
            });
        }
        if !needs_discovery && flow == Flow::Code && token.is_none() {
            errors.add("token_endpoint", || {
                "is missing: the code flow exchanges the code there"
            });
        }
        if flow == Flow::Token && !google_shaped {
            errors.add("flow", || "\"token\" needs Google's token info endpoint to check who the token was issued to; with another provider use \"token id_token\" or \"code\"");
        }
        let endpoints = Endpoints {
            issuer: issuer.unwrap_or_else(|| GOOGLE_ISSUER.to_owned()),
            authorization: authorization.unwrap_or_default(),
            token: token.unwrap_or_default(),
            tokeninfo,
            userinfo: userinfo.unwrap_or_default(),
            revocation,
            end_session,
            pushed_authorization_request,
            jwks_uri: jwks_uri.unwrap_or_default(),
            api_base: match map.get("api_base") {
                None => None,
                Some(Json::String(origin)) => {
                    if let Err(problem) = check_origin(origin) {
                        errors.add("api_base", || problem.to_string());
                    }
                    Some(origin.trim_end_matches('/').to_owned())
                }
                Some(_) => {
                    errors.add("api_base", || "must be an origin string");
                    None
                }
            },
        };

        // Named by hand, the endpoint is offered: requests are then pushed (RFC 9126 §5).
        let par = match endpoints.pushed_authorization_request.is_some() {
            true => crate::par::Policy::Offered,
            false => crate::par::Policy::NotOffered,
        };
        if google_shaped && par.pushes() {
            errors.add("pushed_authorization_request_endpoint", || {
                "is not for Google: Google has no pushed authorization request endpoint (RFC 9126)"
            });
        }
        if errors.is_empty() {
            let quirks = Quirks::of(google_shaped, &endpoints);
            Ok(ClientConfig {
                client_id,
                flow,
                scopes,
                endpoints,
                token_storage,
                display,
                renew_lead_secs,
                needs_discovery,
                quirks,
                response_type: match (flow, google_shaped) {
                    (Flow::TokenIdToken, true) => "token id_token".to_owned(),
                    _ => flow.response_type().to_owned(),
                },
                dpop: false,
                par,
                iss_parameter: false,
            })
        } else {
            Err(errors)
        }
    }

    /// Whether signing in needs nothing that only other providers need: no discovery, no code
    /// exchange (so no PKCE, refresh tokens or DPoP), no provider sign-out, no pushed request. Google, its
    /// emulator, and any provider configured like them are; the page then loads the app module
    /// built without the rest (README → Architecture).
    pub fn is_google_shaped(&self) -> bool {
        !self.needs_discovery
            && self.flow != Flow::Code
            && !self.dpop
            && self.endpoints.end_session.is_none()
            && self.par_endpoint().is_none()
    }

    /// What identifies this client to the revocation endpoint: RFC 7009 has a public client
    /// send its `client_id`; Google's endpoint takes the token alone.
    pub fn revocation_client_id(&self) -> Option<&str> {
        self.quirks
            .revocation_client_id
            .then_some(self.client_id.as_str())
    }

    /// Who answers, for sentences: Google (or its stand-in, the emulator), or the provider at
    /// its issuer's host.
    pub fn provider_name(&self) -> crate::error::ProviderName {
        match self.quirks.google {
            true => crate::error::ProviderName::Google,
            false => crate::error::ProviderName::for_issuer(&self.endpoints.issuer),
        }
    }

    /// Where authorization requests are pushed first (RFC 9126), when they are.
    pub fn par_endpoint(&self) -> Option<&str> {
        self.endpoints
            .pushed_authorization_request
            .as_deref()
            .filter(|_| self.par.pushes())
    }

    /// The URL of an API call: `google_origin` (such as [`GOOGLE_TASKS_API`]) unless
    /// `api_base` stands in for Google's API hosts, followed by `path_and_query`.
    pub fn api_url(&self, google_origin: &str, path_and_query: &str) -> String {
        api_url(
            self.endpoints.api_base.as_deref(),
            google_origin,
            path_and_query,
        )
    }

    /// The origins the page talks to, for a Content-Security-Policy `connect-src`. Before
    /// discovery only the issuer's is known: a provider whose endpoints live elsewhere needs
    /// them configured.
    pub fn connect_origins(&self) -> Vec<String> {
        let e = &self.endpoints;
        let apis = match (&e.api_base, self.quirks.google_apis) {
            (_, false) => vec![],
            (Some(base), true) => vec![base.as_str()],
            (None, true) => vec![GOOGLE_TASKS_API, GOOGLE_CALENDAR_API],
        };
        let discovery = self.needs_discovery.then_some(e.issuer.as_str());
        let keys = self.flow.has_id_token().then_some(e.jwks_uri.as_str());
        let token = (self.flow == Flow::Code).then_some(e.token.as_str());
        let found = [
            e.tokeninfo.as_deref(),
            e.revocation.as_deref(),
            self.par_endpoint(),
        ]
        .into_iter()
        .chain([Some(e.userinfo.as_str()), discovery, keys, token])
        .flatten()
        .chain(apis)
        .filter_map(|u| crate::url::HttpUrl::parse(u).ok().map(|u| u.origin()));
        // Sorted and without repeats, kept so as each arrives: a handful of origins, and no
        // general sort's code in the page's first module.
        let mut origins: Vec<String> = Vec::new();
        for origin in found {
            if let Err(at) = origins.binary_search(&origin) {
                origins.insert(at, origin);
            }
        }
        origins
    }

    /// The origins profile pictures come from, for a Content-Security-Policy `img-src`: Google's
    /// user info points at its image host; any other provider (the emulator) is assumed to serve
    /// them itself.
    pub fn picture_origins(&self) -> Vec<String> {
        if self.endpoints.userinfo == GOOGLE_USERINFO_ENDPOINT {
            return vec![GOOGLE_PICTURE_ORIGIN.to_owned()];
        }
        crate::url::HttpUrl::parse(&self.endpoints.userinfo)
            .map(|u| vec![u.origin()])
            .unwrap_or_default()
    }
}

/// The provider config.json names, when it names one other than Google (or a stand-in for
/// Google, which has Google's token info): read from the text alone, so the setup screen can
/// speak of it even when the file has other problems.
pub fn other_issuer(text: &str) -> Option<String> {
    other_issuer_in(&Json::parse_object(text).ok()?)
}

fn other_issuer_in(map: &Object) -> Option<String> {
    match map.get("issuer") {
        _ if map.get("tokeninfo_endpoint").is_some() => None,
        Some(Json::String(issuer)) if issuer != GOOGLE_ISSUER => Some(issuer.clone()),
        _ => None,
    }
}

/// A string setting that must be one of `options`; the first option is the default.
fn choice<T: Copy>(
    map: &Object,
    field: &str,
    options: &[(&str, T)],
    errors: &mut impl Problems,
) -> T {
    let default = options[0].1;
    let Some(value) = map.get(field) else {
        return default;
    };
    match options
        .iter()
        .find(|(name, _)| value.as_str() == Some(name))
    {
        Some((_, chosen)) => *chosen,
        None => {
            errors.add(field, || {
                let names: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
                format!("must be {}", names.join(" or "))
            });
            default
        }
    }
}

fn check_client_id(id: &str, errors: &mut impl Problems) -> String {
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errors.add("client_id", || "must not contain spaces");
    }
    id.to_owned()
}

/// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
fn is_scope_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: &[ConfigError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn minimal_config_defaults_to_google() {
        let config =
            ClientConfig::from_json(r#"{"client_id":"abc.apps.googleusercontent.com"}"#, None)
                .unwrap();
        // openid is among the default scopes, so the ID token is asked for and verified.
        assert_eq!(config.flow, Flow::TokenIdToken);
        assert!(config.quirks.google);
        assert_eq!(config.scopes, vec!["openid", "email", "profile"]);
        assert_eq!(
            config.endpoints.authorization,
            GOOGLE_AUTHORIZATION_ENDPOINT
        );
        assert_eq!(config.token_storage, TokenStorage::Session);
        assert_eq!(config.display, Display::Redirect);
        assert_eq!(config.renew_lead_secs, DEFAULT_RENEW_LEAD_SECS);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = ClientConfig::from_json(
            r#"{"flow":"bogus","scopes":"x","authorization_endpoint":"not a url","token_storage":"local"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(
            fields(&errors),
            vec![
                "client_id",
                "flow",
                "scopes",
                "token_storage",
                "authorization_endpoint"
            ]
        );
    }

    #[test]
    fn without_openid_google_gets_the_plain_implicit_grant() {
        let config =
            ClientConfig::from_json(r#"{"client_id":"a","scopes":["email"]}"#, None).unwrap();
        assert_eq!(config.flow, Flow::Token);
        let errors = ClientConfig::from_json(
            r#"{"client_id":"a","scopes":["email"],"flow":"token id_token"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(fields(&errors), vec!["scopes"]);
    }

    #[test]
    fn the_code_flow_against_google_is_refused_with_the_reason() {
        let errors =
            ClientConfig::from_json(r#"{"client_id":"a","flow":"code"}"#, None).unwrap_err();
        assert_eq!(fields(&errors), vec!["flow"]);
        assert!(errors[0].message.contains("client secret"), "{errors:?}");
        // A stand-in for Google (it has token info) is refused the same way.
        let errors = ClientConfig::from_json(
            r#"{"client_id":"a","flow":"code","issuer":"http://127.0.0.1:1","authorization_endpoint":"http://127.0.0.1:1/a",
               "token_endpoint":"http://127.0.0.1:1/t","tokeninfo_endpoint":"http://127.0.0.1:1/i","userinfo_endpoint":"http://127.0.0.1:1/u",
               "jwks_uri":"http://127.0.0.1:1/k"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(fields(&errors), vec!["flow"]);
    }

    #[test]
    fn another_provider_defaults_to_code_and_cannot_use_plain_token() {
        let config =
            ClientConfig::from_json(r#"{"client_id":"a","issuer":"https://op.example"}"#, None)
                .unwrap();
        assert_eq!(config.flow, Flow::Code);
        assert!(config.needs_discovery && !config.quirks.google);
        assert_eq!(config.connect_origins(), vec!["https://op.example"]);
        let errors = ClientConfig::from_json(
            r#"{"client_id":"a","issuer":"https://op.example","flow":"token"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(fields(&errors), vec!["flow"]);
    }

    #[test]
    fn another_provider_configured_by_hand_needs_its_endpoints() {
        let errors = ClientConfig::from_json(
            r#"{"client_id":"a","issuer":"https://op.example","authorization_endpoint":"https://op.example/a"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(
            fields(&errors),
            vec!["userinfo_endpoint", "jwks_uri", "token_endpoint"]
        );
    }

    #[test]
    fn counting_problems_agrees_with_listing_them() {
        for text in [
            r#"{"client_id":"a"}"#,
            r#"{"client_id":"a","flow":"sideways"}"#,
            r#"{"client_id":"a b","display":"window","scopes":[]}"#,
            r#"{"issuer":"http://op.example"}"#,
            "not json",
            "[1]",
        ] {
            let words = ClientConfig::from_json(text, None);
            let counted = ClientConfig::read(text, None, AnyProblem::default());
            assert_eq!(counted.as_ref().ok(), words.as_ref().ok(), "{text}");
            assert_eq!(counted.is_err(), words.is_err(), "{text}");
        }
        assert!(ClientConfig::fallback(Some("x"), AnyProblem::default()).is_ok());
        assert!(ClientConfig::fallback(None, AnyProblem::default()).is_err());
    }

    #[test]
    fn only_the_implicit_grant_with_fixed_endpoints_is_google_shaped() {
        let read = |text: &str| ClientConfig::from_json(text, None).unwrap();
        assert!(read(r#"{"client_id":"a"}"#).is_google_shaped());
        assert!(read(r#"{"client_id":"a","flow":"token"}"#).is_google_shaped());
        let issuer_only = read(r#"{"client_id":"a","issuer":"https://id.example"}"#);
        assert!(!issuer_only.is_google_shaped(), "discovery");
        let with_logout = read(
            r#"{"client_id":"a","end_session_endpoint":"https://accounts.google.com/logout"}"#,
        );
        assert!(!with_logout.is_google_shaped(), "RP-initiated logout");
        let mut code = read(r#"{"client_id":"a"}"#);
        code.flow = Flow::Code;
        assert!(!code.is_google_shaped(), "code exchange");
        let mut bound = read(r#"{"client_id":"a"}"#);
        bound.dpop = true;
        assert!(!bound.is_google_shaped(), "DPoP");
        let pushed = read(
            r#"{"client_id":"a","flow":"token id_token","issuer":"https://op.example","authorization_endpoint":"https://op.example/a","userinfo_endpoint":"https://op.example/u","jwks_uri":"https://op.example/k","pushed_authorization_request_endpoint":"https://op.example/par"}"#,
        );
        assert!(!pushed.is_google_shaped(), "pushed authorization requests");
    }

    #[test]
    fn end_session_is_configured_by_hand_or_not_at_all_for_google() {
        let google = ClientConfig::from_json(r#"{"client_id":"a"}"#, None).unwrap();
        assert_eq!(google.endpoints.end_session, None, "Google has none");
        let by_hand = ClientConfig::from_json(
            r#"{"client_id":"a","issuer":"https://op.example","authorization_endpoint":"https://op.example/a","userinfo_endpoint":"https://op.example/u","token_endpoint":"https://op.example/t","jwks_uri":"https://op.example/k","end_session_endpoint":"https://op.example/end"}"#,
            None,
        )
        .unwrap();
        assert_eq!(
            by_hand.endpoints.end_session.as_deref(),
            Some("https://op.example/end")
        );
        let errors = ClientConfig::from_json(
            r#"{"client_id":"a","end_session_endpoint":"http://evil.example/end"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(fields(&errors), vec!["end_session_endpoint"]);
    }

    #[test]
    fn popup_display_and_lead_time_are_read() {
        let config = ClientConfig::from_json(
            r#"{"client_id":"a","display":"popup","renew_lead_secs":30}"#,
            None,
        )
        .unwrap();
        assert_eq!(config.display, Display::Popup);
        assert_eq!(config.renew_lead_secs, 30);
    }

    #[test]
    fn bad_display_and_lead_time_are_reported() {
        let errors = ClientConfig::from_json(
            r#"{"client_id":"a","display":"iframe","renew_lead_secs":-1}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(fields(&errors), vec!["display", "renew_lead_secs"]);
        assert_eq!(errors[0].message, "must be \"redirect\" or \"popup\"");
    }

    #[test]
    fn broken_json_is_reported_for_the_file() {
        let errors = ClientConfig::from_json("{", None).unwrap_err();
        assert_eq!(fields(&errors), vec!["config.json"]);
    }

    #[test]
    fn pasted_client_id_fills_a_missing_one() {
        let config = ClientConfig::from_json(r#"{"scopes":["openid"]}"#, Some("pasted")).unwrap();
        assert_eq!(config.client_id, "pasted");
    }

    #[test]
    fn configured_client_id_wins_over_pasted() {
        let config = ClientConfig::from_json(r#"{"client_id":"file"}"#, Some("pasted")).unwrap();
        assert_eq!(config.client_id, "file");
    }

    #[test]
    fn misspelled_key_is_reported() {
        let errors =
            ClientConfig::from_json(r#"{"client_id":"a","client-id":"b"}"#, None).unwrap_err();
        assert_eq!(fields(&errors), vec!["client-id"]);
    }

    fn problems(text: &str, fallback: Option<&str>) -> Vec<(String, String)> {
        ClientConfig::from_json(text, fallback)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn a_blank_client_id_is_missing_and_a_pasted_one_fills_it() {
        let missing = problems(r#"{"client_id":"  "}"#, None);
        assert_eq!(missing.len(), 1);
        assert!(missing[0].1.starts_with("is missing"), "{missing:?}");
        assert!(problems(r#"{"client_id":"  "}"#, Some(" \t"))[0]
            .1
            .starts_with("is missing"));
        let config = ClientConfig::from_json(r#"{"client_id":" "}"#, Some("pasted")).unwrap();
        assert_eq!(config.client_id, "pasted");
    }

    #[test]
    fn a_client_id_with_a_space_or_a_control_character_is_refused() {
        // As written in config.json: JSON escapes.
        for id in ["a b", r"a\u0001b", r"ab\n"] {
            let text = format!(r#"{{"client_id":"{id}"}}"#);
            assert_eq!(
                problems(&text, None),
                vec![("client_id".to_owned(), "must not contain spaces".to_owned())],
                "{id}"
            );
        }
        assert_eq!(
            problems("{}", Some("a b")),
            vec![("client_id".to_owned(), "must not contain spaces".to_owned())]
        );
    }

    #[test]
    fn scope_tokens_are_rfc_6749s_characters() {
        // §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
        for good in ["!", "#", "[", "]", "~", "a:b/c"] {
            let text = format!(r#"{{"client_id":"c","scopes":["openid","{good}"]}}"#);
            assert_eq!(problems(&text, None), vec![], "{good}");
        }
        for bad in [r#"a\"b"#, r"a\\b", "a b", r"\u007f", "é", ""] {
            let text = format!(r#"{{"client_id":"c","scopes":["openid","{bad}"]}}"#);
            assert_eq!(
                fields(&ClientConfig::from_json(&text, None).unwrap_err()),
                ["scopes"],
                "{bad}"
            );
        }
        let one_not_a_string = r#"{"client_id":"c","scopes":["openid",5]}"#;
        assert_eq!(
            fields(&ClientConfig::from_json(one_not_a_string, None).unwrap_err()),
            ["scopes"]
        );
        let none = r#"{"client_id":"c","scopes":[]}"#;
        assert_eq!(
            fields(&ClientConfig::from_json(none, None).unwrap_err()),
            ["scopes"]
        );
    }

    #[test]
    fn each_flow_is_read_by_its_name() {
        for flow in [Flow::Token, Flow::TokenIdToken, Flow::Code] {
            let text = format!(
                r#"{{"client_id":"c","flow":"{}","issuer":"https://id.example","authorization_endpoint":"https://id.example/a","token_endpoint":"https://id.example/t","userinfo_endpoint":"https://id.example/u","jwks_uri":"https://id.example/k","tokeninfo_endpoint":"https://id.example/i"}}"#,
                flow.name()
            );
            match ClientConfig::from_json(&text, None) {
                Ok(config) => assert_eq!(config.flow, flow),
                // The code flow against a stand-in for Google is refused, by its name.
                Err(errors) => assert_eq!((flow, fields(&errors)), (Flow::Code, vec!["flow"])),
            }
        }
        assert_eq!(
            ClientConfig::from_json(r#"{"client_id":"c","flow":"id_token token"}"#, None)
                .unwrap()
                .flow,
            Flow::TokenIdToken
        );
    }

    #[test]
    fn the_lead_time_is_at_most_an_hour() {
        let at = |secs: u64| {
            ClientConfig::from_json(
                &format!(r#"{{"client_id":"c","renew_lead_secs":{secs}}}"#),
                None,
            )
            .map(|c| c.renew_lead_secs)
            .map_err(|e| fields(&e).join(","))
        };
        assert_eq!(at(3600), Ok(3600));
        assert_eq!(at(0), Ok(0));
        assert_eq!(at(3601), Err("renew_lead_secs".into()));
    }

    #[test]
    fn response_type_is_spelled_as_the_provider_documents_it() {
        let google = ClientConfig::from_json(r#"{"client_id":"c"}"#, None).unwrap();
        assert_eq!(google.response_type, "token id_token");
        let plain =
            ClientConfig::from_json(r#"{"client_id":"c","scopes":["email"]}"#, None).unwrap();
        assert_eq!(plain.response_type, "token");
        let other = ClientConfig::from_json(
            r#"{"client_id":"c","flow":"token id_token","issuer":"https://id.example","authorization_endpoint":"https://id.example/a","userinfo_endpoint":"https://id.example/u","jwks_uri":"https://id.example/k"}"#,
            None,
        )
        .unwrap();
        assert_eq!(other.response_type, "id_token token");
    }

    #[test]
    fn quirks_are_decided_once_from_who_the_provider_is() {
        let read = |json: &str| ClientConfig::from_json(json, None).unwrap().quirks;
        let google = read(r#"{"client_id":"c"}"#);
        assert_eq!(
            google,
            Quirks {
                google: true,
                at_google: true,
                include_granted_scopes: true,
                revocation_client_id: false,
                account_chooser: true,
                google_apis: true,
                issuer_aliases: &["accounts.google.com"],
            }
        );
        // The emulator: Google-shaped at its own origin, so marked "not Google", and its ID
        // tokens carry its own issuer alone.
        let emulator = read(
            r#"{"client_id":"c","issuer":"http://127.0.0.1:8787","authorization_endpoint":"http://127.0.0.1:8787/o/oauth2/v2/auth","tokeninfo_endpoint":"http://127.0.0.1:8787/tokeninfo","userinfo_endpoint":"http://127.0.0.1:8787/oauth2/v3/userinfo","jwks_uri":"http://127.0.0.1:8787/oauth2/v3/certs"}"#,
        );
        assert_eq!(
            emulator,
            Quirks {
                at_google: false,
                issuer_aliases: &[],
                ..google
            }
        );
        // A path at Google's host other than v2's is Google's too; a look-alike host is not.
        let v1 = read(
            r#"{"client_id":"c","authorization_endpoint":"https://accounts.google.com/o/oauth2/auth"}"#,
        );
        assert!(v1.at_google);
        let lookalike = read(
            r#"{"client_id":"c","authorization_endpoint":"https://accounts.google.com.evil.example/auth"}"#,
        );
        assert!(!lookalike.at_google);
        // Any other provider: none of Google's ways.
        let other = read(r#"{"client_id":"c","issuer":"https://id.example"}"#);
        assert_eq!(
            other,
            Quirks {
                google: false,
                at_google: false,
                include_granted_scopes: false,
                revocation_client_id: true,
                account_chooser: false,
                google_apis: false,
                issuer_aliases: &[],
            }
        );
    }

    #[test]
    fn a_public_client_names_itself_to_the_revocation_endpoint_but_not_to_googles() {
        let google = ClientConfig::from_json(r#"{"client_id":"c"}"#, None).unwrap();
        assert_eq!(google.revocation_client_id(), None);
        let other = ClientConfig::from_json(
            r#"{"client_id":"spa","issuer":"https://id.example","authorization_endpoint":"https://id.example/a","token_endpoint":"https://id.example/t","userinfo_endpoint":"https://id.example/u","jwks_uri":"https://id.example/k"}"#,
            None,
        )
        .unwrap();
        assert_eq!(other.revocation_client_id(), Some("spa"));
    }

    #[test]
    fn the_code_flow_connects_to_its_token_endpoint() {
        let other = ClientConfig::from_json(
            r#"{"client_id":"spa","issuer":"https://id.example","authorization_endpoint":"https://id.example/a","token_endpoint":"https://tokens.example/t","userinfo_endpoint":"https://id.example/u","jwks_uri":"https://keys.example/k"}"#,
            None,
        )
        .unwrap();
        assert_eq!(other.flow, Flow::Code);
        assert_eq!(
            other.connect_origins(),
            vec![
                "https://id.example",
                "https://keys.example",
                "https://tokens.example"
            ]
        );
    }

    #[test]
    fn scope_with_space_is_rejected() {
        let errors =
            ClientConfig::from_json(r#"{"client_id":"a","scopes":["openid email"]}"#, None)
                .unwrap_err();
        assert_eq!(fields(&errors), vec!["scopes"]);
    }

    #[test]
    fn plain_http_endpoint_off_loopback_is_rejected() {
        let errors = ClientConfig::from_json(
            r#"{"client_id":"a","userinfo_endpoint":"http://evil.example/u"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(fields(&errors), vec!["userinfo_endpoint"]);
    }

    #[test]
    fn pictures_come_from_googles_image_host_or_the_user_info_origin() {
        let google = ClientConfig::from_json(r#"{"client_id":"a"}"#, None).unwrap();
        assert_eq!(google.picture_origins(), vec![GOOGLE_PICTURE_ORIGIN]);
        let emulator = ClientConfig::from_json(
            r#"{"client_id":"a","userinfo_endpoint":"http://127.0.0.1:8787/oauth2/v3/userinfo"}"#,
            None,
        )
        .unwrap();
        assert_eq!(emulator.picture_origins(), vec!["http://127.0.0.1:8787"]);
    }

    #[test]
    fn connect_origins_cover_the_api_endpoints() {
        let config = ClientConfig::from_json(r#"{"client_id":"a"}"#, None).unwrap();
        assert_eq!(
            config.connect_origins(),
            vec![
                "https://oauth2.googleapis.com",
                "https://tasks.googleapis.com",
                "https://www.googleapis.com"
            ]
        );
    }

    #[test]
    fn api_base_stands_in_for_googles_api_hosts() {
        let google = ClientConfig::from_json(r#"{"client_id":"a"}"#, None).unwrap();
        assert_eq!(
            google.api_url(GOOGLE_TASKS_API, "/tasks/v1/users/@me/lists"),
            "https://tasks.googleapis.com/tasks/v1/users/@me/lists"
        );
        let local = ClientConfig::from_json(
            r#"{"client_id":"a","api_base":"http://127.0.0.1:8787/"}"#,
            None,
        )
        .unwrap();
        assert_eq!(
            local.api_url(GOOGLE_CALENDAR_API, "/calendar/v3/x"),
            "http://127.0.0.1:8787/calendar/v3/x"
        );
        let origins = local.connect_origins();
        assert!(origins.contains(&"http://127.0.0.1:8787".to_string()));
        assert!(!origins.contains(&GOOGLE_TASKS_API.to_string()));
    }

    #[test]
    fn a_push_endpoint_named_by_hand_is_offered_and_never_google() {
        let by_hand = ClientConfig::from_json(
            r#"{"client_id":"a","issuer":"https://op.example","authorization_endpoint":"https://op.example/a","userinfo_endpoint":"https://op.example/u","token_endpoint":"https://op.example/t","jwks_uri":"https://op.example/k","pushed_authorization_request_endpoint":"https://par.example/par"}"#,
            None,
        )
        .unwrap();
        assert_eq!(by_hand.par, crate::par::Policy::Offered);
        assert_eq!(by_hand.par_endpoint(), Some("https://par.example/par"));
        assert!(by_hand
            .connect_origins()
            .contains(&"https://par.example".to_owned()));
        let google = ClientConfig::from_json(
            r#"{"client_id":"a","pushed_authorization_request_endpoint":"https://par.example/par"}"#,
            None,
        )
        .unwrap_err();
        assert_eq!(
            fields(&google),
            vec!["pushed_authorization_request_endpoint"]
        );
        let plain = ClientConfig::from_json(r#"{"client_id":"a"}"#, None).unwrap();
        assert_eq!(plain.par_endpoint(), None);
    }

    #[test]
    fn the_provider_is_named_by_its_issuers_host() {
        use crate::error::ProviderName;
        let google = ClientConfig::from_json(r#"{"client_id":"a"}"#, None).unwrap();
        assert_eq!(google.provider_name(), ProviderName::Google);
        let other = ClientConfig::from_json(
            r#"{"client_id":"a","issuer":"https://id.example.com:8443/realms/x"}"#,
            None,
        )
        .unwrap();
        assert_eq!(
            other.provider_name(),
            ProviderName::Other("id.example.com:8443".into())
        );
    }

    #[test]
    fn the_setup_screen_learns_the_provider_from_a_broken_file() {
        assert_eq!(
            other_issuer(r#"{"issuer":"https://op.example","flow":"bogus"}"#).as_deref(),
            Some("https://op.example")
        );
        assert_eq!(
            other_issuer(r#"{"issuer":"https://accounts.google.com"}"#),
            None
        );
        assert_eq!(other_issuer(r#"{"client_id":"a"}"#), None);
        assert_eq!(other_issuer("{ not json"), None);
        assert_eq!(other_issuer(r#"{"issuer":7}"#), None);
        // The emulator names its own origin as issuer, beside Google's token info.
        assert_eq!(
            other_issuer(
                r#"{"issuer":"http://127.0.0.1:8787","tokeninfo_endpoint":"http://127.0.0.1:8787/tokeninfo"}"#
            ),
            None
        );
    }

    #[test]
    fn a_missing_client_id_is_asked_of_the_provider_config_json_names() {
        let google = ClientConfig::from_json("{}", None).unwrap_err();
        assert!(google[0].message.contains("Google Cloud Console"));
        let other =
            ClientConfig::from_json(r#"{"issuer":"https://op.example"}"#, None).unwrap_err();
        assert_eq!(fields(&other), vec!["client_id"]);
        assert!(!other[0].message.contains("Google"), "{}", other[0].message);
        assert!(other[0].message.contains("at the provider"));
    }
}
