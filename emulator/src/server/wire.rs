//! The emulator's HTTP types: a request as the routes see it (header names lower-cased), a
//! response and the ways Google shapes them (JSON, its HTML pages, redirects, CORS).

use crate::google_api::Reply;
use crate::knobs::google_error_body;
use crate::pages;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// A form body's fields, in order (repeated names kept: the consent form repeats `scope`).
pub(super) fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The first non-empty value of `name` (an empty one counts as absent, like Google's forms).
pub(super) fn form_field<'f>(form: &'f [(String, String)], name: &str) -> Option<&'f str> {
    form.iter()
        .find(|(n, v)| n == name && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

/// A received HTTP request, header names lower-cased.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Raw query string without the `?`; empty when there is none.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn query_param(&self, name: &str) -> Option<String> {
        param(self.query.as_bytes(), name)
    }

    pub(super) fn body_param(&self, name: &str) -> Option<String> {
        param(&self.body, name)
    }
}

pub(super) fn param(data: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(data)
        .find(|(n, v)| n == name && !v.is_empty())
        .map(|(_, v)| v.into_owned())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub(super) fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
        }
    }

    pub(super) fn json(status: u16, value: &impl Serialize) -> Self {
        let body = serde_json::to_vec(value).expect("serialising JSON");
        Response::new(status, "application/json; charset=utf-8", body)
    }

    pub(super) fn html(status: u16, html: String) -> Self {
        Response::new(status, "text/html; charset=utf-8", html)
            // Google frames-busts its consent screen against clickjacking; no script runs here.
            // `data:` for the pages' empty icon, which spares the browser a favicon request.
            .with("X-Frame-Options", "DENY")
            .with(
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
            )
            .with("Cache-Control", "no-store")
    }

    pub(super) fn redirect(location: String) -> Self {
        let body = format!(
            "<!DOCTYPE html><title>Redirecting</title><p>{}</p><a href=\"{}\">Continue</a>\n",
            pages::BANNER,
            pages::escape(&location)
        );
        Response::new(302, "text/html; charset=utf-8", body)
            .with("Location", location)
            .with("Cache-Control", "no-store")
            .with("Referrer-Policy", "no-referrer")
    }

    pub(super) fn from_reply(reply: Reply) -> Self {
        let resp = match &reply.body {
            Some(body) => Response::json(reply.status, body),
            None => Response::empty(reply.status),
        };
        reply
            .headers
            .into_iter()
            .fold(resp, |resp, (name, value)| resp.with(name, value))
    }

    pub(super) fn empty(status: u16) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub(super) fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Google's API endpoints echo the Origin (or `*` without one) and never send
    /// `Access-Control-Allow-Credentials`, so credentialed cross-origin fetches fail.
    /// The challenge and `Retry-After` are exposed so the page can read which scope is missing
    /// and how long to wait (a browser hides other than CORS-safelisted headers otherwise).
    pub(super) fn cors_echo(self, req: &Request) -> Self {
        let origin = req.header("origin").unwrap_or("*").to_string();
        self.with("Access-Control-Allow-Origin", origin)
            .with(
                "Access-Control-Expose-Headers",
                "WWW-Authenticate, Retry-After",
            )
            .with("Vary", "Origin")
    }

    pub(super) fn cors_any(self) -> Self {
        self.with("Access-Control-Allow-Origin", "*")
    }
}

pub(super) fn not_found(req: &Request) -> Response {
    Response::json(
        404,
        &google_error_body(
            404,
            &format!("Not found: {} {}", req.method, req.path),
            "notFound",
        ),
    )
}

pub(super) fn control_error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({ "error": message })).cors_any()
}

pub(super) fn log_headers(headers: &[(String, String)]) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for (n, v) in headers {
        map.entry(n.clone())
            .and_modify(|e| {
                e.push_str(", ");
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    map
}
