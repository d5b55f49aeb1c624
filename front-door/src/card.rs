//! The signed-out card of index.html's first paint, made to work: its button becomes the
//! app's Sign in (same classes, same label, the same place), and for Google "Use another
//! account" goes beside it, as `src/ui/components/signed_out.rs` renders them; the app's
//! explanation below them comes with the app. The app replaces all of it when it takes over.

use browser_oauth::auth::start::sign_in_label;
use browser_oauth::browser::handoff::Door;
use js_sys::Promise;
use oauth::ClientConfig;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// The card's two ways in, once they work.
pub struct Card {
    sign_in: Element,
    another: Option<Element>,
}

fn document() -> Option<Document> {
    web_sys::window()?.document()
}

fn element(document: &Document, tag: &str, class: &str) -> Option<Element> {
    let element = document.create_element(tag).ok()?;
    element.set_class_name(class);
    Some(element)
}

fn on_click(target: &Element, door: Door, knock: fn(Door)) {
    let listener = Closure::<dyn FnMut()>::new(move || knock(door));
    let _ = target.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
    // The buttons live until the app replaces the page; so does their listener.
    listener.forget();
}

impl Card {
    /// Turns the first paint's "Starting…" into Sign in for `config`; `None` when the page has
    /// no such card (the app then shows what it shows).
    pub fn open(config: &ClientConfig, hint: Option<&str>, knock: fn(Door)) -> Option<Card> {
        let document = document()?;
        let card = document.query_selector("main .card.signed-out").ok()??;
        let sign_in = card.query_selector("button").ok()??;
        // Usable first, then labelled: whoever watches the card sees it ready with its label.
        sign_in.remove_attribute("disabled").ok()?;
        sign_in.set_text_content(None);
        if config.quirks.google {
            let mark = element(&document, "span", "g-mark")?;
            mark.set_attribute("aria-hidden", "true").ok()?;
            mark.set_text_content(Some("G"));
            sign_in.append_child(&mark).ok()?;
        }
        let label = document.create_text_node(&sign_in_label(config, hint));
        sign_in.append_child(&label).ok()?;
        on_click(&sign_in, Door::SignIn, knock);
        let another = match config.quirks.account_chooser {
            true => {
                let another = element(&document, "button", "button big secondary")?;
                another.set_text_content(Some("Use another account"));
                on_click(&another, Door::AnotherAccount, knock);
                card.insert_before(&another, sign_in.next_sibling().as_ref())
                    .ok()?;
                Some(another)
            }
            false => None,
        };
        card.remove_attribute("aria-busy").ok()?;
        Some(Card { sign_in, another })
    }

    /// Which of the buttons has the keyboard focus, for the app to give it back.
    pub fn focused(&self) -> Option<Door> {
        let active = document()?.active_element()?;
        if active == self.sign_in {
            Some(Door::SignIn)
        } else if self.another.as_ref() == Some(&active) {
            Some(Door::AnotherAccount)
        } else {
            None
        }
    }
}

/// Turns on the rest of the page's styles (index.html's disabled stylesheet link, style.css),
/// for the app about to take over: a promise that settles once they are in (or failed: the app
/// is not held back for them).
pub fn enable_styles() -> Promise {
    let link = document().and_then(|d| {
        d.query_selector("link[rel=stylesheet][disabled]")
            .ok()
            .flatten()
    });
    let Some(link) = link else {
        return Promise::resolve(&JsValue::UNDEFINED);
    };
    let settled = Promise::new(&mut |resolve, _| {
        let done = Closure::once_into_js(move || resolve.call0(&JsValue::NULL));
        for event in ["load", "error"] {
            let _ = link.add_event_listener_with_callback(event, done.unchecked_ref());
        }
    });
    let _ = link.remove_attribute("disabled");
    settled
}

/// Inside the sign-in popup, for the moment before it closes: the page's own frame, and what
/// is happening (as the app's busy card says it). The popup has no app, so the card itself is
/// the live region.
pub fn show_relaying() {
    if let Some(card) =
        show_busy("Handing the answer back to the page that asked. This window closes by itself.")
    {
        let _ = card.remove_attribute("aria-busy");
        let _ = card.set_attribute("aria-live", "polite");
    }
}

/// Back from the provider (or with a session to resume): the app's busy card at once, in the
/// app's words, rather than index.html's "You are signed out" while the answer waits for it.
pub fn show_checking() {
    if let Some(card) = show_busy("Checking the answer and the token…") {
        let _ = card.set_attribute("data-testid", "verifying");
    }
}

/// index.html's card made the busy card: a spinner and `words`.
fn show_busy(words: &str) -> Option<Element> {
    let document = document()?;
    let card = document.query_selector("main .card").ok()??;
    let spinner = element(&document, "span", "spinner")?;
    let text = element(&document, "p", "")?;
    spinner.set_attribute("aria-hidden", "true").ok()?;
    text.set_text_content(Some(words));
    card.set_class_name("card verifying");
    card.replace_children_with_node_2(&spinner, &text);
    Some(card)
}

/// The app cannot be loaded, and the answer it is to check waits here: the busy card says so
/// instead of spinning.
fn show_answer_kept(document: &Document) {
    let Ok(Some(card)) = document.query_selector("main .card.verifying") else {
        return;
    };
    if let Ok(Some(spinner)) = card.query_selector(".spinner") {
        spinner.remove();
    }
    let _ = card.remove_attribute("aria-busy");
    if let Ok(Some(text)) = card.query_selector("p") {
        text.set_text_content(Some(
            "The answer is kept in this tab, and checked as soon as the rest of the page has loaded.",
        ));
    }
}

/// The app could not be loaded: said above the card in words, with its code and "Try again"
/// (the shape of the app's own error notice). Shown once, however many loads failed.
pub fn show_load_failure(what: &str, reason: &str, retry: fn()) {
    let Some(document) = document() else { return };
    let Ok(Some(main)) = document.query_selector("main") else {
        return;
    };
    if let Ok(Some(old)) = main.query_selector(".notice.error") {
        old.remove();
    }
    let Some(notice) = notice(&document, what, reason) else {
        return;
    };
    let Some(again) = element(&document, "button", "button") else {
        return;
    };
    again.set_text_content(Some("Try again"));
    let listener = {
        let notice = notice.clone();
        Closure::<dyn FnMut()>::new(move || {
            notice.remove();
            retry();
        })
    };
    let _ = again.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref());
    listener.forget();
    let _ = notice.append_child(&again);
    let _ = main.insert_before(&notice, main.first_child().as_ref());
    show_answer_kept(&document);
}

fn notice(document: &Document, what: &str, reason: &str) -> Option<Element> {
    let notice = element(document, "div", "notice error")?;
    notice.set_attribute("role", "alert").ok()?;
    let message = element(document, "p", "notice-message")?;
    let mut words = String::from(what);
    words.push_str(" could not be loaded: it is a separate part of this page, and the browser could not get it (");
    words.push_str(reason);
    words.push_str("). Check the connection and try again.");
    message.set_text_content(Some(&words));
    let code = element(document, "p", "notice-code")?;
    code.set_text_content(Some("Error code: "));
    let value = document.create_element("code").ok()?;
    value.set_text_content(Some("module_load_failed"));
    code.append_child(&value).ok()?;
    notice.append_child(&message).ok()?;
    notice.append_child(&code).ok()?;
    Some(notice)
}
