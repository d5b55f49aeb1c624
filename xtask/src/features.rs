//! The features module (Tasks, Calendar, the inspector: `src/bin/features.rs`) is built by Trunk
//! as a `data-type="worker"` app: compiled, bound and optimised, but neither started by the page
//! nor given hashed names. This step gives its two files content-hashed names and writes the
//! page's import map, which names them and carries their Subresource Integrity hashes: the app
//! imports the JavaScript by its map name (the browser checks the hash) and fetches the wasm
//! with the hash the map holds.

use crate::Result;
use base64::Engine;
use sha2::{Digest, Sha256, Sha384};
use std::fs;
use std::path::Path;

/// The names the app imports by (`src/browser/features_module.rs` spells them the same).
pub const MODULE_SPECIFIER: &str = "browser-oauth/features";
pub const WASM_SPECIFIER: &str = "browser-oauth/features.wasm";
/// What Trunk names the worker's files: the Cargo binary's name.
const BUILT_JS: &str = "features.js";
const BUILT_WASM: &str = "features_bg.wasm";

/// Renames the staged features files and writes the import map into `index_html`.
pub fn publish(index_html: &str, staging: &Path) -> Result<String> {
    let js = hashed(staging, BUILT_JS, "features-", ".js")?;
    let wasm = hashed(staging, BUILT_WASM, "features-", "_bg.wasm")?;
    let map = import_map(&js, &wasm);
    insert_import_map(index_html, &map)
}

/// A staged file, renamed after its content: `(new name, SHA-384 integrity)`.
fn hashed(staging: &Path, built: &str, prefix: &str, suffix: &str) -> Result<(String, String)> {
    let from = staging.join(built);
    let bytes = fs::read(&from).map_err(|e| {
        format!(
            "{}: {e} (index.html must build the features binary as a worker)",
            from.display()
        )
    })?;
    let short: String = Sha256::digest(&bytes)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = format!("{prefix}{short}{suffix}");
    fs::rename(&from, staging.join(&name)).map_err(|e| format!("renaming {built}: {e}"))?;
    let integrity = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&bytes))
    );
    Ok((name, integrity))
}

/// The import map: relative addresses, so a build works under any public URL.
fn import_map((js, js_sri): &(String, String), (wasm, wasm_sri): &(String, String)) -> String {
    let map = serde_json::json!({
        "imports": {
            MODULE_SPECIFIER: format!("./{js}"),
            WASM_SPECIFIER: format!("./{wasm}"),
        },
        "integrity": {
            format!("./{js}"): js_sri,
            format!("./{wasm}"): wasm_sri,
        },
    });
    format!("<script type=\"importmap\">{map}</script>")
}

/// The map goes before the first module script or module preload (a map must be known before
/// any module is fetched); an older one (a rebuild in place) is replaced.
fn insert_import_map(index_html: &str, map: &str) -> Result<String> {
    let mut html = index_html.to_owned();
    if let Some(start) = html.find("<script type=\"importmap\">") {
        let end = start
            + html[start..]
                .find("</script>")
                .ok_or("index.html: unterminated import map")?
            + "</script>".len();
        html.replace_range(start..end, "");
    }
    let at = [
        "<link rel=\"modulepreload\"",
        "<link rel=modulepreload",
        "<script",
    ]
    .iter()
    .filter_map(|marker| html.find(marker))
    .min()
    .ok_or("index.html has no module script to put the import map before")?;
    html.insert_str(at, map);
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_get_content_names_and_the_map_names_them_with_their_hashes() {
        let dir = std::env::temp_dir().join(format!("xtask-features-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(BUILT_JS), "export default function init() {}").unwrap();
        fs::write(dir.join(BUILT_WASM), b"\0asm").unwrap();
        let index = "<html><head><link rel=\"modulepreload\" href=\"/app.js\"><script type=\"module\">x</script></head></html>";
        let html = publish(index, &dir).unwrap();
        let names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let js = names.iter().find(|n| n.ends_with(".js")).unwrap();
        let wasm = names.iter().find(|n| n.ends_with("_bg.wasm")).unwrap();
        assert!(js.starts_with("features-") && wasm.starts_with("features-"));
        assert!(!dir.join(BUILT_JS).exists());
        let map_at = html.find("<script type=\"importmap\">").unwrap();
        assert!(map_at < html.find("<link rel=\"modulepreload\"").unwrap());
        let text = &html[map_at + 25..html[map_at..].find("</script>").unwrap() + map_at];
        let map: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(map["imports"][MODULE_SPECIFIER], format!("./{js}"));
        assert_eq!(map["imports"][WASM_SPECIFIER], format!("./{wasm}"));
        let sri = map["integrity"][format!("./{wasm}")].as_str().unwrap();
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(b"\0asm"));
        assert_eq!(sri, format!("sha384-{expected}"));
        // A second build in place replaces the map rather than adding one.
        fs::write(dir.join(BUILT_JS), "export default 1").unwrap();
        fs::write(dir.join(BUILT_WASM), b"\0asm2").unwrap();
        let again = publish(&html, &dir).unwrap();
        assert_eq!(again.matches("importmap").count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }
}
