use crate::ui::view::View;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ViewTabsProps {
    pub current: View,
    pub on_select: Callback<View>,
}

/// The signed-in views, as a row of buttons; the current one is marked `aria-current`.
#[component]
pub fn ViewTabs(props: &ViewTabsProps) -> Html {
    html! {
        <nav class="views" aria-label="Views">
            { for View::ALL.into_iter().map(|view| {
                let current = view == props.current;
                let onclick = props.on_select.reform(move |_| view);
                html! {
                    <button class={classes!("tab", current.then_some("current"))}
                        aria-current={current.then_some("page")} {onclick}>
                        { view.label() }
                    </button>
                }
            }) }
        </nav>
    }
}
