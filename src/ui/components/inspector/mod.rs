//! The protocol inspector: the flow this tab just ran, step by step, with every check and HTTP
//! exchange, a sequence diagram of it, and the server-side variant for comparison.

mod diagram;
mod entry;
mod variants;

use crate::timeline;
use crate::ui::hooks::use_timeline;
use diagram::SequenceDiagram;
use entry::TimelineEntry;
use variants::Variants;
use yew::prelude::*;

#[component]
pub fn Inspector() -> Html {
    let entries = use_timeline();
    let export_href = use_memo(entries.len(), |_| {
        let json = timeline::export_redacted();
        format!(
            "data:application/json;charset=utf-8,{}",
            String::from(js_sys::encode_uri_component(&json))
        )
    });
    html! {
        <section class="card inspector" aria-labelledby="inspector-heading" data-testid="inspector">
            <h2 id="inspector-heading">{ "Protocol inspector" }</h2>
            <p>{ "Every step this tab took, as it happened: the real messages of your own session, with each check and its result. Secrets are hidden until you reveal them." }</p>
            <SequenceDiagram entries={entries.clone()} />
            if entries.is_empty() {
                <p class="empty">{ "Nothing yet: sign in and the steps appear here." }</p>
            } else {
                <ol class="timeline" data-testid="timeline">
                    { for entries.iter().map(|e| html! { <TimelineEntry key={e.id} entry={e.clone()} /> }) }
                </ol>
                <a class="button" href={(*export_href).clone()} download="oauth-timeline.json" data-testid="export">
                    { "Export timeline as JSON (secrets hidden)" }
                </a>
            }
            <Variants />
        </section>
    }
}
