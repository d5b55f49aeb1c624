use crate::hooks::tasks::TasksHandle;
use crate::keyboard::on_escape;
use crate::tasks_state::ListForm;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TaskListControlsProps {
    pub tasks: TasksHandle,
}

/// The chosen list's own actions: a new list, renaming this one, deleting it (after a
/// confirmation that says how many tasks go with it; Google's default list, the first, cannot
/// be deleted). The name typed stays in the draft until Google has the list.
#[component]
pub fn TaskListControls(props: &TaskListControlsProps) -> Html {
    let tasks = &props.tasks;
    let state = tasks.state();
    let field = use_node_ref();
    let confirm = use_node_ref();
    let form_open = state.draft.list_form.is_some();
    {
        let field = field.clone();
        use_effect_with(form_open, move |open| {
            if *open {
                if let Some(input) = field.cast::<HtmlElement>() {
                    let _ = input.focus();
                }
            }
        });
    }
    let confirming = state.confirm_delete.as_ref().map(|c| c.list_id.clone());
    {
        let confirm = confirm.clone();
        use_effect_with(confirming.clone(), move |confirming| {
            if confirming.is_some() {
                if let Some(section) = confirm.cast::<HtmlElement>() {
                    let _ = section.focus();
                }
            }
        });
    }
    let Some(list) = state.list().cloned() else {
        return html! {};
    };
    let is_default = state.lists().first().is_some_and(|l| l.id == list.id);
    let open = |form: ListForm| {
        let tasks = tasks.clone();
        Callback::from(move |_: MouseEvent| tasks.list_form(Some(form.clone())))
    };
    let ask_delete = {
        let (tasks, id) = (tasks.clone(), list.id.clone());
        Callback::from(move |_: MouseEvent| tasks.ask_to_delete_list(id.clone()))
    };

    let form = state.draft.list_form.clone().map(|form| {
        let (label, button, value) = match &form {
            ListForm::New(title) => ("Name of the new list", "Make list", title.clone()),
            ListForm::Rename { title, .. } => ("New name of the list", "Rename list", title.clone()),
        };
        let oninput = {
            let (tasks, form) = (tasks.clone(), form.clone());
            Callback::from(move |e: InputEvent| {
                let value = e.target_unchecked_into::<HtmlInputElement>().value();
                tasks.list_form(Some(match &form {
                    ListForm::New(_) => ListForm::New(value),
                    ListForm::Rename { list_id, .. } => ListForm::Rename {
                        list_id: list_id.clone(),
                        title: value,
                    },
                }));
            })
        };
        let onsubmit = {
            let (tasks, new) = (tasks.clone(), matches!(form, ListForm::New(_)));
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                if new {
                    tasks.create_list()
                } else {
                    tasks.rename_list()
                }
            })
        };
        let cancel = {
            let tasks = tasks.clone();
            Callback::from(move |_: MouseEvent| tasks.list_form(None))
        };
        let onkeydown = {
            let tasks = tasks.clone();
            on_escape(move || tasks.list_form(None))
        };
        html! {
            <form class="list-form" {onsubmit} {onkeydown}>
                <label for="list-name">{ label }</label>
                <div class="row">
                    <input ref={field.clone()} id="list-name" type="text" maxlength="1024" required=true
                        autocomplete="off" {value} {oninput} />
                    <button type="submit" class="button primary">{ button }</button>
                    <button type="button" class="button" onclick={cancel}>{ "Cancel" }</button>
                </div>
            </form>
        }
    });

    let confirmation = state.confirm_delete.as_ref().filter(|c| c.list_id == list.id).map(|c| {
        let (question, ready) = match c.count {
            None => (format!("Counting the tasks in “{}”…", list.title), false),
            Some(Ok(0)) => (format!("Delete the list “{}”? It has no tasks.", list.title), true),
            Some(Ok(1)) => (format!("Delete the list “{}” and the 1 task in it? Google deletes it with the list.", list.title), true),
            Some(Ok(n)) => (format!("Delete the list “{}” and the {n} tasks in it? Google deletes them with the list.", list.title), true),
            Some(Err(())) => (format!("Delete the list “{}” and every task in it? Google could not say how many there are.", list.title), true),
        };
        let delete = {
            let (tasks, id) = (tasks.clone(), list.id.clone());
            Callback::from(move |_: MouseEvent| tasks.delete_list(id.clone()))
        };
        let keep = {
            let tasks = tasks.clone();
            Callback::from(move |_: MouseEvent| tasks.keep_list())
        };
        let delete_label = match c.count {
            Some(Ok(n)) if n > 0 => format!("Delete the list and its {n} {}", if n == 1 { "task" } else { "tasks" }),
            _ => "Delete the list".to_owned(),
        };
        html! {
            <section ref={confirm.clone()} class="confirm" role="group" tabindex="-1"
                aria-labelledby="confirm-delete" data-testid="confirm-delete-list">
                <p id="confirm-delete" aria-live="polite">{ question }</p>
                <div class="row">
                    <button class="button danger" onclick={delete} disabled={!ready}>{ delete_label }</button>
                    <button class="button" onclick={keep}>{ "Keep the list" }</button>
                </div>
            </section>
        }
    });

    html! {
        <div class="list-controls">
            if !form_open && confirmation.is_none() {
                <div class="row">
                    <button class="button small" onclick={open(ListForm::New(String::new()))}>{ "New list" }</button>
                    <button class="button small" aria-label={format!("Rename list “{}”", list.title)}
                        onclick={open(ListForm::Rename { list_id: list.id.clone(), title: list.title.clone() })}>
                        { "Rename list" }</button>
                    if is_default {
                        <span class="hint">{ "Google's default list cannot be deleted." }</span>
                    } else {
                        <button class="button small danger" aria-label={format!("Delete list “{}”", list.title)}
                            onclick={ask_delete}>{ "Delete list" }</button>
                    }
                </div>
            }
            { for form }
            { for confirmation }
        </div>
    }
}
