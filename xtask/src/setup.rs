//! Idempotent installs: each tool is checked first and installed only when missing or at the
//! wrong version, so `serve` and `test` work on a fresh machine and cost nothing afterwards.

use crate::{command, root, Result};
use std::fs;
use std::path::Path;
use std::process::Command;

/// Trunk 0.22 needs a newer rustc than 1.95; 0.21.14 is the newest that builds here.
const TRUNK_VERSION: &str = "0.21.14";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// What building and serving the app needs.
    Build,
    /// That, plus Chromium and ChromeDriver for the tests.
    All,
}

pub fn install(needs: Needs) -> Result {
    wasm_target()?;
    cargo_tool(
        &["wasm-bindgen", "--version"],
        "wasm-bindgen-cli",
        &wasm_bindgen_version()?,
        false,
    )?;
    cargo_tool(&["trunk", "--version"], "trunk", TRUNK_VERSION, true)?;
    node_modules()?;
    if needs == Needs::All {
        chromium()?;
    }
    Ok(())
}

fn wasm_target() -> Result {
    let installed = output(command("rustup").args(["target", "list", "--installed"]));
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    crate::run(command("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
fn wasm_bindgen_version() -> Result<String> {
    let lock =
        fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

/// Installs `package` at `version` unless `version_command` (the tool's own `--version`, which
/// for a cargo subcommand goes through cargo) already prints that version.
pub fn cargo_tool(version_command: &[&str], package: &str, version: &str, locked: bool) -> Result {
    let [program, args @ ..] = version_command else {
        return Err(format!("no command to ask {package} its version"));
    };
    if output(command(program).args(args)).contains(version) {
        return Ok(());
    }
    let mut install = command("cargo");
    install.args(["install", package, "--version", version]);
    // wasm-bindgen-cli's lock file pins a webpki-roots that fails to resolve here; trunk's works.
    if locked {
        install.arg("--locked");
    }
    crate::run(&mut install)
}

fn node_modules() -> Result {
    let bin = root().join("node_modules/.bin");
    let installed = ["wasm-opt", "terser"].iter().all(|b| bin.join(b).exists())
        && ["playwright-core", "oidc-provider", "axe-core"]
            .iter()
            .all(|p| root().join("node_modules").join(p).exists());
    if installed {
        return Ok(());
    }
    crate::run(command("npm").args(["ci", "--no-audit", "--no-fund"]))
}

/// Debian's Chromium (the only browser that installs here: Playwright's own download cannot)
/// and its driver, and Debian's curl, which the end-to-end tests run the inspector's "Copy as
/// curl" commands with (rustup's installer needs it too, so it is nearly always there).
fn chromium() -> Result {
    let wanted: Vec<&str> = [
        ("/usr/bin/chromium", "chromium"),
        ("/usr/bin/chromedriver", "chromium-driver"),
        ("/usr/bin/curl", "curl"),
    ]
    .into_iter()
    .filter(|(path, _)| !Path::new(path).exists())
    .map(|(_, package)| package)
    .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let sudo = if output(Command::new("id").arg("-u")).trim() == "0" {
        vec![]
    } else {
        vec!["sudo"]
    };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut cmd = Command::new(all[0]);
        cmd.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        crate::run(&mut cmd)
    };
    apt(&["update", "-qq"])?;
    let mut install = vec!["install", "-y", "-qq"];
    install.extend(wanted);
    apt(&install)
}

/// A command's stdout, or empty if it cannot run (a missing tool reads as "not installed").
fn output(cmd: &mut Command) -> String {
    cmd.output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}
