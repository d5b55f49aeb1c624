//! One file per component.

mod access_request;
mod calendar_view;
mod event_item;
mod failure_notice;
mod inspector;
mod new_task_form;
mod task_board;
mod task_details;
mod task_filters;
mod task_item;
mod task_list_controls;
mod tasks_view;
mod write_prompt;

pub use access_request::{AccessOption, AccessRequest};
pub use calendar_view::CalendarView;
pub use event_item::EventItem;
pub use failure_notice::FailureNotice;
pub use inspector::Inspector;
pub use new_task_form::NewTaskForm;
pub use seam::ui::notice_view;
pub use task_board::TaskBoard;
pub use task_details::TaskDetails;
pub use task_filters::TaskFilters;
pub use task_item::TaskItem;
pub use task_list_controls::TaskListControls;
pub use tasks_view::TasksView;
pub use write_prompt::WritePrompt;
