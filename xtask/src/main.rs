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
    run(command("trunk").args([
        "build",
        "--release",
        "--dist",
        dist,
        "--public-url",
        public_url,
    ]))
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
/// step waiting only for the tools it needs; the mutation run goes beside the end-to-end suite,
/// which mostly waits on the browser. `XTASK_SERIAL=1` runs the same steps one after another,
/// installs first (how it was before, to compare). Each step's time is printed at the end.
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
    use setup::Tool;
    let mut wait = |phases: &mut Phases, tools: &[Tool]| -> Result {
        for tool in tools {
            let start = Instant::now();
            installs.wait(*tool)?;
            if start.elapsed() > Duration::from_secs(1) {
                phases.record(&format!("waiting for {}", tool.name()), start.elapsed());
            }
        }
        Ok(())
    };
    if serial {
        wait(phases, &setup::Tool::ALL)?;
    }
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
    wait(phases, &[Tool::WasmTarget])?;
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
    }
    phases.time("native tests", || {
        run(command("cargo").args(["test", "--workspace"]))
    })?;
    if serial {
        let report = phases.time("mutation testing", || {
            mutants::MutationRun::start(&mutants::Scope::Test, false)?.finish()
        })?;
        print!("{report}");
    }
    wait(phases, &[Tool::WasmBindgen, Tool::Chromium])?;
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
    wait(phases, &[Tool::Trunk, Tool::NodeModules])?;
    phases.time("release build", || release_build("dist", "/"))?;
    phases.time("release build (sub-path)", || {
        release_build("target/dist-subpath", "/some/path/")
    })?;
    phases.time("example build", example_build)?;
    phases.time("emulator build", build_emulator)?;
    if serial {
        return phases.time("end to end", end_to_end);
    }
    wait(phases, &[Tool::CargoMutants])?;
    let mutation = mutants::MutationRun::start(&mutants::Scope::Test, true)?;
    let started = Instant::now();
    let e2e = phases.time("end to end (mutation testing beside it)", end_to_end);
    if let Err(e) = e2e {
        mutation.stop();
        return Err(e);
    }
    let report = phases.time("the rest of mutation testing", || mutation.finish());
    phases.beside("mutation testing", started.elapsed());
    match report {
        Ok(report) => {
            print!("{report}");
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The end-to-end suite: every tests/e2e/*.test.mjs, in one node process (tests/e2e/run-all.mjs)
/// so that the files share one Chromium, app server and emulator.
fn end_to_end() -> Result {
    run(command("node")
        .args(["--test", "tests/e2e/run-all.mjs"])
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
