use seam::timeline::{Entry, Snapshot, Step};
use std::rc::Rc;
use yew::prelude::*;

const ACTORS: [&str; 4] = [
    "Browser",
    "This page",
    // Google's, or any other provider's: the same roles (RFC 6749 §1.1).
    "Authorization server",
    "APIs (resource server)",
];
const LANE_X: [u32; 4] = [90, 270, 450, 630];

/// One arrow: from lane, to lane, label, and the step that makes it happen.
const ARROWS: [(usize, usize, &str, Step); 13] = [
    (
        1,
        2,
        "GET /.well-known/openid-configuration (another provider)",
        Step::Discovery,
    ),
    (
        1,
        2,
        "POST the request's parameters, get a request_uri (PAR)",
        Step::PushedAuthorizationRequest,
    ),
    (
        1,
        0,
        "Sign in: go to the authorization endpoint",
        Step::AuthorizationRequest,
    ),
    (
        0,
        2,
        "GET /o/oauth2/v2/auth?client_id&state…",
        Step::AuthorizationRequest,
    ),
    (
        2,
        0,
        "consent, then 302 to redirect_uri#access_token… (or ?code…)",
        Step::Redirect,
    ),
    (0, 1, "load this page with the fragment", Step::Redirect),
    (1, 1, "checks: state, issuer, token type", Step::Check),
    (
        1,
        2,
        "POST token: code + code_verifier (PKCE)",
        Step::TokenExchange,
    ),
    (
        1,
        2,
        "GET jwks_uri: keys to verify the ID token",
        Step::Keys,
    ),
    (1, 3, "POST tokeninfo (is the token ours?)", Step::TokenInfo),
    (3, 1, "aud, sub, scope", Step::TokenInfo),
    (1, 3, "GET userinfo, Authorization: Bearer", Step::UserInfo),
    (1, 2, "POST revoke (sign-out)", Step::Revocation),
];

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub entries: Rc<Snapshot>,
}

/// The flow as a sequence diagram; the arrows that happened are highlighted and link to their
/// first timeline entry. A labelled figure holding a group, not `role="img"`: an image's
/// content is presentational, so the links inside would be hidden from screen readers
/// (axe's `nested-interactive`). Each arrow says who talks to whom in words.
#[component]
pub fn SequenceDiagram(props: &DiagramProps) -> Html {
    let height = 70 + ARROWS.len() as u32 * 40;
    html! {
        <figure class="diagram" aria-labelledby="diagram-title">
            <figcaption id="diagram-title" class="visually-hidden">{ "Sequence of the sign-in: the highlighted steps happened in this tab and link to their entry below" }</figcaption>
            <svg viewBox={format!("0 0 720 {height}")} role="group" aria-labelledby="diagram-title" data-testid="sequence-diagram">
                <defs>
                    <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke" />
                    </marker>
                </defs>
                // The lanes' names are in every arrow's words; read once, not as loose text.
                { for ACTORS.iter().zip(LANE_X).map(|(name, x)| html! {
                    <g class="actor" aria-hidden="true">
                        <rect x={(x - 80).to_string()} y="8" width="160" height="34" rx="8" />
                        <text x={x.to_string()} y="30" text-anchor="middle">{ *name }</text>
                        <line x1={x.to_string()} y1="42" x2={x.to_string()} y2={height.to_string()} />
                    </g>
                }) }
                { for ARROWS.iter().enumerate().map(|(i, arrow)| arrow_view(i, arrow, &props.entries.entries)) }
            </svg>
        </figure>
    }
}

fn arrow_view(
    index: usize,
    &(from, to, label, step): &(usize, usize, &str, Step),
    entries: &[Entry],
) -> Html {
    let y = 70 + index as u32 * 40;
    let happened = entries.iter().find(|e| e.step == step);
    let (x1, x2) = (LANE_X[from], LANE_X[to]);
    let line = if from == to {
        html! { <path d={format!("M {x1} {y} h 40 v 14 h -36")} marker-end="url(#arrowhead)" fill="none" /> }
    } else {
        let end = if x2 > x1 { x2 - 4 } else { x2 + 4 };
        html! { <line x1={x1.to_string()} y1={y.to_string()} x2={end.to_string()} y2={y.to_string()} marker-end="url(#arrowhead)" /> }
    };
    let text_x = if from == to { x1 + 48 } else { (x1 + x2) / 2 };
    let anchor = if from == to { "start" } else { "middle" };
    let body = html! {
        <>
            { line }
            <text x={text_x.to_string()} y={(y - 6).to_string()} text-anchor={anchor} aria-hidden="true">{ label }</text>
        </>
    };
    let who = if from == to {
        ACTORS[from].to_owned()
    } else {
        format!("{} to {}", ACTORS[from], ACTORS[to])
    };
    match happened {
        // The link's name is its <title>: the drawn text alone would lose who talks to whom.
        Some(entry) => html! {
            <a href={format!("#step-{}", entry.id)} class="arrow happened" data-step={format!("{step:?}")}>
                <title>{ format!("{who}: {label}. Happened: step {}", entry.id + 1) }</title>
                { body }
            </a>
        },
        None => html! {
            <g class="arrow pending" data-step={format!("{step:?}")} role="img" aria-label={format!("{who}: {label}. Not in this tab yet")}>{ body }</g>
        },
    }
}
