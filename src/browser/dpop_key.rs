//! The page's DPoP key (RFC 9449): an ECDSA P-256 key pair made by WebCrypto with its private
//! key non-extractable, kept in IndexedDB so it outlives a reload (a `CryptoKey` is
//! structured-cloneable: the database keeps the key object, and no script can ever read its
//! private part), used to sign proofs, deleted at sign-out. What a proof says is
//! `oauth::dpop`'s; this only keeps the key and signs.

use super::crypto::{object, subtle};
use super::{js_message, window, BrowserError};
use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

/// Where the key lives: one database, one store, one record.
pub const DATABASE: &str = "browser-oauth-dpop";
const STORE: &str = "keys";
const RECORD: &str = "dpop";

/// The key pair, as WebCrypto and IndexedDB hold it.
#[derive(Clone)]
pub struct DpopKey {
    private: CryptoKey,
    public: CryptoKey,
}

/// ECDSA on P-256: JWS's ES256 once signed with SHA-256 (RFC 7518 §3.4).
fn ec_p256() -> js_sys::Object {
    object(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())])
}

fn failed(api: &'static str) -> impl Fn(JsValue) -> BrowserError {
    move |e| BrowserError::from_js(api, e)
}

/// Waits for an IndexedDB request: its result, or its error.
async fn settled(request: &IdbRequest) -> Result<JsValue, BrowserError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let on_error = Closure::once_into_js(move |event: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &event);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map_err(|_| BrowserError::Unavailable {
            api: "indexedDB",
            reason: request
                .error()
                .ok()
                .flatten()
                .map_or_else(|| "the request failed".into(), |e| e.message()),
        })
}

async fn open() -> Result<IdbDatabase, BrowserError> {
    let factory =
        window()?
            .indexed_db()
            .map_err(failed("indexedDB"))?
            .ok_or(BrowserError::Unavailable {
                api: "indexedDB",
                reason: "not offered by this browser (a private window may disable it)".into(),
            })?;
    let request: IdbOpenDbRequest = factory
        .open_with_u32(DATABASE, 1)
        .map_err(failed("indexedDB.open"))?;
    let upgrade = Closure::once_into_js({
        let request = request.clone();
        move || {
            if let Ok(db) = request.result() {
                let _ = db
                    .unchecked_into::<IdbDatabase>()
                    .create_object_store(STORE);
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(settled(&request).await?.unchecked_into())
}

async fn in_store(
    mode: IdbTransactionMode,
    act: impl FnOnce(&web_sys::IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<JsValue, BrowserError> {
    let db = open().await?;
    let store = db
        .transaction_with_str_and_mode(STORE, mode)
        .and_then(|t| t.object_store(STORE))
        .map_err(failed("indexedDB.transaction"))?;
    let request = act(&store).map_err(failed("indexedDB"))?;
    let outcome = settled(&request).await;
    db.close();
    outcome
}

impl DpopKey {
    /// The key kept in IndexedDB, if there is one.
    pub async fn load() -> Result<Option<DpopKey>, BrowserError> {
        let record = in_store(IdbTransactionMode::Readonly, |store| {
            store.get(&RECORD.into())
        })
        .await?;
        if record.is_undefined() || record.is_null() {
            return Ok(None);
        }
        let key = |name: &str| -> Result<CryptoKey, BrowserError> {
            Reflect::get(&record, &name.into())
                .ok()
                .and_then(|k| k.dyn_into().ok())
                .ok_or(BrowserError::Unavailable {
                    api: "indexedDB",
                    reason: "the stored DPoP key is not a key pair".into(),
                })
        };
        Ok(Some(DpopKey {
            private: key("privateKey")?,
            public: key("publicKey")?,
        }))
    }

    /// Makes a new key pair whose private key can be used but never exported, and keeps it.
    /// If another call kept one first (two starts racing), that one is used: `add` refuses to
    /// replace a record, so the database decides which key is the page's.
    pub async fn create() -> Result<DpopKey, BrowserError> {
        let usages = Array::of2(&"sign".into(), &"verify".into());
        let promise = subtle()?
            .generate_key_with_object(&ec_p256(), false, &usages)
            .map_err(failed("crypto.subtle.generateKey"))?;
        let pair = JsFuture::from(promise)
            .await
            .map_err(failed("crypto.subtle.generateKey"))?;
        let part = |name: &str| -> CryptoKey {
            Reflect::get(&pair, &name.into())
                .unwrap_or(JsValue::UNDEFINED)
                .unchecked_into()
        };
        let key = DpopKey {
            private: part("privateKey"),
            public: part("publicKey"),
        };
        let record = object(&[
            ("privateKey", key.private.clone().into()),
            ("publicKey", key.public.clone().into()),
        ]);
        let kept = in_store(IdbTransactionMode::Readwrite, |store| {
            store.add_with_key(&record, &RECORD.into())
        })
        .await;
        match (kept, DpopKey::load().await?) {
            (Ok(_), _) => Ok(key),
            (Err(_), Some(first)) => Ok(first),
            (Err(error), None) => Err(error),
        }
    }

    /// The kept key, or a new one.
    pub async fn load_or_create() -> Result<DpopKey, BrowserError> {
        match DpopKey::load().await? {
            Some(key) => Ok(key),
            None => DpopKey::create().await,
        }
    }

    /// The public key as a JWK's JSON text (a public key is always exportable).
    pub async fn public_jwk(&self) -> Result<String, BrowserError> {
        let promise = subtle()?
            .export_key("jwk", &self.public)
            .map_err(failed("crypto.subtle.exportKey"))?;
        let jwk = JsFuture::from(promise)
            .await
            .map_err(failed("crypto.subtle.exportKey"))?;
        js_sys::JSON::stringify(&jwk)
            .map(String::from)
            .map_err(|e| BrowserError::Unavailable {
                api: "JSON.stringify",
                reason: js_message(&e),
            })
    }

    /// ECDSA P-256 SHA-256 over `data`: WebCrypto returns the raw `r || s` that JWS wants.
    pub async fn sign(&self, data: &[u8]) -> Result<Vec<u8>, BrowserError> {
        let algorithm = object(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())]);
        let promise = subtle()?
            .sign_with_object_and_u8_array(&algorithm, &self.private, data)
            .map_err(failed("crypto.subtle.sign"))?;
        let signature = JsFuture::from(promise)
            .await
            .map_err(failed("crypto.subtle.sign"))?;
        Ok(Uint8Array::new(&signature).to_vec())
    }

    /// Whether `signature` over `data` verifies with the public key (for tests of the key).
    pub async fn verify(&self, data: &[u8], signature: &[u8]) -> Result<bool, BrowserError> {
        let algorithm = object(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())]);
        let promise = subtle()?
            .verify_with_object_and_u8_array_and_u8_array(&algorithm, &self.public, signature, data)
            .map_err(failed("crypto.subtle.verify"))?;
        let verdict = JsFuture::from(promise)
            .await
            .map_err(failed("crypto.subtle.verify"))?;
        Ok(verdict.as_bool() == Some(true))
    }

    /// Whether the private key could be exported (it must not be).
    pub fn private_key_extractable(&self) -> bool {
        self.private.extractable()
    }

    /// Deletes the kept key: after sign-out no token can be proved with it again.
    pub async fn delete() -> Result<(), BrowserError> {
        in_store(IdbTransactionMode::Readwrite, |store| {
            store.delete(&RECORD.into())
        })
        .await
        .map(|_| ())
    }
}
