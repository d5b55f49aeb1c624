//! The project's commands, so a fresh machine needs nothing but cargo:
//!
//! - `cargo xtask serve`: install what is missing, then run the app with `trunk serve`, against the
//!   local Google emulator unless config.json names a real client.
//! - `cargo xtask test`: install what is missing, then every check and test (format, lints, native,
//!   mutation testing of the core's security checks, wasm in headless Chromium, end to end in
//!   headless Chromium).
//! - `cargo xtask mutants [--all | FILE…]`: only the mutation testing (cargo-mutants over the
//!   oauth crate's security files and those brought to zero missed, the whole crate, or the
//!   files named); fails on any mutant the tests miss, and prints what each file cost.
//! - `cargo xtask screenshots`: build, then save a headless-Chromium screenshot of each screen.
//! - `cargo xtask bench`: release build, then size and speed budgets against a hand-written
//!   JavaScript page, and a long property-test run of the parsers.
//! - `cargo xtask csp [DIR]`: write the Content-Security-Policy into DIR/index.html (default
//!   dist/) from what is there, including DIR/config.json; prints the header form.
//! - `cargo xtask post-build`: Trunk's post-build hook (config.json into the build, then the CSP).
//! - `cargo xtask wasm-opt ARGS…`: wasm-opt, reusing its output for input it has seen
//!   (`cargo xtask test`'s release builds call it through a shim on PATH).
//! - `cargo xtask setup`: only the installs (idempotent).

mod bench;
mod csp;
mod modules;
mod mutants;
mod names;
mod packed;
mod phases;
mod seam;
mod setup;
mod wasm_opt;

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus};
use std::time::{Duration, Instant};

use phases::Phases;

/// The emulator's client id and port for `serve`; tests start their own on free ports.
pub const EMULATOR_CLIENT_ID: &str = "emulator-client.apps.googleusercontent.com";
const EMULATOR_PORT: u16 = 8787;
const APP_PORT: u16 = 8080;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::install(setup::Needs::All),
        Some("serve") => serve(),
        Some("test") => test(),
        Some("screenshots") => screenshots(),
        Some("bench") => bench::bench(),
        Some("mutants") => mutants::mutants(&args[1..]),
        Some("csp") => csp_command(&args[1..]),
        Some("post-build") => post_build(),
        Some("wasm-opt") => wasm_opt::wasm_opt(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <serve|test|mutants [--all | FILE…]|bench|screenshots|csp [DIR]|setup>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// PATH with cargo's bin folder and node_modules/.bin (Trunk finds wasm-opt there) in front.
pub fn tool_path() -> String {
    let home = env::var("HOME").unwrap_or_default();
    let mut parts = vec![
        format!("{home}/.cargo/bin"),
        root().join("node_modules/.bin").display().to_string(),
    ];
    parts.push(env::var("PATH").unwrap_or_default());
    parts.join(":")
}

pub fn command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root()).env("PATH", tool_path());
    cmd
}

/// Runs a command to completion, failing with its description if it fails.
pub fn run(cmd: &mut Command) -> Result {
    let status = status(cmd)?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(cmd)))
    }
}

/// Runs a command to completion and says how it ended, for callers that tell exit codes apart.
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    println!("==> {}", describe(cmd));
    cmd.status().map_err(|e| format!("{}: {e}", describe(cmd)))
}

pub fn describe(cmd: &Command) -> String {
    let args: Vec<String> = cmd
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    format!("{} {}", cmd.get_program().to_string_lossy(), args.join(" "))
}

/// Kills a background process when dropped, so Ctrl-C or an error never leaves one behind.
struct Background(Child);

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn build_emulator() -> Result {
    run(command("cargo").args(["build", "--quiet", "--package", "emulator"]))
}

pub fn emulator_binary() -> PathBuf {
    root().join("target/debug/emulator")
}

pub fn release_build(dist: &str, public_url: &str) -> Result {
    run(&mut trunk_release(dist, public_url))
}

fn trunk_release(dist: &str, public_url: &str) -> Command {
    let mut trunk = command("trunk");
    trunk.args([
        "build",
        "--release",
        "--dist",
        dist,
        "--public-url",
        public_url,
    ]);
    trunk
}

/// A release build whose wasm-opt reuses its earlier output for a module unchanged since
/// (xtask/src/wasm_opt.rs): `cargo xtask test`'s two builds, whose modules are the same.
fn release_build_for_tests(dist: &str, public_url: &str) -> Result {
    let shim = wasm_opt::shim_dir(&xtask_binary()?)?;
    let path = format!("{}:{}", shim.display(), tool_path());
    run(trunk_release(dist, public_url).env("PATH", path))
}

/// examples/sign-in/ (another Yew app on the sign-in library), a development build: its own
/// Trunk.toml puts it in target/dist-example, where tests/e2e/example.test.mjs serves it.
pub fn example_build() -> Result {
    run(command("trunk")
        .arg("build")
        .current_dir(root().join("examples/sign-in")))
}

fn serve() -> Result {
    setup::install(setup::Needs::Build)?;
    let config_path = root().join("config.json");
    let existing = fs::read_to_string(&config_path).ok();
    let has_client = existing
        .as_deref()
        .and_then(oauth_client_id)
        .is_some_and(|id| !id.is_empty() && id != EMULATOR_CLIENT_ID);
    let _emulator = if has_client {
        println!("==> config.json names a client: using it as it is (no emulator)");
        None
    } else {
        println!("==> no client id configured: pointing the app at the local Google emulator");
        fs::write(&config_path, emulator_config(EMULATOR_PORT))
            .map_err(|e| format!("writing config.json: {e}"))?;
        build_emulator()?;
        let redirect = format!("http://127.0.0.1:{APP_PORT}/");
        let child = Command::new(emulator_binary())
            .args([
                "--port",
                &EMULATOR_PORT.to_string(),
                "--client-id",
                EMULATOR_CLIENT_ID,
            ])
            .args(["--redirect-uri", &redirect])
            .spawn()
            .map_err(|e| format!("starting the emulator: {e}"))?;
        Some(Background(child))
    };
    println!("==> open http://127.0.0.1:{APP_PORT}/");
    // Its own dist folder, so serving never clobbers the release build the tests use.
    // Autoreload is off in Trunk.toml, for plain `trunk serve` too (see there why).
    run(command("trunk").args([
        "serve",
        "--port",
        &APP_PORT.to_string(),
        "--dist",
        "target/dist-serve",
    ]))
}

/// The config that points the app at the emulator on `port`.
pub fn emulator_config(port: u16) -> String {
    let base = format!("http://127.0.0.1:{port}");
    format!(
        r#"{{
  "client_id": "{EMULATOR_CLIENT_ID}",
  "scopes": ["openid", "email", "profile"],
  "issuer": "{base}",
  "authorization_endpoint": "{base}/o/oauth2/v2/auth",
  "jwks_uri": "{base}/oauth2/v3/certs",
  "tokeninfo_endpoint": "{base}/tokeninfo",
  "userinfo_endpoint": "{base}/oauth2/v3/userinfo",
  "revocation_endpoint": "{base}/revoke",
  "api_base": "{base}",
  "token_storage": "session"
}}
"#
    )
}

/// The `client_id` of a config.json, read without a JSON dependency: good enough to decide
/// whether the person configured a real client (the app itself validates the file fully).
fn oauth_client_id(text: &str) -> Option<String> {
    let after = text.split("\"client_id\"").nth(1)?;
    let value = after.split_once(':')?.1.trim_start().strip_prefix('"')?;
    Some(value.split('"').next()?.to_owned())
}

/// Every check and test. Installs run in the background from the start (see `setup`), each
/// step waiting only for the tools it needs; the mutation run starts at nice 19 as soon as
/// cargo-mutants is there and no cargo install is still compiling (with the tools installed:
/// before the first step), so it takes what the steps leave of the cores (single-threaded LTO
/// links, wasm-opt, the browser's waits) until the end-to-end suite is over. `XTASK_SERIAL=1`
/// runs the same steps one after another, installs first (how it was before, to compare). Each
/// step's time is printed at the end.
fn test() -> Result {
    let mut phases = Phases::default();
    let serial = env::var("XTASK_SERIAL").is_ok_and(|v| v == "1");
    let result = test_steps(&mut phases, serial);
    print!("{}", phases.report());
    result
}

fn test_steps(phases: &mut Phases, serial: bool) -> Result {
    let mut installs = setup::Installs::start(setup::Needs::All);
    let result = checks_and_tests(phases, &mut installs, serial);
    for (tool, took) in installs.ran() {
        phases.beside(&format!("install {tool}"), took);
    }
    result
}

fn checks_and_tests(phases: &mut Phases, installs: &mut setup::Installs, serial: bool) -> Result {
    let mut mutation = Beside::default();
    let result = steps(phases, installs, serial, &mut mutation);
    match (result, mutation.run.take()) {
        (Err(e), Some(run)) => {
            run.stop();
            Err(e)
        }
        (Err(e), None) => Err(e),
        (Ok(()), None) => Ok(()),
        (Ok(()), Some(run)) => {
            let report = phases.time("the rest of mutation testing", || run.finish());
            if let Some(started) = mutation.started {
                phases.beside("mutation testing", started.elapsed());
            }
            report.map(|report| print!("{report}"))
        }
    }
}

/// The mutation run beside the steps, once started.
#[derive(Default)]
struct Beside {
    run: Option<mutants::MutationRun>,
    started: Option<Instant>,
    /// Whether the installs were asked before (the first time, they get a moment to say the
    /// tools are there already).
    asked: bool,
}

/// How long the first look waits for the installs to check their tools' versions.
const VERSION_CHECKS: Duration = Duration::from_secs(5);

impl Beside {
    /// Starts the run when cargo-mutants is there and the cargo installs are done compiling (a
    /// run beside them would slow Trunk's compile, which the release build waits for), or at
    /// once with `now` (the end-to-end suite is next: it goes beside that at the latest).
    fn start_when_ready(&mut self, installs: &mut setup::Installs, now: bool) -> Result {
        use setup::Tool;
        if self.run.is_some() {
            return Ok(());
        }
        if now {
            installs.wait(Tool::CargoMutants)?;
        } else {
            let deadline = match self.asked {
                false => Instant::now() + VERSION_CHECKS,
                true => Instant::now(),
            };
            self.asked = true;
            for tool in [Tool::CargoMutants, Tool::WasmBindgen, Tool::Trunk] {
                if !installs.ready_by(tool, deadline)? {
                    return Ok(());
                }
            }
        }
        self.run = Some(mutants::MutationRun::start(&mutants::Scope::Test, true)?);
        self.started = Some(Instant::now());
        Ok(())
    }
}

fn steps(
    phases: &mut Phases,
    installs: &mut setup::Installs,
    serial: bool,
    mutation: &mut Beside,
) -> Result {
    use setup::Tool;
    let wait = |phases: &mut Phases, installs: &mut setup::Installs, tools: &[Tool]| -> Result {
        for tool in tools {
            let start = Instant::now();
            installs.wait(*tool)?;
            if start.elapsed() > Duration::from_secs(1) {
                phases.record(&format!("waiting for {}", tool.name()), start.elapsed());
            }
        }
        Ok(())
    };
    // Between the steps: the mutation run, if it can start now (never in the serial form).
    let mut beside = |installs: &mut setup::Installs| match serial {
        true => Ok(()),
        false => mutation.start_when_ready(installs, false),
    };
    if serial {
        wait(phases, installs, &setup::Tool::ALL)?;
    }
    beside(installs)?;
    phases.time("cargo fmt --check", || {
        run(command("cargo").args(["fmt", "--all", "--", "--check"]))
    })?;
    phases.time("the seam holds", seam::check)?;
    phases.time("clippy (native)", || {
        run(command("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    beside(installs)?;
    wait(phases, installs, &[Tool::WasmTarget])?;
    // The wasm builds, each with the features a module is built with: the apps and the
    // features module (default), the app for Google (`ui` alone), the front door (neither).
    for (name, selection) in [
        (
            "clippy (wasm32: apps, features, example, front door)",
            &[
                "--package",
                "browser-oauth",
                "--package",
                "browser-oauth-features",
                "--package",
                "example-sign-in",
                "--package",
                "front-door",
                "--all-targets",
            ][..],
        ),
        (
            "clippy (wasm32: app for Google)",
            &[
                "--package",
                "browser-oauth",
                "--no-default-features",
                "--features",
                "ui",
                "--all-targets",
            ],
        ),
        (
            "clippy (wasm32: lib alone)",
            &[
                "--package",
                "browser-oauth",
                "--no-default-features",
                "--lib",
            ],
        ),
    ] {
        phases.time(name, || {
            run(command("cargo").arg("clippy").args(selection).args([
                "--target",
                "wasm32-unknown-unknown",
                "--quiet",
                "--",
                "-D",
                "warnings",
            ]))
        })?;
        beside(installs)?;
    }
    phases.time("native tests", || {
        run(command("cargo").args(["test", "--workspace"]))
    })?;
    beside(installs)?;
    if serial {
        let report = phases.time("mutation testing", || {
            mutants::MutationRun::start(&mutants::Scope::Test, false)?.finish()
        })?;
        print!("{report}");
    }
    wait(phases, installs, &[Tool::WasmBindgen, Tool::Chromium])?;
    phases.time("wasm tests in Chromium", || {
        run(command("cargo")
            .args([
                "test",
                "--package",
                "browser-oauth",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env("CHROMEDRIVER", "/usr/bin/chromedriver"))
    })?;
    beside(installs)?;
    wait(phases, installs, &[Tool::Trunk, Tool::NodeModules])?;
    beside(installs)?;
    phases.time("release build", || release_build_for_tests("dist", "/"))?;
    beside(installs)?;
    phases.time("release build (sub-path)", || {
        release_build_for_tests("target/dist-subpath", "/some/path/")
    })?;
    phases.time("example build", example_build)?;
    phases.time("emulator build", build_emulator)?;
    if serial {
        return phases.time("end to end", end_to_end);
    }
    mutation.start_when_ready(installs, true)?;
    phases.time("end to end (mutation testing beside it)", end_to_end)
}

/// Files of the end-to-end suite run side by side (`E2E_LANES`, tests/e2e/run-all.mjs): two fill
/// the waits of one (a token running out, a retry's back-off, a round trip) on two cores.
/// `XTASK_E2E_LANES` overrides it (1: one file at a time, as before).
const E2E_LANES: &str = "2";

/// The end-to-end suite: every tests/e2e/*.test.mjs, in one node process (tests/e2e/run-all.mjs)
/// so that the files share one Chromium and the app servers and emulators.
fn end_to_end() -> Result {
    let lanes = env::var("XTASK_E2E_LANES").unwrap_or_else(|_| E2E_LANES.to_owned());
    run(command("node")
        .args(["--test", "tests/e2e/run-all.mjs"])
        .env("E2E_LANES", lanes)
        .env("APP_DIST", "dist")
        .env("APP_DIST_SUBPATH", "target/dist-subpath")
        .env("APP_DIST_EXAMPLE", "target/dist-example")
        .env("EMULATOR_BIN", emulator_binary())
        .env("XTASK_BIN", xtask_binary()?))
}

/// This very program: the harness runs `xtask csp --describe` for each config it serves.
pub fn xtask_binary() -> Result<PathBuf> {
    let exe = env::current_exe().map_err(|e| format!("locating xtask: {e}"))?;
    // Linux names a replaced executable "… (deleted)": a rebuild during the run (cargo test of the
    // workspace after an edit) put the new one at the same path.
    Ok(exe
        .to_str()
        .and_then(|path| path.strip_suffix(" (deleted)"))
        .map_or(exe.clone(), PathBuf::from))
}

/// Trunk's post_build hook (its hooks run concurrently, so one hook does every step, in order):
/// copies config.json, which is deployment-specific and not in git, into the build when present;
/// in release builds gives the wasm imports and exports short names (`names`), stores the front
/// door's wasm gzip-compressed for its start to fetch and inflate (`packed`), minifies the JS
/// glue (Trunk's own minifier fails on wasm-bindgen's output and
/// leaves it as is) and renews its integrity hash; then writes the CSP for what was staged.
fn post_build() -> Result {
    let staging = env::var_os("TRUNK_STAGING_DIR").ok_or("post-build runs as Trunk's hook")?;
    let staging = PathBuf::from(staging);
    let config = root().join("config.json");
    if config.exists() {
        fs::copy(&config, staging.join("config.json"))
            .map_err(|e| format!("copying config.json: {e}"))?;
    }
    let index = staging.join("index.html");
    if env::var("TRUNK_PROFILE").as_deref() == Ok("release") {
        names::shorten_all(&staging)?;
        let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
        let html = packed::front_door(&html, &staging)?;
        fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))?;
        minify_js(&staging)?;
    }
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let html = modules::publish(&html, &staging)?;
    fs::write(&index, html).map_err(|e| format!("{}: {e}", index.display()))?;
    csp::write(&staging).map(|_| ())
}

pub fn minify_js(staging: &Path) -> Result {
    for path in js_files(staging)? {
        run(command(
            &root()
                .join("node_modules/.bin/terser")
                .display()
                .to_string(),
        )
        .arg(&path)
        .args(["--module", "--compress", "--mangle", "--output"])
        .arg(&path))?;
    }
    let index = staging.join("index.html");
    let html = fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    fs::write(&index, csp::renew_integrity(&html, staging)?)
        .map_err(|e| format!("{}: {e}", index.display()))
}

/// The staged JavaScript files, wasm-bindgen's snippets (`snippets/<crate>/…`) included.
fn js_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(js_files(&path)?);
        } else if path.extension().is_some_and(|x| x == "js") {
            found.push(path);
        }
    }
    Ok(found)
}

/// `csp [DIR]` rewrites DIR's meta and prints the header form; `csp --describe INDEX [CONFIG]`
/// prints, as JSON, what the harness serves for that config.
fn csp_command(args: &[String]) -> Result {
    match args {
        [flag, index, config @ ..] if flag == "--describe" && config.len() <= 1 => {
            let html = fs::read_to_string(index).map_err(|e| format!("{index}: {e}"))?;
            let config = match config.first() {
                Some(path) => Some(fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?),
                None => None,
            };
            println!("{}", csp::describe(&html, config.as_deref())?);
            Ok(())
        }
        [] | [_] => {
            let dir = args
                .first()
                .map_or_else(|| root().join("dist"), PathBuf::from);
            let header = csp::write(&dir)?;
            println!(
                "Wrote the CSP meta into {}/index.html. Where headers can be set, serve:",
                dir.display()
            );
            println!("Content-Security-Policy: {header}");
            println!("Referrer-Policy: no-referrer");
            println!("X-Frame-Options: DENY");
            println!("X-Content-Type-Options: nosniff");
            Ok(())
        }
        _ => Err("usage: cargo xtask csp [DIR] | csp --describe INDEX [CONFIG]".into()),
    }
}

fn screenshots() -> Result {
    setup::install(setup::Needs::All)?;
    release_build("dist", "/")?;
    build_emulator()?;
    run(command("node")
        .arg("tests/e2e/screenshots.mjs")
        .env("APP_DIST", "dist")
        .env("EMULATOR_BIN", emulator_binary()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emulator_config_is_valid_and_verifies_id_tokens() {
        let config = oauth::ClientConfig::from_json(&emulator_config(8787), None).unwrap();
        assert_eq!(
            config.flow,
            oauth::Flow::TokenIdToken,
            "openid asked: the default"
        );
        assert!(config.quirks.google && !config.needs_discovery);
        assert_eq!(config.endpoints.issuer, "http://127.0.0.1:8787");
        assert_eq!(config.connect_origins(), vec!["http://127.0.0.1:8787"]);
        assert_eq!(
            oauth_client_id(&emulator_config(1)).as_deref(),
            Some(EMULATOR_CLIENT_ID)
        );
    }
}
