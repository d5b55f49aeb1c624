//! Property tests of the API layer's decisions: answer classification never panics and sorts
//! statuses the same way whatever the body says; the retry policy stays inside its bounds for any
//! sequence of failures; HTTP-dates read back what was written; paging always ends.

use oauth::api::{check_answer, Answer, ApiError, Method};
use oauth::http_date;
use oauth::paging::{Next, PageCursor};
use oauth::retry::{Decision, RetryPolicy};
use proptest::prelude::*;

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::Get),
        Just(Method::Post),
        Just(Method::Patch),
        Just(Method::Delete)
    ]
}

fn error() -> impl Strategy<Value = ApiError> {
    let wait = proptest::option::of(0u64..200_000);
    prop_oneof![
        Just(ApiError::Unauthorized),
        Just(ApiError::InsufficientScope { scopes: vec![] }),
        wait.clone()
            .prop_map(|retry_after_ms| ApiError::RateLimited { retry_after_ms }),
        (500u16..600, wait).prop_map(|(status, retry_after_ms)| ApiError::Server {
            status,
            retry_after_ms
        }),
        Just(ApiError::Network("reset".into())),
        Just(ApiError::Malformed("x".into())),
        (400u16..500).prop_map(|status| ApiError::Rejected {
            status,
            message: String::new()
        }),
    ]
}

fn retry_after(error: &ApiError) -> Option<u64> {
    match error {
        ApiError::RateLimited { retry_after_ms } | ApiError::Server { retry_after_ms, .. } => {
            *retry_after_ms
        }
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(crate::cases(1000)))]

    #[test]
    fn classification_never_panics_and_follows_the_status(
        status in 100u16..600,
        body in "\\PC{0,120}",
        challenge in proptest::option::of("\\PC{0,80}"),
        retry in proptest::option::of("\\PC{0,40}"),
        now in any::<u64>(),
    ) {
        let answer = Answer { status, www_authenticate: challenge.as_deref(), retry_after: retry.as_deref(), body: &body };
        let result = check_answer(&answer, now);
        let sorted = match (status, &result) {
            (200..=299, Ok(())) => true,
            (401, Err(ApiError::Unauthorized)) => true,
            (429, Err(ApiError::RateLimited { .. })) => true,
            (500..=599, Err(ApiError::Server { status: s, .. })) => *s == status,
            (403, Err(ApiError::InsufficientScope { .. } | ApiError::RateLimited { .. } | ApiError::Forbidden(_))) => true,
            (200..=299 | 401 | 403 | 429 | 500..=599, _) => false,
            (_, Err(ApiError::Rejected { status: s, .. })) => *s == status,
            _ => false,
        };
        prop_assert!(sorted, "status {} gave {:?}", status, result);
    }

    #[test]
    fn one_retry_decision_stays_inside_the_policy(
        method in method(),
        error in error(),
        attempts in 1u32..10,
        elapsed in 0u64..40_000,
        jitter in 0.0f64..1.0,
    ) {
        let policy = RetryPolicy::default();
        match policy.decide(method, attempts, &error, elapsed, jitter) {
            Decision::RetryAfter(delay) => {
                prop_assert!(attempts < policy.max_attempts);
                prop_assert!(elapsed + delay <= policy.max_total_ms);
                prop_assert!(delay >= retry_after(&error).unwrap_or(0), "Retry-After undercut");
                prop_assert!(delay >= policy.base_delay_ms / 2, "a retry never comes at once");
                prop_assert!(delay <= policy.max_delay_ms.max(retry_after(&error).unwrap_or(0)));
                let safe = method.is_idempotent() || matches!(error, ApiError::RateLimited { .. });
                prop_assert!(safe, "a create is resent only when it was refused unprocessed");
            }
            Decision::GiveUp => {}
        }
    }

    #[test]
    fn a_run_of_failures_ends_within_the_attempt_and_time_bounds(
        method in method(),
        errors in proptest::collection::vec(error(), 1..12),
        jitters in proptest::collection::vec(0.0f64..1.0, 12),
    ) {
        let policy = RetryPolicy::default();
        let (mut attempts, mut elapsed) = (0u32, 0u64);
        for (error, jitter) in errors.iter().zip(&jitters) {
            attempts += 1;
            match policy.decide(method, attempts, error, elapsed, *jitter) {
                Decision::RetryAfter(delay) => elapsed += delay,
                Decision::GiveUp => break,
            }
        }
        prop_assert!(attempts <= policy.max_attempts);
        prop_assert!(elapsed <= policy.max_total_ms);
    }

    #[test]
    fn http_dates_read_back_to_the_second(ms in 0u64..253_402_300_799_000) {
        let text = http_date::format_ms(ms);
        prop_assert_eq!(http_date::parse_ms(&text), Some(ms / 1000 * 1000), "{}", text);
    }

    #[test]
    fn http_date_parser_never_panics(text in "\\PC{0,60}") {
        let _ = http_date::parse_ms(&text);
    }

    #[test]
    fn paging_always_ends(tokens in proptest::collection::vec(proptest::option::of("[a-c]{0,2}"), 0..200), budget in 1usize..20) {
        let mut cursor = PageCursor::new(budget);
        let mut pages = 0;
        for token in &tokens {
            pages += 1;
            match cursor.advance(token.as_deref()) {
                Ok(Next::Fetch(_)) => {}
                Ok(Next::Done) | Err(_) => break,
            }
        }
        prop_assert!(pages <= budget);
    }
}
