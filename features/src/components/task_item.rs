use super::TaskDetails;
use crate::google::task_dates;
use crate::google::task_order::Step;
use crate::google::tasks::TaskChange;
use crate::hooks::tasks::TasksHandle;
use crate::keyboard::on_escape;
use crate::tasks_state::{Details, Editing, Row};
use seam::browser::clock::local_date;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TaskItemProps {
    pub row: Row,
    pub tasks: TasksHandle,
    /// Its subtasks, in Google's order: shown as a list inside this task's item.
    #[prop_or_default]
    pub subtasks: Vec<Row>,
    /// A subtask whose parent is not shown (left out by "show completed"), shown at the top.
    #[prop_or_default]
    pub loose: bool,
}

/// One task: its checkbox (named by the title), due date and notes, Rename and Delete; or,
/// while renaming, a small form (Enter saves, Escape cancels). Focus goes into the form when
/// it opens and back to Rename when it closes.
#[component]
pub fn TaskItem(props: &TaskItemProps) -> Html {
    let task = &props.row.task;
    let saving = props.row.is_saving();
    let subtasks = (!props.subtasks.is_empty()).then(|| {
        html! {
            <ul class="task-items subtasks" aria-label={format!("Subtasks of “{}”", task.title)}>
                { for props.subtasks.iter().map(|row| html! {
                    <TaskItem key={row.task.id.clone()} row={row.clone()} tasks={props.tasks.clone()} />
                }) }
            </ul>
        }
    });
    let editing = props
        .tasks
        .state()
        .draft
        .editing
        .as_ref()
        .filter(|e| e.task_id == task.id && !saving)
        .map(|e| e.title.clone());
    let (input, rename_button, handle) = (use_node_ref(), use_node_ref(), use_node_ref());
    // After a move the row may be a new element: focus goes to its handle when asked.
    {
        let (handle, id) = (handle.clone(), task.id.clone());
        let focus = props.tasks.state().focus.clone();
        use_effect_with(focus, move |focus| {
            if focus.as_ref().is_some_and(|(target, _)| *target == id) {
                if let Some(element) = handle.cast::<HtmlElement>() {
                    let _ = element.focus();
                }
            }
        });
    }
    let was_editing = use_mut_ref(|| false);
    {
        let (input, rename_button) = (input.clone(), rename_button.clone());
        use_effect_with(editing.is_some(), move |now| {
            let target = match (*now, *was_editing.borrow()) {
                (true, false) => input.cast::<HtmlElement>(),
                (false, true) => rename_button.cast::<HtmlElement>(),
                _ => None,
            };
            if let Some(element) = target {
                let _ = element.focus();
            }
            *was_editing.borrow_mut() = *now;
        });
    }

    let id = task.id.clone();
    let edit = |title: Option<String>| {
        let (tasks, id) = (props.tasks.clone(), id.clone());
        move || {
            tasks.edit(title.clone().map(|title| Editing {
                task_id: id.clone(),
                title,
            }))
        }
    };

    if let Some(text) = editing {
        let oninput = {
            let (tasks, id) = (props.tasks.clone(), id.clone());
            Callback::from(move |e: InputEvent| {
                let field: HtmlInputElement = e.target_unchecked_into();
                tasks.edit(Some(Editing {
                    task_id: id.clone(),
                    title: field.value(),
                }));
            })
        };
        let cancel = edit(None);
        let onkeydown = on_escape(cancel.clone());
        let onsubmit = {
            let (tasks, id, old) = (props.tasks.clone(), id.clone(), task.title.clone());
            let (text, cancel) = (text.clone(), cancel.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                let title = text.trim().to_owned();
                if title == old {
                    cancel();
                } else if !title.is_empty() {
                    tasks.change(id.clone(), TaskChange::Rename(title));
                }
            })
        };
        let field_id = format!("rename-{id}");
        return html! {
            <li class="task editing" data-testid="task">
                <form class="rename" {onsubmit}>
                    <label for={field_id.clone()}>{ format!("New title for “{}”", task.title) }</label>
                    <div class="row">
                        <input ref={input} id={field_id} type="text" maxlength="1024" required=true
                            value={text} {oninput} {onkeydown} />
                        <button type="submit" class="button primary">{ "Save" }</button>
                        <button type="button" class="button" onclick={Callback::from(move |_| cancel())}>
                            { "Cancel" }</button>
                    </div>
                </form>
                { for subtasks }
            </li>
        };
    }

    let completed = task.is_completed();
    // Controls of a row being saved are marked aria-disabled rather than disabled: a disabled
    // element drops keyboard focus, and the person would lose their place in the list.
    let on_toggle = {
        let (tasks, id) = (props.tasks.clone(), id.clone());
        Callback::from(move |e: Event| {
            if saving {
                let input: HtmlInputElement = e.target_unchecked_into();
                input.set_checked(completed);
                return;
            }
            let change = if completed {
                TaskChange::Reopen
            } else {
                TaskChange::Complete
            };
            tasks.change(id.clone(), change);
        })
    };
    let start_rename = {
        let start = edit(Some(task.title.clone()));
        Callback::from(move |_| {
            if !saving {
                start()
            }
        })
    };
    let on_delete = {
        let (tasks, id) = (props.tasks.clone(), id.clone());
        Callback::from(move |_| {
            if !saving {
                tasks.delete(id.clone())
            }
        })
    };
    let busy = saving.then_some("true");
    let checkbox_id = format!("task-{id}");
    let title = if task.title.is_empty() {
        "(no title)".to_owned()
    } else {
        task.title.clone()
    };
    let subtask = task.parent.is_some() && !props.loose;
    // Alt+Arrow keys move the task, from any control of its row (not from a form inside it).
    let on_keys = {
        let (tasks, id) = (props.tasks.clone(), id.clone());
        Callback::from(move |e: KeyboardEvent| {
            if !e.alt_key() || e.ctrl_key() || e.meta_key() {
                return;
            }
            let step = match e.key().as_str() {
                "ArrowUp" => Step::Up,
                "ArrowDown" => Step::Down,
                "ArrowRight" => Step::Indent,
                "ArrowLeft" => Step::Outdent,
                _ => return,
            };
            e.prevent_default();
            tasks.step(id.clone(), step);
        })
    };
    let step_button = |step: Step| {
        let (tasks, id) = (props.tasks.clone(), id.clone());
        Callback::from(move |_: MouseEvent| tasks.step(id.clone(), step))
    };
    let on_drag_start = {
        let (tasks, id) = (props.tasks.clone(), id.clone());
        Callback::from(move |e: DragEvent| {
            if let Some(data) = e.data_transfer() {
                data.set_effect_allowed("move");
                let _ = data.set_data("text/plain", &id);
            }
            tasks.start_drag(id.clone());
        })
    };
    let on_drag_end = {
        let tasks = props.tasks.clone();
        Callback::from(move |_: DragEvent| tasks.end_drag())
    };
    let on_drag_over = {
        let tasks = props.tasks.clone();
        Callback::from(move |e: DragEvent| {
            if tasks.dragged().is_some() {
                // Allows the drop here (the default is to refuse it).
                e.prevent_default();
            }
        })
    };
    let on_drop = {
        let (tasks, id) = (props.tasks.clone(), id.clone());
        Callback::from(move |e: DragEvent| {
            // The innermost task under the pointer takes the drop, not its parent too.
            e.stop_propagation();
            if let Some(dragged) = tasks.dragged() {
                e.prevent_default();
                tasks.end_drag();
                tasks.drop_before(dragged, id.clone());
            }
        })
    };
    let open_details = {
        let (tasks, task) = (props.tasks.clone(), task.clone());
        Callback::from(move |_: MouseEvent| {
            if saving {
                return;
            }
            let list_id = tasks.state().draft.list_id.clone().unwrap_or_default();
            tasks.edit_details(Some(Details {
                task_id: task.id.clone(),
                notes: task.notes.clone().unwrap_or_default(),
                due: task
                    .due
                    .as_deref()
                    .and_then(task_dates::date_of)
                    .unwrap_or_default()
                    .to_owned(),
                list_id,
            }))
        })
    };
    let details = props
        .tasks
        .state()
        .draft
        .details
        .clone()
        .filter(|d| d.task_id == task.id && !saving);
    let today = props.tasks.today();
    let overdue = task_dates::is_overdue(task.due.as_deref(), completed, &today);
    html! {
        <li class={classes!("task", completed.then_some("done"), saving.then_some("saving"), overdue.then_some("overdue"))}
            data-testid="task" data-completed={completed.to_string()}
            ondragover={on_drag_over} ondrop={on_drop}>
            <div class="task-row" onkeydown={on_keys}>
            <button ref={handle} type="button" class="handle" draggable="true"
                aria-label={format!("Move “{title}”")} aria-describedby="move-hint"
                ondragstart={on_drag_start} ondragend={on_drag_end}>
                <span aria-hidden="true">{ "⠿" }</span>
            </button>
            <input type="checkbox" id={checkbox_id.clone()} checked={completed} aria-disabled={busy}
                onchange={on_toggle} />
            <div class="task-body">
                <label for={checkbox_id} class="task-title">{ title.clone() }</label>
                if let Some(due) = &task.due {
                    <span class="due" data-testid="task-due">{ match overdue {
                        true => format!("overdue: was due {}", local_date(due)),
                        false => format!("due {}", local_date(due)),
                    } }</span>
                }
                if task.hidden {
                    <span class="badge">{ "hidden" }</span>
                }
                if props.loose {
                    <span class="badge">{ "subtask of a task not shown" }</span>
                }
                if saving {
                    <span class="saving">{ "Saving…" }</span>
                }
                if let Some(notes) = &task.notes {
                    <p class="task-notes">{ notes.clone() }</p>
                }
            </div>
            <div class="task-actions">
                if subtask {
                    <button class="button small" aria-label={format!("Outdent “{title}” out of its parent task")}
                        onclick={step_button(Step::Outdent)}>{ "Outdent" }</button>
                } else if !props.loose {
                    <button class="button small" aria-label={format!("Indent “{title}” under the task above")}
                        onclick={step_button(Step::Indent)}>{ "Indent" }</button>
                }
                <button class="button small" aria-disabled={busy} aria-expanded={details.is_some().to_string()}
                    aria-label={format!("Details of “{title}”: notes, due date, list")} onclick={open_details}>{ "Details" }</button>
                <button ref={rename_button} class="button small" aria-disabled={busy}
                    aria-label={format!("Rename “{title}”")} onclick={start_rename}>{ "Rename" }</button>
                <button class="button small danger" aria-disabled={busy}
                    aria-label={format!("Delete “{title}”")} onclick={on_delete}>{ "Delete" }</button>
            </div>
            </div>
            if let Some(details) = details {
                <TaskDetails tasks={props.tasks.clone()} {details} title={title.clone()} />
            }
            { for subtasks }
        </li>
    }
}
