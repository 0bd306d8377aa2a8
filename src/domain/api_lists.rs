//! How a `/v1` list is asked for, in either SDK dialect: OpenAI's cursor (`after`, `limit`,
//! `order`) or Mistral's pages (`page` from 0, `page_size`, `include_total`). Bad values
//! are errors naming the parameter; unknown parameters are ignored, as both APIs do.

use super::Error;

/// The longest page either dialect may ask for.
pub const MAX_PAGE: i64 = 100;
/// Mistral pages are read with an offset: past this many rows, use the cursor.
pub const MAX_OFFSET: i64 = 100_000;
/// A cursor is an id: longer ones are not ours.
const MAX_CURSOR_CHARS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    NewestFirst,
    OldestFirst,
}

/// A page of a list ordered by (created_at, id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRequest {
    /// The id of the last item of the previous page (cursor dialect).
    pub after: Option<String>,
    pub order: Order,
    pub limit: i64,
    /// Rows to skip (page dialect: `page * page_size`).
    pub offset: i64,
    /// Whether the answer carries `total` (page dialect, unless `include_total=false`).
    pub with_total: bool,
}

/// A page of a list: its items, whether more follow, and the total when asked for.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_more: bool,
    pub total: Option<i64>,
}

impl<T> Page<T> {
    /// The page from `rows`, read with one more than the page's length.
    pub fn of(mut rows: Vec<T>, list: &ListRequest, total: Option<i64>) -> Self {
        let has_more = rows.len() as i64 > list.limit;
        rows.truncate(list.limit.max(0) as usize);
        Page {
            items: rows,
            has_more,
            total,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            has_more: self.has_more,
            total: self.total,
        }
    }
}

/// The query's value for `name`, the last one if repeated.
pub fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Every value of a repeated parameter (`sample_type=a&sample_type=b`), or of a
/// comma-separated one.
pub fn params<'a>(query: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    query
        .iter()
        .filter(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

fn number(query: &[(String, String)], name: &str, range: (i64, i64)) -> Result<Option<i64>, Error> {
    let Some(raw) = param(query, name) else {
        return Ok(None);
    };
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (range.0..=range.1).contains(n))
        .map(Some)
        .ok_or_else(|| {
            Error::invalid(
                name,
                format!("Use a whole number from {} to {}.", range.0, range.1),
            )
        })
}

fn flag(query: &[(String, String)], name: &str, default: bool) -> Result<bool, Error> {
    match param(query, name).map(str::trim) {
        None => Ok(default),
        Some("true") | Some("1") => Ok(true),
        Some("false") | Some("0") => Ok(false),
        Some(_) => Err(Error::invalid(name, "Use true or false.")),
    }
}

impl ListRequest {
    /// The request the query asks for. `pages` says whether the list also speaks
    /// Mistral's page dialect (any of `page`, `page_size` chooses it).
    pub fn parse(
        query: &[(String, String)],
        default_limit: i64,
        pages: bool,
    ) -> Result<Self, Error> {
        let order = match param(query, "order").map(str::trim) {
            None | Some("desc") => Order::NewestFirst,
            Some("asc") => Order::OldestFirst,
            Some(_) => return Err(Error::invalid("order", "Use asc or desc.")),
        };
        if pages && (param(query, "page").is_some() || param(query, "page_size").is_some()) {
            let page_size = number(query, "page_size", (1, MAX_PAGE))?.unwrap_or(MAX_PAGE);
            let page = number(query, "page", (0, MAX_OFFSET / page_size))?.unwrap_or(0);
            return Ok(ListRequest {
                after: None,
                order,
                limit: page_size,
                offset: page * page_size,
                with_total: flag(query, "include_total", true)?,
            });
        }
        let after = match param(query, "after").map(str::trim) {
            None | Some("") => None,
            Some(id) if id.len() <= MAX_CURSOR_CHARS => Some(id.to_owned()),
            Some(_) => return Err(Error::invalid("after", "Not an id of this list.")),
        };
        Ok(ListRequest {
            after,
            order,
            limit: number(query, "limit", (1, MAX_PAGE))?.unwrap_or(default_limit),
            offset: 0,
            with_total: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_cursor_dialect_is_the_default() {
        let r = ListRequest::parse(&q(&[]), 20, true).unwrap();
        assert_eq!(
            (r.after, r.limit, r.offset, r.with_total),
            (None, 20, 0, false)
        );
        assert_eq!(r.order, Order::NewestFirst);
        let r = ListRequest::parse(
            &q(&[("after", "file-1"), ("limit", "3"), ("order", "asc")]),
            20,
            true,
        )
        .unwrap();
        assert_eq!(
            (r.after.as_deref(), r.limit, r.order),
            (Some("file-1"), 3, Order::OldestFirst)
        );
    }

    #[test]
    fn pages_count_from_zero_and_carry_a_total() {
        let r = ListRequest::parse(&q(&[("page", "2"), ("page_size", "10")]), 20, true).unwrap();
        assert_eq!((r.limit, r.offset, r.with_total), (10, 20, true));
        let r =
            ListRequest::parse(&q(&[("page", "0"), ("include_total", "false")]), 20, true).unwrap();
        assert_eq!((r.limit, r.offset, r.with_total), (MAX_PAGE, 0, false));
        // A list without pages reads them as unknown parameters.
        let r = ListRequest::parse(&q(&[("page", "2")]), 20, false).unwrap();
        assert_eq!(r.offset, 0);
    }

    #[test]
    fn bad_values_name_their_parameter() {
        for (pairs, field) in [
            (q(&[("limit", "0")]), "limit"),
            (q(&[("limit", "101")]), "limit"),
            (q(&[("limit", "ten")]), "limit"),
            (q(&[("order", "up")]), "order"),
            (q(&[("page", "-1")]), "page"),
            (q(&[("page", "5000"), ("page_size", "100")]), "page"),
            (q(&[("page_size", "0")]), "page_size"),
            (
                q(&[("page", "1"), ("include_total", "maybe")]),
                "include_total",
            ),
            (q(&[("after", &"x".repeat(101))]), "after"),
        ] {
            match ListRequest::parse(&pairs, 20, true) {
                Err(Error::Invalid(f)) => assert_eq!(f[0].field, field, "{pairs:?}"),
                other => panic!("{pairs:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn repeated_and_comma_separated_values_are_all_read() {
        let query = q(&[
            ("sample_type", "instruct"),
            ("sample_type", "pretrain,batch_result"),
        ]);
        assert_eq!(
            params(&query, "sample_type"),
            ["instruct", "pretrain", "batch_result"]
        );
        assert_eq!(param(&query, "sample_type"), Some("pretrain,batch_result"));
    }
}
