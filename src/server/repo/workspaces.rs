use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkspaceRow {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub is_default: i64,
    pub archived_at: Option<i64>,
    pub created_at: i64,
}

/// A workspace as one user sees it, with their own workspace role if they have one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VisibleWorkspaceRow {
    pub id: String,
    pub name: String,
    pub is_default: i64,
    pub role: Option<String>,
}

pub async fn insert<'e>(db: impl AnyExecutor<'e>, w: &WorkspaceRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO workspaces (id, org_id, name, is_default, archived_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&w.id)
    .bind(&w.org_id)
    .bind(&w.name)
    .bind(w.is_default)
    .bind(w.archived_at)
    .bind(w.created_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The organization's active workspaces that `user_id` can see: all of them when
/// `all` (organization Admins), else those they are a member of. Default first.
pub async fn list_visible<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    all: bool,
) -> sqlx::Result<Vec<VisibleWorkspaceRow>> {
    sqlx::query_as(
        "SELECT w.id, w.name, w.is_default, m.role FROM workspaces w \
         LEFT JOIN workspace_members m ON m.workspace_id = w.id AND m.user_id = $2 \
         WHERE w.org_id = $1 AND w.archived_at IS NULL AND ($3 = 1 OR m.role IS NOT NULL) \
         ORDER BY w.is_default DESC, w.name, w.id",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(all as i64)
    .fetch_all(db)
    .await
}
