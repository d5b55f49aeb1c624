//! The front door's wasm stored gzip-compressed, and inflated by the page. A host that
//! compresses (most do, for `application/wasm`) sends the file as it is, a few bytes larger than
//! its own gzip would have been; a host that does not (a plain static server, an object store
//! without the right metadata, the bench's server and the outside measurement's) sends less than
//! half the bytes it otherwise would: about 72 KB become 31 KB on the way to a working Sign in.
//! The page inflates it with the browser's own `DecompressionStream` (`inflate` in
//! `src/browser/modules.rs`), so no inflater is shipped.
//!
//! The front door's alone: measured with the app and features modules stored alike, the way back
//! from the provider got 28 ms slower on loopback ((b) 116 to 144 ms), because V8 keeps a large
//! module's compiled code for the next load only when it streams from a network response (an
//! inflated one, constructed by the page, has no URL to keep it under), so the app prefetched at
//! idle was compiled again on the way back; that against 1.5 s saved on a cold cache over the
//! phone network, which no budget is on. The front door is below the size V8 keeps code for.
//! Release builds only: a debug build keeps Trunk's start and its wasm as they are.

use crate::Result;
use std::fs;
use std::path::Path;

/// The first two bytes of every gzip member (RFC 1952 §2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

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

/// Stores the wasm that Trunk's start in index.html names gzip-compressed (once), and returns
/// index.html with that start made to fetch it with its integrity and inflate it. Trunk's script
/// hands wasm-bindgen the URL (`module_or_path: '/…_bg.wasm'`), which wasm-bindgen fetches
/// without integrity (the page's preload of it carries one, which Chromium ignores for
/// `as=fetch`). The script imports `inflate` from the library's snippet, which the front door's
/// glue imports anyway (and the page preloads).
pub fn front_door(index_html: &str, staging: &Path) -> Result<String> {
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
    let path = staging.join(file);
    let mut bytes = fs::read(&path).map_err(|e| format!("{file}: {e}"))?;
    if !bytes.starts_with(&GZIP_MAGIC) {
        bytes = gzip(&bytes)?;
        fs::write(&path, &bytes).map_err(|e| format!("{file}: {e}"))?;
    }
    let integrity = crate::csp::sri(&bytes);
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
            if text.contains("export function inflate") {
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
    use base64::Engine;
    use sha2::{Digest, Sha384};
    use std::io::Read;
    use std::path::PathBuf;

    fn staging(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("packed-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("snippets/browser-oauth-0123456789abcdef")).unwrap();
        fs::write(
            dir.join("snippets/browser-oauth-0123456789abcdef/inline0.js"),
            "export function load_module(){}\nexport function inflate(r){}",
        )
        .unwrap();
        dir
    }

    const TRUNK: &str = "<head><script type=module>import init, * as bindings from '/sub/front-door-1.js';\nconst wasm = await init({ module_or_path: '/sub/front-door-1_bg.wasm' });\n</script></head>";

    /// A wasm-like file that compresses well.
    fn wasm() -> Vec<u8> {
        b"\0asm\x01\0\0\0"
            .iter()
            .copied()
            .chain((0..5000u32).map(|i| (i * 7 % 13) as u8))
            .collect()
    }

    #[test]
    fn the_front_door_fetches_its_wasm_gzipped_with_integrity_and_inflates_it() {
        let dir = staging("loader");
        let path = dir.join("front-door-1_bg.wasm");
        fs::write(&path, wasm()).unwrap();
        fs::write(dir.join("app-1_bg.wasm"), wasm()).unwrap();
        let html = front_door(TRUNK, &dir).unwrap();
        let packed = fs::read(&path).unwrap();
        assert!(packed.starts_with(&GZIP_MAGIC));
        assert!(
            packed.len() < wasm().len() / 4,
            "{} of {}",
            packed.len(),
            wasm().len()
        );
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&packed[..])
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, wasm());
        assert_eq!(
            fs::read(dir.join("app-1_bg.wasm")).unwrap(),
            wasm(),
            "the front door's alone"
        );
        // Built once, staged again: packed once.
        assert_eq!(front_door(TRUNK, &dir).unwrap(), html);
        assert_eq!(fs::read(&path).unwrap(), packed);
        let sri = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&packed));
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
        assert!(front_door("<head></head>", &dir).is_err());
        fs::write(dir.join("front-door-1_bg.wasm"), wasm()).unwrap();
        fs::remove_dir_all(dir.join("snippets/browser-oauth-0123456789abcdef")).unwrap();
        assert!(front_door(TRUNK, &dir).unwrap_err().contains("inflate"));
    }
}
