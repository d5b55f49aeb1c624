//! The sign-in flow, joining the protocol core to the browser and Google adapters. The UI calls
//! these functions; they hold no state of their own beyond what is in storage.

pub mod end_session;
pub mod flow;
pub mod oidc;
// Pushed authorization requests: only another provider offers them.
#[cfg(feature = "other-providers")]
pub mod par;
pub mod popup;
pub mod refresh;
pub mod relay;
pub mod session_store;
pub mod start;

pub use flow::SignedIn;
