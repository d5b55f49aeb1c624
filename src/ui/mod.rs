//! The Yew user interface of the sign-in side: one auth context provider, its state as a
//! reducer, and the screens (setup, signed out, verifying, the profile, the tabs that mount the
//! features module's views).

pub mod app;
pub mod auth_context;
pub mod auth_state;
pub mod components;
pub mod format;
mod standalone;
pub mod view;

pub use app::{take_over, App, AppProps};
pub use standalone::start_app;
