//! Walking a Google list through `nextPageToken`, bounded: a server that hands back a token it
//! already gave (a loop) is an error, and a list longer than the page budget stops there and
//! says so rather than fetching forever.

use crate::api::ApiError;

/// Pages fetched at most for one list. With 100 items a page that is 5,000 tasks.
pub const MAX_PAGES: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageCursor {
    seen: Vec<String>,
    max_pages: usize,
    pages: usize,
    truncated: bool,
}

/// What to do after a page arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Fetch again with this `pageToken`.
    Fetch(String),
    /// That was the last page (or the page budget is spent: see [`PageCursor::is_complete`]).
    Done,
}

impl Default for PageCursor {
    fn default() -> Self {
        PageCursor::new(MAX_PAGES)
    }
}

impl PageCursor {
    pub fn new(max_pages: usize) -> Self {
        PageCursor {
            seen: Vec::new(),
            max_pages: max_pages.max(1),
            pages: 0,
            truncated: false,
        }
    }

    /// Records one page and its `nextPageToken` (absent or empty on the last page).
    pub fn advance(&mut self, next_page_token: Option<&str>) -> Result<Next, ApiError> {
        self.pages += 1;
        let Some(token) = next_page_token.filter(|t| !t.is_empty()) else {
            return Ok(Next::Done);
        };
        if self.seen.iter().any(|t| t == token) {
            return Err(ApiError::Malformed(
                "the server repeated a page token, so its list would never end".into(),
            ));
        }
        if self.pages >= self.max_pages {
            self.truncated = true;
            return Ok(Next::Done);
        }
        self.seen.push(token.to_owned());
        Ok(Next::Fetch(token.to_owned()))
    }

    /// False when the list had more pages than the budget allowed.
    pub fn is_complete(&self) -> bool {
        !self.truncated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_followed_until_there_is_no_token() {
        let mut c = PageCursor::default();
        assert_eq!(c.advance(Some("p2")), Ok(Next::Fetch("p2".into())));
        assert_eq!(c.advance(Some("p3")), Ok(Next::Fetch("p3".into())));
        assert_eq!(c.advance(None), Ok(Next::Done));
        assert!(c.is_complete());
    }

    #[test]
    fn an_empty_token_ends_the_list() {
        let mut c = PageCursor::default();
        assert_eq!(c.advance(Some("")), Ok(Next::Done));
    }

    #[test]
    fn a_repeated_token_is_an_error() {
        let mut c = PageCursor::default();
        c.advance(Some("a")).unwrap();
        assert!(matches!(c.advance(Some("a")), Err(ApiError::Malformed(_))));
    }

    #[test]
    fn the_page_budget_stops_the_walk_and_says_so() {
        let mut c = PageCursor::new(2);
        assert_eq!(c.advance(Some("a")), Ok(Next::Fetch("a".into())));
        assert_eq!(c.advance(Some("b")), Ok(Next::Done));
        assert!(!c.is_complete());
    }
}
