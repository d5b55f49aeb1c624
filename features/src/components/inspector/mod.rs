//! The protocol inspector: the flow this tab just ran, step by step, with every check and HTTP
//! exchange, a sequence diagram of it, and the server-side variant for comparison.

mod curl;
mod diagram;
mod entry;
mod id_token;
mod try_request;
mod variants;

use crate::hooks::use_timeline;
use diagram::SequenceDiagram;
use entry::TimelineEntry;
use seam::timeline::Snapshot;
use std::rc::Rc;
use try_request::TryRequest;
use variants::Variants;
use yew::prelude::*;

/// Says something in the inspector's own live region.
///
/// The inspector has its own polite region rather than the sign-in module's announcer: that
/// one's text is derived from the auth state alone (so countdown ticks never re-announce it),
/// and the features module cannot write into it but through the seam, which would have the
/// first module carry words about answers to requests it knows nothing of. This region speaks
/// only in reply to what the person did here (an answer, a refusal, a copied command).
#[derive(Clone, PartialEq)]
pub struct Announcer(Callback<String>);

impl Announcer {
    pub fn say(&self, text: String) {
        self.0.emit(text);
    }
}

#[hook]
fn use_announcer() -> Announcer {
    use_context::<Announcer>().expect("inside the inspector")
}

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
    // (how many things were said, the last): a repeat of the same words still changes the
    // region, by a no-break space every other time.
    let said = use_state(|| (0u32, String::new()));
    let announcer = {
        let said = said.clone();
        Announcer(Callback::from(move |text: String| {
            let count = said.0 + 1;
            said.set((count, text));
        }))
    };
    let spoken = if said.0 % 2 == 1 {
        format!("{}\u{a0}", said.1)
    } else {
        said.1.clone()
    };
    html! {
        <ContextProvider<Announcer> context={announcer}>
        <section class="card inspector" aria-labelledby="inspector-heading" data-testid="inspector">
            <h2 id="inspector-heading">{ "Protocol inspector" }</h2>
            <p>{ "Every step this tab took, as it happened: the real messages of your own session, with each check and its result. Secrets are hidden until you reveal them." }</p>
            <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="inspector-announcer">{ spoken }</div>
            if snapshot.dropped > 0 {
                <p class="hint" data-testid="dropped">{ dropped_note(snapshot.dropped) }</p>
            }
            <SequenceDiagram entries={snapshot.clone()} />
            <TryRequest record={Record(snapshot.clone())} />
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
        </ContextProvider<Announcer>>
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
