//! The `/emulator/*` control API the tests drive: health, reset, knobs, expiring tokens, the
//! tokens issued, key rotation, the request log, and the accounts' avatars.

use super::wire::{control_error, not_found, Response};
use super::{App, Request, State};
use crate::catalog;
use crate::pages;
use crate::tokens;
use serde_json::{json, Value};

impl App {
    /// The `/emulator/*` control API for tests. Not logged.
    pub(super) fn control(&self, req: &Request) -> Response {
        let path = &req.path["/emulator".len()..];
        if req.method == "OPTIONS" {
            return Response::empty(204)
                .cors_any()
                .with("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
                .with("Access-Control-Allow-Headers", "content-type")
                .with("Access-Control-Max-Age", "3600");
        }
        let resp = match (req.method.as_str(), path) {
            ("GET", "/health") => Response::new(200, "text/plain; charset=utf-8", "ok"),
            ("POST", "/reset") => {
                *self.state() = State::default();
                Response::json(200, &json!({}))
            }
            ("GET", "/knobs") => Response::json(200, &self.state().knobs),
            ("POST", "/knobs") => {
                let patch: Value = match serde_json::from_slice(&req.body) {
                    Ok(v) => v,
                    Err(e) => return control_error(400, &format!("invalid JSON: {e}")),
                };
                let mut st = self.state();
                match st.knobs.merge(&patch) {
                    Ok(()) => Response::json(200, &st.knobs),
                    Err(e) => control_error(400, &e),
                }
            }
            ("POST", "/expire-tokens") => {
                let n = self.state().store.expire_all(tokens::now());
                Response::json(200, &json!({ "expired": n }))
            }
            ("GET", "/tokens") => Response::json(200, &self.state().store.tokens()),
            ("POST", "/rotate-keys") => {
                let mut keys = self.keys();
                let current = keys.rotate();
                let published: Vec<String> = keys
                    .published(false)
                    .iter()
                    .map(|k| k.kid.clone())
                    .collect();
                Response::json(200, &json!({ "kid": current.kid, "published": published }))
            }
            ("GET", "/log") => Response::json(200, &self.state().log),
            ("GET", p) if p.starts_with("/avatar/") => {
                match p
                    .strip_prefix("/avatar/")
                    .and_then(|s| s.strip_suffix(".svg"))
                    .and_then(catalog::account_by_sub)
                {
                    Some(a) => Response::new(200, "image/svg+xml", pages::avatar_svg(a))
                        .with("Cache-Control", "public, max-age=3600"),
                    None => not_found(req),
                }
            }
            _ => not_found(req),
        };
        resp.cors_any()
    }
}
