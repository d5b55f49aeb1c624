//! What the front door hands the app when the app takes the page over: the authorization answer
//! it took out of the URL (memory only: never storage), config.json as it came, a sign-in popup
//! it opened before the app had arrived (with any answer relayed to it meanwhile), and which of
//! its buttons had the keyboard focus. The two are separate wasm instances, so this crosses as
//! one plain JavaScript object; its field names live only here ([`Handoff::to_js`] and
//! [`Handoff::from_js`]).

use crate::config_source::ConfigSource;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// One of the signed-out card's two ways in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    /// The "Sign in" button.
    SignIn,
    /// The "Use another account" button: the account chooser.
    AnotherAccount,
}

impl Door {
    fn name(self) -> &'static str {
        match self {
            Door::SignIn => "sign-in",
            Door::AnotherAccount => "another-account",
        }
    }

    fn from_name(name: &str) -> Option<Door> {
        [Door::SignIn, Door::AnotherAccount]
            .into_iter()
            .find(|door| door.name() == name)
    }
}

/// A sign-in popup the front door opened inside the click, before the app had loaded.
pub struct OpenPopup {
    /// The popup's window, as `window.open` returned it.
    pub window: web_sys::Window,
    /// The `state` of the request the popup carries (the pending request is in sessionStorage).
    pub state: String,
    /// The scopes the request asks for.
    pub scopes: Vec<String>,
    /// Messages that arrived while the front door waited for the app: `(from the popup's own
    /// postMessage, text)`; the app weighs them as it weighs the ones it hears itself.
    pub messages: Vec<(bool, String)>,
}

/// Everything the front door hands the app, in one value.
pub struct Handoff {
    /// The authorization response taken out of the URL, with its leading `#` or `?`
    /// ([`super::location::take_authorization_response`]); `None` when the page loaded without
    /// one.
    pub answer: Option<String>,
    /// config.json as the front door fetched it.
    pub config: ConfigSource,
    /// A sign-in popup still open, if the front door opened one.
    pub popup: Option<OpenPopup>,
    /// The button that had the keyboard focus: the app's own takes it back.
    pub focus: Option<Door>,
    /// A click the front door could not carry out (the browser refused something): the app
    /// does it again itself, and says what went wrong in its own words.
    pub click: Option<Door>,
}

fn set(object: &Object, name: &str, value: &JsValue) {
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(object, &JsValue::from_str(name), value);
}

fn get(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn text(object: &JsValue, name: &str) -> Option<String> {
    get(object, name).as_string()
}

fn strings(list: &[String]) -> Array {
    list.iter().map(|s| JsValue::from_str(s)).collect()
}

impl Handoff {
    /// The plain JavaScript object the front door passes to the app's `take_over`.
    pub fn to_js(&self) -> JsValue {
        let object = Object::new();
        if let Some(answer) = &self.answer {
            set(&object, "answer", &answer.into());
        }
        let config = Object::new();
        let (kind, detail, content_type) = match &self.config {
            ConfigSource::Found(text) => ("found", Some(text.as_str()), None),
            ConfigSource::Missing => ("missing", None, None),
            ConfigSource::PageInstead { content_type } => ("page", None, content_type.as_deref()),
            ConfigSource::Unreadable(reason) => ("unreadable", Some(reason.as_str()), None),
        };
        set(&config, "kind", &kind.into());
        if let Some(detail) = detail {
            set(&config, "detail", &detail.into());
        }
        if let Some(content_type) = content_type {
            set(&config, "content_type", &content_type.into());
        }
        set(&object, "config", &config);
        if let Some(popup) = &self.popup {
            let value = Object::new();
            set(&value, "window", &popup.window);
            set(&value, "state", &popup.state.as_str().into());
            set(&value, "scopes", &strings(&popup.scopes));
            let messages: Array = popup
                .messages
                .iter()
                .map(|(direct, text)| {
                    Array::of2(&JsValue::from_bool(*direct), &text.as_str().into())
                })
                .collect();
            set(&value, "messages", &messages);
            set(&object, "popup", &value);
        }
        for (name, door) in [("focus", self.focus), ("click", self.click)] {
            if let Some(door) = door {
                set(&object, name, &door.name().into());
            }
        }
        object.into()
    }

    /// Reads what the front door wrote; anything missing or malformed reads as absent (a config
    /// that did not come reads as unreadable, so the app shows its setup screen).
    pub fn from_js(value: &JsValue) -> Handoff {
        let config = get(value, "config");
        let detail = text(&config, "detail");
        let config = match text(&config, "kind").as_deref() {
            Some("found") => ConfigSource::Found(detail.unwrap_or_default()),
            Some("missing") => ConfigSource::Missing,
            Some("page") => ConfigSource::PageInstead {
                content_type: text(&config, "content_type"),
            },
            _ => ConfigSource::Unreadable(
                detail.unwrap_or_else(|| "the front door handed over no config.json".into()),
            ),
        };
        let popup = get(value, "popup");
        // Not `dyn_into`: a window showing another origin is no `instanceof Window` here.
        let window = get(&popup, "window");
        let popup = match (window.is_object(), text(&popup, "state")) {
            (true, Some(state)) => Some(OpenPopup {
                window: window.unchecked_into(),
                state,
                scopes: Array::from(&get(&popup, "scopes"))
                    .iter()
                    .filter_map(|s| s.as_string())
                    .collect(),
                messages: Array::from(&get(&popup, "messages"))
                    .iter()
                    .filter_map(|pair| {
                        let pair = Array::from(&pair);
                        Some((pair.get(0).as_bool()?, pair.get(1).as_string()?))
                    })
                    .collect(),
            }),
            _ => None,
        };
        let door = |name| text(value, name).as_deref().and_then(Door::from_name);
        Handoff {
            answer: text(value, "answer"),
            config,
            popup,
            focus: door("focus"),
            click: door("click"),
        }
    }
}
