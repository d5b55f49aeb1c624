//! The record of every protocol step this tab took, for the inspector: requests, the redirect
//! back, each check and its result, each HTTP exchange. Secrets are registered as they appear
//! and hidden wherever the timeline is shown or exported, until the person reveals them.

use crate::browser::clock::now_ms;
use crate::browser::storage::{self, keys, Area};
use oauth::inspect::{explain, is_secret, redact_all};
use oauth::json::{Json, Object};
use std::cell::RefCell;
use std::rc::Rc;

/// Which arrow of the sequence diagram a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Discovery,
    AuthorizationRequest,
    Redirect,
    Check,
    TokenExchange,
    Keys,
    TokenInfo,
    UserInfo,
    Revocation,
    ApiCall,
}

impl Step {
    const ALL: [Step; 10] = [
        Step::Discovery,
        Step::AuthorizationRequest,
        Step::Redirect,
        Step::Check,
        Step::TokenExchange,
        Step::Keys,
        Step::TokenInfo,
        Step::UserInfo,
        Step::Revocation,
        Step::ApiCall,
    ];

    /// The name the diagram's `data-step` and the export use.
    pub fn name(self) -> &'static str {
        match self {
            Step::Discovery => "Discovery",
            Step::AuthorizationRequest => "AuthorizationRequest",
            Step::TokenExchange => "TokenExchange",
            Step::Keys => "Keys",
            Step::Redirect => "Redirect",
            Step::Check => "Check",
            Step::TokenInfo => "TokenInfo",
            Step::UserInfo => "UserInfo",
            Step::Revocation => "Revocation",
            Step::ApiCall => "ApiCall",
        }
    }

    fn from_name(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpExchange {
    pub method: String,
    pub url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: Option<String>,
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

#[derive(Default)]
struct Timeline {
    entries: Vec<Entry>,
    /// `(kind, value)`: every secret seen so far.
    secrets: Vec<(String, String)>,
    listeners: Vec<(usize, Rc<dyn Fn()>)>,
    next_listener: usize,
}

/// `[["name", "value"], …]`, as the export has always written pairs.
fn pairs_json(pairs: &[(String, String)]) -> Json {
    Json::Array(
        pairs
            .iter()
            .map(|(a, b)| Json::Array(vec![Json::string(a), Json::string(b)]))
            .collect(),
    )
}

fn pairs_from(value: Option<&Json>) -> Option<Vec<(String, String)>> {
    value?
        .as_array()?
        .iter()
        .map(|pair| match pair.as_array()? {
            [a, b] => Some((a.as_str()?.to_owned(), b.as_str()?.to_owned())),
            _ => None,
        })
        .collect()
}

impl Field {
    fn to_json(&self) -> Json {
        Json::object([
            ("name", Json::string(&self.name)),
            ("value", Json::string(&self.value)),
            ("explanation", Json::optional(self.explanation.as_deref())),
            ("link", Json::optional(self.link.as_deref())),
        ])
    }

    fn from_json(value: &Json) -> Option<Field> {
        let o = Object::from_members(value.clone())?;
        Some(Field {
            name: o.string("name").ok()??,
            value: o.string("value").ok()??,
            explanation: o.string("explanation").ok()?,
            link: o.string("link").ok()?,
        })
    }
}

impl HttpExchange {
    fn to_json(&self) -> Json {
        Json::object([
            ("method", Json::string(&self.method)),
            ("url", Json::string(&self.url)),
            ("request_headers", pairs_json(&self.request_headers)),
            ("request_body", Json::optional(self.request_body.as_deref())),
            ("status", self.status.map_or(Json::Null, Json::integer)),
            ("response_headers", pairs_json(&self.response_headers)),
            (
                "response_body",
                Json::optional(self.response_body.as_deref()),
            ),
        ])
    }

    fn from_json(value: &Json) -> Option<HttpExchange> {
        let o = Object::from_members(value.clone())?;
        Some(HttpExchange {
            method: o.string("method").ok()??,
            url: o.string("url").ok()??,
            request_headers: pairs_from(o.get("request_headers"))?,
            request_body: o.string("request_body").ok()?,
            status: o.integer("status").ok()?,
            response_headers: pairs_from(o.get("response_headers"))?,
            response_body: o.string("response_body").ok()?,
        })
    }
}

impl Entry {
    /// The entry as the export writes it.
    pub fn to_json(&self) -> Json {
        Json::object([
            ("id", Json::integer(self.id as u64)),
            ("at_ms", Json::integer(self.at_ms)),
            ("step", Json::string(self.step.name())),
            ("title", Json::string(&self.title)),
            (
                "fields",
                Json::Array(self.fields.iter().map(Field::to_json).collect()),
            ),
            ("passed", self.passed.map_or(Json::Null, Json::Bool)),
            ("detail", Json::optional(self.detail.as_deref())),
            (
                "http",
                self.http.as_ref().map_or(Json::Null, HttpExchange::to_json),
            ),
        ])
    }

    fn from_json(value: &Json) -> Option<Entry> {
        let o = Object::from_members(value.clone())?;
        Some(Entry {
            id: o.integer("id").ok()??,
            at_ms: o.integer("at_ms").ok()??,
            step: Step::from_name(&o.string("step").ok()??)?,
            title: o.string("title").ok()??,
            fields: match o.get("fields") {
                Some(fields) => fields
                    .as_array()?
                    .iter()
                    .map(Field::from_json)
                    .collect::<Option<_>>()?,
                None => Vec::new(),
            },
            passed: o.bool("passed").ok()?,
            detail: o.string("detail").ok()?,
            http: match o.get("http") {
                Some(http) => Some(HttpExchange::from_json(http)?),
                None => None,
            },
        })
    }
}

impl Timeline {
    /// What survives a redirect: the entries and the secrets to keep hiding.
    fn to_json(&self) -> String {
        Json::object([
            (
                "entries",
                Json::Array(self.entries.iter().map(Entry::to_json).collect()),
            ),
            ("secrets", pairs_json(&self.secrets)),
        ])
        .to_text()
    }

    fn from_json(text: &str) -> Option<Timeline> {
        let o = Json::parse_object(text).ok()?;
        Some(Timeline {
            entries: o
                .get("entries")?
                .as_array()?
                .iter()
                .map(Entry::from_json)
                .collect::<Option<_>>()?,
            secrets: pairs_from(o.get("secrets"))?,
            ..Timeline::default()
        })
    }
}

thread_local! {
    static TIMELINE: RefCell<Timeline> = RefCell::new(restore());
}

/// Entries from before a full-page redirect come back from sessionStorage once.
fn restore() -> Timeline {
    storage::take(Area::Session, keys::TIMELINE)
        .and_then(|text| Timeline::from_json(&text))
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
        secret_if_named(&field.name, &field.value);
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
    redact(&Json::Array(entries.iter().map(Entry::to_json).collect()).to_pretty_text())
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
        let mut text = Timeline {
            entries: t.entries.clone(),
            ..stored
        }
        .to_json();
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
