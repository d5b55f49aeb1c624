//! A recorded HTTP exchange as a curl command line, to send the same request from a terminal.
//!
//! Each argument is quoted for the POSIX shell (`sh`, dash, bash, zsh): single quotes, inside
//! which nothing is special, with a single quote itself written `'\''`. Secrets (tokens, codes,
//! verifiers) are left out unless the person revealed them: each becomes a shell variable
//! (`"${ACCESS_TOKEN}"`) the person sets first, so the command still runs and nothing secret is
//! on the clipboard. curl's own readings are avoided: a body goes as `--data-raw` (a leading `@`
//! is not a file name), and a header with an empty value as `Name;` (`Name:` would tell curl to
//! leave the header out).

use crate::inspect::MIN_SECRET_LEN;

/// A request as it was sent.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    /// The headers the page set, as it set them.
    pub headers: &'a [(String, String)],
    pub body: Option<&'a str>,
}

/// Whether secrets are written out or left to shell variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    Placeholders,
    Revealed,
}

/// A shell variable the command reads in place of a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    /// The kind of secret it stands for ("access token"), as the timeline names it.
    pub kind: String,
    /// The secret appears form-encoded (`application/x-www-form-urlencoded`): the variable
    /// must hold it encoded too.
    pub form_encoded: bool,
}

/// The command, and what it needs or holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub text: String,
    /// With [`Secrets::Placeholders`]: the variables to set before running it, in order of use.
    pub variables: Vec<Variable>,
    /// With [`Secrets::Revealed`]: the kinds of secret written out in it.
    pub revealed: Vec<String>,
}

/// The headers curl sends as fetch did without being told: fetch gives a string body
/// `text/plain;charset=UTF-8` when the page set no type (Fetch §5 "extract a body"); curl's
/// `--data-raw` would say `application/x-www-form-urlencoded`.
const FETCH_TEXT_TYPE: &str = "text/plain;charset=UTF-8";

/// `request` as a curl command line; `secrets` are `(kind, value)` as the timeline keeps them.
pub fn command(request: &Request<'_>, secrets: &[(String, String)], mode: Secrets) -> Command {
    let mut out = Builder::new(secrets, mode);
    let mut line = vec![vec![Piece::Literal("curl".to_owned())]];
    // curl infers GET, and POST from a body; any other method is named.
    let inferred = match request.body {
        None => "GET",
        Some(_) => "POST",
    };
    if !request.method.eq_ignore_ascii_case(inferred) {
        line.push(vec![Piece::Literal("-X".to_owned())]);
        line.push(out.pieces(request.method));
    }
    line.push(out.pieces(request.url));
    let mut args = vec![line];
    for (name, value) in request.headers {
        let header = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {value}")
        };
        args.push(vec![
            vec![Piece::Literal("-H".to_owned())],
            out.pieces(&header),
        ]);
    }
    if let Some(body) = request.body {
        let typed = request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
        if !typed {
            args.push(vec![
                vec![Piece::Literal("-H".to_owned())],
                vec![Piece::Literal(format!("Content-Type: {FETCH_TEXT_TYPE}"))],
            ]);
        }
        args.push(vec![
            vec![Piece::Literal("--data-raw".to_owned())],
            out.pieces(body),
        ]);
    }
    // One option (with its value) a line, joined by backslash-newline: the shell reads it as
    // one command, and a person reads it line by line.
    let text = args
        .iter()
        .map(|words| words.iter().map(|w| word(w)).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(" \\\n  ");
    Command {
        text,
        variables: out.variables,
        revealed: out.revealed,
    }
}

/// `text` as one POSIX shell word that reads back as exactly `text`.
pub fn quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Variable(String),
}

/// One shell word: quoted literals and `"${NAME}"`s side by side (the shell joins them).
fn word(pieces: &[Piece]) -> String {
    let text: String = pieces
        .iter()
        .map(|piece| match piece {
            Piece::Literal(text) if text.is_empty() => String::new(),
            Piece::Literal(text) => quote(text),
            Piece::Variable(name) => format!("\"${{{name}}}\""),
        })
        .collect();
    if text.is_empty() {
        "''".to_owned()
    } else {
        text
    }
}

/// Finds secrets in each argument and decides how each is written.
struct Builder<'a> {
    /// `(kind, the text as it appears, form-encoded)`, longest first, so a secret that contains
    /// another is found whole.
    needles: Vec<(&'a str, String, bool)>,
    mode: Secrets,
    variables: Vec<Variable>,
    /// Which variable stands for which text.
    named: Vec<(String, String)>,
    revealed: Vec<String>,
}

impl<'a> Builder<'a> {
    fn new(secrets: &'a [(String, String)], mode: Secrets) -> Self {
        let mut needles = Vec::new();
        for (kind, value) in secrets {
            if value.len() < MIN_SECRET_LEN {
                continue;
            }
            needles.push((kind.as_str(), value.clone(), false));
            let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
            if encoded != *value {
                needles.push((kind.as_str(), encoded, true));
            }
        }
        needles.sort_by_key(|(_, text, _)| std::cmp::Reverse(text.len()));
        Builder {
            needles,
            mode,
            variables: Vec::new(),
            named: Vec::new(),
            revealed: Vec::new(),
        }
    }

    fn pieces(&mut self, text: &str) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while !rest.is_empty() {
            let found = self
                .needles
                .iter()
                .find(|(_, needle, _)| rest.starts_with(needle.as_str()))
                .cloned();
            match found {
                Some((kind, needle, encoded)) => {
                    rest = &rest[needle.len()..];
                    match self.mode {
                        Secrets::Revealed => {
                            if !self.revealed.iter().any(|k| k == kind) {
                                self.revealed.push(kind.to_owned());
                            }
                            literal.push_str(&needle);
                        }
                        Secrets::Placeholders => {
                            pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                            pieces.push(Piece::Variable(self.variable(kind, &needle, encoded)));
                        }
                    }
                }
                None => {
                    let c = rest.chars().next().unwrap_or_default();
                    literal.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        pieces.push(Piece::Literal(literal));
        pieces
    }

    /// The variable for `text`: the same text always gets the same one; another text of the
    /// same kind gets the next number (`ACCESS_TOKEN_2`).
    fn variable(&mut self, kind: &str, text: &str, encoded: bool) -> String {
        if let Some((name, _)) = self.named.iter().find(|(_, t)| t == text) {
            return name.clone();
        }
        let mut base: String = kind
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        if encoded {
            base.push_str("_FORM_ENCODED");
        }
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base.insert_str(0, "SECRET_");
        }
        let mut name = base.clone();
        let mut n = 1;
        while self.named.iter().any(|(taken, _)| *taken == name) {
            n += 1;
            name = format!("{base}_{n}");
        }
        self.named.push((name.clone(), text.to_owned()));
        self.variables.push(Variable {
            name: name.clone(),
            kind: kind.to_owned(),
            form_encoded: encoded,
        });
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "ya29.a0AfB_token-value";

    fn get(headers: &[(String, String)]) -> Request<'_> {
        Request {
            method: "GET",
            url: "https://openidconnect.googleapis.com/v1/userinfo",
            headers,
            body: None,
        }
    }

    fn secrets() -> Vec<(String, String)> {
        vec![("access token".into(), TOKEN.into())]
    }

    #[test]
    fn a_get_with_a_bearer_token_leaves_the_token_to_a_variable() {
        let headers = vec![("Authorization".into(), format!("Bearer {TOKEN}"))];
        let c = command(&get(&headers), &secrets(), Secrets::Placeholders);
        assert_eq!(
            c.text,
            "curl https://openidconnect.googleapis.com/v1/userinfo \\\n  -H 'Authorization: Bearer '\"${ACCESS_TOKEN}\""
        );
        assert!(!c.text.contains("ya29"));
        assert_eq!(
            c.variables,
            vec![Variable {
                name: "ACCESS_TOKEN".into(),
                kind: "access token".into(),
                form_encoded: false
            }]
        );
        assert!(c.revealed.is_empty());
    }

    #[test]
    fn revealed_the_token_is_written_out_and_named() {
        let headers = vec![("Authorization".into(), format!("Bearer {TOKEN}"))];
        let c = command(&get(&headers), &secrets(), Secrets::Revealed);
        assert!(
            c.text
                .ends_with(&format!("-H 'Authorization: Bearer {TOKEN}'")),
            "{}",
            c.text
        );
        assert_eq!(c.revealed, vec!["access token".to_owned()]);
        assert!(c.variables.is_empty());
    }

    #[test]
    fn the_method_is_named_only_where_curl_would_not_infer_it() {
        let none: Vec<(String, String)> = Vec::new();
        let with = |method, body| {
            command(
                &Request {
                    method,
                    url: "https://x.example/a",
                    headers: &none,
                    body,
                },
                &[],
                Secrets::Placeholders,
            )
            .text
        };
        assert!(!with("GET", None).contains("-X"));
        assert!(!with("POST", Some("a=b")).contains("-X"));
        assert!(with("POST", None).contains("-X POST"));
        assert!(with("PATCH", Some("{}")).contains("-X PATCH"));
        assert!(with("DELETE", None).starts_with("curl -X DELETE https://x.example/a"));
    }

    #[test]
    fn a_body_goes_raw_and_without_a_type_gets_the_one_fetch_gave_it() {
        let none: Vec<(String, String)> = Vec::new();
        let c = command(
            &Request {
                method: "POST",
                url: "https://x.example/a",
                headers: &none,
                body: Some("@/etc/passwd"),
            },
            &[],
            Secrets::Placeholders,
        );
        assert!(c.text.contains("--data-raw @/etc/passwd"), "{}", c.text);
        assert!(c
            .text
            .contains("-H 'Content-Type: text/plain;charset=UTF-8'"));
        let typed = vec![("Content-Type".into(), "application/json".into())];
        let c = command(
            &Request {
                method: "POST",
                url: "https://x.example/a",
                headers: &typed,
                body: Some("{\"title\":\"it's\"}"),
            },
            &[],
            Secrets::Placeholders,
        );
        assert!(!c.text.contains("text/plain"));
        assert!(
            c.text.ends_with(r#"--data-raw '{"title":"it'\''s"}'"#),
            "{}",
            c.text
        );
    }

    #[test]
    fn an_empty_header_value_is_written_so_curl_still_sends_it() {
        let headers = vec![("X-Empty".into(), String::new())];
        assert!(command(&get(&headers), &[], Secrets::Placeholders)
            .text
            .ends_with("-H 'X-Empty;'"));
    }

    #[test]
    fn a_form_encoded_secret_gets_its_own_variable() {
        let token = "abc/def+ghi==";
        let secrets = vec![("access token".to_owned(), token.to_owned())];
        let body = format!(
            "token={}",
            form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
        );
        let headers = vec![("Authorization".into(), format!("Bearer {token}"))];
        let c = command(
            &Request {
                method: "POST",
                url: "https://x.example/revoke",
                headers: &headers,
                body: Some(&body),
            },
            &secrets,
            Secrets::Placeholders,
        );
        assert!(!c.text.contains("abc"), "{}", c.text);
        let names: Vec<&str> = c.variables.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["ACCESS_TOKEN", "ACCESS_TOKEN_FORM_ENCODED"]);
        assert!(c.variables[1].form_encoded);
    }

    #[test]
    fn two_tokens_of_one_kind_get_two_variables_and_one_token_keeps_one() {
        let secrets = vec![
            ("access token".to_owned(), "ya29.first-token".to_owned()),
            ("access token".to_owned(), "ya29.second-token".to_owned()),
        ];
        let headers = vec![
            ("A".into(), "ya29.first-token".into()),
            ("B".into(), "ya29.second-token ya29.first-token".into()),
        ];
        let c = command(&get(&headers), &secrets, Secrets::Placeholders);
        let names: Vec<&str> = c.variables.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["ACCESS_TOKEN", "ACCESS_TOKEN_2"]);
        assert!(
            c.text
                .contains(r#"-H 'B: '"${ACCESS_TOKEN_2}"' '"${ACCESS_TOKEN}""#),
            "{}",
            c.text
        );
    }

    #[test]
    fn short_values_are_not_treated_as_secrets() {
        let secrets = vec![("state".to_owned(), "abc".to_owned())];
        let headers = vec![("X".into(), "abc".into())];
        let c = command(&get(&headers), &secrets, Secrets::Placeholders);
        assert!(c.text.ends_with("-H 'X: abc'"));
        assert!(c.variables.is_empty());
    }

    #[test]
    fn quoting_leaves_plain_words_alone_and_wraps_the_rest() {
        assert_eq!(
            quote("https://x.example/a?b=c,d"),
            "'https://x.example/a?b=c,d'"
        );
        assert_eq!(quote("https://x.example/a"), "https://x.example/a");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME `x` \\"), r"'$HOME `x` \'");
        assert_eq!(word(&[Piece::Literal(String::new())]), "''");
    }
}
