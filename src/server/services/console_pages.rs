//! Reading a keyset page of a console list (`domain::keyset`): one query from where the
//! URL says, and from the top when its cursor names no row (deleted, or from elsewhere)
//! or a page up reaches the top.

use crate::domain::Error;
use crate::domain::keyset::{self, Neighbours, PAGE_ROWS, PageAt};
use crate::server::error::OrInternal;
use std::future::Future;

/// The page `at` names: `read(start, limit)` runs the list's query (it reads one row past
/// the page, to know whether there is more); `id` names a row for the page's links.
pub async fn read_page<T, Fut>(
    at: &PageAt,
    what: &str,
    read: impl Fn(PageAt, i64) -> Fut,
    id: impl Fn(&T) -> String,
) -> Result<(Vec<T>, Neighbours), Error>
where
    Fut: Future<Output = sqlx::Result<Vec<T>>>,
{
    let limit = PAGE_ROWS as i64 + 1;
    let mut start = at.clone();
    let mut rows = read(start.clone(), limit).await.or_internal(what)?;
    let top_reached = start.reads_backwards() && rows.len() <= PAGE_ROWS;
    if (rows.is_empty() && start != PageAt::First) || top_reached {
        // Nothing from the cursor, or a page up that reached the top (short if rows above
        // were removed): the first page, full.
        start = PageAt::First;
        rows = read(PageAt::First, limit).await.or_internal(what)?;
    }
    Ok(keyset::page_of(&start, rows, PAGE_ROWS, id))
}
