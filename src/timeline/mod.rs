//! The record of every protocol step this tab took, for the inspector: requests, the redirect
//! back, each check and its result, each HTTP exchange. Secrets are registered as they appear
//! and hidden wherever the timeline is shown or exported, until the person reveals them.
//!
//! The record keeps the newest entries within [`oauth::retention::TIMELINE`] (count and bytes),
//! long bodies cut with a note of how much was left out: a long session of Tasks calls must not
//! grow memory, the copy kept across a redirect, or the JSON each change hands the inspector.
//!
//! Two halves: the data types both sides use live in the seam ([`seam::timeline`]: the features
//! module's inspector reads snapshots through the host), and [`recorder`], which only the
//! sign-in side runs.

pub mod recorder;

pub use recorder::{
    check, clear, id_token_check, parameters, record, restore, save_before_leaving, secret,
    secrets_in_form, secrets_in_json, snapshot, subscribe, Inspector, NoteForApp, RequestLog,
    Subscription,
};
pub use seam::timeline::{Entry, Field, HttpExchange, Snapshot, Step};
