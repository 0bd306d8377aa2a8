//! Organization members: who belongs to an organization, with which role.

use crate::domain::keyset::PageAt;
use sqlx::AnyExecutor;

/// A membership (`$1` organization, `$2` user, `$3` role, `$4` time) with the member's
/// name key, the order Admin Settings -> Members lists them in.
const INSERT: &str = "INSERT INTO org_members (org_id, user_id, role, created_at, name_key) \
     VALUES ($1, $2, $3, $4, (SELECT lower(name) FROM users WHERE id = $2))";

pub async fn add_org_member<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    role: &str,
    now: i64,
) -> sqlx::Result<()> {
    insert(db, "", org_id, user_id, role, now).await
}

/// The membership with `then` (an `ON CONFLICT` clause, or nothing) after the insert.
async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    then: &str,
    org_id: &str,
    user_id: &str,
    role: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(&format!("{INSERT} {then}"))
        .bind(org_id)
        .bind(user_id)
        .bind(role)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// The user's role in the organization, if they are a member.
pub async fn org_role<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<crate::domain::roles::OrgRole>> {
    sqlx::query_scalar("SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(db)
        .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgMemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: crate::domain::roles::OrgRole,
    pub created_at: i64,
}

/// One member of the organization with their name and email.
pub async fn find_org_member<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<OrgMemberRow>> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email, m.role, m.created_at FROM org_members m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// The organization's members by name (at most `limit`).
pub async fn list_org_members<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<OrgMemberRow>> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email, m.role, m.created_at FROM org_members m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY m.name_key, m.user_id LIMIT $2",
    )
    .bind(org_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Adds the member with `role`, or changes their role if they already are one.
pub async fn upsert_org_member<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    role: &str,
    now: i64,
) -> sqlx::Result<()> {
    let then = "ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role";
    insert(db, then, org_id, user_id, role, now).await
}

pub async fn count_members<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(db)
        .await
}

pub async fn count_admins<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM org_members WHERE org_id = $1 AND role = 'admin'")
        .bind(org_id)
        .fetch_one(db)
        .await
}

/// `%term%` for a member search: lower case, as emails are stored and names compared.
pub fn like_pattern(term: &str) -> String {
    crate::server::repo::contains_pattern(&term.to_lowercase())
}

pub(super) const MATCHES: &str =
    "(lower(u.name) LIKE $2 ESCAPE '\\' OR u.email LIKE $2 ESCAPE '\\')";

/// The member filter: a LIKE pattern, or every member (`$2` is then ignored, and no
/// row pays for a LIKE).
fn member_filter(pattern: Option<&str>) -> &'static str {
    if pattern.is_some() {
        MATCHES
    } else {
        "$2 = $2"
    }
}

/// A page of members whose name or email matches the pattern (all when `None`), by name:
/// `limit` rows from where `at` says, read backwards for a `before` page (see
/// `keyset::page_of`). A cursor naming no member of the organization reads nothing.
pub async fn page_members<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    pattern: Option<&str>,
    at: &PageAt,
    limit: i64,
) -> sqlx::Result<Vec<OrgMemberRow>> {
    let (from, dir) = match at {
        // Every parameter is used, as SQLite wants.
        PageAt::First => ("AND $4 = $4".to_owned(), "ASC"),
        PageAt::After(_) => (beyond_member(">", 4), "ASC"),
        PageAt::Before(_) => (beyond_member("<", 4), "DESC"),
    };
    sqlx::query_as(&format!(
        "SELECT u.id AS user_id, u.name, u.email, m.role, m.created_at FROM org_members m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND {} {from} \
         ORDER BY m.name_key {dir}, m.user_id {dir} LIMIT $3",
        member_filter(pattern)
    ))
    .bind(org_id)
    .bind(pattern.unwrap_or(""))
    .bind(limit)
    .bind(at.cursor().unwrap_or(""))
    .fetch_all(db)
    .await
}

/// Members after (`>`) or before (`<`) the member `$n` in name order: a row value, read
/// as a range of `org_members_by_name` on both engines.
fn beyond_member(cmp: &str, n: usize) -> String {
    format!(
        "AND (m.name_key, m.user_id) {cmp} \
         (SELECT c.name_key, c.user_id FROM org_members c WHERE c.org_id = $1 AND c.user_id = ${n})"
    )
}

/// How many members matching the pattern come before `user_id` in name order: where a
/// page starts in the whole list (an index range count without a pattern).
pub async fn count_before<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    pattern: Option<&str>,
    user_id: &str,
) -> sqlx::Result<i64> {
    let (join, filter) = match pattern {
        Some(_) => ("JOIN users u ON u.id = m.user_id", MATCHES),
        None => ("", "$2 = $2"),
    };
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM org_members m {join} WHERE m.org_id = $1 AND {filter} {}",
        beyond_member("<", 3)
    ))
    .bind(org_id)
    .bind(pattern.unwrap_or(""))
    .bind(user_id)
    .fetch_one(db)
    .await
}

pub async fn count_matching<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    pattern: Option<&str>,
) -> sqlx::Result<i64> {
    if pattern.is_none() {
        return count_members(db, org_id).await;
    }
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND {MATCHES}"
    ))
    .bind(org_id)
    .bind(pattern)
    .fetch_one(db)
    .await
}

/// (user id, workspace name) for the given members' workspaces of the organization:
/// one query for a whole page of members.
pub async fn workspace_names_of<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_ids: &[String],
) -> sqlx::Result<Vec<(String, String)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT m.user_id, w.name FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id \
         WHERE w.org_id = $1 AND w.archived_at IS NULL AND m.user_id IN ({}) ORDER BY w.is_default DESC, lower(w.name)",
        crate::server::repo::placeholders(2, user_ids.len())
    );
    let mut q = sqlx::query_as(&sql).bind(org_id);
    for id in user_ids {
        q = q.bind(id);
    }
    q.fetch_all(db).await
}

/// The addresses among `emails` that belong to members of the organization.
pub async fn member_emails<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    emails: &[String],
) -> sqlx::Result<Vec<String>> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT u.email FROM org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND u.email IN ({})",
        crate::server::repo::placeholders(2, emails.len())
    );
    let mut q = sqlx::query_scalar(&sql).bind(org_id);
    for e in emails {
        q = q.bind(e);
    }
    q.fetch_all(db).await
}

pub async fn set_org_role<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    role: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE org_members SET role = $1 WHERE org_id = $2 AND user_id = $3")
        .bind(role)
        .bind(org_id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_org_member<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM org_members WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds the member unless they already are one (their role then stays).
pub async fn add_org_member_if_absent<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    role: &str,
    now: i64,
) -> sqlx::Result<()> {
    let then = "ON CONFLICT (org_id, user_id) DO NOTHING";
    insert(db, then, org_id, user_id, role, now).await
}

/// The emails of the organization's members with role `role`, oldest member first.
pub async fn emails_with_role<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    role: &str,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT u.email FROM org_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.role = $2 ORDER BY m.created_at, u.id LIMIT $3",
    )
    .bind(org_id)
    .bind(role)
    .bind(limit)
    .fetch_all(db)
    .await
}
