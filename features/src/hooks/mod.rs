//! Hooks shared by components: the clock, drafts that survive a redirect, the inspector's
//! timeline, the Tasks view's state and calls (`tasks`), upcoming events (`calendar`).

pub mod calendar;
pub mod playground;
pub mod tasks;

use crate::feature_root::use_feature;
use seam::browser::storage::{self, keys, Area};
use seam::timeline;
use std::rc::Rc;
use yew::prelude::*;

/// A text input's value that survives a full-page redirect (renewal when popups are blocked):
/// mirrored in this tab's sessionStorage under `browser-oauth.draft.<name>` until `clear`ed.
/// Drafts hold what the person typed, never tokens.
#[derive(Clone, PartialEq)]
pub struct Draft {
    value: UseStateHandle<String>,
    key: Rc<str>,
}

impl Draft {
    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn set(&self, text: String) {
        let _ = storage::set(Area::Session, &self.key, &text);
        self.value.set(text);
    }

    /// After the text was used (saved, sent): nothing left to restore.
    pub fn clear(&self) {
        storage::remove(Area::Session, &self.key);
        self.value.set(String::new());
    }
}

#[hook]
pub fn use_draft(name: &str) -> Draft {
    let key: Rc<str> = format!("{}{name}", keys::DRAFT_PREFIX).into();
    let value = {
        let key = key.clone();
        use_state(move || storage::get(Area::Session, &key).unwrap_or_default())
    };
    Draft { value, key }
}

/// The host's protocol record, re-rendering the component whenever a step is recorded. Shared,
/// so a render hands it to the diagram and compares it without copying every entry.
#[hook]
pub fn use_timeline() -> Rc<timeline::Snapshot> {
    let host = use_feature().host;
    // `_eq`: the check on mounting re-renders only if a step came in meanwhile.
    let snapshot = {
        let host = host.clone();
        use_state_eq(move || Rc::new(host.timeline()))
    };
    {
        let snapshot = snapshot.clone();
        use_effect_with(host, move |host| {
            // Steps recorded before this component mounted are picked up here.
            snapshot.set(Rc::new(host.timeline()));
            let source = host.clone();
            let subscription = host.subscribe(move || snapshot.set(Rc::new(source.timeline())));
            move || drop(subscription)
        });
    }
    (*snapshot).clone()
}
