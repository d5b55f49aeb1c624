//! What the screens of both sides share (Cargo feature `ui`): the notice above a view, and the
//! clock a countdown re-renders with.

mod notice_view;

pub use notice_view::notice_view;

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
