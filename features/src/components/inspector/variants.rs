use yew::prelude::*;

/// The server-side variant next to this one, and why Google leaves browser-only apps the
/// implicit grant.
#[component]
pub fn Variants() -> Html {
    html! {
        <div class="variants">
            <h3>{ "Two ways to run OAuth 2.0 with Google" }</h3>
            <div class="columns">
                <section>
                    <h4>{ "With a server: authorization code" }</h4>
                    <ol>
                        <li>{ "The page sends you to Google with response_type=code." }</li>
                        <li>{ "You consent; Google redirects back with a short-lived code in the query." }</li>
                        <li>{ "The server receives the code." }</li>
                        <li>{ "The server exchanges it at the token endpoint with its client_secret (and a PKCE verifier)." }</li>
                        <li>{ "Google returns an access token (and a refresh token) to the server, never to the browser." }</li>
                        <li>{ "The server calls Google's APIs and keeps a session cookie with the browser." }</li>
                    </ol>
                </section>
                <section>
                    <h4>{ "Without a server: implicit grant (this page)" }</h4>
                    <ol>
                        <li>{ "The page sends you to Google with response_type=token and a one-time state." }</li>
                        <li>{ "You consent; Google redirects back with the access token in the fragment, which never reaches a server." }</li>
                        <li>{ "The page removes it from the URL, checks state and token type." }</li>
                        <li>{ "The page asks token info whether the token was issued to this app." }</li>
                        <li>{ "The page calls Google's APIs with the token in an Authorization header." }</li>
                    </ol>
                </section>
            </div>
            <h4>{ "Why Google leaves browser-only apps this variant" }</h4>
            <p>{ "The current advice (RFC 9700, the browser-based apps BCP) is the code grant with PKCE, even in the browser. Google's token endpoint refuses to exchange a code from a web client without its client_secret, and a secret shipped in a page is public. With no server, the implicit grant (or Google's own token popup, which is the same grant) is what remains." }</p>
            <h4>{ "The trade-offs, honestly" }</h4>
            <ul>
                <li>{ "The token passes through the browser: script injected into this origin could read it. A server-side app keeps tokens off the device." }</li>
                <li>{ "No refresh token: the session lasts an hour, then Google is asked again (silently when possible)." }</li>
                <li>{ "An injected token (issued to another app) would be accepted blindly without the audience check this page makes." }</li>
                <li>{ "In return: no server to run or breach, no session cookie, nothing stored after the tab closes." }</li>
            </ul>
        </div>
    }
}
