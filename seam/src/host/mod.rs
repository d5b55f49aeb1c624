//! The seam between the sign-in module and the features it loads later.
//!
//! Behind the front door the page runs two more WebAssembly modules. The app (the *host*, the
//! sign-in library's `src/bin/app_*.rs`) holds everything the return from the provider needs:
//! config and setup, sign-in, every check, the profile, renewal, sign-out. The features module
//! (the features crate, `features/`) holds the Tasks client, the Calendar view and the protocol
//! inspector; the host fetches it when the first
//! screen is idle, or when one of those views is first opened, and mounts each view into an
//! element of its own page.
//!
//! The two are separate wasm instances with separate memories, so what they share is this API,
//! and only this:
//!
//! | what | from the host | to a feature |
//! | --- | --- | --- |
//! | [`FeatureSession`] | on mount, and again whenever it changes | what was granted and declined, where the APIs are; never the access token |
//! | [`Host::call`] | the one authorised request function: a [`CallRequest`] (method, URL, headers, body, mode) | the host sends it only to an origin config.json names, adds the bearer (or DPoP), records the exchange for the inspector; an API call is retried as `oauth::retry` decides and a 401 ends the session; a request composed in the inspector goes once, as it is; the feature gets a [`CallAnswer`] (status, the headers the browser exposes, body) or an [`oauth::api::ApiError`] |
//! | [`Host::request_scopes`] | incremental authorization, the configured way (popup or redirect) | a new session arrives as a new [`FeatureSession`] |
//! | [`Host::timeline`], [`Host::subscribe`] | the protocol steps this tab took | a [`crate::timeline::Snapshot`], and a call on every change |
//!
//! Values cross as JavaScript strings of JSON, written and read by `oauth::json` on both sides
//! (no serde in either module). The sign-in library (`browser_oauth::host::host_object`) builds
//! the JavaScript object on the host's side;
//! [`Host`] is the typed client a feature holds. Another Yew app could be a feature: it needs
//! only this module, the host object and a [`FeatureSession`].

mod call;
mod client;
mod session;

pub use call::{answer_json, CallAnswer, CallMode, CallRequest};
pub use client::{Host, HostSubscription};
pub use session::FeatureSession;

/// The host object's members, as both sides spell them.
pub mod member {
    /// `call(request: string) → Promise<string>`: [`super::Host::call`]; a [`super::CallRequest`]
    /// in, [`super::answer_json`]'s text out.
    pub const CALL: &str = "call";
    /// `requestScopes(scopes: string, returnTo: string)`: [`super::Host::request_scopes`]; the
    /// scopes as a JSON array of strings.
    pub const REQUEST_SCOPES: &str = "requestScopes";
    /// `timeline() → string`: [`super::Host::timeline`], a snapshot's JSON.
    pub const TIMELINE: &str = "timeline";
    /// `subscribe(listener) → unsubscribe`: [`super::Host::subscribe`].
    pub const SUBSCRIBE: &str = "subscribe";
}

/// Which feature a mount shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// The Google Tasks client.
    Tasks,
    /// The upcoming events from Google Calendar.
    Calendar,
    /// The protocol inspector: the timeline, the sequence diagram, "Try a request".
    Inspector,
}

impl Feature {
    /// The name the host passes to the features module's `mount` ([`Feature::from_name`]
    /// reads it back there).
    pub fn name(self) -> &'static str {
        match self {
            Feature::Tasks => "tasks",
            Feature::Calendar => "calendar",
            Feature::Inspector => "inspector",
        }
    }

    /// The feature [`Feature::name`] gave `name`; `None` for a name it never gives.
    pub fn from_name(name: &str) -> Option<Feature> {
        [Feature::Tasks, Feature::Calendar, Feature::Inspector]
            .into_iter()
            .find(|f| f.name() == name)
    }

    /// How the view is named to a person, at the start of a sentence ("… could not be loaded").
    pub fn label(self) -> &'static str {
        match self {
            Feature::Tasks => "Google Tasks",
            Feature::Calendar => "The calendar",
            Feature::Inspector => "The protocol inspector",
        }
    }
}
