//! The features module's entry points: Google Tasks, the Calendar view and the protocol
//! inspector. The app fetches it when its first screen is idle, or when one of these views is
//! first opened, and calls [`mount`] for each view it shows. What the two modules share is the
//! seam (`seam::host`), and nothing else.

use browser_oauth_features::feature_root::{FeatureRoot, FeatureRootProps};
use seam::host::{Feature, FeatureSession, Host};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::{html, AppHandle, Html, Renderer};

/// Nothing runs on load: the host calls [`mount`].
fn main() {}

/// One mounted view; the host keeps it, updates it with each new session and unmounts it.
#[wasm_bindgen]
pub struct MountedFeature {
    app: Option<AppHandle<FeatureRoot>>,
    feature: Feature,
    host: Host,
}

#[wasm_bindgen]
impl MountedFeature {
    /// The session changed (renewed, more scopes granted).
    pub fn update(&mut self, session: &str) {
        if let (Some(app), Some(session)) = (&mut self.app, FeatureSession::from_json(session)) {
            app.update(FeatureRootProps {
                feature: self.feature,
                host: self.host.clone(),
                session: Rc::new(session),
            });
        }
    }

    pub fn unmount(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Renders `feature` into `element`, with the host object and the session (JSON of a
/// `FeatureSession`) the sign-in module gives.
#[wasm_bindgen]
pub fn mount(
    feature: &str,
    element: web_sys::Element,
    host: JsValue,
    session: &str,
) -> Result<MountedFeature, JsError> {
    let feature = Feature::from_name(feature).ok_or_else(|| JsError::new("no such feature"))?;
    let session =
        FeatureSession::from_json(session).ok_or_else(|| JsError::new("unreadable session"))?;
    reserve_root_ids();
    let host = Host::new(host);
    let props = FeatureRootProps {
        feature,
        host: host.clone(),
        session: Rc::new(session),
    };
    Ok(MountedFeature {
        app: Some(Renderer::<FeatureRoot>::with_root_and_props(element, props).render()),
        feature,
        host,
    })
}

/// Yew marks the elements of each app root with a number that counts from 1 in every wasm
/// instance, and the sign-in module's app (root 1) handles events in the capture phase over the
/// whole page: a view of ours numbered 1 too would have its clicks taken by the sign-in module's
/// handlers. So this module's own roots start past the numbers the sign-in module uses (one
/// root; no portals), by spending the first few on empty, detached apps.
fn reserve_root_ids() {
    const RESERVED: u32 = 8;
    thread_local!(static DONE: Cell<bool> = const { Cell::new(false) });
    if DONE.with(|done| done.replace(true)) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    for _ in 0..RESERVED {
        if let Ok(detached) = document.create_element("div") {
            Renderer::<Empty>::with_root(detached).render().destroy();
        }
    }
}

#[yew::component]
fn Empty() -> Html {
    html! {}
}
