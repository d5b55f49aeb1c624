//! The emulator's server. [`App::handle`] is a pure request → response function over shared
//! state; [`start`] puts it behind `crate::http`, one thread per connection so that a delayed
//! endpoint never holds up the others. Its rooms:
//!
//! - `wire`: the HTTP types, and the ways Google shapes an answer;
//! - `routes`: the one route table (paths, knob names, methods, CORS, handlers) and routing;
//! - `authorization`: the authorization request, the account chooser, consent, the decision;
//! - `endpoints`: the APIs, the key set and discovery, token info, user info, revocation;
//! - `control`: the `/emulator/*` API the tests drive.

mod authorization;
mod control;
mod endpoints;
mod routes;
#[cfg(test)]
mod tests;
mod wire;

use crate::auth::{AuthRequest, Client};
use crate::calendar::CalendarStore;
use crate::catalog::OTHER_CLIENT_ID;
use crate::http;
use crate::keys::KeyRing;
use crate::knobs::Knobs;
use crate::tasks::TasksStore;
use crate::tokens::Store;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use wire::log_headers;
pub use wire::{Request, Response};

/// Request bodies larger than this are cut off; nothing here needs more.
const MAX_BODY: u64 = 1 << 20;

/// One entry of `GET /emulator/log`.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub status: u16,
}

#[derive(Default)]
struct State {
    store: Store,
    knobs: Knobs,
    /// Consent requests awaiting a decision, by request id; each id is single use.
    pending: HashMap<String, AuthRequest>,
    log: Vec<LogEntry>,
    tasks: TasksStore,
    calendar: CalendarStore,
}

pub struct App {
    base_url: String,
    clients: Vec<Client>,
    state: Mutex<State>,
    /// Outside `State`: a reset keeps the keys, as rotating them costs a key generation.
    /// Locked after `state` when both are needed.
    keys: Mutex<KeyRing>,
}

impl App {
    /// `base_url` is this server's origin, e.g. `http://127.0.0.1:8787`: the ID tokens'
    /// issuer and the base of avatar URLs. The first signing key is generated in the
    /// background from now on.
    pub fn new(base_url: String, client_id: String, redirect_uris: Vec<String>) -> Self {
        App::with_keys(base_url, client_id, redirect_uris, KeyRing::new())
    }

    pub fn with_keys(
        base_url: String,
        client_id: String,
        redirect_uris: Vec<String>,
        keys: KeyRing,
    ) -> Self {
        App {
            base_url,
            clients: vec![
                Client {
                    id: client_id,
                    redirect_uris,
                },
                Client {
                    id: OTHER_CLIENT_ID.to_string(),
                    redirect_uris: Vec::new(),
                },
            ],
            state: Mutex::new(State::default()),
            keys: Mutex::new(keys),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panicking handler thread must not take the whole emulator down with it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn keys(&self) -> MutexGuard<'_, KeyRing> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn handle(&self, req: &Request) -> Response {
        if req.path.starts_with("/emulator/") {
            self.control(req)
        } else {
            let resp = self.route(req);
            self.state().log.push(LogEntry {
                method: req.method.clone(),
                path: req.path.clone(),
                query: req.query.clone(),
                headers: log_headers(&req.headers),
                body: String::from_utf8_lossy(&req.body).into_owned(),
                status: resp.status,
            });
            resp
        }
    }
}

/// A listening emulator.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub thread: thread::JoinHandle<()>,
}

/// Binds `addr` (port 0 picks a free one) and serves on background threads (`crate::http`:
/// one per connection).
pub fn start(
    addr: SocketAddr,
    client_id: String,
    redirect_uris: Vec<String>,
) -> io::Result<Running> {
    // The base URL names the bound port, so the app is made once the socket is bound.
    let listener = std::net::TcpListener::bind(addr)?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let app = Arc::new(App::new(base_url.clone(), client_id, redirect_uris));
    let (addr, thread) = http::serve(
        listener,
        MAX_BODY,
        Arc::new(move |rq: http::Incoming| serve_one(&app, rq)),
    )?;
    Ok(Running {
        addr,
        base_url,
        thread,
    })
}

fn serve_one(app: &App, rq: http::Incoming) -> http::Outgoing {
    let (path, query) = match rq.target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (rq.target.clone(), String::new()),
    };
    let req = Request {
        method: rq.method.to_ascii_uppercase(),
        path,
        query,
        headers: rq
            .headers
            .into_iter()
            .map(|(name, value)| (name.to_ascii_lowercase(), value))
            .collect(),
        body: rq.body,
    };
    let resp = app.handle(&req);
    http::Outgoing {
        status: resp.status,
        headers: resp.headers,
        body: resp.body,
    }
}
