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
pub async fn list<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
) -> sqlx::Result<Vec<ApiKeyRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE k.workspace_id = $1 ORDER BY k.created_at DESC, k.id"
    ))
    .bind(workspace_id)
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
