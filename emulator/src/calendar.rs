//! Google Calendar API v3, just `events.list` (`GET /calendar/v3/calendars/{id}/events`): each
//! account's primary calendar, seeded on first use with events around that moment (one past,
//! some within the next two weeks, one later, one all-day). `timeMin` bounds an event's end and
//! `timeMax` its start (both exclusive); `orderBy=startTime` needs `singleEvents=true`.

use crate::catalog;
use crate::google_api::{page, segments, Query, Reply};
use crate::time::{self, DAY_MS, HOUR_MS};
use serde_json::{json, Value};
use std::collections::HashMap;

pub const SERVICE: &str = "calendar-json.googleapis.com";
/// Any of these may list events.
pub const READ_SCOPES: [&str; 4] = [
    "https://www.googleapis.com/auth/calendar.events.readonly",
    "https://www.googleapis.com/auth/calendar.readonly",
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum When {
    At {
        start: i64,
        end: i64,
    },
    /// All-day, from this UTC day for `days` days (the end date is exclusive, as Google's).
    AllDay {
        day: i64,
        days: i64,
    },
}

impl When {
    fn start(&self) -> i64 {
        match self {
            When::At { start, .. } => *start,
            When::AllDay { day, .. } => *day,
        }
    }

    fn end(&self) -> i64 {
        match self {
            When::At { end, .. } => *end,
            When::AllDay { day, days } => day + days * DAY_MS,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Event {
    id: String,
    summary: String,
    location: Option<String>,
    when: When,
    created: i64,
}

#[derive(Debug, Default)]
pub struct CalendarStore {
    accounts: HashMap<String, Vec<Event>>,
}

impl CalendarStore {
    /// `GET /calendar/v3/calendars/{calendarId}/events` for the account `sub` (authorized).
    pub fn handle(
        &mut self,
        sub: &str,
        method: &str,
        path: &str,
        query: &str,
        cap: Option<u32>,
    ) -> Reply {
        let now = time::now_ms();
        let email = catalog::account_by_sub(sub).map_or("", |a| a.email);
        let events = self
            .accounts
            .entry(sub.to_string())
            .or_insert_with(|| seed(now));
        let segs = segments(path);
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let ["calendar", "v3", "calendars", calendar, "events"] = segs.as_slice() else {
            return Reply::not_found();
        };
        if *calendar != "primary" && *calendar != email {
            return Reply::error(404, "Not Found", "notFound");
        }
        if method != "GET" {
            return Reply::method_not_allowed("GET");
        }
        let query = Query::parse(query);
        let bound = |name: &str| -> Result<Option<i64>, Reply> {
            query
                .get(name)
                .map(|text| {
                    time::parse_rfc3339(text)
                        .ok_or_else(|| Reply::error(400, "Bad Request", "badRequest"))
                })
                .transpose()
        };
        let (min, max) = match (bound("timeMin"), bound("timeMax")) {
            (Ok(min), Ok(max)) => (min, max),
            (Err(reply), _) | (_, Err(reply)) => return reply,
        };
        let single = match query.flag("singleEvents", false) {
            Ok(s) => s,
            Err(reply) => return reply,
        };
        match query.get("orderBy") {
            None | Some("updated") => {}
            Some("startTime") if single => {}
            Some("startTime") => {
                return Reply::error(
                    400,
                    "The requested ordering is not available for the particular query.",
                    "badRequest",
                )
            }
            Some(other) => {
                return Reply::bad_request(&format!("Invalid value for orderBy: {other}"))
            }
        }
        let mut shown: Vec<&Event> = events
            .iter()
            .filter(|e| {
                min.is_none_or(|m| e.when.end() > m) && max.is_none_or(|m| e.when.start() < m)
            })
            .collect();
        shown.sort_by_key(|e| e.when.start());
        let items: Vec<Value> = shown.iter().map(|e| event_json(e, email)).collect();
        // Google: maxResults defaults to 250, at most 2500.
        let (items, next) = match page(&items, &query, 250, 2500, cap) {
            Ok(p) => p,
            Err(reply) => return reply,
        };
        let mut body = json!({
            "kind": "calendar#events",
            "etag": format!("\"{}\"", items.len()),
            "summary": email,
            "updated": time::rfc3339(now),
            "timeZone": "UTC",
            "accessRole": "owner",
            "defaultReminders": [],
            "items": items,
        });
        if let Some(next) = next {
            body["nextPageToken"] = json!(next);
        }
        Reply::ok(body)
    }
}

fn event_json(event: &Event, email: &str) -> Value {
    let (start, end) = match &event.when {
        When::At { start, end } => (
            json!({ "dateTime": time::rfc3339(*start), "timeZone": "UTC" }),
            json!({ "dateTime": time::rfc3339(*end), "timeZone": "UTC" }),
        ),
        When::AllDay { day, days } => (
            json!({ "date": time::date(*day) }),
            json!({ "date": time::date(day + days * DAY_MS) }),
        ),
    };
    let mut v = json!({
        "kind": "calendar#event",
        "etag": format!("\"{}\"", event.created),
        "id": event.id,
        "status": "confirmed",
        "htmlLink": format!("https://www.google.com/calendar/event?eid={}", event.id),
        "created": time::rfc3339(event.created),
        "updated": time::rfc3339(event.created),
        "summary": event.summary,
        "creator": { "email": email, "self": true },
        "organizer": { "email": email, "self": true },
        "start": start,
        "end": end,
        "iCalUID": format!("{}@google.com", event.id),
        "sequence": 0,
        "eventType": "default",
    });
    if let Some(location) = &event.location {
        v["location"] = json!(location);
    }
    v
}

/// Events around `now`, on the hour: one yesterday, four in the next two weeks (one all-day),
/// one in three weeks.
fn seed(now: i64) -> Vec<Event> {
    let hour = now - now.rem_euclid(HOUR_MS);
    let at = |summary: &str, offset: i64, hours: i64, location: Option<&str>| Event {
        id: crate::tokens::random_string(26)
            .to_ascii_lowercase()
            .replace(['-', '_'], "x"),
        summary: summary.to_string(),
        location: location.map(String::from),
        when: When::At {
            start: hour + offset,
            end: hour + offset + hours * HOUR_MS,
        },
        created: now - 7 * DAY_MS,
    };
    let mut conference = at("Conference on computing machinery", 0, 0, Some("London"));
    conference.when = When::AllDay {
        day: (now + 4 * DAY_MS).div_euclid(DAY_MS) * DAY_MS,
        days: 2,
    };
    vec![
        at("Team stand-up", -DAY_MS, 1, None),
        at(
            "Review Note G with Charles",
            2 * HOUR_MS,
            1,
            Some("Dorset Street"),
        ),
        at(
            "Lunch at the Royal Society",
            DAY_MS,
            2,
            Some("Carlton House Terrace"),
        ),
        conference,
        at("Dentist", 9 * DAY_MS, 1, None),
        at("Quarterly planning", 21 * DAY_MS, 2, None),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADA: &str = "100000000000000000001";

    fn list(store: &mut CalendarStore, target: &str) -> Reply {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        store.handle(ADA, "GET", path, query, None)
    }

    fn summaries(r: &Reply) -> Vec<String> {
        r.body.as_ref().unwrap()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["summary"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn upcoming_events_in_start_order_within_the_window() {
        let mut store = CalendarStore::default();
        let now = time::now_ms();
        let path = format!(
            "/calendar/v3/calendars/primary/events?timeMin={}&timeMax={}&singleEvents=true&orderBy=startTime",
            time::rfc3339(now),
            time::rfc3339(now + 14 * DAY_MS)
        );
        let r = list(&mut store, &path);
        assert_eq!(r.status, 200);
        assert_eq!(
            summaries(&r),
            [
                "Review Note G with Charles",
                "Lunch at the Royal Society",
                "Conference on computing machinery",
                "Dentist"
            ]
        );
        let body = r.body.unwrap();
        assert_eq!(body["kind"], "calendar#events");
        assert_eq!(body["summary"], "ada@example.test");
        assert!(body["items"][2]["start"]["date"].is_string());
        assert!(body["items"][0]["start"]["dateTime"].is_string());
    }

    #[test]
    fn the_calendar_can_be_named_by_email_and_pages_chain() {
        let mut store = CalendarStore::default();
        let r = list(
            &mut store,
            "/calendar/v3/calendars/ada%40example.test/events?maxResults=4",
        );
        assert_eq!(summaries(&r).len(), 4);
        let token = r.body.unwrap()["nextPageToken"]
            .as_str()
            .unwrap()
            .to_string();
        let r = list(
            &mut store,
            &format!("/calendar/v3/calendars/primary/events?maxResults=4&pageToken={token}"),
        );
        assert_eq!(summaries(&r), ["Dentist", "Quarterly planning"]);
    }

    #[test]
    fn bad_queries_and_other_calendars_are_refused() {
        let mut store = CalendarStore::default();
        assert_eq!(
            list(
                &mut store,
                "/calendar/v3/calendars/grace%40example.test/events"
            )
            .status,
            404
        );
        assert_eq!(
            list(
                &mut store,
                "/calendar/v3/calendars/primary/events?orderBy=startTime"
            )
            .status,
            400
        );
        assert_eq!(
            list(
                &mut store,
                "/calendar/v3/calendars/primary/events?timeMin=yesterday"
            )
            .status,
            400
        );
        assert_eq!(
            list(&mut store, "/calendar/v3/calendars/primary").status,
            404
        );
        assert_eq!(
            store
                .handle(
                    ADA,
                    "POST",
                    "/calendar/v3/calendars/primary/events",
                    "",
                    None
                )
                .status,
            405
        );
    }
}
