//! The record of every protocol step this tab took, for the inspector: requests, the redirect
//! back, each check and its result, each HTTP exchange. Secrets are registered as they appear
//! and hidden wherever the timeline is shown or exported, until the person reveals them.

use crate::browser::clock::now_ms;
use crate::browser::storage::{self, keys, Area};
use oauth::inspect::{explain, is_secret, redact_all};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;

/// Which arrow of the sequence diagram a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    AuthorizationRequest,
    Redirect,
    Check,
    TokenInfo,
    UserInfo,
    Revocation,
    ApiCall,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub explanation: Option<String>,
    pub link: Option<String>,
}

impl Field {
    /// A protocol parameter, with its explanation when it is one we know.
    pub fn parameter(name: &str, value: &str) -> Self {
        let known = explain(name);
        Field {
            name: name.to_owned(),
            value: value.to_owned(),
            explanation: known.map(|e| e.text.to_owned()),
            link: known.map(|e| e.link.to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpExchange {
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<String>,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: usize,
    pub at_ms: u64,
    pub step: Step,
    pub title: String,
    pub fields: Vec<Field>,
    /// For checks: passed or not, and why.
    pub passed: Option<bool>,
    pub detail: Option<String>,
    pub http: Option<HttpExchange>,
}

#[derive(Default, Serialize, Deserialize)]
struct Timeline {
    entries: Vec<Entry>,
    /// `(kind, value)`: every secret seen so far.
    secrets: Vec<(String, String)>,
    #[serde(skip)]
    listeners: Vec<(usize, Rc<dyn Fn()>)>,
    #[serde(skip)]
    next_listener: usize,
}

thread_local! {
    static TIMELINE: RefCell<Timeline> = RefCell::new(restore());
}

/// Entries from before a full-page redirect come back from sessionStorage once.
fn restore() -> Timeline {
    storage::take(Area::Session, keys::TIMELINE)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn notify() {
    let listeners: Vec<Rc<dyn Fn()>> = TIMELINE.with(|t| {
        t.borrow()
            .listeners
            .iter()
            .map(|(_, l)| l.clone())
            .collect()
    });
    for listener in listeners {
        listener();
    }
}

/// Registers a secret to hide wherever it appears.
pub fn secret(kind: &str, value: &str) {
    if value.is_empty() {
        return;
    }
    TIMELINE.with(|t| {
        let mut t = t.borrow_mut();
        if !t.secrets.iter().any(|(_, v)| v == value) {
            t.secrets.push((kind.to_owned(), value.to_owned()));
        }
    });
}

/// Adds an entry and returns its id.
pub fn record(
    step: Step,
    title: &str,
    fields: Vec<Field>,
    passed: Option<bool>,
    detail: Option<String>,
    http: Option<HttpExchange>,
) -> usize {
    for field in &fields {
        if is_secret(&field.name) {
            secret(&field.name.replace('_', " "), &field.value);
        }
    }
    let id = TIMELINE.with(|t| {
        let mut t = t.borrow_mut();
        let id = t.entries.len();
        t.entries.push(Entry {
            id,
            at_ms: now_ms(),
            step,
            title: title.to_owned(),
            fields,
            passed,
            detail,
            http,
        });
        id
    });
    notify();
    id
}

/// A check made on the response or token, and its result.
pub fn check(title: &str, passed: bool, detail: impl Into<String>) {
    record(
        Step::Check,
        title,
        Vec::new(),
        Some(passed),
        Some(detail.into()),
        None,
    );
}

/// The fields of a form-encoded text (a query or a fragment), each explained.
pub fn parameters(encoded: &str) -> Vec<Field> {
    let encoded = encoded.trim_start_matches(['#', '?']);
    form_urlencoded::parse(encoded.as_bytes())
        .map(|(n, v)| Field::parameter(&n, &v))
        .collect()
}

/// Registers the secret parameters of a form-encoded body (a revocation's `token`, a token
/// info request's `access_token`).
pub fn secrets_in_form(encoded: &str) {
    for (name, value) in form_urlencoded::parse(encoded.as_bytes()) {
        if is_secret(&name) {
            secret(&name.replace('_', " "), &value);
        }
    }
}

pub fn entries() -> Vec<Entry> {
    TIMELINE.with(|t| t.borrow().entries.clone())
}

/// `text` with every registered secret hidden.
pub fn redact(text: &str) -> String {
    TIMELINE.with(|t| {
        let t = t.borrow();
        redact_all(
            text,
            t.secrets.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
    })
}

/// The whole timeline as JSON with every secret hidden: safe to attach to a bug report.
pub fn export_redacted() -> String {
    let entries = entries();
    redact(&serde_json::to_string_pretty(&entries).unwrap_or_default())
}

/// Keeps the timeline across a full-page redirect; access tokens are hidden for good in the
/// stored copy (sessionStorage must never hold a token the settings keep in memory).
pub fn save_before_leaving() {
    TIMELINE.with(|t| {
        let t = t.borrow();
        let tokens: Vec<(&str, &str)> = t
            .secrets
            .iter()
            .filter(|(k, _)| k != "state")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let stored = Timeline {
            secrets: t
                .secrets
                .iter()
                .filter(|(k, _)| k == "state")
                .cloned()
                .collect(),
            entries: Vec::new(),
            ..Timeline::default()
        };
        let mut text = serde_json::to_string(&Timeline {
            entries: t.entries.clone(),
            ..stored
        })
        .unwrap_or_default();
        text = redact_all(&text, tokens);
        let _ = storage::set(Area::Session, keys::TIMELINE, &text);
    });
}

/// Forgets everything (sign-out starts a clean record after its own steps are shown).
pub fn clear() {
    TIMELINE.with(|t| {
        let mut t = t.borrow_mut();
        t.entries.clear();
        t.secrets.clear();
    });
    storage::remove(Area::Session, keys::TIMELINE);
    notify();
}

/// Calls `listener` after every change until the returned guard is dropped.
pub fn subscribe(listener: Rc<dyn Fn()>) -> Subscription {
    let id = TIMELINE.with(|t| {
        let mut t = t.borrow_mut();
        let id = t.next_listener;
        t.next_listener += 1;
        t.listeners.push((id, listener));
        id
    });
    Subscription(id)
}

pub struct Subscription(usize);

impl Drop for Subscription {
    fn drop(&mut self) {
        TIMELINE.with(|t| t.borrow_mut().listeners.retain(|(id, _)| *id != self.0));
    }
}
