use super::curl::CopyAsCurl;
use super::id_token::id_token_view;
use super::Record;
use seam::timeline::{Entry, Field, HttpExchange};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EntryProps {
    pub entry: Entry,
    /// The record it is part of, whose secrets it hides.
    pub record: Record,
}

/// One step. Its text passes through the secret filter unless the person reveals it.
#[component]
pub fn TimelineEntry(props: &EntryProps) -> Html {
    let revealed = use_state(|| false);
    let entry = &props.entry;
    let show = |text: &str| {
        if *revealed {
            text.to_owned()
        } else {
            props.record.0.redact(text)
        }
    };
    let has_secret = show_all_text(entry) != props.record.0.redact(&show_all_text(entry));
    let toggle = {
        let revealed = revealed.clone();
        Callback::from(move |_| revealed.set(!*revealed))
    };
    let class = match entry.passed {
        Some(true) => "entry check passed",
        Some(false) => "entry check failed",
        None => "entry",
    };
    html! {
        <li class={class} id={format!("step-{}", entry.id)} tabindex="-1" data-testid="timeline-entry">
            <div class="entry-head">
                if let Some(passed) = entry.passed {
                    <span class="verdict" aria-label={if passed { "passed" } else { "failed" }}>{ if passed { "✓" } else { "✗" } }</span>
                }
                <h3>{ show(&entry.title) }</h3>
                if has_secret {
                    <button class="button small" onclick={toggle} aria-pressed={revealed.to_string()}>
                        { if *revealed { "Hide secrets" } else { "Reveal secrets" } }
                    </button>
                }
            </div>
            if let Some(detail) = &entry.detail { <p class="detail">{ show(detail) }</p> }
            if !entry.fields.is_empty() {
                <dl class="fields">{ for entry.fields.iter().map(|f| field(f, &show)) }</dl>
            }
            if let Some(report) = &entry.id_token { { id_token_view(report, &show) } }
            if let Some(http) = &entry.http {
                { exchange(http, &show) }
                <CopyAsCurl exchange={http.clone()} record={props.record.clone()} revealed={*revealed} step={entry.id} />
            }
        </li>
    }
}

fn field(f: &Field, show: &dyn Fn(&str) -> String) -> Html {
    html! {
        <>
            <dt><code>{ f.name.clone() }</code></dt>
            <dd>
                <code class="value">{ show(&f.value) }</code>
                if let Some(known) = f.explanation() {
                    <span class="why">{ known.text }
                        { " " }<a href={known.link} target="_blank" rel="noopener noreferrer">{ "spec" }</a>
                    </span>
                }
            </dd>
        </>
    }
}

fn exchange(http: &HttpExchange, show: &dyn Fn(&str) -> String) -> Html {
    let headers = |list: &[(String, String)]| -> Html {
        list.iter()
            .map(|(n, v)| html! { <div><code>{ format!("{n}: {}", show(v)) }</code></div> })
            .collect()
    };
    html! {
        <div class="http">
            <p><strong>{ "Request " }</strong><code>{ format!("{} {}", http.method, show(&http.url)) }</code></p>
            { headers(&http.request_headers) }
            { for http.fetch_options.iter().map(|(n, v)| html! { <div class="hint">{ format!("fetch option {n}: {v}") }</div> }) }
            if let Some(body) = &http.request_body { <pre>{ show(body) }</pre> }
            <p><strong>{ "Response " }</strong><code>{ http.status.map(|s| s.to_string()).unwrap_or_else(|| "none (network error)".into()) }</code></p>
            { headers(&http.response_headers) }
            if let Some(body) = &http.response_body { <pre>{ show(body) }</pre> }
        </div>
    }
}

/// All of an entry's text, to tell whether it holds a secret at all.
fn show_all_text(entry: &Entry) -> String {
    entry.to_json().to_text()
}
