//! Every module's wasm stored gzip-compressed, and inflated by the page. A host that compresses
//! (most do, for `application/wasm`) sends the file as it is, a few bytes larger than its own
//! gzip would have been; a host that does not (a plain static server, an object store without
//! the right metadata, the bench's server and the outside measurement's) sends a third of the
//! bytes it would otherwise send: the front door's wasm goes from about 72 KB to 33 KB on the
//! way to a working Sign in. The page inflates it with the browser's own `DecompressionStream`
//! (`src/browser/modules.rs`, `inflate`), so no inflater is shipped. Release builds only: a
//! debug build keeps its wasm as it is, which the same loader reads unchanged.

use crate::Result;
use base64::Engine;
use sha2::{Digest, Sha384};
use std::fs;
use std::path::{Path, PathBuf};

/// The first two bytes of every gzip member (RFC 1952 §2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Compresses every `*_bg.wasm` in `staging` in place (once: a file already compressed stays).
pub fn pack_all(staging: &Path) -> Result {
    for path in wasm_files(staging)? {
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if bytes.starts_with(&GZIP_MAGIC) {
            continue;
        }
        fs::write(&path, gzip(&bytes)?).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn wasm_files(staging: &Path) -> Result<Vec<PathBuf>> {
    let entries = fs::read_dir(staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with("_bg.wasm"))
        .collect();
    found.sort();
    Ok(found)
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    zopfli::compress(
        zopfli::Options::default(),
        zopfli::Format::Gzip,
        bytes,
        &mut out,
    )
    .map_err(|e| format!("gzip: {e}"))?;
    Ok(out)
}

/// index.html with Trunk's start of the front door made to fetch its wasm with its integrity
/// and inflate it: Trunk's script hands wasm-bindgen the URL (`module_or_path: '/…_bg.wasm'`),
/// and wasm-bindgen fetches that without integrity (the page's preload of it carries one, which
/// Chromium ignores for `as=fetch`). The script then imports `inflate` from the library's
/// snippet, which the front door's glue imports anyway (and the page preloads).
pub fn front_door_loader(index_html: &str, staging: &Path) -> Result<String> {
    const KEY: &str = "module_or_path: '";
    let start = index_html
        .find(KEY)
        .ok_or("index.html: Trunk's script has no module_or_path")?
        + KEY.len();
    let end = start
        + index_html[start..]
            .find('\'')
            .ok_or("index.html: module_or_path is not closed")?;
    let url = &index_html[start..end];
    let file = url
        .rsplit('/')
        .next()
        .filter(|f| f.ends_with("_bg.wasm"))
        .ok_or_else(|| format!("index.html: module_or_path {url} is not a module's wasm"))?;
    let bytes = fs::read(staging.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let integrity = format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&bytes))
    );
    let snippet = inflating_snippet(staging)?;
    // The snippet's URL as the page names its own files (the public URL, sub-paths included).
    let base = &url[..url.len() - file.len()];
    let mut html = index_html.to_owned();
    html.replace_range(
        start - KEY.len()..end + 1,
        &format!(
            "module_or_path: inflate(fetch('{url}', {{ integrity: '{integrity}', credentials: 'same-origin' }}))"
        ),
    );
    let script = html[..start]
        .rfind("<script")
        .ok_or("index.html: module_or_path outside a script")?;
    let body = script
        + html[script..]
            .find('>')
            .ok_or("index.html: unterminated script tag")?
        + 1;
    html.insert_str(
        body,
        &format!("import {{ inflate }} from '{base}{snippet}';\n"),
    );
    Ok(html)
}

/// The library's snippet that exports `inflate`, relative to `staging`.
fn inflating_snippet(staging: &Path) -> Result<String> {
    let snippets = staging.join("snippets");
    let crates = fs::read_dir(&snippets).map_err(|e| format!("{}: {e}", snippets.display()))?;
    for dir in crates.filter_map(|e| e.ok()).map(|e| e.path()) {
        let Ok(files) = fs::read_dir(&dir) else {
            continue;
        };
        for file in files.filter_map(|e| e.ok()).map(|e| e.path()) {
            let text = fs::read_to_string(&file).unwrap_or_default();
            if text.contains("export function inflate")
                || text.contains("export async function inflate")
            {
                let relative = file
                    .strip_prefix(staging)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                return Ok(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Err("no snippet exports inflate (src/browser/modules.rs)".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn staging(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("packed-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("snippets/browser-oauth-0123456789abcdef")).unwrap();
        fs::write(
            dir.join("snippets/browser-oauth-0123456789abcdef/inline0.js"),
            "export function load_module(){}\nexport async function inflate(r){}",
        )
        .unwrap();
        dir
    }

    #[test]
    fn every_wasm_is_stored_as_gzip_that_reads_back_and_is_packed_once() {
        let dir = staging("pack");
        let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
            .iter()
            .copied()
            .chain((0..5000u32).map(|i| (i * 7 % 13) as u8))
            .collect();
        fs::write(dir.join("app-1_bg.wasm"), &wasm).unwrap();
        fs::write(dir.join("app-1.js"), "not wasm").unwrap();
        pack_all(&dir).unwrap();
        let packed = fs::read(dir.join("app-1_bg.wasm")).unwrap();
        assert!(packed.starts_with(&GZIP_MAGIC));
        assert!(
            packed.len() < wasm.len() / 4,
            "{} of {}",
            packed.len(),
            wasm.len()
        );
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&packed[..])
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, wasm);
        assert_eq!(fs::read(dir.join("app-1.js")).unwrap(), b"not wasm");
        pack_all(&dir).unwrap();
        assert_eq!(
            fs::read(dir.join("app-1_bg.wasm")).unwrap(),
            packed,
            "packed once"
        );
    }

    const TRUNK: &str = "<head><script type=module>import init, * as bindings from '/sub/front-door-1.js';\nconst wasm = await init({ module_or_path: '/sub/front-door-1_bg.wasm' });\n</script></head>";

    #[test]
    fn the_front_door_fetches_its_wasm_with_integrity_and_inflates_it() {
        let dir = staging("loader");
        fs::write(dir.join("front-door-1_bg.wasm"), b"packed bytes").unwrap();
        let html = front_door_loader(TRUNK, &dir).unwrap();
        let sri = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(b"packed bytes"));
        assert_eq!(
            html,
            format!(
                "<head><script type=module>import {{ inflate }} from '/sub/snippets/browser-oauth-0123456789abcdef/inline0.js';\n\
                 import init, * as bindings from '/sub/front-door-1.js';\n\
                 const wasm = await init({{ module_or_path: inflate(fetch('/sub/front-door-1_bg.wasm', {{ integrity: 'sha384-{sri}', credentials: 'same-origin' }})) }});\n</script></head>"
            )
        );
    }

    #[test]
    fn a_page_without_trunks_start_or_the_snippet_is_an_error() {
        let dir = staging("errors");
        assert!(front_door_loader("<head></head>", &dir).is_err());
        fs::write(dir.join("front-door-1_bg.wasm"), b"x").unwrap();
        fs::remove_dir_all(dir.join("snippets/browser-oauth-0123456789abcdef")).unwrap();
        assert!(front_door_loader(TRUNK, &dir)
            .unwrap_err()
            .contains("inflate"));
    }
}
