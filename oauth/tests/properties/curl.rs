//! Properties of `oauth::curl` checked against a real POSIX shell (`/bin/sh`: dash on Debian):
//! whatever a header or body holds, the shell hands curl exactly the recorded request, with
//! secrets left to variables or written out.

use oauth::curl::{command, quote, Request, Secrets};
use proptest::prelude::*;
use std::process::Command;

/// Runs `script` in `sh -c` with `env`, and returns what it wrote.
fn sh(script: &str, env: &[(String, String)]) -> Vec<u8> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .env_clear()
        .envs(env.iter().cloned())
        .output()
        .expect("sh runs");
    assert!(
        out.status.success(),
        "sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The arguments the shell gives `curl` for `text`: a shell function stands in for curl and
/// writes each argument followed by a NUL.
fn curl_arguments(text: &str, env: &[(String, String)]) -> Vec<String> {
    let script = format!("curl() {{ for a in \"$@\"; do printf '%s\\000' \"$a\"; done; }}\n{text}");
    let out = sh(&script, env);
    let mut args: Vec<String> = out
        .split(|b| *b == 0)
        .map(|a| String::from_utf8(a.to_vec()).expect("UTF-8 back"))
        .collect();
    assert_eq!(args.pop().as_deref(), Some(""), "each argument ends in NUL");
    args
}

/// Any text a shell argument can hold: no NUL (C strings end there), anything else.
fn any_text() -> impl Strategy<Value = String> {
    "[^\u{0}]{0,60}"
}

fn tchar_name() -> impl Strategy<Value = String> {
    // RFC 9110 §5.6.2 token characters.
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}"
}

fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~+/=-]{8,40}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(crate::cases(128)))]

    /// `quote` gives one word that the shell reads back as the very text.
    #[test]
    fn any_text_reads_back_through_sh_quoting(text in any_text()) {
        let out = sh(&format!("printf '%s' {}", quote(&text)), &[]);
        prop_assert_eq!(String::from_utf8(out).unwrap(), text);
    }

    /// Headers and a body, with a secret in them or not, reach curl as recorded: with
    /// placeholders once the variables are set, revealed as they are.
    #[test]
    fn any_header_and_body_reach_curl_as_recorded(
        method in prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("PATCH"), Just("DELETE")],
        path in any_text(),
        headers in proptest::collection::vec((tchar_name(), any_text()), 0..4),
        body in proptest::option::of(any_text()),
        token in secret(),
        where_token in 0usize..3,
    ) {
        let method = if body.is_some() && method == "GET" { "POST" } else { method };
        let url = format!("https://api.example/{}", path.replace(char::is_whitespace, "%20"));
        let mut headers: Vec<(String, String)> = headers;
        headers.push(("Content-Type".into(), "application/octet-stream".into()));
        let mut body = body;
        match where_token {
            0 => headers.push(("Authorization".into(), format!("Bearer {token}"))),
            1 => body = Some(format!("token={}&{}", token, body.unwrap_or_default())),
            _ => {}
        }
        let secrets = vec![("access token".to_owned(), token.clone())];
        let request = Request { method, url: &url, headers: &headers, body: body.as_deref() };

        let mut expected = Vec::new();
        if !(method == "GET" && body.is_none() || method == "POST" && body.is_some()) {
            expected.extend(["-X".to_owned(), method.to_owned()]);
        }
        expected.push(url.clone());
        for (name, value) in &headers {
            expected.push("-H".into());
            expected.push(if value.is_empty() { format!("{name};") } else { format!("{name}: {value}") });
        }
        if let Some(body) = &body {
            expected.extend(["--data-raw".to_owned(), body.clone()]);
        }

        let revealed = command(&request, &secrets, Secrets::Revealed);
        prop_assert_eq!(curl_arguments(&revealed.text, &[]), expected.clone());

        let hidden = command(&request, &secrets, Secrets::Placeholders);
        prop_assert!(!hidden.text.contains(&token), "{}", hidden.text);
        let encoded: String = form_urlencoded::byte_serialize(token.as_bytes()).collect();
        let env: Vec<(String, String)> = hidden
            .variables
            .iter()
            .map(|v| (v.name.clone(), if v.form_encoded { encoded.clone() } else { token.clone() }))
            .collect();
        prop_assert_eq!(curl_arguments(&hidden.text, &env), expected);
    }
}
