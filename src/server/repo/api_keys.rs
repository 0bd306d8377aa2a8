use crate::domain::keyset::PageAt;
use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub prefix: String,
    pub created_by: Option<String>,
    pub creator_name: Option<String>,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const SELECT: &str = "SELECT k.id, k.workspace_id, k.name, k.prefix, k.created_by, u.name AS creator_name, \
     k.created_at, k.expires_at, k.last_used_at, k.revoked_at FROM api_keys k LEFT JOIN users u ON u.id = k.created_by";

#[allow(clippy::too_many_arguments)]
pub async fn insert<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    workspace_id: &str,
    name: &str,
    prefix: &str,
    secret_hash: &str,
    created_by: &str,
    created_at: i64,
    expires_at: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO api_keys (id, workspace_id, name, prefix, secret_hash, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(workspace_id)
    .bind(name)
    .bind(prefix)
    .bind(secret_hash)
    .bind(created_by)
    .bind(created_at)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The workspace's keys, newest first.
/// The workspace's keys, newest first: `limit` from where `at` says (see
/// `repo::newest_first`).
pub async fn list<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    at: &PageAt,
    limit: i64,
) -> sqlx::Result<Vec<ApiKeyRow>> {
    let (from, dir) = super::newest_first(at, "k", "api_keys", "workspace_id", 3);
    sqlx::query_as(&format!(
        "{SELECT} WHERE k.workspace_id = $1 {from} ORDER BY k.created_at {dir}, k.id {dir} LIMIT $2"
    ))
    .bind(workspace_id)
    .bind(limit)
    .bind(at.cursor().unwrap_or(""))
    .fetch_all(db)
    .await
}

pub async fn find_in_workspace<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    id: &str,
) -> sqlx::Result<Option<ApiKeyRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE k.workspace_id = $1 AND k.id = $2"))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(db)
        .await
}

pub async fn revoke<'e>(db: impl AnyExecutor<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// A key that exists, is not expired and whose workspace is not archived, and its
/// creator's current roles in the key's organization and workspace (`None` where they are
/// no longer a member). Revoked keys are returned with why, so the caller can say.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KeyGrant {
    pub key_id: String,
    pub workspace_id: String,
    pub org_id: String,
    pub created_by: Option<String>,
    pub org_role: Option<crate::domain::roles::OrgRole>,
    pub workspace_role: Option<crate::domain::roles::WorkspaceRole>,
    pub revoked_at: Option<i64>,
    pub revoked_reason: Option<String>,
    pub workspace_name: String,
    pub workspace_is_default: i64,
    pub workspace_created_at: i64,
}

/// Why a key was revoked when its creator left.
pub const OWNER_REMOVED: &str = "owner_removed";

/// The key with this secret hash and its (not archived) workspace, unless expired: all a
/// `/v1` request needs to know who acts, in one query of indexed lookups.
pub async fn find_working<'e>(
    db: impl AnyExecutor<'e>,
    secret_hash: &str,
    now: i64,
) -> sqlx::Result<Option<KeyGrant>> {
    sqlx::query_as(
        "SELECT k.id AS key_id, k.workspace_id, w.org_id, k.created_by, om.role AS org_role, \
         wm.role AS workspace_role, k.revoked_at, k.revoked_reason, w.name AS workspace_name, \
         w.is_default AS workspace_is_default, w.created_at AS workspace_created_at \
         FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id \
         LEFT JOIN org_members om ON om.org_id = w.org_id AND om.user_id = k.created_by \
         LEFT JOIN workspace_members wm ON wm.workspace_id = k.workspace_id AND wm.user_id = k.created_by \
         WHERE k.secret_hash = $1 AND (k.expires_at IS NULL OR k.expires_at > $2) \
         AND w.archived_at IS NULL",
    )
    .bind(secret_hash)
    .bind(now)
    .fetch_optional(db)
    .await
}

/// The secret's hash of the key `id`: to check, as for a request, a key that acted earlier.
pub async fn secret_hash_of<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT secret_hash FROM api_keys WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}

/// Revokes every key `user_id` created in the organization's workspaces (or in one
/// workspace), because they left it; keys are locked in id order, the usage writer's.
pub async fn revoke_for_departure(
    conn: &mut sqlx::AnyConnection,
    org_id: &str,
    workspace_id: Option<&str>,
    user_id: &str,
    now: i64,
) -> sqlx::Result<u64> {
    let sql = format!(
        "UPDATE api_keys SET revoked_at = $1, revoked_reason = $2 WHERE id IN \
         (SELECT id FROM api_keys WHERE created_by = $3 AND revoked_at IS NULL \
         AND workspace_id IN (SELECT id FROM workspaces WHERE org_id = $4) \
         AND ($5 IS NULL OR workspace_id = $5) ORDER BY id{})",
        super::lock_rows(conn)
    );
    let done = sqlx::query(&sql)
        .bind(now)
        .bind(OWNER_REMOVED)
        .bind(user_id)
        .bind(org_id)
        .bind(workspace_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// How many working keys each of `user_ids` created in the organization's workspaces:
/// the keys that stop working when they leave.
pub async fn working_counts_by_creator<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_ids: &[String],
    now: i64,
) -> sqlx::Result<Vec<(String, i64)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT k.created_by, COUNT(*) FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id \
         WHERE w.org_id = $1 AND w.archived_at IS NULL AND k.revoked_at IS NULL \
         AND (k.expires_at IS NULL OR k.expires_at > $2) AND k.created_by IN ({}) GROUP BY k.created_by",
        super::placeholders(3, user_ids.len())
    );
    let mut q = sqlx::query_as(&sql).bind(org_id).bind(now);
    for id in user_ids {
        q = q.bind(id);
    }
    q.fetch_all(db).await
}

pub async fn touch<'e>(db: impl AnyExecutor<'e>, key_id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(key_id)
        .execute(db)
        .await?;
    Ok(())
}

/// One /v1 request, for usage and billing.
pub struct UsageEvent<'a> {
    pub key_id: &'a str,
    pub workspace_id: &'a str,
    pub org_id: &'a str,
    pub method: &'a str,
    pub endpoint: &'a str,
    pub status: i64,
    pub bytes_in: i64,
    pub bytes_out: i64,
    pub duration_ms: i64,
}

pub async fn record_usage<'e>(
    db: impl AnyExecutor<'e>,
    id: &str,
    e: &UsageEvent<'_>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO usage_events (id, org_id, workspace_id, api_key_id, method, endpoint, status, bytes_in, bytes_out, duration_ms, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(id)
    .bind(e.org_id)
    .bind(e.workspace_id)
    .bind(e.key_id)
    .bind(e.method)
    .bind(e.endpoint)
    .bind(e.status)
    .bind(e.bytes_in)
    .bind(e.bytes_out)
    .bind(e.duration_ms)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}
