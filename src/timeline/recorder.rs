//! The live record of this tab (the sign-in side's alone): every protocol step recorded as it
//! happens, secrets registered as they appear, the copy kept across a redirect, and the calls
//! that tell the inspector it changed.

use crate::browser::clock::now_ms;
use crate::browser::storage::{self, keys, Area};
use oauth::id_token_report::IdTokenReport;
use oauth::inspect::is_secret;
use oauth::json::Json;
use seam::timeline::{Entry, Field, HttpExchange, Snapshot, Step};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Default)]
struct Timeline {
    record: Snapshot,
    /// The copies kept across redirects (one JSON snapshot per line), not yet read: the front
    /// door only ever adds its line to them, the app reads them all ([`restore`]).
    earlier: Option<String>,
    listeners: Vec<(usize, Rc<dyn Fn()>)>,
    next_listener: usize,
}

thread_local! {
    /// The stored copies are taken from sessionStorage once, as text: reading them is the
    /// app's ([`restore`]); the front door, which records only its authorization request,
    /// carries no reader for them.
    static TIMELINE: RefCell<Timeline> = RefCell::new(Timeline {
        earlier: storage::take(Area::Session, keys::TIMELINE),
        ..Timeline::default()
    });
}

/// Entries from before a full-page redirect (and the front door's, on this page) come first,
/// then whatever this module has recorded; numbered anew in that order, within the budget. The
/// app calls it when it takes the page over, before it records anything itself.
pub fn restore() {
    TIMELINE.with(|t| {
        let mut t = t.borrow_mut();
        let earlier = t.earlier.take().unwrap_or_default();
        let mut merged = Snapshot::default();
        let copies = earlier.lines().filter_map(Snapshot::from_json);
        for copy in copies.chain([std::mem::take(&mut t.record)]) {
            merged.entries.extend(copy.entries);
            merged.dropped += copy.dropped;
            for secret in copy.secrets {
                if !merged.secrets.contains(&secret) {
                    merged.secrets.push(secret);
                }
            }
        }
        // Numbered on from the ones let go before, so the newest's id still counts them all.
        let first = merged.dropped;
        for (i, entry) in merged.entries.iter_mut().enumerate() {
            entry.id = first + i;
        }
        merged.keep_within_budget();
        t.record = merged;
    });
    record_front_door_note();
    notify();
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
        let secrets = &mut t.borrow_mut().record.secrets;
        if !secrets.iter().any(|(_, v)| v == value) {
            secrets.push((kind.to_owned(), value.to_owned()));
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
    let at_ms = now_ms();
    let entry = Entry {
        id: 0,
        at_ms,
        step,
        title: title.to_owned(),
        fields,
        passed,
        detail,
        http,
        id_token: None,
    };
    record_at(at_ms, entry)
}

/// The check of an ID token, with the token taken apart as it was verified.
pub fn id_token_check(title: &str, passed: bool, detail: String, report: IdTokenReport) {
    let at_ms = now_ms();
    record_at(
        at_ms,
        Entry {
            id: 0,
            at_ms,
            step: Step::Check,
            title: title.to_owned(),
            fields: Vec::new(),
            passed: Some(passed),
            detail: Some(detail),
            http: None,
            id_token: Some(report),
        },
    );
}

/// Adds `entry` as it happened at `at_ms`, numbered after the last one.
fn record_at(at_ms: u64, mut entry: Entry) -> usize {
    for field in &entry.fields {
        secret_if_named(&field.name, &field.value);
    }
    let id = TIMELINE.with(|t| {
        let record = &mut t.borrow_mut().record;
        let id = record.entries.last().map_or(0, |e| e.id + 1);
        entry.id = id;
        entry.at_ms = at_ms;
        entry.cut_long_bodies(&record.secrets);
        record.entries.push(entry);
        record.keep_within_budget();
        id
    });
    notify();
    id
}

/// Where an authorization request is put on the record as the tab sends it: on the app's
/// timeline ([`Inspector`]), or, from the front door, which has no inspector, in a note the app
/// records when it takes the page over ([`NoteForApp`]). The start of a sign-in is the same
/// code in both (`auth::start`); only this differs.
pub trait RequestLog {
    /// The request to `endpoint` with `query` (its form-encoded parameters) is being sent.
    fn sent(&self, endpoint: &str, query: &str);
    /// This tab is about to leave the page: what is on the record must outlive it.
    fn leaving(&self);
}

/// The app's timeline.
pub struct Inspector;

impl RequestLog for Inspector {
    fn sent(&self, endpoint: &str, query: &str) {
        record_request(endpoint, query, now_ms());
    }

    fn leaving(&self) {
        save_before_leaving();
    }
}

/// The front door's note of the request it sent, in sessionStorage (a redirect leaves the
/// page; a popup is followed by the app): `at_ms`, the endpoint and the query, one per line.
pub struct NoteForApp;

impl RequestLog for NoteForApp {
    fn sent(&self, endpoint: &str, query: &str) {
        let mut note = now_ms().to_string();
        for line in [endpoint, query] {
            note.push('\n');
            note.push_str(line);
        }
        let _ = storage::set(Area::Session, keys::SENT_REQUEST, &note);
    }

    fn leaving(&self) {}
}

fn record_request(endpoint: &str, query: &str, at_ms: u64) {
    record_at(
        at_ms,
        Entry {
            id: 0,
            at_ms,
            step: Step::AuthorizationRequest,
            title: "The page sends you to the authorization endpoint".into(),
            fields: parameters(query),
            passed: None,
            detail: Some(format!("GET {endpoint}")),
            http: None,
            id_token: None,
        },
    );
}

/// The request the front door sent, if it left a note: recorded now, at its time.
fn record_front_door_note() {
    let Some(note) = storage::take(Area::Session, keys::SENT_REQUEST) else {
        return;
    };
    let mut lines = note.splitn(3, '\n');
    if let (Some(at_ms), Some(endpoint), Some(query)) = (
        lines.next().and_then(|at| at.parse().ok()),
        lines.next(),
        lines.next(),
    ) {
        record_request(endpoint, query, at_ms);
    }
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

/// The fields of a form-encoded text (a query or a fragment).
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
        secret_if_named(&name, &value);
    }
}

/// Registers the secrets among a JSON answer's top-level strings (a token endpoint's tokens).
pub fn secrets_in_json(text: &str) {
    let Ok(object) = Json::parse_object(text) else {
        return;
    };
    for name in object.names() {
        if let Some(Json::String(value)) = object.get(name) {
            secret_if_named(name, value);
        }
    }
}

/// A parameter's value is a secret when its name says so (`access_token`, `code`, …).
fn secret_if_named(name: &str, value: &str) {
    if is_secret(name) {
        secret(&name.replace('_', " "), value);
    }
}

/// The record as it is now.
pub fn snapshot() -> Snapshot {
    TIMELINE.with(|t| t.borrow().record.clone())
}

/// Keeps the timeline across a full-page redirect (or a handover to the app): this record as
/// one more line after the copies not yet read. Access tokens are hidden for good in the stored
/// copy (sessionStorage must never hold a token the settings keep in memory).
pub fn save_before_leaving() {
    TIMELINE.with(|t| {
        let t = t.borrow();
        let record = &t.record;
        let (state, tokens): (Vec<_>, Vec<_>) = record
            .secrets
            .iter()
            .cloned()
            .partition(|(k, _)| k == "state");
        // Within the budget like the record it copies; the next page's restore() checks again.
        let stored = Snapshot {
            entries: record.entries.clone(),
            secrets: state,
            dropped: record.dropped,
        };
        let mut text = t.earlier.clone().map(|e| e + "\n").unwrap_or_default();
        text.push_str(
            &Snapshot {
                secrets: tokens,
                ..Snapshot::default()
            }
            .redact(&stored.to_json()),
        );
        let _ = storage::set(Area::Session, keys::TIMELINE, &text);
    });
}

/// Forgets everything (sign-out starts a clean record after its own steps are shown).
pub fn clear() {
    TIMELINE.with(|t| {
        let mut t = t.borrow_mut();
        t.record = Snapshot::default();
        t.earlier = None;
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

/// Ends a [`subscribe`] when dropped.
pub struct Subscription(usize);

impl Drop for Subscription {
    fn drop(&mut self) {
        TIMELINE.with(|t| t.borrow_mut().listeners.retain(|(id, _)| *id != self.0));
    }
}
