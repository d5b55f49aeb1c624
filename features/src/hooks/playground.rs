//! `use_playground`: the inspector's "Try a request", its drafts (kept in sessionStorage like
//! every draft, so a trip to the consent page for a scope leaves them in place) and the call.

use super::{use_draft, Draft};
use crate::feature_root::use_feature;
use crate::playground_state::{Action, ContextOwned, DraftText, Phase, Playground};
use seam::browser::{csp, origin};
use seam::host::{CallMode, CallRequest};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// The panel's state, what the person typed, and what they can do.
#[derive(Clone, PartialEq)]
pub struct PlaygroundHandle {
    pub state: UseReducerHandle<Playground>,
    pub method: Draft,
    pub url: Draft,
    pub headers: Draft,
    pub body: Draft,
}

impl PlaygroundHandle {
    /// Send pressed: checked against the page's policy and the token's scopes, then sent.
    pub fn submit(&self, context: Rc<ContextOwned>) {
        let method = match self.method.value() {
            "" => "GET",
            chosen => chosen,
        };
        self.state.dispatch(Action::Submit(
            DraftText {
                method: method.to_owned(),
                url: self.url.value().to_owned(),
                headers: self.headers.value().to_owned(),
                body: self.body.value().to_owned(),
            },
            context,
        ));
    }

    pub fn edited(&self) {
        self.state.dispatch(Action::Edited);
    }
}

/// What the page knows at the moment of sending: the session, its policy, its origin.
pub fn send_context(session: &seam::host::FeatureSession) -> Rc<ContextOwned> {
    Rc::new(ContextOwned {
        session: session.clone(),
        policies: csp::meta_policies(),
        page_origin: origin(),
    })
}

#[hook]
pub fn use_playground() -> PlaygroundHandle {
    let host = use_feature().host;
    let state = use_reducer(Playground::default);
    {
        let state = state.clone();
        use_effect_with(state.said, move |_| {
            if let Phase::Sending(request) = &state.phase {
                let request = CallRequest {
                    method: request.method,
                    url: request.url.clone(),
                    headers: request.headers.clone(),
                    body: request.body.clone(),
                    mode: CallMode::AsComposed,
                };
                spawn_local(async move {
                    let result = host.call(&request).await;
                    state.dispatch(Action::Answered(result));
                });
            }
        });
    }
    PlaygroundHandle {
        state,
        method: use_draft("playground.method"),
        url: use_draft("playground.url"),
        headers: use_draft("playground.headers"),
        body: use_draft("playground.body"),
    }
}
