//! The auth context's state as a reducer: where the sign-in stands, what the page says about
//! it, and which answers are ignored because the person moved on meanwhile. No browser and no
//! I/O here, so every transition is tested natively (as `tasks_state.rs` is);
//! `auth_context` makes the calls and dispatches their outcomes.

use crate::auth::SignedIn;
use crate::error::AppError;
use std::rc::Rc;

pub use seam::notice::Notice;

/// Where the sign-in stands: what the card shows.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthStatus {
    /// Reading storage or the redirect's response on start.
    Starting,
    /// Checking a response or a stored session with Google.
    Verifying,
    /// A sign-in popup is open.
    WaitingForPopup,
    /// No session: the sign-in card.
    SignedOut,
    /// Sign-out has begun (revocation, perhaps the provider's logout page).
    SigningOut,
    /// A verified session.
    SignedIn(Rc<SignedIn>),
}

/// The auth context's state: the status, and what the page says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthState {
    /// Where the sign-in stands.
    pub status: AuthStatus,
    /// The message shown above the view; `None`: nothing is shown.
    pub notice: Option<Notice>,
    /// A renewal (or incremental authorization) popup is open; the current session stays
    /// usable meanwhile.
    pub renewing: bool,
    /// The view a full-page sign-in asked to come back to.
    pub return_to: Option<String>,
}

/// What happened, as the auth context dispatches it ([`AuthState::apply`]).
pub enum AuthAction {
    /// An answer or a stored session is being checked.
    Verifying,
    /// A sign-in popup opened.
    WaitingForPopup,
    /// Signed in; with a notice when a rejected response arrived while a session was kept,
    /// or when a renewal succeeded.
    SignedIn {
        /// The verified session.
        signed_in: Rc<SignedIn>,
        /// What to say with it; `None`: nothing.
        notice: Option<Notice>,
        /// The view a full-page sign-in asked to come back to.
        return_to: Option<String>,
    },
    /// Signed out, with what to say about it (how the sign-out went, or why).
    SignedOut(Option<Notice>),
    /// Sign-out began.
    SigningOut,
    /// An error that leaves the person signed out.
    Failed(AppError),
    /// A renewal or incremental authorization popup opened.
    Renewing,
    /// A notice that changes nothing else (a failed renewal keeps the current session).
    Notice(Notice),
    /// Another tab signed out; ignored unless this tab is signed in.
    SignedOutElsewhere,
    /// A refresh with the refresh token succeeded; ignored if the person signed out meanwhile.
    Refreshed(Rc<SignedIn>),
    /// A refresh failed: the refresh token is dropped, the session stays until it expires, and
    /// renewal is the offer's (a popup from a click), as with Google.
    RefreshFailed(AppError),
}

impl AuthState {
    /// The state the page starts in: a popup the front door opened is waited for; with nothing
    /// to check (no answer in the URL, no stored session) the person is signed out at once.
    pub fn first(popup_open: bool, nothing_to_check: bool) -> AuthState {
        AuthState {
            status: match (popup_open, nothing_to_check) {
                (true, _) => AuthStatus::WaitingForPopup,
                (false, true) => AuthStatus::SignedOut,
                (false, false) => AuthStatus::Starting,
            },
            notice: None,
            renewing: false,
            return_to: None,
        }
    }

    /// The state after `action`. An action that changes nothing returns the same `Rc`, so
    /// Yew renders nothing again.
    pub fn apply(self: Rc<Self>, action: AuthAction) -> Rc<Self> {
        let plain = |status, notice| AuthState {
            status,
            notice,
            renewing: false,
            return_to: None,
        };
        Rc::new(match action {
            AuthAction::Verifying => plain(AuthStatus::Verifying, None),
            AuthAction::WaitingForPopup => plain(AuthStatus::WaitingForPopup, None),
            AuthAction::SignedIn {
                signed_in,
                notice,
                return_to,
            } => AuthState {
                return_to,
                ..plain(AuthStatus::SignedIn(signed_in), notice)
            },
            AuthAction::SignedOut(notice) => plain(AuthStatus::SignedOut, notice),
            AuthAction::SigningOut => plain(AuthStatus::SigningOut, None),
            AuthAction::Failed(error) => plain(AuthStatus::SignedOut, Some(Notice::Error(error))),
            AuthAction::Renewing => AuthState {
                renewing: true,
                notice: None,
                ..(*self).clone()
            },
            AuthAction::Notice(notice) => AuthState {
                renewing: false,
                notice: Some(notice),
                ..(*self).clone()
            },
            AuthAction::SignedOutElsewhere => match self.status {
                AuthStatus::SignedIn(_) => plain(
                    AuthStatus::SignedOut,
                    Some(Notice::Info(
                        "You signed out in another tab, so this tab signed out too.",
                    )),
                ),
                _ => return self,
            },
            AuthAction::Refreshed(fresh) => match &self.status {
                AuthStatus::SignedIn(current) if current.session.subject == fresh.session.subject => {
                    plain(
                        AuthStatus::SignedIn(fresh),
                        Some(Notice::Info(
                            "Session renewed with the refresh token, without a window or a question.",
                        )),
                    )
                }
                _ => return self,
            },
            AuthAction::RefreshFailed(error) => match &self.status {
                AuthStatus::SignedIn(current) => plain(
                    AuthStatus::SignedIn(Rc::new(SignedIn {
                        refresh: None,
                        ..(**current).clone()
                    })),
                    Some(Notice::Error(AppError::RefreshFailed(Box::new(error)))),
                ),
                _ => return self,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth::refresh::RefreshGrant;
    use oauth::{AuthError, Session};

    fn person(subject: &str, token: &str) -> Rc<SignedIn> {
        let session = Session::from_json(&format!(
            r#"{{"access_token":"{token}","expires_at_ms":3600000,"granted_scopes":["openid"],"subject":"{subject}"}}"#
        ))
        .expect("a session record");
        Rc::new(SignedIn {
            session,
            user: None,
            declined: Vec::new(),
            refresh: Some(RefreshGrant {
                refresh_token: format!("refresh-{token}"),
                original: None,
            }),
            id_token: None,
        })
    }

    fn state(status: AuthStatus) -> Rc<AuthState> {
        Rc::new(AuthState {
            status,
            notice: Some(Notice::Info("earlier")),
            renewing: false,
            return_to: Some("tasks".into()),
        })
    }

    fn signed_in_as(subject: &str) -> Rc<AuthState> {
        state(AuthStatus::SignedIn(person(subject, "first")))
    }

    fn renewing(state: Rc<AuthState>) -> Rc<AuthState> {
        state.apply(AuthAction::Renewing)
    }

    #[test]
    fn the_first_state_waits_for_a_popup_then_for_checks_else_is_signed_out() {
        assert_eq!(
            AuthState::first(true, true).status,
            AuthStatus::WaitingForPopup
        );
        assert_eq!(
            AuthState::first(true, false).status,
            AuthStatus::WaitingForPopup
        );
        assert_eq!(AuthState::first(false, true).status, AuthStatus::SignedOut);
        assert_eq!(AuthState::first(false, false).status, AuthStatus::Starting);
        let first = AuthState::first(false, false);
        assert_eq!(
            (first.notice, first.renewing, first.return_to),
            (None, false, None)
        );
    }

    #[test]
    fn signing_in_keeps_its_notice_and_the_view_to_return_to() {
        let fresh = person("alice", "new");
        let after = state(AuthStatus::Verifying).apply(AuthAction::SignedIn {
            signed_in: fresh.clone(),
            notice: Some(Notice::Info("kept")),
            return_to: Some("calendar".into()),
        });
        assert_eq!(after.status, AuthStatus::SignedIn(fresh));
        assert_eq!(after.notice, Some(Notice::Info("kept")));
        assert_eq!(after.return_to.as_deref(), Some("calendar"));
        assert!(!after.renewing);
    }

    #[test]
    fn plain_transitions_clear_the_notice_the_renewal_and_the_return_view() {
        for (action, status) in [
            (AuthAction::Verifying, AuthStatus::Verifying),
            (AuthAction::WaitingForPopup, AuthStatus::WaitingForPopup),
            (AuthAction::SigningOut, AuthStatus::SigningOut),
            (AuthAction::SignedOut(None), AuthStatus::SignedOut),
        ] {
            let after = renewing(signed_in_as("alice")).apply(action);
            assert_eq!(
                *after,
                AuthState {
                    status,
                    notice: None,
                    renewing: false,
                    return_to: None,
                }
            );
        }
    }

    #[test]
    fn a_failure_signs_out_and_says_why() {
        let after =
            signed_in_as("alice").apply(AuthAction::Failed(AuthError::StateMismatch.into()));
        assert_eq!(after.status, AuthStatus::SignedOut);
        assert_eq!(
            after.notice,
            Some(Notice::Error(AuthError::StateMismatch.into()))
        );
        assert_eq!(after.return_to, None);
    }

    #[test]
    fn renewing_keeps_the_session_and_drops_the_old_notice() {
        let before = signed_in_as("alice");
        let after = renewing(before.clone());
        assert!(after.renewing);
        assert_eq!(after.status, before.status);
        assert_eq!(after.notice, None);
        assert_eq!(after.return_to, before.return_to);
    }

    #[test]
    fn a_notice_ends_the_renewal_and_keeps_the_session() {
        let before = renewing(signed_in_as("alice"));
        let error = Notice::Error(AppError::PopupClosed);
        let after = before.clone().apply(AuthAction::Notice(error.clone()));
        assert!(!after.renewing);
        assert_eq!(after.status, before.status);
        assert_eq!(after.notice, Some(error));
    }

    #[test]
    fn another_tabs_sign_out_signs_this_tab_out_only_when_signed_in() {
        let after = signed_in_as("alice").apply(AuthAction::SignedOutElsewhere);
        assert_eq!(after.status, AuthStatus::SignedOut);
        assert_eq!(
            after.notice,
            Some(Notice::Info(
                "You signed out in another tab, so this tab signed out too."
            ))
        );
        for status in [
            AuthStatus::Starting,
            AuthStatus::Verifying,
            AuthStatus::WaitingForPopup,
            AuthStatus::SignedOut,
            AuthStatus::SigningOut,
        ] {
            let before = state(status);
            let after = before.clone().apply(AuthAction::SignedOutElsewhere);
            assert!(Rc::ptr_eq(&before, &after), "{:?}", before.status);
        }
    }

    #[test]
    fn a_refresh_replaces_the_session_of_the_same_person() {
        let fresh = person("alice", "refreshed");
        let after = renewing(signed_in_as("alice")).apply(AuthAction::Refreshed(fresh.clone()));
        assert_eq!(after.status, AuthStatus::SignedIn(fresh));
        assert!(!after.renewing);
        assert_eq!(
            after.notice,
            Some(Notice::Info(
                "Session renewed with the refresh token, without a window or a question."
            ))
        );
    }

    #[test]
    fn a_late_refresh_is_ignored_after_sign_out_or_for_another_person() {
        for before in [
            signed_in_as("bob"),
            state(AuthStatus::SignedOut),
            state(AuthStatus::SigningOut),
        ] {
            let after = before
                .clone()
                .apply(AuthAction::Refreshed(person("alice", "refreshed")));
            assert!(Rc::ptr_eq(&before, &after), "{:?}", before.status);
        }
    }

    #[test]
    fn a_failed_refresh_drops_the_refresh_token_and_keeps_the_session() {
        let before = signed_in_as("alice");
        let after =
            renewing(before.clone()).apply(AuthAction::RefreshFailed(AppError::PopupClosed));
        let AuthStatus::SignedIn(kept) = &after.status else {
            panic!("signed out by a failed refresh: {:?}", after.status);
        };
        let AuthStatus::SignedIn(current) = &before.status else {
            unreachable!()
        };
        assert_eq!(kept.refresh, None);
        assert_eq!(kept.session, current.session);
        assert!(!after.renewing);
        assert_eq!(
            after.notice,
            Some(Notice::Error(AppError::RefreshFailed(Box::new(
                AppError::PopupClosed
            ))))
        );
    }

    #[test]
    fn a_failed_refresh_is_ignored_once_signed_out() {
        let before = state(AuthStatus::SignedOut);
        let after = before
            .clone()
            .apply(AuthAction::RefreshFailed(AppError::PopupClosed));
        assert!(Rc::ptr_eq(&before, &after));
    }
}
