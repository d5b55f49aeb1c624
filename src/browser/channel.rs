//! Messages between windows of this origin: a BroadcastChannel reaches every tab (and a popup
//! whose opener link COOP has cut), and `message` events carry a popup's postMessage.

use super::{location, window, BrowserError};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BroadcastChannel, MessageEvent};

const CHANNEL_NAME: &str = "browser-oauth";

/// This window's end of the channel. A message posted here reaches every other window's end,
/// never this one, so a tab does not hear its own announcements.
pub struct Channel {
    channel: BroadcastChannel,
    _on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
}

impl Channel {
    /// Opens the channel; `on_message` gets each text message from other windows.
    pub fn open(mut on_message: impl FnMut(String) + 'static) -> Result<Channel, BrowserError> {
        let channel = BroadcastChannel::new(CHANNEL_NAME)
            .map_err(|e| BrowserError::from_js("BroadcastChannel", e))?;
        let closure = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(text) = event.data().as_string() {
                on_message(text);
            }
        });
        channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        Ok(Channel {
            channel,
            _on_message: Some(closure),
        })
    }

    /// Posts once, from a window that does not listen (the popup).
    pub fn post_once(message: &str) -> Result<(), BrowserError> {
        let channel = BroadcastChannel::new(CHANNEL_NAME)
            .map_err(|e| BrowserError::from_js("BroadcastChannel", e))?;
        let result = channel.post_message(&JsValue::from_str(message));
        channel.close();
        result.map_err(|e| BrowserError::from_js("BroadcastChannel.postMessage", e))
    }

    /// Sends `message` to every other window of this origin listening on the channel.
    pub fn post(&self, message: &str) {
        // A closed channel only fails when the page is going away; nothing is left to tell.
        let _ = self.channel.post_message(&JsValue::from_str(message));
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

/// Window `message` events from our own origin only; other origins' messages never reach
/// `on_message`. Listening stops when this is dropped.
pub struct WindowMessages {
    closure: Closure<dyn FnMut(MessageEvent)>,
}

impl WindowMessages {
    /// `on_message(source, text)`; the caller checks `source` is the window it expects.
    pub fn listen(
        mut on_message: impl FnMut(JsValue, String) + 'static,
    ) -> Result<Self, BrowserError> {
        let origin = location::origin();
        let closure = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if event.origin() != origin {
                return;
            }
            if let (Some(source), Some(text)) = (event.source(), event.data().as_string()) {
                on_message(source.into(), text);
            }
        });
        window()?
            .add_event_listener_with_callback("message", closure.as_ref().unchecked_ref())
            .map_err(|e| BrowserError::from_js("addEventListener", e))?;
        Ok(WindowMessages { closure })
    }
}

impl Drop for WindowMessages {
    fn drop(&mut self) {
        if let Ok(w) = window() {
            let _ = w.remove_event_listener_with_callback(
                "message",
                self.closure.as_ref().unchecked_ref(),
            );
        }
    }
}
