//! HTTP-dates (RFC 9110 §5.6.7), for `Retry-After`. Recipients must accept all three forms:
//! IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete RFC 850 `Sunday, 06-Nov-94
//! 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`. All are UTC.

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// Milliseconds since the Unix epoch, or `None` if `text` is not an HTTP-date.
pub fn parse_ms(text: &str) -> Option<u64> {
    let tokens: Vec<&str> = text
        .split([' ', ',', '-'])
        .filter(|t| !t.is_empty())
        .collect();
    // The weekday comes first and is redundant; the zone, if any, must be GMT.
    let (_, rest) = tokens.split_first()?;
    let rest = match rest.split_last() {
        Some((&"GMT", rest)) => rest,
        _ => rest,
    };
    let (day, month, year, time) = match rest {
        // IMF-fixdate and RFC 850: day month year time.
        [day, month, year, time] if day.bytes().all(|b| b.is_ascii_digit()) => {
            (*day, *month, *year, *time)
        }
        // asctime: month day time year.
        [month, day, time, year] => (*day, *month, *year, *time),
        _ => return None,
    };
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let day: u32 = number(day, 1, 2)?;
    let year: i64 = match year.len() {
        4 => number(year, 4, 4)?,
        // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
        2 => {
            let y: i64 = number(year, 2, 2)?;
            if y < 70 {
                2000 + y
            } else {
                1900 + y
            }
        }
        _ => return None,
    };
    let mut clock = time.split(':');
    let (h, m, s): (u64, u64, u64) = (
        number(clock.next()?, 2, 2)?,
        number(clock.next()?, 2, 2)?,
        number(clock.next()?, 2, 2)?,
    );
    if clock.next().is_some() || h > 23 || m > 59 || s > 60 || day == 0 || day > 31 {
        return None;
    }
    let days = u64::try_from(days_from_civil(year, month, day)).ok()?;
    Some((((days * 24 + h) * 60 + m) * 60 + s) * 1000)
}

/// IMF-fixdate for a time in milliseconds since the epoch (the sub-second part is dropped).
pub fn format_ms(ms: u64) -> String {
    let secs = ms / 1000;
    let days = secs / 86_400;
    let (year, month, day) = civil_from_days(days as i64);
    let weekday = WEEKDAYS[(days % 7) as usize];
    let t = secs % 86_400;
    format!(
        "{weekday}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        MONTHS[month as usize - 1],
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

fn number<T: std::str::FromStr>(text: &str, min_len: usize, max_len: usize) -> Option<T> {
    (min_len..=max_len)
        .contains(&text.len())
        .then_some(())
        .filter(|_| text.bytes().all(|b| b.is_ascii_digit()))?;
    text.parse().ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE_MS: u64 = 784_111_777_000;

    #[test]
    fn all_three_forms_of_rfc_9110s_example_agree() {
        assert_eq!(parse_ms("Sun, 06 Nov 1994 08:49:37 GMT"), Some(EXAMPLE_MS));
        assert_eq!(parse_ms("Sunday, 06-Nov-94 08:49:37 GMT"), Some(EXAMPLE_MS));
        assert_eq!(parse_ms("Sun Nov  6 08:49:37 1994"), Some(EXAMPLE_MS));
    }

    #[test]
    fn formatting_gives_imf_fixdate() {
        assert_eq!(format_ms(EXAMPLE_MS), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(format_ms(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn two_digit_years_pick_the_near_century() {
        assert_eq!(
            parse_ms("Friday, 01-Jan-27 00:00:00 GMT"),
            parse_ms("Fri, 01 Jan 2027 00:00:00 GMT")
        );
    }

    const DAY_MS: u64 = 86_400_000;

    #[test]
    fn each_field_is_bounded_where_the_calendar_bounds_it() {
        let at = |text: &str| parse_ms(text);
        let midnight = at("Mon, 31 Jan 2000 00:00:00 GMT").unwrap();
        assert_eq!(
            at("Mon, 31 Jan 2000 23:59:59 GMT"),
            Some(midnight + DAY_MS - 1000)
        );
        // A leap second (RFC 9110 allows 60) is read as the next minute's first.
        assert_eq!(at("Mon, 31 Jan 2000 23:59:60 GMT"), Some(midnight + DAY_MS));
        for bad in [
            "Mon, 31 Jan 2000 23:59:61 GMT",
            "Mon, 31 Jan 2000 23:60:00 GMT",
            "Mon, 31 Jan 2000 24:00:00 GMT",
            "Mon, 32 Jan 2000 00:00:00 GMT",
            "Mon, 00 Jan 2000 00:00:00 GMT",
        ] {
            assert_eq!(at(bad), None, "{bad}");
        }
        assert_eq!(
            at("Mon, 1 Jan 2000 00:00:00 GMT"),
            at("Sat, 01 Jan 2000 00:00:00 GMT")
        );
    }

    #[test]
    fn two_digit_years_turn_between_69_and_70() {
        assert_eq!(
            parse_ms("Thursday, 01-Jan-70 00:00:00 GMT"),
            Some(0),
            "70 is 1970"
        );
        assert_eq!(
            parse_ms("Tuesday, 31-Dec-69 23:59:59 GMT"),
            parse_ms("Tue, 31 Dec 2069 23:59:59 GMT"),
            "69 is 2069"
        );
        assert_eq!(parse_ms("Tue, 31 Dec 969 23:59:59 GMT"), None);
    }

    #[test]
    fn leap_days_are_where_the_gregorian_calendar_puts_them() {
        for (date, ms) in [
            ("Tue, 29 Feb 2000 00:00:00 GMT", 951_782_400_000),
            ("Wed, 01 Mar 2000 00:00:00 GMT", 951_868_800_000),
            ("Thu, 29 Feb 2024 12:00:00 GMT", 1_709_208_000_000),
            ("Sun, 28 Feb 2100 00:00:00 GMT", 4_107_456_000_000),
            ("Mon, 01 Mar 2100 00:00:00 GMT", 4_107_542_400_000),
            ("Tue, 29 Feb 2400 00:00:00 GMT", 13_574_563_200_000),
            ("Fri, 31 Dec 9999 23:59:59 GMT", 253_402_300_799_000),
        ] {
            assert_eq!(format_ms(ms), date);
            assert_eq!(parse_ms(date), Some(ms), "{date}");
        }
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "soon",
            "Sun, 06 Nov 1994",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37:01 GMT",
            "Sun, 06 Nov 19945 08:49:37 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
        ] {
            assert_eq!(parse_ms(bad), None, "{bad:?}");
        }
    }
}
