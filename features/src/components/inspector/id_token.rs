//! The ID token taken apart, as jwt.io shows one and more: the header and each claim, what it
//! means, and the check the page made on it with what it was compared against. Everything
//! here is what the sign-in module recorded as it verified (`oauth::id_token_report`); nothing
//! is decided again.

use oauth::http_date::format_ms;
use oauth::id_token_report::{check, CheckRecord, IdTokenReport, Occasion, Outcome};
use oauth::inspect::explain_claim;
use yew::prelude::*;

/// `show` hides secrets (the nonce) unless the step's are revealed.
pub fn id_token_view(report: &IdTokenReport, show: &dyn Fn(&str) -> String) -> Html {
    let heading = match report.occasion {
        Occasion::SignIn => "The ID token taken apart",
        Occasion::Refresh => "The refreshed ID token taken apart",
    };
    let present: Vec<&str> = report.claims.iter().map(|(n, _)| n.as_str()).collect();
    // Checks on a claim the token left out (a missing at_hash or nonce) get a row too.
    let absent: Vec<&str> = report
        .checks
        .iter()
        .map(|c| {
            c.check
                .strip_prefix(check::FIRST_PREFIX)
                .unwrap_or(&c.check)
        })
        .filter(|c| *c != check::ALG && *c != check::SIGNATURE && !present.contains(c))
        .fold(Vec::new(), |mut list, c| {
            if !list.contains(&c) {
                list.push(c);
            }
            list
        });
    html! {
        <div class="id-token" data-testid="id-token">
            <h4>{ heading }</h4>
            <p class="hint">{ format!("Checked against this device's clock: {} ({}), with {} s of tolerated skew.", report.now_secs, time(report.now_secs), report.skew_secs) }</p>
            <h5>{ "Signature" }</h5>
            <dl class="fields claims">
                { for report.checks_of(check::SIGNATURE).map(|c| html! {
                    <>
                        <dt><code>{ "signature" }</code></dt>
                        <dd>
                            <span class="why">{ "RSASSA-PKCS1-v1_5 with SHA-256 over the header and payload as sent, verified by the browser's WebCrypto with the provider's published key." }</span>
                            { check_line(c, report, show) }
                        </dd>
                    </>
                }) }
            </dl>
            <h5>{ "Header" }</h5>
            <dl class="fields claims">
                { for report.header.iter().map(|(name, value)| row(name, Some(value), report, show)) }
            </dl>
            <h5>{ "Claims" }</h5>
            <dl class="fields claims" data-testid="id-token-claims">
                { for report.claims.iter().map(|(name, value)| row(name, Some(value), report, show)) }
                { for absent.into_iter().map(|name| row(name, None, report, show)) }
            </dl>
        </div>
    }
}

/// One member: its value, what it means, and the checks made on it.
fn row(
    name: &str,
    value: Option<&String>,
    report: &IdTokenReport,
    show: &dyn Fn(&str) -> String,
) -> Html {
    let shown = match value {
        Some(value) => {
            let value = show(value);
            match value.parse::<i64>() {
                Ok(secs) if is_time(name) => format!("{value} ({})", time(secs)),
                _ => value,
            }
        }
        None => "absent".to_owned(),
    };
    let checks: Vec<&CheckRecord> = report.checks_of(name).collect();
    html! {
        <>
            <dt><code>{ name.to_owned() }</code></dt>
            <dd data-claim={name.to_owned()}>
                <code class="value">{ shown }</code>
                if let Some(known) = explain_claim(name) {
                    <span class="why">{ known.text }
                        { " " }<a href={known.link} target="_blank" rel="noopener noreferrer">{ "spec" }</a>
                    </span>
                }
                if checks.is_empty() && name != "kid" && name != "typ" {
                    <span class="claim-check unchecked">{ "No check: once the signature holds, the provider's word." }</span>
                }
                { for checks.into_iter().map(|c| check_line(c, report, show)) }
            </dd>
        </>
    }
}

fn is_time(claim: &str) -> bool {
    matches!(claim, "exp" | "iat" | "auth_time" | "nbf")
}

fn time(secs: i64) -> String {
    u64::try_from(secs)
        .ok()
        .and_then(|s| s.checked_mul(1000))
        .map_or_else(|| "out of range".to_owned(), format_ms)
}

/// A check in words: its verdict, the rule, what it was compared against, why it failed.
fn check_line(c: &CheckRecord, report: &IdTokenReport, show: &dyn Fn(&str) -> String) -> Html {
    let (class, mark, verdict) = match c.outcome {
        Outcome::Passed => ("claim-check passed", "✓", "passed"),
        Outcome::Failed => ("claim-check failed", "✗", "failed"),
        Outcome::NotChecked => ("claim-check unchecked", "–", "not checked"),
    };
    let expected = show(&c.expected);
    let now = |secs: &str| {
        let at = secs.parse::<i64>().unwrap_or(report.now_secs);
        format!("{at} ({})", time(at))
    };
    // (words before, the value compared against, words after)
    let (before, value, after): (String, Option<String>, String) = match c.check.as_str() {
        check::ALG => ("Must be ".into(), Some(expected), ".".into()),
        check::SIGNATURE if expected.is_empty() => (
            "The signature was not verified.".into(),
            None,
            String::new(),
        ),
        check::SIGNATURE => (format!("Verified with {expected}."), None, String::new()),
        "iss" => ("Must be ".into(), Some(expected), ".".into()),
        "aud" => (
            "Must contain this app's client id, ".into(),
            Some(expected),
            ".".into(),
        ),
        "azp" => (
            "When present, or when aud lists several, must be this app's client id, ".into(),
            Some(expected),
            ".".into(),
        ),
        "exp" => (
            format!(
                "Must be later than now, {}, less {} s of skew.",
                now(&c.expected),
                report.skew_secs
            ),
            None,
            String::new(),
        ),
        "iat" => (
            format!(
                "Must not be later than now, {}, plus {} s of skew.",
                now(&c.expected),
                report.skew_secs
            ),
            None,
            String::new(),
        ),
        "nonce" if expected.is_empty() => ("Not held to a nonce.".into(), None, String::new()),
        "nonce" => (
            "Must be the nonce this tab sent: ".into(),
            Some(expected),
            ".".into(),
        ),
        "at_hash" if expected.is_empty() => {
            ("No access token to bind.".into(), None, String::new())
        }
        "at_hash" => (
            "Computed here from the access token (the left half of its SHA-256, base64url): "
                .into(),
            Some(expected),
            ". Must be the same.".into(),
        ),
        "first:iat" => (
            "Must not be older than the first ID token's iat, ".into(),
            Some(expected),
            ".".into(),
        ),
        other => match other.strip_prefix(check::FIRST_PREFIX) {
            Some(claim) => (
                format!("Must be the first ID token's {claim}: "),
                Some(expected),
                ".".into(),
            ),
            None => (expected, None, String::new()),
        },
    };
    html! {
        <span class={class} data-check={c.check.clone()} data-outcome={c.outcome.name()}>
            <span class="verdict" aria-label={verdict}>{ mark }</span>{ " " }{ before }
            if let Some(value) = value { <code class="value">{ value }</code> }
            { after }
            if let Some(reason) = &c.reason {
                { " " }<strong>{ capitalised(&show(reason)) }{ "." }</strong>
            }
        </span>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
