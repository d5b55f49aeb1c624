use crate::ui::view::View;
use yew::prelude::*;

/// The signed-in views, as a row of buttons; the current one is marked `aria-current`.
pub fn view_tabs(current: View, on_select: &Callback<View>) -> Html {
    html! {
        <nav class="views" aria-label="Views">
            { for View::ALL.into_iter().map(|view| {
                let is_current = view == current;
                let onclick = on_select.reform(move |_| view);
                html! {
                    <button class={classes!("tab", is_current.then_some("current"))}
                        aria-current={is_current.then_some("page")} {onclick}>
                        { view.label() }
                    </button>
                }
            }) }
        </nav>
    }
}
