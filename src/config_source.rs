//! config.json as fetched: the file, no file, a web page served in its place, or no answer.
//! The front door fetches it (index.html preloads it) and hands what it got to the app, which
//! parses it again into the setup screen or a usable configuration.

use crate::browser::fetch::get;
use oauth::config::{AnyProblem, Problems};
use oauth::{ClientConfig, ConfigError};

/// What fetching config.json gave.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigSource {
    /// A 2xx answer that is not a web page: the file's text, not yet parsed.
    Found(String),
    /// A 404: no config.json; Google's endpoints are assumed.
    Missing,
    /// A web page came back in its place: a server that answers every path it has no file for
    /// with index.html (a single-page app's fallback, as `trunk serve` does) has no config.json.
    PageInstead {
        /// The answer's `Content-Type`, if it had one.
        content_type: Option<String>,
    },
    /// No answer, or another status: why, in words (the browser's reason, or `HTTP 500`).
    Unreadable(String),
}

impl ConfigSource {
    /// Fetches `config.json` beside the page; every outcome is a value, never an error.
    pub async fn fetch() -> Self {
        // Relative, so the app works from any sub-path it is deployed under; same-origin
        // credentials, as index.html's preload of it asks, so the preloaded answer is used.
        match get("config.json", &["content-type"]).await {
            Ok(answer) => {
                let content_type = answer.header("content-type");
                ConfigSource::from_answer(answer.status, content_type, answer.text.clone())
            }
            Err(reason) => ConfigSource::Unreadable(reason),
        }
    }

    /// Is this answer to `GET config.json` the file, or a page served in its place? No JSON text
    /// starts with `<`; an HTML content type counts too, unless the body is a JSON object (a host
    /// that labels config.json wrongly still serves it).
    pub fn from_answer(status: u16, content_type: Option<&str>, body: String) -> Self {
        match status {
            404 => ConfigSource::Missing,
            200..=299 => {
                let start = body.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
                let labelled_html = content_type.is_some_and(is_html);
                if start.starts_with('<') || (labelled_html && !start.starts_with('{')) {
                    ConfigSource::PageInstead {
                        content_type: content_type.map(str::to_owned),
                    }
                } else {
                    ConfigSource::Found(body)
                }
            }
            _ => ConfigSource::Unreadable(format!("HTTP {status}")),
        }
    }

    /// The configuration to run with, or every problem found in it (the setup screen lists
    /// them). With no file, Google's endpoints and `pasted_client_id`, the one the person
    /// pasted on the setup screen.
    pub fn parse(&self, pasted_client_id: Option<&str>) -> Result<ClientConfig, Vec<ConfigError>> {
        self.read(pasted_client_id, Vec::new())
    }

    fn read<P: Problems>(
        &self,
        pasted_client_id: Option<&str>,
        mut problems: P,
    ) -> Result<ClientConfig, P> {
        let absent = |problems, why| absent(pasted_client_id, problems, why);
        match self {
            ConfigSource::Found(text) => ClientConfig::read(text, pasted_client_id, problems),
            ConfigSource::Missing => absent(problems, Why::NotFound),
            ConfigSource::PageInstead { content_type } => absent(problems, Why::Page(content_type)),

            ConfigSource::Unreadable(reason) => {
                problems.add("config.json", || format!("could not be loaded ({reason})"));
                Err(problems)
            }
        }
    }
}

/// Why no config.json was read.
enum Why<'a> {
    NotFound,
    Page(&'a Option<String>),
}

impl Why<'_> {
    fn message(&self) -> String {
        let Why::Page(content_type) = self else {
            return "was not found beside index.html; Google's endpoints are assumed".into();
        };
        let evidence = match content_type {
            Some(content_type) if is_html(content_type) => format!("Content-Type: {content_type}"),
            _ => "it starts with \"<\", which no JSON does".into(),
        };
        format!(
            "was not found beside index.html: the server sent a web page in its place \
             ({evidence}), as trunk serve and other single-page-app servers answer any \
             path they have no file for with index.html; Google's endpoints are assumed"
        )
    }
}

/// No file: Google's endpoints, with the pasted client id if there is one; if that is not
/// enough, the file's absence is said first.
fn absent<P: Problems>(pasted: Option<&str>, mut problems: P, why: Why) -> Result<ClientConfig, P> {
    if let Ok(config) = ClientConfig::fallback(pasted, AnyProblem::default()) {
        return Ok(config);
    }
    problems.add("config.json", || why.message());
    ClientConfig::fallback(pasted, problems)
}

/// `text/html` or XHTML, whatever parameters follow (`; charset=utf-8`).
fn is_html(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/html")
        || essence.eq_ignore_ascii_case("application/xhtml+xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX_HTML: &str = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\" />";

    fn source(status: u16, content_type: Option<&str>, body: &str) -> ConfigSource {
        ConfigSource::from_answer(status, content_type, body.to_owned())
    }

    #[test]
    fn trunk_serves_index_html_for_a_missing_config_json() {
        // What `trunk serve` answers for /config.json when there is none: 200, its index.html.
        assert_eq!(
            source(200, Some("text/html"), INDEX_HTML),
            ConfigSource::PageInstead {
                content_type: Some("text/html".into())
            }
        );
    }

    #[test]
    fn a_page_is_recognised_by_its_body_whatever_its_label() {
        for content_type in [None, Some("application/json"), Some("text/plain")] {
            assert_eq!(
                source(
                    200,
                    content_type,
                    "\u{feff}\n  <html><body>not found</body></html>"
                ),
                ConfigSource::PageInstead {
                    content_type: content_type.map(str::to_owned)
                },
                "{content_type:?}"
            );
        }
    }

    #[test]
    fn an_html_label_on_anything_but_an_object_is_a_page() {
        assert!(matches!(
            source(200, Some("TEXT/HTML; charset=utf-8"), "Not found"),
            ConfigSource::PageInstead { .. }
        ));
        assert!(matches!(
            source(200, Some("application/xhtml+xml"), ""),
            ConfigSource::PageInstead { .. }
        ));
    }

    #[test]
    fn a_json_object_is_the_config_even_when_labelled_html() {
        let body = r#" {"client_id": "x"}"#;
        for content_type in [Some("application/json"), None, Some("text/html")] {
            assert_eq!(
                source(200, content_type, body),
                ConfigSource::Found(body.into())
            );
        }
    }

    #[test]
    fn broken_json_is_still_the_file_and_reported_as_json() {
        // Not a page: the parser's own message, naming the byte, is the right one here.
        assert_eq!(
            source(200, Some("application/json"), "{ this is not json"),
            ConfigSource::Found("{ this is not json".into())
        );
    }

    #[test]
    fn not_found_and_other_statuses() {
        assert_eq!(
            source(404, Some("text/html"), INDEX_HTML),
            ConfigSource::Missing
        );
        assert_eq!(
            source(500, Some("text/html"), INDEX_HTML),
            ConfigSource::Unreadable("HTTP 500".into())
        );
    }

    #[test]
    fn a_page_in_its_place_is_reported_as_not_found_and_why() {
        let errors = source(200, Some("text/html"), INDEX_HTML)
            .parse(None)
            .unwrap_err();
        assert_eq!(errors[0].field, "config.json");
        let message = &errors[0].message;
        assert!(message.starts_with("was not found"), "{message}");
        assert!(message.contains("Content-Type: text/html"), "{message}");
        assert!(message.contains("trunk serve"), "{message}");
        assert!(!message.contains("JSON"), "{message}");
        // As with no file at all, the rest of the setup still applies: a client id is missing.
        assert!(errors.iter().any(|e| e.field == "client_id"), "{errors:?}");
    }

    #[test]
    fn a_pasted_client_id_works_when_a_page_came_instead() {
        let config = source(200, Some("text/html"), INDEX_HTML)
            .parse(Some("1234-abc.apps.googleusercontent.com"))
            .expect("Google's endpoints and the pasted client id");
        assert_eq!(config.client_id, "1234-abc.apps.googleusercontent.com");
    }
}
