use sqlx::AnyExecutor;

pub async fn add_org_member<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
    role: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO org_members (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn add_workspace_member<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    user_id: &str,
    role: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(workspace_id)
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
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(db)
        .await
}

/// The user's own role in the workspace, if they are a member.
pub async fn workspace_role<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace_id)
    .bind(user_id)
    .fetch_optional(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgMemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: String,
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
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY lower(u.name), u.id LIMIT $2",
    )
    .bind(org_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The user's own roles in the organization's workspaces: (workspace id, role).
pub async fn workspace_roles_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT m.workspace_id, m.role FROM workspace_members m \
         JOIN workspaces w ON w.id = m.workspace_id WHERE w.org_id = $1 AND m.user_id = $2",
    )
    .bind(org_id)
    .bind(user_id)
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
    sqlx::query(
        "INSERT INTO org_members (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (org_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}
