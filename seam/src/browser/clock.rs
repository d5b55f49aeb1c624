//! Local time. Token expiry is computed from this clock only, never a server's (clock skew).

use wasm_bindgen::JsValue;

/// Milliseconds since the Unix epoch, from `Date.now()`.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// RFC 3339 in UTC (`Date.prototype.toISOString`), for API time bounds.
pub fn iso(ms: u64) -> String {
    String::from(js_sys::Date::new(&JsValue::from_f64(ms as f64)).to_iso_string())
}

/// Today in the person's own time zone, as `YYYY-MM-DD`.
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// A date-time from an API (RFC 3339) in the person's own time zone and locale, such as
/// "Wed, Nov 26, 2:30 PM"; the text as given if the browser cannot read it.
pub fn local_date_time(rfc3339: &str) -> String {
    format(
        rfc3339,
        &[
            ("weekday", "short"),
            ("month", "short"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
        ],
        false,
    )
}

/// A calendar date (`YYYY-MM-DD`, or the date part of an RFC 3339 value at midnight UTC, as
/// Google gives a task's due date) in the person's locale. Formatted in UTC: the date is the
/// same everywhere, and a local zone west of Greenwich would show the day before.
pub fn local_date(date: &str) -> String {
    format(
        date,
        &[("weekday", "short"), ("month", "short"), ("day", "numeric")],
        true,
    )
}

fn format(text: &str, fields: &[(&str, &str)], utc: bool) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(text));
    if date.get_time().is_nan() {
        return text.to_owned();
    }
    let options = js_sys::Object::new();
    let fields = fields.iter().chain(utc.then_some(&("timeZone", "UTC")));
    for (name, value) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&options, &(*name).into(), &(*value).into());
    }
    String::from(date.to_locale_string("default", &options))
}
