//! The page frame. Plain view functions, not components: they hold no state and no hooks, and
//! each component costs the first module its own copy of Yew's lifecycle code (issue 11).

use yew::prelude::*;

/// The masthead and the main column. index.html carries the same frame as its first paint.
pub fn layout(body: Html) -> Html {
    html! {
        <>
            <header class="masthead">
                <div class="brand">
                    <svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
                        <circle cx="8" cy="12" r="4.5" fill="none" stroke="currentColor" stroke-width="2.4" />
                        <path d="M12.5 12h9M18 12v4M21 12v3" fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" />
                    </svg>
                    <div>
                        <h1>{ "Google sign-in, browser only" }</h1>
                        <p class="tagline">{ "OAuth 2.0 and OpenID Connect in Rust and WebAssembly: no server of ours anywhere" }</p>
                    </div>
                </div>
            </header>
            <main class="content">{ body }</main>
        </>
    }
}

/// Says which authorization server this page talks to, so the emulator is never mistaken for Google.
pub fn server_line(config: &oauth::ClientConfig) -> Html {
    let authorization_endpoint = &config.endpoints.authorization;
    html! {
        <footer class="server-line">
            { "Authorization server: " }<code>{ authorization_endpoint.to_owned() }</code>
            if !config.quirks.at_google { <span class="badge">{ "not Google" }</span> }
        </footer>
    }
}
