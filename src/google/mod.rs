//! Google's HTTP endpoints the sign-in side calls. Every call goes through [`request`], which
//! sets the bearer header, omits cookies, maps failures to [`ApiError`] and, for the APIs,
//! retries and pages as the `oauth` crate decides. Tasks and Calendar are the features crate's,
//! which reaches them through the host.

pub mod request;
pub mod revocation;
pub mod token_info;
pub mod user_info;

pub use request::ApiError;
