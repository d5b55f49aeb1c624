//! When to send a failed API call again, and after how long. The adapter only sleeps and
//! re-sends; every choice is here, so it can be tested without a network or a clock.
//!
//! Google's guidance for its APIs: retry 429 and 5xx with exponential backoff and jitter, and
//! honour `Retry-After`. Bounded in attempts and in total time, so a person is never left
//! waiting on a spinner for a server that is down.

use crate::api::{ApiError, Method};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The backoff before the first retry; it doubles with each retry.
    pub base_delay_ms: u64,
    /// No backoff step grows beyond this (a server's `Retry-After` may ask for more).
    pub max_delay_ms: u64,
    /// From the first attempt: no retry is scheduled that would end after this.
    pub max_total_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay_ms: 500,
            max_delay_ms: 8_000,
            max_total_ms: 20_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this many milliseconds, then send the same request again.
    RetryAfter(u64),
    /// Report the error.
    GiveUp,
}

impl RetryPolicy {
    /// After attempt number `attempts_made` (1 for the first) failed with `error`, `elapsed_ms`
    /// after the first attempt started. `jitter` is a uniform random number in [0, 1) from the
    /// caller; it spreads clients apart so they do not retry in lockstep.
    pub fn decide(
        &self,
        method: Method,
        attempts_made: u32,
        error: &ApiError,
        elapsed_ms: u64,
        jitter: f64,
    ) -> Decision {
        let server_wait = match error {
            // The request was refused before it was processed, so even a create may be resent.
            ApiError::RateLimited { retry_after_ms } => *retry_after_ms,
            // The request may have been applied before the server failed (or the answer was
            // lost): only a request that is safe to repeat is repeated.
            ApiError::Server {
                status: 500 | 502 | 503 | 504,
                retry_after_ms,
            } if method.is_idempotent() => *retry_after_ms,
            ApiError::Network(_) if method.is_idempotent() => None,
            _ => return Decision::GiveUp,
        };
        if attempts_made >= self.max_attempts {
            return Decision::GiveUp;
        }
        let delay = self
            .backoff_ms(attempts_made, jitter)
            .max(server_wait.unwrap_or(0));
        if elapsed_ms.saturating_add(delay) > self.max_total_ms {
            return Decision::GiveUp;
        }
        Decision::RetryAfter(delay)
    }

    /// "Equal jitter": half the exponential step for certain, the other half at random, so a
    /// retry never comes immediately yet clients still spread out.
    fn backoff_ms(&self, attempts_made: u32, jitter: f64) -> u64 {
        let doublings = attempts_made.saturating_sub(1).min(32);
        let step = self
            .base_delay_ms
            .saturating_mul(1u64 << doublings)
            .min(self.max_delay_ms);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        step / 2 + ((step - step / 2) as f64 * jitter) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(status: u16) -> ApiError {
        ApiError::Server {
            status,
            retry_after_ms: None,
        }
    }

    fn rate_limited(retry_after_ms: Option<u64>) -> ApiError {
        ApiError::RateLimited { retry_after_ms }
    }

    #[test]
    fn backoff_doubles_between_half_and_full_step() {
        let p = RetryPolicy::default();
        let e = server(503);
        assert_eq!(
            p.decide(Method::Get, 1, &e, 0, 0.0),
            Decision::RetryAfter(250)
        );
        assert_eq!(
            p.decide(Method::Get, 1, &e, 0, 0.999_999),
            Decision::RetryAfter(499)
        );
        assert_eq!(
            p.decide(Method::Get, 2, &e, 0, 0.0),
            Decision::RetryAfter(500)
        );
        assert_eq!(
            p.decide(Method::Get, 3, &e, 0, 0.0),
            Decision::RetryAfter(1000)
        );
    }

    #[test]
    fn attempts_are_bounded() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(Method::Get, 4, &server(500), 0, 0.5),
            Decision::GiveUp
        );
    }

    #[test]
    fn total_time_is_bounded() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(Method::Get, 1, &server(500), 19_900, 0.5),
            Decision::GiveUp
        );
    }

    #[test]
    fn a_retry_that_ends_exactly_at_the_time_budget_is_still_made() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(Method::Get, 1, &server(503), 19_750, 0.0),
            Decision::RetryAfter(250)
        );
        assert_eq!(
            p.decide(Method::Get, 1, &server(503), 19_751, 0.0),
            Decision::GiveUp
        );
    }

    #[test]
    fn retry_after_is_never_undercut() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(Method::Get, 1, &rate_limited(Some(3_000)), 0, 0.0),
            Decision::RetryAfter(3_000)
        );
    }

    #[test]
    fn a_retry_after_beyond_the_time_budget_gives_up_at_once() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(Method::Get, 1, &rate_limited(Some(120_000)), 0, 0.0),
            Decision::GiveUp
        );
    }

    #[test]
    fn rate_limited_creates_are_resent_but_failed_creates_are_not() {
        let p = RetryPolicy::default();
        assert!(matches!(
            p.decide(Method::Post, 1, &rate_limited(None), 0, 0.0),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            p.decide(Method::Post, 1, &server(500), 0, 0.0),
            Decision::GiveUp
        );
        assert_eq!(
            p.decide(Method::Post, 1, &ApiError::Network("reset".into()), 0, 0.0),
            Decision::GiveUp
        );
    }

    #[test]
    fn network_failures_of_safe_requests_are_retried() {
        let p = RetryPolicy::default();
        assert!(matches!(
            p.decide(
                Method::Delete,
                1,
                &ApiError::Network("reset".into()),
                0,
                0.0
            ),
            Decision::RetryAfter(_)
        ));
    }

    #[test]
    fn errors_a_retry_cannot_fix_are_reported_at_once() {
        let p = RetryPolicy::default();
        for error in [
            ApiError::Unauthorized,
            ApiError::InsufficientScope { scopes: vec![] },
            ApiError::Forbidden("no".into()),
            ApiError::Rejected {
                status: 400,
                message: "bad".into(),
            },
            ApiError::Malformed("x".into()),
            server(501),
            server(505),
        ] {
            assert_eq!(
                p.decide(Method::Get, 1, &error, 0, 0.0),
                Decision::GiveUp,
                "{error:?}"
            );
        }
    }

    #[test]
    fn odd_jitter_values_are_tamed() {
        let p = RetryPolicy::default();
        for jitter in [f64::NAN, -1.0, 7.0, f64::INFINITY] {
            let Decision::RetryAfter(ms) = p.decide(Method::Get, 1, &server(503), 0, jitter) else {
                panic!("should retry");
            };
            assert!((250..=500).contains(&ms), "{jitter}: {ms}");
        }
    }
}
