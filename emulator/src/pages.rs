//! Server-rendered HTML (no JavaScript) and the avatar SVG. Every reflected value goes
//! through [`escape`].

use crate::auth::{AuthError, AuthRequest};
use crate::catalog::{self, Account, ACCOUNTS};

pub const BANNER: &str = "Local Google emulator — this is not Google; nothing leaves this machine";

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0;font-family:Roboto,"Segoe UI",Arial,sans-serif;background:#f0f4f9;color:#1f1f1f}
.banner{background:#fff3cd;color:#5c3c00;border-bottom:2px solid #e0a800;padding:10px 16px;text-align:center;font-weight:600}
main{max-width:560px;margin:32px auto;background:#fff;border-radius:24px;padding:32px 36px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.logo{font-size:22px;font-weight:500;margin:0 0 8px}
.logo span:nth-child(1){color:#4285f4}.logo span:nth-child(2){color:#ea4335}.logo span:nth-child(3){color:#fbbc05}
.logo span:nth-child(4){color:#4285f4}.logo span:nth-child(5){color:#34a853}.logo span:nth-child(6){color:#ea4335}
h1{font-size:24px;font-weight:400;margin:8px 0 16px}
h2{font-size:15px;font-weight:500;margin:24px 0 8px;color:#444}
code{font-family:"Roboto Mono",monospace;font-size:13px;background:#f1f3f4;padding:1px 4px;border-radius:4px;word-break:break-all}
.account,.scope{display:flex;align-items:center;gap:12px;padding:10px 12px;border:1px solid #dadce0;border-radius:12px;margin:8px 0;cursor:pointer}
.account img{width:32px;height:32px;border-radius:50%}
.account.choice{width:100%;font-weight:400;color:#1f1f1f;text-align:left;background:#fff}
.account.choice small{display:block;color:#5f6368}
.scope{align-items:flex-start}
.scope small{display:block;color:#5f6368;margin-top:2px}
.scope input{margin-top:3px}
.buttons{display:flex;justify-content:flex-end;gap:12px;margin-top:28px}
button{font:inherit;font-weight:500;border-radius:20px;padding:9px 24px;cursor:pointer;border:1px solid #747775;background:#fff;color:#0b57d0}
button.primary{background:#0b57d0;color:#fff;border-color:#0b57d0}
.error h1{color:#b3261e}
#error-code{font-size:16px;font-weight:600;color:#1f1f1f}
.details{color:#5f6368;font-size:14px}
.details li{margin:4px 0}
"#;

/// An empty icon, as the app's index.html has: without one the browser asks for /favicon.ico,
/// which the emulator does not serve, and reports the 404 in the console of every sign-in.
const NO_ICON: &str = "<link rel=\"icon\" href=\"data:,\">";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         {NO_ICON}<title>{title} — {BANNER}</title><style>{STYLE}</style></head>\n<body>\
         <div class=\"banner\" role=\"alert\" id=\"emulator-banner\">{BANNER}</div>\n\
         <main>{logo}{body}</main></body></html>\n",
        title = escape(title),
        logo = "<p class=\"logo\"><span>G</span><span>o</span><span>o</span><span>g</span>\
                <span>l</span><span>e</span> <small>(emulated)</small></p>",
    )
}

/// Google's error page for a request that can't be redirected back to the app.
pub fn auth_error_page(err: &AuthError, received: &[(String, String)]) -> String {
    let mut body = format!(
        "<div class=\"error\"><h1>Access blocked: this app's request is invalid</h1>\
         <h2 id=\"error-code\">{heading}</h2><p>{message}</p>",
        heading = escape(&err.heading()),
        message = escape(&err.message),
    );
    if !err.details.is_empty() {
        body.push_str("<ul class=\"details\">");
        for d in &err.details {
            body.push_str(&format!("<li><code>{}</code></li>", escape(d)));
        }
        body.push_str("</ul>");
    }
    if !received.is_empty() {
        body.push_str("<h2>Request details</h2><ul class=\"details\">");
        for (k, v) in received {
            body.push_str(&format!(
                "<li><code>{}={}</code></li>",
                escape(k),
                escape(v)
            ));
        }
        body.push_str("</ul>");
    }
    body.push_str("</div>");
    layout(&err.heading(), &body)
}

/// A plain error page (e.g. an unknown consent request id).
pub fn message_page(status: u16, code: &str, message: &str) -> String {
    let heading = format!("Error {status}: {code}");
    let body = format!(
        "<div class=\"error\"><h1>Something went wrong</h1><h2 id=\"error-code\">{}</h2><p>{}</p></div>",
        escape(&heading),
        escape(message)
    );
    layout(&heading, &body)
}

/// The account chooser Google shows for `prompt=select_account`: every account, none
/// preselected (a `login_hint` does not choose here), each a button; Cancel denies.
pub fn account_chooser_page(req: &AuthRequest, request_id: &str, base_url: &str) -> String {
    let mut body = format!(
        "<h1>Choose an account</h1>\
         <p>to continue to <code id=\"client-id\">{client}</code></p>\
         <form method=\"post\" action=\"/o/oauth2/v2/auth/account\" id=\"account-chooser\">\
         <input type=\"hidden\" name=\"request_id\" value=\"{rid}\">",
        client = escape(&req.client_id),
        rid = escape(request_id),
    );
    for a in &ACCOUNTS {
        body.push_str(&format!(
            "<button type=\"submit\" class=\"account choice\" name=\"account\" value=\"{sub}\">\
             <img src=\"{base}/emulator/avatar/{sub}.svg\" alt=\"\"><span>{name}<small>{email}</small></span></button>",
            sub = escape(a.sub),
            base = escape(base_url),
            name = escape(&a.name()),
            email = escape(a.email),
        ));
    }
    body.push_str(
        "<div class=\"buttons\"><button type=\"submit\" name=\"account\" value=\"\">Cancel</button></div>\
         </form>",
    );
    layout("Choose an account - Google Accounts", &body)
}

/// The consent screen: account choice, granular scope checkboxes, Allow / Cancel. The account
/// `chosen` on the chooser, else the one `login_hint` names, else the first, is preselected.
///
/// The sign-in scopes are granted with the account and cannot be unticked; the others start
/// unticked unless `preticked`, as on Google's granular consent screen, where "users can select
/// which permissions they want to approve" and the app "can't assume users grant all requested
/// scopes" (developers.google.com/identity/protocols/oauth2/resources/granular-permissions);
/// its boxes start empty, so Continue alone grants the sign-in scopes only (reported as
/// "scope checkbox defaults to unchecked", openillumi.com/?p=103422, and on Stack Overflow).
pub fn consent_page(
    req: &AuthRequest,
    request_id: &str,
    base_url: &str,
    chosen: Option<&Account>,
    preticked: bool,
) -> String {
    let preselected: &Account = chosen
        .or_else(|| req.login_hint.as_deref().and_then(catalog::account_by_hint))
        .unwrap_or(&ACCOUNTS[0]);
    let mut body = format!(
        "<h1>Sign in to continue</h1>\
         <p>The app <code id=\"client-id\">{client}</code> wants to access your Google Account.</p>\
         <form method=\"post\" action=\"/o/oauth2/v2/auth/decision\">\
         <input type=\"hidden\" name=\"request_id\" value=\"{rid}\">\
         <h2>Choose an account</h2>",
        client = escape(&req.client_id),
        rid = escape(request_id),
    );
    for a in &ACCOUNTS {
        body.push_str(&format!(
            "<label class=\"account\"><input type=\"radio\" name=\"account\" value=\"{sub}\"{checked}>\
             <img src=\"{base}/emulator/avatar/{sub}.svg\" alt=\"\">{label}</label>",
            sub = escape(a.sub),
            checked = if a.sub == preselected.sub { " checked" } else { "" },
            base = escape(base_url),
            label = escape(&format!("{} ({})", a.name(), a.email)),
        ));
    }
    body.push_str("<h2>Select what the app can access</h2>");
    for s in &req.scopes {
        let sign_in = catalog::is_sign_in_scope(s);
        let label = format!(
            "<span>{}<small><code>{}</code></small></span>",
            escape(catalog::scope_description(s)),
            escape(s)
        );
        if sign_in {
            // Disabled inputs are not submitted, so a hidden input carries the value.
            body.push_str(&format!(
                "<label class=\"scope\"><input type=\"checkbox\" checked disabled>\
                 <input type=\"hidden\" name=\"scope\" value=\"{v}\">{label}</label>",
                v = escape(s)
            ));
        } else {
            body.push_str(&format!(
                "<label class=\"scope\"><input type=\"checkbox\" name=\"scope\" value=\"{v}\"{checked}>{label}</label>",
                v = escape(s),
                checked = if preticked { " checked" } else { "" },
            ));
        }
    }
    body.push_str(
        "<p class=\"details\">Make sure you trust this app. Tick what you want to give it; what stays unticked is not granted.</p>\
         <div class=\"buttons\"><button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button>\
         <button type=\"submit\" class=\"primary\" name=\"decision\" value=\"allow\">Allow</button></div>\
         </form>",
    );
    layout("Sign in - Google Accounts", &body)
}

/// Initials on a coloured circle.
pub fn avatar_svg(account: &Account) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"96\" height=\"96\" viewBox=\"0 0 96 96\">\
         <circle cx=\"48\" cy=\"48\" r=\"48\" fill=\"{colour}\"/>\
         <text x=\"48\" y=\"48\" dy=\".35em\" text-anchor=\"middle\" font-family=\"Arial,sans-serif\" \
         font-size=\"40\" fill=\"#fff\">{initials}</text></svg>\n",
        colour = escape(account.colour),
        initials = escape(&account.initials()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> AuthRequest {
        AuthRequest {
            client_id: "<app>".into(),
            redirect_uri: "http://x/".into(),
            response_type: crate::auth::ResponseType::TOKEN,
            nonce: None,
            scopes: vec![
                "openid".into(),
                "https://www.googleapis.com/auth/tasks".into(),
            ],
            state: None,
            prompt: vec![],
            login_hint: Some("grace@example.test".into()),
            include_granted_scopes: false,
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn consent_page_contents() {
        let html = consent_page(&req(), "rid\"", "http://127.0.0.1:1", None, false);
        assert!(html.contains(BANNER));
        assert!(html.contains("&lt;app&gt;") && !html.contains("<app>"));
        assert!(html.contains("value=\"rid&quot;\""));
        assert!(html.contains("value=\"100000000000000000002\" checked>"));
        assert!(html.contains("Ada Lovelace (ada@example.test)"));
        assert!(html.contains("<input type=\"hidden\" name=\"scope\" value=\"openid\">"));
        assert!(
            html.contains("name=\"scope\" value=\"https://www.googleapis.com/auth/tasks\">"),
            "starts unticked, as at Google"
        );
        let ticked = consent_page(&req(), "rid", "http://127.0.0.1:1", None, true);
        assert!(ticked
            .contains("name=\"scope\" value=\"https://www.googleapis.com/auth/tasks\" checked>"));
        assert!(html
            .contains("<button type=\"submit\" name=\"decision\" value=\"deny\">Cancel</button>"));
        assert!(html.contains("name=\"decision\" value=\"allow\">Allow</button>"));
        assert!(!html.contains("<script"));
        assert!(html.contains(NO_ICON), "no favicon request");
    }

    #[test]
    fn the_chosen_account_wins_over_the_hint() {
        let ada = &ACCOUNTS[0];
        let html = consent_page(&req(), "rid", "http://127.0.0.1:1", Some(ada), false);
        assert!(html.contains(&format!("value=\"{}\" checked>", ada.sub)));
        assert!(!html.contains("value=\"100000000000000000002\" checked>"));
    }

    #[test]
    fn account_chooser_lists_every_account_and_preselects_none() {
        let html = account_chooser_page(&req(), "rid\"", "http://127.0.0.1:1");
        assert!(html.contains("<h1>Choose an account</h1>"));
        assert!(html.contains("&lt;app&gt;") && !html.contains("<app>"));
        assert!(html.contains("value=\"rid&quot;\""));
        for a in &ACCOUNTS {
            assert!(html.contains(&format!("name=\"account\" value=\"{}\"", a.sub)));
            assert!(html.contains(a.email));
        }
        assert!(!html.contains("checked"), "the hint does not choose here");
        assert!(html.contains("name=\"account\" value=\"\">Cancel</button>"));
        assert!(!html.contains("<script"));
        assert!(html.contains(NO_ICON), "no favicon request");
    }

    #[test]
    fn error_page_escapes() {
        let err = crate::auth::validate("client_id=%3Cx%3E", &[]).unwrap_err();
        let html = auth_error_page(&err, &[("client_id".into(), "<x>".into())]);
        assert!(html.contains("Error 401: invalid_client"));
        assert!(html.contains(BANNER));
        assert!(!html.contains("<x>"));
        assert!(html.contains(NO_ICON), "no favicon request");
    }
}
