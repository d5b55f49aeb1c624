use super::{notice_view, FailureNotice, NewTaskForm, TaskFilters, TaskItem, WritePrompt};
use crate::error::{ApiStep, AppError};
use crate::ui::auth_context::Notice;
use crate::ui::feature_root::use_feature;
use crate::ui::hooks::tasks::use_tasks;
use crate::ui::tasks_state::{Load, Row};
use crate::ui::view::View;
use oauth::paging::MAX_PAGES;
use oauth::scopes::{google, TASKS_API};
use oauth::Access;
use yew::prelude::*;

/// The task lists and the tasks of the chosen one, with every change shown at once and undone
/// (with the reason) if Google refuses it.
#[component]
pub fn TaskBoard() -> Html {
    let session = use_feature().session;
    let tasks = use_tasks();
    let state = tasks.state();
    let access = tasks.access();
    let declined_write =
        access == Access::Read && session.declined.iter().any(|s| s == google::TASKS);

    let failure = state.failure.clone().map(|error| {
        let step = error.api_failure().map(|(step, _)| step);
        let loading = matches!(step, Some(ApiStep::ListTaskLists | ApiStep::ListTasks));
        let on_retry = loading.then(|| {
            let tasks = tasks.clone();
            Callback::from(move |()| tasks.reload())
        });
        let outcome = step.and_then(outcome);
        html! { <FailureNotice {error} api={TASKS_API} view={View::Tasks} {on_retry} {outcome} /> }
    });
    // Hidden once full access arrives (a popup brings it without remounting the view).
    let prompt = (state.wants_write && access < Access::Write).then(|| {
        let (allow, dismiss) = (tasks.clone(), tasks.clone());
        html! {
            <WritePrompt on_allow={Callback::from(move |()| allow.request_scope(google::TASKS))}
                on_dismiss={Callback::from(move |()| dismiss.dismiss_write_prompt())} />
        }
    });
    let declined = declined_write.then(|| {
        let notice = Notice::Error(AppError::ScopesDeclined(vec![google::TASKS.into()]));
        notice_view(&notice, html! {})
    });
    let refresh = {
        let tasks = tasks.clone();
        Callback::from(move |_| tasks.reload())
    };
    let list_title = state.list().map(|l| l.title.clone()).unwrap_or_default();
    let rows = match &state.rows {
        Load::Loading => html! { <p class="loading" aria-live="polite">{ "Loading tasks…" }</p> },
        Load::Failed => html! {},
        Load::Ready(rows) if rows.is_empty() => {
            html! { <p class="empty">{ "No tasks to show in this list." }</p> }
        }
        Load::Ready(rows) => {
            // Rows are in Google's order, each subtask after its parent: a parent's item holds
            // its subtasks as a list of their own.
            let shown = |id: &str| rows.iter().any(|r| r.task.id == id);
            let top = rows
                .iter()
                .filter(|r| r.task.parent.as_deref().is_none_or(|p| !shown(p)));
            html! {
                <ul class="task-items" aria-label={format!("Tasks in {list_title}")}>
                    { for top.map(|row| {
                        let subtasks: Vec<Row> = rows
                            .iter()
                            .filter(|r| r.task.parent.as_deref() == Some(row.task.id.as_str()))
                            .cloned()
                            .collect();
                        html! {
                            <TaskItem key={row.task.id.clone()} row={row.clone()} tasks={tasks.clone()}
                                {subtasks} loose={row.task.parent.is_some()} />
                        }
                    }) }
                </ul>
            }
        }
    };
    html! {
        <section class="card tasks" data-testid="tasks" aria-labelledby="tasks-heading">
            <div class="view-head">
                <h2 id="tasks-heading">{ "Tasks" }</h2>
                <button class="button" onclick={refresh}>{ "Refresh" }</button>
            </div>
            <p class="access-line" data-testid="tasks-access-level">{ match access {
                Access::Write => "Full access: changes are saved to Google Tasks.",
                _ => "Read-only access: you can look at your tasks. Changing one asks Google for more access first.",
            } }</p>
            { for declined }
            { for prompt }
            { for failure }
            <TaskFilters tasks={tasks.clone()} />
            <NewTaskForm tasks={tasks.clone()} />
            { rows }
            if !state.complete {
                <p class="hint">{ format!("Only the first {MAX_PAGES} pages are shown.") }</p>
            }
        </section>
    }
}

/// What a failed change left behind, so the person knows nothing they did is lost.
fn outcome(step: ApiStep) -> Option<&'static str> {
    Some(match step {
        ApiStep::CreateTask => {
            "The task was not added. What you typed is still in the New task field: press Add task to try again."
        }
        ApiStep::RenameTask => {
            "The old title is back. Your new title is still in the field: press Save to try again."
        }
        ApiStep::CompleteTask | ApiStep::ReopenTask | ApiStep::DeleteTask => {
            "The task is back as it was."
        }
        _ => return None,
    })
}
