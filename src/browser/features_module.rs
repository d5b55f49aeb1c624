//! Loads the features module (see `crate::host`) once per page, and mounts its views. Where it
//! lives comes from the page's import map ([`super::modules`]).

use super::modules::{self, FEATURES};
use super::{js_function, BrowserError};
use js_sys::{Function, Promise};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// The one load of this page: a JavaScript promise, so every view awaits the same one. A
    /// failed load is forgotten, so that "Try again" loads anew.
    static LOAD: RefCell<Option<Promise>> = const { RefCell::new(None) };
    static IS_LOADED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Settles when a load succeeds, whichever view asked: the others that failed try again.
    static LOADED: (Promise, Function) = {
        let mut settle = None;
        let promise = Promise::new(&mut |resolve, _| settle = Some(resolve));
        (promise, settle.expect("a promise's executor runs at once"))
    };
}

/// The loaded module's namespace.
#[derive(Clone)]
pub struct FeaturesModule(JsValue);

/// Loads the module, or waits for the load already under way.
pub async fn load() -> Result<FeaturesModule, BrowserError> {
    let promise = LOAD.with(|load| {
        load.borrow_mut()
            .get_or_insert_with(|| FEATURES.start_loading())
            .clone()
    });
    match JsFuture::from(promise).await {
        Ok(module) => {
            IS_LOADED.with(|loaded| loaded.set(true));
            LOADED.with(|(_, settle)| settle.call0(&JsValue::NULL).ok());
            Ok(FeaturesModule(module))
        }
        Err(error) => {
            LOAD.with(|load| load.borrow_mut().take());
            Err(BrowserError::from_js(FEATURES.what, error))
        }
    }
}

/// Waits until the module has loaded (after a failure: until another view's retry worked).
pub async fn loaded() {
    let _ = JsFuture::from(LOADED.with(|(promise, _)| promise.clone())).await;
}

/// Whether the module is here: a view then mounts within the same task, with no loading line.
pub fn is_loaded() -> bool {
    IS_LOADED.with(|loaded| loaded.get())
}

/// [`load`], started once the page is idle (at most `timeout_ms` later) unless a load is
/// already under way or done: a prefetch, so that opening a view finds the module ready.
pub async fn load_when_idle(timeout_ms: u32) -> Result<FeaturesModule, BrowserError> {
    if LOAD.with(|load| load.borrow().is_none()) {
        modules::idle(timeout_ms).await;
    }
    load().await
}

/// A view the module mounted; unmounted when dropped.
pub struct MountedFeature(JsValue);

impl FeaturesModule {
    /// Renders the feature named `feature` into `element` (see `features/src/bin/features.rs`).
    pub fn mount(
        &self,
        feature: &str,
        element: &web_sys::Element,
        host: &JsValue,
        session: &str,
    ) -> Result<MountedFeature, BrowserError> {
        let mount = function(&self.0, "mount")?;
        let args = js_sys::Array::of4(
            &JsValue::from_str(feature),
            element,
            host,
            &JsValue::from_str(session),
        );
        mount
            .apply(&JsValue::NULL, &args)
            .map(MountedFeature)
            .map_err(|e| BrowserError::from_js("mounting a feature", e))
    }
}

impl MountedFeature {
    /// Hands the view the session anew (a [`seam::host::FeatureSession`]'s JSON), after a
    /// renewal or a grant of scopes.
    pub fn update(&self, session: &str) {
        if let Ok(update) = function(&self.0, "update") {
            let _ = update.call1(&self.0, &JsValue::from_str(session));
        }
    }
}

impl Drop for MountedFeature {
    fn drop(&mut self) {
        if let Ok(unmount) = function(&self.0, "unmount") {
            let _ = unmount.call0(&self.0);
        }
        if let Ok(free) = function(&self.0, "free") {
            let _ = free.call0(&self.0);
        }
    }
}

fn function(object: &JsValue, name: &str) -> Result<Function, BrowserError> {
    js_function(object, name).ok_or_else(|| BrowserError::Unavailable {
        api: "the features module",
        reason: format!("it has no {name}"),
    })
}
