//! Hooks shared by components: the clock, the Tasks view's state and calls, upcoming events.

pub mod calendar;
pub mod tasks;

use crate::browser::clock::now_ms;
use gloo_timers::callback::Interval;
use yew::prelude::*;

/// The current time in milliseconds, refreshed every second while the component is mounted.
#[hook]
pub fn use_now() -> u64 {
    let now = use_state(now_ms);
    {
        let now = now.clone();
        use_effect_with((), move |_| {
            let interval = Interval::new(1_000, move || now.set(now_ms()));
            move || drop(interval)
        });
    }
    *now
}
