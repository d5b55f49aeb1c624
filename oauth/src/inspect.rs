//! Material for the protocol inspector: what each parameter of the flow means, where it is
//! specified, and how secrets are hidden until the person asks to see them.

/// One parameter's meaning and where to read more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    pub text: &'static str,
    pub link: &'static str,
}

const RFC6749_4_2_1: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-4.2.1";
const RFC6749_4_2_2: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-4.2.2";
const RFC6749_4_2_2_1: &str = "https://www.rfc-editor.org/rfc/rfc6749#section-4.2.2.1";
const GOOGLE_PARAMS: &str = "https://developers.google.com/identity/protocols/oauth2/javascript-implicit-flow#oauth-2.0-endpoints";

/// What an authorization request or response parameter means, if it is one we know.
pub fn explain(parameter: &str) -> Option<Explanation> {
    let (text, link) = match parameter {
        "client_id" => ("Which app is asking: the OAuth client registered at the provider (for Google, in Google Cloud Console). Public, not a secret.", RFC6749_4_2_1),
        "redirect_uri" => ("Where the provider sends the answer: this page, exactly as registered (scheme, host, port, path).", "https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2"),
        "request_uri" => ("The provider's reference to the parameters this page pushed to it just before (RFC 9126): short-lived, used once, and all the address bar carries besides client_id.", "https://www.rfc-editor.org/rfc/rfc9126#section-4"),
        "response_type" => ("\"token\" asks for the implicit grant: the access token comes straight back in the URL fragment. \"token id_token\" adds a signed ID token; \"code\" asks for a one-time code to exchange (the code grant).", RFC6749_4_2_1),
        "nonce" => ("A one-time random value the ID token must carry back: proof that the ID token was made for this request, not replayed from another.", "https://openid.net/specs/openid-connect-core-1_0.html#IDToken"),
        "id_token" => ("The provider's signed statement of who you are and for which app (a JWT). Checked here: RS256 signature with the provider's published key, issuer, audience, expiry, nonce and at_hash.", "https://openid.net/specs/openid-connect-core-1_0.html#IDToken"),
        "code" => ("A one-time authorization code, worth nothing without the code_verifier only this tab holds (PKCE).", "https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2"),
        "code_challenge" => ("SHA-256 of a secret this tab keeps (PKCE): the token endpoint will demand the secret itself with the code.", "https://www.rfc-editor.org/rfc/rfc7636#section-4.2"),
        "dpop_jkt" => ("The thumbprint of this page's DPoP key: the provider will exchange the code only with a proof signed by that key.", "https://www.rfc-editor.org/rfc/rfc9449#section-10"),
        "DPoP header" => ("The proof's JOSE header: its type, ES256, and the public half of this page's key (the private half cannot leave the browser).", "https://www.rfc-editor.org/rfc/rfc9449#section-4.2"),
        "DPoP claims" => ("What the proof vouches for: this request's method (htm) and URL without query (htu), when (iat), a unique id the server refuses to see twice (jti), the access token's SHA-256 (ath) and the server's nonce when it gave one.", "https://www.rfc-editor.org/rfc/rfc9449#section-4.2"),
        "code_challenge_method" => ("S256: the challenge is the verifier's SHA-256, so seeing the request does not reveal the verifier.", "https://www.rfc-editor.org/rfc/rfc7636#section-4.3"),
        "code_verifier" => ("The PKCE secret behind the code_challenge, sent only to the token endpoint with the code.", "https://www.rfc-editor.org/rfc/rfc7636#section-4.5"),
        "grant_type" => ("\"authorization_code\": this request exchanges a code for tokens.", "https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3"),
        "iss" => ("Which provider sent the answer (RFC 9207): it must be the one this tab asked, which defeats mix-up attacks.", "https://www.rfc-editor.org/rfc/rfc9207"),
        "session_state" => ("The provider's session-management value. Not used here; ignored.", RFC6749_4_2_2),
        "scope" => ("What the app may do. In a response: what was actually granted, which may be less than asked (granular consent).", "https://www.rfc-editor.org/rfc/rfc6749#section-3.3"),
        "state" => ("A one-time random value this tab kept; the answer must carry it back, which proves it answers this tab's request (CSRF defence).", "https://www.rfc-editor.org/rfc/rfc6749#section-10.12"),
        "include_granted_scopes" => ("Google's incremental authorization: the new token also carries scopes granted earlier.", GOOGLE_PARAMS),
        "login_hint" => ("Which account to suggest, so the provider can skip the account chooser.", GOOGLE_PARAMS),
        "prompt" => ("\"none\" asks the provider to answer without showing anything (silent renewal); \"consent\" and \"select_account\" force those screens.", GOOGLE_PARAMS),
        "access_token" => ("The bearer token: whoever holds it can call the APIs it was issued for, as you, until it expires. Kept out of URLs, history and logs.", RFC6749_4_2_2),
        "token_type" => ("How to use the token: \"Bearer\", or \"DPoP\" when the request carried a DPoP proof (the token is then bound to this page's key). A client must not use a token type it does not understand.", "https://www.rfc-editor.org/rfc/rfc6749#section-7.1"),
        "expires_in" => ("Seconds the token lives, counted from when the answer arrived here (never from a server's clock).", RFC6749_4_2_2),
        "authuser" => ("Google's index of the signed-in account in this browser. Not part of OAuth; ignored.", RFC6749_4_2_2),
        "hd" => ("Google Workspace domain of the account. Not part of OAuth; ignored.", RFC6749_4_2_2),
        "error" => ("Why the request failed, as a code (for example access_denied when consent was declined).", RFC6749_4_2_2_1),
        "error_description" => ("The server's own words about the error. Shown as text, never as markup.", RFC6749_4_2_2_1),
        "error_uri" => ("A page about the error. Not followed automatically.", RFC6749_4_2_2_1),
        "token" => ("The token to revoke, sent in a form body.", "https://www.rfc-editor.org/rfc/rfc7009#section-2.1"),
        _ => return None,
    };
    Some(Explanation { text, link })
}

const OIDC_ID_TOKEN: &str = "https://openid.net/specs/openid-connect-core-1_0.html#IDToken";
const OIDC_CLAIMS: &str = "https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims";
const RFC7515_HEADER: &str = "https://www.rfc-editor.org/rfc/rfc7515#section-4.1";

/// What an ID token's header member or claim means, if it is one we know (OpenID Connect
/// Core §2 and §5.1, RFC 7515 §4.1, RFC 7519 §4.1).
pub fn explain_claim(name: &str) -> Option<Explanation> {
    let (text, link) = match name {
        "alg" => ("The signature algorithm. Only RS256 is accepted: \"none\" would mean no signature, and an HMAC algorithm would let anyone who knows the public key sign.", RFC7515_HEADER),
        "kid" => ("Which of the provider's published keys signed the token: the key looked up in its key set (JWKS).", RFC7515_HEADER),
        "typ" => ("The token's media type, JWT. Informational; not checked.", RFC7515_HEADER),
        "iss" => ("Who issued the token: it must be exactly the configured provider.", OIDC_ID_TOKEN),
        "sub" => ("Who the person is at this provider: a stable identifier, never reassigned. The app's notion of \"the same person\".", OIDC_ID_TOKEN),
        "aud" => ("Whom the token is for: it must contain this app's client id, or it was made for another app.", OIDC_ID_TOKEN),
        "azp" => ("The party the token was issued to. When present, or when aud lists several, it must be this app's client id.", OIDC_ID_TOKEN),
        "exp" => ("When the token expires (seconds since 1970). After that it must not be accepted.", OIDC_ID_TOKEN),
        "iat" => ("When the token was issued (seconds since 1970). A time in the future means a wrong clock here or a forgery.", OIDC_ID_TOKEN),
        "nonce" => ("The one-time value this tab put in its request: proof the token answers this tab's sign-in and is not replayed.", OIDC_ID_TOKEN),
        "at_hash" => ("The left half of the access token's SHA-256, base64url: binds the access token that came with it to this signed token, so neither can be swapped.", "https://openid.net/specs/openid-connect-core-1_0.html#ImplicitIDToken"),
        "auth_time" => ("When the person last authenticated at the provider. A refreshed token must keep it.", OIDC_ID_TOKEN),
        "acr" => ("How strongly the person authenticated (Authentication Context Class Reference).", OIDC_ID_TOKEN),
        "amr" => ("How the person authenticated (password, one-time code, …).", OIDC_ID_TOKEN),
        "sid" => ("The provider's session identifier, for logout.", "https://openid.net/specs/openid-connect-frontchannel-1_0.html#ClaimsContents"),
        "jti" => ("A unique identifier of this token.", "https://www.rfc-editor.org/rfc/rfc7519#section-4.1.7"),
        "email" => ("The person's email address, as the provider has it.", OIDC_CLAIMS),
        "email_verified" => ("Whether the provider has verified the email address.", OIDC_CLAIMS),
        "name" => ("The person's full name.", OIDC_CLAIMS),
        "given_name" | "family_name" => ("Parts of the person's name.", OIDC_CLAIMS),
        "picture" => ("The address of the person's profile picture.", OIDC_CLAIMS),
        "locale" => ("The person's language and region.", OIDC_CLAIMS),
        "hd" => ("Google Workspace: the domain of the account. Not part of OpenID Connect.", "https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload"),
        _ => return None,
    };
    Some(Explanation { text, link })
}

/// Parameters whose values are secrets: hidden until the person reveals them, never exported.
pub fn is_secret(parameter: &str) -> bool {
    matches!(
        parameter,
        "access_token"
            | "state"
            | "token"
            | "id_token"
            | "code"
            | "code_verifier"
            | "nonce"
            | "refresh_token"
    )
}

/// How a secret is shown until revealed: its kind, a few leading characters and its length.
pub fn redacted(kind: &str, secret: &str) -> String {
    let shown: String = secret.chars().take(4).collect();
    format!(
        "[{kind} {shown}… hidden, {} characters]",
        secret.chars().count()
    )
}

/// Shorter values are not treated as secrets: real ones are far longer (a state is 43
/// characters, a token over 100), and hiding a short word would mangle the prose around it.
pub const MIN_SECRET_LEN: usize = 8;

/// Replaces every occurrence of each `(kind, secret)` in `text` with its redacted form.
pub fn redact_all<'a>(text: &str, secrets: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut text = text.to_owned();
    for (kind, secret) in secrets {
        if secret.len() >= MIN_SECRET_LEN {
            text = text.replace(secret, &redacted(kind, secret));
            // Secrets also travel form- or percent-encoded.
            let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            if encoded != secret {
                text = text.replace(&encoded, &redacted(kind, secret));
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_parameter_the_app_sends_is_explained() {
        for p in [
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "state",
            "include_granted_scopes",
            "login_hint",
            "prompt",
        ] {
            let e = explain(p).unwrap_or_else(|| panic!("{p}"));
            assert!(e.link.starts_with("https://"), "{p}");
        }
    }

    #[test]
    fn every_claim_an_id_token_is_checked_on_is_explained() {
        for claim in [
            "alg",
            "kid",
            "iss",
            "sub",
            "aud",
            "azp",
            "exp",
            "iat",
            "nonce",
            "at_hash",
            "auth_time",
        ] {
            let e = explain_claim(claim).unwrap_or_else(|| panic!("{claim}"));
            assert!(e.link.starts_with("https://"), "{claim}");
        }
        assert_eq!(explain_claim("x-custom"), None);
    }

    #[test]
    fn each_parameter_links_to_where_it_is_specified() {
        let rfc6749 = "https://www.rfc-editor.org/rfc/rfc6749#section-";
        let table = [
            ("client_id", format!("{rfc6749}4.2.1")),
            ("redirect_uri", format!("{rfc6749}3.1.2")),
            ("response_type", format!("{rfc6749}4.2.1")),
            ("nonce", "openid-connect-core-1_0.html#IDToken".into()),
            ("id_token", "openid-connect-core-1_0.html#IDToken".into()),
            ("code", format!("{rfc6749}4.1.2")),
            ("code_challenge", "rfc7636#section-4.2".into()),
            ("dpop_jkt", "rfc9449#section-10".into()),
            ("DPoP header", "rfc9449#section-4.2".into()),
            ("DPoP claims", "rfc9449#section-4.2".into()),
            ("code_challenge_method", "rfc7636#section-4.3".into()),
            ("code_verifier", "rfc7636#section-4.5".into()),
            ("grant_type", format!("{rfc6749}4.1.3")),
            ("iss", "rfc9207".into()),
            ("session_state", format!("{rfc6749}4.2.2")),
            ("scope", format!("{rfc6749}3.3")),
            ("state", format!("{rfc6749}10.12")),
            ("include_granted_scopes", GOOGLE_PARAMS.into()),
            ("login_hint", GOOGLE_PARAMS.into()),
            ("prompt", GOOGLE_PARAMS.into()),
            ("access_token", format!("{rfc6749}4.2.2")),
            ("token_type", format!("{rfc6749}7.1")),
            ("expires_in", format!("{rfc6749}4.2.2")),
            ("authuser", format!("{rfc6749}4.2.2")),
            ("hd", format!("{rfc6749}4.2.2")),
            ("error", format!("{rfc6749}4.2.2.1")),
            ("error_description", format!("{rfc6749}4.2.2.1")),
            ("error_uri", format!("{rfc6749}4.2.2.1")),
            ("token", "rfc7009#section-2.1".into()),
        ];
        let mut texts = Vec::new();
        for (parameter, link) in &table {
            let e = explain(parameter).unwrap_or_else(|| panic!("{parameter}"));
            assert!(e.link.ends_with(link.as_str()), "{parameter}: {}", e.link);
            texts.push(e.text);
        }
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), table.len(), "each parameter has its own words");
    }

    #[test]
    fn unknown_parameters_have_no_explanation() {
        assert_eq!(explain("foo"), None);
    }

    #[test]
    fn redaction_hides_all_but_four_characters() {
        let r = redacted("access token", "ya29.abcdefgh");
        assert_eq!(r, "[access token ya29… hidden, 13 characters]");
        assert!(!r.contains("abcdefgh"));
    }

    #[test]
    fn redact_all_covers_plain_and_encoded_occurrences() {
        let secret = "ya29.a/b+c==";
        let text = format!(
            "token={} and raw {secret}",
            form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>()
        );
        let out = redact_all(&text, [("access token", secret)]);
        assert!(!out.contains("a/b+c"), "{out}");
        assert!(!out.contains("a%2Fb%2Bc"), "{out}");
        assert_eq!(out.matches("hidden").count(), 2);
    }

    #[test]
    fn short_values_are_left_alone() {
        assert_eq!(
            redact_all("it may be forged", [("state", "forged")]),
            "it may be forged"
        );
    }

    #[test]
    fn secrets_are_recognised_by_name() {
        for secret in [
            "access_token",
            "state",
            "token",
            "id_token",
            "code",
            "code_verifier",
            "nonce",
            "refresh_token",
        ] {
            assert!(is_secret(secret), "{secret}");
        }
        for public in ["scope", "client_id", "code_challenge", "token_type"] {
            assert!(!is_secret(public), "{public}");
        }
    }

    #[test]
    fn a_secret_of_the_shortest_secret_length_is_hidden() {
        let secret = "a".repeat(MIN_SECRET_LEN);
        let out = redact_all(&format!("x {secret} y"), [("state", secret.as_str())]);
        assert_eq!(out, "x [state aaaa… hidden, 8 characters] y");
        let shorter = &secret[1..];
        assert_eq!(
            redact_all(shorter, [("state", shorter)]),
            shorter,
            "one character less is prose"
        );
    }
}
