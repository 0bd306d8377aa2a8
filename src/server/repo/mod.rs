//! All SQL lives here, one file per aggregate. Functions take any executor
//! (the pool or an open transaction) and return plain rows.

pub mod account_links;
pub mod api_keys;
pub mod audit;
pub mod files;
pub mod fine_tuning;
pub mod invitation_sends;
pub mod invitations;
pub mod invoices;
pub mod job_history;
pub mod join_requests;
pub mod limits;
pub mod memberships;
pub mod org_domains;
pub mod orgs;
pub mod outbox;
pub mod sessions;
pub mod sign_in_attempts;
pub mod subscriptions;
pub mod usage;
pub mod users;
pub mod workspaces;

use crate::domain::api_lists::{ListRequest, Order};
use crate::domain::keyset::PageAt;

/// The tail of a query for a page of a list ordered by (created_at, id): the cursor's
/// condition when there is one (its time and id bound at `$n` and `$n+1`), the order, and
/// the limit and offset at `$n+2` and `$n+3` (`$n` and `$n+1` without a cursor).
pub fn page_clause(list: &ListRequest, cursor: bool, n: usize) -> String {
    let (cmp, dir) = match list.order {
        Order::NewestFirst => ("<", "DESC"),
        Order::OldestFirst => (">", "ASC"),
    };
    let (after, next) = match cursor {
        true => (
            // A row value: both engines read it as a range of the (…, created_at, id) index.
            format!(" AND (created_at, id) {cmp} (${n}, ${})", n + 1),
            n + 2,
        ),
        false => (String::new(), n),
    };
    format!(
        "{after} ORDER BY created_at {dir}, id {dir} LIMIT ${next} OFFSET ${}",
        next + 1
    )
}

/// A `LIKE` pattern matching `text` anywhere, its wildcards escaped (with `ESCAPE '\'`).
/// Case is the caller's: compare `LOWER` of both sides to ignore it.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Where a newest-first console page starts, as the condition on `alias`'s rows and the
/// direction to read them: rows older than the cursor row `$n` for an `after` page, newer
/// (read oldest first) for a `before` page. The cursor row is looked up by id in `table`
/// within the same scope (`scope` = `$1`): a row value compared with it is a range of the
/// (scope, created_at, id) index on both engines, and a cursor from another scope names
/// no row, so the page is empty.
pub fn newest_first(
    at: &PageAt,
    alias: &str,
    table: &str,
    scope: &str,
    n: usize,
) -> (String, &'static str) {
    let beyond = |cmp: &str| {
        format!(
            "AND ({alias}.created_at, {alias}.id) {cmp} \
             (SELECT c.created_at, c.id FROM {table} c WHERE c.{scope} = $1 AND c.id = ${n})"
        )
    };
    match at {
        // Every parameter is used, as SQLite wants.
        PageAt::First => (format!("AND ${n} = ${n}"), "DESC"),
        PageAt::After(_) => (beyond("<"), "DESC"),
        PageAt::Before(_) => (beyond(">"), "ASC"),
    }
}

/// `FOR UPDATE` on PostgreSQL, nothing on SQLite (one writer at a time: nothing to
/// order). Put after the `ORDER BY id` of a subquery that picks the rows a statement
/// changes, it makes PostgreSQL lock them in id order, as every other writer of those
/// rows does, so that two transactions changing some of the same rows cannot deadlock.
pub fn lock_rows(conn: &sqlx::AnyConnection) -> &'static str {
    match conn.backend_name() {
        "PostgreSQL" => " FOR UPDATE",
        _ => "",
    }
}

/// `$from, $from+1, ...`: the placeholders of an `IN (...)` list of `n` values, in the
/// `$n` form both backends accept.
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use crate::domain::api_lists::{ListRequest, Order};

    #[test]
    fn page_clauses_follow_the_order_and_the_cursor() {
        let mut list = ListRequest {
            after: None,
            order: Order::NewestFirst,
            limit: 10,
            offset: 0,
            with_total: false,
        };
        assert_eq!(
            super::page_clause(&list, false, 2),
            " ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
        );
        list.order = Order::OldestFirst;
        assert_eq!(
            super::page_clause(&list, true, 2),
            " AND (created_at, id) > ($2, $3) ORDER BY created_at ASC, id ASC LIMIT $4 OFFSET $5"
        );
        assert_eq!(super::contains_pattern("A_b%c\\"), "%A\\_b\\%c\\\\%");
    }

    #[test]
    fn placeholders_number_from_the_given_index() {
        assert_eq!(super::placeholders(2, 3), "$2, $3, $4");
        assert_eq!(super::placeholders(1, 0), "");
    }
}

/// Roles and job statuses cross the repo boundary as the domain's enums: read from their
/// stored names, and an unknown name is an error (never quietly another value).
mod role_columns {
    use crate::domain::fine_tuning::JobStatus;
    use crate::domain::org_domains::JoinMode;
    use crate::domain::roles::{OrgRole, WorkspaceRole};
    use sqlx::any::{Any, AnyTypeInfo, AnyValueRef};
    use sqlx::error::BoxDynError;
    use sqlx::{Decode, Type};

    macro_rules! stored_as_text {
        ($ty:ty, $what:literal) => {
            impl Type<Any> for $ty {
                fn type_info() -> AnyTypeInfo {
                    <String as Type<Any>>::type_info()
                }
                fn compatible(ty: &AnyTypeInfo) -> bool {
                    <String as Type<Any>>::compatible(ty)
                }
            }

            impl<'r> Decode<'r, Any> for $ty {
                fn decode(value: AnyValueRef<'r>) -> Result<Self, BoxDynError> {
                    let text = <String as Decode<'r, Any>>::decode(value)?;
                    <$ty>::parse(&text)
                        .ok_or_else(|| format!("unknown {} {text:?} in the database", $what).into())
                }
            }
        };
    }

    stored_as_text!(OrgRole, "organization role");
    stored_as_text!(WorkspaceRole, "workspace role");
    stored_as_text!(JobStatus, "fine-tuning job status");
    stored_as_text!(JoinMode, "join mode");
}
