//! The app's error, the seam's ([`seam::error`]): a feature shows the same one.

pub use seam::error::*;
