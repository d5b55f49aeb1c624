//! One file per component.

mod access_request;
mod calendar_view;
mod event_item;
mod failure_notice;
mod layout;
mod new_task_form;
mod notice;
mod profile;
mod setup;
mod signed_in;
mod signed_out;
mod task_board;
mod task_filters;
mod task_item;
mod tasks_view;
mod verifying;
mod view_tabs;
mod write_prompt;

pub use access_request::{AccessOption, AccessRequest};
pub use calendar_view::CalendarView;
pub use event_item::EventItem;
pub use failure_notice::FailureNotice;
pub use layout::{Layout, ServerLine};
pub use new_task_form::NewTaskForm;
pub use notice::NoticeView;
pub use profile::ProfileView;
pub use setup::Setup;
pub use signed_in::SignedInView;
pub use signed_out::SignedOutView;
pub use task_board::TaskBoard;
pub use task_filters::TaskFilters;
pub use task_item::TaskItem;
pub use tasks_view::TasksView;
pub use verifying::Verifying;
pub use view_tabs::ViewTabs;
pub use write_prompt::WritePrompt;
