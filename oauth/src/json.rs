//! A small, strict JSON reader and writer (RFC 8259), in place of serde and serde_json: the page's
//! wasm has a size budget, and serde_json with the derived visitors cost it about a tenth of its
//! bytes for the handful of flat objects this crate reads (config.json, token info, user info)
//! and the two it keeps in sessionStorage.
//!
//! Stricter than serde_json's `Value` where it matters here: a name repeated in one object is an
//! error (two different `aud` values must never be read two ways), and nesting deeper than
//! [`MAX_DEPTH`] is refused rather than recursed into.

use std::fmt::Write;

/// How deep arrays and objects may nest; serde_json's own limit is 128.
pub const MAX_DEPTH: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number as written (already checked against the grammar), so integers read exactly.
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in document order; names are unique.
    Object(Vec<(String, Json)>),
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{problem} at byte {offset}")]
pub struct JsonError {
    pub offset: usize,
    pub problem: &'static str,
}

/// A field of an object that is present but of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` {expected}")]
pub struct FieldError {
    pub field: &'static str,
    pub expected: &'static str,
}

/// What reading a typed object from JSON text can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("not JSON: {0}")]
    Syntax(#[from] JsonError),
    #[error("not an object")]
    NotAnObject,
    #[error("{0}")]
    Field(#[from] FieldError),
}

impl Json {
    pub fn parse(text: &str) -> Result<Json, JsonError> {
        let mut parser = Parser {
            text,
            at: 0,
            depth: 0,
        };
        let value = parser.value()?;
        parser.skip_whitespace();
        if parser.at != text.len() {
            return Err(parser.error("trailing characters"));
        }
        Ok(value)
    }

    /// Parses text that must be an object: the shape of every document this crate reads.
    pub fn parse_object(text: &str) -> Result<Object, ReadError> {
        match Json::parse(text)? {
            Json::Object(members) => Ok(Object(members)),
            _ => Err(ReadError::NotAnObject),
        }
    }

    /// Compact JSON text, escaped as serde_json escapes it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None);
        out
    }

    /// JSON text indented by two spaces, one member or item a line (serde_json's pretty form).
    pub fn to_pretty_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(0));
        out
    }

    fn write(&self, out: &mut String, indent: Option<usize>) {
        let line = |out: &mut String, depth: usize| {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(out, s),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if let Some(depth) = indent {
                        line(out, depth + 1);
                    }
                    item.write(out, indent.map(|d| d + 1));
                }
                if let Some(depth) = indent {
                    line(out, depth);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (name, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if let Some(depth) = indent {
                        line(out, depth + 1);
                    }
                    write_string(out, name);
                    out.push_str(if indent.is_some() { ": " } else { ":" });
                    value.write(out, indent.map(|d| d + 1));
                }
                if let Some(depth) = indent {
                    line(out, depth);
                }
                out.push('}');
            }
        }
    }

    /// An object from `(name, value)` pairs, in that order.
    pub fn object<'n>(members: impl IntoIterator<Item = (&'n str, Json)>) -> Json {
        Json::Object(
            members
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v))
                .collect(),
        )
    }

    pub fn string(s: &str) -> Json {
        Json::String(s.to_owned())
    }

    /// A string, or `null` for `None`.
    pub fn optional(s: Option<&str>) -> Json {
        s.map_or(Json::Null, Json::string)
    }

    pub fn integer(n: impl Into<i128>) -> Json {
        Json::Number(n.into().to_string())
    }

    pub fn as_array(&self) -> Option<&[Json]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// A member of an object (`None` for anything else).
    pub fn get(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// `[["name", "value"], …]`: string pairs (headers, a record's secrets) in their order.
    pub fn pairs(pairs: &[(String, String)]) -> Json {
        Json::Array(
            pairs
                .iter()
                .map(|(a, b)| Json::Array(vec![Json::string(a), Json::string(b)]))
                .collect(),
        )
    }

    /// What [`Json::pairs`] wrote; `None` for anything else.
    pub fn as_pairs(&self) -> Option<Vec<(String, String)>> {
        self.as_array()?
            .iter()
            .map(|pair| match pair.as_array()? {
                [a, b] => Some((a.as_str()?.to_owned(), b.as_str()?.to_owned())),
                _ => None,
            })
            .collect()
    }

    /// An integer written without fraction or exponent that fits in `T`.
    pub fn as_integer<T: Integer>(&self) -> Option<T> {
        match self {
            // An integer type's `FromStr` refuses a fraction and an exponent itself.
            Json::Number(n) => n.parse().ok(),
            _ => None,
        }
    }
}

/// The types [`Json::as_integer`] reads: integers only, so "1.5" and "1e3" are never read as
/// numbers of another kind.
pub trait Integer: std::str::FromStr {}

macro_rules! integers {
    ($($t:ty),*) => { $(impl Integer for $t {})* };
}
integers!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);

/// The members of a JSON object, read by name with the types this crate expects. A member that is
/// absent or `null` reads as `None`; one of another type is a [`FieldError`], as serde's derived
/// `Option<T>` fields behave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object(Vec<(String, Json)>);

impl Object {
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .filter(|v| **v != Json::Null)
    }

    /// The object's members as they were parsed.
    pub fn from_members(value: Json) -> Option<Object> {
        match value {
            Json::Object(members) => Some(Object(members)),
            _ => None,
        }
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }

    pub fn string(&self, field: &'static str) -> Result<Option<String>, FieldError> {
        self.typed(field, "must be a string", |v| v.as_str().map(str::to_owned))
    }

    pub fn bool(&self, field: &'static str) -> Result<Option<bool>, FieldError> {
        self.typed(field, "must be true or false", |v| match v {
            Json::Bool(b) => Some(*b),
            _ => None,
        })
    }

    pub fn integer<T: Integer>(&self, field: &'static str) -> Result<Option<T>, FieldError> {
        self.typed(field, "must be a whole number in range", Json::as_integer)
    }

    pub fn strings(&self, field: &'static str) -> Result<Option<Vec<String>>, FieldError> {
        self.typed(field, "must be a list of strings", |v| match v {
            Json::Array(items) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect(),
            _ => None,
        })
    }

    pub fn required<T>(field: &'static str, value: Option<T>) -> Result<T, FieldError> {
        value.ok_or(FieldError {
            field,
            expected: "is missing",
        })
    }

    fn typed<T>(
        &self,
        field: &'static str,
        expected: &'static str,
        read: impl Fn(&Json) -> Option<T>,
    ) -> Result<Option<T>, FieldError> {
        match self.get(field) {
            None => Ok(None),
            Some(value) => read(value).map(Some).ok_or(FieldError { field, expected }),
        }
    }
}

/// A type read from a JSON value (an API's answer, or part of one).
pub trait FromJson: Sized {
    fn from_json(value: &Json) -> Result<Self, FieldError>;
}

/// An object's members, for [`FromJson`] implementations; anything else is `what` mistyped.
pub fn object_of(value: &Json, what: &'static str) -> Result<Object, FieldError> {
    Object::from_members(value.clone()).ok_or(FieldError {
        field: what,
        expected: "must be an object",
    })
}

impl FromJson for String {
    fn from_json(value: &Json) -> Result<Self, FieldError> {
        value.as_str().map(str::to_owned).ok_or(FieldError {
            field: "value",
            expected: "must be a string",
        })
    }
}

impl FromJson for u32 {
    fn from_json(value: &Json) -> Result<Self, FieldError> {
        value.as_integer().ok_or(FieldError {
            field: "value",
            expected: "must be a whole number in range",
        })
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Json) -> Result<Self, FieldError> {
        value
            .as_array()
            .ok_or(FieldError {
                field: "list",
                expected: "must be a list",
            })?
            .iter()
            .map(T::from_json)
            .collect()
    }
}

impl Object {
    /// A member read as `T`; absent or `null` is `None`.
    pub fn typed_value<T: FromJson>(&self, field: &'static str) -> Result<Option<T>, FieldError> {
        self.get(field).map(T::from_json).transpose()
    }

    /// A list member read item by item as `T`; absent or `null` is `None`.
    pub fn list<T: FromJson>(&self, field: &'static str) -> Result<Option<Vec<T>>, FieldError> {
        let Some(value) = self.get(field) else {
            return Ok(None);
        };
        let items = value.as_array().ok_or(FieldError {
            field,
            expected: "must be a list",
        })?;
        items
            .iter()
            .map(T::from_json)
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, problem: &'static str) -> JsonError {
        JsonError {
            offset: self.at,
            problem,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// Consumes the bytes from here that satisfy `accept`. Every loop of the reader is bounded
    /// by the text's length rather than by its position arithmetic, so that no wrong step (a
    /// mutant's `+=` made `*=`) can make it spin forever: it fails instead.
    fn take_while(&mut self, accept: impl Fn(u8) -> bool) {
        let rest = self.text.as_bytes().get(self.at..).unwrap_or_default();
        self.at += rest.iter().take_while(|b| accept(**b)).count();
    }

    fn skip_whitespace(&mut self) {
        self.take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    }

    /// Consumes `byte` after any whitespace, or fails with `problem`.
    fn expect(&mut self, byte: u8, problem: &'static str) -> Result<(), JsonError> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(problem))
        }
    }

    fn value(&mut self) -> Result<Json, JsonError> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.nested(Parser::object),
            Some(b'[') => self.nested(Parser::array),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("unexpected end of text")),
        }
    }

    fn nested(
        &mut self,
        read: fn(&mut Self) -> Result<Json, JsonError>,
    ) -> Result<Json, JsonError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.depth += 1;
        self.at += 1; // the opening bracket
        let value = read(self);
        self.depth -= 1;
        value
    }

    fn object(&mut self) -> Result<Json, JsonError> {
        let mut members: Vec<(String, Json)> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Json::Object(members));
        }
        // Each member takes at least `"":0` (four bytes), so the text's length bounds the turns.
        for _ in 0..self.text.len() {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a member name"));
            }
            let name_at = self.at;
            let name = self.string()?;
            if members.iter().any(|(n, _)| *n == name) {
                return Err(JsonError {
                    offset: name_at,
                    problem: "a member name appears twice",
                });
            }
            self.expect(b':', "expected `:`")?;
            let value = self.value()?;
            members.push((name, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
        Err(self.error("unexpected end of text"))
    }

    fn array(&mut self) -> Result<Json, JsonError> {
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Json::Array(items));
        }
        // Each item takes at least one byte.
        for _ in 0..self.text.len() {
            items.push(self.value()?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
        Err(self.error("unexpected end of text"))
    }

    fn literal(&mut self, word: &'static str, value: Json) -> Result<Json, JsonError> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.required_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.required_digits()?;
        }
        Ok(Json::Number(self.text[start..self.at].to_owned()))
    }

    fn digits(&mut self) {
        self.take_while(|b| b.is_ascii_digit());
    }

    fn required_digits(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("expected a digit"));
        }
        self.digits();
        Ok(())
    }

    /// A string, from its opening quote. Runs without escapes are copied whole; every boundary
    /// sliced at is an ASCII byte, so always a character boundary.
    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1; // the opening quote
        let mut out = String::new();
        let mut run = self.at;
        // Each turn takes at least one byte.
        for _ in 0..self.text.len() {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    out.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    out.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    self.escape(&mut out)?;
                    run = self.at;
                }
                Some(0x00..=0x1f) => return Err(self.error("control character in a string")),
                Some(_) => self.at += 1,
            }
        }
        Err(self.error("unterminated string"))
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("unterminated string"));
        };
        self.at += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if !self.text[self.at..].starts_with("\\u") {
                            return Err(self.error("lone surrogate in a \\u escape"));
                        }
                        self.at += 2;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(self.error("lone surrogate in a \\u escape"));
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.error("lone surrogate in a \\u escape")),
                    _ => first,
                };
                char::from_u32(code).ok_or_else(|| self.error("invalid \\u escape"))?
            }
            _ => return Err(self.error("invalid escape")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\u escape"))?;
        self.at += 4;
        u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))
    }
}

/// Writes a JSON object member by member: for the records kept in sessionStorage.
pub struct ObjectWriter {
    out: String,
}

impl Default for ObjectWriter {
    fn default() -> Self {
        ObjectWriter {
            out: String::from("{"),
        }
    }
}

impl ObjectWriter {
    fn name(&mut self, name: &str) {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        write_string(&mut self.out, name);
        self.out.push(':');
    }

    pub fn string(mut self, name: &str, value: Option<&str>) -> Self {
        self.name(name);
        match value {
            Some(v) => write_string(&mut self.out, v),
            None => self.out.push_str("null"),
        }
        self
    }

    pub fn bool(mut self, name: &str, value: bool) -> Self {
        self.name(name);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    pub fn integer(mut self, name: &str, value: u64) -> Self {
        self.name(name);
        let _ = write!(self.out, "{value}");
        self
    }

    pub fn strings<'s>(mut self, name: &str, values: impl IntoIterator<Item = &'s str>) -> Self {
        self.name(name);
        self.out.push('[');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            write_string(&mut self.out, v);
        }
        self.out.push(']');
        self
    }

    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(text: &str) -> Object {
        Json::parse_object(text).unwrap()
    }

    #[test]
    fn a_token_info_document_is_read() {
        let o = obj(
            r#" {"aud":"a.apps","expires_in":"3599","exp":1700003599,"email_verified":true,"x":null} "#,
        );
        assert_eq!(o.string("aud"), Ok(Some("a.apps".into())));
        assert_eq!(o.string("expires_in"), Ok(Some("3599".into())));
        assert_eq!(o.integer::<i64>("exp"), Ok(Some(1_700_003_599)));
        assert_eq!(o.bool("email_verified"), Ok(Some(true)));
        assert_eq!(o.string("x"), Ok(None), "null reads as absent");
        assert_eq!(o.string("missing"), Ok(None));
    }

    #[test]
    fn a_field_of_the_wrong_type_is_an_error_naming_it() {
        let o = obj(r#"{"aud":5,"exp":1.5,"scopes":["a",1]}"#);
        assert_eq!(o.string("aud").unwrap_err().field, "aud");
        assert!(
            o.integer::<i64>("exp").is_err(),
            "a fraction is not an integer"
        );
        assert!(o.strings("scopes").is_err());
    }

    #[test]
    fn a_repeated_name_is_refused() {
        let e = Json::parse(r#"{"aud":"ours","aud":"theirs"}"#).unwrap_err();
        assert_eq!(e.problem, "a member name appears twice");
        assert_eq!(e.offset, 14);
    }

    #[test]
    fn escapes_and_surrogate_pairs_are_decoded() {
        let v = Json::parse(r#""a\"b\\c\/\n\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(v.as_str(), Some("a\"b\\c/\né😀"));
        assert!(Json::parse(r#""\ud83d""#).is_err(), "a lone high surrogate");
        assert!(Json::parse(r#""\ude00""#).is_err(), "a lone low surrogate");
        assert!(
            Json::parse("\"tab\there\"").is_err(),
            "a raw control character"
        );
    }

    #[test]
    fn malformed_documents_are_refused() {
        for bad in [
            "",
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "01",
            "-",
            "1.",
            "1e",
            "tru",
            "{} x",
            "{'a':1}",
            "\"unterminated",
            "NaN",
        ] {
            assert!(Json::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn values_are_written_compact_and_pretty() {
        let v = Json::object([
            ("a", Json::Array(vec![Json::integer(1u8), Json::Null])),
            ("b", Json::optional(Some("x\"y"))),
            ("c", Json::Object(Vec::new())),
        ]);
        assert_eq!(v.to_text(), r#"{"a":[1,null],"b":"x\"y","c":{}}"#);
        assert_eq!(
            v.to_pretty_text(),
            "{\n  \"a\": [\n    1,\n    null\n  ],\n  \"b\": \"x\\\"y\",\n  \"c\": {}\n}"
        );
        assert_eq!(Json::parse(&v.to_pretty_text()), Ok(v));
    }

    #[test]
    fn string_pairs_read_back_in_order_and_nothing_else_reads_as_pairs() {
        let pairs = vec![
            ("b".to_owned(), "1".to_owned()),
            ("a".to_owned(), String::new()),
        ];
        let text = Json::pairs(&pairs).to_text();
        assert_eq!(text, r#"[["b","1"],["a",""]]"#);
        assert_eq!(Json::parse(&text).unwrap().as_pairs(), Some(pairs));
        assert_eq!(Json::pairs(&[]).as_pairs(), Some(vec![]));
        for not in [
            r#"[["a"]]"#,
            r#"[["a",1]]"#,
            r#"{"a":"b"}"#,
            r#"[["a","b","c"]]"#,
        ] {
            assert_eq!(Json::parse(not).unwrap().as_pairs(), None, "{not}");
        }
    }

    #[test]
    fn nesting_is_limited() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(Json::parse(&deep).unwrap_err().problem, "nested too deeply");
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Json::parse(&ok).is_ok());
    }

    #[test]
    fn fractions_and_exponents_are_not_integers() {
        for text in ["1.0", "1e3", "1E3", "-0.5"] {
            assert_eq!(
                Json::parse(text).unwrap().as_integer::<i64>(),
                None,
                "{text}"
            );
        }
        assert_eq!(Json::parse("-12").unwrap().as_integer::<i64>(), Some(-12));
        assert_eq!(
            Json::parse("300").unwrap().as_integer::<u8>(),
            None,
            "out of range"
        );
    }

    #[test]
    fn every_escape_is_decoded() {
        let v = Json::parse(r#""\b\f\n\r\t\"\\\/\u0041""#).unwrap();
        assert_eq!(v.as_str(), Some("\u{8}\u{c}\n\r\t\"\\/A"));
        assert_eq!(
            Json::parse(r#""\x""#).unwrap_err().problem,
            "invalid escape"
        );
    }

    #[test]
    fn each_lone_surrogate_is_named_as_one() {
        for text in [
            r#""\ude00""#,
            r#""\ud83d""#,
            r#""\ud83dx""#,
            r#""\ud83d\u0041""#,
        ] {
            assert_eq!(
                Json::parse(text).unwrap_err().problem,
                "lone surrogate in a \\u escape",
                "{text}"
            );
        }
    }

    #[test]
    fn only_control_characters_are_written_as_u_escapes() {
        assert_eq!(
            Json::string("a b\u{1f}\u{7f}é").to_text(),
            "\"a b\\u001f\u{7f}é\""
        );
    }

    #[test]
    fn nested_values_are_indented_by_their_depth() {
        let v = Json::Array(vec![
            Json::Array(vec![Json::Null]),
            Json::object([("a", Json::Array(Vec::new()))]),
        ]);
        assert_eq!(
            v.to_pretty_text(),
            "[\n  [\n    null\n  ],\n  {\n    \"a\": []\n  }\n]"
        );
        assert_eq!(v.to_text(), r#"[[null],{"a":[]}]"#);
    }

    #[test]
    fn the_depth_limit_counts_nesting_not_siblings() {
        let siblings = format!("[{}[]]", "[],".repeat(2 * MAX_DEPTH));
        assert!(Json::parse(&siblings).is_ok());
        let members = format!(
            "{{{}\"z\":{{}}}}",
            (0..2 * MAX_DEPTH)
                .map(|i| format!("\"{i}\":{{}},"))
                .collect::<String>()
        );
        assert!(Json::parse(&members).is_ok());
    }

    #[test]
    fn typed_readers_read_their_type_and_name_what_is_wrong() {
        let o = obj(r#"{"n":7,"s":"x","list":[1,2],"strings":["a"],"bad":["a",1],"nil":null}"#);
        assert_eq!(o.typed_value::<u32>("n"), Ok(Some(7)));
        assert_eq!(o.typed_value::<String>("s"), Ok(Some("x".into())));
        assert_eq!(o.typed_value::<Vec<u32>>("list"), Ok(Some(vec![1, 2])));
        assert_eq!(o.typed_value::<u32>("nil"), Ok(None));
        assert_eq!(o.typed_value::<u32>("absent"), Ok(None));
        assert_eq!(
            o.typed_value::<u32>("s").unwrap_err().expected,
            "must be a whole number in range"
        );
        assert_eq!(
            o.typed_value::<String>("n").unwrap_err().expected,
            "must be a string"
        );
        assert_eq!(
            o.typed_value::<Vec<u32>>("n").unwrap_err(),
            FieldError {
                field: "list",
                expected: "must be a list"
            }
        );
        assert_eq!(o.list::<u32>("list"), Ok(Some(vec![1, 2])));
        assert_eq!(o.list::<String>("strings"), Ok(Some(vec!["a".into()])));
        assert_eq!(o.list::<u32>("absent"), Ok(None));
        assert_eq!(
            o.list::<u32>("n"),
            Err(FieldError {
                field: "n",
                expected: "must be a list"
            })
        );
        assert!(o.list::<String>("bad").is_err(), "one item of another type");
    }

    #[test]
    fn object_of_takes_an_object_only() {
        let value = Json::parse(r#"{"a":1}"#).unwrap();
        assert_eq!(
            object_of(&value, "page").unwrap().integer::<u8>("a"),
            Ok(Some(1))
        );
        assert_eq!(
            object_of(&Json::Array(Vec::new()), "page"),
            Err(FieldError {
                field: "page",
                expected: "must be an object"
            })
        );
    }

    #[test]
    fn what_is_written_reads_back() {
        let text = ObjectWriter::default()
            .string("token", Some("a\"\\\n\u{1}é"))
            .string("email", None)
            .integer("at", u64::MAX)
            .strings("scopes", ["openid", "email"])
            .finish();
        let o = obj(&text);
        assert_eq!(o.string("token"), Ok(Some("a\"\\\n\u{1}é".into())));
        assert_eq!(o.string("email"), Ok(None));
        assert_eq!(o.integer::<u64>("at"), Ok(Some(u64::MAX)));
        assert_eq!(
            o.strings("scopes"),
            Ok(Some(vec!["openid".into(), "email".into()]))
        );
    }
}
