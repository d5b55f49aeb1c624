use super::{AccessOption, AccessRequest, TaskBoard};
use crate::feature_root::use_feature;
use oauth::scopes::{google, TASKS_API};
use oauth::Access;
use seam::view::View;
use yew::prelude::*;

/// Google Tasks, gated on what the token was granted (never on what was asked for): without a
/// Tasks scope, the request for one; with one, the tasks.
#[component]
pub fn TasksView() -> Html {
    let session = use_feature().session;
    if session.access(&TASKS_API) != Access::None {
        return html! { <TaskBoard /> };
    }
    let options = vec![
        AccessOption {
            label: "Allow viewing my tasks",
            scope: google::TASKS_READONLY,
        },
        AccessOption {
            label: "Allow viewing and changing my tasks",
            scope: google::TASKS,
        },
    ];
    html! {
        <AccessRequest testid="tasks-access" title="Google Tasks"
            intro="This app has not been allowed to use Google Tasks yet. Signing in asked only for your name and email; to show your tasks it needs Google's permission, read-only if you only want to look."
            {options} api={TASKS_API} view={View::Tasks} declined={session.declined.clone()} />
    }
}
