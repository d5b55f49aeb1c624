//! Local time. Token expiry is computed from this clock only, never a server's (clock skew).

/// Milliseconds since the Unix epoch, from `Date.now()`.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
