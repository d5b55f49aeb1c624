//! The Yew user interface: one auth context provider, hooks, and small function components.

pub mod app;
pub mod auth_context;
pub mod components;
pub mod hooks;

pub use app::{App, AppProps};
pub use components::PopupRelay;
