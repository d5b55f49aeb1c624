use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LayoutProps {
    pub children: Children,
}

#[component]
pub fn Layout(props: &LayoutProps) -> Html {
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
            <main class="content">{ props.children.clone() }</main>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct ServerLineProps {
    pub authorization_endpoint: String,
}

/// Says which authorization server this page talks to, so the emulator is never mistaken for Google.
#[component]
pub fn ServerLine(props: &ServerLineProps) -> Html {
    let endpoint = &props.authorization_endpoint;
    let is_google = endpoint.starts_with("https://accounts.google.com/");
    html! {
        <footer class="server-line">
            { "Authorization server: " }<code>{ endpoint.clone() }</code>
            if !is_google { <span class="badge">{ "not Google" }</span> }
        </footer>
    }
}
