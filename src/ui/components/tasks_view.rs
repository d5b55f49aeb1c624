use super::{AccessOption, AccessRequest, TaskBoard};
use crate::auth::SignedIn;
use crate::ui::view::View;
use oauth::scopes::{google, TASKS_API};
use oauth::Access;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TasksViewProps {
    pub signed_in: Rc<SignedIn>,
}

/// Google Tasks, gated on what the token was granted (never on what was asked for): without a
/// Tasks scope, the request for one; with one, the tasks.
#[component]
pub fn TasksView(props: &TasksViewProps) -> Html {
    let signed_in = props.signed_in.clone();
    if signed_in.session.granted_scopes.access(&TASKS_API) != Access::None {
        return html! { <TaskBoard {signed_in} /> };
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
            {options} api={TASKS_API} view={View::Tasks} declined={signed_in.declined.clone()} />
    }
}
