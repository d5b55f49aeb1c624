//! The sans-IO core of a browser-only OAuth 2.0 client for Google's implicit grant.
//!
//! Nothing here performs I/O, reads a clock or draws random numbers: the caller passes those in
//! (`now_ms`, random bytes, response bodies) and gets decisions back. That keeps every protocol
//! check testable with plain `cargo test`, and lets any Rust front end reuse it as it is.
//!
//! The flow, in the order the modules are used:
//! 1. [`config`] validates the runtime configuration.
//! 2. [`authorization`] builds the authorization request and the [`PendingAuthorization`] to keep;
//!    [`par`] pushes it first where the provider offers that (RFC 9126).
//! 3. [`response`] parses the redirect's fragment into an [`AuthorizationResponse`].
//! 4. [`callback`] checks it against the pending request (state, token type, expiry).
//! 5. [`token_info`] confirms the token was issued to us and reads the granted scopes, giving a [`Session`].
//! 6. [`user_info`] and [`revocation`] describe the calls made with the session.
//! 7. [`scopes`] says what the granted set allows per API; [`api`] reads an API's answer (status,
//!    the bearer challenge as [`challenge`] reads `WWW-Authenticate`, Google's error body);
//!    [`retry`] decides whether and when to send again; [`paging`] walks `nextPageToken` within
//!    bounds.
//! 8. For providers that give them: [`refresh`] renews with a refresh token (kept in memory by
//!    the caller), [`end_session`] ends the provider's session on sign-out (RP-Initiated Logout).

pub mod api;
pub mod authorization;
pub mod base64url;
pub mod callback;
pub mod challenge;
pub mod checked_config;
pub mod config;
pub mod csp;
pub mod curl;
pub mod discovery;
pub mod dpop;
pub mod end_session;
pub mod error;
pub mod http_date;
pub mod id_token;
pub mod id_token_report;
pub mod inspect;
pub mod json;
pub mod paging;
pub mod par;
pub mod playground;
pub mod refresh;
pub mod renewal;
pub mod response;
pub mod retention;
pub mod retry;
pub mod revocation;
pub mod scopes;
pub mod session;
pub mod token_endpoint;
pub mod token_info;
pub mod url;
pub mod user_info;

pub use api::{ApiError, Method};
pub use authorization::{AuthorizationRequest, PendingAuthorization};
pub use callback::{check_response, UnverifiedToken};
pub use config::{ClientConfig, ConfigError, Display, Endpoints, Flow, TokenStorage};
pub use error::{AuthError, ProviderError, ProviderName};
pub use response::AuthorizationResponse;
pub use scopes::{Access, ApiScopes, GrantedScopes};
pub use session::Session;
pub use token_info::{verify_token_info, TokenInfo};
pub use user_info::UserInfo;
