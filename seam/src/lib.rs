//! The seam between the sign-in side of the page and the features it loads later: everything a
//! feature may see, and nothing more. The features crate depends on this crate and the core
//! (`oauth`) only, so the compiler enforces what [`host`] documents: a feature never holds the
//! access token, the auth context or the session store.
//!
//! - [`host`]: the host client ([`host::Host`]: the one authorised request function, scopes,
//!   the timeline) and the session a feature gets ([`host::FeatureSession`], without the token).
//! - [`timeline`]: the protocol record's data types, as the inspector reads them.
//! - [`error`], [`notice`]: the errors and notices a feature shows, in words.
//! - [`view`]: which signed-in view a tab shows.
//! - [`browser`]: the clock, storage with the keys a feature uses, the page's CSP and origin.
//! - `ui` (Cargo feature `ui`): the notice view and the clock hook both sides' screens use.

#![warn(missing_docs)]

pub mod browser;
pub mod error;
pub mod host;
pub mod notice;
pub mod timeline;
#[cfg(feature = "ui")]
pub mod ui;
pub mod view;
