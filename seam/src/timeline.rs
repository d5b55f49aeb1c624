//! What the timeline holds, as both sides see it: the steps, their fields and HTTP exchanges,
//! and the whole record at one moment ([`Snapshot`]), with its JSON codec (the copy kept across
//! a redirect, and what crosses to the inspector through the host), its budget and its
//! redaction. No browser here: the recorder (`browser_oauth::timeline::recorder`) is the sign-in side's, and the
//! inspector only ever reads snapshots.

use oauth::id_token_report::IdTokenReport;
use oauth::inspect::{explain, redact_all, Explanation};
use oauth::json::{Json, Object};
use oauth::retention::{self, oldest_to_drop};

/// Which arrow of the sequence diagram a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The provider's discovery document (OpenID Connect Discovery 1.0 §4).
    Discovery,
    /// RFC 9126: the authorization request's parameters pushed to the provider first.
    PushedAuthorizationRequest,
    /// The tab (or popup) sent to the authorization endpoint (RFC 6749 §4.1.1, §4.2.1).
    AuthorizationRequest,
    /// The provider's answer arriving in the URL: a fragment, or the code grant's query.
    Redirect,
    /// A check this page made of an answer or a token, passed or failed.
    Check,
    /// A call to the token endpoint: a code exchange (RFC 6749 §4.1.3) or a refresh (§6).
    TokenExchange,
    /// The provider's signing keys (`jwks_uri`), fetched to verify an ID token.
    Keys,
    /// Google's token info endpoint: whom the token was issued to, and its scopes.
    TokenInfo,
    /// The user info endpoint (OpenID Connect Core §5.3).
    UserInfo,
    /// Revoking the token at sign-out (RFC 7009).
    Revocation,
    /// A call to an API with the token (Tasks, Calendar, a request composed in the inspector).
    ApiCall,
}

impl Step {
    const ALL: [Step; 11] = [
        Step::Discovery,
        Step::PushedAuthorizationRequest,
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
            Step::PushedAuthorizationRequest => "PushedAuthorizationRequest",
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

/// A protocol parameter as it was sent or received. Its explanation is looked up where it is
/// shown ([`Field::explanation`]): the explanations are text the sign-in module does not carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The parameter's name (`state`, `code_challenge`), or a label such as "DPoP header".
    pub name: String,
    /// Its value as it went or came, secrets included: they are hidden where it is shown.
    pub value: String,
}

impl Field {
    /// A field named `name` holding `value`.
    pub fn parameter(name: &str, value: &str) -> Self {
        Field {
            name: name.to_owned(),
            value: value.to_owned(),
        }
    }

    /// What the parameter is for and where it is specified, when it is one we know.
    pub fn explanation(&self) -> Option<Explanation> {
        explain(&self.name)
    }
}

/// One HTTP request the page sent, and the answer if one came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpExchange {
    /// The method, as sent (`GET`, `POST`).
    pub method: String,
    /// The URL, query included.
    pub url: String,
    /// The headers as the page gave them to fetch (the token among them: hidden wherever the
    /// record is shown, as every secret is). What the browser adds itself is not here.
    pub request_headers: Vec<(String, String)>,
    /// What fetch was told besides (`credentials`, `cache`), in words.
    pub fetch_options: Vec<(String, String)>,
    /// The body sent; `None` for a request without one.
    pub request_body: Option<String>,
    /// The HTTP status; `None` when no answer came (a network failure, CORS or the CSP
    /// refusing it, or no DPoP proof could be made).
    pub status: Option<u16>,
    /// The response headers the browser exposes to script (CORS: the safelisted ones and
    /// those in `Access-Control-Expose-Headers`).
    pub response_headers: Vec<(String, String)>,
    /// The body received; `None` when no answer came. Long bodies are cut to the record's
    /// budget ([`Entry::cut_long_bodies`]).
    pub response_body: Option<String>,
}

/// One line of the timeline: a protocol step as it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its place in this tab's record, from 0, counting the entries let go
    /// ([`Snapshot::dropped`]); the inspector links to it as `#step-{id}`.
    pub id: usize,
    /// When it happened: milliseconds since the Unix epoch, by this browser's clock.
    pub at_ms: u64,
    /// Which arrow of the sequence diagram it is.
    pub step: Step,
    /// What happened, in a sentence: the entry's heading.
    pub title: String,
    /// The protocol parameters sent or received.
    pub fields: Vec<Field>,
    /// For checks: passed or not, and why.
    pub passed: Option<bool>,
    /// A note in words: why a check passed or failed, or what the page did with an answer.
    pub detail: Option<String>,
    /// The HTTP request and answer, for a step that made one; `None` for a redirect or a check.
    pub http: Option<HttpExchange>,
    /// For the check of an ID token: the token taken apart, as it was verified.
    pub id_token: Option<IdTokenReport>,
}

/// The whole record at one moment: what the inspector draws. The sign-in module keeps the live
/// one (`browser_oauth::timeline::record` and friends); the inspector, loaded later as its own module, gets copies
/// through the host (`crate::host`), as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The entries kept, oldest first.
    pub entries: Vec<Entry>,
    /// `(kind, value)`: every secret seen so far.
    pub secrets: Vec<(String, String)>,
    /// How many earlier entries were let go to keep within the budget.
    pub dropped: usize,
}

impl Field {
    /// With `explained`, the explanation and link as well (the export, made where they are).
    fn to_json(&self, explained: bool) -> Json {
        let known = explained.then(|| self.explanation()).flatten();
        let mut members = vec![
            ("name", Json::string(&self.name)),
            ("value", Json::string(&self.value)),
        ];
        if explained {
            members.push(("explanation", Json::optional(known.map(|e| e.text))));
            members.push(("link", Json::optional(known.map(|e| e.link))));
        }
        Json::object(members)
    }

    fn from_json(value: &Json) -> Option<Field> {
        let o = Object::from_members(value.clone())?;
        Some(Field {
            name: o.string("name").ok()??,
            value: o.string("value").ok()??,
        })
    }
}

impl HttpExchange {
    fn to_json(&self) -> Json {
        Json::object([
            ("method", Json::string(&self.method)),
            ("url", Json::string(&self.url)),
            ("request_headers", Json::pairs(&self.request_headers)),
            ("fetch_options", Json::pairs(&self.fetch_options)),
            ("request_body", Json::optional(self.request_body.as_deref())),
            ("status", self.status.map_or(Json::Null, Json::integer)),
            ("response_headers", Json::pairs(&self.response_headers)),
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
            request_headers: o.get("request_headers").and_then(Json::as_pairs)?,
            // Absent in copies stored before the record kept them apart.
            fetch_options: match o.get("fetch_options") {
                Some(options) => options.as_pairs()?,
                None => Vec::new(),
            },
            request_body: o.string("request_body").ok()?,
            status: o.integer("status").ok()?,
            response_headers: o.get("response_headers").and_then(Json::as_pairs)?,
            response_body: o.string("response_body").ok()?,
        })
    }
}

impl Entry {
    /// The bytes of its text: what the record's budget counts.
    fn size(&self) -> usize {
        let pairs = |pairs: &[(String, String)]| -> usize {
            pairs.iter().map(|(a, b)| a.len() + b.len()).sum()
        };
        let http = self.http.as_ref().map_or(0, |h| {
            h.method.len()
                + h.url.len()
                + pairs(&h.request_headers)
                + pairs(&h.fetch_options)
                + pairs(&h.response_headers)
                + h.request_body.as_ref().map_or(0, String::len)
                + h.response_body.as_ref().map_or(0, String::len)
        });
        self.title.len()
            + self
                .fields
                .iter()
                .map(|f| f.name.len() + f.value.len())
                .sum::<usize>()
            + self.detail.as_ref().map_or(0, String::len)
            + self
                .id_token
                .as_ref()
                .map_or(0, |r| r.to_json().to_text().len())
            + http
    }

    /// Request and response bodies beyond the budget's length cut, never inside one of
    /// `secrets` (so redaction still finds each whole).
    pub fn cut_long_bodies(&mut self, secrets: &[(String, String)]) {
        let Some(http) = &mut self.http else { return };
        let secrets: Vec<&str> = secrets.iter().map(|(_, v)| v.as_str()).collect();
        for body in [&mut http.request_body, &mut http.response_body]
            .into_iter()
            .flatten()
        {
            let max = retention::TIMELINE.body_chars;
            if let std::borrow::Cow::Owned(cut) = retention::cut(body, max, &secrets) {
                *body = cut;
            }
        }
    }

    /// The entry as the export writes it: each field with its explanation.
    pub fn to_json(&self) -> Json {
        self.to_json_explained(true)
    }

    fn to_json_explained(&self, explained: bool) -> Json {
        Json::object([
            ("id", Json::integer(self.id as u64)),
            ("at_ms", Json::integer(self.at_ms)),
            ("step", Json::string(self.step.name())),
            ("title", Json::string(&self.title)),
            (
                "fields",
                Json::Array(self.fields.iter().map(|f| f.to_json(explained)).collect()),
            ),
            ("passed", self.passed.map_or(Json::Null, Json::Bool)),
            ("detail", Json::optional(self.detail.as_deref())),
            (
                "http",
                self.http.as_ref().map_or(Json::Null, HttpExchange::to_json),
            ),
            (
                "id_token",
                self.id_token
                    .as_ref()
                    .map_or(Json::Null, IdTokenReport::to_json),
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
            id_token: match o.get("id_token") {
                Some(report) => Some(IdTokenReport::from_json(report)?),
                None => None,
            },
        })
    }
}

impl Snapshot {
    /// The record as JSON: what survives a redirect, and what crosses to the inspector.
    pub fn to_json(&self) -> String {
        Json::object([
            (
                "entries",
                Json::Array(
                    self.entries
                        .iter()
                        .map(|e| e.to_json_explained(false))
                        .collect(),
                ),
            ),
            ("secrets", Json::pairs(&self.secrets)),
            ("dropped", Json::integer(self.dropped as u64)),
        ])
        .to_text()
    }

    /// The record [`Snapshot::to_json`] wrote; `None` if the text is not one.
    pub fn from_json(text: &str) -> Option<Snapshot> {
        let o = Json::parse_object(text).ok()?;
        Some(Snapshot {
            entries: o
                .get("entries")?
                .as_array()?
                .iter()
                .map(Entry::from_json)
                .collect::<Option<_>>()?,
            secrets: o.get("secrets").and_then(Json::as_pairs)?,
            // Absent in copies stored before the record had a budget.
            dropped: o.integer("dropped").ok()?.unwrap_or(0),
        })
    }

    /// Lets the oldest entries go until the rest fits the budget, and counts them.
    pub fn keep_within_budget(&mut self) {
        let sizes: Vec<usize> = self.entries.iter().map(Entry::size).collect();
        let dropped = oldest_to_drop(&sizes, &retention::TIMELINE);
        self.entries.drain(..dropped);
        self.dropped += dropped;
    }

    /// `text` with every registered secret hidden.
    pub fn redact(&self, text: &str) -> String {
        redact_all(
            text,
            self.secrets.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        )
    }

    /// The whole timeline as JSON, each parameter explained, every secret hidden: safe to
    /// attach to a bug report.
    pub fn export_redacted(&self) -> String {
        self.redact(
            &Json::Array(self.entries.iter().map(Entry::to_json).collect()).to_pretty_text(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: usize, body: &str) -> Entry {
        Entry {
            id,
            at_ms: 0,
            step: Step::ApiCall,
            title: "GET".into(),
            fields: Vec::new(),
            passed: None,
            detail: None,
            id_token: None,
            http: Some(HttpExchange {
                method: "GET".into(),
                url: "https://tasks.googleapis.com/tasks/v1/users/@me/lists".into(),
                request_headers: Vec::new(),
                fetch_options: Vec::new(),
                request_body: None,
                status: Some(200),
                response_headers: Vec::new(),
                response_body: Some(body.into()),
            }),
        }
    }

    #[test]
    fn a_copy_stored_before_the_budget_reads_back_and_is_trimmed_to_the_newest() {
        let over = retention::TIMELINE.entries + 5;
        let record = Snapshot {
            entries: (0..over).map(|id| entry(id, "{}")).collect(),
            ..Snapshot::default()
        };
        let old_format = record.to_json().replace(",\"dropped\":0", "");
        assert!(!old_format.contains("dropped"));
        let mut restored = Snapshot::from_json(&old_format).unwrap();
        assert_eq!(restored.dropped, 0);
        restored.keep_within_budget();
        assert_eq!(restored.entries.len(), retention::TIMELINE.entries);
        assert_eq!(restored.entries[0].id, 5);
        assert_eq!(restored.dropped, 5);
        assert_eq!(Snapshot::from_json(&restored.to_json()), Some(restored));
    }

    #[test]
    fn a_long_body_is_cut_but_a_secret_in_it_is_never_split() {
        let token = "ya29.a-token-that-straddles-the-cut";
        let body = format!(
            "{}{token}{}",
            "a".repeat(retention::TIMELINE.body_chars - 5),
            "b".repeat(100)
        );
        let mut e = entry(0, &body);
        e.cut_long_bodies(&[("access token".into(), token.into())]);
        let kept = e.http.unwrap().response_body.unwrap();
        assert!(!kept.contains("ya29"), "no part of the token is kept");
        assert!(kept.ends_with(&format!("… {} more characters not kept", token.len() + 100)));
    }
}
