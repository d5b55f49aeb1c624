//! Short names for what a module's wasm and its wasm-bindgen glue call each other by. Every
//! import is named `__wbg_<method>_<16 hex digits>` under the module `./<name>_bg.js`, and those
//! names are written twice, in the wasm's import section and in the glue's import object:
//! about 5 KB of each module's wasm and as much of its JavaScript, over 100 imports. binaryen's
//! `--minify-imports-and-exports-and-modules` gives each a name of a character or two and prints
//! the mapping; this step applies that mapping to the glue, so the two still agree. Release
//! builds only (Trunk runs wasm-opt only there).

use crate::{command, Result};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// Every `<stem>_bg.wasm` in `staging` with its `<stem>.js` beside it.
pub fn shorten_all(staging: &Path) -> Result {
    let entries = fs::read_dir(staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    let mut pairs: Vec<(PathBuf, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix("_bg.wasm")?.to_owned();
            let js = staging.join(format!("{stem}.js"));
            js.exists().then(|| (e.path(), js))
        })
        .collect();
    pairs.sort();
    for (wasm, js) in pairs {
        shorten(&wasm, &js)?;
    }
    Ok(())
}

fn shorten(wasm: &Path, js: &Path) -> Result {
    let wasm_opt = crate::root().join("node_modules/.bin/wasm-opt");
    let output = command(&wasm_opt.display().to_string())
        .arg(wasm)
        .args(["--minify-imports-and-exports-and-modules", "--output"])
        .arg(wasm)
        .output()
        .map_err(|e| format!("wasm-opt: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "wasm-opt --minify-imports-and-exports-and-modules {}: {}",
            wasm.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let map = String::from_utf8_lossy(&output.stdout);
    let glue = fs::read_to_string(js).map_err(|e| format!("{}: {e}", js.display()))?;
    let glue = apply(&glue, &map).map_err(|e| format!("{}: {e}", js.display()))?;
    fs::write(js, glue).map_err(|e| format!("{}: {e}", js.display()))
}

/// The glue with the mapping binaryen printed applied: an import's key in the import object,
/// the module's key that holds them, and each `wasm.<export>` the glue calls.
fn apply(glue: &str, map: &str) -> Result<String> {
    let start = map.find('{').ok_or("wasm-opt printed no mapping")?;
    let map: Value = serde_json::from_str(&map[start..]).map_err(|e| format!("mapping: {e}"))?;
    let pairs = |key: &str| -> Vec<Vec<String>> {
        map[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|pair| {
                pair.as_array()?
                    .iter()
                    .map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .collect()
    };
    let mut glue = glue.to_owned();
    let mut modules: Vec<String> = Vec::new();
    for import in pairs("imports") {
        let [module, name, short] = import.as_slice() else {
            return Err("an import's mapping is not [module, name, short]".into());
        };
        glue = replace_word(&glue, &format!("{name}:"), &format!("\"{short}\":"))?;
        if !modules.contains(module) {
            modules.push(module.clone());
        }
    }
    // binaryen puts every import under the module "a" (the names it gives are unique across
    // modules) and prints no mapping for it; wasm-bindgen's glue has the one module.
    match modules.as_slice() {
        [] => {}
        [module] => glue = replace_word(&glue, &format!("\"{module}\":"), "\"a\":")?,
        more => return Err(format!("imports from {} modules: {more:?}", more.len())),
    }
    for export in pairs("exports") {
        let [name, short] = export.as_slice() else {
            return Err("an export's mapping is not [name, short]".into());
        };
        glue = replace_all_words(&glue, &format!("wasm.{name}"), &format!("wasm.{short}"));
    }
    Ok(glue)
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Replaces every occurrence of `from` that is not part of a longer name.
fn replace_all_words(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().last().or_else(|| out.chars().last());
        let after = rest[at + from.len()..].chars().next();
        let whole = !before.is_some_and(is_word) && !after.is_some_and(is_word);
        out.push_str(&rest[..at]);
        out.push_str(if whole { to } else { from });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

/// [`replace_all_words`], which must find `from` exactly once.
fn replace_word(text: &str, from: &str, to: &str) -> Result<String> {
    let replaced = replace_all_words(text, from, to);
    if replaced == text {
        return Err(format!("the glue has no {from}"));
    }
    Ok(replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUE: &str = r#"function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_fetch_21015a0a4570ab44: function(arg0) { return arg0.fetch(); },
        __wbg_now_463ac581d2fc7ea3: function() { return Date.now(); },
    };
    return {
        __proto__: null,
        "./door_bg.js": import0,
    };
}
function take_over(handoff) { wasm.take_over(handoff); }
export function start() { wasm.__wbindgen_start(); wasm.take_over_twice(); }
"#;

    const MAP: &str = r#"{
 "imports": [
  ["./door_bg.js", "__wbg_fetch_21015a0a4570ab44", "a"],
  ["./door_bg.js", "__wbg_now_463ac581d2fc7ea3", "b"]
 ],
"exports": [
  ["take_over", "c"],
  ["__wbindgen_start", "d"]
 ]
}"#;

    #[test]
    fn imports_modules_and_exports_take_their_short_names_in_the_glue() {
        let glue = apply(GLUE, &format!("[wasm-opt] ...\n{MAP}")).unwrap();
        assert!(glue.contains("\"a\": function(arg0)"), "{glue}");
        assert!(glue.contains("\"b\": function()"), "{glue}");
        assert!(glue.contains("\"a\": import0"), "{glue}");
        assert!(glue.contains("wasm.c(handoff)"), "{glue}");
        assert!(glue.contains("wasm.d()"), "{glue}");
        // A longer name that starts with a mapped one keeps its own.
        assert!(glue.contains("wasm.take_over_twice()"), "{glue}");
        // The JavaScript function of the same name as the export stays: it is the module's API.
        assert!(glue.contains("function take_over(handoff)"), "{glue}");
        assert!(!glue.contains("__wbg_fetch"), "{glue}");
    }

    #[test]
    fn an_import_the_glue_does_not_name_is_an_error_not_a_broken_module() {
        let map = MAP.replace("__wbg_now_463ac581d2fc7ea3", "__wbg_gone_0000000000000000");
        assert!(apply(GLUE, &map).is_err());
    }
}
