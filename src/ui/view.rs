//! Which signed-in view a tab shows: the seam's ([`seam::view`]), which features name too.

pub use seam::view::View;
