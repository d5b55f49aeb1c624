//! The protocol inspector: the flow this tab just ran, step by step, with every check and HTTP
//! exchange, a sequence diagram of it, and the server-side variant for comparison.

mod diagram;
mod entry;
mod variants;

use crate::timeline::Snapshot;
use crate::ui::hooks::use_timeline;
use diagram::SequenceDiagram;
use entry::TimelineEntry;
use std::rc::Rc;
use variants::Variants;
use yew::prelude::*;

/// The record a render drew from, compared by identity: a new record is a new snapshot.
#[derive(Clone)]
pub struct Record(pub Rc<Snapshot>);

impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[component]
pub fn Inspector() -> Html {
    let snapshot = use_timeline();
    html! {
        <section class="card inspector" aria-labelledby="inspector-heading" data-testid="inspector">
            <h2 id="inspector-heading">{ "Protocol inspector" }</h2>
            <p>{ "Every step this tab took, as it happened: the real messages of your own session, with each check and its result. Secrets are hidden until you reveal them." }</p>
            if snapshot.dropped > 0 {
                <p class="hint" data-testid="dropped">{ dropped_note(snapshot.dropped) }</p>
            }
            <SequenceDiagram entries={snapshot.clone()} />
            if snapshot.entries.is_empty() {
                <p class="empty">{ "Nothing yet: sign in and the steps appear here." }</p>
            } else {
                <ol class="timeline" data-testid="timeline">
                    { for snapshot.entries.iter().map(|e| html! {
                        <TimelineEntry key={e.id} entry={e.clone()} record={Record(snapshot.clone())} />
                    }) }
                </ol>
                <ExportLink snapshot={Record(snapshot.clone())} />
            }
            <Variants />
        </section>
    }
}

/// Says that the oldest steps were let go, and what the record keeps.
fn dropped_note(dropped: usize) -> String {
    let budget = oauth::retention::TIMELINE;
    format!(
        "{dropped} earlier {} not kept: the record keeps the newest steps, at most {} of them and about {} KB, with long bodies cut.",
        if dropped == 1 { "step is" } else { "steps are" },
        budget.entries,
        budget.bytes / 1024
    )
}

/// The timeline as a JSON download. The document is built when it is about to be used (the
/// pointer on the link, keyboard focus, the click itself: the click's default action reads the
/// link after its handlers ran), not again on every step while a flow runs.
#[derive(Properties, PartialEq)]
struct ExportLinkProps {
    snapshot: Record,
}

#[component]
fn ExportLink(props: &ExportLinkProps) -> Html {
    let link = use_node_ref();
    let refresh = {
        let (link, snapshot) = (link.clone(), props.snapshot.0.clone());
        move || {
            let Some(link) = link.cast::<web_sys::Element>() else {
                return;
            };
            let json = snapshot.export_redacted();
            let href = format!(
                "data:application/json;charset=utf-8,{}",
                String::from(js_sys::encode_uri_component(&json))
            );
            // Set outside the virtual DOM, whose `href` never changes, so a re-render keeps it.
            let _ = link.set_attribute("href", &href);
        }
    };
    let (on_pointer, on_focus, on_click) = (refresh.clone(), refresh.clone(), refresh);
    html! {
        <a ref={link} class="button" href="#export" download="oauth-timeline.json" data-testid="export"
            onpointerenter={move |_: PointerEvent| on_pointer()}
            onfocus={move |_: FocusEvent| on_focus()}
            onclick={move |_: MouseEvent| on_click()}>
            { "Export timeline as JSON (secrets hidden)" }
        </a>
    }
}
