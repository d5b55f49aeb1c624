use crate::browser::focus::focus_first;
use crate::ui::auth_context::{use_auth, AuthState, AuthStatus, Notice};
use crate::ui::hooks::use_now;
use yew::prelude::*;

/// Where focus goes when the page settles after a wait (the redirect back, a popup, sign-out):
/// the alert if there is one, else the new state's main heading; with Tasks or Calendar still
/// loading, the view's tab. The element that had focus (a button) is gone by then.
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
    let who = if auth.config.google {
        "Google"
    } else {
        "the provider"
    };
    let message = announcement(&auth.state, now, auth.config.renew_lead_secs, who);
    let phase = Phase::of(&auth.state.status);
    let previous = use_mut_ref(|| None::<Phase>);
    use_effect_with(phase, move |phase| {
        let was = previous.borrow_mut().replace(*phase);
        if was == Some(Phase::Busy) && *phase != Phase::Busy {
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

/// What the live region says in `state`. Nothing while busy: the card on screen says it, and
/// an empty region makes the next message a change.
fn announcement(state: &AuthState, now: u64, lead_secs: u64, who: &str) -> String {
    let info = match &state.notice {
        Some(Notice::Info(text)) => Some(*text),
        _ => None,
    };
    match &state.status {
        AuthStatus::SignedIn(signed_in) => {
            let arrived = info.map_or_else(
                || format!("Signed in as {}.", signed_in.user.display_name()),
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
        _ => String::new(),
    }
}
