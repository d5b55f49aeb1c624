//! API calls a feature makes through the host ([`seam::host::Host::call`]: the host adds the
//! token, retries and records), decoded from JSON, and Google's lists followed page by page
//! within [`PageCursor`]'s bounds.

use oauth::api::{ApiError, Method};
use oauth::json::{object_of, FieldError, FromJson, Json};
use oauth::paging::{Next, PageCursor};
use seam::host::Host;

/// [`Host::api`], then the answer decoded from JSON.
pub async fn call_json<T: FromJson>(
    host: &Host,
    method: Method,
    url: &str,
    body: Option<String>,
) -> Result<T, ApiError> {
    decode(&host.api(method, url, body).await?)
}

/// Every item of a Google list, following `nextPageToken` within [`PageCursor`]'s bounds.
/// `page_url` gives the URL of a page from its token (`None` for the first).
pub async fn list_all<T: FromJson>(
    host: &Host,
    page_url: impl Fn(Option<&str>) -> String,
) -> Result<Listing<T>, ApiError> {
    let mut cursor = PageCursor::default();
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page: Page<T> = call_json(host, Method::Get, &page_url(token.as_deref()), None).await?;
        items.extend(page.items);
        match cursor.advance(page.next_page_token.as_deref())? {
            Next::Fetch(next) => token = Some(next),
            Next::Done => {
                return Ok(Listing {
                    items,
                    complete: cursor.is_complete(),
                })
            }
        }
    }
}

/// All the items of a list, and whether the page budget let every page be fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub complete: bool,
}

/// One page of a Google list. Google leaves `items` out of an empty page.
struct Page<T> {
    items: Vec<T>,
    next_page_token: Option<String>,
}

impl<T: FromJson> FromJson for Page<T> {
    fn from_json(value: &Json) -> Result<Self, FieldError> {
        let o = object_of(value, "page")?;
        Ok(Page {
            items: o.list("items")?.unwrap_or_default(),
            next_page_token: o.string("nextPageToken")?,
        })
    }
}

pub fn decode<T: FromJson>(text: &str) -> Result<T, ApiError> {
    let value = Json::parse(text).map_err(|e| ApiError::Malformed(e.to_string()))?;
    T::from_json(&value).map_err(|e| ApiError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_page_has_no_items_and_no_token() {
        let page: Page<u32> = decode(r#"{"kind":"tasks#tasks","etag":"\"1\""}"#).unwrap();
        assert!(page.items.is_empty());
        assert_eq!(page.next_page_token, None);
        let page: Page<u32> = decode(r#"{"items":[1,2],"nextPageToken":"EAE2"}"#).unwrap();
        assert_eq!(
            (page.items, page.next_page_token.as_deref()),
            (vec![1, 2], Some("EAE2"))
        );
    }

    #[test]
    fn undecodable_answers_are_malformed() {
        assert!(matches!(
            decode::<Page<u32>>("<html>"),
            Err(ApiError::Malformed(_))
        ));
        assert!(matches!(
            decode::<Page<u32>>(r#"{"items":"no"}"#),
            Err(ApiError::Malformed(_))
        ));
    }
}
