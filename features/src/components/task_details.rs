use crate::hooks::tasks::TasksHandle;
use crate::keyboard::on_escape;
use crate::tasks_state::Details;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TaskDetailsProps {
    pub tasks: TasksHandle,
    /// The form's fields as they are now (the draft: kept until Google has them).
    pub details: Details,
    pub title: AttrValue,
}

/// A task's notes, due date and list. Save sends one PATCH of what changed, then moves the task
/// if another list was chosen; Cancel or Escape closes the form. Focus goes to the notes when
/// it opens.
#[component]
pub fn TaskDetails(props: &TaskDetailsProps) -> Html {
    let notes_ref = use_node_ref();
    {
        let notes_ref = notes_ref.clone();
        use_effect_with((), move |_| {
            if let Some(field) = notes_ref.cast::<HtmlElement>() {
                let _ = field.focus();
            }
        });
    }
    let d = &props.details;
    let set = |change: fn(&mut Details, String)| {
        let (tasks, details) = (props.tasks.clone(), d.clone());
        move |value: String| {
            let mut next = details.clone();
            change(&mut next, value);
            tasks.edit_details(Some(next));
        }
    };
    let on_notes = {
        let set = set(|d, v| d.notes = v);
        Callback::from(move |e: InputEvent| {
            set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_due = {
        let set = set(|d, v| d.due = v);
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let no_due = {
        let set = set(|d, v| d.due = v);
        Callback::from(move |_: MouseEvent| set(String::new()))
    };
    let on_list = {
        let set = set(|d, v| d.list_id = v);
        Callback::from(move |e: Event| set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let cancel = {
        let tasks = props.tasks.clone();
        move || tasks.edit_details(None)
    };
    let onkeydown = on_escape(cancel.clone());
    let onsubmit = {
        let tasks = props.tasks.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tasks.save_details();
        })
    };
    let id = |what: &str| format!("{what}-{}", d.task_id);
    let lists = props.tasks.state().lists().to_vec();
    html! {
        <form class="details" data-testid="task-details" {onsubmit} {onkeydown}
            aria-label={format!("Details of “{}”", props.title)}>
            <label for={id("notes")}>{ "Notes" }</label>
            <textarea ref={notes_ref} id={id("notes")} rows="3" maxlength="8192"
                value={d.notes.clone()} oninput={on_notes} />
            <div class="row">
                <div class="field">
                    <label for={id("due")}>{ "Due date" }</label>
                    <input id={id("due")} type="date" value={d.due.clone()} onchange={on_due}
                        aria-describedby={id("due-hint")} />
                </div>
                <button type="button" class="button small" onclick={no_due}
                    aria-label={format!("No due date for “{}”", props.title)}>{ "No due date" }</button>
                <div class="field">
                    <label for={id("list")}>{ "List" }</label>
                    <select id={id("list")} onchange={on_list}>
                        { for lists.iter().map(|list| html! {
                            <option value={list.id.clone()} selected={list.id == d.list_id}>{ list.title.clone() }</option>
                        }) }
                    </select>
                </div>
            </div>
            <p class="hint" id={id("due-hint")}>{ "Google keeps a date only, as midnight UTC: the same day wherever you are." }</p>
            <div class="row">
                <button type="submit" class="button primary">{ "Save" }</button>
                <button type="button" class="button" onclick={Callback::from(move |_| cancel())}>{ "Cancel" }</button>
            </div>
        </form>
    }
}
