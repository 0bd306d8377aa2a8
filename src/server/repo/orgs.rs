use sqlx::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub created_by: Option<String>,
    pub tos_version: Option<String>,
    pub tos_accepted_at: Option<i64>,
    pub created_at: i64,
}

/// An organization seen by one member, with that member's role.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberOrgRow {
    pub id: String,
    pub name: String,
    pub role: crate::domain::roles::OrgRole,
}

pub async fn insert<'e>(db: impl AnyExecutor<'e>, o: &OrgRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO organizations (id, name, created_by, tos_version, tos_accepted_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&o.id)
    .bind(&o.name)
    .bind(&o.created_by)
    .bind(&o.tos_version)
    .bind(o.tos_accepted_at)
    .bind(o.created_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The organizations a user belongs to, by name.
pub async fn list_for_user<'e>(
    db: impl AnyExecutor<'e>,
    user_id: &str,
) -> sqlx::Result<Vec<MemberOrgRow>> {
    sqlx::query_as(
        "SELECT o.id, o.name, m.role FROM org_members m \
         JOIN organizations o ON o.id = m.org_id \
         WHERE m.user_id = $1 ORDER BY o.name, o.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await
}

pub async fn find_by_id<'e>(db: impl AnyExecutor<'e>, id: &str) -> sqlx::Result<Option<OrgRow>> {
    sqlx::query_as(
        "SELECT id, name, created_by, tos_version, tos_accepted_at, created_at FROM organizations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub async fn rename<'e>(db: impl AnyExecutor<'e>, id: &str, name: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE organizations SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Takes the organization's lock for the rest of the transaction: the write lock on
/// SQLite, the row lock on PostgreSQL. Run it first in any transaction that checks a
/// limit (seats, last admin) before writing, so concurrent ones queue instead of
/// both passing the check.
pub async fn lock<'e>(db: impl AnyExecutor<'e>, org_id: &str) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE organizations SET lock_version = lock_version + 1 WHERE id = $1")
            .bind(org_id)
            .execute(db)
            .await?;
    Ok(done.rows_affected() == 1)
}
