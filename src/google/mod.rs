//! Google's HTTP endpoints. Every call goes through [`request`], which sets the bearer header,
//! omits cookies, maps failures to [`ApiError`] and, for the APIs, retries and pages as the
//! `oauth` crate decides. A module per API: [`tasks`], [`calendar`].

pub mod calendar;
pub mod json_api;
pub mod request;
pub mod revocation;
pub mod task_dates;
pub mod task_order;
pub mod tasks;
pub mod token_info;
pub mod url;
pub mod user_info;

pub use request::ApiError;
