//! The host's side: the JavaScript object a feature module receives.

use super::client::answer_json;
use super::member;
use crate::google::request::{self, Body};
use crate::timeline;
use js_sys::{Object, Promise, Reflect};
use oauth::api::{ApiError, Method};
use oauth::json::Json;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// What the sign-in module does for a feature. The UI implements it over its auth context.
pub trait HostServices {
    /// The access token of the session in use, if one is.
    fn access_token(&self) -> Option<String>;
    /// The provider refused the token (401): the session ends, as for the host's own calls.
    fn token_refused(&self);
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
    let call = move |method: String, url: String, body: JsValue| -> Promise {
        let services = caller.clone();
        future_to_promise(async move {
            let result = match (parse_method(&method), services.access_token()) {
                (_, None) => Err(ApiError::Unauthorized),
                (None, _) => Err(ApiError::Network(format!("unknown method {method}"))),
                (Some(method), Some(token)) => {
                    let body = body.as_string();
                    let body = body.map_or(Body::None, Body::Json);
                    request::call(method, &url, &token, body).await
                }
            };
            if result == Err(ApiError::Unauthorized) {
                services.token_refused();
            }
            Ok(JsValue::from_str(&answer_json(&result)))
        })
    };
    set(
        member::CALL,
        Closure::<dyn Fn(String, String, JsValue) -> Promise>::new(call).into_js_value(),
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

fn parse_method(name: &str) -> Option<Method> {
    [Method::Get, Method::Post, Method::Patch, Method::Delete]
        .into_iter()
        .find(|m| m.as_str() == name)
}
