//! `use_upcoming_events`: the next two weeks of the primary calendar, loaded when the view
//! opens and again on request.

use crate::feature_root::use_feature;
use crate::google::calendar::{upcoming_events, Event};
use crate::google::json_api::Listing;
use seam::browser::clock::{iso, now_ms};
use seam::error::{ApiStep, AppError};
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

/// How far ahead "upcoming" looks.
pub const WINDOW_DAYS: u64 = 14;

#[derive(Debug, Clone, PartialEq)]
pub enum Events {
    Loading,
    Ready(Listing<Event>),
    Failed(AppError),
}

/// The events, and a callback that loads them again.
#[hook]
pub fn use_upcoming_events() -> (Events, Callback<()>) {
    let feature = use_feature();
    let events = use_state(|| Events::Loading);
    let reloads = use_state(|| 0u64);
    {
        let events = events.clone();
        use_effect_with(*reloads, move |_| {
            events.set(Events::Loading);
            spawn_local(async move {
                let now = now_ms();
                let (from, to) = (iso(now), iso(now + WINDOW_DAYS * 86_400_000));
                let result = upcoming_events(&feature.host, &feature.session, &from, &to).await;
                events.set(
                    match result.map_err(|e| AppError::from_api(ApiStep::ListEvents, e)) {
                        Ok(listing) => Events::Ready(listing),
                        Err(error) => Events::Failed(error),
                    },
                );
            });
        });
    }
    let reload = Callback::from(move |()| reloads.set(*reloads + 1));
    ((*events).clone(), reload)
}
