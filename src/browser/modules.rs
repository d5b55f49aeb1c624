//! Loads another wasm module of this page (the app, the features module) by the names the
//! page's import map gives it. The build writes that map with a Subresource Integrity hash for
//! each module's JavaScript and wasm: `import()` checks the first through the map (Chromium
//! 127+), `fetch` the second with `integrity`. `inflate` is the front door's: its start in
//! index.html imports it from here.

use super::storage::{self, keys, Area};
use super::BrowserError;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = r#"
export function load_module(js, wasm) {
  const map = document.querySelector('script[type="importmap"]');
  if (!map) return Promise.reject(new Error('this build has no import map naming ' + js));
  const spec = JSON.parse(map.textContent);
  const relative = spec.imports && spec.imports[wasm];
  if (!relative) return Promise.reject(new Error('the import map does not name ' + wasm));
  const integrity = (spec.integrity && spec.integrity[relative]) || '';
  return import(js).then(async (module) => {
    const url = new URL(relative, document.baseURI);
    await module.default({ module_or_path: fetch(url, { integrity, credentials: 'same-origin' }) });
    return module;
  });
}
// For the front door's own start in index.html, not for the modules above: release builds
// store the front door's wasm gzip-compressed (xtask/src/packed.rs), for hosts that send files
// as they are. Inflated as it streams in, so that wasm-bindgen compiles it while it arrives
// (`instantiateStreaming` wants the wasm content type, which the inflated response is given).
export function inflate(fetched) {
  return fetched.then((response) => {
    if (!response.ok) throw new Error(`${response.url}: HTTP ${response.status}`);
    const inflated = response.body.pipeThrough(new DecompressionStream('gzip'));
    return new Response(inflated, { headers: { 'Content-Type': 'application/wasm' } });
  });
}
export function when_idle(timeout) {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout });
    else setTimeout(resolve, 0);
  });
}
"#)]
extern "C" {
    fn load_module(js: &str, wasm: &str) -> Promise;
    fn when_idle(timeout: u32) -> Promise;
}

/// A module of this page, by its import map names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Module {
    /// What `import()` asks for: the module's JavaScript.
    pub js: &'static str,
    /// The map's name for its wasm.
    pub wasm: &'static str,
    /// How an error message names it.
    pub what: &'static str,
}

impl Module {
    /// Starts loading (the JavaScript, then the wasm, instantiated): a promise of the module's
    /// namespace, so callers can share one load.
    pub fn start_loading(&self) -> Promise {
        load_module(self.js, self.wasm)
    }

    /// Loads it and gives its namespace.
    pub async fn load(&self) -> Result<JsValue, BrowserError> {
        JsFuture::from(self.start_loading())
            .await
            .map_err(|e| BrowserError::from_js(self.what, e))
    }
}

/// The app for Google and providers configured like it (`src/bin/app_google.rs`).
pub const APP_GOOGLE: Module = Module {
    js: "browser-oauth/app-google",
    wasm: "browser-oauth/app-google.wasm",
    what: "The rest of this page",
};

/// The app for any OpenID provider (`src/bin/app_any_provider.rs`).
pub const APP_ANY_PROVIDER: Module = Module {
    js: "browser-oauth/app-any-provider",
    wasm: "browser-oauth/app-any-provider.wasm",
    what: "The rest of this page",
};

/// The features module (`features/src/bin/features.rs`): Tasks, Calendar, the protocol inspector.
pub const FEATURES: Module = Module {
    js: "browser-oauth/features",
    wasm: "browser-oauth/features.wasm",
    what: "the features module",
};

/// Which app a config needs: the one for Google unless it needs what only other providers
/// need. Without a usable config either shows the setup screen; the smaller one does it.
pub fn app_for(config: Option<&oauth::ClientConfig>) -> Module {
    match config {
        Some(config) if !config.is_google_shaped() => APP_ANY_PROVIDER,
        _ => APP_GOOGLE,
    }
}

/// Notes which app reads the answers to `config`'s requests (at each request this tab sends).
pub fn note_app_for(config: &oauth::ClientConfig) {
    let _ = storage::set(Area::Session, keys::APP_MODULE, app_for(Some(config)).js);
}

/// The app the last request of this tab was sent for, if one was noted.
pub fn noted_app() -> Option<Module> {
    let noted = storage::get(Area::Session, keys::APP_MODULE)?;
    [APP_GOOGLE, APP_ANY_PROVIDER]
        .into_iter()
        .find(|app| app.js == noted)
}

/// Resolves once the page is idle (`requestIdleCallback`), at most `timeout_ms` later.
pub async fn idle(timeout_ms: u32) {
    let _ = JsFuture::from(when_idle(timeout_ms)).await;
}
