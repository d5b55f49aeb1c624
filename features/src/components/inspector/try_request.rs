//! "Try a request": any request with the session's token, as Google's OAuth 2.0 Playground
//! offers, sent through the one authorised request function and recorded on the timeline
//! like every other call, with the raw answer.

use super::{use_announcer, Record};
use crate::feature_root::{use_feature, FeatureContext};
use crate::hooks::playground::{send_context, use_playground, PlaygroundHandle};
use crate::hooks::Draft;
use crate::playground_state::Phase;
use oauth::api::Method;
use oauth::playground::{presets, pretty_json, reason_phrase, Composed, TOKEN_PLACEHOLDER};
use oauth::scopes::google::describe;
use seam::host::CallAnswer;
use seam::view::View;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TryRequestProps {
    /// The record, to hide secrets in the answer and to find the step it was recorded as.
    pub record: Record,
}

#[component]
pub fn TryRequest(props: &TryRequestProps) -> Html {
    let feature = use_feature();
    let playground = use_playground();
    let announce = use_announcer();
    {
        let (state, announce) = (playground.state.clone(), announce.clone());
        use_effect_with(playground.state.said, move |said| {
            if *said > 0 {
                announce.say(state.announcement());
            }
        });
    }
    let signed_in = !feature.session.granted_scopes.is_empty();
    let onsubmit = {
        let (playground, session) = (playground.clone(), feature.session.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !matches!(playground.state.phase, Phase::Sending(_)) {
                playground.submit(send_context(&session));
            }
        })
    };
    let sending = matches!(playground.state.phase, Phase::Sending(_));
    let presets = presets(&feature.session.endpoints());
    html! {
        <section class="playground" aria-labelledby="playground-heading" data-testid="playground">
            <h3 id="playground-heading">{ "Try a request" }</h3>
            <p class="hint">{ "Send any request with this tab's token and see the raw answer. The app adds the token (Authorization, and a DPoP proof where the provider binds tokens) and records the exchange below; you never type the token." }</p>
            if !signed_in {
                <p class="empty">{ "Sign in first: a request goes with the token of the session in use." }</p>
            }
            <div class="presets" role="group" aria-label="Start from a preset">
                <span class="hint">{ "Start from:" }</span>
                { for presets.into_iter().map(|preset| {
                    let playground = playground.clone();
                    let label = preset.label;
                    let onclick = Callback::from(move |_| {
                        playground.method.set(preset.method.as_str().to_owned());
                        playground.url.set(preset.url.clone());
                        playground.headers.set(preset.headers.to_owned());
                        playground.body.set(preset.body.to_owned());
                        playground.edited();
                    });
                    html! { <button type="button" class="button small" {onclick}>{ label }</button> }
                }) }
            </div>
            <form class="request-form" {onsubmit}>
                <div class="request-line">
                    <label for="playground-method" class="visually-hidden">{ "Method" }</label>
                    <select id="playground-method" onchange={select_into(&playground, &playground.method)}>
                        { for Method::ALL.iter().map(|m| {
                            let chosen = playground.method.value();
                            let selected = chosen == m.as_str() || (chosen.is_empty() && *m == Method::Get);
                            html! { <option value={m.as_str()} {selected}>{ m.as_str() }</option> }
                        }) }
                    </select>
                    <label for="playground-url" class="visually-hidden">{ "URL" }</label>
                    <input id="playground-url" type="url" autocomplete="off" spellcheck="false"
                        placeholder="https://…" value={playground.url.value().to_owned()}
                        oninput={input_into(&playground, &playground.url)} />
                    // aria-disabled, not disabled, so focus stays on it while the answer comes.
                    <button type="submit" class="button primary" aria-disabled={sending.then_some("true")}>
                        { if sending { "Sending…" } else { "Send" } }
                    </button>
                </div>
                <label for="playground-headers">{ "Headers" }</label>
                <span id="playground-headers-hint" class="hint">{ "One per line, Name: value. Authorization is added for you." }</span>
                <textarea id="playground-headers" rows="2" spellcheck="false" placeholder="Accept: application/json"
                    aria-describedby="playground-headers-hint"
                    value={playground.headers.value().to_owned()} oninput={text_into(&playground, &playground.headers)} />
                <label for="playground-body">{ "Body" }</label>
                <span id="playground-body-hint" class="hint">{ "None for GET. " }<code>{ TOKEN_PLACEHOLDER }</code>{ " here is replaced by the token, which then goes in the body instead of the Authorization header (RFC 6750 §2: one way per request)." }</span>
                <textarea id="playground-body" rows="3" spellcheck="false" aria-describedby="playground-body-hint"
                    value={playground.body.value().to_owned()} oninput={text_into(&playground, &playground.body)} />
            </form>
            { outcome(&playground, &feature, &props.record) }
        </section>
    }
}

fn input_into(playground: &PlaygroundHandle, draft: &Draft) -> Callback<InputEvent> {
    let (playground, draft) = (playground.clone(), draft.clone());
    Callback::from(move |e: InputEvent| {
        draft.set(e.target_unchecked_into::<HtmlInputElement>().value());
        playground.edited();
    })
}

fn text_into(playground: &PlaygroundHandle, draft: &Draft) -> Callback<InputEvent> {
    let (playground, draft) = (playground.clone(), draft.clone());
    Callback::from(move |e: InputEvent| {
        draft.set(e.target_unchecked_into::<HtmlTextAreaElement>().value());
        playground.edited();
    })
}

fn select_into(playground: &PlaygroundHandle, draft: &Draft) -> Callback<Event> {
    let (playground, draft) = (playground.clone(), draft.clone());
    Callback::from(move |e: Event| {
        draft.set(e.target_unchecked_into::<HtmlSelectElement>().value());
        playground.edited();
    })
}

/// Below the form: why it was not sent, the scope to ask for, or the answer.
fn outcome(playground: &PlaygroundHandle, feature: &FeatureContext, record: &Record) -> Html {
    let (state, host, session) = (&playground.state, &feature.host, &*feature.session);
    match &state.phase {
        Phase::Editing | Phase::Sending(_) => html! {},
        Phase::Refused(problem) => html! {
            <div class="notice error" role="alert" data-testid="playground-refused">
                <p class="notice-message">{ format!("Not sent: {problem}") }</p>
                <p class="notice-code">{ "Error code: " }<code>{ problem.code() }</code></p>
            </div>
        },
        Phase::ScopeMissing { scope, .. } => {
            let send = {
                let state = state.clone();
                Callback::from(move |_| state.dispatch(crate::playground_state::Action::SendAnyway))
            };
            html! {
                <div class="notice prompt" data-testid="playground-scope">
                    <p class="notice-message">{ format!("This token does not carry {scope}, which this API needs for this request.") }</p>
                    { scope_offer(host, scope, true) }
                    <div class="notice-actions">
                        <button type="button" class="button" onclick={send}>{ "Send anyway" }</button>
                    </div>
                </div>
            }
        }
        Phase::Failed { request, error } => html! {
            <div class="notice error" role="alert" data-testid="playground-failed">
                <p class="notice-message">{ format!("No answer to {} {}: {error}.", request.method.as_str(), request.url) }</p>
                if matches!(error, oauth::api::ApiError::Network(_)) {
                    <p class="notice-detail">{ "The browser gives the page no status when it refuses a request itself (CORS: the server did not allow this origin, method or a header) or cannot reach the server; its console says which." }</p>
                }
                <p class="notice-code">{ "Error code: " }<code>{ error.code() }</code></p>
            </div>
        },
        Phase::Answered { request, answer } => {
            let offer = state.offered_scope(session);
            html! {
                <>
                    { answer_view(request, answer, record) }
                    if let Some(scope) = offer {
                        <div class="notice prompt" data-testid="playground-scope">
                            <p class="notice-message">{ format!("The API says the token lacks a scope: {scope}.") }</p>
                            { scope_offer(host, &scope, false) }
                        </div>
                    }
                </>
            }
        }
    }
}

/// Incremental authorization for `scope`, as the Tasks and Calendar views offer it.
fn scope_offer(host: &seam::host::Host, scope: &str, primary: bool) -> Html {
    let onclick = {
        let (host, scope) = (host.clone(), scope.to_owned());
        Callback::from(move |_| host.request_scopes(&[scope.as_str()], View::stored().name()))
    };
    html! {
        <>
            if let Some(words) = describe(scope) {
                <p class="notice-detail">{ format!("It lets the app: {words}.") }</p>
            }
            <div class="notice-actions">
                <button type="button" class={classes!("button", primary.then_some("primary"))} {onclick}>
                    { format!("Ask for {scope}") }
                </button>
            </div>
            <p class="hint">{ "The provider's consent page opens; the new token keeps what you granted before. What you typed here stays." }</p>
        </>
    }
}

/// The raw answer: status, the headers the browser exposes, the body (indented when JSON),
/// secrets hidden as everywhere in the inspector, and where it is on the timeline.
fn answer_view(request: &Composed, answer: &CallAnswer, record: &Record) -> Html {
    let show = |text: &str| record.0.redact(text);
    let recorded = record.0.entries.iter().rev().find(|e| {
        e.http
            .as_ref()
            .is_some_and(|h| h.method == request.method.as_str() && h.url == request.url)
    });
    let body = pretty_json(&answer.body).unwrap_or_else(|| answer.body.clone());
    let class = if (200..300).contains(&answer.status) {
        "answer ok"
    } else {
        "answer refused"
    };
    html! {
        <div class={class} data-testid="playground-answer" aria-labelledby="playground-answer-heading">
            <h4 id="playground-answer-heading">
                { "Answer " }<code data-testid="playground-status">{ format!("{} {}", answer.status, reason_phrase(answer.status)).trim_end().to_owned() }</code>
            </h4>
            <p class="hint">{ format!("to {} {}", request.method.as_str(), show(&request.url)) }
                if let Some(entry) = recorded {
                    { " · " }<a href={format!("#step-{}", entry.id)}>{ format!("recorded as step {}", entry.id + 1) }</a>
                }
            </p>
            <p class="hint">{ "Headers the browser lets the page read (cross-origin: the CORS-safelisted ones and those the server lists in Access-Control-Expose-Headers):" }</p>
            <ul class="answer-headers">
                { for answer.headers.iter().map(|(n, v)| html! { <li><code>{ format!("{n}: {}", show(v)) }</code></li> }) }
            </ul>
            if answer.body.is_empty() {
                <p class="empty">{ "No body." }</p>
            } else {
                <pre data-testid="playground-body">{ show(&body) }</pre>
            }
        </div>
    }
}
