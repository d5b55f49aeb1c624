//! Thin adapters over the browser: each wraps one Web API and turns its exceptions into
//! [`BrowserError`]. No protocol decisions are made here. Those a feature uses too (the clock,
//! storage, the page's CSP) are the seam's ([`seam::browser`]), re-exported here.

pub mod channel;
pub mod crypto;
pub mod dpop_key;
pub mod features_module;
pub mod fetch;
pub mod focus;
pub mod handoff;
pub mod location;
pub mod modules;
pub mod popup;
pub mod random;
pub mod storage;

pub use seam::browser::{clock, csp, BrowserError};
pub(crate) use seam::browser::{js_function, js_message, window};
