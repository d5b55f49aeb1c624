use super::{
    notice_view, FailureNotice, NewTaskForm, TaskFilters, TaskItem, TaskListControls, WritePrompt,
};
use crate::feature_root::use_feature;
use crate::hooks::tasks::use_tasks;
use crate::tasks_state::{Load, Row};
use oauth::paging::MAX_PAGES;
use oauth::scopes::{google, TASKS_API};
use oauth::Access;
use seam::error::{ApiStep, AppError};
use seam::notice::Notice;
use seam::view::View;
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
        let about = state.failure_about.clone().unwrap_or_default();
        let outcome = step
            .and_then(|step| outcome(step, &about))
            .map(AttrValue::from);
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
        // Tasks and Calendar are Google's APIs: Google is who answered.
        notice_view(&notice, &oauth::ProviderName::Google, html! {})
    });
    let refresh = {
        let tasks = tasks.clone();
        Callback::from(move |_| tasks.reload())
    };
    let list_title = state.list().map(|l| l.title.clone()).unwrap_or_default();
    let completed = state
        .rows()
        .iter()
        .filter(|r| r.task.is_completed() && !r.task.hidden)
        .count();
    let clear = {
        let tasks = tasks.clone();
        Callback::from(move |_| tasks.clear_completed())
    };
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
            <TaskListControls tasks={tasks.clone()} />
            <NewTaskForm tasks={tasks.clone()} />
            <p class="hint" id="move-hint">{ "Alt+ArrowUp and Alt+ArrowDown move a task among its siblings; Alt+ArrowRight makes it a subtask of the task above, Alt+ArrowLeft moves it out. With a pointer, drag a task by its handle onto the task it should go before." }</p>
            if completed > 0 {
                <p class="clear-completed">
                    <button class="button small" onclick={clear}>
                        { format!("Clear completed ({completed})") }</button>
                    <span class="hint">{ match completed {
                        1 => "Google hides the 1 completed task of this list (“Show hidden” shows it again).".to_owned(),
                        n => format!("Google hides the {n} completed tasks of this list (“Show hidden” shows them again)."),
                    } }</span>
                </p>
            }
            { rows }
            // What a move did, said once by screen readers (the rows move silently otherwise).
            <p class="visually-hidden" role="status" data-testid="tasks-said">{ state.said.clone().unwrap_or_default() }</p>
            if !state.complete {
                <p class="hint">{ format!("Only the first {MAX_PAGES} pages are shown.") }</p>
            }
        </section>
    }
}

/// What a failed change left behind, so the person knows nothing they did is lost, naming the
/// task or list it was about.
fn outcome(step: ApiStep, about: &str) -> Option<String> {
    let named = |what: &str| match about.is_empty() {
        true => what.to_owned(),
        false => format!("“{about}”"),
    };
    Some(match step {
        ApiStep::CreateTask => {
            "The task was not added. What you typed is still in the New task field: press Add task to try again.".to_owned()
        }
        ApiStep::RenameTask => {
            "The old title is back. Your new title is still in the field: press Save to try again.".to_owned()
        }
        ApiStep::CompleteTask | ApiStep::ReopenTask | ApiStep::DeleteTask => {
            format!("{} is back as it was.", named("The task"))
        }
        ApiStep::EditTask => format!(
            "{}'s notes and due date are back as they were; what you typed is still in its details, press Save to try again.",
            named("The task")
        ),
        ApiStep::MoveTask => format!("{} is back where it was.", named("The task")),
        ApiStep::MoveTaskToList => format!("{} is back in this list.", named("The task")),
        ApiStep::ClearCompleted => "The completed tasks are back in view.".to_owned(),
        ApiStep::CreateList => format!(
            "The list {} was not made; its name is still in the field.",
            named("")
        ),
        ApiStep::RenameList => format!(
            "The list keeps its name {}; the new name is still in the field.",
            named("")
        ),
        ApiStep::DeleteList => format!("The list {} is back, with its tasks.", named("")),
        _ => return None,
    })
}
