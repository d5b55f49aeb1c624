//! `cargo xtask test`'s release builds call wasm-opt through this: the same input with the same
//! arguments and the same binaryen gets the output wasm-opt wrote for it before, from
//! `target/xtask/wasm-opt-cache/`, instead of another run. wasm-opt is deterministic, so the
//! bytes are the ones it would write again; binaryen from npm runs as wasm in node, and
//! `-Oz --converge` over the four modules is most of a release build's CPU once cargo is
//! fresh (the sub-path build, whose modules are the root build's, took 28 s of it).
//!
//! Trunk finds `wasm-opt` on PATH: [`shim_dir`] holds a `wasm-opt` that runs `xtask wasm-opt`.

use crate::{root, Result};
use sha2::{Digest, Sha256};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Outputs kept: the newest few, enough for both builds of a few runs.
const KEPT: usize = 16;

fn cache_dir() -> PathBuf {
    root().join("target/xtask/wasm-opt-cache")
}

/// binaryen's own wasm-opt (npm), the one Trunk would find without the shim.
fn real() -> PathBuf {
    root().join("node_modules/.bin/wasm-opt")
}

/// A folder with a `wasm-opt` that calls `xtask wasm-opt`, for the front of PATH.
pub fn shim_dir(xtask: &Path) -> Result<PathBuf> {
    let dir = root().join("target/xtask/wasm-opt-shim");
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let shim = dir.join("wasm-opt");
    let script = format!(
        "#!/bin/sh\nexec '{}' wasm-opt \"$@\"\n",
        xtask.display().to_string().replace('\'', r"'\''")
    );
    if fs::read_to_string(&shim).ok().as_deref() != Some(script.as_str()) {
        fs::write(&shim, script).map_err(|e| format!("{}: {e}", shim.display()))?;
        fs::set_permissions(&shim, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("{}: {e}", shim.display()))?;
    }
    Ok(dir)
}

/// What one call asks of wasm-opt: the input file, the output file, the other arguments.
#[derive(Debug, PartialEq, Eq)]
struct Call {
    input: String,
    output: String,
    options: Vec<String>,
}

/// The input and output of a call that optimises a file (`--output=OUT`, or `-o OUT`, and one
/// `.wasm` input), or None for anything else (`--version`), which goes to wasm-opt as it is.
fn call(args: &[String]) -> Option<Call> {
    let mut input = None;
    let mut output = None;
    let mut options = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if let Some(out) = arg.strip_prefix("--output=") {
            output = Some(out.to_owned());
        } else if arg == "-o" || arg == "--output" {
            output = Some(args.next()?.clone());
        } else if !arg.starts_with('-') && arg.ends_with(".wasm") && input.is_none() {
            input = Some(arg.clone());
        } else {
            options.push(arg.clone());
        }
    }
    Some(Call {
        input: input?,
        output: output?,
        options,
    })
}

/// The cache key: binaryen's version, the options in their order, and the input's bytes.
fn key(binaryen: &str, options: &[String], input: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(binaryen.as_bytes());
    for option in options {
        hash.update([0]);
        hash.update(option.as_bytes());
    }
    hash.update([1]);
    hash.update(input);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn binaryen_version() -> Result<String> {
    let path = root().join("node_modules/binaryen/package.json");
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    json["version"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: no version", path.display()))
}

/// `xtask wasm-opt ARGS…`: wasm-opt's answer for these arguments, from the cache when it has it.
pub fn wasm_opt(args: &[String]) -> Result {
    let Some(call) = call(args) else {
        return run_real(args);
    };
    let input = fs::read(&call.input).map_err(|e| format!("{}: {e}", call.input))?;
    let cached = cache_dir().join(format!(
        "{}.wasm",
        key(&binaryen_version()?, &call.options, &input)
    ));
    if fs::copy(&cached, &call.output).is_ok() {
        println!(
            "==> wasm-opt {}: the output of an earlier run for the same bytes and options",
            Path::new(&call.input).display()
        );
        return Ok(());
    }
    run_real(args)?;
    fs::create_dir_all(cache_dir()).map_err(|e| format!("{}: {e}", cache_dir().display()))?;
    let partial = cached.with_extension("partial");
    fs::copy(&call.output, &partial)
        .and_then(|_| fs::rename(&partial, &cached))
        .map_err(|e| format!("{}: {e}", cached.display()))?;
    prune();
    Ok(())
}

fn run_real(args: &[String]) -> Result {
    let status = Command::new(real())
        .args(args)
        .status()
        .map_err(|e| format!("{}: {e}", real().display()))?;
    match status.success() {
        true => Ok(()),
        false => Err(format!("wasm-opt failed ({status})")),
    }
}

/// Keeps the newest [`KEPT`] outputs.
fn prune() {
    let Ok(entries) = fs::read_dir(cache_dir()) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort();
    let excess = files.len().saturating_sub(KEPT);
    for (_, path) in files.into_iter().take(excess) {
        let _ = fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn trunks_call_is_read_as_input_output_and_options() {
        let args = strings(&[
            "--output=/t/out_bg.wasm",
            "-Oz",
            "/d/.stage/app_bg.wasm",
            "--converge",
        ]);
        assert_eq!(
            call(&args),
            Some(Call {
                input: "/d/.stage/app_bg.wasm".into(),
                output: "/t/out_bg.wasm".into(),
                options: strings(&["-Oz", "--converge"]),
            })
        );
        let separate = strings(&["-o", "out.wasm", "in.wasm", "-O2"]);
        assert_eq!(call(&separate).map(|c| c.output), Some("out.wasm".into()));
        assert_eq!(call(&strings(&["--version"])), None);
        assert_eq!(call(&strings(&["in.wasm", "-Oz"])), None, "no output");
    }

    #[test]
    fn the_key_changes_with_the_bytes_the_options_and_binaryen() {
        let options = strings(&["-Oz", "--converge"]);
        let base = key("132.0.0", &options, b"wasm");
        assert_eq!(base, key("132.0.0", &options, b"wasm"));
        assert_ne!(base, key("132.0.0", &options, b"wasn"));
        assert_ne!(base, key("133.0.0", &options, b"wasm"));
        assert_ne!(base, key("132.0.0", &strings(&["-Oz"]), b"wasm"));
        assert_ne!(
            base,
            key("132.0.0", &strings(&["--converge", "-Oz"]), b"wasm"),
            "the order of passes matters to wasm-opt"
        );
        assert_ne!(
            key("1", &strings(&["-O", "z"]), b""),
            key("1", &strings(&["-Oz"]), b""),
            "options are kept apart"
        );
    }
}
