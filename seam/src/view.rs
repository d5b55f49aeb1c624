//! Which of the signed-in views this tab shows. Kept in sessionStorage, so that coming back
//! from Google's consent page (a full page load) lands on the view that asked for access, and
//! a reload stays where the person was.

use crate::browser::storage::{self, keys, Area};
use oauth::json::Json;

/// A signed-in view, one per tab of the view switcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Who signed in, and what the token may do: the sign-in module's own view.
    Profile,
    /// The Google Tasks client (a feature).
    Tasks,
    /// The upcoming events from Google Calendar (a feature).
    Calendar,
}

impl View {
    /// Every view, in the order the tabs show them.
    pub const ALL: [View; 3] = [View::Profile, View::Tasks, View::Calendar];

    /// The tab's text.
    pub fn label(self) -> &'static str {
        match self {
            View::Profile => "Profile",
            View::Tasks => "Tasks",
            View::Calendar => "Calendar",
        }
    }

    /// The name a redirect's `return_to` carries.
    pub fn name(self) -> &'static str {
        match self {
            View::Profile => "profile",
            View::Tasks => "tasks",
            View::Calendar => "calendar",
        }
    }

    /// The view [`View::name`] gave `name`; `None` for a name it never gives.
    pub fn from_name(name: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The view this tab showed last, or the profile.
    pub fn stored() -> View {
        storage::get(Area::Session, keys::VIEW)
            .and_then(|text| View::from_stored(&text))
            .unwrap_or(View::Profile)
    }

    /// Keeps this view as the tab's choice; a failure to store it is ignored.
    pub fn store(self) {
        // Losing the choice only means landing on the profile next time.
        let _ = storage::set(Area::Session, keys::VIEW, &self.stored_form());
    }

    /// The view as sessionStorage keeps it: its name as a JSON string.
    pub fn stored_form(self) -> String {
        Json::string(self.name()).to_text()
    }

    fn from_stored(text: &str) -> Option<View> {
        View::from_name(Json::parse(text).ok()?.as_str()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_match_the_stored_form() {
        for view in View::ALL {
            assert_eq!(View::from_name(view.name()), Some(view));
            assert_eq!(view.stored_form(), format!("\"{}\"", view.name()));
        }
        assert_eq!(View::from_name("settings"), None);
    }
}
