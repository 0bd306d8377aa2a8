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
    pub role: Option<crate::domain::roles::WorkspaceRole>,
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

/// A workspace as the admin table shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkspaceListRow {
    pub id: String,
    pub name: String,
    pub is_default: i64,
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub member_count: i64,
}

const COLUMNS: &str = "id, org_id, name, is_default, archived_at, created_at";

/// The workspace, if it belongs to that organization.
pub async fn find_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    workspace_id: &str,
) -> sqlx::Result<Option<WorkspaceRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM workspaces WHERE id = $1 AND org_id = $2"
    ))
    .bind(workspace_id)
    .bind(org_id)
    .fetch_optional(db)
    .await
}

/// The workspace with that id, whichever organization it belongs to: for services that
/// name workspaces (usage reports), never for people.
pub async fn find_by_id<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
) -> sqlx::Result<Option<WorkspaceRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM workspaces WHERE id = $1"))
        .bind(workspace_id)
        .fetch_optional(db)
        .await
}

/// Every workspace of the organization, archived ones too, with member counts: one query.
pub async fn list_with_member_counts<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Vec<WorkspaceListRow>> {
    sqlx::query_as(
        "SELECT w.id, w.name, w.is_default, w.archived_at, w.created_at, COUNT(m.user_id) AS member_count \
         FROM workspaces w LEFT JOIN workspace_members m ON m.workspace_id = w.id \
         WHERE w.org_id = $1 \
         GROUP BY w.id, w.name, w.is_default, w.archived_at, w.created_at \
         ORDER BY w.archived_at IS NOT NULL, w.is_default DESC, lower(w.name), w.id",
    )
    .bind(org_id)
    .fetch_all(db)
    .await
}

pub async fn rename<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    name: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE workspaces SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(workspace_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Archives (`Some(time)`) or unarchives (`None`).
/// Archives (`at` set) or unarchives a workspace; `false` when it already was.
pub async fn set_archived<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    at: Option<i64>,
) -> sqlx::Result<bool> {
    let sql = match at {
        Some(_) => "UPDATE workspaces SET archived_at = $1 WHERE id = $2 AND archived_at IS NULL",
        None => "UPDATE workspaces SET archived_at = $1 WHERE id = $2 AND archived_at IS NOT NULL",
    };
    let done = sqlx::query(sql)
        .bind(at)
        .bind(workspace_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Every workspace of the organization (archived ones too) by id and name.
pub async fn names_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, name FROM workspaces WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(db)
        .await
}

/// The organization's workspaces that are not archived, by id and name.
pub async fn active_names_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, name FROM workspaces WHERE org_id = $1 AND archived_at IS NULL")
        .bind(org_id)
        .fetch_all(db)
        .await
}
