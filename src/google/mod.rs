//! Google's HTTP endpoints. Every call goes through [`request::send`], which sets the bearer
//! header, omits cookies and maps failures to [`ApiError`].

pub mod request;
pub mod revocation;
pub mod token_info;
pub mod user_info;

pub use request::ApiError;
