//! Company domains (`org_domains`) and the workspaces joining through them adds people to
//! (`org_domain_workspaces`).

use crate::domain::org_domains::JoinMode;
use crate::domain::roles::{OrgRole, WorkspaceRole};
use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DomainRow {
    pub id: String,
    pub org_id: String,
    pub domain: String,
    pub challenge: String,
    pub created_at: i64,
    pub verified_at: Option<i64>,
    pub checked_at: Option<i64>,
    pub check_outcome: Option<String>,
    pub failed_checks: i64,
    pub join_mode: JoinMode,
    pub join_role: OrgRole,
}

const COLUMNS: &str = "d.id, d.org_id, d.domain, d.challenge, d.created_at, d.verified_at, \
                       d.checked_at, d.check_outcome, d.failed_checks, d.join_mode, d.join_role";

pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    row: &DomainRow,
    added_by: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO org_domains (id, org_id, domain, challenge, added_by, created_at, join_mode, join_role) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&row.id)
    .bind(&row.org_id)
    .bind(&row.domain)
    .bind(&row.challenge)
    .bind(added_by)
    .bind(row.created_at)
    .bind(row.join_mode.as_str())
    .bind(row.join_role.as_str())
    .execute(db)
    .await?;
    Ok(())
}

pub async fn count_in_org<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM org_domains WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(db)
        .await
}

/// The organization's domains, by name (at most `MAX_DOMAINS_PER_ORG`).
pub async fn list_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Vec<DomainRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM org_domains d WHERE d.org_id = $1 ORDER BY d.domain"
    ))
    .bind(org_id)
    .fetch_all(db)
    .await
}

pub async fn find_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    id: &str,
) -> sqlx::Result<Option<DomainRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM org_domains d WHERE d.org_id = $1 AND d.id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(db)
    .await
}

/// Whether an organization other than `org_id` has verified `domain`.
pub async fn verified_elsewhere<'e>(
    db: impl AnyExecutor<'e>,
    domain: &str,
    org_id: &str,
) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM org_domains WHERE domain = $1 AND verified_at IS NOT NULL AND org_id <> $2",
    )
    .bind(domain)
    .bind(org_id)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Records a check that found the organization's record: the domain is verified. The
/// unique index on verified domains refuses it when another organization got there first.
pub async fn mark_verified<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE org_domains SET verified_at = $3, checked_at = $3, check_outcome = NULL, \
         failed_checks = 0 WHERE org_id = $1 AND id = $2 AND verified_at IS NULL",
    )
    .bind(org_id)
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a check that did not find the record, and what it found instead.
pub async fn record_failed_check<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    id: &str,
    now: i64,
    outcome: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE org_domains SET checked_at = $3, check_outcome = $4 \
         WHERE org_id = $1 AND id = $2 AND verified_at IS NULL",
    )
    .bind(org_id)
    .bind(id)
    .bind(now)
    .bind(outcome)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete<'e>(db: impl AnyExecutor<'e>, org_id: &str, id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM org_domains WHERE org_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets what joining through a verified domain gives.
pub async fn set_join<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    id: &str,
    mode: JoinMode,
    role: OrgRole,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE org_domains SET join_mode = $3, join_role = $4 \
         WHERE org_id = $1 AND id = $2 AND verified_at IS NOT NULL",
    )
    .bind(org_id)
    .bind(id)
    .bind(mode.as_str())
    .bind(role.as_str())
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn clear_workspaces<'e>(db: impl AnyExecutor<'e>, domain_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM org_domain_workspaces WHERE domain_id = $1")
        .bind(domain_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn add_workspace<'e>(
    db: impl AnyExecutor<'e>,
    domain_id: &str,
    workspace_id: &str,
    role: WorkspaceRole,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO org_domain_workspaces (domain_id, workspace_id, role) VALUES ($1, $2, $3)",
    )
    .bind(domain_id)
    .bind(workspace_id)
    .bind(role.as_str())
    .execute(db)
    .await?;
    Ok(())
}

/// A workspace a domain adds people to (active workspaces only).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DomainWorkspaceRow {
    pub domain_id: String,
    pub workspace_id: String,
    pub name: String,
    pub role: WorkspaceRole,
}

/// The active workspaces of an organization's domains, by name.
pub async fn workspaces_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Vec<DomainWorkspaceRow>> {
    sqlx::query_as(
        "SELECT g.domain_id, g.workspace_id, w.name, g.role FROM org_domain_workspaces g \
         JOIN org_domains d ON d.id = g.domain_id \
         JOIN workspaces w ON w.id = g.workspace_id \
         WHERE d.org_id = $1 AND w.archived_at IS NULL ORDER BY w.name, w.id",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}

/// A verified domain in a join mode other than off, with its organization's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenDomainRow {
    pub id: String,
    pub org_id: String,
    pub org_name: String,
    pub domain: String,
    pub join_mode: JoinMode,
    pub join_role: OrgRole,
    /// Open requests of the person asking (0 or 1).
    pub requested: i64,
}

/// The organization that verified `domain` and lets people join through it, unless
/// `user_id` is a member already or said "Not now" (or left, or was removed).
pub async fn offered_to<'e>(
    db: impl AnyExecutor<'e>,
    domain: &str,
    user_id: &str,
) -> sqlx::Result<Option<OpenDomainRow>> {
    sqlx::query_as(
        "SELECT d.id, d.org_id, o.name AS org_name, d.domain, d.join_mode, d.join_role, \
         (SELECT COUNT(*) FROM join_requests r \
          WHERE r.org_id = d.org_id AND r.user_id = $2 AND r.decided_at IS NULL) AS requested \
         FROM org_domains d JOIN organizations o ON o.id = d.org_id \
         WHERE d.domain = $1 AND d.verified_at IS NOT NULL AND d.join_mode <> 'off' \
         AND NOT EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = d.org_id AND m.user_id = $2) \
         AND NOT EXISTS (SELECT 1 FROM join_offers_dismissed x \
                         WHERE x.org_id = d.org_id AND x.user_id = $2)",
    )
    .bind(domain)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// The organization's verified domain `domain`, if it has one.
pub async fn verified_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    domain: &str,
) -> sqlx::Result<Option<DomainRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM org_domains d \
         WHERE d.org_id = $1 AND d.domain = $2 AND d.verified_at IS NOT NULL"
    ))
    .bind(org_id)
    .bind(domain)
    .fetch_optional(db)
    .await
}

/// The active workspaces one domain adds people to.
pub async fn workspaces_of<'e>(
    db: impl AnyExecutor<'e>,
    domain_id: &str,
) -> sqlx::Result<Vec<DomainWorkspaceRow>> {
    sqlx::query_as(
        "SELECT g.domain_id, g.workspace_id, w.name, g.role FROM org_domain_workspaces g \
         JOIN workspaces w ON w.id = g.workspace_id \
         WHERE g.domain_id = $1 AND w.archived_at IS NULL ORDER BY w.name, w.id",
    )
    .bind(domain_id)
    .fetch_all(db)
    .await
}

/// Verified domains last checked before `before`, the longest unchecked first.
pub async fn verified_due<'e>(
    db: impl AnyExecutor<'e>,
    before: i64,
    limit: i64,
) -> sqlx::Result<Vec<DomainRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM org_domains d \
         WHERE d.verified_at IS NOT NULL AND d.checked_at < $1 ORDER BY d.checked_at LIMIT $2"
    ))
    .bind(before)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Claims a verified domain's daily check: false when another process claimed it first.
pub async fn claim_recheck<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    last_checked: Option<i64>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE org_domains SET checked_at = $3 WHERE id = $1 AND checked_at = $2 \
         AND verified_at IS NOT NULL",
    )
    .bind(id)
    .bind(last_checked)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a verified domain's daily check: found (`outcome` None) or not, counting the
/// checks in a row that did not find it. Returns that count.
pub async fn record_recheck<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    outcome: Option<&str>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "UPDATE org_domains SET check_outcome = $2, \
         failed_checks = CASE WHEN $2 IS NULL THEN 0 ELSE failed_checks + 1 END \
         WHERE id = $1 RETURNING failed_checks",
    )
    .bind(id)
    .bind(outcome)
    .fetch_one(db)
    .await
}

/// Ends a domain's verification (its record is gone): it must be proved again, and lets
/// no one join meanwhile (its join settings wait for it).
pub async fn lapse<'e>(db: impl AnyExecutor<'e>, id: &str, outcome: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE org_domains SET verified_at = NULL, check_outcome = $2, failed_checks = 0 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(outcome)
    .execute(db)
    .await?;
    Ok(())
}
