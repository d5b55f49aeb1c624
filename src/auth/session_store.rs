//! Where a verified session lives between page loads, per the `token_storage` setting:
//! sessionStorage (tab-scoped, survives a reload) or nowhere (memory only). Never localStorage.

use crate::browser::storage::{self, keys, Area};
use crate::browser::BrowserError;
use oauth::{ClientConfig, Session, TokenStorage};

/// Keeps `session` for a reload, where `token_storage` is `session`; with `memory`, nothing.
pub fn save(config: &ClientConfig, session: &Session) -> Result<(), BrowserError> {
    match config.token_storage {
        TokenStorage::Session => storage::set(Area::Session, keys::SESSION, &session.to_json()),
        TokenStorage::Memory => Ok(()),
    }
}

/// The session [`save`] kept; `None` when there is none, it is unreadable, or the tokens live
/// in memory only. Whether it is still good is the caller's to check.
pub fn load(config: &ClientConfig) -> Option<Session> {
    match config.token_storage {
        TokenStorage::Session => {
            Session::from_json(&storage::get(Area::Session, keys::SESSION)?).ok()
        }
        TokenStorage::Memory => None,
    }
}

/// Whether anything is stored that [`load`] could read (without reading it).
pub fn is_stored(config: &ClientConfig) -> bool {
    config.token_storage == TokenStorage::Session
        && storage::get(Area::Session, keys::SESSION).is_some()
}

/// What a cleared session leaves behind in the tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep<'a> {
    /// A sign-out: the view and unsaved text are forgotten too.
    Nothing,
    /// The token ran out: the view and unsaved text stay, so signing in again picks up where
    /// the person was, and the account to suggest, when the token said whose it was.
    WhereThePersonWas {
        /// The account to suggest next time (`login_hint`); `None` forgets any kept before.
        login_hint: Option<&'a str>,
    },
}

/// Forgets the session and any sign-in in progress, and what `keep` does not keep.
pub fn clear(keep: Keep<'_>) {
    storage::remove(Area::Session, keys::SESSION);
    storage::remove(Area::Session, keys::PENDING);
    match keep {
        Keep::WhereThePersonWas { login_hint } => match login_hint {
            Some(hint) => {
                let _ = storage::set(Area::Session, keys::LOGIN_HINT, hint);
            }
            None => storage::remove(Area::Session, keys::LOGIN_HINT),
        },
        Keep::Nothing => {
            // A full sign-out forgets what the person typed, too.
            storage::remove(Area::Session, keys::LOGIN_HINT);
            storage::remove(Area::Session, keys::VIEW);
            storage::remove_prefixed(Area::Session, keys::DRAFT_PREFIX);
        }
    }
}

/// Drops a pending request that will never be answered (its popup was blocked or cut off).
pub fn forget_pending() {
    storage::remove(Area::Session, keys::PENDING);
}

/// The account to suggest at the next sign-in (OpenID Connect Core §3.1.2.1 `login_hint`),
/// kept in this tab by [`clear`] when a session ran out.
pub fn login_hint() -> Option<String> {
    storage::get(Area::Session, keys::LOGIN_HINT)
}
