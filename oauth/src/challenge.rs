//! `WWW-Authenticate` challenges (RFC 9110 §11.6.1), read as the grammar writes them:
//!
//! ```text
//! WWW-Authenticate = #challenge
//! challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-param       = token BWS "=" BWS ( token / quoted-string )
//! ```
//!
//! A server may offer several challenges in one header (a DPoP server offers `DPoP` and
//! `Bearer`, RFC 9449 §7.1), and commas separate both challenges and their parameters: a
//! parameter always has `=`, a scheme never does. Quoted values may hold commas, `=` and
//! escaped quotes (`\"`, RFC 9110 §5.6.4), so a description cannot be mistaken for a parameter.
//! Text that leaves the grammar ends the reading: the challenges complete before it are kept,
//! the one it interrupted is dropped, so no parameter is ever credited to the wrong scheme.

/// One challenge: its scheme as written and its parameters in order (names lower-cased: they
/// are case-insensitive, §11.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Challenge {
    pub scheme: String,
    /// A `token68` in place of parameters (`Negotiate abc==`).
    pub token68: Option<String>,
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The first value of the parameter `name` (lower case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every challenge of a `WWW-Authenticate` header, in order.
pub fn parse(header: &str) -> Vec<Challenge> {
    let mut reader = Reader {
        bytes: header.as_bytes(),
        at: 0,
    };
    let mut challenges = Vec::new();
    // Each challenge consumes at least its scheme's first byte, so this bounds the loop even if
    // the position arithmetic were wrong (a mutant must fail, not hang).
    for _ in 0..=header.len() {
        reader.skip_list_separators();
        if reader.peek().is_none() {
            break;
        }
        match reader.challenge() {
            Some(challenge) => challenges.push(challenge),
            None => break,
        }
    }
    challenges
}

/// The first challenge for `scheme` (compared case-insensitively), if the header offers one.
pub fn for_scheme(header: &str, scheme: &str) -> Option<Challenge> {
    parse(header)
        .into_iter()
        .find(|c| c.scheme.eq_ignore_ascii_case(scheme))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

/// RFC 9110 §5.6.2 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// RFC 9110 §11.2 `token68`'s characters before its trailing `=`s.
fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// The text from `start` to here; every boundary is an ASCII byte, so a character boundary.
    fn since(&self, start: usize) -> String {
        String::from_utf8_lossy(&self.bytes[start..self.at]).into_owned()
    }

    /// How many bytes from here satisfy `accept`, consumed.
    fn take_while(&mut self, accept: impl Fn(u8) -> bool) -> usize {
        let count = self.bytes[self.at..]
            .iter()
            .take_while(|b| accept(**b))
            .count();
        self.at += count;
        count
    }

    /// OWS / BWS (§5.6.3).
    fn skip_whitespace(&mut self) -> usize {
        self.take_while(|b| b == b' ' || b == b'\t')
    }

    /// Commas and whitespace between list elements; empty elements are allowed (§5.6.1).
    fn skip_list_separators(&mut self) {
        self.take_while(|b| b == b' ' || b == b'\t' || b == b',');
    }

    fn token(&mut self) -> Option<String> {
        let start = self.at;
        (self.take_while(is_tchar) > 0).then(|| self.since(start))
    }

    /// A challenge from its scheme; `None` if the text leaves the grammar.
    fn challenge(&mut self) -> Option<Challenge> {
        let mut challenge = Challenge {
            scheme: self.token()?,
            ..Challenge::default()
        };
        let spaces = self.skip_whitespace();
        if self.at_element_end() {
            return Some(challenge);
        }
        if spaces == 0 {
            return None;
        }
        let start = self.at;
        if let Some(token68) = self.token68() {
            challenge.token68 = Some(token68);
            return Some(challenge);
        }
        self.at = start;
        // Each parameter consumes at least `a=b`, so this bounds the loop whatever the arithmetic.
        for _ in 0..=self.bytes.len() {
            let before = self.at;
            let name = self.token()?;
            self.skip_whitespace();
            if self.peek() != Some(b'=') {
                // No `=`: this token is the next challenge's scheme.
                self.at = before;
                return Some(challenge);
            }
            self.at += 1;
            self.skip_whitespace();
            let value = self.value()?;
            challenge.params.push((name.to_ascii_lowercase(), value));
            self.skip_whitespace();
            if !self.at_element_end() {
                return None;
            }
            self.skip_list_separators();
            if self.peek().is_none() {
                return Some(challenge);
            }
        }
        None
    }

    /// At the end of a list element: the end of the header or a comma.
    fn at_element_end(&self) -> bool {
        matches!(self.peek(), None | Some(b','))
    }

    /// A `token68` standing alone as the challenge's only element.
    fn token68(&mut self) -> Option<String> {
        let start = self.at;
        if self.take_while(is_token68_char) == 0 {
            return None;
        }
        self.take_while(|b| b == b'=');
        let token68 = self.since(start);
        self.skip_whitespace();
        self.at_element_end().then_some(token68)
    }

    /// `token / quoted-string` (§5.6.4), unescaped.
    fn value(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return self.token();
        }
        self.at += 1;
        let mut out = Vec::new();
        // Each turn consumes a byte or two of what follows the opening quote.
        for _ in 0..self.bytes.len() {
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    // Only ASCII backslashes were left out, so the bytes are still UTF-8.
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    let escaped = *self.bytes.get(self.at + 1).filter(|b| is_text(**b))?;
                    out.push(escaped);
                    self.at += 2;
                }
                b if is_text(b) => {
                    out.push(b);
                    self.at += 1;
                }
                _ => return None,
            }
        }
        None
    }
}

/// What a quoted string may hold, as `qdtext` (besides `"` and `\`, which the reader takes
/// first) or escaped as a `quoted-pair` (§5.6.4): HTAB, SP, visible ASCII, and obs-text (the
/// bytes of non-ASCII characters, copied whole).
fn is_text(b: u8) -> bool {
    b == b'\t' || (0x20..=0x7e).contains(&b) || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(challenge: &Challenge) -> Vec<(&str, &str)> {
        challenge
            .params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn rfc_6750s_example_is_read() {
        let [c] = &parse(
            r#"Bearer realm="example", error="invalid_token", error_description="The access token expired""#,
        )[..] else {
            panic!("one challenge");
        };
        assert_eq!(c.scheme, "Bearer");
        assert_eq!(
            params(c),
            [
                ("realm", "example"),
                ("error", "invalid_token"),
                ("error_description", "The access token expired"),
            ]
        );
        assert_eq!(c.param("error"), Some("invalid_token"));
        assert_eq!(c.param("scope"), None);
    }

    #[test]
    fn rfc_9449s_two_challenges_are_told_apart() {
        let header = r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof", algs="ES256", Bearer realm="r", error=invalid_token"#;
        let challenges = parse(header);
        assert_eq!(challenges.len(), 2);
        assert_eq!(challenges[0].param("error"), Some("use_dpop_nonce"));
        assert_eq!(challenges[0].param("algs"), Some("ES256"));
        assert_eq!(challenges[1].scheme, "Bearer");
        assert_eq!(
            params(&challenges[1]),
            [("realm", "r"), ("error", "invalid_token")]
        );
        assert_eq!(
            for_scheme(header, "bearer").and_then(|c| c.param("error").map(str::to_owned)),
            Some("invalid_token".into())
        );
        assert_eq!(for_scheme(header, "basic"), None);
    }

    #[test]
    fn quoted_values_keep_commas_equals_and_escaped_quotes() {
        let c = for_scheme(
            r#"Bearer error_description="a, b=\"c\" \\ d", error="insufficient_scope""#,
            "Bearer",
        )
        .unwrap();
        assert_eq!(c.param("error_description"), Some(r#"a, b="c" \ d"#));
        assert_eq!(c.param("error"), Some("insufficient_scope"));
    }

    #[test]
    fn whitespace_around_equals_and_empty_list_elements_are_allowed() {
        let c = &parse(" ,Bearer error = x ,, scope=\t\"a b\" ,")[0];
        assert_eq!(params(c), [("error", "x"), ("scope", "a b")]);
    }

    #[test]
    fn names_are_case_insensitive_and_the_first_of_a_repeated_one_counts() {
        let c = &parse("BEARER Error=a, ERROR=b")[0];
        assert_eq!(c.scheme, "BEARER");
        assert_eq!(c.param("error"), Some("a"));
        assert!(for_scheme("BEARER Error=a", "bearer").is_some());
    }

    #[test]
    fn schemes_without_parameters_and_token68_are_challenges_too() {
        let challenges = parse("Negotiate, Basic YWxhZGRpbjpvcGVuc2VzYW1l==, DPoP algs=ES256");
        assert_eq!(
            challenges
                .iter()
                .map(|c| (c.scheme.as_str(), c.token68.as_deref()))
                .collect::<Vec<_>>(),
            [
                ("Negotiate", None),
                ("Basic", Some("YWxhZGRpbjpvcGVuc2VzYW1l==")),
                ("DPoP", None)
            ]
        );
        assert_eq!(challenges[2].param("algs"), Some("ES256"));
        assert_eq!(parse("Basic abc= ")[0].token68.as_deref(), Some("abc="));
        // `error=` alone is a token68, not a parameter without its value.
        let c = &parse("Bearer error=")[0];
        assert_eq!(
            (c.token68.as_deref(), c.param("error")),
            (Some("error="), None)
        );
        assert_eq!(parse("DPoP")[0].params, vec![]);
    }

    #[test]
    fn text_outside_the_grammar_drops_the_challenge_it_interrupts() {
        for (header, kept) in [
            (r#"DPoP error="a" Bearer"#, 0),
            ("Bearer a=b=c", 0),
            (r#"Bearer error="unterminated"#, 0),
            (r#"Bearer error="a\"#, 0),
            ("Bearer error=\"bad\u{1}\"", 0),
            ("Bearer error=\"\\\u{1}\"", 0),
            ("Bearer=x", 0),
            ("Basic abc==def", 0),
            ("Basic abc== def", 0),
            (r#"DPoP algs=ES256, Bearer error="a" "b""#, 1),
            ("DPoP algs=ES256, @", 0),
            ("DPoP algs=ES256, Bearer realm=r error=x", 1),
            ("Bearer error=\"é\"", 1),
        ] {
            assert_eq!(parse(header).len(), kept, "{header:?}");
        }
        assert_eq!(parse(""), vec![]);
        assert_eq!(parse(" , "), vec![]);
    }

    #[test]
    fn non_ascii_text_in_quotes_is_kept_whole() {
        let c = &parse("Bearer error_description=\"café \\é Ā\"")[0];
        assert_eq!(c.param("error_description"), Some("café é Ā"));
    }
}
