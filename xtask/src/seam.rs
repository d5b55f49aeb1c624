//! The seam holds: the features crate must not reach the sign-in library, whose items (the
//! session and its token, the auth context, the session store) a feature must never name. The
//! compiler refuses such a name only while no dependency path leads there; this check refuses
//! the path, so a dependency added later (directly, or through another crate) fails the test
//! run, not only the code that would use it.

use crate::{command, describe, Result};

/// The crate that holds the features, and the crates it must not depend on, in any way.
const FEATURES: &str = "browser-oauth-features";
const FORBIDDEN: &[&str] = &["browser-oauth", "front-door"];

pub fn check() -> Result {
    let mut cmd = command("cargo");
    cmd.args([
        "tree",
        "--package",
        FEATURES,
        "--edges",
        "normal,build,dev",
        "--target",
        "all",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]);
    println!("==> {}", describe(&cmd));
    let output = cmd
        .output()
        .map_err(|e| format!("{}: {e}", describe(&cmd)))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            describe(&cmd),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let tree = String::from_utf8_lossy(&output.stdout);
    match forbidden_in(&tree) {
        None => {
            println!(
                "    {FEATURES} depends on neither {}",
                FORBIDDEN.join(" nor ")
            );
            Ok(())
        }
        Some(name) => Err(format!(
            "{FEATURES} depends on {name}: the features crate may use the seam and the core only \
             (README → Architecture → The compiler holds the seam)"
        )),
    }
}

/// The first forbidden package in `cargo tree`'s lines (`name vX.Y.Z (path)`, one a package).
fn forbidden_in(tree: &str) -> Option<&'static str> {
    tree.lines()
        .filter_map(|line| line.split_whitespace().next())
        .find_map(|name| FORBIDDEN.iter().copied().find(|&f| f == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seam_and_the_core_pass_and_the_sign_in_library_does_not() {
        let allowed = "browser-oauth-features v0.1.0 (/w/features)\n\
                       browser-oauth-seam v0.1.0 (/w/seam)\n\
                       oauth v0.1.0 (/w/oauth)\n\
                       yew v0.23.0\n";
        assert_eq!(forbidden_in(allowed), None);
        let through = format!("{allowed}browser-oauth v0.1.0 (/w)\n");
        assert_eq!(forbidden_in(&through), Some("browser-oauth"));
        assert_eq!(
            forbidden_in("front-door v0.1.0 (/w/front-door)\n"),
            Some("front-door")
        );
        // A name that only starts like the library's is another crate.
        assert_eq!(forbidden_in("browser-oauth-seam v0.1.0 (/w/seam)\n"), None);
    }
}
