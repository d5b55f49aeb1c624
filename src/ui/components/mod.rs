//! One file per component.

mod layout;
mod lazy_feature;
mod policy_mismatch;
mod profile;
mod renewal_notice;
mod setup;
mod signed_in;
mod signed_out;
mod status_announcer;
mod verifying;
mod view_tabs;

pub use layout::{layout, server_line};
pub use lazy_feature::LazyFeature;
pub use policy_mismatch::policy_mismatch_view;
pub use profile::profile_view;
pub use renewal_notice::renewal_notice;
pub use seam::ui::notice_view;
pub use setup::Setup;
pub use signed_in::SignedInView;
pub use signed_out::signed_out_view;
pub use status_announcer::StatusAnnouncer;
pub use verifying::{busy_label, verifying};
pub use view_tabs::view_tabs;
