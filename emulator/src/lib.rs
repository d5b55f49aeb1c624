//! A local emulator of Google's OAuth 2.0 implicit-grant endpoints for browser apps on
//! loopback: authorization + consent, tokeninfo, userinfo, revoke, and a control API for
//! tests. Paths match Google's so an app can switch origins.

pub mod auth;
pub mod catalog;
pub mod knobs;
pub mod pages;
pub mod server;
pub mod tokens;
