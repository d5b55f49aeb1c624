//! `cargo xtask mutants`: mutation testing of the files in the protocol core that decide whether
//! an answer, a token or a provider is trusted. cargo-mutants breaks each check in turn (a `>`
//! made `>=`, a guard made `true`, a body replaced by a default) and runs the oauth crate's own
//! tests; a mutant they do not catch is a check that could be wrong without any test noticing.

use crate::{command, root, setup, Result};
use std::fs;

/// Pinned, so a new release's new mutation operators never fail CI unannounced.
const CARGO_MUTANTS_VERSION: &str = "27.1.0";

/// The files that make the security decisions: response parsing, the state/issuer/token checks,
/// the ID token's claims, token info's audience, discovery's issuer and endpoints, the code
/// exchange's answer, the session's expiry, a refresh's answer and the refreshed ID token's
/// checks, the logout return's state, and DPoP's proofs, token types and nonces.
pub const SECURITY_FILES: [&str; 10] = [
    "oauth/src/callback.rs",
    "oauth/src/response.rs",
    "oauth/src/id_token.rs",
    "oauth/src/token_info.rs",
    "oauth/src/discovery.rs",
    "oauth/src/token_endpoint.rs",
    "oauth/src/session.rs",
    "oauth/src/refresh.rs",
    "oauth/src/end_session.rs",
    "oauth/src/dpop.rs",
];

/// Enough cases for the property tests to run every path once, few enough that the thousands
/// of default cases do not multiply by the number of mutants.
const PROPTEST_CASES: &str = "64";

/// Seconds one mutant's tests may run: unmutated they take about two, so only a mutant that
/// loops forever gets near this, even on a machine busy with other builds.
const TEST_TIMEOUT_SECS: &str = "60";

pub fn mutants() -> Result {
    setup::cargo_tool(
        &["cargo", "mutants", "--version"],
        "cargo-mutants",
        CARGO_MUTANTS_VERSION,
        true,
    )?;
    let status = crate::status(
        command("cargo")
            .args(["mutants", "--package", "oauth", "--jobs", "2"])
            .args(["--timeout", TEST_TIMEOUT_SECS])
            .args(SECURITY_FILES.iter().flat_map(|file| ["--file", file]))
            .env("PROPTEST_CASES", PROPTEST_CASES),
    )?;
    // cargo-mutants' exit codes: https://mutants.rs/exit-codes.html (3, a timeout, wins over 2).
    match status.code() {
        Some(0) => Ok(()),
        Some(2 | 3) => Err(format!(
            "cargo mutants: {} missed, in mutants.out/missed.txt (each a change to a check that \
             no test noticed); {} timed out (tests ran past {TEST_TIMEOUT_SECS} s), in \
             mutants.out/timeout.txt",
            listed("missed.txt"),
            listed("timeout.txt")
        )),
        Some(4) => Err("cargo mutants: the tests fail on the unmutated code".into()),
        _ => Err(format!("cargo mutants failed ({status})")),
    }
}

/// How many mutants one of cargo-mutants' lists in mutants.out holds.
fn listed(name: &str) -> usize {
    fs::read_to_string(root().join("mutants.out").join(name)).map_or(0, |text| text.lines().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_security_file_exists() {
        // A renamed file would leave its glob matching nothing, and its checks untested.
        for file in SECURITY_FILES {
            assert!(root().join(file).is_file(), "{file}");
        }
    }
}
