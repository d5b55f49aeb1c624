//! The root of every view the features module mounts: it hands the view the host and the
//! session through a context, as the sign-in module's `AuthProvider` does for its own views.

use super::components::{CalendarView, Inspector, TasksView};
use seam::host::{Feature, FeatureSession, Host};
use std::rc::Rc;
use yew::prelude::*;

/// What a feature's components get from [`use_feature`].
#[derive(Clone, PartialEq)]
pub struct FeatureContext {
    pub host: Host,
    pub session: Rc<FeatureSession>,
}

#[hook]
pub fn use_feature() -> FeatureContext {
    use_context::<FeatureContext>().expect("use_feature must be called inside <FeatureRoot>")
}

#[derive(Properties, PartialEq)]
pub struct FeatureRootProps {
    pub feature: Feature,
    pub host: Host,
    pub session: Rc<FeatureSession>,
}

#[component]
pub fn FeatureRoot(props: &FeatureRootProps) -> Html {
    let context = FeatureContext {
        host: props.host.clone(),
        session: props.session.clone(),
    };
    let view = match props.feature {
        Feature::Tasks => html! { <TasksView /> },
        Feature::Calendar => html! { <CalendarView /> },
        Feature::Inspector => html! { <Inspector /> },
    };
    html! {
        <ContextProvider<FeatureContext> {context}>{ view }</ContextProvider<FeatureContext>>
    }
}
