//! A task's due date as Google keeps it: a date only. The Tasks API takes and gives `due` as
//! RFC 3339, but "the due date only records date information; the time portion of the
//! timestamp is discarded when setting the due date" (Tasks API v1 reference, `Task.due`), and
//! answers it as midnight UTC (`2026-12-05T00:00:00.000Z`). So the date is read from the text as
//! it is, never through a time zone: a zone west of Greenwich would make it the day before.

/// `YYYY-MM-DD` of a due date as Google gives it; `None` for anything else.
pub fn date_of(due: &str) -> Option<&str> {
    let date = due.get(..10)?;
    is_date(date).then_some(date)
}

/// The `due` to send for `YYYY-MM-DD` (a date input's value): midnight UTC that day.
pub fn due_for(date: &str) -> Option<String> {
    is_date(date).then(|| format!("{date}T00:00:00.000Z"))
}

/// Whether an open task is past its due date, `today` being the person's own `YYYY-MM-DD`.
/// Due today is not overdue; a completed task never is.
pub fn is_overdue(due: Option<&str>, completed: bool, today: &str) -> bool {
    !completed && due.and_then(date_of).is_some_and(|date| date < today)
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_is_read_from_the_text_not_through_a_time_zone() {
        assert_eq!(date_of("2026-12-05T00:00:00.000Z"), Some("2026-12-05"));
        assert_eq!(date_of("2026-12-05"), Some("2026-12-05"));
        for bad in [
            "",
            "tomorrow",
            "2026-13-05T00:00:00Z",
            "2026-12-00",
            "26-12-05",
        ] {
            assert_eq!(date_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_date_is_sent_as_midnight_utc() {
        assert_eq!(
            due_for("2026-12-05").as_deref(),
            Some("2026-12-05T00:00:00.000Z")
        );
        assert_eq!(due_for(""), None, "an empty date input is no date");
        assert_eq!(due_for("05/12/2026"), None);
    }

    #[test]
    fn overdue_is_an_open_task_due_before_today() {
        let due = Some("2026-12-01T00:00:00.000Z");
        assert!(is_overdue(due, false, "2026-12-02"));
        assert!(
            !is_overdue(due, false, "2026-12-01"),
            "due today is not overdue"
        );
        assert!(!is_overdue(due, false, "2026-11-30"));
        assert!(
            !is_overdue(due, true, "2026-12-02"),
            "a done task is never overdue"
        );
        assert!(!is_overdue(None, false, "2026-12-02"));
    }
}
