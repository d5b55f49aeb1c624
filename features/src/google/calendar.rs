//! Google Calendar API v3: upcoming events of the primary calendar. Read only; any of the
//! calendar read scopes will do, and the narrowest (`calendar.events.readonly`) is asked for.

use super::json_api::{list_all, Listing};
use super::url::with_query;
use oauth::api::ApiError;
use oauth::config::GOOGLE_CALENDAR_API;
use oauth::json::{object_of, FieldError, FromJson, Json, Object};
use oauth::scopes::CALENDAR_API;
use seam::host::{FeatureSession, Host};

const PAGE_SIZE: &str = "50";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    /// Google leaves it out for an untitled event.
    pub summary: Option<String>,
    pub location: Option<String>,
    pub status: Option<String>,
    pub start: EventTime,
    pub end: EventTime,
}

impl FromJson for Event {
    fn from_json(value: &Json) -> Result<Self, FieldError> {
        let o = object_of(value, "event")?;
        Ok(Event {
            id: Object::required("id", o.string("id")?)?,
            summary: o.string("summary")?,
            location: o.string("location")?,
            status: o.string("status")?,
            start: Object::required("start", o.typed_value("start")?)?,
            end: Object::required("end", o.typed_value("end")?)?,
        })
    }
}

/// A timed event has `dateTime` (RFC 3339); an all-day event has `date` (`YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTime {
    pub date_time: Option<String>,
    pub date: Option<String>,
}

impl FromJson for EventTime {
    fn from_json(value: &Json) -> Result<Self, FieldError> {
        let o = object_of(value, "event time")?;
        Ok(EventTime {
            date_time: o.string("dateTime")?,
            date: o.string("date")?,
        })
    }
}

impl Event {
    /// Cancelled occurrences of recurring events still come back with `singleEvents=true`.
    pub fn is_cancelled(&self) -> bool {
        self.status.as_deref() == Some("cancelled")
    }
}

/// Events of the primary calendar that end after `time_min` and start before `time_max`
/// (RFC 3339), recurring ones expanded, in start order.
pub fn events_url(
    api: &FeatureSession,
    time_min: &str,
    time_max: &str,
    page_token: Option<&str>,
) -> String {
    let path = with_query(
        "/calendar/v3/calendars/primary/events",
        &[
            ("timeMin", Some(time_min)),
            ("timeMax", Some(time_max)),
            ("singleEvents", Some("true")),
            ("orderBy", Some("startTime")),
            ("maxResults", Some(PAGE_SIZE)),
            ("pageToken", page_token),
        ],
    );
    api.api_url(GOOGLE_CALENDAR_API, &path)
}

pub async fn upcoming_events(
    host: &Host,
    api: &FeatureSession,
    time_min: &str,
    time_max: &str,
) -> Result<Listing<Event>, ApiError> {
    let mut listing: Listing<Event> =
        list_all(host, |page| events_url(api, time_min, time_max, page))
            .await
            .map_err(|e| e.needing(CALENDAR_API.read_scope()))?;
    listing.items.retain(|e| !e.is_cancelled());
    Ok(listing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_and_ordering_are_in_the_query() {
        assert_eq!(
            events_url(&FeatureSession::default(), "2026-11-25T10:00:00.000Z", "2026-12-09T10:00:00.000Z", None),
            "https://www.googleapis.com/calendar/v3/calendars/primary/events?timeMin=2026-11-25T10%3A00%3A00.000Z&timeMax=2026-12-09T10%3A00%3A00.000Z&singleEvents=true&orderBy=startTime&maxResults=50"
        );
    }

    #[test]
    fn timed_and_all_day_events_are_read() {
        let events: Vec<Event> = super::super::json_api::decode(
            r#"[{"id":"a","summary":"Dentist","start":{"dateTime":"2026-11-25T10:00:00Z","timeZone":"UTC"},"end":{"dateTime":"2026-11-25T11:00:00Z"}},
                {"id":"b","status":"cancelled","start":{"date":"2026-11-26"},"end":{"date":"2026-11-27"}}]"#,
        )
        .unwrap();
        assert_eq!(
            events[0].start.date_time.as_deref(),
            Some("2026-11-25T10:00:00Z")
        );
        assert_eq!(events[1].summary, None);
        assert_eq!(events[1].start.date.as_deref(), Some("2026-11-26"));
        assert!(events[1].is_cancelled() && !events[0].is_cancelled());
    }
}
