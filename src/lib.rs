//! A browser-only OAuth 2.0 client for Google: the sign-in library. The protocol decisions live
//! in the `oauth` crate; what a feature may see is the `seam` crate's; this crate adds the
//! browser adapters (`browser`), Google's HTTP endpoints of the sign-in side (`google`), the
//! sign-in flow that joins them (`auth`) and, with the `ui` feature, the Yew interface (`ui`).
//!
//! The page runs three wasm modules (README → Architecture): the front door (`front-door/`,
//! this library without `ui`), which takes the answer out of the URL and makes Sign in work;
//! the app (`src/bin/app_google.rs` or `app_any_provider.rs`), which takes the page over from
//! it ([`browser::handoff`]); and the features module (the features crate, `features/`).

#![warn(missing_docs)]

pub mod auth;
pub mod browser;
pub mod config_source;
pub mod dpop;
pub mod error;
pub mod google;
pub mod host;
pub mod timeline;
#[cfg(feature = "ui")]
pub mod ui;

/// Whether this build carries what only providers other than Google need (discovery, the code
/// exchange with PKCE, refresh tokens, RP-initiated logout, DPoP, pushed authorization
/// requests). Where it is `false` every
/// branch it guards is dead code, and the optimiser leaves none of it in the module: the app
/// for Google and the front door are built so (Cargo feature `other-providers`).
pub const OTHER_PROVIDERS: bool = cfg!(feature = "other-providers");
