//! What the protocol inspector's record keeps. Every step and HTTP exchange is recorded (each
//! Tasks call and its whole body too), so a long session would grow the record, its copy in
//! sessionStorage before a redirect and the JSON handed to the inspector without bound. The record
//! keeps the newest entries within a fixed budget of count and bytes, and cuts long bodies with
//! a note of how much was left out.

use std::borrow::Cow;

/// How much the record keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Entries kept at most (the newest).
    pub entries: usize,
    /// The kept entries' text, in bytes, at most (the newest entry is kept whatever its size).
    pub bytes: usize,
    /// Characters kept of a request or response body; the rest is replaced by a note.
    pub body_chars: usize,
}

/// The inspector's budget: a sign-in is about a dozen entries and 10–20 KB; this keeps the last
/// few dozen Tasks calls besides, and about a quarter of a megabyte in all.
pub const TIMELINE: Budget = Budget {
    entries: 200,
    bytes: 256 * 1024,
    body_chars: 8_000,
};

/// How many of the oldest entries to drop, given every entry's size (oldest first), so that
/// what remains fits `budget`: at most `budget.entries` entries whose sizes add up to at most
/// `budget.bytes`. The newest entry always stays.
pub fn oldest_to_drop(sizes: &[usize], budget: &Budget) -> usize {
    let mut kept = 0;
    let mut bytes = 0usize;
    for &size in sizes.iter().rev() {
        let total = bytes.saturating_add(size);
        if kept > 0 && (kept == budget.entries || total > budget.bytes) {
            break;
        }
        kept += 1;
        bytes = total;
    }
    sizes.len() - kept
}

/// `text` cut after `max_chars` characters, with a note of how many more were not kept
/// ("… 12,345 more characters not kept"); as it is when it fits. The cut never falls inside one
/// of `secrets`: it moves before it, so no part of a secret is left where redaction, which
/// looks for whole secrets, would miss it.
pub fn cut<'a>(text: &'a str, max_chars: usize, secrets: &[&str]) -> Cow<'a, str> {
    let Some((mut at, _)) = text.char_indices().nth(max_chars) else {
        return Cow::Borrowed(text);
    };
    // Each move goes to an earlier byte, so the text's length bounds the moves: a wrong
    // comparison then gives a wrong cut instead of a loop that never ends.
    for _ in 0..text.len() {
        let straddling = secrets
            .iter()
            .filter(|secret| !secret.is_empty())
            .flat_map(|secret| {
                text.match_indices(*secret)
                    .map(|(start, found)| (start, start + found.len()))
            })
            .filter(|&(start, end)| start < at && end > at)
            .map(|(start, _)| start)
            .min();
        match straddling {
            Some(start) => at = start,
            None => break,
        }
    }
    let left_out = text[at..].chars().count();
    Cow::Owned(format!(
        "{}… {} more characters not kept",
        &text[..at],
        grouped(left_out)
    ))
}

/// 12345 → "12,345".
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Budget = Budget {
        entries: 3,
        bytes: 100,
        body_chars: 10,
    };

    #[test]
    fn a_record_within_the_budget_keeps_everything() {
        assert_eq!(oldest_to_drop(&[], &SMALL), 0);
        assert_eq!(oldest_to_drop(&[10, 20, 30], &SMALL), 0);
    }

    #[test]
    fn beyond_the_entry_count_the_oldest_go() {
        assert_eq!(oldest_to_drop(&[1, 1, 1, 1, 1], &SMALL), 2);
    }

    #[test]
    fn beyond_the_bytes_the_oldest_go_until_the_newest_fit() {
        assert_eq!(oldest_to_drop(&[50, 45, 30, 40], &SMALL), 2);
        assert_eq!(oldest_to_drop(&[10, 60, 40], &SMALL), 1);
    }

    #[test]
    fn the_newest_entry_stays_even_alone_over_the_bytes() {
        assert_eq!(oldest_to_drop(&[10, 500], &SMALL), 1);
        assert_eq!(oldest_to_drop(&[usize::MAX, usize::MAX], &SMALL), 1);
    }

    #[test]
    fn what_is_kept_always_fits_for_any_sizes() {
        let sizes: Vec<usize> = (0..500).map(|i| (i * 7919) % 97).collect();
        for end in 0..sizes.len() {
            let record = &sizes[..=end];
            let dropped = oldest_to_drop(record, &SMALL);
            let kept = &record[dropped..];
            assert!(!kept.is_empty() && kept.len() <= SMALL.entries);
            assert!(kept.len() == 1 || kept.iter().sum::<usize>() <= SMALL.bytes);
            // Keeping one more (older) entry would break the budget.
            if dropped > 0 {
                let more = &record[dropped - 1..];
                assert!(more.len() > SMALL.entries || more.iter().sum::<usize>() > SMALL.bytes);
            }
        }
    }

    #[test]
    fn a_short_text_is_kept_as_it_is() {
        assert!(matches!(
            cut("0123456789", 10, &[]),
            Cow::Borrowed("0123456789")
        ));
    }

    #[test]
    fn a_long_text_is_cut_with_a_note_of_how_much_was_left_out() {
        let long = "a".repeat(12_355);
        assert_eq!(
            cut(&long, 10, &[]),
            format!("{}… 12,345 more characters not kept", "a".repeat(10))
        );
    }

    #[test]
    fn characters_are_counted_not_bytes() {
        assert_eq!(cut("ééééé", 2, &[]), "éé… 3 more characters not kept");
    }

    #[test]
    fn the_cut_never_splits_a_secret() {
        let text = r#"{"access_token":"ya29.secret","x":"…"}"#;
        let at = text.find("ya29").unwrap() + 3;
        let kept = cut(text, at, &["ya29.secret"]);
        assert!(kept.starts_with(r#"{"access_token":""#));
        assert!(!kept.contains("ya2"), "{kept}");
        // A secret wholly inside what is kept is left for redaction to hide.
        let whole = cut(text, text.find("\",\"x").unwrap() + 2, &["ya29.secret"]);
        assert!(whole.contains("ya29.secret"));
    }

    #[test]
    fn a_secret_ending_where_the_cut_falls_is_kept_whole_before_it() {
        let secret = "s3cr3t-value";
        let text = format!("{secret} and more");
        assert_eq!(
            cut(&text, secret.len(), &[secret]),
            format!("{secret}… 9 more characters not kept")
        );
    }

    #[test]
    fn the_budget_holds_a_sign_in_and_dozens_of_tasks_calls() {
        // About a dozen sign-in steps (10–20 KB in all), then fifty Tasks calls of 4 KB each.
        let mut sizes = vec![1_500; 12];
        sizes.extend([4_096; 50]);
        assert_eq!(oldest_to_drop(&sizes, &TIMELINE), 0);
        sizes.extend([4_096; 20]);
        assert!(
            oldest_to_drop(&sizes, &TIMELINE) > 0,
            "a quarter of a megabyte at most"
        );
    }

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
