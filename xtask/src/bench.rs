//! `cargo xtask bench`: the size and speed budgets, and the long property-test run that stands in
//! for fuzzing (cargo-fuzz needs nightly Rust, which this project does not use).
//!
//! Not part of `cargo xtask test`: timings on a shared machine vary, and the run takes minutes.

use crate::{build_emulator, command, emulator_binary, release_build, root, run, setup, Result};
use std::env;

/// Its own dist folder, so benchmarking never clobbers the build the tests use.
const BENCH_DIST: &str = "target/dist-bench";
/// The framework's floor: tests/bench/bare-yew built with the app's release settings.
const BARE_CRATE: &str = "tests/bench/bare-yew";
const BARE_DIST: &str = "target/dist-bare-yew";
/// Cases per property in the long run; `BENCH_FUZZ_CASES` overrides.
const FUZZ_CASES: u64 = 200_000;

pub fn bench() -> Result {
    setup::install(setup::Needs::All)?;
    release_build(BENCH_DIST, "/")?;
    let bare_dist = root().join(BARE_DIST);
    run(command("trunk")
        .current_dir(root().join(BARE_CRATE))
        .args(["build", "--release", "--dist"])
        .arg(&bare_dist))?;
    // The app's JS glue is minified by its post-build hook; the floor's gets the same.
    crate::minify_js(&bare_dist)?;
    build_emulator()?;
    // bench.mjs exits 3 when it measured everything but a budget failed.
    let browser = command("node")
        .arg("tests/bench/bench.mjs")
        .env("APP_DIST", BENCH_DIST)
        .env("BARE_DIST", &bare_dist)
        .env("EMULATOR_BIN", emulator_binary())
        .env("XTASK_BIN", crate::xtask_binary()?)
        .status()
        .map_err(|e| format!("node tests/bench/bench.mjs: {e}"))?;
    let budgets_met = match browser.code() {
        Some(0) => true,
        Some(3) => false,
        _ => return Err(format!("tests/bench/bench.mjs failed ({browser})")),
    };
    let fuzzed = fuzz();
    match (budgets_met, fuzzed) {
        (true, Ok(())) => Ok(()),
        (false, Ok(())) => Err("a budget was missed (see FAIL above)".into()),
        (_, Err(e)) => Err(e),
    }
}

/// The parsers' properties (oauth/tests/properties.rs) with many more cases than `cargo test`
/// runs. A panic anywhere fails its property, so a pass means every input was handled.
fn fuzz() -> Result {
    let cases = env::var("BENCH_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(FUZZ_CASES);
    let mut cmd = command("cargo");
    cmd.args([
        "test",
        "--release",
        "--quiet",
        "--package",
        "oauth",
        "--test",
        "properties",
    ])
    .env("PROPTEST_CASES", cases.to_string());
    println!("==> PROPTEST_CASES={cases} cargo test --release -p oauth --test properties");
    let output = cmd
        .output()
        .map_err(|e| format!("cargo test (properties): {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    let passed = passed_count(&stdout);
    println!();
    println!("Fuzzing (property tests, release build)");
    if !output.status.success() {
        println!("  FAIL  a property failed: see the minimal failing input above");
        return Err("property tests failed".into());
    }
    println!(
        "  PASS  {passed} properties x {cases} cases = {} generated inputs, 0 failures, 0 panics",
        passed * cases
    );
    Ok(())
}

/// `N` from libtest's "test result: ok. N passed; …" line.
fn passed_count(stdout: &str) -> u64 {
    stdout
        .lines()
        .filter_map(|l| l.split("test result: ").nth(1))
        .filter_map(|r| {
            r.split(" passed")
                .next()?
                .rsplit(' ')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::passed_count;

    #[test]
    fn passed_count_reads_libtest_summaries() {
        let out = "running 9 tests\n.........\ntest result: ok. 9 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 41.20s\n";
        assert_eq!(passed_count(out), 9);
    }
}
