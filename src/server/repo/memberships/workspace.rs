//! Workspace members: who belongs to a workspace of an organization, with which role.

use super::org::{MATCHES, OrgMemberRow};
use sqlx::AnyExecutor;

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

/// The user's own role in the workspace, if they are a member.
pub async fn workspace_role<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    user_id: &str,
) -> sqlx::Result<Option<crate::domain::roles::WorkspaceRole>> {
    sqlx::query_scalar(
        "SELECT role FROM workspace_members WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace_id)
    .bind(user_id)
    .fetch_optional(db)
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

/// Removes the user from every workspace of the organization.
pub async fn delete_workspace_memberships_in_org<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    user_id: &str,
) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM workspace_members WHERE user_id = $1 \
         AND workspace_id IN (SELECT id FROM workspaces WHERE org_id = $2)",
    )
    .bind(user_id)
    .bind(org_id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn add_workspace_member_if_absent<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    user_id: &str,
    role: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO workspace_members (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (workspace_id, user_id) DO NOTHING",
    )
    .bind(workspace_id)
    .bind(user_id)
    .bind(role)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A workspace's member with their organization role.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkspaceMemberRow {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: crate::domain::roles::WorkspaceRole,
    pub org_role: crate::domain::roles::OrgRole,
    pub created_at: i64,
}

pub async fn list_workspace_members<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
) -> sqlx::Result<Vec<WorkspaceMemberRow>> {
    sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email, m.role, om.role AS org_role, m.created_at \
         FROM workspace_members m JOIN users u ON u.id = m.user_id \
         JOIN workspaces w ON w.id = m.workspace_id \
         JOIN org_members om ON om.org_id = w.org_id AND om.user_id = m.user_id \
         WHERE m.workspace_id = $1 ORDER BY lower(u.name), u.id",
    )
    .bind(workspace_id)
    .fetch_all(db)
    .await
}

/// Members of the organization who are not in the workspace and match the pattern.
pub async fn workspace_candidates<'e>(
    db: impl AnyExecutor<'e>,
    org_id: &str,
    pattern: &str,
    workspace_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<OrgMemberRow>> {
    sqlx::query_as(&format!(
        "SELECT u.id AS user_id, u.name, u.email, m.role, m.created_at FROM org_members m \
         JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND {MATCHES} \
         AND NOT EXISTS (SELECT 1 FROM workspace_members wm WHERE wm.workspace_id = $3 AND wm.user_id = m.user_id) \
         ORDER BY lower(u.name), u.id LIMIT $4"
    ))
    .bind(org_id)
    .bind(pattern)
    .bind(workspace_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

pub async fn set_workspace_role<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    user_id: &str,
    role: &str,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE workspace_members SET role = $1 WHERE workspace_id = $2 AND user_id = $3",
    )
    .bind(role)
    .bind(workspace_id)
    .bind(user_id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_workspace_member<'e>(
    db: impl AnyExecutor<'e>,
    workspace_id: &str,
    user_id: &str,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}
