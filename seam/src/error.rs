//! The app's error: one enum over the layers (protocol, HTTP, browser), each shown to the person
//! as a sentence plus a stable code, never as `{:?}`.

use crate::browser::BrowserError;
use oauth::api::ApiError;
use oauth::dpop::DpopError;
use oauth::{AuthError, ProviderName};

/// Why DPoP could not start (`browser_oauth::dpop`): the browser's key store or WebCrypto refused, or the key it gave
/// is not one a proof can carry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// IndexedDB or WebCrypto refused.
    #[error("{0}")]
    Browser(#[from] BrowserError),
    /// What the browser gave is not what an ES256 proof carries (a P-256 public key, a 64-byte
    /// signature; RFC 9449 §4.2).
    #[error("{0}")]
    Key(#[from] DpopError),
}

/// Which call failed, so the message can say what was being done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStep {
    /// Google's token info endpoint: is the token ours, and what may it do.
    TokenInfo,
    /// The user info endpoint: the profile.
    UserInfo,
    /// Revoking the token at sign-out (RFC 7009).
    Revocation,
    /// Tasks API: the person's task lists.
    ListTaskLists,
    /// Tasks API: one list's tasks.
    ListTasks,
    /// Tasks API: a new task.
    CreateTask,
    /// Tasks API: a task marked done.
    CompleteTask,
    /// Tasks API: a done task marked not done.
    ReopenTask,
    /// Tasks API: a task's new title.
    RenameTask,
    /// Tasks API: a task deleted.
    DeleteTask,
    /// Tasks API: a task's notes and due date.
    EditTask,
    /// Tasks API: a task moved within its list.
    MoveTask,
    /// Tasks API: a task moved to another list.
    MoveTaskToList,
    /// Tasks API: a list's completed tasks hidden.
    ClearCompleted,
    /// Tasks API: a new list.
    CreateList,
    /// Tasks API: a list's new title.
    RenameList,
    /// Tasks API: a list deleted, with its tasks.
    DeleteList,
    /// Tasks API: how many tasks a list holds, all of them, before it is deleted.
    CountTasks,
    /// Calendar API: the upcoming events.
    ListEvents,
    /// The provider's discovery document (OpenID Connect Discovery 1.0 §4).
    Discovery,
    /// The provider's signing keys (`jwks_uri`), to verify an ID token.
    Keys,
    /// The token endpoint: a code for tokens (RFC 6749 §4.1.3), or a refresh.
    TokenExchange,
    /// The pushed authorization request endpoint (RFC 9126).
    PushedAuthorization,
}

impl ApiStep {
    /// Whether the step changes data (and so needs an API's write scope).
    pub fn is_write(self) -> bool {
        matches!(
            self,
            ApiStep::CreateTask
                | ApiStep::CompleteTask
                | ApiStep::ReopenTask
                | ApiStep::RenameTask
                | ApiStep::DeleteTask
                | ApiStep::EditTask
                | ApiStep::MoveTask
                | ApiStep::MoveTaskToList
                | ApiStep::ClearCompleted
                | ApiStep::CreateList
                | ApiStep::RenameList
                | ApiStep::DeleteList
        )
    }

    fn doing(self) -> &'static str {
        match self {
            ApiStep::TokenInfo => "checking the token with Google's token info endpoint",
            ApiStep::UserInfo => "loading your profile",
            ApiStep::Revocation => "revoking the token",
            ApiStep::ListTaskLists => "loading your task lists",
            ApiStep::ListTasks => "loading the tasks",
            ApiStep::CreateTask => "adding the task",
            ApiStep::CompleteTask => "marking the task done",
            ApiStep::ReopenTask => "reopening the task",
            ApiStep::RenameTask => "renaming the task",
            ApiStep::DeleteTask => "deleting the task",
            ApiStep::EditTask => "saving the task's notes and due date",
            ApiStep::MoveTask => "moving the task",
            ApiStep::MoveTaskToList => "moving the task to another list",
            ApiStep::ClearCompleted => "clearing the completed tasks",
            ApiStep::CreateList => "making the list",
            ApiStep::RenameList => "renaming the list",
            ApiStep::DeleteList => "deleting the list",
            ApiStep::CountTasks => "counting the list's tasks",
            ApiStep::ListEvents => "loading your upcoming events",
            ApiStep::Discovery => "reading the provider's discovery document",
            ApiStep::Keys => "loading the provider's signing keys (JWKS)",
            ApiStep::TokenExchange => "asking the token endpoint for a token",
            ApiStep::PushedAuthorization => {
                "pushing the authorization request to the provider (RFC 9126)"
            }
        }
    }
}

/// What went wrong, on either side, as the person is told it: `Display` is the sentence
/// ([`AppError::sentence`] names the provider), [`AppError::code`] the stable code beside it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// An authorization response or a session refused: the provider's error, a check of its
    /// answer that failed, or a token that no longer works.
    #[error("{0}")]
    Auth(#[from] AuthError),
    /// An HTTP call failed in a way the protocol gives no meaning to ([`AppError::from_api`]).
    #[error("Something went wrong while {}: {error}.", step.doing())]
    Api {
        /// What was being done.
        step: ApiStep,
        /// How it failed.
        error: ApiError,
    },
    /// Sign-out forgot the token here, but the provider did not confirm revoking it.
    #[error("Signed out on this device, but the token could not be revoked ({0}). It stops working when it expires; you can also remove this app's access in your account settings at the provider (for Google: your Google Account).")]
    RevocationFailed(ApiError),
    /// `window.open` returned no window: a popup blocker, or no click to allow it.
    #[error("The browser blocked the sign-in window. Allow popups for this site, or continue in this tab.")]
    PopupBlocked,
    /// The popup went away without an answer: closed, or reported closed because the
    /// provider's `Cross-Origin-Opener-Policy` cut this tab off from it (Chrome).
    #[error("The sign-in window was closed (or the browser cut this page off from it) before it answered.")]
    PopupClosed,
    /// A Web API refused (storage, crypto, the page's `window`).
    #[error("The browser refused: {0}.")]
    Browser(#[from] BrowserError),
    /// A click came before the PKCE pair (or the DPoP key) made ahead was ready: WebCrypto
    /// answers asynchronously, and a popup must open inside the click (a redirect waits instead).
    #[error("The sign-in is not ready yet (the browser is still preparing its PKCE secret); try again in a moment.")]
    NotReady,
    /// The provider's discovery document could not be fetched or used.
    #[error("The provider's configuration could not be used: {0}.")]
    Discovery(#[from] oauth::discovery::DiscoveryError),
    /// Google granted less than was asked: the scopes the person left unticked (granular
    /// consent).
    #[error("Google's consent page came back without {}: its box was left unticked (Google starts them unticked, and grants only what is ticked), so what needs it stays off. Ask again, and tick it on Google's page.", described(.0))]
    ScopesDeclined(Vec<String>),
    /// A list the view showed is gone at Google (it answers 400 for a list it does not know):
    /// the list's title.
    #[error("The task list “{0}” is no longer at Google (deleted in another app or tab?): Google answered that it does not know it. The lists are loaded again.")]
    TaskListGone(String),
    /// The features module (a separate wasm file, fetched when needed) did not load.
    #[error("{what} could not be loaded: it is a separate part of this page, fetched when needed, and the browser could not get it ({reason}). Check the connection and try again.")]
    FeatureUnavailable {
        /// The feature, as [`crate::host::Feature::label`] names it.
        what: &'static str,
        /// Why the fetch failed, as the browser said it.
        reason: String,
    },
    /// The DPoP key (RFC 9449) could not be made or read back.
    #[error("This page could not make or load its DPoP key, which binds the provider's tokens to this browser: {0}.")]
    DpopKey(#[from] KeyError),
    /// The page's CSP `connect-src` leaves out origins config.json needs: those origins.
    #[error("This page's Content-Security-Policy does not let it reach {}, which config.json names: the policy was written for another config.json. Sign-in is off until they agree, since the provider's answer could not be checked.", .0.join(" and "))]
    PolicyBlocksConfig(Vec<String>),
    /// The refresh token grant (RFC 6749 §6) failed: why.
    #[error("{}", refresh_failed(&.0.to_string()))]
    RefreshFailed(Box<AppError>),
    /// The pushed authorization request (RFC 9126) was refused or unreadable.
    #[error("{0}")]
    Par(#[from] oauth::par::ParError),
    /// The return from RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §3) came
    /// without this tab's `state`, or with another.
    #[error("{0}")]
    EndSession(#[from] oauth::end_session::EndSessionError),
    /// A module built without `other-providers` was given a config that needs it; the front
    /// door chooses the module from config.json, so this means a build out of step with it.
    #[error("This part of the page signs in with Google only (the implicit grant), but config.json asks for another provider's code flow. Reload the page: it then loads the part built for any provider.")]
    NotInThisModule,
}

fn refresh_failed(cause: &str) -> String {
    format!("Renewing the session with the refresh token failed: {cause} The refresh token is dropped; “Stay signed in” asks the provider again in a small window (browsers allow it only after a click).")
}

/// “View your tasks” (https://…/tasks.readonly) and …, for a sentence.
fn described(scopes: &[String]) -> String {
    let each: Vec<String> = scopes
        .iter()
        .map(|s| match oauth::scopes::google::describe(s) {
            Some(words) => format!("“{words}” ({s})"),
            None => s.clone(),
        })
        .collect();
    each.join(" and ")
}

impl AppError {
    /// The stable code shown under the sentence ("Error code: …"): the same in every wording,
    /// for a person to search or report, and for tests to match.
    pub fn code(&self) -> &str {
        match self {
            AppError::Auth(e) => e.code(),
            AppError::Api { error, .. } => error.code(),
            AppError::RevocationFailed(_) => "revocation_failed",
            AppError::PopupBlocked => "popup_blocked",
            AppError::PopupClosed => "popup_closed",
            AppError::Browser(_) => "browser_error",
            AppError::ScopesDeclined(_) => "scope_declined",
            AppError::NotReady => "not_ready",
            AppError::Discovery(e) => e.code(),
            AppError::FeatureUnavailable { .. } => "module_load_failed",
            AppError::TaskListGone(_) => "task_list_gone",
            AppError::PolicyBlocksConfig(_) => "csp_blocks_config",
            AppError::RefreshFailed(_) => "refresh_failed",
            AppError::EndSession(e) => e.code(),
            AppError::DpopKey(_) => "dpop_key_unavailable",
            AppError::Par(e) => e.code(),
            AppError::NotInThisModule => "not_in_this_module",
        }
    }

    /// The sentence shown to the person: `Display`'s, with the provider that answered named
    /// (`by`: Google, or the provider at its host) where `Display` says "the provider".
    pub fn sentence(&self, by: &ProviderName) -> String {
        match self {
            AppError::Auth(e) => e.sentence(by),
            AppError::Par(e) => e.sentence(by),
            AppError::RefreshFailed(e) => refresh_failed(&e.sentence(by)),
            other => other.to_string(),
        }
    }

    /// Text the provider sent along (`error_description`), shown verbatim as text.
    pub fn provider_description(&self) -> Option<&str> {
        match self {
            AppError::Auth(AuthError::Provider(e)) => e.description.as_deref(),
            AppError::Par(e) => e.description(),
            AppError::RefreshFailed(e) => e.provider_description(),
            _ => None,
        }
    }

    /// Maps an HTTP failure of `step`; a refused token becomes the protocol error it means:
    /// a 401 from an API with the session's token means the session is over (RFC 6750 §3.1).
    pub fn from_api(step: ApiStep, error: ApiError) -> Self {
        match (step, &error) {
            (ApiStep::TokenInfo, ApiError::Rejected { status: 400, .. }) => {
                AuthError::InvalidToken.into()
            }
            (ApiStep::Revocation, _) => AppError::RevocationFailed(error),
            (ApiStep::TokenInfo, _) => AppError::Api { step, error },
            (_, ApiError::Unauthorized) => AuthError::SessionExpired.into(),
            _ => AppError::Api { step, error },
        }
    }

    /// The failed step and its API error, if this is one (the UI offers to grant a scope).
    pub fn api_failure(&self) -> Option<(ApiStep, &ApiError)> {
        match self {
            AppError::Api { step, error } => Some((*step, error)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_token_ends_the_session_whatever_api_refused_it() {
        for step in [
            ApiStep::UserInfo,
            ApiStep::ListTasks,
            ApiStep::CreateTask,
            ApiStep::ListEvents,
        ] {
            let e = AppError::from_api(step, ApiError::Unauthorized);
            assert_eq!(e.code(), "session_expired", "{step:?}");
        }
        let e = AppError::from_api(ApiStep::TokenInfo, ApiError::Unauthorized);
        assert_eq!(e.code(), "unauthorized");
    }

    #[test]
    fn api_failures_say_what_was_being_done_and_keep_their_code() {
        let e = AppError::from_api(
            ApiStep::CreateTask,
            ApiError::Server {
                status: 500,
                retry_after_ms: None,
            },
        );
        assert_eq!(e.code(), "server_error");
        assert_eq!(
            e.to_string(),
            "Something went wrong while adding the task: the server failed (HTTP 500)."
        );
        let e = AppError::from_api(
            ApiStep::ListTasks,
            ApiError::InsufficientScope {
                scopes: vec!["s".into()],
            },
        );
        assert_eq!(e.code(), "insufficient_scope");
        assert!(matches!(
            e.api_failure(),
            Some((ApiStep::ListTasks, ApiError::InsufficientScope { .. }))
        ));
    }

    #[test]
    fn declined_scopes_are_named_in_words() {
        let e = AppError::ScopesDeclined(vec![oauth::scopes::google::TASKS_READONLY.into()]);
        assert_eq!(e.code(), "scope_declined");
        assert!(
            e.to_string()
                .contains("“View your tasks” (https://www.googleapis.com/auth/tasks.readonly)"),
            "{e}"
        );
        assert!(e.to_string().contains("left unticked"), "{e}");
    }

    #[test]
    fn token_info_refusal_is_an_invalid_token() {
        let e = AppError::from_api(
            ApiStep::TokenInfo,
            ApiError::Rejected {
                status: 400,
                message: "Invalid Value".into(),
            },
        );
        assert_eq!(e.code(), "invalid_token");
    }

    #[test]
    fn a_providers_refusal_names_the_provider_that_refused() {
        let refused = AppError::Auth(AuthError::Provider(oauth::ProviderError {
            code: "invalid_request".into(),
            description: Some("PAR required".into()),
            uri: None,
        }));
        let other = ProviderName::Other("127.0.0.1:9000".into());
        assert_eq!(
            refused.sentence(&other),
            "The provider at 127.0.0.1:9000 found the authorization request malformed. (invalid_request)"
        );
        assert!(refused
            .sentence(&ProviderName::Google)
            .starts_with("Google found"));
        let nested = AppError::RefreshFailed(Box::new(refused.clone()));
        assert!(nested
            .sentence(&other)
            .contains("The provider at 127.0.0.1:9000 found"));
        assert!(!nested.sentence(&other).contains("Google"));
        assert_eq!(nested.provider_description(), Some("PAR required"));
        assert_eq!(nested.code(), "refresh_failed");
        // Nothing else changes with the provider.
        assert_eq!(
            AppError::PopupClosed.sentence(&other),
            AppError::PopupClosed.to_string()
        );
    }
}
