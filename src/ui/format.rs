//! Words shown in more than one component.

/// Who is asked again in a sentence: "Google", or "the provider" for any other.
pub fn asked(config: &oauth::ClientConfig) -> &'static str {
    if config.quirks.google {
        "Google"
    } else {
        "the provider"
    }
}

/// `59 min 58 s`, or `42 s` under a minute.
pub fn format_duration(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, s) => format!("{m} min {s:02} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_and_seconds() {
        assert_eq!(format_duration(3598), "59 min 58 s");
        assert_eq!(format_duration(60), "1 min 00 s");
        assert_eq!(format_duration(42), "42 s");
    }
}
