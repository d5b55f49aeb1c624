//! Google's APIs a feature calls, each through the host ([`seam::host::Host::call`]), which
//! adds the bearer, omits cookies and retries and pages as the `oauth` crate decides: [`tasks`]
//! (with its order and dates), [`calendar`].

pub mod calendar;
pub mod json_api;
pub mod task_dates;
pub mod task_order;
pub mod tasks;
pub mod url;
