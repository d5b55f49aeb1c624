use super::busy_label;
use crate::browser::focus::focus_first;
use crate::ui::auth_context::{use_auth, AuthState, AuthStatus, Notice};
use crate::ui::format::asked;
use seam::ui::use_now;
use yew::prelude::*;

/// Where focus goes when the page settles in a new state (after the redirect back, a popup,
/// sign-out here or in another tab, expiry): the alert if there is one, else the new state's
/// main heading; with Tasks or Calendar still loading, the view's tab. The element that had
/// focus (a button) is gone by then. Not on the first render: the page starts at its top.
const ARRIVAL_FOCUS: [&str; 4] = [
    "main [role=alert]",
    "main [data-testid=profile] h2",
    "main .signed-out h2",
    "main .tab.current",
];

/// The app's one polite live region, and focus after the page settles. The region's text is
/// derived from the auth state, so it changes (and is announced) once per status change: the
/// countdown's ticks re-render it with the same text, which leaves the DOM alone. Errors are
/// not repeated here: their `role="alert"` announces them.
#[component]
pub fn StatusAnnouncer() -> Html {
    let auth = use_auth();
    let now = use_now();
    let who = asked(&auth.config);
    let message = announcement(&auth.state, now, auth.config.renew_lead_secs, who);
    let phase = Phase::of(&auth.state.status);
    let previous = use_mut_ref(|| None::<Phase>);
    use_effect_with(phase, move |phase| {
        let was = previous.borrow_mut().replace(*phase);
        if was.is_some_and(|was| was != *phase) && *phase != Phase::Busy {
            focus_first(&ARRIVAL_FOCUS);
        }
    });
    html! {
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
            { message }
        </div>
    }
}

/// Waiting on the provider (or on storage at start), or settled in a state the person acts in.
#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Busy,
    SignedIn,
    SignedOut,
}

impl Phase {
    fn of(status: &AuthStatus) -> Self {
        match status {
            AuthStatus::SignedIn(_) => Phase::SignedIn,
            AuthStatus::SignedOut => Phase::SignedOut,
            _ => Phase::Busy,
        }
    }
}

/// What the live region says in `state`: while busy, what the page waits for (the card on
/// screen says the same).
fn announcement(state: &AuthState, now: u64, lead_secs: u64, who: &str) -> String {
    let info = match &state.notice {
        Some(Notice::Info(text)) => Some(*text),
        _ => None,
    };
    match &state.status {
        AuthStatus::SignedIn(signed_in) => {
            let arrived = info.map_or_else(
                || match &signed_in.user {
                    Some(user) => format!("Signed in as {}.", user.display_name()),
                    None => "Signed in; the provider did not say as whom.".to_owned(),
                },
                str::to_owned,
            );
            if state.renewing {
                format!("{arrived} Asking {who} in a small window…")
            } else if signed_in.session.renewal_due(now, lead_secs) {
                format!("{arrived} Your session ends soon: \"Stay signed in\" asks {who} again.")
            } else {
                arrived
            }
        }
        AuthStatus::SignedOut => info.unwrap_or_default().to_owned(),
        busy => busy_label(busy).unwrap_or_default().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::SignedIn;
    use crate::error::AppError;
    use oauth::{GrantedScopes, Session, UserInfo};
    use std::rc::Rc;

    const NOW: u64 = 1_000_000_000;
    const HOUR_MS: u64 = 3_600_000;

    fn state(status: AuthStatus, notice: Option<Notice>, renewing: bool) -> AuthState {
        AuthState {
            status,
            notice,
            renewing,
            return_to: None,
        }
    }

    fn ada() -> AuthStatus {
        AuthStatus::SignedIn(Rc::new(SignedIn {
            session: Session {
                access_token: "ya29.test".into(),
                expires_at_ms: NOW + HOUR_MS,
                granted_scopes: GrantedScopes::from_space_delimited("openid email"),
                subject: Some("1".into()),
                email: Some("ada@example.test".into()),
                token_type: oauth::dpop::TokenType::Bearer,
            },
            user: Some(UserInfo {
                sub: "1".into(),
                name: Some("Ada Lovelace".into()),
                given_name: None,
                family_name: None,
                picture: None,
                email: Some("ada@example.test".into()),
                email_verified: Some(true),
                hd: None,
            }),
            declined: vec![],
            refresh: None,
            id_token: None,
        }))
    }

    fn say(state: &AuthState, now: u64, lead_secs: u64) -> String {
        announcement(state, now, lead_secs, "Google")
    }

    #[test]
    fn signing_in_names_the_person_and_the_countdown_does_not_change_it() {
        let signed_in = state(ada(), None, false);
        assert_eq!(say(&signed_in, NOW, 300), "Signed in as Ada Lovelace.");
        assert_eq!(say(&signed_in, NOW + 1_000, 300), say(&signed_in, NOW, 300));
    }

    #[test]
    fn a_token_that_names_nobody_is_said_to_be_signed_in_without_a_name() {
        let AuthStatus::SignedIn(ada) = ada() else {
            unreachable!()
        };
        let nobody = AuthStatus::SignedIn(Rc::new(SignedIn {
            user: None,
            ..(*ada).clone()
        }));
        assert_eq!(
            say(&state(nobody, None, false), NOW, 300),
            "Signed in; the provider did not say as whom."
        );
    }

    #[test]
    fn renewal_due_is_said_without_the_seconds_left() {
        let signed_in = state(ada(), None, false);
        let due = say(&signed_in, NOW, 7_200);
        assert!(due.ends_with("Your session ends soon: \"Stay signed in\" asks Google again."));
        assert_eq!(say(&signed_in, NOW + 61_000, 7_200), due, "a minute later");
        let renewing = state(ada(), None, true);
        assert!(say(&renewing, NOW, 7_200).ends_with("Asking Google in a small window…"));
    }

    #[test]
    fn an_information_notice_is_said_and_an_error_is_left_to_its_alert() {
        let renewed = state(ada(), Some(Notice::Info("Session renewed.")), false);
        assert_eq!(say(&renewed, NOW, 300), "Session renewed.");
        let signed_out = state(
            AuthStatus::SignedOut,
            Some(Notice::Info("Signed out.")),
            false,
        );
        assert_eq!(say(&signed_out, NOW, 300), "Signed out.");
        let refused = state(
            AuthStatus::SignedOut,
            Some(Notice::Error(AppError::PopupBlocked)),
            false,
        );
        assert_eq!(say(&refused, NOW, 300), "");
        assert_eq!(
            say(&state(AuthStatus::SignedOut, None, false), NOW, 300),
            ""
        );
    }

    #[test]
    fn while_busy_it_says_what_the_page_waits_for() {
        let signing_out = state(AuthStatus::SigningOut, None, false);
        assert_eq!(
            say(&signing_out, NOW, 300),
            "Signing out and revoking the token…"
        );
        assert_eq!(
            say(&state(AuthStatus::Verifying, None, false), NOW, 300),
            "Checking the answer and the token…"
        );
    }
}
