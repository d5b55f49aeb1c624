//! Sign-in and renewal in a popup, so the page (and whatever the person was doing) stays put.
//! The popup lands on this page's URL and relays the raw fragment back (postMessage to its
//! opener, and a BroadcastChannel for when COOP has cut `window.opener`); this tab makes every
//! check itself with the pending state it kept.

use super::flow;
use super::start::{self, Ask, Outgoing};
use super::{session_store, SignedIn};
use crate::browser::channel::{Channel, WindowMessages};
use crate::browser::clock::now_ms;
use crate::browser::handoff::OpenPopup;
use crate::browser::popup::{has_focus, Popup};
use crate::error::AppError;
use crate::timeline::{Inspector, RequestLog};
use futures_channel::oneshot;
use gloo_timers::callback::Interval;
#[cfg(feature = "other-providers")]
use oauth::par::PushedRequest;
use oauth::renewal::{needs_interaction, ChannelMessage};
use oauth::ClientConfig;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// How long a popup must stay "closed" before the attempt gives up: a relayed answer may still
/// be in flight when the popup closes itself.
const CLOSED_GRACE_MS: u64 = 1_000;

thread_local! {
    /// Whether an attempt is waiting for its popup, so the late-answer path leaves it alone.
    static WAITING: Cell<bool> = const { Cell::new(false) };
}

/// True while an attempt in this tab is waiting for its popup's answer.
pub fn attempt_waiting() -> bool {
    WAITING.with(Cell::get)
}

/// A popup on its way to the authorization server.
pub struct PopupAttempt {
    popup: Popup,
    state: String,
    silent: bool,
    /// What was asked for, asked again if a silent attempt has to go on interactively.
    scopes: Vec<String>,
    /// Answers relayed before this module listened (the front door's popup, see
    /// [`PopupAttempt::adopt`]): `(from the popup's postMessage, text)`.
    early: Vec<(bool, String)>,
    /// A request still to push (RFC 9126): the popup waits on a blank page meanwhile.
    #[cfg(feature = "other-providers")]
    push: Option<PushedRequest>,
}

/// Opens the popup asking for `scopes` (the configured ones to sign in or renew; more for
/// incremental authorization). Must run synchronously inside the click handler: browsers allow
/// popups only in answer to a gesture. `ask` says how: `prompt=none` for renewal, the account
/// chooser for "Use another account".
pub fn open(
    config: &ClientConfig,
    scopes: &[String],
    ask: Ask,
    login_hint: Option<&str>,
    log: &impl RequestLog,
) -> Result<PopupAttempt, AppError> {
    let silent = ask == Ask::Silently;
    let pending = ask.apply(start::new_pending(config, scopes)?);
    let (outgoing, pending) = start::prepare_request(config, pending, login_hint, log)?;
    let first = match &outgoing {
        Outgoing::Redirect(url) => url.as_str(),
        // A push is answered after the click, but the popup must open inside it: it opens
        // blank (this origin's empty document) and is sent on once the provider has answered.
        #[cfg(feature = "other-providers")]
        Outgoing::Push(_) => "about:blank",
    };
    match Popup::open(first)? {
        Some(popup) => Ok(PopupAttempt {
            popup,
            state: pending.state,
            silent,
            scopes: scopes.to_vec(),
            early: Vec::new(),
            #[cfg(feature = "other-providers")]
            push: outgoing.into_push(),
        }),
        None => {
            session_store::forget_pending();
            Err(AppError::PopupBlocked)
        }
    }
}

impl PopupAttempt {
    /// What the app needs to go on waiting for this popup, once it takes the page over from the
    /// front door (which opened it inside the click). A sign-in popup is never a silent one.
    pub fn hand_over(self, messages: Vec<(bool, String)>) -> OpenPopup {
        OpenPopup {
            window: self.popup.window().clone(),
            state: self.state,
            scopes: self.scopes,
            messages,
        }
    }

    /// The popup's window (the front door tells its messages from others' by it).
    pub fn window(&self) -> &web_sys::Window {
        self.popup.window()
    }

    /// Goes on waiting for a popup the front door opened.
    pub fn adopt(open: OpenPopup) -> PopupAttempt {
        PopupAttempt {
            popup: Popup::from_window(open.window),
            state: open.state,
            silent: false,
            scopes: open.scopes,
            early: open.messages,
            // The front door opens popups for Google-shaped configs alone: nothing to push.
            #[cfg(feature = "other-providers")]
            push: None,
        }
    }

    /// Waits for the answer and checks it like a redirect's. A silent attempt answered with
    /// "needs interaction" goes on interactively in the same popup.
    pub async fn finish(
        mut self,
        config: &ClientConfig,
        login_hint: Option<&str>,
    ) -> Result<SignedIn, AppError> {
        #[cfg(feature = "other-providers")]
        if let Some(push) = self.push.take() {
            if !self.push_then_go(config, &push).await? {
                session_store::forget_pending();
                return Err(AppError::PopupClosed);
            }
        }
        loop {
            let early = std::mem::take(&mut self.early)
                .into_iter()
                .find_map(|(direct, text)| answer_to(&self.state, direct, &text));
            let fragment = match early {
                Some(fragment) => fragment,
                None => wait_for_answer(&self.popup, &self.state).await?,
            };
            match flow::complete_sign_in(config, &fragment).await {
                Err(AppError::Auth(error)) if self.silent && needs_interaction(&error) => {
                    let pending = start::new_pending(config, &self.scopes)?;
                    let (outgoing, pending) =
                        start::prepare_request(config, pending, login_hint, &Inspector)?;
                    let went = match outgoing {
                        Outgoing::Redirect(url) => self.popup.navigate(&url),
                        #[cfg(feature = "other-providers")]
                        Outgoing::Push(push) => self.push_then_go(config, &push).await?,
                    };
                    if !went {
                        session_store::forget_pending();
                        return Err(AppError::Auth(error));
                    }
                    self.state = pending.state;
                    self.silent = false;
                }
                outcome => {
                    self.popup.close();
                    return outcome;
                }
            }
        }
    }
}

#[cfg(feature = "other-providers")]
impl PopupAttempt {
    /// Sends the popup to the authorization endpoint once the provider has answered `push`;
    /// false if the popup is gone. A failed push closes it: the error is this tab's to show.
    async fn push_then_go(
        &self,
        config: &ClientConfig,
        push: &PushedRequest,
    ) -> Result<bool, AppError> {
        match super::par::destination(config, push).await {
            Ok(url) => Ok(self.popup.navigate(&url)),
            Err(error) => {
                self.popup.close();
                session_store::forget_pending();
                Err(error)
            }
        }
    }
}

/// Resolves with the fragment the popup relays ([`answer_to`] decides which), or `PopupClosed`.
async fn wait_for_answer(popup: &Popup, state: &str) -> Result<String, AppError> {
    struct Waiting;
    impl Drop for Waiting {
        fn drop(&mut self) {
            WAITING.with(|w| w.set(false));
        }
    }
    WAITING.with(|w| w.set(true));
    let _waiting = Waiting;
    let (sender, receiver) = oneshot::channel::<Result<String, AppError>>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let deliver = move |outcome: Result<String, AppError>| {
        // The first of postMessage, channel and watcher wins; the others find nothing to send.
        if let Some(sender) = sender.borrow_mut().take() {
            let _ = sender.send(outcome);
        }
    };
    let _direct = WindowMessages::listen({
        let (popup, deliver, expected) = (popup.clone(), deliver.clone(), state.to_owned());
        move |source, text| {
            if popup.is_source(&source) {
                if let Some(fragment) = answer_to(&expected, true, &text) {
                    deliver(Ok(fragment));
                }
            }
        }
    })?;
    let _broadcast = Channel::open({
        let (expected, deliver) = (state.to_owned(), deliver.clone());
        move |text| {
            if let Some(fragment) = answer_to(&expected, false, &text) {
                deliver(Ok(fragment));
            }
        }
    })?;
    let closed_since = Rc::new(Cell::new(None::<u64>));
    let _watcher = Interval::new(250, {
        let popup = popup.clone();
        move || {
            // COOP on the provider's page makes Chrome report an open popup as closed. Only a
            // popup reported closed while this page has the focus (the person came back here)
            // counts; an answer relayed later is still taken (see `late_answer`).
            if !popup.is_closed() || !has_focus() {
                closed_since.set(None);
                return;
            }
            let since = closed_since.get().unwrap_or_else(now_ms);
            closed_since.set(Some(since));
            if now_ms() - since >= CLOSED_GRACE_MS {
                deliver(Err(AppError::PopupClosed));
            }
        }
    });
    receiver.await.unwrap_or(Err(AppError::PopupClosed))
}

/// The fragment `text` relays, if it answers the request with `state`: from the popup's own
/// postMessage any relayed answer counts, from the channel only one carrying that state.
fn answer_to(state: &str, from_popup: bool, text: &str) -> Option<String> {
    match ChannelMessage::from_json(text)? {
        ChannelMessage::AuthorizationResponse {
            state: relayed,
            fragment,
        } if from_popup || relayed.as_deref() == Some(state) => Some(fragment),
        _ => None,
    }
}

/// An answer relayed after its attempt gave up (COOP hid the popup, so it looked closed): if it
/// carries this tab's pending state and nothing else is waiting, finish the sign-in with it.
pub fn late_answer(text: &str) -> Option<String> {
    let Some(ChannelMessage::AuthorizationResponse {
        state: Some(state),
        fragment,
    }) = ChannelMessage::from_json(text)
    else {
        return None;
    };
    let pending_state = start::pending_state()?;
    (!attempt_waiting() && state == pending_state).then_some(fragment)
}
