//! A local emulator of Google's OAuth 2.0 implicit-grant endpoints for browser apps on
//! loopback: authorization + consent (access tokens and signed OpenID Connect ID tokens),
//! discovery and JWKS, tokeninfo, userinfo, revoke, the Tasks API and Calendar's events list,
//! and a control API for tests. Paths match Google's so an app can switch origins.

pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod google_api;
pub mod http;
pub mod id_token;
pub mod keys;
pub mod knobs;
pub mod pages;
pub mod server;
pub mod tasks;
pub mod time;
pub mod tokens;
