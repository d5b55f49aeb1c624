//! Pushed authorization requests (RFC 9126) as the page makes them: the form POST to the
//! provider (with a DPoP proof when DPoP is in use, RFC 9449 §10.1, and its nonce retry), then
//! the short URL the browser goes to. What the form holds, how the answer reads and whether a
//! `request_uri` is still fresh enough to send are `oauth::par`'s decisions.
//!
//! Only another provider offers pushed requests, so none of this is in the front door or the
//! app for Google (Cargo feature `other-providers`); `super::start` hands a request here when
//! the provider's metadata names a `pushed_authorization_request_endpoint`.

use super::session_store;
use crate::browser::clock::now_ms;
use crate::browser::location;
use crate::dpop;
use crate::error::{ApiStep, AppError};
use crate::google::request;
use crate::timeline::{self, Field, Step};
use oauth::authorization::AuthorizationRequest;
use oauth::par::{next_step, Next, Policy, PushedRequest};
use oauth::ClientConfig;

/// `request` as a push to `endpoint`, put on the timeline as its own step: its parameters, and
/// why they go this way.
pub fn pushed(
    config: &ClientConfig,
    request: &AuthorizationRequest,
    endpoint: &str,
) -> PushedRequest {
    let push = request.pushed_to(endpoint);
    let fields = request
        .parameters()
        .iter()
        .map(|(n, v)| Field::parameter(n, v))
        .collect();
    timeline::record(
        Step::PushedAuthorizationRequest,
        "The page pushes the authorization request to the provider first",
        fields,
        None,
        Some(format!(
            "POST {}: these parameters travel in a form body straight to the provider, never in the address bar; it answers with a short-lived request_uri, the only thing the browser then carries (RFC 9126). The provider {}.",
            push.endpoint,
            match config.par {
                Policy::Required => "requires this (require_pushed_authorization_requests)",
                _ => "offers this, and this page always takes it up",
            }
        )),
        None,
    );
    push
}

/// Leaves this tab for the provider once it has answered `push`; a push that fails leaves
/// nothing pending.
pub async fn leave(config: &ClientConfig, push: PushedRequest) -> Result<(), AppError> {
    let url = destination(config, &push)
        .await
        .inspect_err(|_| session_store::forget_pending())?;
    timeline::save_before_leaving();
    location::navigate(&url)?;
    Ok(())
}

/// Where the browser goes for a pushed request: the authorization endpoint with the
/// `request_uri` the provider answered. A `request_uri` too close to its expiry is never sent:
/// the same request is pushed again.
pub async fn destination(config: &ClientConfig, push: &PushedRequest) -> Result<String, AppError> {
    let mut attempt = 1;
    loop {
        let sent_at = now_ms();
        let (status, text) = send(config, push).await?;
        let uri = push.read_answer(status, &text, sent_at).inspect_err(|e| {
            timeline::check("The provider took the pushed request", false, e.to_string())
        })?;
        let next = next_step(&uri, now_ms(), attempt).inspect_err(|e| {
            timeline::check(
                "The request_uri is fresh enough to use",
                false,
                e.to_string(),
            )
        })?;
        match next {
            Next::Go => {
                let url = push.redirect_url(&uri);
                timeline::record(
                    Step::AuthorizationRequest,
                    "The page sends you to the authorization endpoint with the request_uri alone",
                    vec![
                        Field::parameter("client_id", &push.client_id),
                        Field::parameter("request_uri", &uri.value),
                    ],
                    None,
                    Some(format!(
                        "GET {}: the parameters stayed with the provider, which answered them with this request_uri, valid {} s and used once (RFC 9126 §4).",
                        push.authorization_endpoint, uri.expires_in
                    )),
                    None,
                );
                return Ok(url);
            }
            Next::PushAgain => {
                timeline::check(
                    "The request_uri is fresh enough to use",
                    false,
                    format!(
                        "Of its {} s of life {} ms were left: too little to reach the authorization endpoint with. It is dropped unsent and the same request is pushed again (RFC 9126 §4).",
                        uri.expires_in,
                        uri.expires_at_ms.saturating_sub(now_ms())
                    ),
                );
                attempt += 1;
            }
        }
    }
}

/// One push: the form POST, through the one request function (recorded for the inspector,
/// a DPoP proof along when DPoP is in use, sent again once with the provider's nonce).
async fn send(config: &ClientConfig, push: &PushedRequest) -> Result<(u16, String), AppError> {
    if config.dpop {
        dpop::prepare().await?;
    }
    request::exchange(Step::PushedAuthorizationRequest, &push.endpoint, &push.body)
        .await
        .map_err(|e| AppError::from_api(ApiStep::PushedAuthorization, e))
}
