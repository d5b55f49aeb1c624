use crate::browser::clock::local_date;
use crate::google::tasks::TaskChange;
use crate::ui::hooks::tasks::TasksHandle;
use crate::ui::tasks_state::{Editing, Row};
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
    let (input, rename_button) = (use_node_ref(), use_node_ref());
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
        let onkeydown = {
            let cancel = cancel.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Escape" {
                    e.prevent_default();
                    cancel();
                }
            })
        };
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
    html! {
        <li class={classes!("task", completed.then_some("done"), saving.then_some("saving"))}
            data-testid="task" data-completed={completed.to_string()}>
            <div class="task-row">
            <input type="checkbox" id={checkbox_id.clone()} checked={completed} aria-disabled={busy}
                onchange={on_toggle} />
            <div class="task-body">
                <label for={checkbox_id} class="task-title">{ title.clone() }</label>
                if let Some(due) = &task.due {
                    <span class="due">{ format!("due {}", local_date(due)) }</span>
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
                <button ref={rename_button} class="button small" aria-disabled={busy}
                    aria-label={format!("Rename “{title}”")} onclick={start_rename}>{ "Rename" }</button>
                <button class="button small danger" aria-disabled={busy}
                    aria-label={format!("Delete “{title}”")} onclick={on_delete}>{ "Delete" }</button>
            </div>
            </div>
            { for subtasks }
        </li>
    }
}
