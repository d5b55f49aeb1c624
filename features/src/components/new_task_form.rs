use crate::hooks::tasks::TasksHandle;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct NewTaskFormProps {
    pub tasks: TasksHandle,
}

/// A new task's title. The text stays in the field (and in sessionStorage) until Google has
/// saved the task, so a failure never takes it away.
#[component]
pub fn NewTaskForm(props: &NewTaskFormProps) -> Html {
    let state = props.tasks.state();
    let oninput = {
        let tasks = props.tasks.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            tasks.type_title(input.value());
        })
    };
    let onsubmit = {
        let tasks = props.tasks.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            tasks.add();
        })
    };
    html! {
        <form class="new-task" {onsubmit}>
            <label for="new-task">{ "New task" }</label>
            <div class="row">
                <input id="new-task" type="text" autocomplete="off" maxlength="1024" required=true
                    placeholder="What needs doing?" value={state.draft.new_title.clone()} {oninput} />
                // aria-disabled, not disabled, so focus stays on it; `add` ignores a second press.
                <button type="submit" class="button primary" aria-disabled={state.adding.then_some("true")}>
                    { if state.adding { "Adding…" } else { "Add task" } }
                </button>
            </div>
        </form>
    }
}
