//! What [`super::Host::call`] carries across the seam, and what comes back, as JSON.

use oauth::api::{ApiError, Method};
use oauth::json::{Json, Object};

/// How the sign-in module treats a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallMode {
    /// An API call as the views make it: a JSON body, retried as `oauth::retry` decides; an
    /// answer other than 2xx is an [`ApiError`], and a 401 ends the session.
    Api,
    /// Sent once, exactly as composed (the inspector's "Try a request"): its own headers and
    /// body, `${ACCESS_TOKEN}` in the body filled in, and whatever answer comes returned as it
    /// came. A 401 does not end the session here: an experiment may earn one for reasons other
    /// than the token (a token endpoint's `invalid_client`); the views' next call finds out.
    AsComposed,
}

impl CallMode {
    fn name(self) -> &'static str {
        match self {
            CallMode::Api => "api",
            CallMode::AsComposed => "as_composed",
        }
    }
}

/// A request a feature asks the sign-in module to send with the session's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRequest {
    /// The HTTP method.
    pub method: Method,
    /// The absolute URL; the host sends the token only to an origin config.json names.
    pub url: String,
    /// Besides the token's own (`Authorization`, `DPoP`), which the sign-in module adds.
    pub headers: Vec<(String, String)>,
    /// The request body; `None` sends none.
    pub body: Option<String>,
    /// How the host treats the call.
    pub mode: CallMode,
}

impl CallRequest {
    /// An API call with an optional JSON body.
    pub fn api(method: Method, url: &str, body: Option<String>) -> Self {
        CallRequest {
            method,
            url: url.to_owned(),
            headers: Vec::new(),
            body,
            mode: CallMode::Api,
        }
    }

    /// The request as it crosses to the host ([`CallRequest::from_json`] reads it there).
    pub fn to_json(&self) -> String {
        Json::object([
            ("method", Json::string(self.method.as_str())),
            ("url", Json::string(&self.url)),
            ("headers", Json::pairs(&self.headers)),
            ("body", Json::optional(self.body.as_deref())),
            ("mode", Json::string(self.mode.name())),
        ])
        .to_text()
    }

    /// The request [`CallRequest::to_json`] wrote; `None` if the text is not one (a method or
    /// mode this side does not know, a member missing).
    pub fn from_json(text: &str) -> Option<CallRequest> {
        let o: Object = Json::parse_object(text).ok()?;
        Some(CallRequest {
            method: Method::from_name(&o.string("method").ok()??)?,
            url: o.string("url").ok()??,
            headers: o.get("headers")?.as_pairs()?,
            body: o.string("body").ok()?,
            mode: [CallMode::Api, CallMode::AsComposed]
                .into_iter()
                .find(|m| o.string("mode").ok().flatten().as_deref() == Some(m.name()))?,
        })
    }
}

/// What the server answered: the status, the headers the browser let the page read, the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallAnswer {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers the browser exposes to script: the CORS-safelisted ones and those
    /// the server names in `Access-Control-Expose-Headers`.
    pub headers: Vec<(String, String)>,
    /// The response body as text; empty when there is none (a 204).
    pub body: String,
}

/// `{"answer": …}` or `{"error": ApiError}`, as the host's `call` answers.
pub fn answer_json(result: &Result<CallAnswer, ApiError>) -> String {
    match result {
        Ok(answer) => Json::object([(
            "answer",
            Json::object([
                ("status", Json::integer(answer.status)),
                ("headers", Json::pairs(&answer.headers)),
                ("body", Json::string(&answer.body)),
            ]),
        )]),
        Err(error) => Json::object([("error", error.to_json())]),
    }
    .to_text()
}

pub(super) fn read_answer(text: &str) -> Result<CallAnswer, ApiError> {
    let unreadable = || ApiError::Malformed("the sign-in module's answer could not be read".into());
    let o = Json::parse_object(text).map_err(|_| unreadable())?;
    if let Some(answer) = o.get("answer") {
        let read = || -> Option<CallAnswer> {
            let a = Object::from_members(answer.clone())?;
            Some(CallAnswer {
                status: a.integer("status").ok()??,
                headers: a.get("headers")?.as_pairs()?,
                body: a.string("body").ok()??,
            })
        };
        return read().ok_or_else(unreadable);
    }
    Err(o
        .get("error")
        .and_then(ApiError::from_json)
        .unwrap_or_else(unreadable))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_cross_as_they_were() {
        for result in [
            Ok(CallAnswer {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: "{\"items\":[]}".into(),
            }),
            Ok(CallAnswer {
                status: 204,
                headers: Vec::new(),
                body: String::new(),
            }),
            Err(ApiError::Unauthorized),
            Err(ApiError::InsufficientScope {
                scopes: vec!["s".into()],
            }),
            Err(ApiError::NotSent("elsewhere".into())),
        ] {
            assert_eq!(read_answer(&answer_json(&result)), result);
        }
        assert!(matches!(read_answer("nope"), Err(ApiError::Malformed(_))));
        assert!(matches!(
            read_answer(r#"{"answer":{"status":"x"}}"#),
            Err(ApiError::Malformed(_))
        ));
    }

    #[test]
    fn requests_cross_as_they_were() {
        let composed = CallRequest {
            method: Method::Put,
            url: "https://tasks.googleapis.com/tasks/v1/x".into(),
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: Some("access_token=${ACCESS_TOKEN}".into()),
            mode: CallMode::AsComposed,
        };
        let api = CallRequest::api(Method::Delete, "https://x.example/y", None);
        for request in [composed, api] {
            assert_eq!(CallRequest::from_json(&request.to_json()), Some(request));
        }
        assert_eq!(CallRequest::from_json(r#"{"method":"TRACE"}"#), None);
    }
}
