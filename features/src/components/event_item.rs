use crate::google::calendar::Event;
use seam::browser::clock::{local_date, local_date_time};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventItemProps {
    pub event: Event,
}

/// One event: when (in the person's time zone; all-day events by date), what, where.
#[component]
pub fn EventItem(props: &EventItemProps) -> Html {
    let event = &props.event;
    let (when, machine) = match (&event.start.date_time, &event.start.date) {
        (Some(at), _) => (local_date_time(at), at.clone()),
        (None, Some(day)) => (format!("{} (all day)", local_date(day)), day.clone()),
        (None, None) => (String::new(), String::new()),
    };
    html! {
        <li class="event" data-testid="event">
            <time datetime={machine}>{ when }</time>
            <span class="event-title">{ event.summary.clone().unwrap_or_else(|| "(no title)".into()) }</span>
            if let Some(location) = &event.location {
                <span class="event-location">{ location.clone() }</span>
            }
        </li>
    }
}
