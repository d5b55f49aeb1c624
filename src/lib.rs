//! A browser-only OAuth 2.0 client for Google. The protocol decisions live in the `oauth` crate;
//! this crate adds the browser adapters (`browser`), Google's HTTP endpoints (`google`), the
//! sign-in flow that joins them (`auth`) and the Yew interface (`ui`).

pub mod auth;
pub mod browser;
pub mod dpop;
pub mod error;
pub mod google;
pub mod host;
pub mod timeline;
pub mod ui;

use std::rc::Rc;

/// Takes any authorization response out of the URL, then mounts the app. The order matters:
/// the token must leave the address bar before anything renders or loads (RFC 9700 §4.3.2).
/// Inside a sign-in popup the response is relayed to the tab that asked, and the popup closes.
/// Whether this is that popup is the window's to say: the tab that asked holds a popup-mode
/// request too, and must check a forged answer itself rather than relay it.
pub fn start() {
    let callback = browser::location::take_authorization_response().map(Rc::<str>::from);
    if let Some(fragment) = &callback {
        if browser::popup::is_inside_popup() {
            auth::relay::relay_to_opener(fragment);
            yew::Renderer::<ui::PopupRelay>::new().render();
            return;
        }
    }
    wasm_bindgen_futures::spawn_local(async move {
        let config = ui::app::ConfigSource::fetch().await;
        yew::Renderer::<ui::App>::with_props(ui::AppProps { callback, config }).render();
    });
}
