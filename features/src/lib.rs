//! The features module: Google Tasks, the Calendar view and the protocol inspector. The app
//! fetches it when its first screen is idle, or when one of these views is first opened, and
//! mounts each view through `src/bin/features.rs`.
//!
//! This crate depends on the seam (`seam`: the host client, the session without its token, the
//! timeline's data, the errors a feature shows) and the core (`oauth`) only. The sign-in
//! library is not a dependency: the access token, the auth context and the session store
//! cannot be named here, so a feature reaches Google only through [`seam::host::Host::call`].

pub mod components;
pub mod feature_root;
pub mod google;
pub mod hooks;
pub mod keyboard;
pub mod playground_state;
pub mod tasks_state;
