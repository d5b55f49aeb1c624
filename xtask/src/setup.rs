//! Idempotent installs: each tool is checked first and installed only when missing or at the
//! wrong version, so `serve` and `test` work on a fresh machine and cost nothing afterwards.
//!
//! They run in the background, beside whatever the caller does meanwhile ([`Installs`]): the
//! downloads (the wasm32 target, the npm packages, Chromium) wait on the network and the disk,
//! not on the cores, so each has its own thread; the cargo installs compile, so they run one
//! after another at the lowest priority (`nice -n 19`), in the order `cargo xtask test` needs
//! them, on the cores its own compiles leave idle. Each install's output goes to
//! `target/xtask/<tool>.log`.

use crate::{command, phases::clock, root, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// Trunk 0.22 needs a newer rustc than 1.95; 0.21.14 is the newest that builds here.
const TRUNK_VERSION: &str = "0.21.14";
/// Pinned, so a new release's new mutation operators never fail CI unannounced.
pub const CARGO_MUTANTS_VERSION: &str = "27.1.0";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// What building and serving the app needs.
    Build,
    /// That, plus Chromium and ChromeDriver and cargo-mutants for the tests.
    All,
}

/// Everything `needs` asks for, installed before this returns (the installs still run side by
/// side).
pub fn install(needs: Needs) -> Result {
    let mut installs = Installs::start(needs);
    for tool in Tool::ALL {
        if needs == Needs::All || !tool.only_for_tests() {
            installs.wait(tool)?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tool {
    WasmTarget,
    NodeModules,
    Chromium,
    CargoMutants,
    WasmBindgen,
    Trunk,
}

impl Tool {
    pub const ALL: [Tool; 6] = [
        Tool::WasmTarget,
        Tool::NodeModules,
        Tool::Chromium,
        Tool::CargoMutants,
        Tool::WasmBindgen,
        Tool::Trunk,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tool::WasmTarget => "wasm32 target",
            Tool::NodeModules => "npm packages",
            Tool::Chromium => "Chromium",
            Tool::CargoMutants => "cargo-mutants",
            Tool::WasmBindgen => "wasm-bindgen-cli",
            Tool::Trunk => "trunk",
        }
    }

    fn only_for_tests(self) -> bool {
        matches!(self, Tool::Chromium | Tool::CargoMutants)
    }

    /// Installs the tool unless it is there; `Ok(true)` when it had to be installed.
    pub fn install(self) -> Result<bool> {
        match self {
            Tool::WasmTarget => wasm_target(),
            Tool::NodeModules => node_modules(),
            Tool::Chromium => chromium(),
            Tool::CargoMutants => cargo_tool(
                &["cargo", "mutants", "--version"],
                "cargo-mutants",
                CARGO_MUTANTS_VERSION,
                true,
            ),
            Tool::WasmBindgen => cargo_tool(
                &["wasm-bindgen", "--version"],
                "wasm-bindgen-cli",
                &wasm_bindgen_version()?,
                false,
            ),
            Tool::Trunk => cargo_tool(&["trunk", "--version"], "trunk", TRUNK_VERSION, true),
        }
    }
}

/// Installs under way in background threads; [`Installs::wait`] blocks until one is done.
pub struct Installs {
    finished: mpsc::Receiver<(Tool, Result<bool>, Duration)>,
    done: Vec<(Tool, Result<bool>, Duration)>,
}

impl Installs {
    pub fn start(needs: Needs) -> Installs {
        let (sender, finished) = mpsc::channel();
        let wanted = |tools: &[Tool]| -> Vec<Tool> {
            tools
                .iter()
                .copied()
                .filter(|t| needs == Needs::All || !t.only_for_tests())
                .collect()
        };
        let compiled = [Tool::CargoMutants, Tool::WasmBindgen, Tool::Trunk];
        for group in [
            wanted(&[Tool::WasmTarget]),
            wanted(&[Tool::NodeModules]),
            wanted(&[Tool::Chromium]),
            // The order `cargo xtask test` needs them in: mutation testing, wasm tests, builds.
            wanted(&compiled),
        ] {
            let sender = sender.clone();
            thread::spawn(move || {
                for tool in group {
                    let start = Instant::now();
                    let result = tool.install();
                    if let Ok(true) = result {
                        println!(
                            "==> {} installed in {}",
                            tool.name(),
                            clock(start.elapsed())
                        );
                    }
                    // The receiver may be gone after a failure elsewhere; nothing to tell then.
                    let _ = sender.send((tool, result, start.elapsed()));
                }
            });
        }
        Installs {
            finished,
            done: Vec::new(),
        }
    }

    /// Blocks until `tool` is installed (or was already there).
    pub fn wait(&mut self, tool: Tool) -> Result {
        loop {
            if let Some((_, result, _)) = self.done.iter().find(|(t, ..)| *t == tool) {
                return result.clone().map(|_| ());
            }
            let next = self
                .finished
                .recv()
                .map_err(|_| format!("the install of {} stopped", tool.name()))?;
            self.done.push(next);
        }
    }

    /// Whether `tool` is installed (or was already there) by `deadline`, waiting for it until
    /// then at the most; an install that failed is an error here too.
    pub fn ready_by(&mut self, tool: Tool, deadline: Instant) -> Result<bool> {
        loop {
            if let Some((_, result, _)) = self.done.iter().find(|(t, ..)| *t == tool) {
                return result.clone().map(|_| true);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.finished.recv_timeout(left) {
                Ok(next) => self.done.push(next),
                Err(mpsc::RecvTimeoutError::Timeout) => return Ok(false),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(format!("the install of {} stopped", tool.name()))
                }
            }
        }
    }

    /// The installs that had to run, with how long each took.
    pub fn ran(&self) -> Vec<(&'static str, Duration)> {
        self.done
            .iter()
            .filter(|(_, result, _)| !matches!(result, Ok(false)))
            .map(|(tool, _, took)| (tool.name(), *took))
            .collect()
    }
}

fn wasm_target() -> Result<bool> {
    let installed = output(command("rustup").args(["target", "list", "--installed"]));
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(false);
    }
    logged(
        command("rustup").args(["target", "add", "wasm32-unknown-unknown"]),
        "wasm-target",
    )
    .map(|_| true)
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
/// for a cargo subcommand goes through cargo) already prints that version. At the lowest
/// priority: these compiles run beside the caller's own.
pub fn cargo_tool(
    version_command: &[&str],
    package: &str,
    version: &str,
    locked: bool,
) -> Result<bool> {
    let [program, args @ ..] = version_command else {
        return Err(format!("no command to ask {package} its version"));
    };
    if output(command(program).args(args)).contains(version) {
        return Ok(false);
    }
    let mut install = command("nice");
    install.args([
        "-n",
        "19",
        "cargo",
        "install",
        package,
        "--version",
        version,
    ]);
    // wasm-bindgen-cli's lock file pins a webpki-roots that fails to resolve here; trunk's works.
    if locked {
        install.arg("--locked");
    }
    if package == "trunk" {
        // Trunk's own release profile links with fat LTO in one codegen unit: a long single-core
        // step for a tool whose run time is spent in wasm-bindgen, wasm-opt and cargo (measured in
        // the README, Tests → How long it takes). A config setting outranks the manifest's.
        install
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16");
    }
    logged(&mut install, package).map(|_| true)
}

/// Runs `cmd` with its output in `target/xtask/<name>.log`; a failure quotes the log's end.
fn logged(cmd: &mut Command, name: &str) -> Result {
    let dir = root().join("target/xtask");
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let log: PathBuf = dir.join(format!("{name}.log"));
    let file = fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = file
        .try_clone()
        .map_err(|e| format!("{}: {e}", log.display()))?;
    cmd.stdin(Stdio::null()).stdout(file).stderr(err);
    println!("==> {} (output in {})", crate::describe(cmd), log.display());
    let status = cmd
        .status()
        .map_err(|e| format!("{}: {e}", crate::describe(cmd)))?;
    if status.success() {
        return Ok(());
    }
    let text = fs::read_to_string(&log).unwrap_or_default();
    let tail: Vec<&str> = text.lines().rev().take(20).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    Err(format!(
        "{} failed ({status}); the end of {}:\n{}",
        crate::describe(cmd),
        log.display(),
        tail.join("\n")
    ))
}

fn node_modules() -> Result<bool> {
    let bin = root().join("node_modules/.bin");
    let installed = ["wasm-opt", "terser"].iter().all(|b| bin.join(b).exists())
        && ["playwright-core", "oidc-provider", "axe-core"]
            .iter()
            .all(|p| root().join("node_modules").join(p).exists());
    if installed {
        return Ok(false);
    }
    logged(
        command("npm").args(["ci", "--no-audit", "--no-fund"]),
        "npm",
    )
    .map(|_| true)
}

/// Debian's Chromium (the only browser that installs here: Playwright's own download cannot)
/// and its driver, and Debian's curl, which the end-to-end tests run the inspector's "Copy as
/// curl" commands with (rustup's installer needs it too, so it is nearly always there).
fn chromium() -> Result<bool> {
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
        return Ok(false);
    }
    let sudo = if output(Command::new("id").arg("-u")).trim() == "0" {
        vec![]
    } else {
        vec!["sudo"]
    };
    let apt = |args: &[&str], log: &str| {
        let mut all: Vec<&str> = sudo.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut cmd = Command::new(all[0]);
        cmd.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        logged(&mut cmd, log)
    };
    apt(&["update", "-qq"], "apt-update")?;
    let mut install = vec!["install", "-y", "-qq"];
    install.extend(wanted);
    apt(&install, "chromium")?;
    Ok(true)
}

/// A command's stdout, or empty if it cannot run (a missing tool reads as "not installed").
fn output(cmd: &mut Command) -> String {
    cmd.output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}
