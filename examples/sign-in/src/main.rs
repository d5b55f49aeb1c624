//! A Yew app of your own that signs in with Google (or the project's emulator) through the
//! library, every check made in the page, and calls one API with the session's token: the
//! person's task lists. `trunk serve` here, with a config.json beside index.html.

use browser_oauth::auth::SignedIn;
use browser_oauth::google::request::{call, ApiError, Body, Method};
use browser_oauth::ui::auth_context::{use_auth, AuthStatus, Notice};
use oauth::{config::GOOGLE_TASKS_API, json::Json, scopes::google::TASKS_READONLY};
use std::rc::Rc;
use yew::prelude::*;

fn main() {
    browser_oauth::ui::start_app::<Page>();
}

#[component]
fn Page() -> Html {
    let auth = use_auth();
    let notice = match &auth.state.notice {
        Some(Notice::Error(error)) => html! { <p role="alert">{ error.to_string() }</p> },
        Some(Notice::Info(text)) => html! { <p>{ *text }</p> },
        None => html! {},
    };
    let body = match &auth.state.status {
        AuthStatus::SignedIn(signed_in) => html! { <Lists signed_in={signed_in.clone()} /> },
        AuthStatus::SignedOut => {
            let onclick = Callback::from(move |_| auth.sign_in());
            html! { <button {onclick}>{ "Sign in" }</button> }
        }
        _ => html! { <p>{ "Checking…" }</p> },
    };
    html! { <main><h1>{ "Your task lists" }</h1>{ notice }{ body }</main> }
}

#[derive(Properties, PartialEq)]
struct ListsProps {
    signed_in: Rc<SignedIn>,
}

#[component]
fn Lists(props: &ListsProps) -> Html {
    let auth = use_auth();
    let lists = use_state(|| None::<Result<Vec<String>, ApiError>>);
    let url = auth
        .config
        .api_url(GOOGLE_TASKS_API, "/tasks/v1/users/@me/lists");
    let (token, shown) = (props.signed_in.session.access_token.clone(), lists.clone());
    let load = Callback::from(move |_| {
        let (lists, token, url) = (shown.clone(), token.clone(), url.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let answer = call(Method::Get, &url, &token, Body::None).await;
            lists.set(Some(answer.map(|answer| titles(&answer.text))));
        });
    });
    let ask = Callback::from(move |_| auth.request_scopes(&[TASKS_READONLY], None));
    let who = props.signed_in.session.email.clone().unwrap_or_default();
    let shown = match &*lists {
        Some(Ok(titles)) => {
            html! { <ul>{ for titles.iter().map(|t| html! { <li>{ t }</li> }) }</ul> }
        }
        Some(Err(error)) => html! { <p role="alert">{ error.to_string() }</p> },
        None => html! {},
    };
    html! { <>
        <p>{ format!("Signed in as {who}") }</p>
        <button onclick={load}>{ "Show my task lists" }</button>
        <button onclick={ask}>{ "Allow reading my tasks" }</button>
        { shown }
    </> }
}

/// The lists' titles in a Tasks API answer (`{"items": [{"title": …}, …]}`).
fn titles(body: &str) -> Vec<String> {
    let json = Json::parse(body).ok();
    let items = json.as_ref().and_then(|j| j.get("items")?.as_array());
    let titles = items
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("title")?.as_str());
    titles.map(str::to_owned).collect()
}
