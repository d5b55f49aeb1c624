//! The front door: the first module the page runs, and until the app has loaded the only one.
//! No Yew: web-sys, the `oauth` core, and the library's browser adapters and sign-in start
//! (built without its `ui` feature). It does only what must happen before the app is needed:
//!
//! 1. takes any authorization answer out of the URL before anything else runs (RFC 9700
//!    §4.3.2), and keeps it in memory for the app;
//! 2. inside a sign-in popup, relays that answer to the tab that asked, and closes;
//! 3. on the signed-out page, turns index.html's "Starting…" into a working Sign in (and "Use
//!    another account") and starts the sign-in on a click with `auth::start`, the code the app
//!    uses for its own clicks;
//! 4. loads the app: at once when there is an answer to check, a session to resume, a provider
//!    sign-out to finish, or a config.json it does not handle (none, a broken one, another
//!    provider's); otherwise once the page is idle, so that it is in the HTTP cache when the
//!    person comes back from the provider. The app then takes the page over with what this
//!    module holds (`browser::handoff`).

mod card;

use browser_oauth::auth::popup::PopupAttempt;
use browser_oauth::auth::relay;
use browser_oauth::auth::start::{self, Ask, Started};
use browser_oauth::browser::channel::{Channel, WindowMessages};
use browser_oauth::browser::handoff::{Door, Handoff};
use browser_oauth::browser::modules::{self, Module, APP_ANY_PROVIDER, APP_GOOGLE};
use browser_oauth::browser::storage::{self, keys, Area};
use browser_oauth::browser::{crypto, location, popup};
use browser_oauth::config_source::ConfigSource;
use browser_oauth::timeline::NoteForApp;
use card::Card;
use js_sys::{Function, Promise, Reflect};
use oauth::base64url;
use oauth::checked_config::{CheckedConfig, META_NAME};
use oauth::ClientConfig;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};

// dlmalloc is about 7 KB of this module; a free-list allocator a few hundred bytes. The
// front door makes few, small allocations before the app takes over (and none after).
// SAFETY: a wasm32-unknown-unknown module without threads is single threaded.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// How long the signed-out page waits for an idle moment before it loads the app anyway.
const IDLE_TIMEOUT_MS: u32 = 2_000;

/// What this module holds until the app takes the page over.
struct Held {
    answer: Option<String>,
    config: ConfigSource,
    /// The config Sign in starts with, while the card's buttons work here.
    door: Option<Rc<ClientConfig>>,
    app: Module,
    /// The load under way: one promise, whoever asked first (the idle moment, a popup).
    load: Option<Promise>,
    /// The rest of the page's styles, turned on with the load (once).
    styles: Option<Promise>,
    card: Option<Card>,
    popup: Option<OpenedHere>,
    click: Option<Door>,
}

/// A sign-in popup opened from here, and what it relayed before the app listened.
struct OpenedHere {
    attempt: PopupAttempt,
    messages: Rc<RefCell<Vec<(bool, String)>>>,
    _direct: Option<WindowMessages>,
    _channel: Option<Channel>,
}

thread_local! {
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

fn main() {
    // Before anything else: the token leaves the address bar and history at once.
    let answer = location::take_authorization_response();
    if let Some(answer) = &answer {
        // Decided from the window (its name, its opener, its mark), never from storage.
        if popup::is_inside_popup() {
            relay::relay_to_opener(answer);
            card::show_relaying();
            return;
        }
    }
    spawn_local(arrive(answer));
}

async fn arrive(answer: Option<String>) {
    // Something to check or resume, or a provider's logout page coming back: the app's work.
    let logout = storage::get(Area::Session, keys::LOGOUT).is_some();
    let app_needed_now =
        answer.is_some() || storage::get(Area::Session, keys::SESSION).is_some() || logout;
    // The app that reads this tab's answers was noted when the request was sent: it loads
    // while config.json arrives, not after.
    let early = match app_needed_now {
        true => modules::noted_app().map(|app| (app, app.start_loading(), card::enable_styles())),
        false => None,
    };
    // The busy card says "checking"; a provider's logout coming back is the app's to word.
    if app_needed_now && !logout {
        card::show_checking();
    }
    let source = ConfigSource::fetch().await;
    let config = checked_config(&source).await;
    let app = match (&config, &source) {
        (Some(config), _) => modules::app_for(Some(config)),
        // A config.json the build did not check: the app for any provider reads every kind.
        (None, ConfigSource::Found(_)) => APP_ANY_PROVIDER,
        // None at all: the setup screen, which either app shows; the smaller one.
        (None, _) => APP_GOOGLE,
    };
    // Unless config.json now names another provider than it did then.
    let (load, styles) = match early {
        Some((noted, load, styles)) if noted == app => (Some(load), Some(styles)),
        Some((_, _, styles)) => (None, Some(styles)),
        None => (None, None),
    };
    let door = config
        .filter(|config| !app_needed_now && config.is_google_shaped())
        .map(Rc::new);
    let card = door.as_ref().and_then(|config| {
        let hint = storage::get(Area::Session, keys::LOGIN_HINT);
        Card::open(config, hint.as_deref(), knock)
    });
    let open = card.is_some();
    HELD.with(|held| {
        *held.borrow_mut() = Some(Held {
            answer,
            config: source,
            door: door.filter(|_| open),
            app,
            load,
            styles,
            card,
            popup: None,
            click: None,
        })
    });
    if open {
        modules::idle(IDLE_TIMEOUT_MS).await;
    }
    take_over_when_loaded().await;
}

/// The configuration the build checked (`oauth::checked_config`, in index.html) if config.json
/// is byte for byte the file it checked: then the Content-Security-Policy, written from the
/// same file, lets the page reach all it names. Anything else (no such meta tag, a file changed
/// since, none at all) is the app's to read and explain: never a Sign in that cannot work.
async fn checked_config(source: &ConfigSource) -> Option<ClientConfig> {
    let ConfigSource::Found(text) = source else {
        return None;
    };
    let checked = CheckedConfig::from_text(&page_meta(META_NAME)?)?;
    let sha256 = crypto::sha256(text.as_bytes()).await.ok()?;
    (base64url::encode(sha256) == checked.sha256).then_some(checked.config)
}

/// The `content` of the page's `<meta name=…>`.
fn page_meta(name: &str) -> Option<String> {
    let mut selector = String::from("meta[name=\"");
    selector.push_str(name);
    selector.push_str("\"]");
    web_sys::window()?
        .document()?
        .query_selector(&selector)
        .ok()??
        .get_attribute("content")
}

/// A click on one of the card's buttons: the same start of a sign-in as the app's. This tab
/// leaves, or a popup opens (inside the click) and the app is loaded at once to wait for it.
/// Anything the browser refuses is the app's to say: it takes over and does the click again.
fn knock(door: Door) {
    let Some(config) = HELD.with(|held| held.borrow().as_ref()?.door.clone()) else {
        return;
    };
    let ask = match door {
        Door::SignIn => Ask::Normally,
        Door::AnotherAccount => Ask::ForAnotherAccount,
    };
    // No inspector here: the request is noted for the app, which records it when it takes over.
    match start::sign_in(&config, config.display, ask, &NoteForApp) {
        // On its way: the door opens for Google-shaped configs alone, whose requests are never
        // pushed first (RFC 9126 is another provider's, and the app's).
        // This tab is leaving for the provider: an app that finishes loading meanwhile must not
        // take the page over, or it would take the note of the request with it (the timeline
        // it records that in goes with this page) and the inspector would lose the request.
        Ok(Started::Leaving(_)) => {
            HELD.with(|held| held.borrow_mut().take());
        }
        Ok(Started::InPopup(attempt)) => {
            let opened = listen_for(attempt);
            with_held(|held| held.popup = Some(opened));
            spawn_local(take_over_when_loaded());
        }
        Err(_) => {
            with_held(|held| held.click = Some(door));
            spawn_local(take_over_when_loaded());
        }
    }
}

/// Keeps whatever the popup relays (its postMessage, and the channel COOP leaves) until the
/// app listens itself; the app decides which of it answers the request.
fn listen_for(attempt: PopupAttempt) -> OpenedHere {
    let messages = Rc::new(RefCell::new(Vec::new()));
    let window = attempt.window().clone();
    let direct = WindowMessages::listen({
        let messages = messages.clone();
        move |source, text| {
            let from_popup = js_sys::Object::is(&source, window.as_ref());
            messages.borrow_mut().push((from_popup, text));
        }
    })
    .ok();
    let channel = Channel::open({
        let messages = messages.clone();
        move |text| messages.borrow_mut().push((false, text))
    })
    .ok();
    OpenedHere {
        attempt,
        messages,
        _direct: direct,
        _channel: channel,
    }
}

fn with_held(f: impl FnOnce(&mut Held)) {
    HELD.with(|held| {
        if let Some(held) = held.borrow_mut().as_mut() {
            f(held)
        }
    })
}

/// Loads the app (or waits for the load under way), then lets it take the page over with
/// what is held here. A load that fails says so on the card, with "Try again".
async fn take_over_when_loaded() {
    let Some(((promise, styles), app)) = HELD.with(|held| {
        let mut held = held.borrow_mut();
        let held = held.as_mut()?;
        let app = held.app;
        // The rest of the styles come beside the app, which renders with them in place.
        let styles = held.styles.get_or_insert_with(card::enable_styles).clone();
        let load = held.load.get_or_insert_with(|| app.start_loading()).clone();
        Some(((load, styles), app))
    }) else {
        return;
    };
    let loaded = JsFuture::from(promise).await;
    // Settles either way: a stylesheet that cannot load does not hold the app back.
    let _ = JsFuture::from(styles).await;
    let loaded = loaded
        .and_then(|module| Reflect::get(&module, &JsValue::from_str("take_over")))
        .and_then(|take_over| take_over.dyn_into::<Function>());
    // Only the first to get here takes over; what this module holds goes with it.
    let Some(held) = HELD.with(|held| held.borrow_mut().take()) else {
        return;
    };
    match loaded {
        Ok(take_over) => {
            // What the app does with it is the app's: it reports its own failures.
            let _ = take_over.call1(&JsValue::NULL, &handoff(held).to_js());
        }
        Err(error) => {
            // Held again, for "Try again" (which loads anew): nothing is lost, the answer neither.
            HELD.with(|h| *h.borrow_mut() = Some(Held { load: None, ..held }));
            card::show_load_failure(app.what, &reason(&error), || {
                spawn_local(take_over_when_loaded())
            });
        }
    }
}

/// A thrown value's message, for the person.
fn reason(error: &JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => error
            .as_string()
            .unwrap_or_else(|| "no reason given".into()),
    }
}

/// Everything held, for the app: the answer, config.json as it came, the popup with what it
/// relayed so far, and which button had the focus.
fn handoff(held: Held) -> Handoff {
    let focus = held.card.as_ref().and_then(Card::focused);
    let popup = held.popup.map(|opened| {
        let messages = opened.messages.take();
        opened.attempt.hand_over(messages)
    });
    Handoff {
        answer: held.answer,
        config: held.config,
        popup,
        focus,
        click: held.click,
    }
}
