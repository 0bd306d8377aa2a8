//! Keyset pages of the console's lists: a page starts after or before a row, named by its
//! id in the URL (`?after=` / `?before=`), so that any page costs one index range, a
//! link stays on the same rows while others are added, and paging works without
//! JavaScript (the links are plain anchors).

use serde::{Deserialize, Serialize};

/// Rows on a page of a console list.
pub const PAGE_ROWS: usize = 50;

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageAt {
    /// The top of the list.
    First,
    /// Just after this row, going down the list.
    After(String),
    /// Just before this row, going up the list.
    Before(String),
}

/// The longest row id a cursor may name (ids are far shorter).
const MAX_CURSOR_CHARS: usize = 64;

impl PageAt {
    /// From the URL's `after` and `before` (`after` wins; an empty or oversized one is the top).
    pub fn from_query(after: Option<&str>, before: Option<&str>) -> PageAt {
        let usable = |s: Option<&str>| {
            s.map(str::trim)
                .filter(|s| !s.is_empty() && s.len() <= MAX_CURSOR_CHARS)
                .map(str::to_owned)
        };
        match (usable(after), usable(before)) {
            (Some(id), _) => PageAt::After(id),
            (None, Some(id)) => PageAt::Before(id),
            (None, None) => PageAt::First,
        }
    }

    /// The URL's (`after`, `before`) for this start: what a list's server function takes.
    pub fn into_query(self) -> (Option<String>, Option<String>) {
        match self {
            PageAt::First => (None, None),
            PageAt::After(id) => (Some(id), None),
            PageAt::Before(id) => (None, Some(id)),
        }
    }

    /// `base` (a list's URL, which may hold a query) on this page.
    pub fn on(&self, base: &str) -> String {
        match self {
            PageAt::First => base.to_owned(),
            PageAt::After(id) => with_param(base, "after", id),
            PageAt::Before(id) => with_param(base, "before", id),
        }
    }

    /// The row a page starts from, if any.
    pub fn cursor(&self) -> Option<&str> {
        match self {
            PageAt::First => None,
            PageAt::After(id) | PageAt::Before(id) => Some(id),
        }
    }

    /// Whether rows are read up the list (a `before` page reads backwards from its cursor).
    pub fn reads_backwards(&self) -> bool {
        matches!(self, PageAt::Before(_))
    }
}

/// The neighbours of a page: the row ids the "Previous" and "Next" links start from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neighbours {
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Neighbours {
    /// `?before=…` / `?after=…` appended to `base` (which may hold a query already).
    pub fn previous_href(&self, base: &str) -> Option<String> {
        self.before
            .as_ref()
            .map(|id| with_param(base, "before", id))
    }

    pub fn next_href(&self, base: &str) -> Option<String> {
        self.after.as_ref().map(|id| with_param(base, "after", id))
    }
}

fn with_param(base: &str, name: &str, id: &str) -> String {
    super::paths::with_param(base, &format!("{name}={}", super::paths::query_value(id)))
}

/// A page from rows read one past its size in the reading order of `at` (see
/// `PageAt::reads_backwards`): the rows in list order, and its neighbours.
pub fn page_of<T>(
    at: &PageAt,
    mut rows: Vec<T>,
    size: usize,
    id: impl Fn(&T) -> String,
) -> (Vec<T>, Neighbours) {
    let more = rows.len() > size;
    rows.truncate(size);
    if at.reads_backwards() {
        rows.reverse();
    }
    let (first, last) = (rows.first().map(&id), rows.last().map(&id));
    let neighbours = match at {
        PageAt::First => Neighbours {
            before: None,
            after: last.filter(|_| more),
        },
        PageAt::After(_) => Neighbours {
            before: first,
            after: last.filter(|_| more),
        },
        PageAt::Before(_) => Neighbours {
            before: first.filter(|_| more),
            after: last,
        },
    };
    (rows, neighbours)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: std::ops::Range<u32>) -> Vec<String> {
        n.map(|i| format!("r{i:02}")).collect()
    }

    #[test]
    fn the_query_picks_a_start() {
        assert_eq!(PageAt::from_query(None, None), PageAt::First);
        assert_eq!(PageAt::from_query(Some(" "), None), PageAt::First);
        assert_eq!(
            PageAt::from_query(Some("a"), Some("b")),
            PageAt::After("a".into())
        );
        assert_eq!(
            PageAt::from_query(None, Some("b")),
            PageAt::Before("b".into())
        );
        assert_eq!(
            PageAt::from_query(Some(&"x".repeat(65)), None),
            PageAt::First
        );
    }

    #[test]
    fn the_first_page_links_only_onwards_when_there_is_more() {
        let (rows, n) = page_of(&PageAt::First, ids(0..4), 3, Clone::clone);
        assert_eq!(rows, ids(0..3));
        assert_eq!(n.before, None);
        assert_eq!(n.after.as_deref(), Some("r02"));
        let (_, n) = page_of(&PageAt::First, ids(0..3), 3, Clone::clone);
        assert_eq!(n, Neighbours::default());
    }

    #[test]
    fn a_page_after_a_row_links_back_to_its_first_row() {
        let (rows, n) = page_of(&PageAt::After("r02".into()), ids(3..5), 3, Clone::clone);
        assert_eq!(rows, ids(3..5));
        assert_eq!(n.before.as_deref(), Some("r03"));
        assert_eq!(n.after, None);
    }

    #[test]
    fn a_page_before_a_row_reads_backwards_and_comes_out_in_list_order() {
        // Read up from r06: r05, r04, r03, and r02 shows there is more above.
        let read: Vec<String> = ids(2..6).into_iter().rev().collect();
        let (rows, n) = page_of(&PageAt::Before("r06".into()), read, 3, Clone::clone);
        assert_eq!(rows, ids(3..6));
        assert_eq!(n.before.as_deref(), Some("r03"));
        assert_eq!(n.after.as_deref(), Some("r05"));
        let read: Vec<String> = ids(0..2).into_iter().rev().collect();
        let (rows, n) = page_of(&PageAt::Before("r02".into()), read, 3, Clone::clone);
        assert_eq!(rows, ids(0..2));
        assert_eq!(n.before, None);
    }

    #[test]
    fn links_keep_the_query_they_are_added_to() {
        let n = Neighbours {
            before: Some("a b".into()),
            after: Some("c".into()),
        };
        assert_eq!(n.previous_href("/m?q=x").unwrap(), "/m?q=x&before=a%20b");
        assert_eq!(n.next_href("/m").unwrap(), "/m?after=c");
    }
}
