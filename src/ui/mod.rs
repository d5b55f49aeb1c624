//! The Yew user interface: one auth context provider, hooks, small function components, and
//! the signed-in views (profile, tasks, calendar) with the Tasks view's state as a reducer.

pub mod app;
pub mod auth_context;
pub mod auth_state;
pub mod components;
pub mod feature_root;
pub mod format;
pub mod hooks;
pub mod keyboard;
pub mod playground_state;
pub mod tasks_state;
pub mod view;

pub use app::{take_over, App, AppProps};
