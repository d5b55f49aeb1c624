//! The app for any OpenID provider: what `app_google.rs` holds, plus discovery, the code
//! exchange with PKCE, refresh tokens, RP-initiated logout and DPoP (`other-providers`). The
//! front door loads it when config.json names another provider.

use wasm_bindgen::prelude::*;

fn main() {}

/// Takes the page over from the front door with what it hands over (`browser::handoff`).
#[wasm_bindgen]
pub fn take_over(handoff: JsValue) {
    browser_oauth::ui::take_over(&handoff);
}
