//! The app's error: one enum over the layers (protocol, HTTP, browser), each shown to the person
//! as a sentence plus a stable code, never as `{:?}`.

use crate::browser::BrowserError;
use crate::google::ApiError;
use oauth::AuthError;

/// Which call failed, so the message can say what was being done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiStep {
    TokenInfo,
    UserInfo,
    Revocation,
}

impl ApiStep {
    fn doing(self) -> &'static str {
        match self {
            ApiStep::TokenInfo => "checking the token with Google's token info endpoint",
            ApiStep::UserInfo => "loading your profile",
            ApiStep::Revocation => "revoking the token",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Auth(#[from] AuthError),
    #[error("Something went wrong while {}: {error}.", step.doing())]
    Api { step: ApiStep, error: ApiError },
    #[error("Signed out on this device, but the token could not be revoked at Google ({0}). It stops working when it expires; you can also remove this app's access in your Google Account settings.")]
    RevocationFailed(ApiError),
    #[error("The browser blocked the sign-in window. Allow popups for this site, or continue in this tab.")]
    PopupBlocked,
    #[error("The sign-in window was closed (or the browser cut this page off from it) before it answered.")]
    PopupClosed,
    #[error("The browser refused: {0}.")]
    Browser(#[from] BrowserError),
}

impl AppError {
    pub fn code(&self) -> &str {
        match self {
            AppError::Auth(e) => e.code(),
            AppError::Api {
                error: ApiError::Network(_),
                ..
            } => "network_error",
            AppError::Api {
                error: ApiError::Server { .. },
                ..
            } => "server_error",
            AppError::Api {
                error: ApiError::Malformed(_),
                ..
            } => "malformed_response",
            AppError::Api { .. } => "api_error",
            AppError::RevocationFailed(_) => "revocation_failed",
            AppError::PopupBlocked => "popup_blocked",
            AppError::PopupClosed => "popup_closed",
            AppError::Browser(_) => "browser_error",
        }
    }

    /// Text the provider sent along (`error_description`), shown verbatim as text.
    pub fn provider_description(&self) -> Option<&str> {
        match self {
            AppError::Auth(AuthError::Provider(e)) => e.description.as_deref(),
            _ => None,
        }
    }

    /// Maps an HTTP failure of `step`; a refused token becomes the protocol error it means.
    pub fn from_api(step: ApiStep, error: ApiError) -> Self {
        match (step, &error) {
            (ApiStep::TokenInfo, ApiError::Rejected { status: 400, .. }) => {
                AuthError::InvalidToken.into()
            }
            (ApiStep::UserInfo, ApiError::Unauthorized) => AuthError::SessionExpired.into(),
            (ApiStep::Revocation, _) => AppError::RevocationFailed(error),
            _ => AppError::Api { step, error },
        }
    }
}
