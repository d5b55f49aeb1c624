//! The app for Google and providers configured like it (the implicit grant, fixed endpoints),
//! built without `other-providers`: the callback's checks, the profile, renewal, sign-out and
//! the tab channel, and none of what only another provider needs. The front door loads it and
//! calls [`take_over`]; nothing runs when it loads.

use wasm_bindgen::prelude::*;

fn main() {}

/// Takes the page over from the front door with what it hands over (`browser::handoff`).
#[wasm_bindgen]
pub fn take_over(handoff: JsValue) {
    browser_oauth::ui::take_over(&handoff);
}
