//! The one route table: for each of Google's paths the emulator serves, its knob name (faults
//! and delays target it), the methods it answers, how a browser reaches it (CORS), the headers a
//! preflight allows, the Google service its injected errors name, and its handler.

use super::endpoints::Api;
use super::wire::{not_found, Response};
use super::{App, Request};
use crate::google_api;
use crate::knobs::google_error_body;
use std::thread;
use std::time::Duration;

pub(super) const AUTH_PATH: &str = "/o/oauth2/v2/auth";
pub(super) const DECISION_PATH: &str = "/o/oauth2/v2/auth/decision";
pub(super) const ACCOUNT_PATH: &str = "/o/oauth2/v2/auth/account";
pub(super) const TOKENINFO_PATH: &str = "/tokeninfo";
pub(super) const USERINFO_PATH: &str = "/oauth2/v3/userinfo";
pub(super) const REVOKE_PATH: &str = "/revoke";
pub(super) const TOKEN_PATH: &str = "/token";
pub(super) const CERTS_PATH: &str = "/oauth2/v3/certs";
pub(super) const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
/// Everything under these is the Tasks API and the Calendar API.
const TASKS_PREFIX: &str = "/tasks/v1/";
const CALENDAR_PREFIX: &str = "/calendar/v3/";

/// How a browser reaches an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// By navigation (the consent pages): no CORS headers, like Google's.
    Navigation,
    /// By fetch: the Origin echoed (see [`Response::cors_echo`]).
    Fetch,
    /// By fetch from anywhere: public documents (the key set, discovery).
    Public,
}

/// Which paths a route serves.
#[derive(Debug, Clone, Copy)]
enum Path {
    Exact(&'static str),
    Under(&'static str),
}

struct Route {
    path: Path,
    /// What faults and delays name (`crate::knobs`), and the service an injected error names
    /// when the route is not one of Google's APIs.
    knob: &'static str,
    methods: &'static [&'static str],
    reach: Reach,
    /// `Access-Control-Allow-Headers` of a preflight (fetch routes only).
    preflight_headers: &'static str,
    /// The API a route is, for the service and scopes its injected errors name.
    api: Option<Api>,
    handler: fn(&App, &Request) -> Response,
}

const ROUTES: [Route; 11] = [
    Route {
        path: Path::Exact(AUTH_PATH),
        knob: "auth",
        methods: &["GET"],
        reach: Reach::Navigation,
        preflight_headers: "",
        api: None,
        handler: App::authorize,
    },
    Route {
        // The account chooser's submission (`prompt=select_account`).
        path: Path::Exact(ACCOUNT_PATH),
        knob: "account",
        methods: &["POST"],
        reach: Reach::Navigation,
        preflight_headers: "",
        api: None,
        handler: App::account,
    },
    Route {
        path: Path::Exact(DECISION_PATH),
        knob: "decision",
        methods: &["POST"],
        reach: Reach::Navigation,
        preflight_headers: "",
        api: None,
        handler: App::decision,
    },
    Route {
        path: Path::Exact(TOKENINFO_PATH),
        knob: "tokeninfo",
        methods: &["GET", "POST"],
        reach: Reach::Fetch,
        preflight_headers: "content-type",
        api: None,
        handler: App::tokeninfo,
    },
    Route {
        path: Path::Exact(USERINFO_PATH),
        knob: "userinfo",
        methods: &["GET"],
        reach: Reach::Fetch,
        preflight_headers: "authorization",
        api: None,
        handler: App::userinfo,
    },
    Route {
        path: Path::Exact(REVOKE_PATH),
        knob: "revoke",
        methods: &["POST"],
        reach: Reach::Fetch,
        preflight_headers: "content-type",
        api: None,
        handler: App::revoke,
    },
    Route {
        path: Path::Exact(TOKEN_PATH),
        knob: "token",
        methods: &["POST"],
        reach: Reach::Fetch,
        preflight_headers: "content-type",
        api: None,
        handler: |_, req| super::endpoints::token_refusal(req),
    },
    Route {
        path: Path::Exact(CERTS_PATH),
        knob: "certs",
        methods: &["GET"],
        reach: Reach::Public,
        preflight_headers: "authorization",
        api: None,
        handler: |app, _| app.certs(),
    },
    Route {
        path: Path::Exact(DISCOVERY_PATH),
        knob: "discovery",
        methods: &["GET"],
        reach: Reach::Public,
        preflight_headers: "authorization",
        api: None,
        handler: |app, _| app.discovery(),
    },
    Route {
        path: Path::Under(TASKS_PREFIX),
        knob: "tasks",
        methods: &["GET", "POST", "PATCH", "DELETE"],
        reach: Reach::Fetch,
        preflight_headers: "authorization, content-type",
        api: Some(Api::Tasks),
        handler: App::tasks,
    },
    Route {
        path: Path::Under(CALENDAR_PREFIX),
        knob: "calendar",
        methods: &["GET"],
        reach: Reach::Fetch,
        preflight_headers: "authorization",
        api: Some(Api::Calendar),
        handler: App::calendar,
    },
];

impl Route {
    fn find(path: &str) -> Option<&'static Route> {
        ROUTES.iter().find(|route| match route.path {
            Path::Exact(exact) => path == exact,
            Path::Under(prefix) => path.starts_with(prefix),
        })
    }

    /// Fetched by a page: CORS headers on every answer, preflights answered.
    fn fetched(&self) -> bool {
        self.reach != Reach::Navigation
    }

    /// The Google service name errors mention, and the scopes a request to it needs.
    fn service(&self, method: &str) -> (&'static str, &'static [&'static str]) {
        match self.api {
            Some(api) => api.service(method),
            None => (self.knob, &[]),
        }
    }

    /// A refusal or an injected fault: fetched routes echo the Origin, so the page can read it.
    fn refusal(&self, resp: Response, req: &Request) -> Response {
        match self.fetched() {
            true => resp.cors_echo(req),
            false => resp,
        }
    }

    fn preflight(&self, req: &Request) -> Response {
        Response::empty(204)
            .cors_echo(req)
            .with(
                "Access-Control-Allow-Methods",
                format!("{}, OPTIONS", self.methods.join(", ")),
            )
            .with("Access-Control-Allow-Headers", self.preflight_headers)
            .with("Access-Control-Max-Age", "3600")
    }
}

impl App {
    /// One request to one of Google's paths: its route found, the method checked, the knobs'
    /// delay and faults applied, then its handler, with the route's CORS headers.
    pub(super) fn route(&self, req: &Request) -> Response {
        let Some(route) = Route::find(&req.path) else {
            return not_found(req);
        };
        if req.method == "OPTIONS" && route.fetched() {
            return route.preflight(req);
        }
        if !route.methods.contains(&req.method.as_str()) {
            let resp = Response::json(
                405,
                &google_error_body(405, "Method not allowed", "methodNotAllowed"),
            )
            .with("Allow", route.methods.join(", "));
            return route.refusal(resp, req);
        }

        if let Some(ms) = self.state().knobs.delay(route.knob) {
            thread::sleep(Duration::from_millis(ms));
        }
        // Taken after the delay, so a "fail the next N" knob counts requests as they complete.
        let injected = {
            let mut st = self.state();
            let retry_after = st.knobs.retry_after_secs(route.knob);
            st.knobs.take_fault(route.knob).map(|fault| {
                let (service, scopes) = route.service(&req.method);
                google_api::injected(&fault, service, scopes, retry_after)
            })
        };
        if let Some(reply) = injected {
            return route.refusal(Response::from_reply(reply), req);
        }

        let resp = (route.handler)(self, req);
        match route.reach {
            Reach::Navigation => resp,
            Reach::Fetch => resp.cors_echo(req),
            Reach::Public => resp.cors_any(),
        }
    }
}
