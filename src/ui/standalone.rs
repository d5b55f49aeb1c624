//! An app of your own around the sign-in library, without this project's front door: one call
//! does what the front door and `take_over` do for ours, then renders your page inside the
//! [`AuthProvider`], where `use_auth()` gives its components the state and the actions
//! (README → Use it in your own Yew app; `examples/sign-in/` is one, end to end tested).

use super::app::Arrival;
use super::auth_context::AuthProvider;
use crate::auth::relay;
use crate::browser::{location, popup};
use crate::config_source::ConfigSource;
use oauth::ClientConfig;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// Call first thing on load, in place of `yew::Renderer::<Page>::new().render()`:
///
/// 1. takes any authorization answer out of the URL before anything renders (RFC 9700
///    §4.3.2), for the auth context to check;
/// 2. inside a sign-in popup (decided from the window, never from storage), relays the answer
///    to the tab that asked and renders nothing: the popup closes;
/// 3. reads config.json beside the page and renders `Page` inside an [`AuthProvider`], or, if
///    config.json is missing or wrong, says what is wrong with it in words.
pub fn start_app<Page: BaseComponent<Properties = ()>>() {
    let answer = location::take_authorization_response();
    if let Some(answer) = &answer {
        if popup::is_inside_popup() {
            relay::relay_to_opener(answer);
            return;
        }
    }
    let arrival = Rc::new(Arrival {
        answer: answer.map(Rc::from),
        popup: RefCell::new(None),
        focus: None,
        click: None,
    });
    spawn_local(async move {
        let config = ConfigSource::fetch()
            .await
            .parse(None)
            .map(Rc::new)
            .map_err(|errors| {
                let words: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect();
                words.join("; ")
            });
        yew::Renderer::<Standalone<Page>>::with_props(StandaloneProps { config, arrival }).render();
    });
}

#[derive(Properties)]
struct StandaloneProps {
    config: Result<Rc<ClientConfig>, String>,
    arrival: Rc<Arrival>,
}

impl PartialEq for StandaloneProps {
    /// Rendered once and never given new props.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.arrival, &other.arrival)
    }
}

#[component]
fn Standalone<Page: BaseComponent<Properties = ()>>(props: &StandaloneProps) -> Html {
    match &props.config {
        Ok(config) => html! {
            <AuthProvider config={config.clone()} arrival={props.arrival.clone()}>
                <Page />
            </AuthProvider>
        },
        Err(words) => html! {
            <main>
                <h1>{ "This app cannot start" }</h1>
                <p role="alert">{ format!("config.json cannot be used: {words}") }</p>
            </main>
        },
    }
}
