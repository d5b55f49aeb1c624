//! The host's side of the seam ([`seam::host`]): the JavaScript object a feature module
//! receives, built over the sign-in side's services. The types both sides use are the seam's,
//! re-exported here.

mod provide;

pub use provide::{host_object, HostServices};
pub use seam::host::*;
