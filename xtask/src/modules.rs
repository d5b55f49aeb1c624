//! The modules the front door and the app load later (the two apps, `src/bin/app_*.rs`, and the
//! features module, `features/src/bin/features.rs`) are built by Trunk as `data-type="worker"` apps:
//! compiled, bound and optimised, but neither started by the page nor given hashed names. This
//! step gives their files content-hashed names and writes the page's import map, which names
//! them and carries their Subresource Integrity hashes: a module is imported by its map name
//! (the browser checks the hash) and its wasm fetched with the hash the map holds.

use crate::Result;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::Path;

/// The Cargo binaries built as workers, by the name Trunk gives their files. The map names
/// them `browser-oauth/<bin>` and `browser-oauth/<bin>.wasm` (as `src/browser/modules.rs`
/// spells them).
pub const LOADED_LATER: [&str; 3] = ["app-google", "app-any-provider", "features"];

/// Renames the staged files of every module in [`LOADED_LATER`] and writes the import map
/// into `index_html`.
pub fn publish(index_html: &str, staging: &Path) -> Result<String> {
    let mut imports = Map::new();
    let mut integrity = Map::new();
    for bin in LOADED_LATER {
        let prefix = format!("{bin}-");
        let js = hashed(staging, &format!("{bin}.js"), &prefix, ".js")?;
        let wasm = hashed(staging, &format!("{bin}_bg.wasm"), &prefix, "_bg.wasm")?;
        for ((name, sri), specifier) in [
            (js, format!("browser-oauth/{bin}")),
            (wasm, format!("browser-oauth/{bin}.wasm")),
        ] {
            let address = format!("./{name}");
            imports.insert(specifier, Value::String(address.clone()));
            integrity.insert(address, Value::String(sri));
        }
    }
    let map = Value::Object(Map::from_iter([
        ("imports".to_owned(), Value::Object(imports)),
        ("integrity".to_owned(), Value::Object(integrity)),
    ]));
    insert_import_map(
        index_html,
        &format!("<script type=\"importmap\">{map}</script>"),
    )
}

/// A staged file, renamed after its content: `(new name, SHA-384 integrity)`.
fn hashed(staging: &Path, built: &str, prefix: &str, suffix: &str) -> Result<(String, String)> {
    let from = staging.join(built);
    let bytes = fs::read(&from).map_err(|e| {
        format!(
            "{}: {e} (index.html must build this binary as a worker)",
            from.display()
        )
    })?;
    let short: String = Sha256::digest(&bytes)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = format!("{prefix}{short}{suffix}");
    fs::rename(&from, staging.join(&name)).map_err(|e| format!("renaming {built}: {e}"))?;
    Ok((name, crate::csp::sri(&bytes)))
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
    use base64::Engine;
    use sha2::Sha384;

    fn stage(dir: &Path, tag: &[u8]) {
        for bin in LOADED_LATER {
            fs::write(
                dir.join(format!("{bin}.js")),
                [b"export default 1;".as_slice(), tag].concat(),
            )
            .unwrap();
            fs::write(
                dir.join(format!("{bin}_bg.wasm")),
                [b"\0asm".as_slice(), tag, bin.as_bytes()].concat(),
            )
            .unwrap();
        }
    }

    #[test]
    fn files_get_content_names_and_the_map_names_them_with_their_hashes() {
        let dir = std::env::temp_dir().join(format!("xtask-modules-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        stage(&dir, b"1");
        let index = "<html><head><link rel=\"modulepreload\" href=\"/door.js\"><script type=\"module\">x</script></head></html>";
        let html = publish(index, &dir).unwrap();
        let names: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let map_at = html.find("<script type=\"importmap\">").unwrap();
        assert!(map_at < html.find("<link rel=\"modulepreload\"").unwrap());
        let text = &html[map_at + 25..html[map_at..].find("</script>").unwrap() + map_at];
        let map: serde_json::Value = serde_json::from_str(text).unwrap();
        for bin in LOADED_LATER {
            assert!(!dir.join(format!("{bin}.js")).exists(), "{bin} renamed");
            let named = |suffix: &str| {
                names
                    .iter()
                    .find(|n| {
                        n.strip_prefix(&format!("{bin}-"))
                            .and_then(|rest| rest.strip_suffix(suffix))
                            .is_some_and(|hash| hash.len() == 16 && !hash.contains('_'))
                    })
                    .unwrap_or_else(|| panic!("{bin}-<hash>{suffix} in {names:?}"))
                    .clone()
            };
            let (js, wasm) = (named(".js"), named("_bg.wasm"));
            assert_eq!(
                map["imports"][format!("browser-oauth/{bin}")],
                format!("./{js}")
            );
            assert_eq!(
                map["imports"][format!("browser-oauth/{bin}.wasm")],
                format!("./{wasm}")
            );
            let bytes = fs::read(dir.join(&wasm)).unwrap();
            let expected = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&bytes));
            assert_eq!(
                map["integrity"][format!("./{wasm}")],
                format!("sha384-{expected}")
            );
        }
        // A second build in place replaces the map rather than adding one.
        stage(&dir, b"2");
        let again = publish(&html, &dir).unwrap();
        assert_eq!(again.matches("importmap").count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }
}
