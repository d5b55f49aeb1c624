//! One file per component.

mod inspector;
mod layout;
mod notice;
mod popup_relay;
mod setup;
mod signed_in;
mod signed_out;
mod verifying;

pub use inspector::Inspector;
pub use layout::{Layout, ServerLine};
pub use notice::NoticeView;
pub use popup_relay::PopupRelay;
pub use setup::Setup;
pub use signed_in::SignedInView;
pub use signed_out::SignedOutView;
pub use verifying::Verifying;
