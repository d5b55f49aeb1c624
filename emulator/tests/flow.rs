//! End-to-end over real sockets: runs the built `emulator` binary on port 0 and drives
//! auth → decision → tokeninfo → userinfo → revoke with hand-written HTTP/1.1.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CLIENT_ID: &str = "test-app.apps.googleusercontent.com";
const REDIRECT: &str = "http://127.0.0.1:4173/callback";
const ORIGIN: &str = "http://127.0.0.1:4173";

struct Emulator {
    child: Child,
    port: u16,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Emulator {
    let mut child = Command::new(env!("CARGO_BIN_EXE_emulator"))
        .args(["--port", "0", "--client-id", CLIENT_ID])
        .args(["--redirect-uri", REDIRECT])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawning emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .strip_prefix("emulator listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    Emulator { child, port }
}

struct Resp {
    status: u16,
    headers: HashMap<String, String>,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

fn request(port: u16, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("header/body separator");
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: body.to_string(),
    }
}

fn get(port: u16, target: &str) -> Resp {
    request(port, "GET", target, &[], "")
}

fn form_post(port: u16, path: &str, body: &str, extra: &[(&str, &str)]) -> Resp {
    let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
    headers.extend_from_slice(extra);
    request(port, "POST", path, &headers, body)
}

fn enc(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn auth_url(scope: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("response_type", "token"),
        ("scope", scope),
        ("state", "xyz 1"),
    ];
    pairs.extend_from_slice(extra);
    format!("/o/oauth2/v2/auth?{}", enc(&pairs))
}

fn request_id(html: &str) -> String {
    let marker = "name=\"request_id\" value=\"";
    let start = html.find(marker).expect("request_id input") + marker.len();
    html[start..].split('"').next().unwrap().to_string()
}

fn fragment(location: &str) -> HashMap<String, String> {
    let (base, f) = location.split_once('#').expect("fragment");
    assert_eq!(base, REDIRECT);
    form_urlencoded::parse(f.as_bytes()).into_owned().collect()
}

const TASKS: &str = "https://www.googleapis.com/auth/tasks";
const CAL: &str = "https://www.googleapis.com/auth/calendar.readonly";

#[test]
fn full_implicit_flow() {
    let emu = start();
    let port = emu.port;
    assert_eq!(get(port, "/emulator/health").body, "ok");

    // Consent page.
    let page = get(
        port,
        &auth_url(
            &format!("openid email profile {TASKS} {CAL}"),
            &[("login_hint", "grace@example.test")],
        ),
    );
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Local Google emulator — this is not Google; nothing leaves this machine"));
    assert!(page.body.contains("Grace Hopper (grace@example.test)"));
    assert!(page
        .body
        .contains("value=\"100000000000000000002\" checked"));
    let rid = request_id(&page.body);

    // Allow, unticking calendar.
    let r = form_post(
        port,
        "/o/oauth2/v2/auth/decision",
        &enc(&[
            ("request_id", &rid),
            ("decision", "allow"),
            ("account", "100000000000000000002"),
            ("scope", "openid"),
            ("scope", "email"),
            ("scope", "profile"),
            ("scope", TASKS),
        ]),
        &[],
    );
    assert_eq!(r.status, 302);
    let f = fragment(r.header("location").unwrap());
    assert_eq!(f["state"], "xyz 1");
    assert_eq!(f["token_type"], "Bearer");
    assert_eq!(f["expires_in"], "3599");
    assert_eq!(f["authuser"], "0");
    assert_eq!(f["prompt"], "consent");
    assert_eq!(
        f["scope"],
        format!(
            "openid email https://www.googleapis.com/auth/userinfo.email profile \
             https://www.googleapis.com/auth/userinfo.profile {TASKS}"
        )
    );
    let token = f["access_token"].clone();
    assert!(token.starts_with("ya29.") && token.len() >= 45);

    // tokeninfo, GET and POST.
    let info = request(
        port,
        "GET",
        &format!("/tokeninfo?access_token={token}"),
        &[("Origin", ORIGIN)],
        "",
    );
    assert_eq!(info.status, 200);
    assert_eq!(info.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(info.header("vary"), Some("Origin"));
    let v = info.json();
    assert_eq!(v["aud"], CLIENT_ID);
    assert_eq!(v["azp"], CLIENT_ID);
    assert_eq!(v["sub"], "100000000000000000002");
    assert_eq!(v["email"], "grace@example.test");
    assert_eq!(v["email_verified"], "true");
    assert_eq!(v["access_type"], "online");
    assert!(v["exp"].is_string() && v["expires_in"].is_string());
    assert!(v["scope"].as_str().unwrap().contains(TASKS));
    assert!(!v["scope"].as_str().unwrap().contains(CAL));
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 9);
    let posted = form_post(port, "/tokeninfo", &enc(&[("access_token", &token)]), &[]);
    assert_eq!(posted.status, 200);
    assert_eq!(posted.header("access-control-allow-origin"), Some("*"));

    // userinfo: preflight and the real request.
    let pre = request(
        port,
        "OPTIONS",
        "/oauth2/v3/userinfo",
        &[
            ("Origin", ORIGIN),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
        "",
    );
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(
        pre.header("access-control-allow-methods"),
        Some("GET, OPTIONS")
    );
    assert_eq!(
        pre.header("access-control-allow-headers"),
        Some("authorization")
    );
    assert_eq!(pre.header("access-control-max-age"), Some("3600"));
    let bearer = format!("Bearer {token}");
    let ui = request(
        port,
        "GET",
        "/oauth2/v3/userinfo",
        &[("Authorization", &bearer), ("Origin", ORIGIN)],
        "",
    );
    assert_eq!(ui.status, 200);
    assert_eq!(ui.header("access-control-allow-origin"), Some(ORIGIN));
    let u = ui.json();
    assert_eq!(u["name"], "Grace Hopper");
    assert_eq!(u["given_name"], "Grace");
    assert_eq!(u["family_name"], "Hopper");
    assert_eq!(u["email_verified"], true);
    let picture = u["picture"].as_str().unwrap();
    assert_eq!(
        picture,
        format!("http://127.0.0.1:{port}/emulator/avatar/100000000000000000002.svg")
    );
    let avatar = get(port, &picture[picture.find("/emulator").unwrap()..]);
    assert_eq!(avatar.header("content-type"), Some("image/svg+xml"));
    assert!(avatar.body.contains(">GH</text>"));

    // Revoke, then everything rejects the token.
    let rv = form_post(
        port,
        "/revoke",
        &enc(&[("token", &token)]),
        &[("Origin", ORIGIN)],
    );
    assert_eq!(rv.status, 200);
    assert_eq!(rv.body, "{}");
    assert_eq!(rv.header("access-control-allow-origin"), Some(ORIGIN));
    assert!(rv.header("access-control-allow-credentials").is_none());
    let again = form_post(port, "/revoke", &enc(&[("token", &token)]), &[]);
    assert_eq!(again.status, 400);
    assert_eq!(
        again.json()["error_description"],
        "Token expired or revoked"
    );
    let info = get(port, &format!("/tokeninfo?access_token={token}"));
    assert_eq!(info.status, 400);
    assert_eq!(
        info.json(),
        serde_json::json!({"error":"invalid_token","error_description":"Invalid Value"})
    );
    let ui = request(
        port,
        "GET",
        "/oauth2/v3/userinfo",
        &[("Authorization", &bearer)],
        "",
    );
    assert_eq!(ui.status, 401);
    assert_eq!(
        ui.header("www-authenticate"),
        Some("Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"")
    );
    assert_eq!(ui.json()["error_description"], "Invalid Credentials");

    // prompt=none: Grace is still signed in at Google, but revoking her token ended her grant
    // to the app (Google revokes the whole grant), so even what she had granted needs consent.
    let silent = get(
        port,
        &auth_url(&format!("openid {TASKS}"), &[("prompt", "none")]),
    );
    assert_eq!(silent.status, 302);
    assert_eq!(
        fragment(silent.header("location").unwrap())["error"],
        "consent_required"
    );
    let silent = get(port, &auth_url(CAL, &[("prompt", "none")]));
    assert_eq!(
        fragment(silent.header("location").unwrap())["error"],
        "consent_required"
    );

    // The log saw the revocation without cookies and the token only where expected.
    let log = get(port, "/emulator/log").json();
    let log = log.as_array().unwrap();
    let revokes: Vec<_> = log.iter().filter(|e| e["path"] == "/revoke").collect();
    assert_eq!(revokes.len(), 2);
    assert!(revokes[0]["headers"].get("cookie").is_none());
    assert_eq!(revokes[0]["headers"]["origin"], ORIGIN);
    assert_eq!(revokes[0]["status"], 200);
    assert!(revokes[0]["body"].as_str().unwrap().contains("token="));
    assert!(log.iter().all(|e| e["path"] != "/emulator/health"));
    assert!(log
        .iter()
        .filter(|e| e["path"] == "/oauth2/v3/userinfo")
        .all(|e| !e["query"].as_str().unwrap().contains(&token)));

    let tokens = get(port, "/emulator/tokens").json();
    assert_eq!(tokens[0]["token"], token.as_str());
    assert_eq!(tokens[0]["revoked"], true);
    assert_eq!(
        tokens.as_array().unwrap().len(),
        1,
        "no silent token without the grant"
    );
}

#[test]
fn deny_errors_and_knobs() {
    let emu = start();
    let port = emu.port;

    // Error pages are shown, never redirected.
    let r = get(
        port,
        &auth_url("openid", &[]).replace("callback", "callback%2F"),
    );
    assert_eq!(r.status, 400);
    assert!(r.header("location").is_none());
    assert!(r.body.contains("Error 400: redirect_uri_mismatch"));
    assert!(r.body.contains("http://127.0.0.1:4173/callback/"));
    let r = get(port, &format!("{}&scope=email", auth_url("openid", &[])));
    assert_eq!(r.status, 400);
    assert!(r.body.contains("invalid_request") && r.body.contains("scope"));
    let r = get(port, &auth_url("openid", &[]).replace(CLIENT_ID, "nope"));
    assert!(r.body.contains("Error 401: invalid_client"));
    assert!(r.body.contains("The OAuth client was not found."));
    let r = get(port, &auth_url("openid <script>", &[]));
    assert!(r.body.contains("invalid_scope") && r.body.contains("&lt;script&gt;"));
    assert!(!r.body.contains("<script>"));
    let r = get(port, &auth_url("openid", &[]));
    let r2 = get(port, &auth_url("openid", &[("prompt", "none")]));
    assert_eq!(
        fragment(r2.header("location").unwrap())["error"],
        "login_required"
    );

    // Deny.
    let rid = request_id(&r.body);
    let d = form_post(
        port,
        "/o/oauth2/v2/auth/decision",
        &enc(&[("request_id", &rid), ("decision", "deny")]),
        &[],
    );
    assert_eq!(d.status, 302);
    assert_eq!(
        d.header("location").unwrap(),
        format!("{REDIRECT}#error=access_denied&state=xyz+1")
    );
    let d = form_post(
        port,
        "/o/oauth2/v2/auth/decision",
        &enc(&[("request_id", &rid), ("decision", "deny")]),
        &[],
    );
    assert_eq!(d.status, 400, "request ids are single use");

    // Knobs: inject a token for another client with a short lifetime, slow and failing endpoints.
    let k = request(
        port,
        "POST",
        "/emulator/knobs",
        &[("Content-Type", "application/json")],
        r#"{"issue_to_client":"other-app.apps.googleusercontent.com","token_lifetime_secs":120,
            "fail":{"revoke":503},"delay_ms":{"tokeninfo":1500}}"#,
    );
    assert_eq!(k.status, 200, "{}", k.body);
    assert_eq!(k.header("access-control-allow-origin"), Some("*"));
    let knobs = get(port, "/emulator/knobs").json();
    assert_eq!(knobs["fail"]["revoke"], 503);
    assert_eq!(knobs["prompt_none_error"], serde_json::Value::Null);
    let bad = request(
        port,
        "POST",
        "/emulator/knobs",
        &[],
        r#"{"fail":{"nope":500}}"#,
    );
    assert_eq!(bad.status, 400);

    let rid = request_id(&get(port, &auth_url("email", &[])).body);
    let r = form_post(
        port,
        "/o/oauth2/v2/auth/decision",
        &enc(&[
            ("request_id", &rid),
            ("decision", "allow"),
            ("account", "100000000000000000001"),
        ]),
        &[],
    );
    let f = fragment(r.header("location").unwrap());
    assert_eq!(f["expires_in"], "120");
    assert_eq!(
        f["scope"],
        "email https://www.googleapis.com/auth/userinfo.email"
    );
    let token = f["access_token"].clone();

    // A delayed tokeninfo does not block other requests.
    let slow = std::thread::spawn(move || {
        let t = Instant::now();
        let r = get(port, &format!("/tokeninfo?access_token={token}"));
        (r.status, r.json(), t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    assert_eq!(get(port, "/emulator/health").status, 200);
    assert!(t.elapsed() < Duration::from_millis(1000));
    let (status, v, took) = slow.join().unwrap();
    assert_eq!(status, 200);
    assert!(took >= Duration::from_millis(1500));
    assert_eq!(v["aud"], "other-app.apps.googleusercontent.com");
    assert_eq!(v["email"], "ada@example.test");

    // Injected failure keeps CORS headers.
    let tok = get(port, "/emulator/tokens").json()[0]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let rv = form_post(
        port,
        "/revoke",
        &enc(&[("token", &tok)]),
        &[("Origin", ORIGIN)],
    );
    assert_eq!(rv.status, 503);
    assert_eq!(rv.header("access-control-allow-origin"), Some(ORIGIN));
    assert_eq!(rv.json()["error"]["code"], 503);

    // expire-tokens, then Google refuses to revoke the expired token (400).
    request(
        port,
        "POST",
        "/emulator/knobs",
        &[],
        r#"{"fail":{"revoke":null},"delay_ms":null}"#,
    );
    assert_eq!(
        request(port, "POST", "/emulator/expire-tokens", &[], "").status,
        200
    );
    assert_eq!(
        get(port, &format!("/tokeninfo?access_token={tok}")).status,
        400
    );
    let expired = form_post(port, &format!("/revoke?token={tok}"), "", &[]);
    assert_eq!(expired.status, 400);
    assert_eq!(expired.json()["error"], "invalid_token");

    // Reset forgets everything.
    assert_eq!(
        request(port, "POST", "/emulator/reset", &[], "").status,
        200
    );
    assert_eq!(get(port, "/emulator/tokens").body, "[]");
    assert_eq!(get(port, "/emulator/log").body, "[]");
    assert_eq!(
        get(port, "/emulator/knobs").json()["token_lifetime_secs"],
        3599
    );
    assert_eq!(get(port, "/nope").status, 404);
}

#[test]
fn refuses_non_loopback_bind() {
    let out = Command::new(env!("CARGO_BIN_EXE_emulator"))
        .args([
            "--bind",
            "0.0.0.0",
            "--port",
            "0",
            "--client-id",
            "c",
            "--redirect-uri",
            REDIRECT,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("non-loopback"));
    assert!(out.stdout.is_empty());
}

/// Consents for Ada with the given scopes and returns the access token.
fn token_for(port: u16, scopes: &str) -> String {
    let rid = request_id(&get(port, &auth_url(scopes, &[])).body);
    let mut form = vec![
        ("request_id", rid.as_str()),
        ("decision", "allow"),
        ("account", "100000000000000000001"),
    ];
    form.extend(scopes.split(' ').map(|s| ("scope", s)));
    let r = form_post(port, "/o/oauth2/v2/auth/decision", &enc(&form), &[]);
    fragment(r.header("location").unwrap())["access_token"].clone()
}

const TASKS_READONLY: &str = "https://www.googleapis.com/auth/tasks.readonly";

#[test]
fn tasks_and_calendar_over_http_with_scopes_cors_and_faults() {
    let emu = start();
    let port = emu.port;
    let read_only = token_for(port, &format!("openid {TASKS_READONLY}"));
    let bearer = format!("Bearer {read_only}");
    let auth = [("Authorization", bearer.as_str()), ("Origin", ORIGIN)];

    // Preflight for a PATCH with a JSON body: allowed, without credentials.
    let pre = request(
        port,
        "OPTIONS",
        "/tasks/v1/lists/x/tasks/y",
        &[
            ("Origin", ORIGIN),
            ("Access-Control-Request-Method", "PATCH"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ],
        "",
    );
    assert_eq!(pre.status, 204);
    assert_eq!(pre.header("access-control-allow-origin"), Some(ORIGIN));
    let methods = pre.header("access-control-allow-methods").unwrap();
    assert!(
        methods.contains("PATCH") && methods.contains("DELETE"),
        "{methods}"
    );
    assert!(pre
        .header("access-control-allow-headers")
        .unwrap()
        .contains("content-type"));
    assert_eq!(pre.header("access-control-allow-credentials"), None);

    // Read-only reads…
    let lists = request(port, "GET", "/tasks/v1/users/@me/lists", &auth, "");
    assert_eq!(lists.status, 200, "{}", lists.body);
    assert_eq!(lists.header("access-control-allow-origin"), Some(ORIGIN));
    let list = lists.json()["items"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/tasks/v1/lists/{list}/tasks");
    assert_eq!(request(port, "GET", &path, &auth, "").status, 200);

    // …but may not write: 403 with Google's body and the challenge naming the scope.
    let json_auth = [
        ("Authorization", bearer.as_str()),
        ("Origin", ORIGIN),
        ("Content-Type", "application/json"),
    ];
    let refused = request(port, "POST", &path, &json_auth, r#"{"title":"x"}"#);
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.json()["error"]["errors"][0]["reason"],
        "insufficientPermissions"
    );
    assert!(refused
        .header("www-authenticate")
        .unwrap()
        .contains(&format!("error=\"insufficient_scope\", scope=\"{TASKS}\"")));
    assert!(refused
        .header("access-control-expose-headers")
        .unwrap()
        .contains("WWW-Authenticate"));

    // No token, or a token in the query: 401.
    assert_eq!(get(port, "/tasks/v1/users/@me/lists").status, 401);
    let leaked = get(
        port,
        &format!("/tasks/v1/users/@me/lists?access_token={read_only}"),
    );
    assert_eq!(leaked.status, 401);

    // Full access writes.
    let full = format!("Bearer {}", token_for(port, &format!("openid {TASKS}")));
    let full_auth = [
        ("Authorization", full.as_str()),
        ("Content-Type", "application/json"),
    ];
    let created = request(port, "POST", &path, &full_auth, r#"{"title":"Buy milk"}"#);
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let deleted = request(port, "DELETE", &format!("{path}/{id}"), &full_auth, "");
    assert_eq!(deleted.status, 204);

    // Fail the next two requests with 429 and Retry-After, then let them through.
    let k = request(
        port,
        "POST",
        "/emulator/knobs",
        &[],
        r#"{"fail":{"tasks":{"status":429,"times":2}},"retry_after":{"tasks":3}}"#,
    );
    assert_eq!(k.status, 200, "{}", k.body);
    for _ in 0..2 {
        let r = request(port, "GET", &path, &auth, "");
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("3"));
        assert_eq!(r.json()["error"]["status"], "RESOURCE_EXHAUSTED");
    }
    assert_eq!(request(port, "GET", &path, &auth, "").status, 200);

    // Calendar: needs a calendar scope; pages with page_size.
    let cal = request(
        port,
        "GET",
        "/calendar/v3/calendars/primary/events",
        &auth,
        "",
    );
    assert_eq!(cal.status, 403);
    let cal_token = format!(
        "Bearer {}",
        token_for(
            port,
            "openid https://www.googleapis.com/auth/calendar.events.readonly"
        )
    );
    request(port, "POST", "/emulator/knobs", &[], r#"{"page_size":2}"#);
    let page = request(
        port,
        "GET",
        "/calendar/v3/calendars/primary/events?singleEvents=true&orderBy=startTime",
        &[("Authorization", cal_token.as_str())],
        "",
    );
    assert_eq!(page.status, 200, "{}", page.body);
    let page = page.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["nextPageToken"].is_string());
}

/// The ID token names the emulator's origin exactly as the listening line printed it, and its
/// key is the one the JWKS publishes.
#[test]
fn id_token_over_http() {
    let emu = start();
    let port = emu.port;
    let origin = format!("http://127.0.0.1:{port}");
    let d = get(port, "/.well-known/openid-configuration").json();
    assert_eq!(d["issuer"], origin.as_str());
    assert_eq!(d["jwks_uri"], format!("{origin}/oauth2/v3/certs"));
    let certs = get(port, "/oauth2/v3/certs");
    assert_eq!(certs.header("access-control-allow-origin"), Some("*"));
    let kid = certs.json()["keys"][0]["kid"].as_str().unwrap().to_string();

    let pairs = [
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("response_type", "token id_token"),
        ("scope", "openid email"),
        ("nonce", "n-1"),
    ];
    let page = get(port, &format!("/o/oauth2/v2/auth?{}", enc(&pairs)));
    assert_eq!(page.status, 200);
    let r = form_post(
        port,
        "/o/oauth2/v2/auth/decision",
        &enc(&[
            ("request_id", &request_id(&page.body)),
            ("decision", "allow"),
            ("account", "100000000000000000001"),
        ]),
        &[],
    );
    let f = fragment(r.header("location").unwrap());
    let jwt: Vec<&str> = f["id_token"].split('.').collect();
    let decode = |part: &str| -> serde_json::Value {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    assert_eq!(decode(jwt[0])["kid"], kid.as_str());
    let claims = decode(jwt[1]);
    assert_eq!(claims["iss"], origin.as_str());
    assert_eq!(claims["aud"], CLIENT_ID);
    assert_eq!(claims["nonce"], "n-1");
    assert_eq!(claims["email"], "ada@example.test");
    assert!(claims["at_hash"].is_string());

    // Without a nonce: Google's error page, no redirect.
    let no_nonce: Vec<(&str, &str)> = pairs.into_iter().filter(|(n, _)| *n != "nonce").collect();
    let r = get(port, &format!("/o/oauth2/v2/auth?{}", enc(&no_nonce)));
    assert_eq!(r.status, 400);
    assert!(r.header("location").is_none());
    assert!(r.body.contains("Missing required parameter: nonce"));
}
