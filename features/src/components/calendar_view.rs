use super::{AccessOption, AccessRequest, EventItem, FailureNotice};
use crate::feature_root::use_feature;
use crate::hooks::calendar::{use_upcoming_events, Events, WINDOW_DAYS};
use oauth::scopes::CALENDAR_API;
use oauth::Access;
use seam::view::View;
use yew::prelude::*;

/// Upcoming events of the primary calendar, once Google has allowed reading them.
#[component]
pub fn CalendarView() -> Html {
    let session = use_feature().session;
    if session.access(&CALENDAR_API) != Access::None {
        return html! { <UpcomingEvents /> };
    }
    let options = vec![AccessOption {
        label: "Allow viewing my calendar events",
        scope: CALENDAR_API.read_scope(),
    }];
    html! {
        <AccessRequest testid="calendar-access" title="Google Calendar"
            intro="To list your upcoming events this app needs Google's permission to read them (read only: it never changes your calendar)."
            {options} api={CALENDAR_API} view={View::Calendar} declined={session.declined.clone()} />
    }
}

#[component]
fn UpcomingEvents() -> Html {
    let (events, reload) = use_upcoming_events();
    let body = match events {
        Events::Loading => {
            html! { <p class="loading" aria-live="polite">{ "Loading events…" }</p> }
        }
        Events::Failed(error) => {
            html! { <FailureNotice {error} api={CALENDAR_API} view={View::Calendar} on_retry={reload.clone()} /> }
        }
        Events::Ready(listing) if listing.items.is_empty() => html! {
            <p class="empty">{ format!("Nothing in the next {WINDOW_DAYS} days.") }</p>
        },
        Events::Ready(listing) => html! {
            <ul class="events" aria-label="Upcoming events">
                { for listing.items.into_iter().map(|event| {
                    let key = event.id.clone();
                    html! { <EventItem {key} {event} /> }
                }) }
            </ul>
        },
    };
    html! {
        <section class="card calendar" data-testid="calendar" aria-labelledby="calendar-heading">
            <div class="view-head">
                <h2 id="calendar-heading">{ "Upcoming events" }</h2>
                <button class="button" onclick={reload.reform(|_| ())}>{ "Refresh" }</button>
            </div>
            <p class="hint">{ format!("The next {WINDOW_DAYS} days of your primary calendar, read only.") }</p>
            { body }
        </section>
    }
}
