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
                    <span class="brand-mark" aria-hidden="true">{ "🔑" }</span>
                    <div>
                        <h1>{ "Google sign-in, browser only" }</h1>
                        <p class="tagline">{ "OAuth 2.0 implicit grant in Rust and WebAssembly: no server of ours anywhere" }</p>
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
