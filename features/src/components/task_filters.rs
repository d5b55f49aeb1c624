use crate::google::tasks::TaskFilter;
use crate::hooks::tasks::TasksHandle;
use crate::tasks_state::Load;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TaskFiltersProps {
    pub tasks: TasksHandle,
}

/// Which list, and whether completed and hidden tasks show.
#[component]
pub fn TaskFilters(props: &TaskFiltersProps) -> Html {
    let state = props.tasks.state();
    let filter = state.draft.filter();
    let on_list = {
        let tasks = props.tasks.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            tasks.select(select.value());
        })
    };
    let toggle = |set: fn(&mut TaskFilter, bool)| {
        let tasks = props.tasks.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = filter;
            set(&mut next, input.checked());
            tasks.set_filter(next);
        })
    };
    let on_completed = toggle(|f, on| f.show_completed = on);
    let on_hidden = toggle(|f, on| f.show_hidden = on);
    let selected = state.draft.list_id.clone().unwrap_or_default();
    let options = match &state.lists {
        Load::Ready(lists) => html! {
            { for lists.iter().map(|list| html! {
                <option value={list.id.clone()} selected={list.id == selected}>{ list.title.clone() }</option>
            }) }
        },
        Load::Loading => html! { <option>{ "Loading…" }</option> },
        Load::Failed => html! { <option>{ "Unavailable" }</option> },
    };
    let ready = matches!(state.lists, Load::Ready(_));
    html! {
        <div class="task-controls">
            <label class="field">
                <span>{ "Task list" }</span>
                <select id="task-list" onchange={on_list} disabled={!ready}>{ options }</select>
            </label>
            <label class="check">
                <input type="checkbox" checked={filter.show_completed} onchange={on_completed} />
                { "Show completed" }
            </label>
            <label class="check">
                <input type="checkbox" checked={filter.show_hidden} onchange={on_hidden} />
                { "Show hidden" }
            </label>
        </div>
    }
}
