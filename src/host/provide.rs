//! The host's side: the JavaScript object a feature module receives.

use crate::google::request::{self, Body};
use crate::timeline;
use js_sys::{Object, Promise, Reflect};
use oauth::api::{bearer_allowed, ApiError};
use oauth::json::Json;
use oauth::playground::{fill_token, TOKEN_PLACEHOLDER};
use oauth::url::HttpUrl;
use seam::host::member;
use seam::host::{answer_json, CallAnswer, CallMode, CallRequest};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// What the sign-in module does for a feature. The UI implements it over its auth context.
pub trait HostServices {
    /// The access token of the session in use, if one is.
    fn access_token(&self) -> Option<String>;
    /// The provider refused the token (401): the session ends, as for the host's own calls.
    fn token_refused(&self);
    /// The origins the token may be sent to (config.json's provider and API origins).
    fn token_origins(&self) -> Vec<String>;
    /// Incremental authorization for `scopes`, coming back to the view `return_to`.
    fn request_scopes(&self, scopes: Vec<String>, return_to: String);
}

/// The object handed to the feature module's `mount` (its members are in [`super::member`]).
pub fn host_object(services: Rc<dyn HostServices>) -> JsValue {
    let object = Object::new();
    let set = |name: &str, value: JsValue| {
        let _ = Reflect::set(&object, &JsValue::from_str(name), &value);
    };

    let caller = services.clone();
    let call = move |request: String| -> Promise {
        let services = caller.clone();
        future_to_promise(async move {
            let result = match CallRequest::from_json(&request) {
                None => Err(ApiError::NotSent("the request could not be read".into())),
                Some(request) => send(&*services, request).await,
            };
            Ok(JsValue::from_str(&answer_json(&result)))
        })
    };
    set(
        member::CALL,
        Closure::<dyn Fn(String) -> Promise>::new(call).into_js_value(),
    );

    let asker = services;
    let request_scopes = move |scopes: String, return_to: String| {
        let scopes: Vec<String> = Json::parse(&scopes)
            .ok()
            .and_then(|list| {
                list.as_array()?
                    .iter()
                    .map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if !scopes.is_empty() {
            asker.request_scopes(scopes, return_to);
        }
    };
    set(
        member::REQUEST_SCOPES,
        Closure::<dyn Fn(String, String)>::new(request_scopes).into_js_value(),
    );

    let snapshot = || timeline::snapshot().to_json();
    set(
        member::TIMELINE,
        Closure::<dyn Fn() -> String>::new(snapshot).into_js_value(),
    );

    let subscribe = |listener: js_sys::Function| -> JsValue {
        let subscription = timeline::subscribe(Rc::new(move || {
            let _ = listener.call0(&JsValue::NULL);
        }));
        Closure::once_into_js(move || drop(subscription))
    };
    set(
        member::SUBSCRIBE,
        Closure::<dyn Fn(js_sys::Function) -> JsValue>::new(subscribe).into_js_value(),
    );
    object.into()
}

/// Sends a feature's request with the session's token, to an origin config.json names only.
async fn send(services: &dyn HostServices, request: CallRequest) -> Result<CallAnswer, ApiError> {
    let token = services.access_token().ok_or(ApiError::Unauthorized)?;
    if !bearer_allowed(&request.url, &services.token_origins()) {
        return Err(ApiError::NotSent(format!(
            "the access token goes only to the provider and API origins config.json names, and {} is not one of them",
            HttpUrl::parse(&request.url).map_or_else(|_| request.url.clone(), |u| u.origin())
        )));
    }
    let answer = match request.mode {
        CallMode::Api => {
            let body = request.body.map_or(Body::None, Body::Json);
            let result = request::call(request.method, &request.url, &token, body).await;
            if result.as_ref().err() == Some(&ApiError::Unauthorized) {
                services.token_refused();
            }
            result?
        }
        CallMode::AsComposed => {
            let content_type = request
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                .map(|(_, v)| v.as_str());
            let token_in_body = request
                .body
                .as_deref()
                .is_some_and(|b| b.contains(TOKEN_PLACEHOLDER));
            let body = request
                .body
                .as_deref()
                .map(|b| fill_token(b, content_type, &token));
            request::send_as_composed(
                request.method,
                &request.url,
                &token,
                &request.headers,
                body.as_deref(),
                token_in_body,
            )
            .await?
        }
    };
    Ok(CallAnswer {
        status: answer.status,
        headers: answer.headers,
        body: answer.text,
    })
}
