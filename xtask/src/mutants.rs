//! `cargo xtask mutants`: mutation testing of the protocol core. cargo-mutants breaks each line in
//! turn (a `>` made `>=`, a guard made `true`, a body replaced by a default) and runs the oauth
//! crate's own tests; a mutant they do not catch is a line that could be wrong without any test
//! noticing.
//!
//! - `cargo xtask mutants`: the files `cargo xtask test` runs ([`TEST_FILES`]);
//! - `cargo xtask mutants --all`: the whole crate (see the README for how long it takes);
//! - `cargo xtask mutants FILE…`: those files (`oauth/src/json.rs`, or just `json.rs`).
//!
//! It fails on any mutant the tests miss or that times out, and prints what each file's
//! mutants cost, so the README can say which run belongs where.

use crate::phases::clock;
use crate::{command, describe, root, Result};
use serde_json::Value;
use std::fs;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

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

/// Files outside the security ones whose mutants were all killed (issue 26), run by `cargo
/// xtask test` too while its mutation step stays under eight minutes on two cores. The rest of
/// the crate is `--all` (same standard, zero missed; its time is in the README).
pub const ALSO_IN_TEST: [&str; 0] = [];

/// What `cargo xtask mutants` and `cargo xtask test` run.
pub fn test_files() -> Vec<&'static str> {
    SECURITY_FILES
        .iter()
        .chain(&ALSO_IN_TEST)
        .copied()
        .collect()
}

/// Enough cases for the property tests to run every path once, few enough that the thousands
/// of default cases do not multiply by the number of mutants.
const PROPTEST_CASES: &str = "64";

/// Seconds one mutant's tests may run: unmutated they take about three, so only a mutant that
/// loops forever gets near this, even on a machine busy with other builds.
const TEST_TIMEOUT_SECS: u64 = 60;

/// The same beside the other steps (`cargo xtask test`). There the run is at nice 19 (a
/// scheduler weight of 15 against the steps' 1024), so while they keep both cores busy a
/// three-second test can take minutes of wall clock, and 60 s would fail the whole run on the
/// machine's load rather than on a mutant. The reader loops that could hang are bounded (json,
/// retention), so a real hang is only reported later.
const TEST_TIMEOUT_BESIDE_SECS: u64 = 300;

/// Which files to mutate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// [`test_files`].
    Test,
    /// The whole oauth crate.
    All,
    Files(Vec<String>),
}

impl Scope {
    pub fn from_args(args: &[String]) -> Result<Scope> {
        match args {
            [] => Ok(Scope::Test),
            [all] if all == "--all" => Ok(Scope::All),
            files if files.iter().all(|f| !f.starts_with('-')) => Ok(Scope::Files(
                files
                    .iter()
                    .map(|f| match f.contains('/') {
                        true => f.clone(),
                        false => format!("oauth/src/{f}"),
                    })
                    .collect(),
            )),
            _ => Err("usage: cargo xtask mutants [--all | FILE…]".into()),
        }
    }

    fn files(&self) -> Vec<String> {
        match self {
            Scope::Test => test_files().iter().map(|f| f.to_string()).collect(),
            Scope::All => Vec::new(),
            Scope::Files(files) => files.clone(),
        }
    }
}

pub fn mutants(args: &[String]) -> Result {
    let scope = Scope::from_args(args)?;
    crate::setup::Tool::CargoMutants.install()?;
    let run = MutationRun::start(&scope, false)?;
    run.finish().map(|report| print!("{report}"))
}

/// A cargo-mutants run under way.
pub struct MutationRun {
    child: Child,
    started: Instant,
    timeout_secs: u64,
    log: Option<std::path::PathBuf>,
}

impl MutationRun {
    /// Starts cargo-mutants over `scope`. `beside` runs it at the lowest priority with its
    /// output in `target/xtask/mutants.log`, for `cargo xtask test` to run its steps meanwhile
    /// (the run takes what they leave of the cores).
    pub fn start(scope: &Scope, beside: bool) -> Result<MutationRun> {
        let mut cmd = if beside {
            let mut nice = command("nice");
            nice.args(["-n", "19", "cargo"]);
            nice
        } else {
            command("cargo")
        };
        let timeout_secs = match beside {
            true => TEST_TIMEOUT_BESIDE_SECS,
            false => TEST_TIMEOUT_SECS,
        };
        cmd.args(["mutants", "--package", "oauth", "--jobs", "2"])
            .args(["--timeout", &timeout_secs.to_string()])
            .args(scope.files().iter().flat_map(|file| ["--file", file]))
            .env("PROPTEST_CASES", PROPTEST_CASES);
        let mut log = None;
        if beside {
            let dir = root().join("target/xtask");
            fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let path = dir.join("mutants.log");
            let file = fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let err = file.try_clone().map_err(|e| e.to_string())?;
            cmd.stdin(Stdio::null()).stdout(file).stderr(err);
            println!(
                "==> {} (beside the next steps; output in {})",
                describe(&cmd),
                path.display()
            );
            log = Some(path);
        } else {
            println!("==> {}", describe(&cmd));
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("{}: {e}", describe(&cmd)))?;
        Ok(MutationRun {
            child,
            started: Instant::now(),
            timeout_secs,
            log,
        })
    }

    /// Waits for the run; its per-file report, or why it failed (with the report).
    pub fn finish(mut self) -> Result<String> {
        let status = self
            .child
            .wait()
            .map_err(|e| format!("cargo mutants: {e}"))?;
        let took = self.started.elapsed();
        let mut report = match &self.log {
            Some(log) => summary_of(log),
            None => String::new(),
        };
        report.push_str(&per_file_report(took));
        verdict(status, self.timeout_secs)
            .map(|()| report.clone())
            .map_err(|e| format!("{report}{e}"))
    }

    /// Ends a run that is no longer wanted (a step beside it failed): cargo-mutants stops its
    /// own builds on an interrupt.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// cargo-mutants' exit codes: https://mutants.rs/exit-codes.html (3, a timeout, wins over 2).
fn verdict(status: ExitStatus, timeout_secs: u64) -> Result {
    match status.code() {
        Some(0) => Ok(()),
        Some(2 | 3) => Err(format!(
            "cargo mutants: {} missed, in mutants.out/missed.txt (each a change to a line that \
             no test noticed); {} timed out (tests ran past {timeout_secs} s), in \
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

/// The last lines of a background run's log: cargo-mutants' own summary, and what it missed.
fn summary_of(log: &std::path::Path) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.starts_with("MISSED") || l.starts_with("TIMEOUT") || l.contains(" mutants tested")
        })
        .collect();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// One file's mutants in a run, from cargo-mutants' `outcomes.json`.
#[derive(Debug, Default, Clone, PartialEq)]
struct FileCost {
    mutants: usize,
    caught: usize,
    missed: usize,
    unviable: usize,
    timeouts: usize,
    /// Build and test seconds, summed over the mutants (the jobs ran side by side).
    seconds: f64,
}

/// Each file's mutants and what they cost, in the order the files first appear.
fn costs(outcomes: &Value) -> Vec<(String, FileCost)> {
    let mut files: Vec<(String, FileCost)> = Vec::new();
    let empty = Vec::new();
    for outcome in outcomes["outcomes"].as_array().unwrap_or(&empty) {
        let Some(file) = outcome["scenario"]["Mutant"]["file"].as_str() else {
            continue; // the baseline
        };
        let seconds: f64 = outcome["phase_results"]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .filter_map(|phase| phase["duration"].as_f64())
            .sum();
        let at = match files.iter().position(|(f, _)| f == file) {
            Some(at) => at,
            None => {
                files.push((file.to_owned(), FileCost::default()));
                files.len() - 1
            }
        };
        let cost = &mut files[at].1;
        cost.mutants += 1;
        cost.seconds += seconds;
        match outcome["summary"].as_str() {
            Some("CaughtMutant") => cost.caught += 1,
            Some("MissedMutant") => cost.missed += 1,
            Some("Unviable") => cost.unviable += 1,
            Some("Timeout") => cost.timeouts += 1,
            _ => {}
        }
    }
    files
}

fn per_file_report(took: Duration) -> String {
    let path = root().join("mutants.out/outcomes.json");
    let Some(outcomes) = fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
    else {
        return format!("(no {} to report from)\n", path.display());
    };
    let files = costs(&outcomes);
    let mut out = String::from(
        "\n==> mutation testing, per file (seconds: build and test time of its mutants, summed \
         over both jobs)\n",
    );
    out.push_str(&format!(
        "    {:<28} {:>7} {:>7} {:>7} {:>8} {:>8} {:>9}\n",
        "file", "mutants", "caught", "missed", "unviable", "timeouts", "seconds"
    ));
    let mut total = FileCost::default();
    for (file, cost) in &files {
        out.push_str(&row(file, cost));
        total.mutants += cost.mutants;
        total.caught += cost.caught;
        total.missed += cost.missed;
        total.unviable += cost.unviable;
        total.timeouts += cost.timeouts;
        total.seconds += cost.seconds;
    }
    out.push_str(&row("total", &total));
    out.push_str(&format!("    wall clock: {}\n", clock(took)));
    out
}

fn row(file: &str, c: &FileCost) -> String {
    format!(
        "    {:<28} {:>7} {:>7} {:>7} {:>8} {:>8} {:>9.0}\n",
        file.trim_start_matches("oauth/src/"),
        c.mutants,
        c.caught,
        c.missed,
        c.unviable,
        c.timeouts,
        c.seconds
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_file_exists() {
        // A renamed file would leave its glob matching nothing, and its lines untested.
        for file in test_files() {
            assert!(root().join(file).is_file(), "{file}");
        }
    }

    #[test]
    fn the_arguments_choose_the_files() {
        assert_eq!(Scope::from_args(&[]), Ok(Scope::Test));
        assert_eq!(Scope::from_args(&["--all".into()]), Ok(Scope::All));
        assert_eq!(
            Scope::from_args(&["json.rs".into(), "oauth/src/url.rs".into()]),
            Ok(Scope::Files(vec![
                "oauth/src/json.rs".into(),
                "oauth/src/url.rs".into()
            ]))
        );
        assert!(Scope::from_args(&["--al".into()]).is_err());
        assert_eq!(Scope::All.files(), Vec::<String>::new());
        assert_eq!(Scope::Test.files().len(), test_files().len());
    }

    #[test]
    fn outcomes_add_up_per_file() {
        let outcomes: Value = serde_json::from_str(
            r#"{"outcomes": [
              {"scenario": "Baseline", "summary": "Success", "phase_results": [{"phase": "Build", "duration": 60.0}]},
              {"scenario": {"Mutant": {"file": "oauth/src/a.rs"}}, "summary": "CaughtMutant",
               "phase_results": [{"phase": "Build", "duration": 2.5}, {"phase": "Test", "duration": 1.0}]},
              {"scenario": {"Mutant": {"file": "oauth/src/b.rs"}}, "summary": "Unviable",
               "phase_results": [{"phase": "Build", "duration": 1.0}]},
              {"scenario": {"Mutant": {"file": "oauth/src/a.rs"}}, "summary": "MissedMutant",
               "phase_results": [{"phase": "Build", "duration": 2.0}, {"phase": "Test", "duration": 2.0}]},
              {"scenario": {"Mutant": {"file": "oauth/src/a.rs"}}, "summary": "Timeout",
               "phase_results": [{"phase": "Build", "duration": 1.0}, {"phase": "Test", "duration": 60.0}]}
            ]}"#,
        )
        .unwrap();
        let files = costs(&outcomes);
        assert_eq!(
            files,
            vec![
                (
                    "oauth/src/a.rs".into(),
                    FileCost {
                        mutants: 3,
                        caught: 1,
                        missed: 1,
                        unviable: 0,
                        timeouts: 1,
                        seconds: 68.5
                    }
                ),
                (
                    "oauth/src/b.rs".into(),
                    FileCost {
                        mutants: 1,
                        unviable: 1,
                        seconds: 1.0,
                        ..FileCost::default()
                    }
                ),
            ]
        );
        assert!(row("oauth/src/a.rs", &files[0].1).starts_with("    a.rs "));
    }
}
