//! A message shown above the current view: an error (its sentence and code) or a line of
//! information. Both sides show them the same way (`ui::notice_view`).

use crate::error::AppError;

/// A message shown above the current view.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Something failed: its sentence, its code and any text the provider sent.
    Error(AppError),
    /// A line of information, not a fault (what a sign-out did, say).
    Info(&'static str),
}
