//! Property tests of the core, in one test binary: `cargo xtask mutants` builds and links the
//! tests once per mutant, so each binary more is hundreds of links more.
//!
//! - [`parsers`]: the parsers never panic on hostile input, and what the builders write, the
//!   parsers read back unchanged;
//! - [`api`]: the API layer's decisions (answer classification, retries, paging);
//! - [`curl`]: the inspector's curl commands, run through a real POSIX shell;
//! - [`dpop`]: DPoP's `htu` and proofs;
//! - [`outside_input`]: the readers of what servers and the page hand the core (challenges,
//!   nonces, `Retry-After`, the page's CSP, error bodies, paging tokens).

mod api;
mod curl;
mod dpop;
mod outside_input;
mod parsers;

/// `default` cases per property in `cargo test`, or `PROPTEST_CASES` when set: `cargo xtask
/// bench` sets many for a long run (the stand-in for cargo-fuzz, which needs nightly Rust),
/// `cargo xtask mutants` few, since its run multiplies them by the number of mutants.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
