//! The features' side: a typed client over the host object.

use super::call::{read_answer, CallAnswer, CallRequest};
use super::member;
use crate::browser::js_function;
use crate::timeline::Snapshot;
use js_sys::{Function, Promise};
use oauth::api::{ApiError, Method};
use oauth::json::Json;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// What a feature holds of the host: calls, scope requests and the protocol record.
#[derive(Clone)]
pub struct Host {
    object: Rc<JsValue>,
}

impl PartialEq for Host {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.object, &other.object)
    }
}

impl Host {
    /// Wraps the object the sign-in library's `browser_oauth::host::host_object` made in the
    /// other module.
    pub fn new(object: JsValue) -> Self {
        Host {
            object: Rc::new(object),
        }
    }

    fn member(&self, name: &str) -> Option<Function> {
        js_function(&self.object, name)
    }

    /// A request with the session's token (see the module's table), sent as its mode says;
    /// the answer (status, the headers the browser exposes, body) or why there is none.
    pub async fn call(&self, request: &CallRequest) -> Result<CallAnswer, ApiError> {
        let missing = || ApiError::Network("the sign-in module offers no request function".into());
        let call = self.member(member::CALL).ok_or_else(missing)?;
        let promise: Promise = call
            .call1(&JsValue::NULL, &JsValue::from_str(&request.to_json()))
            .map_err(|_| missing())?
            .dyn_into()
            .map_err(|_| missing())?;
        let answer = JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(missing)?;
        read_answer(&answer)
    }

    /// An API call as the views make it ([`CallRequest::api`]): the body of its 2xx answer.
    pub async fn api(
        &self,
        method: Method,
        url: &str,
        body: Option<String>,
    ) -> Result<String, ApiError> {
        Ok(self.call(&CallRequest::api(method, url, body)).await?.body)
    }

    /// Asks the provider for `scopes` on top of what was granted; with a redirect, the tab
    /// comes back to the view named `return_to`.
    pub fn request_scopes(&self, scopes: &[&str], return_to: &str) {
        if let Some(request) = self.member(member::REQUEST_SCOPES) {
            let scopes = Json::Array(scopes.iter().map(|s| Json::string(s)).collect()).to_text();
            let _ = request.call2(
                &JsValue::NULL,
                &JsValue::from_str(&scopes),
                &JsValue::from_str(return_to),
            );
        }
    }

    /// The protocol record as it is now.
    pub fn timeline(&self) -> Snapshot {
        self.member(member::TIMELINE)
            .and_then(|timeline| timeline.call0(&JsValue::NULL).ok())
            .and_then(|text| text.as_string())
            .and_then(|text| Snapshot::from_json(&text))
            .unwrap_or_default()
    }

    /// Calls `listener` whenever the record changes, until the guard is dropped.
    pub fn subscribe(&self, listener: impl Fn() + 'static) -> HostSubscription {
        let listener = Closure::<dyn Fn()>::new(listener);
        let unsubscribe = self
            .member(member::SUBSCRIBE)
            .and_then(|subscribe| subscribe.call1(&JsValue::NULL, listener.as_ref()).ok())
            .and_then(|unsubscribe| unsubscribe.dyn_into::<Function>().ok());
        HostSubscription {
            _listener: listener,
            unsubscribe,
        }
    }
}

/// Ends a [`Host::subscribe`] when dropped.
pub struct HostSubscription {
    _listener: Closure<dyn Fn()>,
    unsubscribe: Option<Function>,
}

impl Drop for HostSubscription {
    fn drop(&mut self) {
        if let Some(unsubscribe) = &self.unsubscribe {
            let _ = unsubscribe.call0(&JsValue::NULL);
        }
    }
}
