//! "Copy as curl" on a recorded exchange: the same request as a command line, to send it again
//! from a terminal. Secrets are shell variables unless the step's secrets are revealed
//! (`oauth::curl`).

use super::{use_announcer, Record};
use oauth::curl::{command, Request, Secrets};
use seam::timeline::HttpExchange;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyAsCurlProps {
    pub exchange: HttpExchange,
    pub record: Record,
    /// Whether the person revealed this step's secrets: then the command holds them too.
    pub revealed: bool,
    /// The step's id, to name the text it copies.
    pub step: usize,
}

/// Kinds of secret that let whoever holds them act as the person.
const LIVE: [&str; 2] = ["access token", "refresh token"];

#[component]
pub fn CopyAsCurl(props: &CopyAsCurlProps) -> Html {
    let shown = use_state(|| false);
    let announce = use_announcer();
    let http = &props.exchange;
    let mode = if props.revealed {
        Secrets::Revealed
    } else {
        Secrets::Placeholders
    };
    let cmd = command(
        &Request {
            method: &http.method,
            url: &http.url,
            headers: &http.request_headers,
            body: http.request_body.as_deref(),
        },
        &props.record.0.secrets,
        mode,
    );
    let onclick = {
        let (shown, text, announce) = (shown.clone(), cmd.text.clone(), announce.clone());
        let what = format!("{} {}", http.method, props.record.0.redact(&http.url));
        let live = cmd.revealed.iter().any(|k| LIVE.contains(&k.as_str()));
        Callback::from(move |_| {
            shown.set(true);
            let (text, announce, what) = (text.clone(), announce.clone(), what.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let copied = copy(&text).await;
                announce.say(match (copied, live) {
                    (true, true) => format!("Copied the curl command for {what}. It holds your live token: paste it only into your own terminal."),
                    (true, false) => format!("Copied the curl command for {what}."),
                    (false, _) => format!("The clipboard is not available here: the curl command for {what} is shown to select and copy."),
                });
            });
        })
    };
    let id = format!("curl-{}", props.step);
    let live: Vec<&String> = cmd
        .revealed
        .iter()
        .filter(|k| LIVE.contains(&k.as_str()))
        .collect();
    let proof = http
        .request_headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("dpop"));
    html! {
        <div class="curl">
            <button type="button" class="button small" {onclick} aria-controls={id.clone()} aria-expanded={shown.to_string()}>
                { "Copy as curl" }
            </button>
            if *shown {
                <div id={id} class="curl-command" data-testid="curl">
                    if !live.is_empty() {
                        <p class="notice warn" data-testid="curl-live-warning">
                            <strong>{ "This command holds your live " }{ live.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(" and ") }{ "." }</strong>
                            { " Whoever sees it can use your account until the token expires or you sign out (which revokes it). Paste it only into your own terminal, and not into a chat, a ticket or a shared shell history." }
                        </p>
                    }
                    if !cmd.variables.is_empty() {
                        <p class="hint">{ "Secrets are left out. Before running it, set " }
                            { for cmd.variables.iter().enumerate().map(|(i, v)| html! {
                                <>
                                    if i > 0 { { ", " } }
                                    <code>{ v.name.clone() }</code>
                                    { format!(" (the {}{})", v.kind, if v.form_encoded { ", form-encoded" } else { "" }) }
                                </>
                            }) }
                            { " in your shell, or press Reveal secrets on this step to copy them too." }
                        </p>
                    }
                    if proof {
                        <p class="hint">{ "This request carried a DPoP proof, which a server accepts once (RFC 9449 §11.1): sent again, the command is refused. A new proof needs this page's key, which cannot leave the browser." }</p>
                    }
                    <pre>{ cmd.text.clone() }</pre>
                </div>
            }
        </div>
    }
}

/// Writes `text` to the clipboard (a secure context and the page's focus are needed).
async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    JsFuture::from(promise).await.is_ok()
}
